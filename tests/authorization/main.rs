//! The authorization matrix: every operation of the OpenAPI document the shipped
//! `oms-api` serves, called by every role (anonymous, two customers, two order takers at
//! two sites, two programs, an administrator) with ids of another party, in the address
//! and in the body. Each call must get the documented refusal (404 for a path id, 422
//! naming the field for a body id, 401/403 for an operation the role may never use), the
//! other parties' data must read back unchanged, and the owner doing the same on their own
//! ids must succeed. An operation without a rule in `rules.rs` fails the test: a new route
//! cannot escape it. How it works and how to add a rule: README.md beside this file.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod matrix;
mod rules;
mod world;

use std::time::Instant;

use oms_e2e::api::Server;
use oms_e2e::databases::each_database;

#[test]
fn every_operation_refuses_other_parties_ids_to_every_role() {
    // Both databases run before the verdict, so that a failure shows on both at once.
    let failures = std::sync::Mutex::new(Vec::new());
    each_database("authorization_matrix", |db| {
        let start = Instant::now();
        world::first_administrator(db);
        let server = Server::start_with(db, world::SERVER_ENV);
        let world = world::build(&server, db.label);
        let built = start.elapsed();
        let report = matrix::run(&server, &world, &rules::rules());
        let text = report.render(db.label);
        // A copy of the matrix to read at leisure, when asked for.
        if let Ok(path) = std::env::var("OMS_MATRIX_REPORT") {
            let _ = std::fs::write(format!("{path}.{}", db.label), &text);
        }
        eprintln!(
            "[{}] world built in {built:?}, {} calls in {:?}",
            db.label,
            report.calls(),
            start.elapsed() - built
        );
        if report.failed() {
            failures.lock().unwrap().push(text);
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
