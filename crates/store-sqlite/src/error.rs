//! Translation of sqlx and SQLite errors into the ports' [`StoreError`].

use ports::StoreError;
use sqlx::error::ErrorKind;

// Primary result codes (the low byte of SQLite's extended codes).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_CONSTRAINT: i32 = 19;
const SQLITE_NOTADB: i32 = 26;

/// The primary SQLite result code of a database error.
fn primary_code(err: &(dyn sqlx::error::DatabaseError + 'static)) -> Option<i32> {
    err.code()
        .and_then(|code| code.parse::<i32>().ok())
        .map(|code| code & 0xff)
}

/// Translates any sqlx error. A unique violation that the caller did not name becomes a
/// [`StoreError::Duplicate`] with the constraint's message as its key.
pub(crate) fn translate(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::Database(db) => {
            let kind = db.kind();
            match (kind, primary_code(db.as_ref())) {
                (ErrorKind::UniqueViolation, _) => StoreError::Duplicate {
                    entity: "record",
                    key: db.message().to_owned(),
                },
                (ErrorKind::ForeignKeyViolation, _) => StoreError::NotFound {
                    entity: "referenced record",
                    key: db.message().to_owned(),
                },
                (_, Some(SQLITE_BUSY | SQLITE_LOCKED)) => {
                    StoreError::Retryable(Box::new(sqlx::Error::Database(db)))
                }
                (_, Some(SQLITE_CANTOPEN | SQLITE_FULL)) => {
                    StoreError::Unavailable(Box::new(sqlx::Error::Database(db)))
                }
                (_, Some(SQLITE_CORRUPT | SQLITE_NOTADB)) => {
                    StoreError::Corrupt(format!("the database file is damaged: {db}"))
                }
                _ => StoreError::Other(Box::new(sqlx::Error::Database(db))),
            }
        }
        // Every writer queues for the single write connection: running out of patience
        // there is contention, not an outage.
        sqlx::Error::PoolTimedOut => StoreError::Retryable(Box::new(err)),
        sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Configuration(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(Box::new(err)),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(err.to_string()),
        other => StoreError::Other(Box::new(other)),
    }
}

/// Whether an error is a unique violation.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation)
}

/// Whether an error is a foreign key violation.
pub(crate) fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == ErrorKind::ForeignKeyViolation)
}

/// Whether an error is SQLite refusing a statement for a constraint (CHECK, foreign key,
/// unique, NOT NULL, a STRICT column's type, `RAISE(ABORT)` in a trigger). SQLite has then
/// undone that statement, and the transaction goes on.
pub(crate) fn is_constraint_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if primary_code(db.as_ref()) == Some(SQLITE_CONSTRAINT))
}

/// The columns a unique violation names (`UNIQUE constraint failed: articles.reference`
/// gives `["articles.reference"]`), to tell which key clashed.
pub(crate) fn violated_columns(err: &sqlx::Error) -> Vec<String> {
    match err {
        sqlx::Error::Database(db) => db
            .message()
            .split_once(':')
            .map(|(_, columns)| columns.split(',').map(|c| c.trim().to_owned()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Translates an error, naming the duplicate: a unique violation becomes
/// `Duplicate { entity, key }`.
pub(crate) fn duplicate(
    entity: &'static str,
    key: impl Into<String>,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    refused_as_duplicate(StoreError::Duplicate {
        entity,
        key: key.into(),
    })
}

/// The same, with the duplicate's error as given.
pub(crate) fn refused_as_duplicate(
    duplicate: StoreError,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| {
        if is_unique_violation(&err) {
            duplicate
        } else {
            translate(err)
        }
    }
}

/// A stored value that cannot be read back as a domain value.
pub(crate) fn corrupt(table: &str, column: &str, problem: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column}: {problem}"))
}
