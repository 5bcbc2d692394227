//! The store ports on SQLite, with sqlx: the zero-setup default, one database file.
//!
//! [`SqliteDatabase::open`] opens (or creates) the file, brings its schema up to date and
//! gives a [`ports::Database`]; its transactions ([`SqliteTx`]) implement every store
//! port. See the crate's README for the URL forms, the pragmas and the two pools.

mod accounts;
mod address_book;
mod audit;
mod carts;
mod catalogue;
mod checkpoint;
mod codec;
mod db;
mod error;
mod group;
mod idempotency;
mod invoices;
mod links;
mod orders;
mod outbox;
mod parties;
mod payments;
mod placement;
mod sequences;
mod stock;
mod tx;

pub use db::SqliteDatabase;
pub use tx::SqliteTx;
