//! Reading one address, and removing a link named by its two parties and its role (as
//! staff know it) rather than by its id.

use domain::ids::AdresseId;
use domain::party::{Adresse, Role};
use ports::{LinkRecord, PartyStore, TxMode};

use crate::parties::{existing_adresse, LinkInput};
use crate::scope::{check_address_visible, require_internal};
use crate::{App, AppError, Caller};

impl App {
    /// The address with this id.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also when the caller may not see it (a customer sees the
    /// addresses of their own and of their companies).
    pub async fn adresse(&self, caller: &Caller, id: AdresseId) -> Result<Adresse, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            check_address_visible(&mut *tx, caller, id).await?;
            existing_adresse(&mut *tx, id).await
        })
    }

    /// Removes the link between these two parties with this role, and gives it back.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when they are not linked with this role;
    /// [`AppError::Forbidden`] unless the caller is staff.
    pub async fn unlink_parties(
        &self,
        caller: &Caller,
        link: LinkInput,
        role: Role,
    ) -> Result<LinkRecord, AppError> {
        require_internal(caller, "unlink parties")?;
        transaction!(self, TxMode::Write, |tx| {
            let found = find_link(&mut *tx, link, role).await?;
            let Some(record) = found else {
                return Err(AppError::not_found("link", describe(link, role)));
            };
            if !tx.delete_link(record.kind(), record.id()).await? {
                return Err(AppError::not_found("link", describe(link, role)));
            }
            Ok(record)
        })
    }
}

async fn find_link(
    tx: &mut (dyn PartyStore + '_),
    link: LinkInput,
    role: Role,
) -> Result<Option<LinkRecord>, AppError> {
    Ok(match link {
        LinkInput::SocieteTiers(from, to) => tx
            .links_of_societe(from)
            .await?
            .societe_tiers
            .into_iter()
            .find(|l| l.to == to && l.role == role)
            .map(LinkRecord::SocieteTiers),
        LinkInput::SocieteAdresse(from, to) => tx
            .links_of_societe(from)
            .await?
            .societe_adresses
            .into_iter()
            .find(|l| l.to == to && l.role == role)
            .map(LinkRecord::SocieteAdresse),
        LinkInput::TiersAdresse(from, to) => tx
            .links_of_tiers(from)
            .await?
            .tiers_adresses
            .into_iter()
            .find(|l| l.to == to && l.role == role)
            .map(LinkRecord::TiersAdresse),
    })
}

fn describe(link: LinkInput, role: Role) -> String {
    let (what, from, to) = match link {
        LinkInput::SocieteTiers(a, b) => ("company", a.to_string(), format!("person {b}")),
        LinkInput::SocieteAdresse(a, b) => ("company", a.to_string(), format!("address {b}")),
        LinkInput::TiersAdresse(a, b) => ("person", a.to_string(), format!("address {b}")),
    };
    format!("between {what} {from} and {to} as {role}")
}
