//! Opening the database: URL forms, pragmas, the two pools, the migrations.

use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use ports::{Database, StoreError, Transaction, TxMode};
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::translate;
use crate::tx::SqliteTx;

/// The migrations, oldest first, embedded so that the binary carries its schema.
const MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "initial", include_str!("../migrations/0001_initial.sql"))];

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
}

impl SqliteDatabase {
    /// Opens a database, creating the file and its folder if missing, and applies the
    /// migrations.
    ///
    /// `url` is `sqlite://path/to/file.db` (or `sqlite:path`), a plain path, or
    /// `sqlite::memory:` for a private in-memory database, which serves one transaction at
    /// a time (meant for trials, not for tests of concurrency).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the file cannot be created or opened;
    /// [`StoreError::Other`] when the migrations fail (for instance a database written by a
    /// newer version).
    pub async fn open(url: &str) -> Result<SqliteDatabase, StoreError> {
        let (options, in_memory) = parse_url(url)?;
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
            });
        }

        create_folder(options.get_filename())?;
        // With WAL, a commit appends to the log and needs no fsync at NORMAL: a power cut
        // may lose the last commits, never the file's consistency.
        let options = options.synchronous(SqliteSynchronous::Normal);

        // WAL lets readers run beside the writer. It is a property of the file, set once
        // by the writer: switching to it needs an exclusive lock that readers must not ask
        // for while the writer works.
        let writer = pool_options(1)
            .connect_with(options.clone().journal_mode(SqliteJournalMode::Wal))
            .await
            .map_err(unavailable)?;
        migrate(&writer).await?;
        // Read transactions must not write: a reader that tried would take the write lock
        // outside the writer's queue. `query_only` makes such a mistake fail at once.
        let reader = pool_options(READERS)
            .connect_with(options.pragma("query_only", "ON"))
            .await
            .map_err(unavailable)?;
        Ok(SqliteDatabase { writer, reader })
    }

    /// Closes both pools, waiting for the transactions under way to end.
    pub async fn close(&self) {
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

/// Reads the URL forms `open` accepts; says whether the database is in memory.
fn parse_url(url: &str) -> Result<(SqliteConnectOptions, bool), StoreError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let options = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url).map_err(unavailable)?
    } else {
        // A plain path may hold `?` or `#`, which a URL would take for its query.
        SqliteConnectOptions::new().filename(url)
    };
    Ok((options, in_memory))
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
struct Embedded;

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
        Box::pin(async {
            Ok(MIGRATIONS
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
    let migrator = Migrator::new(Embedded).await.map_err(migrate_error)?;
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
        let tx = match mode {
            TxMode::Write => self.writer.begin_with("BEGIN IMMEDIATE").await,
            TxMode::Read => self.reader.begin().await,
        }
        .map_err(translate)?;
        Ok(Box::new(SqliteTx::new(tx)))
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
