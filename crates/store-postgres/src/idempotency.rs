//! Idempotency keys of order placements.

use async_trait::async_trait;
use domain::ids::CommandeId;
use ports::{IdempotencyRecord, IdempotencyStore, StoreError};
use sqlx::postgres::PgRow;

use crate::codec::{uuid, Cols};
use crate::db::PostgresTransaction;

/// A row of `idempotency_keys`.
pub(crate) fn record(row: &PgRow) -> Result<IdempotencyRecord, StoreError> {
    let c = Cols::new(row, "idempotency_keys");
    Ok(IdempotencyRecord {
        key: c.get("key")?,
        request_hash: c.get("request_hash")?,
        order: CommandeId::from_u128(c.id("order_id")?),
        created_at: c.get("created_at")?,
    })
}

#[async_trait]
impl IdempotencyStore for PostgresTransaction {
    async fn find_idempotency(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let r = sqlx::query(
            "SELECT key, request_hash, order_id, created_at FROM idempotency_keys WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(self.conn())
        .await;
        self.done(r)?.as_ref().map(record).transpose()
    }

    async fn save_idempotency(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        // A second transaction recording the same key waits on the first one's row, then
        // does nothing if the first committed: it is told the key exists, and may go on
        // (the transaction is not aborted, as a unique violation would do).
        let r = sqlx::query(
            "INSERT INTO idempotency_keys (key, request_hash, order_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(&record.key)
        .bind(&record.request_hash)
        .bind(uuid(record.order.as_u128()))
        .bind(record.created_at)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::duplicate_idempotency_key(&record.key))
        }
    }
}
