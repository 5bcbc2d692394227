//! Invoices and credit notes ([`InvoiceStore`]), stored whole as issued.
//!
//! As elsewhere in this adapter, refusals are found without failing a statement (the
//! insert checks its order in its `SELECT` and skips conflicts), so the transaction stays
//! usable after a refusal.

use async_trait::async_trait;
use domain::billing::{Invoice, InvoiceKind, InvoiceNumber};
use domain::ids::CommandeId;
use ports::{InvoiceStore, Page, Paging, StoreError};
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use crate::codec::{count, limit, offset, uuid, Cols};
use crate::db::PostgresTransaction;

fn document(row: &PgRow) -> Result<Invoice, StoreError> {
    Ok(Cols::new(row, "invoices")
        .get::<Json<Invoice>>("document")?
        .0)
}

#[async_trait]
impl InvoiceStore for PostgresTransaction {
    async fn insert_invoice(&mut self, invoice: &Invoice) -> Result<(), StoreError> {
        let order = uuid(invoice.order_id.as_u128());
        let r = sqlx::query(
            "INSERT INTO invoices (id, number, kind, order_id, issued_at, total_ttc, document) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE EXISTS (SELECT 1 FROM orders WHERE id = $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(uuid(invoice.id.as_u128()))
        .bind(invoice.number.as_str())
        .bind(invoice.kind.as_str())
        .bind(order)
        .bind(invoice.issued_at)
        .bind(invoice.totals.total_ttc)
        .bind(Json(invoice))
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            return Ok(());
        }
        let r = sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1)")
            .bind(order)
            .fetch_one(self.conn())
            .await;
        Err(if self.done(r)? {
            StoreError::Duplicate {
                entity: "invoice",
                key: invoice.number.to_string(),
            }
        } else {
            StoreError::NotFound {
                entity: "order",
                key: invoice.order_id.to_string(),
            }
        })
    }

    async fn invoice_by_number(
        &mut self,
        number: &InvoiceNumber,
    ) -> Result<Option<Invoice>, StoreError> {
        let r = sqlx::query("SELECT document FROM invoices WHERE number = $1")
            .bind(number.as_str())
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(document).transpose()
    }

    async fn invoices_of_order(&mut self, order: CommandeId) -> Result<Vec<Invoice>, StoreError> {
        let r = sqlx::query(
            "SELECT document FROM invoices WHERE order_id = $1 \
             ORDER BY issued_at, kind = 'credit_note', number",
        )
        .bind(uuid(order.as_u128()))
        .fetch_all(self.conn())
        .await;
        self.done(r)?.iter().map(document).collect()
    }

    async fn list_invoices(
        &mut self,
        kind: Option<InvoiceKind>,
        paging: Paging,
    ) -> Result<Page<Invoice>, StoreError> {
        let kind = kind.map(InvoiceKind::as_str);
        let r = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM invoices WHERE $1::text IS NULL OR kind = $1",
        )
        .bind(kind)
        .fetch_one(self.conn())
        .await;
        let total = count(self.done(r)?, "invoices")?;
        let r = sqlx::query(
            "SELECT document FROM invoices WHERE $1::text IS NULL OR kind = $1 \
             ORDER BY issued_at DESC, number DESC LIMIT $2 OFFSET $3",
        )
        .bind(kind)
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn())
        .await;
        Ok(Page {
            items: self
                .done(r)?
                .iter()
                .map(document)
                .collect::<Result<_, _>>()?,
            total,
        })
    }
}
