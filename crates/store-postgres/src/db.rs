//! The pool, the migrations and the transaction type.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use ports::{Database, StoreError, Transaction, TxMode};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::Postgres;

use crate::error::{self, is_retryable_code, translate};

/// The migrations, in the order they apply. A migration once released never changes (the
/// migrator refuses a database whose applied migrations differ): changes go in new files.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "order number sequences",
        include_str!("../migrations/0002_order_number_sequences.sql"),
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

/// How long a transaction waits for a row lock before giving up with a retryable error,
/// unless the connection URL sets `lock_timeout` itself.
const DEFAULT_LOCK_TIMEOUT: &str = "10s";

/// How long a process starting waits for another one's migrations (the migrator's advisory
/// lock): a migration may take minutes on a large database, and the processes started
/// together must all come up once it is done.
const MIGRATION_LOCK_TIMEOUT: &str = "15min";

/// How long opening a transaction waits for a free connection of the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// A PostgreSQL database, through a pool of connections.
#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
}

impl PostgresDatabase {
    /// Connects to the database at `url` (`postgres://user:password@host:5432/name`) with
    /// at most `max_connections` connections, and applies the migrations it lacks.
    ///
    /// Several processes may start at once against one database: the migrations are applied
    /// under an advisory lock, once.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the server cannot be reached (a server that refuses
    /// connections is tried again for 30 seconds, as one that is starting up), refuses the
    /// credentials or has no such database; [`StoreError::Other`] for a malformed URL or a
    /// failed migration.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        // sqlx reads any URL as PostgreSQL's; another database's URL is a mistake to report.
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Other(
                "a PostgreSQL URL starts with postgres:// or postgresql://".into(),
            ));
        }
        let options =
            PgConnectOptions::from_str(url).map_err(|e| StoreError::Other(Box::new(e)))?;
        Self::connect_with(options, max_connections).await
    }

    /// As [`PostgresDatabase::connect`], with options already parsed.
    ///
    /// # Errors
    /// As [`PostgresDatabase::connect`].
    pub async fn connect_with(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        let options = with_session_defaults(options);
        migrate(&options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // sqlx would otherwise ping every connection it takes from the pool: one more
            // round trip per transaction. A connection that died is found out by its first
            // query (StoreError::Unavailable) and dropped from the pool.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(translate)?;
        Ok(PostgresDatabase { pool })
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Session settings every connection starts with, sent in the start-up message (no round
/// trip).
fn with_session_defaults(options: PgConnectOptions) -> PgConnectOptions {
    let sets_lock_timeout = options
        .get_options()
        .is_some_and(|o| o.contains("lock_timeout"));
    if sets_lock_timeout {
        options
    } else {
        options.options([("lock_timeout", DEFAULT_LOCK_TIMEOUT)])
    }
}

/// The embedded migrations, as sqlx's migrator takes them.
#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
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

/// Applies the migrations the database lacks, on a connection of its own: the migrator's
/// advisory lock belongs to the session, so closing it releases the lock even when a
/// migration failed half-way. (A one-connection pool rather than a bare connection: the
/// migrator's future is then `Send`, so that `connect` can run in a spawned task.)
async fn migrate(options: &PgConnectOptions) -> Result<(), StoreError> {
    let migrator = Migrator::new(Embedded).await.map_err(error::migration)?;
    let session = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // Not the transactions' short lock timeout: waiting behind another process's
        // migrations is what starting together means.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::Executor::execute(
                    conn,
                    format!("SET lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'").as_str(),
                )
                .await
                .map(|_| ())
            })
        })
        .connect_with(options.clone())
        .await
        .map_err(translate)?;
    let applied = migrator.run(&session).await.map_err(error::migration);
    session.close().await;
    applied
}

#[async_trait]
impl Database for PostgresDatabase {
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction>, StoreError> {
        // READ COMMITTED is PostgreSQL's default, but a server or a role may change it:
        // the locking design relies on it, so it is said explicitly (in the same round
        // trip). Read transactions are READ ONLY so that a write through them fails loudly.
        let statement = match mode {
            TxMode::Read => "BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY",
            TxMode::Write => "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE",
        };
        let tx = self.pool.begin_with(statement).await.map_err(translate)?;
        Ok(Box::new(PostgresTransaction { tx, failure: None }))
    }

    async fn find_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ports::SessionToken, domain::account::Account)>, StoreError> {
        crate::accounts::session(&self.pool, token_hash).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Unavailable(Box::new(e)))
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }
}

/// Why the database aborted a transaction before its commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// A conflict with another transaction: trying again may succeed.
    Conflict,
    /// Anything else.
    Error,
}

/// A transaction of a [`PostgresDatabase`]: every store at once. Dropping it without
/// committing rolls it back.
pub struct PostgresTransaction {
    tx: sqlx::Transaction<'static, Postgres>,
    /// Set when a statement failed: PostgreSQL has then aborted the transaction, and would
    /// answer COMMIT with a silent ROLLBACK.
    failure: Option<Failure>,
}

impl std::fmt::Debug for PostgresTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresTransaction")
            .field("failure", &self.failure)
            .finish_non_exhaustive()
    }
}

impl PostgresTransaction {
    /// The connection the transaction runs on.
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Notes a statement's failure (the server aborts the transaction on any error it
    /// reports) and gives the result back.
    pub(crate) fn check<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if let Err(sqlx::Error::Database(db)) = &result {
            let conflict = db.code().is_some_and(|c| is_retryable_code(&c));
            self.failure.get_or_insert(if conflict {
                Failure::Conflict
            } else {
                Failure::Error
            });
        }
        result
    }

    /// [`PostgresTransaction::check`], then [`translate`].
    pub(crate) fn done<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, StoreError> {
        self.check(result).map_err(translate)
    }
}

#[async_trait]
impl Transaction for PostgresTransaction {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let PostgresTransaction { tx, failure } = *self;
        match failure {
            None => tx.commit().await.map_err(translate),
            Some(failure) => {
                // Nothing can be stored any more; the rollback only ends the transaction
                // on the connection, and the error says what happened.
                let _ = tx.rollback().await;
                let why = "a statement of this transaction failed, so the database rolled it back: nothing was stored";
                Err(match failure {
                    Failure::Conflict => StoreError::Retryable(why.into()),
                    Failure::Error => StoreError::Other(why.into()),
                })
            }
        }
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(translate)
    }
}
