//! A customer's own address book: the addresses they add, change and remove themselves,
//! with a default delivery and a default billing address, chosen among them at checkout.
//!
//! Their own addresses are those linked to them; those of their companies are theirs to
//! use but staff's to change. Changing an address gives a new one in its place, so that
//! the orders already placed keep the address they were placed with; removing one unlinks
//! it from the customer, and the orders that used it keep it.

use domain::ids::{AdresseId, LinkId, TiersId};
use domain::party::{Adresse, AdresseDetails, Link, Role};
use ports::{AddressDefaults, EntityKind, LinkKind, LinkRecord, Transaction, TxMode};
use serde::Serialize;

use crate::audit::Diff;
use crate::parties::{address_changes, existing_adresse};
use crate::scope::unknown_address;
use crate::{Access, App, AppError, Caller};

/// The most addresses a customer keeps of their own.
pub const MAX_OWN_ADDRESSES: usize = 50;

/// A customer's addresses and their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressBook {
    /// Their own addresses, which they change, oldest first.
    pub own: Vec<Adresse>,
    /// Their companies' addresses, which they may use, oldest first.
    pub companies: Vec<Adresse>,
    /// Their default delivery and billing addresses.
    pub defaults: AddressDefaults,
}

/// Which defaults a new address becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MakeDefault {
    /// The default delivery address.
    pub delivery: bool,
    /// The default billing address.
    pub billing: bool,
}

/// The person whose address book this caller keeps: a customer's own.
fn owner(caller: &Caller) -> Result<TiersId, AppError> {
    match caller.access {
        Access::Customer(me) => Ok(me),
        Access::Staff
        | Access::OrderTaker { .. }
        | Access::Program(_)
        | Access::Guest
        | Access::System => Err(AppError::Forbidden(
            "the address book is a customer's own; staff change addresses and links \
                 through /api/v1/addresses and /api/v1/links"
                .to_owned(),
        )),
    }
}

impl App {
    /// The caller's address book.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is a customer.
    pub async fn address_book(&self, caller: &Caller) -> Result<AddressBook, AppError> {
        let me = owner(caller)?;
        transaction!(self, TxMode::Read, |tx| { read_book(&mut *tx, me).await })
    }

    /// Adds an address to the caller's book, and makes it a default if asked.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is a customer; [`AppError::Conflict`]
    /// (`address_book_full`) past [`MAX_OWN_ADDRESSES`].
    pub async fn add_own_address(
        &self,
        caller: &Caller,
        details: &AdresseDetails,
        make_default: MakeDefault,
    ) -> Result<Adresse, AppError> {
        let me = owner(caller)?;
        let now = self.now();
        let adresse = Adresse {
            id: AdresseId::from_u128(self.ids.next_id()),
            details: details.clone(),
            created_at: now,
            updated_at: now,
        };
        let link = LinkId::from_u128(self.ids.next_id());
        transaction!(self, TxMode::Write, |tx| {
            let own = own_links(&mut *tx, me).await?;
            let distinct: std::collections::BTreeSet<_> = own.iter().map(|l| l.to).collect();
            if distinct.len() >= MAX_OWN_ADDRESSES {
                return Err(AppError::Conflict {
                    code: "address_book_full",
                    message: format!(
                        "an address book holds at most {MAX_OWN_ADDRESSES} addresses: remove one first"
                    ),
                });
            }
            tx.insert_adresse(&adresse).await?;
            tx.insert_link(&LinkRecord::TiersAdresse(Link {
                id: link,
                from: me,
                to: adresse.id,
                role: Role::Customer,
            }))
            .await?;
            let mut defaults = tx.address_defaults(me).await?;
            if make_default.delivery {
                defaults.delivery = Some(adresse.id);
            }
            if make_default.billing {
                defaults.billing = Some(adresse.id);
            }
            if make_default.delivery || make_default.billing {
                tx.set_address_defaults(me, &defaults).await?;
            }
            Ok(())
        })?;
        Ok(adresse)
    }

    /// Changes one of the caller's own addresses: a new address takes its place in their
    /// book (and as a default), the old one stays with the orders placed with it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when it is not one of theirs; [`AppError::Forbidden`] for a
    /// company's address, or unless the caller is a customer.
    pub async fn change_own_address(
        &self,
        caller: &Caller,
        id: AdresseId,
        details: &AdresseDetails,
    ) -> Result<Adresse, AppError> {
        let me = owner(caller)?;
        let now = self.now();
        let new_id = AdresseId::from_u128(self.ids.next_id());
        transaction!(self, TxMode::Write, |tx| {
            let links = links_to(&mut *tx, me, id).await?;
            let before = existing_adresse(&mut *tx, id).await?;
            if before.details == *details {
                return Ok(before);
            }
            let after = Adresse {
                id: new_id,
                details: details.clone(),
                created_at: now,
                updated_at: now,
            };
            tx.insert_adresse(&after).await?;
            for link in &links {
                tx.delete_link(LinkKind::TiersAdresse, link.id).await?;
                tx.insert_link(&LinkRecord::TiersAdresse(Link {
                    id: LinkId::from_u128(self.ids.next_id()),
                    to: new_id,
                    ..*link
                }))
                .await?;
            }
            move_defaults(&mut *tx, me, id, Some(new_id)).await?;
            let mut diff = Diff::default();
            diff.note(format!("replaces address {id}"));
            address_changes(&mut diff, &before.details, details);
            diff.record(&mut *tx, EntityKind::Adresse, new_id, caller, now)
                .await?;
            Ok(after)
        })
    }

    /// Removes one of the caller's own addresses from their book (and from their defaults);
    /// the orders placed with it keep it.
    ///
    /// # Errors
    /// As [`App::change_own_address`].
    pub async fn remove_own_address(&self, caller: &Caller, id: AdresseId) -> Result<(), AppError> {
        let me = owner(caller)?;
        transaction!(self, TxMode::Write, |tx| {
            for link in links_to(&mut *tx, me, id).await? {
                tx.delete_link(LinkKind::TiersAdresse, link.id).await?;
            }
            move_defaults(&mut *tx, me, id, None).await
        })
    }

    /// Sets the caller's default delivery and billing addresses (none to have none), each
    /// one of their own or of their companies.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming the field for an address that is not theirs to use;
    /// [`AppError::Forbidden`] unless the caller is a customer.
    pub async fn set_default_addresses(
        &self,
        caller: &Caller,
        defaults: &AddressDefaults,
    ) -> Result<AddressBook, AppError> {
        let me = owner(caller)?;
        transaction!(self, TxMode::Write, |tx| {
            let usable = tx.addresses_reachable_from(&[me]).await?;
            for (field, id) in [
                ("delivery_address", defaults.delivery),
                ("billing_address", defaults.billing),
            ] {
                if let Some(id) = id.filter(|id| !usable.contains(id)) {
                    return Err(unknown_address(field, id));
                }
            }
            tx.set_address_defaults(me, defaults).await?;
            read_book(&mut *tx, me).await
        })
    }
}

/// Makes the person's defaults that were `from` be `to` (none when the address leaves the
/// book), writing only when one of them changes.
async fn move_defaults(
    tx: &mut dyn Transaction,
    me: TiersId,
    from: AdresseId,
    to: Option<AdresseId>,
) -> Result<(), AppError> {
    let before = tx.address_defaults(me).await?;
    let moved = |slot: Option<AdresseId>| if slot == Some(from) { to } else { slot };
    let after = AddressDefaults {
        delivery: moved(before.delivery),
        billing: moved(before.billing),
    };
    if after != before {
        tx.set_address_defaults(me, &after).await?;
    }
    Ok(())
}

/// The person's own address links.
async fn own_links(
    tx: &mut dyn Transaction,
    me: TiersId,
) -> Result<Vec<domain::party::TiersAdresse>, AppError> {
    Ok(tx.links_of_tiers(me).await?.tiers_adresses)
}

/// The person's links to this address: at least one, or it is not theirs to change (a
/// company's address they may use but not change is refused as such; anything else does
/// not exist).
async fn links_to(
    tx: &mut dyn Transaction,
    me: TiersId,
    id: AdresseId,
) -> Result<Vec<domain::party::TiersAdresse>, AppError> {
    let links: Vec<_> = own_links(&mut *tx, me)
        .await?
        .into_iter()
        .filter(|l| l.to == id)
        .collect();
    if !links.is_empty() {
        return Ok(links);
    }
    if tx.addresses_reachable_from(&[me]).await?.contains(&id) {
        return Err(AppError::Forbidden(format!(
            "address {id} is a company's: staff change it"
        )));
    }
    Err(AppError::not_found("address", id))
}

async fn read_book(tx: &mut dyn Transaction, me: TiersId) -> Result<AddressBook, AppError> {
    let own_ids: Vec<AdresseId> = {
        let mut ids: Vec<_> = own_links(&mut *tx, me)
            .await?
            .iter()
            .map(|l| l.to)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut own = Vec::new();
    let mut companies = Vec::new();
    for id in tx.addresses_reachable_from(&[me]).await? {
        if let Some(adresse) = tx.get_adresse(id).await? {
            if own_ids.contains(&id) {
                own.push(adresse);
            } else {
                companies.push(adresse);
            }
        }
    }
    own.sort_by_key(|a| (a.created_at, a.id));
    companies.sort_by_key(|a| (a.created_at, a.id));
    let defaults = tx.address_defaults(me).await?;
    Ok(AddressBook {
        own,
        companies,
        defaults,
    })
}
