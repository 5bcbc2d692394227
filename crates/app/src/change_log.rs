//! Reading the record of who changed what (companies, people, addresses, articles,
//! orders), for staff.

use ports::{ChangeRecord, EntityKind, TxMode};

use crate::scope::require_internal;
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
            Ok(tx.changes_of(entity, id).await?)
        })
    }
}
