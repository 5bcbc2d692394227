//! Number series ([`SequenceStore`]).

use async_trait::async_trait;
use ports::{SequenceStore, StoreError};

use crate::error::translate;
use crate::tx::SqliteTx;

#[async_trait]
impl SequenceStore for SqliteTx {
    async fn next_number(&mut self, series: &str) -> Result<u64, StoreError> {
        // One statement both creates the series and takes its next number; the write
        // transaction's lock makes it exclusive, and a rollback gives the number back.
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO sequences (series, last) VALUES (?, 1) \
             ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(series)
        .fetch_one(self.conn().await?)
        .await
        .map_err(translate)?;
        u64::try_from(last).map_err(|_| {
            StoreError::Corrupt(format!("sequences.last: series {series:?} is at {last}"))
        })
    }
}
