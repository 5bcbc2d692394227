//! Companies, people, addresses and the links between them.

use async_trait::async_trait;
use domain::billing::{Siren, VatNumber};
use domain::ids::{AdresseId, LinkId, SocieteId, TiersId};
use domain::order::SiteCode;
use domain::party::{
    AddressLines, Adresse, AdresseDetails, CompanyName, CountryCode, Email, Link, PersonName,
    PhoneNumber, PostalCode, Role, Societe, Tiers, TiersDetails, Town,
};
use ports::{AddressDefaults, LinkKind, LinkRecord, PartyLinks, PartyStore, StoreError};
use sqlx::postgres::PgRow;

use crate::codec::{contains_pattern, name, opt_uuid, uuid, uuids, Cols};
use crate::db::PostgresTransaction;
use crate::error::unique_as;

macro_rules! select_societe {
    ($rest:literal) => {
        concat!(
            "SELECT id, name, parent_id, site_code, email, siren, vat_number, created_at, updated_at \
             FROM societes ",
            $rest
        )
    };
}

macro_rules! select_tiers {
    ($rest:literal) => {
        concat!(
            "SELECT id, last_name, first_name, mobile, email, created_at, updated_at FROM tiers ",
            $rest,
            // NULLS FIRST, as SQLite sorts them, so both stores list people alike.
            " ORDER BY last_name, first_name NULLS FIRST, id"
        )
    };
}

pub(crate) fn societe(row: &PgRow) -> Result<Societe, StoreError> {
    let c = Cols::new(row, "societes");
    Ok(Societe {
        id: SocieteId::from_u128(c.id("id")?),
        name: c.parse("name", CompanyName::new)?,
        parent: c.opt_id("parent_id")?.map(SocieteId::from_u128),
        site_code: c.opt_parse("site_code", SiteCode::new)?,
        email: c.opt_parse("email", Email::new)?,
        siren: c.opt_parse("siren", Siren::new)?,
        vat_number: c.opt_parse("vat_number", VatNumber::new)?,
        created_at: c.get("created_at")?,
        updated_at: c.get("updated_at")?,
    })
}

pub(crate) fn tiers(row: &PgRow) -> Result<Tiers, StoreError> {
    let c = Cols::new(row, "tiers");
    Ok(Tiers {
        id: TiersId::from_u128(c.id("id")?),
        details: TiersDetails {
            last_name: c.parse("last_name", PersonName::new)?,
            first_name: c.opt_parse("first_name", PersonName::new)?,
            mobile: c.opt_parse("mobile", PhoneNumber::new)?,
            email: c.opt_parse("email", Email::new)?,
        },
        created_at: c.get("created_at")?,
        updated_at: c.get("updated_at")?,
    })
}

pub(crate) fn adresse(row: &PgRow) -> Result<Adresse, StoreError> {
    let c = Cols::new(row, "adresses");
    Ok(Adresse {
        id: AdresseId::from_u128(c.id("id")?),
        details: AdresseDetails {
            lines: c.parse("lines", AddressLines::new)?,
            postal_code: c.parse("postal_code", PostalCode::new)?,
            town: c.parse("town", Town::new)?,
            country: c.parse("country", CountryCode::new)?,
            access_notes: c.opt_parse("access_notes", AddressLines::new)?,
            landline: c.opt_parse("landline", PhoneNumber::new)?,
            bank_details: c.opt_parse("bank_details", AddressLines::new)?,
        },
        created_at: c.get("created_at")?,
        updated_at: c.get("updated_at")?,
    })
}

fn all<T>(rows: &[PgRow], read: fn(&PgRow) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
    rows.iter().map(read).collect()
}

/// Where a kind of link is stored.
struct LinkTable {
    table: &'static str,
    from_column: &'static str,
    to_column: &'static str,
    from_table: &'static str,
    to_table: &'static str,
    from_entity: &'static str,
    to_entity: &'static str,
}

fn link_table(kind: LinkKind) -> &'static LinkTable {
    match kind {
        LinkKind::SocieteTiers => &LinkTable {
            table: "societe_tiers",
            from_column: "societe_id",
            to_column: "tiers_id",
            from_table: "societes",
            to_table: "tiers",
            from_entity: "societe",
            to_entity: "tiers",
        },
        LinkKind::TiersAdresse => &LinkTable {
            table: "tiers_adresses",
            from_column: "tiers_id",
            to_column: "adresse_id",
            from_table: "tiers",
            to_table: "adresses",
            from_entity: "tiers",
            to_entity: "adresse",
        },
        LinkKind::SocieteAdresse => &LinkTable {
            table: "societe_adresses",
            from_column: "societe_id",
            to_column: "adresse_id",
            from_table: "societes",
            to_table: "adresses",
            from_entity: "societe",
            to_entity: "adresse",
        },
    }
}

/// A link's parts: id, both sides as 128 bits, role.
fn link_parts(link: &LinkRecord) -> (LinkId, u128, u128, Role) {
    match link {
        LinkRecord::SocieteTiers(l) => (l.id, l.from.as_u128(), l.to.as_u128(), l.role),
        LinkRecord::TiersAdresse(l) => (l.id, l.from.as_u128(), l.to.as_u128(), l.role),
        LinkRecord::SocieteAdresse(l) => (l.id, l.from.as_u128(), l.to.as_u128(), l.role),
    }
}

/// The links of one party, all kinds in one query: `kind` tells them apart (0: company and
/// person, 1: person and address, 2: company and address).
fn party_links(rows: &[PgRow]) -> Result<PartyLinks, StoreError> {
    let mut links = PartyLinks::default();
    for row in rows {
        let c = Cols::new(row, "links");
        let id = LinkId::from_u128(c.id("id")?);
        let (from, to) = (c.id("from_id")?, c.id("to_id")?);
        let role = c.parse("role", name(Role::parse, "a role"))?;
        match c.get::<i32>("kind")? {
            0 => links.societe_tiers.push(Link {
                id,
                from: SocieteId::from_u128(from),
                to: TiersId::from_u128(to),
                role,
            }),
            1 => links.tiers_adresses.push(Link {
                id,
                from: TiersId::from_u128(from),
                to: AdresseId::from_u128(to),
                role,
            }),
            _ => links.societe_adresses.push(Link {
                id,
                from: SocieteId::from_u128(from),
                to: AdresseId::from_u128(to),
                role,
            }),
        }
    }
    // By role as the domain orders roles (internal, customer, payer, recipient), not as
    // their names sort.
    links.societe_tiers.sort_by_key(|l| (l.role, l.id));
    links.tiers_adresses.sort_by_key(|l| (l.role, l.id));
    links.societe_adresses.sort_by_key(|l| (l.role, l.id));
    Ok(links)
}

impl PostgresTransaction {
    /// Why a company could not be written: its site code is another's, its id is taken (on
    /// insert), its parent or itself (on update) is not stored.
    async fn societe_refusal(
        &mut self,
        societe: &Societe,
        insert: bool,
    ) -> Result<StoreError, StoreError> {
        let r = sqlx::query_as::<_, (bool, bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM societes WHERE id = $1), \
                    EXISTS (SELECT 1 FROM societes WHERE site_code = $2 AND id <> $1), \
                    $3::uuid IS NULL OR EXISTS (SELECT 1 FROM societes WHERE id = $3)",
        )
        .bind(uuid(societe.id.as_u128()))
        .bind(societe.site_code.as_ref().map(SiteCode::as_str))
        .bind(opt_uuid(societe.parent.map(SocieteId::as_u128)))
        .fetch_one(self.conn())
        .await;
        let (exists, code_taken, parent_exists) = self.done(r)?;
        Ok(match (&societe.site_code, societe.parent) {
            (Some(code), _) if code_taken => StoreError::Duplicate {
                entity: "site",
                key: code.to_string(),
            },
            _ if insert && exists => StoreError::Duplicate {
                entity: "societe",
                key: societe.id.to_string(),
            },
            _ if !insert && !exists => StoreError::NotFound {
                entity: "societe",
                key: societe.id.to_string(),
            },
            (_, Some(parent)) if !parent_exists => StoreError::NotFound {
                entity: "societe",
                key: parent.to_string(),
            },
            // The conflicting row went away in the meantime: the caller may try again.
            _ => StoreError::Retryable("a concurrent change of companies".into()),
        })
    }
}

#[async_trait]
impl PartyStore for PostgresTransaction {
    async fn insert_societe(&mut self, societe: &Societe) -> Result<(), StoreError> {
        let code = societe.site_code.as_ref().map(SiteCode::as_str);
        let r = sqlx::query(
            "INSERT INTO societes (id, name, parent_id, site_code, email, created_at, updated_at, \
                                   siren, vat_number) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 \
             WHERE $3::uuid IS NULL OR EXISTS (SELECT 1 FROM societes WHERE id = $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(uuid(societe.id.as_u128()))
        .bind(societe.name.as_str())
        .bind(opt_uuid(societe.parent.map(SocieteId::as_u128)))
        .bind(code)
        .bind(societe.email.as_ref().map(Email::as_str))
        .bind(societe.created_at)
        .bind(societe.updated_at)
        .bind(societe.siren.as_ref().map(Siren::as_str))
        .bind(societe.vat_number.as_ref().map(VatNumber::as_str))
        .execute(self.conn())
        .await;
        let key = code.unwrap_or_default().to_owned();
        let done = self.check(r).map_err(|e| unique_as(e, "site", key))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        Err(self.societe_refusal(societe, true).await?)
    }

    async fn update_societe(&mut self, societe: &Societe) -> Result<(), StoreError> {
        let code = societe.site_code.as_ref().map(SiteCode::as_str);
        let r = sqlx::query(
            "UPDATE societes SET name = $2, parent_id = $3, site_code = $4, email = $5, \
                    updated_at = $6, siren = $7, vat_number = $8 \
             WHERE id = $1 \
               AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM societes p WHERE p.id = $3)) \
               AND ($4::text IS NULL OR NOT EXISTS \
                    (SELECT 1 FROM societes o WHERE o.site_code = $4 AND o.id <> $1))",
        )
        .bind(uuid(societe.id.as_u128()))
        .bind(societe.name.as_str())
        .bind(opt_uuid(societe.parent.map(SocieteId::as_u128)))
        .bind(code)
        .bind(societe.email.as_ref().map(Email::as_str))
        .bind(societe.updated_at)
        .bind(societe.siren.as_ref().map(Siren::as_str))
        .bind(societe.vat_number.as_ref().map(VatNumber::as_str))
        .execute(self.conn())
        .await;
        let key = code.unwrap_or_default().to_owned();
        let done = self.check(r).map_err(|e| unique_as(e, "site", key))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        Err(self.societe_refusal(societe, false).await?)
    }

    async fn get_societe(&mut self, id: SocieteId) -> Result<Option<Societe>, StoreError> {
        let r = sqlx::query(select_societe!("WHERE id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(societe).transpose()
    }

    async fn find_site(&mut self, code: &SiteCode) -> Result<Option<Societe>, StoreError> {
        let r = sqlx::query(select_societe!("WHERE site_code = $1"))
            .bind(code.as_str())
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(societe).transpose()
    }

    async fn list_sites(&mut self) -> Result<Vec<Societe>, StoreError> {
        let r = sqlx::query(select_societe!(
            "WHERE site_code IS NOT NULL ORDER BY site_code"
        ))
        .fetch_all(self.conn())
        .await;
        all(&self.done(r)?, societe)
    }

    async fn subsidiaries_of(&mut self, id: SocieteId) -> Result<Vec<Societe>, StoreError> {
        let r = sqlx::query(select_societe!("WHERE parent_id = $1 ORDER BY name, id"))
            .bind(uuid(id.as_u128()))
            .fetch_all(self.conn())
            .await;
        all(&self.done(r)?, societe)
    }

    async fn ancestors_of(&mut self, id: SocieteId) -> Result<Vec<SocieteId>, StoreError> {
        // `path` holds the ancestors met so far: the walk stops at the first one met twice.
        let r = sqlx::query_scalar::<_, uuid::Uuid>(
            "WITH RECURSIVE up (id, depth, path) AS ( \
                 SELECT parent_id, 1, ARRAY[parent_id] FROM societes \
                 WHERE id = $1 AND parent_id IS NOT NULL \
                 UNION ALL \
                 SELECT s.parent_id, up.depth + 1, up.path || s.parent_id \
                 FROM up JOIN societes s ON s.id = up.id \
                 WHERE s.parent_id IS NOT NULL AND NOT (s.parent_id = ANY (up.path)) \
             ) \
             SELECT id FROM up ORDER BY depth",
        )
        .bind(uuid(id.as_u128()))
        .fetch_all(self.conn())
        .await;
        Ok(self
            .done(r)?
            .into_iter()
            .map(|u| SocieteId::from_u128(u.as_u128()))
            .collect())
    }

    async fn insert_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError> {
        let d = &tiers.details;
        let r = sqlx::query(
            "INSERT INTO tiers (id, last_name, first_name, mobile, email, name_key, created_at, \
                                updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(uuid(tiers.id.as_u128()))
        .bind(d.last_name.as_str())
        .bind(d.first_name.as_ref().map(PersonName::as_str))
        .bind(d.mobile.as_ref().map(PhoneNumber::as_str))
        .bind(d.email.as_ref().map(Email::as_str))
        .bind(tiers.name_key())
        .bind(tiers.created_at)
        .bind(tiers.updated_at)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Duplicate {
                entity: "tiers",
                key: tiers.id.to_string(),
            })
        }
    }

    async fn update_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError> {
        let d = &tiers.details;
        let r = sqlx::query(
            "UPDATE tiers SET last_name = $2, first_name = $3, mobile = $4, email = $5, \
                    name_key = $6, updated_at = $7 \
             WHERE id = $1",
        )
        .bind(uuid(tiers.id.as_u128()))
        .bind(d.last_name.as_str())
        .bind(d.first_name.as_ref().map(PersonName::as_str))
        .bind(d.mobile.as_ref().map(PhoneNumber::as_str))
        .bind(d.email.as_ref().map(Email::as_str))
        .bind(tiers.name_key())
        .bind(tiers.updated_at)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                entity: "tiers",
                key: tiers.id.to_string(),
            })
        }
    }

    async fn get_tiers(&mut self, id: TiersId) -> Result<Option<Tiers>, StoreError> {
        let r = sqlx::query(
            "SELECT id, last_name, first_name, mobile, email, created_at, updated_at \
             FROM tiers WHERE id = $1",
        )
        .bind(uuid(id.as_u128()))
        .fetch_optional(self.conn())
        .await;
        self.done(r)?.as_ref().map(tiers).transpose()
    }

    async fn find_tiers_by_phone(&mut self, phone: &PhoneNumber) -> Result<Vec<Tiers>, StoreError> {
        let r = sqlx::query(select_tiers!("WHERE mobile = $1"))
            .bind(phone.as_str())
            .fetch_all(self.conn())
            .await;
        all(&self.done(r)?, tiers)
    }

    async fn find_tiers_by_email(&mut self, email: &Email) -> Result<Vec<Tiers>, StoreError> {
        let r = sqlx::query(select_tiers!("WHERE email = $1"))
            .bind(email.as_str())
            .fetch_all(self.conn())
            .await;
        all(&self.done(r)?, tiers)
    }

    async fn search_tiers_by_name(
        &mut self,
        key: &str,
        limit: u32,
    ) -> Result<Vec<Tiers>, StoreError> {
        let patterns: Vec<String> = key.split_whitespace().map(contains_pattern).collect();
        if patterns.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let r = sqlx::query(concat!(
            select_tiers!("WHERE name_key LIKE ALL ($1)"),
            " LIMIT $2"
        ))
        .bind(patterns)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await;
        all(&self.done(r)?, tiers)
    }

    async fn insert_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError> {
        let d = &adresse.details;
        let r = sqlx::query(
            "INSERT INTO adresses (id, lines, postal_code, town, country, access_notes, \
                                   landline, bank_details, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        )
        .bind(uuid(adresse.id.as_u128()))
        .bind(d.lines.as_str())
        .bind(d.postal_code.as_str())
        .bind(d.town.as_str())
        .bind(d.country.as_str())
        .bind(d.access_notes.as_ref().map(AddressLines::as_str))
        .bind(d.landline.as_ref().map(PhoneNumber::as_str))
        .bind(d.bank_details.as_ref().map(AddressLines::as_str))
        .bind(adresse.created_at)
        .bind(adresse.updated_at)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Duplicate {
                entity: "adresse",
                key: adresse.id.to_string(),
            })
        }
    }

    async fn update_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError> {
        let d = &adresse.details;
        let r = sqlx::query(
            "UPDATE adresses SET lines = $2, postal_code = $3, town = $4, country = $5, \
                    access_notes = $6, landline = $7, bank_details = $8, updated_at = $9 \
             WHERE id = $1",
        )
        .bind(uuid(adresse.id.as_u128()))
        .bind(d.lines.as_str())
        .bind(d.postal_code.as_str())
        .bind(d.town.as_str())
        .bind(d.country.as_str())
        .bind(d.access_notes.as_ref().map(AddressLines::as_str))
        .bind(d.landline.as_ref().map(PhoneNumber::as_str))
        .bind(d.bank_details.as_ref().map(AddressLines::as_str))
        .bind(adresse.updated_at)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                entity: "adresse",
                key: adresse.id.to_string(),
            })
        }
    }

    async fn get_adresse(&mut self, id: AdresseId) -> Result<Option<Adresse>, StoreError> {
        let r = sqlx::query(
            "SELECT id, lines, postal_code, town, country, access_notes, landline, \
                    bank_details, created_at, updated_at \
             FROM adresses WHERE id = $1",
        )
        .bind(uuid(id.as_u128()))
        .fetch_optional(self.conn())
        .await;
        self.done(r)?.as_ref().map(adresse).transpose()
    }

    async fn insert_link(&mut self, link: &LinkRecord) -> Result<(), StoreError> {
        let t = link_table(link.kind());
        let (id, from, to, role) = link_parts(link);
        // Both parties are checked in the statement rather than left to the foreign keys,
        // whose violation would abort the transaction.
        let insert = format!(
            "INSERT INTO {table} (id, {from_column}, {to_column}, role) \
             SELECT $1, $2, $3, $4 \
             WHERE EXISTS (SELECT 1 FROM {from_table} WHERE id = $2) \
               AND EXISTS (SELECT 1 FROM {to_table} WHERE id = $3) \
             ON CONFLICT DO NOTHING",
            table = t.table,
            from_column = t.from_column,
            to_column = t.to_column,
            from_table = t.from_table,
            to_table = t.to_table,
        );
        let r = sqlx::query(&insert)
            .bind(uuid(id.as_u128()))
            .bind(uuid(from))
            .bind(uuid(to))
            .bind(role.as_str())
            .execute(self.conn())
            .await;
        let link_key = format!(
            "{} {} - {} {} ({role})",
            t.from_entity,
            uuid(from),
            t.to_entity,
            uuid(to)
        );
        let done = self
            .check(r)
            .map_err(|e| unique_as(e, "link", link_key.clone()))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let diagnose = format!(
            "SELECT EXISTS (SELECT 1 FROM {from_table} WHERE id = $1), \
                    EXISTS (SELECT 1 FROM {to_table} WHERE id = $2), \
                    EXISTS (SELECT 1 FROM {table} WHERE id = $3)",
            from_table = t.from_table,
            to_table = t.to_table,
            table = t.table,
        );
        let r = sqlx::query_as::<_, (bool, bool, bool)>(&diagnose)
            .bind(uuid(from))
            .bind(uuid(to))
            .bind(uuid(id.as_u128()))
            .fetch_one(self.conn())
            .await;
        let (from_exists, to_exists, id_taken) = self.done(r)?;
        Err(if !from_exists {
            StoreError::NotFound {
                entity: t.from_entity,
                key: uuid(from).to_string(),
            }
        } else if !to_exists {
            StoreError::NotFound {
                entity: t.to_entity,
                key: uuid(to).to_string(),
            }
        } else if id_taken {
            StoreError::Duplicate {
                entity: "link",
                key: id.to_string(),
            }
        } else {
            StoreError::Duplicate {
                entity: "link",
                key: link_key,
            }
        })
    }

    async fn delete_link(&mut self, kind: LinkKind, id: LinkId) -> Result<bool, StoreError> {
        let delete = format!("DELETE FROM {} WHERE id = $1", link_table(kind).table);
        let r = sqlx::query(&delete)
            .bind(uuid(id.as_u128()))
            .execute(self.conn())
            .await;
        Ok(self.done(r)?.rows_affected() > 0)
    }

    async fn links_of_societe(&mut self, id: SocieteId) -> Result<PartyLinks, StoreError> {
        let r = sqlx::query(
            "SELECT 0 AS kind, id, societe_id AS from_id, tiers_id AS to_id, role \
             FROM societe_tiers WHERE societe_id = $1 \
             UNION ALL \
             SELECT 2, id, societe_id, adresse_id, role \
             FROM societe_adresses WHERE societe_id = $1",
        )
        .bind(uuid(id.as_u128()))
        .fetch_all(self.conn())
        .await;
        party_links(&self.done(r)?)
    }

    async fn links_of_tiers(&mut self, id: TiersId) -> Result<PartyLinks, StoreError> {
        let r = sqlx::query(
            "SELECT 0 AS kind, id, societe_id AS from_id, tiers_id AS to_id, role \
             FROM societe_tiers WHERE tiers_id = $1 \
             UNION ALL \
             SELECT 1, id, tiers_id, adresse_id, role \
             FROM tiers_adresses WHERE tiers_id = $1",
        )
        .bind(uuid(id.as_u128()))
        .fetch_all(self.conn())
        .await;
        party_links(&self.done(r)?)
    }

    async fn addresses_reachable_from(
        &mut self,
        people: &[TiersId],
    ) -> Result<Vec<AdresseId>, StoreError> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let r = sqlx::query(
            "SELECT adresse_id FROM tiers_adresses WHERE tiers_id = ANY($1) \
             UNION \
             SELECT sa.adresse_id FROM societe_tiers st \
             JOIN societe_adresses sa ON sa.societe_id = st.societe_id \
             WHERE st.tiers_id = ANY($1)",
        )
        .bind(uuids(people.iter().map(|id| id.as_u128())))
        .fetch_all(self.conn())
        .await;
        self.done(r)?
            .iter()
            .map(|row| {
                Ok(AdresseId::from_u128(
                    Cols::new(row, "tiers_adresses").id("adresse_id")?,
                ))
            })
            .collect()
    }

    async fn address_defaults(&mut self, tiers: TiersId) -> Result<AddressDefaults, StoreError> {
        let r = sqlx::query(
            "SELECT delivery_address_id, billing_address_id FROM address_defaults \
             WHERE tiers_id = $1",
        )
        .bind(uuid(tiers.as_u128()))
        .fetch_optional(self.conn())
        .await;
        let Some(row) = self.done(r)? else {
            return Ok(AddressDefaults::default());
        };
        let c = Cols::new(&row, "address_defaults");
        Ok(AddressDefaults {
            delivery: c.opt_id("delivery_address_id")?.map(AdresseId::from_u128),
            billing: c.opt_id("billing_address_id")?.map(AdresseId::from_u128),
        })
    }

    async fn set_address_defaults(
        &mut self,
        tiers: TiersId,
        defaults: &AddressDefaults,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO address_defaults (tiers_id, delivery_address_id, billing_address_id) \
             VALUES ($1, $2, $3) \
             ON CONFLICT (tiers_id) DO UPDATE SET \
                 delivery_address_id = excluded.delivery_address_id, \
                 billing_address_id = excluded.billing_address_id",
        )
        .bind(uuid(tiers.as_u128()))
        .bind(opt_uuid(defaults.delivery.map(AdresseId::as_u128)))
        .bind(opt_uuid(defaults.billing.map(AdresseId::as_u128)))
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(())
    }
}
