//! The shared contract suite of the store ports, against PostgreSQL: each case on a fresh
//! database of its own (see `common`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

ports::contract_suite!(common::fresh().await);
