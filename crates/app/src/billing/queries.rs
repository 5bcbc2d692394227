//! Finding invoices and rendering documents, for staff and for the customer they concern.

use domain::billing::{DeliveryNote, Invoice, InvoiceKind, InvoiceNumber, PostalAddress};
use domain::order::{Commande, OrderNumber};
use ports::{Page, Paging, Transaction, TxMode};

use crate::parties::{existing_adresse, existing_tiers};
use crate::scope::{may_see_order, require_admin, visible_order};
use crate::{App, AppError, Caller};

/// A document with its rendering.
#[derive(Debug, Clone)]
pub struct InvoiceDocument {
    /// The document as issued.
    pub invoice: Invoice,
    /// Its Factur-X PDF (PDF/A-3 with its CII XML embedded).
    pub pdf: Vec<u8>,
}

/// Whether an order is delivered, and so has a delivery note: validated or fulfilled.
pub(crate) fn is_delivered(order: &Commande) -> bool {
    use domain::order::OrderState;
    matches!(order.state(), OrderState::Validated | OrderState::Fulfilled)
}

/// A document that cannot be rendered is a fault of the product, not of the request.
fn render_error(err: documents::DocumentError) -> AppError {
    AppError::Store(ports::StoreError::Other(
        format!("rendering a document failed: {err}").into(),
    ))
}

impl App {
    /// The document with this number, if the caller may see its order.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when there is none or it is not the caller's.
    pub async fn invoice(
        &self,
        caller: &Caller,
        number: &InvoiceNumber,
    ) -> Result<Invoice, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let invoice = tx.invoice_by_number(number).await?;
            let Some(invoice) = invoice else {
                return Err(AppError::not_found("invoice", number));
            };
            let order = tx.get_order(invoice.order_id).await?;
            match order {
                Some(order) if may_see_order(caller, &order) => Ok(invoice),
                _ => Err(AppError::not_found("invoice", number)),
            }
        })
    }

    /// The document with this number and its Factur-X PDF.
    ///
    /// # Errors
    /// As [`App::invoice`]; [`AppError::Store`] when rendering fails.
    pub async fn invoice_document(
        &self,
        caller: &Caller,
        number: &InvoiceNumber,
    ) -> Result<InvoiceDocument, AppError> {
        let invoice = self.invoice(caller, number).await?;
        let pdf = documents::invoice_pdf(&invoice).map_err(render_error)?;
        Ok(InvoiceDocument { invoice, pdf })
    }

    /// The invoice and credit note of an order, in order of issue.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the order is not the caller's.
    pub async fn order_invoices(
        &self,
        caller: &Caller,
        number: &OrderNumber,
    ) -> Result<Vec<Invoice>, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let order = visible_order(caller, tx.find_order(number).await?, &number.to_string())?;
            Ok(tx.invoices_of_order(order.id()).await?)
        })
    }

    /// Documents, latest first, of one kind or both (staff only).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless staff.
    pub async fn list_invoices(
        &self,
        caller: &Caller,
        kind: Option<InvoiceKind>,
        paging: Paging,
    ) -> Result<Page<Invoice>, AppError> {
        require_admin(caller, "list the documents of every site")?;
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.list_invoices(kind, paging).await?)
        })
    }

    /// The delivery note of an order (validated or fulfilled) as a PDF.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the order is not the caller's; [`AppError::Conflict`]
    /// (`not_delivered`) for a draft, deleted or cancelled order.
    pub async fn delivery_note_pdf(
        &self,
        caller: &Caller,
        number: &OrderNumber,
    ) -> Result<Vec<u8>, AppError> {
        let note = transaction!(self, TxMode::Read, |tx| {
            let order = visible_order(caller, tx.find_order(number).await?, &number.to_string())?;
            self.delivery_note(&mut *tx, &order).await
        })?;
        documents::delivery_note_pdf(&note).map_err(render_error)
    }

    /// The delivery note of an order, as its parties are now.
    pub(crate) async fn delivery_note(
        &self,
        tx: &mut dyn Transaction,
        order: &Commande,
    ) -> Result<DeliveryNote, AppError> {
        if !is_delivered(order) {
            return Err(AppError::Conflict {
                code: "not_delivered",
                message: format!(
                    "order {} is {:?}: only a validated or fulfilled order is delivered",
                    order.number(),
                    order.state()
                ),
            });
        }
        let recipient = existing_tiers(&mut *tx, order.parties().recipient).await?;
        let address = existing_adresse(&mut *tx, order.parties().delivery_address).await?;
        Ok(DeliveryNote::of(
            order,
            self.settings.seller.clone(),
            recipient.full_name(),
            PostalAddress::of(&address.details),
            address
                .details
                .access_notes
                .as_ref()
                .map(|n| n.as_str().replace('\n', ", ")),
        ))
    }
}
