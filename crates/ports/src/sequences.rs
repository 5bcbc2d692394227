use async_trait::async_trait;
use domain::order::SiteCode;

use crate::StoreError;

/// Number series: order numbers within a site, and later invoice numbers.
#[async_trait]
pub trait SequenceStore: Send {
    /// The next number of a series (1 for a series never used), taken inside this
    /// transaction: two transactions never get the same number (the second waits for the
    /// first to end), and a transaction that rolls back gives its number back, so a series
    /// used only by committed transactions has no gap. For series that must have no gap
    /// (invoices).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn next_number(&mut self, series: &str) -> Result<u64, StoreError>;

    /// The next order number of a site. Never the same number twice for a site, whatever
    /// the transactions do. Unlike [`SequenceStore::next_number`], a number may be lost
    /// when the transaction that took it rolls back (order numbers may have gaps), so that
    /// an implementation can take it without making concurrent orders of the site wait for
    /// each other's commits. By default, the series `order:<site code>` of `next_number`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn next_order_number(&mut self, site: &SiteCode) -> Result<u64, StoreError> {
        self.next_number(&format!("order:{site}")).await
    }
}
