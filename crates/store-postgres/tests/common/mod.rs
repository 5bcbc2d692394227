//! A fresh PostgreSQL database per test case.
//!
//! `OMS_TEST_POSTGRES_URL` names a server and a database to administer from (for example
//! `postgres://postgres@127.0.0.1:5432/postgres`); each case gets a database of its own,
//! created there and migrated (`store_postgres::testing`). Without the variable, cases are
//! skipped, unless `OMS_REQUIRE_POSTGRES=1` (as CI sets) makes that a failure.
#![allow(dead_code)]

use std::sync::Arc;

use ports::Database;
use sqlx::postgres::PgConnectOptions;
use store_postgres::{testing, PostgresDatabase};

/// The variable naming the server to test against.
pub const URL_VARIABLE: &str = "OMS_TEST_POSTGRES_URL";

/// The variable that turns a missing server into a failure.
pub const REQUIRE_VARIABLE: &str = "OMS_REQUIRE_POSTGRES";

/// The server's URL, or `None` when cases are to be skipped.
pub fn server_url() -> Option<String> {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var(REQUIRE_VARIABLE).as_deref() == Ok("1") => panic!(
            "{REQUIRE_VARIABLE}=1 but {URL_VARIABLE} is not set: set it to a PostgreSQL server \
             this test may create databases on, such as postgres://postgres@127.0.0.1:5432/postgres"
        ),
        _ => None,
    }
}

/// A fresh, empty, migrated database of its own, or `None` when no server is configured.
pub async fn fresh() -> Option<Arc<dyn Database>> {
    Some(Arc::new(fresh_postgres().await?))
}

/// As [`fresh`], as the concrete type.
pub async fn fresh_postgres() -> Option<PostgresDatabase> {
    let url = server_url()?;
    match testing::try_fresh_database(&url).await {
        Ok(db) => Some(db),
        Err(e) => panic!("cannot make a fresh database on {URL_VARIABLE} ({url}): {e}"),
    }
}

/// A new database of its own, empty (not migrated), as options to connect to it; `None`
/// when no server is configured.
pub async fn empty_database() -> Option<PgConnectOptions> {
    let url = server_url()?;
    match testing::create_empty_database(&url).await {
        Ok(options) => Some(options),
        Err(e) => panic!("cannot create a database on {URL_VARIABLE} ({url}): {e}"),
    }
}
