//! The business core of the order management system.
//!
//! Everything here is pure: no I/O, no async, no clock. Time is always passed in by the
//! caller, so every rule can be tested with fixed dates and embedded in any program.
//!
//! - [`account`]: who can log in, and as what.
//! - [`party`]: companies ([`party::Societe`]), people ([`party::Tiers`]), addresses
//!   ([`party::Adresse`]) and the role-carrying links between them.
//! - [`cart`]: a customer's selection before the order is placed.
//! - [`catalogue`]: articles and their stock rules.
//! - [`vat`]: VAT rates and codes, with the default rate.
//! - [`pricing`]: the exact pricing of an order (`docs/pricing.md`).
//! - [`order`]: the order ([`order::Commande`]), its lines, its number and its state machine.
//! - [`payment`]: payments of an order, and the order's payment state drawn from them.
//! - [`billing`]: invoices, credit notes and delivery notes, as issued.
//! - [`calendar`]: French working days, for the planned delivery date.

pub mod account;
pub mod billing;
pub mod calendar;
pub mod cart;
pub mod catalogue;
pub mod ids;
pub mod money;
pub mod order;
pub mod party;
pub mod payment;
pub mod pricing;
pub mod text;
pub mod vat;

mod error;

pub use error::ValueError;
