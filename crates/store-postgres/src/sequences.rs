//! Number series.

use async_trait::async_trait;
use ports::{SequenceStore, StoreError};

use crate::db::PostgresTransaction;

#[async_trait]
impl SequenceStore for PostgresTransaction {
    async fn next_number(&mut self, series: &str) -> Result<u64, StoreError> {
        // The upsert locks the series' row until the transaction ends: a second transaction
        // waits, then counts from what the first committed (or from what was there before,
        // if the first rolled back). A new series' first two takers meet on the primary key
        // the same way.
        let r = sqlx::query_scalar::<_, i64>(
            "INSERT INTO sequences (series, last) VALUES ($1, 1) \
             ON CONFLICT (series) DO UPDATE SET last = sequences.last + 1 \
             RETURNING last",
        )
        .bind(series)
        .fetch_one(self.conn())
        .await;
        let last = self.done(r)?;
        u64::try_from(last)
            .map_err(|_| StoreError::Corrupt(format!("sequences.last: {last} for {series:?}")))
    }
}
