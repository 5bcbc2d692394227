//! The transaction: every store at once. Each store trait is implemented in its own module.

use async_trait::async_trait;
use ports::{StoreError, Transaction};
use sqlx::{Sqlite, SqliteConnection};

use crate::error::translate;

/// A transaction on the SQLite store, which implements every store port. Dropping it
/// without committing rolls it back.
#[derive(Debug)]
pub struct SqliteTx {
    tx: sqlx::Transaction<'static, Sqlite>,
}

impl SqliteTx {
    pub(crate) fn new(tx: sqlx::Transaction<'static, Sqlite>) -> Self {
        SqliteTx { tx }
    }

    /// The connection, inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

#[async_trait]
impl Transaction for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(translate)
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(translate)
    }
}
