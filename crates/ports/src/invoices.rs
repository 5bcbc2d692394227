use async_trait::async_trait;
use domain::billing::{Invoice, InvoiceKind, InvoiceNumber};
use domain::ids::CommandeId;

use crate::{Page, Paging, StoreError};

/// Invoices and credit notes, as issued. There is no way to change or delete one: the
/// stores also refuse it at the database level, whatever program writes to it.
///
/// Numbers come from [`crate::SequenceStore::next_number`] with the document's series
/// ([`Invoice::series`]), taken in the transaction that stores the document, so that a
/// series has no gap and no duplicate.
#[async_trait]
pub trait InvoiceStore: Send {
    /// Stores an invoice or credit note.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `invoice`) when its number or its id is taken, or
    /// when its order already has a document of this kind; [`StoreError::NotFound`] when
    /// its order does not exist.
    async fn insert_invoice(&mut self, invoice: &Invoice) -> Result<(), StoreError>;

    /// The document with this number.
    async fn invoice_by_number(
        &mut self,
        number: &InvoiceNumber,
    ) -> Result<Option<Invoice>, StoreError>;

    /// The documents of an order, in order of issue: its invoice, then its credit note
    /// (also when both carry the same time).
    async fn invoices_of_order(&mut self, order: CommandeId) -> Result<Vec<Invoice>, StoreError>;

    /// Documents, latest issued first (by issue time, then number), of one kind or both.
    async fn list_invoices(
        &mut self,
        kind: Option<InvoiceKind>,
        paging: Paging,
    ) -> Result<Page<Invoice>, StoreError>;
}
