//! Opening the database: URL forms, pragmas, the two pools, the migrations.

use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ports::{Database, StoreError, Transaction, TxMode};
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::checkpoint::{self, Checkpointer};
use crate::error::translate;
use crate::group::Writer;
use crate::tx::SqliteTx;

/// The migrations, oldest first, embedded so that the binary carries its schema.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "stock from movements",
        include_str!("../migrations/0002_stock_from_movements.sql"),
    ),
    (
        3,
        "accounts and delivery",
        include_str!("../migrations/0003_accounts_and_delivery.sql"),
    ),
    (
        4,
        "payments",
        include_str!("../migrations/0004_payments.sql"),
    ),
    (
        5,
        "invoices",
        include_str!("../migrations/0005_invoices.sql"),
    ),
    (
        6,
        "program accounts",
        include_str!("../migrations/0006_program_accounts.sql"),
    ),
    (
        7,
        "scopes and address book",
        include_str!("../migrations/0007_scopes_and_address_book.sql"),
    ),
];

/// How long a connection waits for a lock held by another process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a transaction waits for a connection of its pool. Writers queue here for the
/// single write connection, so this bounds how long a write waits its turn.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections serving read transactions on a database file.
const READERS: u32 = 4;

/// Prepared statements kept per connection. Multi-row statements differ by their number of
/// rows, so there are more distinct statements than queries in the code.
const STATEMENT_CACHE: usize = 400;

/// The store on SQLite: a database file (or memory), opened with its schema up to date.
///
/// Writes go through a pool of exactly one connection whose transactions start with
/// `BEGIN IMMEDIATE`: they queue in the pool rather than in SQLite, so a write never fails
/// with "database is locked" and a read-then-write inside it never needs a retry. Reads go
/// through a pool of several connections, which WAL lets run beside the writer.
#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    writer: SqlitePool,
    reader: SqlitePool,
    /// The write connection, taken from `writer`, committing write transactions in groups
    /// (`group.rs`); `None` for a memory database, whose one connection serves everything.
    grouped: Option<Arc<Writer>>,
    /// The background WAL checkpoints (`checkpoint.rs`); `None` for a memory database.
    checkpointer: Option<Arc<Checkpointer>>,
}

impl SqliteDatabase {
    /// Opens a database, creating the file and its folder if missing, and applies the
    /// migrations.
    ///
    /// `url` is `sqlite://path/to/file.db` (or `sqlite:path`), a plain path, or
    /// `sqlite::memory:` for a private in-memory database, which serves one transaction at
    /// a time (meant for trials, not for tests of concurrency). A `sqlite:` URL may end with
    /// `?synchronous=normal` (or `full`, the default; see the crate's README).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the file cannot be created or opened, or the URL
    /// asks for a `synchronous` other than `full` or `normal`;
    /// [`StoreError::Other`] when the migrations fail (for instance a database written by a
    /// newer version).
    pub async fn open(url: &str) -> Result<SqliteDatabase, StoreError> {
        let (options, in_memory, durability) = parse_url(url)?;
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .statement_cache_capacity(STATEMENT_CACHE);

        if in_memory {
            // Each connection to a memory database would see its own database (or, with a
            // shared cache, fail with table locks instead of waiting): one connection,
            // kept open for the database's whole life, serves everything.
            let pool = pool_options(1)
                .connect_with(options)
                .await
                .map_err(unavailable)?;
            migrate(&pool).await?;
            return Ok(SqliteDatabase {
                writer: pool.clone(),
                reader: pool,
                grouped: None,
                checkpointer: None,
            });
        }

        create_folder(options.get_filename())?;
        let options = options.synchronous(durability.synchronous());

        // WAL lets readers run beside the writer. It is a property of the file, set once
        // by the writer: switching to it needs an exclusive lock that readers must not ask
        // for while the writer works.
        let writer = pool_options(1)
            .connect_with(
                options
                    .clone()
                    .journal_mode(SqliteJournalMode::Wal)
                    .pragma("wal_autocheckpoint", checkpoint::SAFETY_NET_PAGES),
            )
            .await
            .map_err(unavailable)?;
        migrate(&writer).await?;
        let checkpoints = pool_options(1)
            .connect_with(options.clone())
            .await
            .map_err(unavailable)?;
        // Read transactions must not write: a reader that tried would take the write lock
        // outside the writer's queue. `query_only` makes such a mistake fail at once.
        let reader = pool_options(READERS)
            .connect_with(options.pragma("query_only", "ON"))
            .await
            .map_err(unavailable)?;
        let grouped = Some(Writer::new(&writer, ACQUIRE_TIMEOUT).await?);
        Ok(SqliteDatabase {
            writer,
            reader,
            grouped,
            checkpointer: Some(Arc::new(Checkpointer::start(checkpoints))),
        })
    }

    /// Closes both pools, waiting for the transactions under way to end.
    pub async fn close(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.stop();
        }
        if let Some(grouped) = &self.grouped {
            grouped.close().await;
        }
        self.writer.close().await;
        self.reader.close().await;
    }
}

fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        .min_connections(connections.min(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // Connections are cheap to keep and costly to lose (their prepared statements,
        // and for a memory database the database itself).
        .idle_timeout(None)
        .max_lifetime(None)
}

/// What a commit waits for before it is acknowledged: SQLite's `synchronous` setting, which
/// a `sqlite:` URL may choose with `?synchronous=full` (the default) or `normal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// `synchronous = FULL`: each commit is flushed to the disk (an fsync of the WAL)
    /// before it returns. An acknowledged order survives a power loss or an OS crash.
    Full,
    /// `synchronous = NORMAL`: with WAL, commits are flushed only at checkpoints. Faster,
    /// but a power loss or an OS crash may lose the last transactions acknowledged before
    /// it (never the file's consistency; a crash of the process alone loses nothing).
    Normal,
}

impl Durability {
    fn synchronous(self) -> SqliteSynchronous {
        match self {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        }
    }
}

/// The URL parameter that chooses the [`Durability`].
const SYNCHRONOUS: &str = "synchronous";

/// Reads the URL forms `open` accepts; says whether the database is in memory and how
/// durable its commits are to be.
fn parse_url(url: &str) -> Result<(SqliteConnectOptions, bool, Durability), StoreError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if !url.starts_with("sqlite:") {
        // A plain path may hold `?` or `#`, which a URL would take for its query.
        let options = SqliteConnectOptions::new().filename(url);
        return Ok((options, in_memory, Durability::Full));
    }
    let (url, durability) = take_durability(url)?;
    let options = SqliteConnectOptions::from_str(&url).map_err(unavailable)?;
    Ok((options, in_memory, durability))
}

/// Takes the `synchronous` parameter out of a `sqlite:` URL (sqlx refuses parameters it
/// does not know): the URL without it, and the durability it asks for (`full` when absent).
fn take_durability(url: &str) -> Result<(Cow<'_, str>, Durability), StoreError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((Cow::Borrowed(url), Durability::Full));
    };
    let mut durability = None;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != SYNCHRONOUS {
            kept.push(pair);
            continue;
        }
        let asked = if value.eq_ignore_ascii_case("full") {
            Durability::Full
        } else if value.eq_ignore_ascii_case("normal") {
            Durability::Normal
        } else {
            return Err(bad_url(format!(
                "`{SYNCHRONOUS}={value}` in the database URL: `{SYNCHRONOUS}` is `full` (the \
                 default: a commit is on the disk when acknowledged) or `normal` (faster; a \
                 power loss may lose the last commits)"
            )));
        };
        if durability.replace(asked).is_some() {
            return Err(bad_url(format!(
                "`{SYNCHRONOUS}` is given more than once in the database URL"
            )));
        }
    }
    let Some(durability) = durability else {
        return Ok((Cow::Borrowed(url), Durability::Full));
    };
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((Cow::Owned(url), durability))
}

fn bad_url(message: String) -> StoreError {
    StoreError::Unavailable(message.into())
}

fn create_folder(file: &Path) -> Result<(), StoreError> {
    match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            std::fs::create_dir_all(folder).map_err(|e| StoreError::Unavailable(Box::new(e)))
        }
        _ => Ok(()),
    }
}

fn unavailable(err: sqlx::Error) -> StoreError {
    match translate(err) {
        StoreError::Other(cause) => StoreError::Unavailable(cause),
        other => other,
    }
}

/// The embedded migrations, as a source for sqlx's migrator.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<
        Box<
            dyn Future<Output = Result<Vec<Migration>, Box<dyn std::error::Error + Send + Sync>>>
                + Send
                + 's,
        >,
    > {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let migrator = Migrator::new(Embedded(MIGRATIONS))
        .await
        .map_err(migrate_error)?;
    migrator.run(pool).await.map_err(migrate_error)
}

fn migrate_error(err: MigrateError) -> StoreError {
    match err {
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => translate(e),
        other => StoreError::Other(Box::new(other)),
    }
}

#[async_trait]
impl Database for SqliteDatabase {
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction>, StoreError> {
        if let (TxMode::Write, Some(writer)) = (mode, &self.grouped) {
            return Ok(Box::new(SqliteTx::grouped(writer.begin().await?)));
        }
        let tx = match mode {
            TxMode::Write => self.writer.begin_with("BEGIN IMMEDIATE").await,
            TxMode::Read => self.reader.begin().await,
        }
        .map_err(translate)?;
        Ok(Box::new(SqliteTx::single(tx)))
    }

    async fn find_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ports::SessionToken, domain::account::Account)>, StoreError> {
        crate::accounts::session(&self.reader, token_hash).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn durability_of(url: &str) -> Result<(String, Durability), String> {
        take_durability(url)
            .map(|(url, durability)| (url.into_owned(), durability))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn commits_are_durable_unless_the_url_asks_otherwise() {
        for url in [
            "sqlite://data/oms.db",
            "sqlite:data/oms.db",
            "sqlite:///var/lib/oms/oms.db",
            "sqlite::memory:",
            "sqlite://data/oms.db?mode=rwc",
        ] {
            assert_eq!(
                durability_of(url),
                Ok((url.to_owned(), Durability::Full)),
                "{url}"
            );
        }
        let asked = [
            (
                "sqlite://data/oms.db?synchronous=normal",
                "sqlite://data/oms.db",
                Durability::Normal,
            ),
            (
                "sqlite://data/oms.db?synchronous=NORMAL",
                "sqlite://data/oms.db",
                Durability::Normal,
            ),
            (
                "sqlite://data/oms.db?synchronous=full",
                "sqlite://data/oms.db",
                Durability::Full,
            ),
            (
                "sqlite:///var/oms.db?synchronous=Full",
                "sqlite:///var/oms.db",
                Durability::Full,
            ),
            (
                "sqlite://data/oms.db?mode=rwc&synchronous=normal",
                "sqlite://data/oms.db?mode=rwc",
                Durability::Normal,
            ),
            (
                "sqlite://data/oms.db?synchronous=normal&mode=rwc&cache=private",
                "sqlite://data/oms.db?mode=rwc&cache=private",
                Durability::Normal,
            ),
        ];
        for (url, rest, durability) in asked {
            assert_eq!(
                durability_of(url),
                Ok((rest.to_owned(), durability)),
                "{url}"
            );
        }
    }

    #[test]
    fn other_synchronous_settings_are_refused() {
        for value in ["off", "extra", "0", "1", "2", "", "normal "] {
            let url = format!("sqlite://data/oms.db?synchronous={value}");
            match parse_url(&url) {
                Err(StoreError::Unavailable(cause)) => {
                    let message = cause.to_string();
                    assert!(
                        message.contains(&format!("`synchronous={value}`"))
                            && message.contains("`full`")
                            && message.contains("`normal`"),
                        "{url}: {message}"
                    );
                }
                other => panic!("{url}: expected a refusal, got {:?}", other.map(|o| o.2)),
            }
        }
        for url in [
            "sqlite://data/oms.db?synchronous",
            "sqlite://data/oms.db?synchronous=full&synchronous=normal",
        ] {
            assert!(
                matches!(parse_url(url), Err(StoreError::Unavailable(_))),
                "{url}"
            );
        }
        // What sqlx does not know is still refused by sqlx.
        assert!(matches!(
            parse_url("sqlite://data/oms.db?synchronous=normal&journal=none"),
            Err(StoreError::Unavailable(_))
        ));
    }

    #[test]
    fn a_plain_path_keeps_its_question_mark() {
        let (options, in_memory, durability) = parse_url("data/why?synchronous=normal.db").unwrap();
        assert_eq!(
            options.get_filename(),
            Path::new("data/why?synchronous=normal.db")
        );
        assert!(!in_memory);
        assert_eq!(durability, Durability::Full);
    }

    fn fresh_file() -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        std::env::temp_dir()
            .join("oms-store-sqlite-tests")
            .join(format!("db-{}-{n}-{nanos}", std::process::id()))
            .join("oms.db")
            .display()
            .to_string()
    }

    /// `PRAGMA synchronous` on the writer and on a reader: 2 is FULL, 1 is NORMAL.
    async fn synchronous_of(db: &SqliteDatabase) -> (i64, i64) {
        let pragma = "PRAGMA synchronous";
        let mut unit = db.grouped.as_ref().unwrap().begin().await.unwrap();
        let writer = sqlx::query_scalar(pragma)
            .fetch_one(unit.conn().await.unwrap())
            .await
            .unwrap();
        unit.rollback().await.unwrap();
        let reader = sqlx::query_scalar(pragma)
            .fetch_one(&db.reader)
            .await
            .unwrap();
        (writer, reader)
    }

    #[tokio::test]
    async fn the_file_is_opened_with_the_durability_asked() {
        let path = fresh_file();
        let db = SqliteDatabase::open(&format!("sqlite://{path}"))
            .await
            .unwrap();
        assert_eq!(synchronous_of(&db).await, (2, 2), "FULL by default");
        db.close().await;
        let db = SqliteDatabase::open(&format!("sqlite://{path}?synchronous=normal"))
            .await
            .unwrap();
        assert_eq!(synchronous_of(&db).await, (1, 1), "NORMAL when asked");
        db.close().await;
        let db = SqliteDatabase::open(&path).await.unwrap();
        assert_eq!(synchronous_of(&db).await, (2, 2), "FULL for a plain path");
        db.close().await;
    }

    /// What the store's multi-statement queries rely on (sqlx-sqlite 0.8, see
    /// `connection/execute.rs`; sqlx calls it deprecated, so an upgrade must keep this
    /// passing): every statement of a query runs, in one call, the `?` of each statement
    /// taking the next arguments in order, and `fetch_all` gives the rows of all of them;
    /// when one fails, those after it do not run, SQLite has undone only that one, and the
    /// connection goes on.
    #[tokio::test]
    async fn sqlx_runs_every_statement_of_a_query() {
        let db = SqliteDatabase::open("sqlite::memory:").await.unwrap();
        let mut conn = db.writer.acquire().await.unwrap();
        sqlx::query(
            "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (v <> 'bad')) STRICT",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "INSERT INTO t (k, v) VALUES (?, ?), (?, ?);\n\
             UPDATE t SET v = v || ? WHERE k = ?;\n\
             SELECT k, v FROM t WHERE k >= ? ORDER BY k",
        )
        .bind(1)
        .bind("a")
        .bind(2)
        .bind("b")
        .bind("!")
        .bind(2)
        .bind(0)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(rows, vec![(1, "a".to_owned()), (2, "b!".to_owned())]);

        let failed = sqlx::query(
            "INSERT INTO t (k, v) VALUES (?, ?);\n\
             INSERT INTO t (k, v) VALUES (?, ?), (?, ?);\n\
             INSERT INTO t (k, v) VALUES (?, ?)",
        )
        .bind(3)
        .bind("c")
        .bind(4)
        .bind("d")
        .bind(5)
        .bind("bad")
        .bind(6)
        .bind("f")
        .execute(&mut *conn)
        .await;
        assert!(matches!(&failed, Err(e) if crate::error::is_constraint_violation(e)));
        let keys: Vec<i64> = sqlx::query_scalar("SELECT k FROM t ORDER BY k")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        assert_eq!(
            keys,
            vec![1, 2, 3],
            "the statement before the failed one stays, the failed one is undone whole, \
             the one after it never runs"
        );
    }

    /// Migration 6 builds the accounts table again (to allow program accounts): the
    /// accounts and the session tokens that refer to them come through.
    #[tokio::test]
    async fn accounts_and_their_tokens_survive_migration_6() {
        let path = fresh_file();
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
            .unwrap()
            .create_if_missing(true)
            .foreign_keys(true);
        create_folder(options.get_filename()).unwrap();
        let pool = pool_options(1).connect_with(options).await.unwrap();
        Migrator::new(Embedded(&MIGRATIONS[..5]))
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO accounts (id, login, role, site_id, tiers_id, password_hash, created_at, disabled) \
             VALUES ('0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69', 'admin@example.fr', 'admin', NULL, NULL, 'h', 1, 0); \
             INSERT INTO session_tokens (hash, account_id, created_at, expires_at, revoked_at) \
             VALUES ('abc', '0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69', 1, 2, NULL);",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let db = SqliteDatabase::open(&format!("sqlite://{path}"))
            .await
            .unwrap();
        let (token, account) = db.find_session("abc").await.unwrap().unwrap();
        assert_eq!(account.login.as_str(), "admin@example.fr");
        assert_eq!(token.account, account.id);
        let mut unit = db.grouped.as_ref().unwrap().begin().await.unwrap();
        let violations: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(unit.conn().await.unwrap())
            .await
            .unwrap();
        assert!(violations.is_empty(), "{violations:?}");
        sqlx::query(
            "INSERT INTO accounts (id, login, role, site_id, tiers_id, password_hash, created_at, disabled) \
             VALUES ('0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a70', 'erp@example.fr', 'program', NULL, NULL, 'h', 1, 0)",
        )
        .execute(unit.conn().await.unwrap())
        .await
        .expect("a program account is allowed");
        unit.rollback().await.unwrap();
    }
}
