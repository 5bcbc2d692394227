use async_trait::async_trait;

use crate::StoreError;

/// Number series: order numbers within a site, and later invoice numbers.
#[async_trait]
pub trait SequenceStore: Send {
    /// The next number of a series (1 for a series never used), taken inside this
    /// transaction: two transactions never get the same number (the second waits for the
    /// first to end), and a transaction that rolls back gives its number back, so a series
    /// used only by committed transactions has no gap.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn next_number(&mut self, series: &str) -> Result<u64, StoreError>;
}
