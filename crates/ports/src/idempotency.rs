use async_trait::async_trait;
use domain::ids::CommandeId;
use time::OffsetDateTime;

use crate::StoreError;

/// What an idempotency key was first used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The key, as the caller sent it (scoped by the caller: the app prefixes it with who
    /// sent it).
    pub key: String,
    /// A fingerprint of the request, to tell a replay from a different request.
    pub request_hash: String,
    /// The order the request created.
    pub order: CommandeId,
    /// When.
    pub created_at: OffsetDateTime,
}

/// Idempotency keys of order placements.
#[async_trait]
pub trait IdempotencyStore: Send {
    /// The record of a key.
    async fn find_idempotency(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// Records a key. Two transactions recording the same key never both commit.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"idempotency key"`) when the key is recorded.
    async fn save_idempotency(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError>;
}
