//! Companies, people and addresses ([`PartyStore`]); their links are in `links.rs`.

use async_trait::async_trait;
use domain::billing::{Siren, VatNumber};
use domain::ids::{AdresseId, LinkId, SocieteId, TiersId};
use domain::order::SiteCode;
use domain::party::{
    AddressLines, Adresse, AdresseDetails, CompanyName, CountryCode, Email, PersonName,
    PhoneNumber, PostalCode, Societe, Tiers, TiersDetails, Town,
};
use domain::text::search_key;
use ports::{AddressDefaults, LinkKind, LinkRecord, PartyLinks, PartyStore, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::QueryBuilder;

use crate::codec::{micros, Columns};
use crate::error::{translate, violated_columns};
use crate::tx::SqliteTx;
use crate::{address_book, links};

pub(crate) const SOCIETE_COLUMNS: &str =
    "id, name, parent_id, site_code, email, siren, vat_number, created_at, updated_at";
pub(crate) const TIERS_COLUMNS: &str =
    "id, last_name, first_name, mobile, email, created_at, updated_at";
const TIERS_ORDER: &str = "last_name, first_name NULLS FIRST, id";
pub(crate) const ADRESSE_COLUMNS: &str =
    "id, lines, postal_code, town, country, access_notes, landline, \
     bank_details, created_at, updated_at";

pub(crate) fn societe(row: &SqliteRow) -> Result<Societe, StoreError> {
    let c = Columns::new(row, "societes");
    Ok(Societe {
        id: c.parse("id", SocieteId::parse)?,
        name: c.parse("name", CompanyName::new)?,
        parent: c.opt_parse("parent_id", SocieteId::parse)?,
        site_code: c.opt_parse("site_code", SiteCode::new)?,
        email: c.opt_parse("email", Email::new)?,
        siren: c.opt_parse("siren", Siren::new)?,
        vat_number: c.opt_parse("vat_number", VatNumber::new)?,
        created_at: c.instant("created_at")?,
        updated_at: c.instant("updated_at")?,
    })
}

pub(crate) fn tiers(row: &SqliteRow) -> Result<Tiers, StoreError> {
    let c = Columns::new(row, "tiers");
    Ok(Tiers {
        id: c.parse("id", TiersId::parse)?,
        details: TiersDetails {
            last_name: c.parse("last_name", PersonName::new)?,
            first_name: c.opt_parse("first_name", PersonName::new)?,
            mobile: c.opt_parse("mobile", PhoneNumber::new)?,
            email: c.opt_parse("email", Email::new)?,
        },
        created_at: c.instant("created_at")?,
        updated_at: c.instant("updated_at")?,
    })
}

pub(crate) fn adresse(row: &SqliteRow) -> Result<Adresse, StoreError> {
    let c = Columns::new(row, "adresses");
    Ok(Adresse {
        id: c.parse("id", AdresseId::parse)?,
        details: AdresseDetails {
            lines: c.parse("lines", AddressLines::new)?,
            postal_code: c.parse("postal_code", PostalCode::new)?,
            town: c.parse("town", Town::new)?,
            country: c.parse("country", CountryCode::new)?,
            access_notes: c.opt_parse("access_notes", AddressLines::new)?,
            landline: c.opt_parse("landline", PhoneNumber::new)?,
            bank_details: c.opt_parse("bank_details", AddressLines::new)?,
        },
        created_at: c.instant("created_at")?,
        updated_at: c.instant("updated_at")?,
    })
}

fn all<T>(
    rows: &[SqliteRow],
    read: fn(&SqliteRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(read).collect()
}

/// A clash on a company: its site code (the usual case) or its id.
fn societe_conflict(societe: &Societe) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |err| {
        let columns = violated_columns(&err);
        if columns.iter().any(|c| c == "societes.site_code") {
            StoreError::Duplicate {
                entity: "site",
                key: societe
                    .site_code
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string),
            }
        } else if columns.iter().any(|c| c == "societes.id") {
            StoreError::Duplicate {
                entity: "societe",
                key: societe.id.to_string(),
            }
        } else {
            translate(err)
        }
    }
}

fn not_found(entity: &'static str, key: impl ToString) -> StoreError {
    StoreError::NotFound {
        entity,
        key: key.to_string(),
    }
}

#[async_trait]
impl PartyStore for SqliteTx {
    async fn insert_societe(&mut self, societe: &Societe) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO societes (id, name, parent_id, site_code, email, siren, vat_number, \
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(societe.id.to_string())
        .bind(societe.name.as_str())
        .bind(societe.parent.map(|p| p.to_string()))
        .bind(societe.site_code.as_ref().map(SiteCode::as_str))
        .bind(societe.email.as_ref().map(Email::as_str))
        .bind(societe.siren.as_ref().map(Siren::as_str))
        .bind(societe.vat_number.as_ref().map(VatNumber::as_str))
        .bind(micros(societe.created_at))
        .bind(micros(societe.updated_at))
        .execute(self.conn().await?)
        .await
        .map_err(societe_conflict(societe))?;
        Ok(())
    }

    async fn update_societe(&mut self, societe: &Societe) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE societes SET name = ?, parent_id = ?, site_code = ?, email = ?, siren = ?, \
             vat_number = ?, updated_at = ? WHERE id = ?",
        )
        .bind(societe.name.as_str())
        .bind(societe.parent.map(|p| p.to_string()))
        .bind(societe.site_code.as_ref().map(SiteCode::as_str))
        .bind(societe.email.as_ref().map(Email::as_str))
        .bind(societe.siren.as_ref().map(Siren::as_str))
        .bind(societe.vat_number.as_ref().map(VatNumber::as_str))
        .bind(micros(societe.updated_at))
        .bind(societe.id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(societe_conflict(societe))?;
        if done.rows_affected() == 0 {
            return Err(not_found("societe", societe.id));
        }
        Ok(())
    }

    async fn get_societe(&mut self, id: SocieteId) -> Result<Option<Societe>, StoreError> {
        let sql = format!("SELECT {SOCIETE_COLUMNS} FROM societes WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(societe).transpose()
    }

    async fn find_site(&mut self, code: &SiteCode) -> Result<Option<Societe>, StoreError> {
        let sql = format!("SELECT {SOCIETE_COLUMNS} FROM societes WHERE site_code = ?");
        let row = sqlx::query(&sql)
            .bind(code.as_str())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(societe).transpose()
    }

    async fn list_sites(&mut self) -> Result<Vec<Societe>, StoreError> {
        let sql = format!(
            "SELECT {SOCIETE_COLUMNS} FROM societes WHERE site_code IS NOT NULL \
             ORDER BY site_code"
        );
        let rows = sqlx::query(&sql)
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        all(&rows, societe)
    }

    async fn subsidiaries_of(&mut self, id: SocieteId) -> Result<Vec<Societe>, StoreError> {
        let sql =
            format!("SELECT {SOCIETE_COLUMNS} FROM societes WHERE parent_id = ? ORDER BY name, id");
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        all(&rows, societe)
    }

    async fn ancestors_of(&mut self, id: SocieteId) -> Result<Vec<SocieteId>, StoreError> {
        // `path` holds the ancestors met so far (ids have a fixed length, so a substring
        // test is exact): the walk stops at the first one met twice.
        let rows = sqlx::query(
            "WITH RECURSIVE up (id, depth, path) AS ( \
                 SELECT parent_id, 1, parent_id FROM societes \
                 WHERE id = ?1 AND parent_id IS NOT NULL \
                 UNION ALL \
                 SELECT s.parent_id, up.depth + 1, up.path || '/' || s.parent_id \
                 FROM up JOIN societes s ON s.id = up.id \
                 WHERE s.parent_id IS NOT NULL AND instr(up.path, s.parent_id) = 0 \
             ) \
             SELECT id FROM up ORDER BY depth",
        )
        .bind(id.to_string())
        .fetch_all(self.conn().await?)
        .await
        .map_err(translate)?;
        rows.iter()
            .map(|row| Columns::new(row, "societes").parse("id", SocieteId::parse))
            .collect()
    }

    async fn insert_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError> {
        let d = &tiers.details;
        sqlx::query(
            "INSERT INTO tiers (id, last_name, first_name, mobile, email, name_key, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(tiers.id.to_string())
        .bind(d.last_name.as_str())
        .bind(d.first_name.as_ref().map(PersonName::as_str))
        .bind(d.mobile.as_ref().map(PhoneNumber::as_str))
        .bind(d.email.as_ref().map(Email::as_str))
        .bind(tiers.name_key())
        .bind(micros(tiers.created_at))
        .bind(micros(tiers.updated_at))
        .execute(self.conn().await?)
        .await
        .map_err(crate::error::duplicate("tiers", tiers.id.to_string()))?;
        Ok(())
    }

    async fn update_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError> {
        let d = &tiers.details;
        let done = sqlx::query(
            "UPDATE tiers SET last_name = ?, first_name = ?, mobile = ?, email = ?, \
             name_key = ?, updated_at = ? WHERE id = ?",
        )
        .bind(d.last_name.as_str())
        .bind(d.first_name.as_ref().map(PersonName::as_str))
        .bind(d.mobile.as_ref().map(PhoneNumber::as_str))
        .bind(d.email.as_ref().map(Email::as_str))
        .bind(tiers.name_key())
        .bind(micros(tiers.updated_at))
        .bind(tiers.id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(not_found("tiers", tiers.id));
        }
        Ok(())
    }

    async fn get_tiers(&mut self, id: TiersId) -> Result<Option<Tiers>, StoreError> {
        let sql = format!("SELECT {TIERS_COLUMNS} FROM tiers WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(tiers).transpose()
    }

    async fn find_tiers_by_phone(&mut self, phone: &PhoneNumber) -> Result<Vec<Tiers>, StoreError> {
        let sql =
            format!("SELECT {TIERS_COLUMNS} FROM tiers WHERE mobile = ? ORDER BY {TIERS_ORDER}");
        let rows = sqlx::query(&sql)
            .bind(phone.as_str())
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        all(&rows, tiers)
    }

    async fn find_tiers_by_email(&mut self, email: &Email) -> Result<Vec<Tiers>, StoreError> {
        let sql =
            format!("SELECT {TIERS_COLUMNS} FROM tiers WHERE email = ? ORDER BY {TIERS_ORDER}");
        let rows = sqlx::query(&sql)
            .bind(email.as_str())
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        all(&rows, tiers)
    }

    async fn search_tiers_by_name(
        &mut self,
        key: &str,
        limit: u32,
    ) -> Result<Vec<Tiers>, StoreError> {
        // Folded again so that a caller's raw text finds what its key would.
        let key = search_key(key);
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut sql = QueryBuilder::new(format!("SELECT {TIERS_COLUMNS} FROM tiers WHERE "));
        let mut conditions = sql.separated(" AND ");
        for word in words {
            // instr, not LIKE: a word is matched as it is, with no wildcard to escape.
            conditions.push("instr(name_key, ");
            conditions.push_bind_unseparated(word);
            conditions.push_unseparated(") > 0");
        }
        sql.push(format!(" ORDER BY {TIERS_ORDER} LIMIT "));
        sql.push_bind(i64::from(limit));
        let rows = sql
            .build()
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        all(&rows, tiers)
    }

    async fn insert_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError> {
        let d = &adresse.details;
        sqlx::query(
            "INSERT INTO adresses (id, lines, postal_code, town, country, access_notes, landline, \
             bank_details, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(adresse.id.to_string())
        .bind(d.lines.as_str())
        .bind(d.postal_code.as_str())
        .bind(d.town.as_str())
        .bind(d.country.as_str())
        .bind(d.access_notes.as_ref().map(AddressLines::as_str))
        .bind(d.landline.as_ref().map(PhoneNumber::as_str))
        .bind(d.bank_details.as_ref().map(AddressLines::as_str))
        .bind(micros(adresse.created_at))
        .bind(micros(adresse.updated_at))
        .execute(self.conn().await?)
        .await
        .map_err(crate::error::duplicate("adresse", adresse.id.to_string()))?;
        Ok(())
    }

    async fn update_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError> {
        let d = &adresse.details;
        let done = sqlx::query(
            "UPDATE adresses SET lines = ?, postal_code = ?, town = ?, country = ?, \
             access_notes = ?, landline = ?, bank_details = ?, updated_at = ? WHERE id = ?",
        )
        .bind(d.lines.as_str())
        .bind(d.postal_code.as_str())
        .bind(d.town.as_str())
        .bind(d.country.as_str())
        .bind(d.access_notes.as_ref().map(AddressLines::as_str))
        .bind(d.landline.as_ref().map(PhoneNumber::as_str))
        .bind(d.bank_details.as_ref().map(AddressLines::as_str))
        .bind(micros(adresse.updated_at))
        .bind(adresse.id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(not_found("adresse", adresse.id));
        }
        Ok(())
    }

    async fn get_adresse(&mut self, id: AdresseId) -> Result<Option<Adresse>, StoreError> {
        let sql = format!("SELECT {ADRESSE_COLUMNS} FROM adresses WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(adresse).transpose()
    }

    async fn insert_link(&mut self, link: &LinkRecord) -> Result<(), StoreError> {
        links::insert(self.conn().await?, link).await
    }

    async fn delete_link(&mut self, kind: LinkKind, id: LinkId) -> Result<bool, StoreError> {
        links::delete(self.conn().await?, kind, id).await
    }

    async fn links_of_societe(&mut self, id: SocieteId) -> Result<PartyLinks, StoreError> {
        links::of_societe(self.conn().await?, id).await
    }

    async fn links_of_tiers(&mut self, id: TiersId) -> Result<PartyLinks, StoreError> {
        links::of_tiers(self.conn().await?, id).await
    }

    async fn addresses_reachable_from(
        &mut self,
        people: &[TiersId],
    ) -> Result<Vec<AdresseId>, StoreError> {
        address_book::reachable_from(self.conn().await?, people).await
    }

    async fn address_defaults(&mut self, tiers: TiersId) -> Result<AddressDefaults, StoreError> {
        address_book::defaults(self.conn().await?, tiers).await
    }

    async fn set_address_defaults(
        &mut self,
        tiers: TiersId,
        defaults: &AddressDefaults,
    ) -> Result<(), StoreError> {
        address_book::set_defaults(self.conn().await?, tiers, defaults).await
    }
}
