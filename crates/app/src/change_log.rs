//! Reading the record of who changed what (companies, people, addresses, articles,
//! orders), for staff.

use ports::{ChangeRecord, EntityKind, TxMode};

use domain::ids::CommandeId;

use crate::scope::{require_internal, visible_order};
use crate::{App, AppError, Caller};

impl App {
    /// The recorded changes of one thing (its id as text), oldest first: each with its
    /// time, its author and one `field: before → after` entry per field changed.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff; [`AppError::Store`] when the
    /// database fails.
    pub async fn change_log(
        &self,
        caller: &Caller,
        entity: EntityKind,
        id: &str,
    ) -> Result<Vec<ChangeRecord>, AppError> {
        require_internal(caller, "read the change log")?;
        transaction!(self, TxMode::Read, |tx| {
            // An order's changes are the order's: only for those who may see it.
            if entity == EntityKind::Commande {
                let order = match CommandeId::parse(id) {
                    Ok(order) => tx.get_order(order).await?,
                    Err(_) => None,
                };
                visible_order(caller, order, id)?;
            }
            Ok(tx.changes_of(entity, id).await?)
        })
    }
}
