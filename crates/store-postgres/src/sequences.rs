//! Number series.

use async_trait::async_trait;
use domain::order::SiteCode;
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

    async fn next_order_number(&mut self, site: &SiteCode) -> Result<u64, StoreError> {
        // A native sequence per site (migration 0002): nextval takes no lock that lasts,
        // so orders of one site do not queue behind each other's commits.
        let r = sqlx::query_scalar::<_, i64>("SELECT next_order_number($1)")
            .bind(site.as_str())
            .fetch_one(self.conn())
            .await;
        let last = self.done(r)?;
        u64::try_from(last)
            .map_err(|_| StoreError::Corrupt(format!("order number {last} of site {site}")))
    }
}
