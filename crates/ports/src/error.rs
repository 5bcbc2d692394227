use thiserror::Error;

/// The cause of a failure, kept for logs.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why a store could not do what it was asked. Adapters translate their database's errors
/// into these variants (a unique violation into [`StoreError::Duplicate`], a deadlock, a
/// serialization failure or a busy database into [`StoreError::Retryable`]).
#[derive(Debug, Error)]
pub enum StoreError {
    /// Something with the same unique key is already stored.
    #[error("{entity} {key} already exists")]
    Duplicate {
        /// What kind of thing ("article", "order", ...).
        entity: &'static str,
        /// The key that clashed, as the user knows it (a reference, a number).
        key: String,
    },
    /// What was to be changed is not stored.
    #[error("{entity} {key} does not exist")]
    NotFound {
        /// What kind of thing.
        entity: &'static str,
        /// Its key.
        key: String,
    },
    /// The database gave up for a conflict with another transaction (deadlock,
    /// serialization failure, lock time-out). Nothing was stored; trying the whole
    /// transaction again may succeed.
    #[error("the database is busy: {0}")]
    Retryable(#[source] Cause),
    /// The database cannot be reached.
    #[error("the database cannot be reached: {0}")]
    Unavailable(#[source] Cause),
    /// What is stored cannot be read back as valid values.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Any other failure of the database.
    #[error("database failure: {0}")]
    Other(#[source] Cause),
}

impl StoreError {
    /// Whether the whole transaction may be tried again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Retryable(_))
    }

    /// Messages of which one at least is already stored, named by all their ids: what
    /// every store answers for such a batch.
    pub fn duplicate_messages(messages: &[crate::OutboxMessage]) -> Self {
        StoreError::Duplicate {
            entity: "message",
            key: messages
                .iter()
                .map(|m| m.id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// An idempotency key already recorded.
    pub fn duplicate_idempotency_key(key: &str) -> Self {
        StoreError::Duplicate {
            entity: "idempotency key",
            key: key.to_owned(),
        }
    }
}
