//! Payments of orders.
//!
//! Refusals (a duplicate id or reference, an order that is not stored) are found without
//! failing a statement, so that the transaction stays usable: the insert checks its order
//! in its `SELECT` and skips conflicts (`ON CONFLICT DO NOTHING`), the update checks the
//! reference in its `WHERE`; when nothing was written, a query says why.

use async_trait::async_trait;
use domain::ids::{CommandeId, PaymentId};
use domain::money::Amount;
use domain::payment::{Payment, PaymentMethod, PaymentStatus};
use ports::{PaymentStore, StoreError};
use sqlx::postgres::PgRow;

use crate::codec::{name, uuid, Cols};
use crate::db::PostgresTransaction;
use crate::error::unique_as;

macro_rules! select_payment {
    ($rest:literal) => {
        concat!(
            "SELECT id, order_id, amount, method, status, provider, provider_reference, \
                    created_at, updated_at, failure_reason \
             FROM payments ",
            $rest
        )
    };
}

fn payment(row: &PgRow) -> Result<Payment, StoreError> {
    let c = Cols::new(row, "payments");
    Ok(Payment {
        id: PaymentId::from_u128(c.id("id")?),
        order: CommandeId::from_u128(c.id("order_id")?),
        amount: c.map("amount", Amount::new)?,
        method: c.parse("method", name(PaymentMethod::parse, "a payment method"))?,
        status: c.parse("status", name(PaymentStatus::parse, "a payment status"))?,
        provider: c.get("provider")?,
        provider_reference: c.get("provider_reference")?,
        created_at: c.get("created_at")?,
        updated_at: c.get("updated_at")?,
        failure_reason: c.get("failure_reason")?,
    })
}

fn reference_taken(payment: &Payment) -> StoreError {
    StoreError::Duplicate {
        entity: "payment reference",
        key: payment.provider_reference.clone().unwrap_or_default(),
    }
}

#[async_trait]
impl PaymentStore for PostgresTransaction {
    async fn insert_payment(&mut self, payment: &Payment) -> Result<(), StoreError> {
        let id = uuid(payment.id.as_u128());
        let order = uuid(payment.order.as_u128());
        let r = sqlx::query(
            "INSERT INTO payments (id, order_id, amount, method, status, provider, \
                                   provider_reference, created_at, updated_at, failure_reason) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
             WHERE EXISTS (SELECT 1 FROM orders WHERE id = $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(order)
        .bind(payment.amount.value())
        .bind(payment.method.as_str())
        .bind(payment.status.as_str())
        .bind(&payment.provider)
        .bind(payment.provider_reference.as_deref())
        .bind(payment.created_at)
        .bind(payment.updated_at)
        .bind(payment.failure_reason.as_deref())
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            return Ok(());
        }
        let r = sqlx::query_as::<_, (bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1), \
                    EXISTS (SELECT 1 FROM payments WHERE id = $2)",
        )
        .bind(order)
        .bind(id)
        .fetch_one(self.conn())
        .await;
        Err(match self.done(r)? {
            (false, _) => StoreError::NotFound {
                entity: "order",
                key: payment.order.to_string(),
            },
            (true, true) => StoreError::Duplicate {
                entity: "payment",
                key: payment.id.to_string(),
            },
            (true, false) => reference_taken(payment),
        })
    }

    async fn get_payment(&mut self, id: PaymentId) -> Result<Option<Payment>, StoreError> {
        let r = sqlx::query(select_payment!("WHERE id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(payment).transpose()
    }

    async fn update_payment(&mut self, payment: &Payment) -> Result<(), StoreError> {
        let id = uuid(payment.id.as_u128());
        // A reference another payment of the provider has is not written (the statement
        // does not fail); a transaction racing to take the same reference waits on the
        // unique index, then fails with a unique violation.
        let r = sqlx::query(
            "UPDATE payments AS p \
             SET status = $2, provider_reference = $3, failure_reason = $4, updated_at = $5 \
             WHERE p.id = $1 AND NOT EXISTS ( \
                 SELECT 1 FROM payments AS other \
                 WHERE other.provider = p.provider AND other.provider_reference = $3 \
                   AND other.id <> p.id)",
        )
        .bind(id)
        .bind(payment.status.as_str())
        .bind(payment.provider_reference.as_deref())
        .bind(payment.failure_reason.as_deref())
        .bind(payment.updated_at)
        .execute(self.conn())
        .await;
        let key = payment.provider_reference.clone().unwrap_or_default();
        let done = self
            .check(r)
            .map_err(|e| unique_as(e, "payment reference", key))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let r =
            sqlx::query_as::<_, (bool,)>("SELECT EXISTS (SELECT 1 FROM payments WHERE id = $1)")
                .bind(id)
                .fetch_one(self.conn())
                .await;
        if self.done(r)?.0 {
            Err(reference_taken(payment))
        } else {
            Err(StoreError::NotFound {
                entity: "payment",
                key: payment.id.to_string(),
            })
        }
    }

    async fn payments_of(&mut self, order: CommandeId) -> Result<Vec<Payment>, StoreError> {
        let r = sqlx::query(select_payment!(
            "WHERE order_id = $1 ORDER BY created_at, id"
        ))
        .bind(uuid(order.as_u128()))
        .fetch_all(self.conn())
        .await;
        self.done(r)?.iter().map(payment).collect()
    }

    async fn find_by_provider_reference(
        &mut self,
        provider: &str,
        reference: &str,
    ) -> Result<Option<Payment>, StoreError> {
        let r = sqlx::query(select_payment!(
            "WHERE provider = $1 AND provider_reference = $2"
        ))
        .bind(provider)
        .bind(reference)
        .fetch_optional(self.conn())
        .await;
        self.done(r)?.as_ref().map(payment).transpose()
    }
}
