//! Fresh databases for tests: this crate's, and those of crates that test against
//! PostgreSQL (the use cases).
//!
//! Each database is created on the server of the URL given, as
//! `oms_test_<unix seconds>_<pid>_<n>`, and is left there after the test (to be looked at
//! after a failure); the first database a process creates drops those of runs more than two
//! hours old. The URL's user must be allowed to create databases.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ports::{Database, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};

use crate::error::translate;
use crate::PostgresDatabase;

/// The prefix of every test database's name.
const PREFIX: &str = "oms_test_";

/// How old a test database must be to be taken for a leftover.
const LEFTOVER_AGE_SECONDS: u64 = 2 * 60 * 60;

/// Connections of each test database's pool.
const POOL_SIZE: u32 = 8;

static COUNTER: AtomicU32 = AtomicU32::new(0);
static LEFTOVERS_DROPPED: AtomicBool = AtomicBool::new(false);

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A new, empty database (not migrated) on the server of `url` (a `postgres://` URL of a
/// database to administer from, such as `postgres://postgres@127.0.0.1:5432/postgres`), as
/// options to connect to it.
///
/// # Errors
/// [`StoreError`] when the server cannot be reached or refuses to create the database.
pub async fn create_empty_database(url: &str) -> Result<PgConnectOptions, StoreError> {
    let admin_options =
        PgConnectOptions::from_str(url).map_err(|e| StoreError::Other(Box::new(e)))?;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(admin_options.clone())
        .await
        .map_err(translate)?;
    if !LEFTOVERS_DROPPED.swap(true, Ordering::SeqCst) {
        drop_leftovers(&admin).await;
    }
    let name = format!(
        "{PREFIX}{}_{}_{}",
        unix_seconds(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let created = sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&admin)
        .await
        .map_err(translate);
    admin.close().await;
    created?;
    Ok(admin_options.database(&name))
}

/// A new database on the server of `url` (see [`create_empty_database`]), migrated, behind
/// a pool of a few connections.
///
/// # Errors
/// As [`create_empty_database`] and [`PostgresDatabase::connect`].
pub async fn try_fresh_database(url: &str) -> Result<PostgresDatabase, StoreError> {
    let options = create_empty_database(url).await?;
    PostgresDatabase::connect_with(options, POOL_SIZE).await
}

/// As [`try_fresh_database`], for a test that cannot go on without it.
///
/// # Panics
/// When the database cannot be created, connected to or migrated, saying why.
#[allow(clippy::panic)] // for tests only, where a panic is how a failure is reported
pub async fn fresh_database(url: &str) -> Arc<dyn Database> {
    match try_fresh_database(url).await {
        Ok(db) => Arc::new(db),
        Err(e) => panic!("cannot make a fresh test database on {url}: {e}"),
    }
}

/// Drops the test databases of runs more than two hours old: runs that were killed, or
/// whose cases simply ended (cases do not drop their database).
async fn drop_leftovers(admin: &PgPool) {
    let Ok(rows) =
        sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'oms\\_test\\_%'")
            .fetch_all(admin)
            .await
    else {
        return;
    };
    let now = unix_seconds();
    for row in rows {
        let Ok(name) = row.try_get::<String, _>("datname") else {
            continue;
        };
        if created_at(&name).is_some_and(|c| now.saturating_sub(c) > LEFTOVER_AGE_SECONDS) {
            // Another process may be dropping it too: either way it goes.
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(admin)
                .await;
        }
    }
}

/// The unix seconds a test database's name starts with.
fn created_at(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.split('_').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tell_when_they_were_made() {
        assert_eq!(created_at("oms_test_1700000000_42_3"), Some(1_700_000_000));
        assert_eq!(created_at("oms_test_x_42_3"), None);
        assert_eq!(created_at("other_1700000000"), None);
    }
}
