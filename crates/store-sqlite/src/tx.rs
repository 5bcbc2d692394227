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

    /// The connection, inside the transaction (a grouped one sends its opening statements
    /// first if they are still to be sent).
    pub(crate) async fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        match &mut self.inner {
            Inner::Single(tx) => Ok(tx),
            Inner::Grouped(unit) => unit.conn().await,
        }
    }

    /// The connection, and the statements that open the transaction when they are still to
    /// be sent: the caller sends them ahead of its own query, in the same round trip (see
    /// `WriteUnit::take_opening`).
    pub(crate) fn conn_and_opening(&mut self) -> (&mut SqliteConnection, Option<&'static str>) {
        match &mut self.inner {
            Inner::Single(tx) => (tx, None),
            Inner::Grouped(unit) => {
                let opening = unit.take_opening();
                (unit.opened_conn(), opening)
            }
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
