//! The store ports on PostgreSQL, for production.
//!
//! [`PostgresDatabase`] implements [`ports::Database`]; each transaction it opens
//! ([`PostgresTransaction`]) implements every store trait of the `ports` crate with sqlx
//! runtime queries. [`PostgresDatabase::connect`] applies the embedded migrations
//! (`migrations/*.sql`) before it returns, so a new, empty database is ready at once.
//!
//! Transactions run at READ COMMITTED and take explicit row locks where the contracts need
//! them (an order being changed, the articles whose stock moves, a number series); see the
//! crate's README for the locking design.
//!
//! [`testing`] makes fresh, migrated databases for tests, this crate's and others'.

mod accounts;
mod audit;
mod carts;
mod catalogue;
mod codec;
mod db;
mod error;
mod idempotency;
mod invoices;
mod orders;
mod outbox;
mod parties;
mod payments;
mod placement;
mod sequences;
mod stock;
pub mod testing;

pub use db::{PostgresDatabase, PostgresTransaction};
