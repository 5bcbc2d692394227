//! Companies, people, addresses and their links; finding customers.

use domain::billing::{Siren, VatNumber};
use domain::ids::{AdresseId, LinkId, SocieteId, TiersId};
use domain::order::SiteCode;
use domain::party::{
    would_create_cycle, Adresse, AdresseDetails, CompanyName, Email, Link, PhoneNumber, Role,
    Societe, Tiers, TiersDetails,
};
use domain::text::search_key;
use ports::{EntityKind, LinkKind, LinkRecord, PartyLinks, PartyStore, StoreError, TxMode};
use serde::Serialize;

use crate::audit::Diff;
use crate::error::duplicate_as_conflict;
use crate::scope::{self, require_admin, require_internal};
use crate::{App, AppError, Caller};

/// What a new company is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocieteInput {
    /// Its name.
    pub name: CompanyName,
    /// Its parent company.
    pub parent: Option<SocieteId>,
    /// Its site code, for a site of the supplier.
    pub site_code: Option<SiteCode>,
    /// Its email (a site receives its validated orders there).
    pub email: Option<Email>,
    /// Its SIREN, for a French business.
    pub siren: Option<Siren>,
    /// Its intra-community VAT number.
    pub vat_number: Option<VatNumber>,
}

/// A company with its family and links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SocieteView {
    /// The company.
    pub societe: Societe,
    /// Its subsidiaries, by name.
    pub subsidiaries: Vec<Societe>,
    /// Its people and addresses.
    pub people: Vec<(Role, TiersId)>,
    /// Its addresses.
    pub addresses: Vec<(Role, AdresseId)>,
}

/// A person with their companies and addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TiersView {
    /// The person.
    pub tiers: Tiers,
    /// Their companies, with the role of each link.
    pub companies: Vec<(Role, Societe)>,
    /// Their addresses, with the role of each link.
    pub addresses: Vec<(Role, Adresse)>,
}

/// A new customer: a person, their company (a company of one person for a private
/// customer) and their address, linked as customer, payer and recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    /// The person.
    pub details: TiersDetails,
    /// Their company's name; the person's name for a private customer.
    pub company: Option<CompanyName>,
    /// Their address.
    pub address: AdresseDetails,
}

/// What [`App::register_customer`] created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredCustomer {
    /// The person.
    pub tiers: Tiers,
    /// Their company.
    pub societe: Societe,
    /// Their address.
    pub adresse: Adresse,
}

/// A link to make between two parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkInput {
    /// A person in a company.
    SocieteTiers(SocieteId, TiersId),
    /// A person's address.
    TiersAdresse(TiersId, AdresseId),
    /// A company's address.
    SocieteAdresse(SocieteId, AdresseId),
}

impl App {
    /// Creates a company.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for an unknown parent; [`AppError::Conflict`] when the site
    /// code is taken; [`AppError::Forbidden`] unless the caller is staff.
    pub async fn create_societe(
        &self,
        caller: &Caller,
        input: &SocieteInput,
    ) -> Result<Societe, AppError> {
        require_internal(caller, "create companies")?;
        if input.site_code.is_some() {
            require_admin(caller, "create sites")?;
        }
        let now = self.now();
        let societe = Societe {
            id: SocieteId::from_u128(self.ids.next_id()),
            name: input.name.clone(),
            parent: input.parent,
            site_code: input.site_code.clone(),
            email: input.email.clone(),
            siren: input.siren.clone(),
            vat_number: input.vat_number.clone(),
            created_at: now,
            updated_at: now,
        };
        transaction!(self, TxMode::Write, |tx| {
            if let Some(parent) = societe.parent {
                existing_societe(&mut *tx, parent).await?;
            }
            tx.insert_societe(&societe)
                .await
                .map_err(duplicate_as_conflict)?;
            Ok(())
        })?;
        Ok(societe)
    }

    /// Changes a company: its name, parent, site code and email, recording what changed.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Invalid`] when the new parent would make the
    /// company its own ancestor; [`AppError::Conflict`] for a taken site code.
    pub async fn update_societe(
        &self,
        caller: &Caller,
        id: SocieteId,
        input: &SocieteInput,
    ) -> Result<Societe, AppError> {
        require_internal(caller, "change companies")?;
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let before = existing_societe(&mut *tx, id).await?;
            if before.site_code.is_some() || input.site_code.is_some() {
                require_admin(caller, "change sites")?;
            }
            if let Some(parent) = input.parent {
                existing_societe(&mut *tx, parent).await?;
                let ancestors = tx.ancestors_of(parent).await?;
                if would_create_cycle(id, parent, &ancestors) {
                    return Err(AppError::invalid(
                        "parent",
                        "a company cannot be its own parent or ancestor",
                    ));
                }
            }
            let after = Societe {
                name: input.name.clone(),
                parent: input.parent,
                site_code: input.site_code.clone(),
                email: input.email.clone(),
                siren: input.siren.clone(),
                vat_number: input.vat_number.clone(),
                updated_at: now,
                ..before.clone()
            };
            let mut diff = Diff::default();
            diff.field("name", &before.name, &after.name)
                .field("parent", &before.parent, &after.parent)
                .field("site_code", &before.site_code, &after.site_code)
                .field("email", &before.email, &after.email)
                .field("siren", &before.siren, &after.siren)
                .field("vat_number", &before.vat_number, &after.vat_number);
            if diff.is_empty() {
                return Ok(before);
            }
            tx.update_societe(&after)
                .await
                .map_err(duplicate_as_conflict)?;
            diff.record(&mut *tx, EntityKind::Societe, id, caller, now)
                .await?;
            Ok(after)
        })
    }

    /// A company with its subsidiaries, people and addresses.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn societe(&self, caller: &Caller, id: SocieteId) -> Result<SocieteView, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            scope::check_company_visible(&mut *tx, caller, id).await?;
            let societe = existing_societe(&mut *tx, id).await?;
            let subsidiaries = tx.subsidiaries_of(id).await?;
            let links = tx.links_of_societe(id).await?;
            Ok(SocieteView {
                societe,
                subsidiaries,
                people: links.societe_tiers.iter().map(|l| (l.role, l.to)).collect(),
                addresses: links
                    .societe_adresses
                    .iter()
                    .map(|l| (l.role, l.to))
                    .collect(),
            })
        })
    }

    /// The site with this code, created with this name if there is none yet (the online
    /// site must exist before the first online order).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff or the system.
    pub async fn ensure_site(
        &self,
        caller: &Caller,
        code: &SiteCode,
        name: &CompanyName,
    ) -> Result<Societe, AppError> {
        require_admin(caller, "create sites")?;
        let now = self.now();
        let fresh = Societe {
            id: SocieteId::from_u128(self.ids.next_id()),
            name: name.clone(),
            parent: None,
            site_code: Some(code.clone()),
            email: None,
            siren: None,
            vat_number: None,
            created_at: now,
            updated_at: now,
        };
        let created = transaction!(self, TxMode::Write, |tx| {
            if let Some(site) = tx.find_site(code).await? {
                return Ok(site);
            }
            tx.insert_societe(&fresh).await?;
            Ok(fresh.clone())
        });
        match created {
            // Another process made it between this one's read and its write (processes
            // starting together on a fresh database): theirs is the site.
            Err(AppError::Store(StoreError::Duplicate { .. })) => {
                transaction!(self, TxMode::Read, |tx| {
                    tx.find_site(code)
                        .await?
                        .ok_or_else(|| AppError::not_found("site", code))
                })
            }
            other => other,
        }
    }

    /// Every site of the supplier, by code.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff; [`AppError::Store`] when the
    /// database fails.
    pub async fn sites(&self, caller: &Caller) -> Result<Vec<Societe>, AppError> {
        require_internal(caller, "list the sites")?;
        transaction!(self, TxMode::Read, |tx| { Ok(tx.list_sites().await?) })
    }

    /// Creates a person.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff.
    pub async fn create_tiers(
        &self,
        caller: &Caller,
        details: &TiersDetails,
    ) -> Result<Tiers, AppError> {
        require_internal(caller, "create people")?;
        let now = self.now();
        let tiers = Tiers {
            id: TiersId::from_u128(self.ids.next_id()),
            details: details.clone(),
            created_at: now,
            updated_at: now,
        };
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_tiers(&tiers).await?;
            Ok(())
        })?;
        Ok(tiers)
    }

    /// Changes a person's names and contact, recording what changed. A customer may change
    /// their own.
    ///
    /// # Errors
    /// [`AppError::NotFound`] (also for a customer asking for someone else).
    pub async fn update_tiers(
        &self,
        caller: &Caller,
        id: TiersId,
        details: &TiersDetails,
    ) -> Result<Tiers, AppError> {
        scope::check_person_visible(caller, id)?;
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let before = existing_tiers(&mut *tx, id).await?;
            let (b, a) = (&before.details, details);
            let mut diff = Diff::default();
            diff.field("last_name", &b.last_name, &a.last_name)
                .field("first_name", &b.first_name, &a.first_name)
                .field("mobile", &b.mobile, &a.mobile)
                .field("email", &b.email, &a.email);
            if diff.is_empty() {
                return Ok(before);
            }
            let after = Tiers {
                details: details.clone(),
                updated_at: now,
                ..before
            };
            tx.update_tiers(&after).await?;
            diff.record(&mut *tx, EntityKind::Tiers, id, caller, now)
                .await?;
            Ok(after)
        })
    }

    /// A person with their companies and addresses.
    ///
    /// # Errors
    /// [`AppError::NotFound`] (also for a customer asking for someone else).
    pub async fn tiers(&self, caller: &Caller, id: TiersId) -> Result<TiersView, AppError> {
        scope::check_person_visible(caller, id)?;
        transaction!(self, TxMode::Read, |tx| {
            let tiers = existing_tiers(&mut *tx, id).await?;
            let links: PartyLinks = tx.links_of_tiers(id).await?;
            let mut companies = Vec::new();
            for link in &links.societe_tiers {
                if let Some(societe) = tx.get_societe(link.from).await? {
                    companies.push((link.role, societe));
                }
            }
            let mut addresses = Vec::new();
            for link in &links.tiers_adresses {
                if let Some(adresse) = tx.get_adresse(link.to).await? {
                    addresses.push((link.role, adresse));
                }
            }
            Ok(TiersView {
                tiers,
                companies,
                addresses,
            })
        })
    }

    /// The people with this mobile phone (the customer's identifier at the counter).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff.
    pub async fn find_customers_by_phone(
        &self,
        caller: &Caller,
        phone: &PhoneNumber,
    ) -> Result<Vec<Tiers>, AppError> {
        require_internal(caller, "look customers up")?;
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_tiers_by_phone(phone).await?)
        })
    }

    /// The people with this email.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff.
    pub async fn find_customers_by_email(
        &self,
        caller: &Caller,
        email: &Email,
    ) -> Result<Vec<Tiers>, AppError> {
        require_internal(caller, "look customers up")?;
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_tiers_by_email(email).await?)
        })
    }

    /// The people whose name matches, whatever the case and accents ("elodie" finds
    /// "Élodie"); every word given must match. At most `limit` (1 to 200).
    ///
    /// # Errors
    /// [`AppError::Invalid`] for a text with no letter or digit.
    pub async fn find_customers_by_name(
        &self,
        caller: &Caller,
        name: &str,
        limit: u32,
    ) -> Result<Vec<Tiers>, AppError> {
        require_internal(caller, "look customers up")?;
        let key = search_key(name);
        if key.is_empty() {
            return Err(AppError::invalid(
                "name",
                "give at least one letter or digit of the name",
            ));
        }
        let limit = limit.clamp(1, 200);
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.search_tiers_by_name(&key, limit).await?)
        })
    }

    /// Creates an address.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff; [`AppError::Store`] when the database fails.
    pub async fn create_adresse(
        &self,
        caller: &Caller,
        details: &AdresseDetails,
    ) -> Result<Adresse, AppError> {
        require_internal(caller, "create addresses")?;
        let now = self.now();
        let adresse = Adresse {
            id: AdresseId::from_u128(self.ids.next_id()),
            details: details.clone(),
            created_at: now,
            updated_at: now,
        };
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_adresse(&adresse).await?;
            Ok(())
        })?;
        Ok(adresse)
    }

    /// Changes an address, recording what changed.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Forbidden`] unless the caller is staff.
    pub async fn update_adresse(
        &self,
        caller: &Caller,
        id: AdresseId,
        details: &AdresseDetails,
    ) -> Result<Adresse, AppError> {
        require_internal(caller, "change addresses")?;
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let before = existing_adresse(&mut *tx, id).await?;
            let mut diff = Diff::default();
            address_changes(&mut diff, &before.details, details);
            if diff.is_empty() {
                return Ok(before);
            }
            let after = Adresse {
                details: details.clone(),
                updated_at: now,
                ..before
            };
            tx.update_adresse(&after).await?;
            diff.record(&mut *tx, EntityKind::Adresse, id, caller, now)
                .await?;
            Ok(after)
        })
    }

    /// Links two parties with a role.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when a party is unknown; [`AppError::Conflict`] when they are
    /// already linked with this role.
    pub async fn link(
        &self,
        caller: &Caller,
        link: LinkInput,
        role: Role,
    ) -> Result<LinkRecord, AppError> {
        require_internal(caller, "link parties")?;
        let id = LinkId::from_u128(self.ids.next_id());
        let record = match link {
            LinkInput::SocieteTiers(from, to) => {
                LinkRecord::SocieteTiers(Link { id, from, to, role })
            }
            LinkInput::TiersAdresse(from, to) => {
                LinkRecord::TiersAdresse(Link { id, from, to, role })
            }
            LinkInput::SocieteAdresse(from, to) => {
                LinkRecord::SocieteAdresse(Link { id, from, to, role })
            }
        };
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_link(&record).await.map_err(|e| match e {
                ports::StoreError::NotFound { entity, key } => AppError::NotFound { entity, key },
                other => duplicate_as_conflict(other),
            })?;
            Ok(())
        })?;
        Ok(record)
    }

    /// Removes a link.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when there is no such link.
    pub async fn unlink(
        &self,
        caller: &Caller,
        kind: LinkKind,
        id: LinkId,
    ) -> Result<(), AppError> {
        require_internal(caller, "unlink parties")?;
        transaction!(self, TxMode::Write, |tx| {
            if tx.delete_link(kind, id).await? {
                Ok(())
            } else {
                Err(AppError::not_found("link", id))
            }
        })
    }

    /// Registers a new customer in one go: the person, their company and their address,
    /// linked as customer, payer and recipient.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff (customers sign up); [`AppError::Store`] when the database fails.
    pub async fn register_customer(
        &self,
        caller: &Caller,
        new: &NewCustomer,
    ) -> Result<RegisteredCustomer, AppError> {
        require_internal(caller, "register customers")?;
        let now = self.now();
        let tiers = Tiers {
            id: TiersId::from_u128(self.ids.next_id()),
            details: new.details.clone(),
            created_at: now,
            updated_at: now,
        };
        let company_name = match &new.company {
            Some(name) => name.clone(),
            None => CompanyName::new(&tiers.full_name())
                .map_err(|e| AppError::invalid("last_name", e))?,
        };
        let societe = Societe {
            id: SocieteId::from_u128(self.ids.next_id()),
            name: company_name,
            parent: None,
            site_code: None,
            email: new.details.email.clone(),
            siren: None,
            vat_number: None,
            created_at: now,
            updated_at: now,
        };
        let adresse = Adresse {
            id: AdresseId::from_u128(self.ids.next_id()),
            details: new.address.clone(),
            created_at: now,
            updated_at: now,
        };
        let roles = [Role::Customer, Role::Payer, Role::Recipient];
        let links: Vec<LinkRecord> = roles
            .iter()
            .flat_map(|&role| {
                [
                    LinkRecord::SocieteTiers(Link {
                        id: LinkId::from_u128(self.ids.next_id()),
                        from: societe.id,
                        to: tiers.id,
                        role,
                    }),
                    LinkRecord::TiersAdresse(Link {
                        id: LinkId::from_u128(self.ids.next_id()),
                        from: tiers.id,
                        to: adresse.id,
                        role,
                    }),
                    LinkRecord::SocieteAdresse(Link {
                        id: LinkId::from_u128(self.ids.next_id()),
                        from: societe.id,
                        to: adresse.id,
                        role,
                    }),
                ]
            })
            .collect();
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_tiers(&tiers).await?;
            tx.insert_societe(&societe).await?;
            tx.insert_adresse(&adresse).await?;
            for link in &links {
                tx.insert_link(link).await?;
            }
            Ok(())
        })?;
        Ok(RegisteredCustomer {
            tiers,
            societe,
            adresse,
        })
    }
}

pub(crate) async fn existing_societe(
    tx: &mut (dyn PartyStore + '_),
    id: SocieteId,
) -> Result<Societe, AppError> {
    tx.get_societe(id)
        .await?
        .ok_or_else(|| AppError::not_found("company", id))
}

/// Notes what changes between two versions of an address, field by field, for the record.
pub(crate) fn address_changes(diff: &mut Diff, before: &AdresseDetails, after: &AdresseDetails) {
    let (b, a) = (before, after);
    diff.field("lines", &b.lines, &a.lines)
        .field("postal_code", &b.postal_code, &a.postal_code)
        .field("town", &b.town, &a.town)
        .field("country", &b.country, &a.country)
        .field("access_notes", &b.access_notes, &a.access_notes)
        .field("landline", &b.landline, &a.landline)
        .field("bank_details", &b.bank_details, &a.bank_details);
}

pub(crate) async fn existing_adresse(
    tx: &mut (dyn PartyStore + '_),
    id: AdresseId,
) -> Result<Adresse, AppError> {
    tx.get_adresse(id)
        .await?
        .ok_or_else(|| AppError::not_found("address", id))
}

pub(crate) async fn existing_tiers(
    tx: &mut (dyn PartyStore + '_),
    id: TiersId,
) -> Result<Tiers, AppError> {
    tx.get_tiers(id)
        .await?
        .ok_or_else(|| AppError::not_found("person", id))
}
