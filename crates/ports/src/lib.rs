//! The ports: what the use cases need from the outside world, as traits.
//!
//! Storage is reached through a [`Database`], which opens [`Transaction`]s. A transaction
//! is every store at once ([`PartyStore`], [`CatalogueStore`], [`StockStore`],
//! [`OrderStore`], [`PaymentStore`], [`InvoiceStore`], [`CartStore`], [`SequenceStore`], [`OutboxStore`],
//! [`IdempotencyStore`], [`AuditStore`]): what a use case writes through it is stored all
//! together when it commits, or not at all. The use cases own the transaction boundaries;
//! the adapters (SQLite, PostgreSQL) own the SQL.
//!
//! Emails go out through a [`Mailer`] (SMTP, or a folder of `.eml` files).
//!
//! Payments are decided by a [`PaymentProvider`] (a card processor, or staff recording
//! money received), which is not a store: the use cases ask it, then record its answer.
//!
//! Each method says what every implementation must do; the contract suite (feature
//! `contract`, module `contract`) checks it, and both store adapters run it.

mod accounts;
mod audit;
mod carts;
mod catalogue;
mod error;
mod idempotency;
mod invoices;
mod mail;
mod orders;
mod outbox;
mod parties;
mod payments;
mod placement;
mod sequences;
mod stock;
mod system;

#[cfg(feature = "contract")]
pub mod contract;

pub use accounts::{AccountStore, HashError, PasswordHasher, SessionToken};
pub use audit::{AuditStore, ChangeRecord, EntityKind};
pub use carts::CartStore;
pub use catalogue::CatalogueStore;
pub use error::StoreError;
pub use idempotency::{IdempotencyRecord, IdempotencyStore};
pub use invoices::InvoiceStore;
pub use mail::{Attachment, Email, MailError, Mailer};
pub use orders::{OrderQuery, OrderStore, OrderSummary};
pub use outbox::{DeliveryOutcome, MessageStatus, OutboxDelivery, OutboxMessage, OutboxStore};
pub use parties::{AddressDefaults, LinkKind, LinkRecord, PartyLinks, PartyStore};
pub use payments::{
    CallbackEvent, NextStep, PaymentError, PaymentProvider, PaymentRequest, PaymentStore,
    ProviderStart,
};
pub use placement::{PlacementContext, PlacementQuery, PlacementStore, PlacementWrites, SiteKey};
pub use sequences::SequenceStore;
pub use stock::{MovementReason, Shortage, StockError, StockLevel, StockMovement, StockStore};
pub use system::{Clock, IdSource};

#[cfg(feature = "mocks")]
pub use accounts::MockPasswordHasher;
#[cfg(feature = "mocks")]
pub use mail::MockMailer;
#[cfg(feature = "mocks")]
pub use system::{MockClock, MockIdSource};

use async_trait::async_trait;

/// What a transaction is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    /// Only reads. Implementations may serve it from a replica or a pool of readers.
    Read,
    /// Reads and writes. Implementations take the write lock at the start where the
    /// database has one (SQLite), so that a write transaction never fails half-way for
    /// want of it.
    Write,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items match in all.
    pub total: u64,
}

/// Which part of a list to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// How many items to skip.
    pub offset: u64,
    /// The most items to give (1 to 500).
    pub limit: u32,
}

impl Paging {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 500;

    /// The first `limit` items (bounded to 1..=[`Paging::MAX_LIMIT`]).
    pub fn first(limit: u32) -> Self {
        Paging {
            offset: 0,
            limit: limit.clamp(1, Self::MAX_LIMIT),
        }
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging::first(50)
    }
}

/// Every store at once, inside one database transaction.
///
/// Dropping a transaction without committing rolls it back: nothing it wrote is stored.
#[async_trait]
pub trait Transaction:
    AccountStore
    + PartyStore
    + CatalogueStore
    + StockStore
    + OrderStore
    + PaymentStore
    + InvoiceStore
    + CartStore
    + SequenceStore
    + OutboxStore
    + OutboxDelivery
    + IdempotencyStore
    + PlacementStore
    + AuditStore
    + Send
{
    /// Stores everything written through this transaction, at once.
    ///
    /// # Errors
    /// [`StoreError::Retryable`] when the database refused the commit for a conflict with
    /// another transaction (nothing is stored; the whole transaction may be tried again);
    /// other [`StoreError`]s when the database fails.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;

    /// Drops everything written through this transaction.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails; nothing is stored either way.
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}

/// A database the product stores everything in.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Opens a transaction.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database cannot be reached,
    /// [`StoreError::Retryable`] when it is too busy to start one now.
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction>, StoreError>;

    /// The session token with this hash and its account, as
    /// [`AccountStore::find_token`] gives them, read on its own: what every authenticated
    /// request asks first. One statement needs no transaction around it, so adapters answer
    /// it in one round trip; by default, in a read transaction.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn find_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionToken, domain::account::Account)>, StoreError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let found = tx.find_token(token_hash).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Checks that the database answers.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not.
    async fn ping(&self) -> Result<(), StoreError>;

    /// A short name of the kind of database ("sqlite", "postgres"), for logs and reports.
    fn kind(&self) -> &'static str;
}
