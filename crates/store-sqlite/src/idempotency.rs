//! Idempotency keys of order placements ([`IdempotencyStore`]).

use async_trait::async_trait;
use domain::ids::CommandeId;
use ports::{IdempotencyRecord, IdempotencyStore, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

use crate::codec::{micros, Columns};
use crate::error::{refused_as_duplicate, translate};
use crate::tx::SqliteTx;

/// The columns of `idempotency_keys`.
pub(crate) const IDEMPOTENCY_COLUMNS: &str = "key, request_hash, order_id, created_at";

/// A row of `idempotency_keys`.
pub(crate) fn record(row: &SqliteRow) -> Result<IdempotencyRecord, StoreError> {
    let c = Columns::new(row, "idempotency_keys");
    Ok(IdempotencyRecord {
        key: c.text("key")?.to_owned(),
        request_hash: c.text("request_hash")?.to_owned(),
        order: c.parse("order_id", CommandeId::parse)?,
        created_at: c.instant("created_at")?,
    })
}

/// Appends to `sql` the INSERT of an idempotency key's record.
pub(crate) fn push_key<'a>(sql: &mut QueryBuilder<'a, Sqlite>, record: &'a IdempotencyRecord) {
    sql.push("INSERT INTO idempotency_keys (key, request_hash, order_id, created_at) VALUES (");
    sql.separated(", ")
        .push_bind(record.key.as_str())
        .push_bind(record.request_hash.as_str())
        .push_bind(record.order.to_string())
        .push_bind(micros(record.created_at));
    sql.push(")");
}

#[async_trait]
impl IdempotencyStore for SqliteTx {
    async fn find_idempotency(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let sql = format!("SELECT {IDEMPOTENCY_COLUMNS} FROM idempotency_keys WHERE key = ?");
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(record).transpose()
    }

    async fn save_idempotency(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        let mut sql = QueryBuilder::new("");
        push_key(&mut sql, record);
        sql.build()
            .execute(self.conn().await?)
            .await
            .map_err(refused_as_duplicate(StoreError::duplicate_idempotency_key(
                &record.key,
            )))?;
        Ok(())
    }
}
