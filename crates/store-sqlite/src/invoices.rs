//! Invoices and credit notes ([`InvoiceStore`]), stored whole as issued.

use async_trait::async_trait;
use domain::billing::{Invoice, InvoiceKind, InvoiceNumber};
use domain::ids::CommandeId;
use ports::{InvoiceStore, Page, Paging, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::codec::{decimal_text, limit, micros, offset, total};
use crate::error::{corrupt, is_foreign_key_violation, is_unique_violation, translate};
use crate::tx::SqliteTx;

fn document(row: &SqliteRow) -> Result<Invoice, StoreError> {
    let text: &str = row.try_get("document").map_err(translate)?;
    serde_json::from_str(text).map_err(|e| corrupt("invoices", "document", e))
}

#[async_trait]
impl InvoiceStore for SqliteTx {
    async fn insert_invoice(&mut self, invoice: &Invoice) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(invoice).map_err(|e| corrupt("invoices", "document", e))?;
        let result = sqlx::query(
            "INSERT INTO invoices (id, number, kind, order_id, issued_at, total_ttc, document) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(invoice.id.to_string())
        .bind(invoice.number.as_str())
        .bind(invoice.kind.as_str())
        .bind(invoice.order_id.to_string())
        .bind(micros(invoice.issued_at))
        .bind(decimal_text(invoice.totals.total_ttc))
        .bind(json)
        .execute(self.conn().await?)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(StoreError::Duplicate {
                entity: "invoice",
                key: invoice.number.to_string(),
            }),
            Err(err) if is_foreign_key_violation(&err) => Err(StoreError::NotFound {
                entity: "order",
                key: invoice.order_id.to_string(),
            }),
            Err(err) => Err(translate(err)),
        }
    }

    async fn invoice_by_number(
        &mut self,
        number: &InvoiceNumber,
    ) -> Result<Option<Invoice>, StoreError> {
        let row = sqlx::query("SELECT document FROM invoices WHERE number = ?")
            .bind(number.as_str())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(document).transpose()
    }

    async fn invoices_of_order(&mut self, order: CommandeId) -> Result<Vec<Invoice>, StoreError> {
        let rows = sqlx::query(
            "SELECT document FROM invoices WHERE order_id = ? \
             ORDER BY issued_at, kind = 'credit_note', number",
        )
        .bind(order.to_string())
        .fetch_all(self.conn().await?)
        .await
        .map_err(translate)?;
        rows.iter().map(document).collect()
    }

    async fn list_invoices(
        &mut self,
        kind: Option<InvoiceKind>,
        paging: Paging,
    ) -> Result<Page<Invoice>, StoreError> {
        let kind = kind.map(InvoiceKind::as_str);
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM invoices WHERE ?1 IS NULL OR kind = ?1")
                .bind(kind)
                .fetch_one(self.conn().await?)
                .await
                .map_err(translate)?;
        let rows = sqlx::query(
            "SELECT document FROM invoices WHERE ?1 IS NULL OR kind = ?1 \
             ORDER BY issued_at DESC, number DESC LIMIT ?2 OFFSET ?3",
        )
        .bind(kind)
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(Page {
            items: rows.iter().map(document).collect::<Result<_, _>>()?,
            total: total(count),
        })
    }
}
