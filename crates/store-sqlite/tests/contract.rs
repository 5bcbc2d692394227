//! The shared contract suite of the store ports, run against SQLite: each case gets a new
//! database in a file of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

ports::contract_suite!(common::fresh().await);
