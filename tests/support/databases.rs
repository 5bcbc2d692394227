//! Fresh databases for the end-to-end tests: a SQLite file always, and a PostgreSQL
//! database when `OMS_TEST_POSTGRES_URL` names a server to create it on.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A fresh, empty database, as the binaries are told of it.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    /// "SQLite" or "PostgreSQL", for messages.
    pub label: &'static str,
    /// The value of `DATABASE_URL`.
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A new SQLite file in the temporary folder (created by the binary when it opens it).
pub fn sqlite(test: &str) -> TestDatabase {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!(
        "oms-e2e-{test}-{}-{}-{nanos}.db",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    TestDatabase {
        label: "SQLite",
        url: format!("sqlite://{}", path.display()),
    }
}

/// A new, empty PostgreSQL database on the server `OMS_TEST_POSTGRES_URL` names; `None`
/// (saying the PostgreSQL half is skipped) when it is not set.
///
/// # Panics
/// When `OMS_REQUIRE_POSTGRES=1` and the variable is not set, or when the database cannot
/// be created.
#[allow(clippy::panic, clippy::expect_used)]
pub fn postgres(test: &str) -> Option<TestDatabase> {
    let Ok(admin) = std::env::var("OMS_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("OMS_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "OMS_REQUIRE_POSTGRES=1 but OMS_TEST_POSTGRES_URL is not set"
        );
        eprintln!("SKIPPED the PostgreSQL half of {test}: set OMS_TEST_POSTGRES_URL to run it");
        return None;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime starts");
    let options = runtime
        .block_on(store_postgres::testing::create_empty_database(&admin))
        .unwrap_or_else(|e| panic!("cannot create a test database on {admin}: {e}"));
    let name = options
        .get_database()
        .unwrap_or_else(|| panic!("the new database has no name"))
        .to_owned();
    Some(TestDatabase {
        label: "PostgreSQL",
        url: with_database(&admin, &name),
    })
}

/// Runs a test on a fresh SQLite database, then on a fresh PostgreSQL one when a server
/// is given.
pub fn each_database(test: &str, case: impl Fn(&TestDatabase)) {
    case(&sqlite(test));
    if let Some(db) = postgres(test) {
        case(&db);
    }
}

/// The URL with its database (its path) replaced, keeping the user, password, host and
/// parameters.
pub fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let path_start = rest
        .find(['/', '?'])
        .map_or(url.len(), |i| authority_start + i);
    let query_start = url[path_start..]
        .find('?')
        .map_or(url.len(), |i| path_start + i);
    format!("{}/{database}{}", &url[..path_start], &url[query_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
        assert_eq!(with_database("postgres://h?a=b", "x"), "postgres://h/x?a=b");
    }
}
