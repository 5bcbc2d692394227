//! The transaction: every store at once. Each store trait is implemented in its own module.

use async_trait::async_trait;
use ports::{StoreError, Transaction};
use sqlx::{Sqlite, SqliteConnection};

use crate::error::translate;
use crate::group::WriteUnit;

/// A transaction on the SQLite store, which implements every store port. Dropping it
/// without committing rolls it back.
#[derive(Debug)]
pub struct SqliteTx {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    /// A transaction of its own: reads, and every transaction of a memory database.
    Single(sqlx::Transaction<'static, Sqlite>),
    /// A write transaction in a group committed together (`group.rs`).
    Grouped(WriteUnit),
}

impl SqliteTx {
    pub(crate) fn single(tx: sqlx::Transaction<'static, Sqlite>) -> Self {
        SqliteTx {
            inner: Inner::Single(tx),
        }
    }

    pub(crate) fn grouped(unit: WriteUnit) -> Self {
        SqliteTx {
            inner: Inner::Grouped(unit),
        }
    }

    /// The connection, inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        match &mut self.inner {
            Inner::Single(tx) => tx,
            Inner::Grouped(unit) => unit.conn(),
        }
    }
}

#[async_trait]
impl Transaction for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        match self.inner {
            Inner::Single(tx) => tx.commit().await.map_err(translate),
            Inner::Grouped(unit) => unit.commit().await,
        }
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        match self.inner {
            Inner::Single(tx) => tx.rollback().await.map_err(translate),
            Inner::Grouped(unit) => unit.rollback().await,
        }
    }
}
