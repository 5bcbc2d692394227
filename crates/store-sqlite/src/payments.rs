//! Payments of orders ([`PaymentStore`]).

use async_trait::async_trait;
use domain::ids::{CommandeId, PaymentId};
use domain::money::Amount;
use domain::payment::{Payment, PaymentMethod, PaymentStatus};
use ports::{PaymentStore, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::codec::{decimal_text, micros, Columns};
use crate::error::{is_foreign_key_violation, is_unique_violation, translate, violated_columns};
use crate::tx::SqliteTx;

const COLUMNS: &str = "id, order_id, amount, method, status, provider, provider_reference, \
     created_at, updated_at, failure_reason";

fn payment(row: &SqliteRow) -> Result<Payment, StoreError> {
    let c = Columns::new(row, "payments");
    Ok(Payment {
        id: c.parse("id", PaymentId::parse)?,
        order: c.parse("order_id", CommandeId::parse)?,
        amount: c.check("amount", Amount::new(c.decimal("amount")?))?,
        method: c.name("method", PaymentMethod::parse)?,
        status: c.name("status", PaymentStatus::parse)?,
        provider: c.text("provider")?.to_owned(),
        provider_reference: c.opt_text("provider_reference")?.map(str::to_owned),
        created_at: c.instant("created_at")?,
        updated_at: c.instant("updated_at")?,
        failure_reason: c.opt_text("failure_reason")?.map(str::to_owned),
    })
}

/// A unique violation of a payment: its id, or its reference among its provider's.
fn clash(err: &sqlx::Error, payment: &Payment) -> StoreError {
    if violated_columns(err) == ["payments.id"] {
        StoreError::Duplicate {
            entity: "payment",
            key: payment.id.to_string(),
        }
    } else {
        StoreError::Duplicate {
            entity: "payment reference",
            key: payment.provider_reference.clone().unwrap_or_default(),
        }
    }
}

#[async_trait]
impl PaymentStore for SqliteTx {
    async fn insert_payment(&mut self, payment: &Payment) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO payments (id, order_id, amount, method, status, provider, \
             provider_reference, created_at, updated_at, failure_reason) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(payment.id.to_string())
        .bind(payment.order.to_string())
        .bind(decimal_text(payment.amount.value()))
        .bind(payment.method.as_str())
        .bind(payment.status.as_str())
        .bind(&payment.provider)
        .bind(payment.provider_reference.as_deref())
        .bind(micros(payment.created_at))
        .bind(micros(payment.updated_at))
        .bind(payment.failure_reason.as_deref())
        .execute(self.conn().await?)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(clash(&err, payment)),
            // The only reference a payment has is its order.
            Err(err) if is_foreign_key_violation(&err) => Err(StoreError::NotFound {
                entity: "order",
                key: payment.order.to_string(),
            }),
            Err(err) => Err(translate(err)),
        }
    }

    async fn get_payment(&mut self, id: PaymentId) -> Result<Option<Payment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(payment).transpose()
    }

    async fn update_payment(&mut self, payment: &Payment) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE payments SET status = ?, provider_reference = ?, failure_reason = ?, \
             updated_at = ? WHERE id = ?",
        )
        .bind(payment.status.as_str())
        .bind(payment.provider_reference.as_deref())
        .bind(payment.failure_reason.as_deref())
        .bind(micros(payment.updated_at))
        .bind(payment.id.to_string())
        .execute(self.conn().await?)
        .await;
        match result {
            Ok(done) if done.rows_affected() == 0 => Err(StoreError::NotFound {
                entity: "payment",
                key: payment.id.to_string(),
            }),
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(clash(&err, payment)),
            Err(err) => Err(translate(err)),
        }
    }

    async fn payments_of(&mut self, order: CommandeId) -> Result<Vec<Payment>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM payments WHERE order_id = ? ORDER BY created_at, id");
        let rows = sqlx::query(&sql)
            .bind(order.to_string())
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        rows.iter().map(payment).collect()
    }

    async fn find_by_provider_reference(
        &mut self,
        provider: &str,
        reference: &str,
    ) -> Result<Option<Payment>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM payments WHERE provider = ? AND provider_reference = ?");
        let row = sqlx::query(&sql)
            .bind(provider)
            .bind(reference)
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(payment).transpose()
    }
}
