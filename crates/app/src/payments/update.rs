//! Changing a payment under its order's lock, and staff settling a payment they recorded as
//! pending (a payment on account, once the money arrives).

use domain::ids::{CommandeId, PaymentId};
use domain::payment::{AlreadySettled, OrderPaymentState, Payment, PaymentOutcome, PaymentSummary};
use ports::{StoreError, Transaction, TxMode};
use serde::Serialize;
use time::OffsetDateTime;

use super::messages;
use crate::parties::existing_tiers;
use crate::{scope, App, AppError, Caller};

/// A payment after a change, and what the order's payments now amount to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentUpdate {
    /// The payment as it is now.
    pub payment: Payment,
    /// The order's payments now.
    pub summary: PaymentSummary,
    /// Whether anything changed: `false` for a report already recorded (a callback sent
    /// twice).
    pub changed: bool,
}

/// A change to make to a payment at a time; says whether it changed anything.
pub(super) type Change<'a> =
    &'a (dyn Fn(&mut Payment, OffsetDateTime) -> Result<bool, AppError> + Send + Sync);

/// A report contradicting how the payment was settled.
pub(super) fn settled_conflict(err: AlreadySettled) -> AppError {
    AppError::Conflict {
        code: "payment_settled",
        message: err.to_string(),
    }
}

impl App {
    /// Locks the payment's order, applies `change` to the payment, stores it if it changed,
    /// and queues the order's confirmation when the change made it paid. The order's lock
    /// makes every change of its payments one at a time, so "became paid" happens once.
    pub(super) async fn change_payment(
        &self,
        tx: &mut dyn Transaction,
        id: PaymentId,
        order: CommandeId,
        change: Change<'_>,
    ) -> Result<PaymentUpdate, AppError> {
        let order = tx
            .lock_order(order)
            .await?
            .ok_or_else(|| AppError::not_found("order", order))?;
        let total = order.pricing().total_ttc;
        let mut payments = tx.payments_of(order.id()).await?;
        let before = PaymentSummary::of(&payments, total).state;
        let payment = payments
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| AppError::not_found("payment", id))?;
        let changed = change(payment, self.now())?;
        if changed {
            tx.update_payment(payment).await.map_err(|e| match e {
                StoreError::Duplicate { key, .. } => AppError::Conflict {
                    code: "duplicate_reference",
                    message: format!("the provider's reference {key} is another payment's"),
                },
                other => AppError::Store(other),
            })?;
        }
        let payment = payment.clone();
        let summary = PaymentSummary::of(&payments, total);
        if before != OrderPaymentState::Paid && summary.state == OrderPaymentState::Paid {
            let customer = existing_tiers(&mut *tx, order.parties().customer).await?;
            let now = self.now();
            messages::order_paid(
                &mut *tx, &*self.ids, &order, &customer, &payments, &summary, now,
            )
            .await?;
            crate::billing::invoice_due(&mut *tx, &*self.ids, &order, Some(now.date()), now)
                .await?;
        }
        Ok(PaymentUpdate {
            payment,
            summary,
            changed,
        })
    }

    /// Records how a pending payment staff recorded (a payment on account) ended: the money
    /// arrived, or it will not. Recording the same outcome again changes nothing.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless staff; [`AppError::NotFound`];
    /// [`AppError::Conflict`] `processor_payment` for a card payment (its processor reports
    /// its outcome), `payment_settled` when it was settled the other way.
    pub async fn settle_payment(
        &self,
        caller: &Caller,
        id: PaymentId,
        outcome: &PaymentOutcome,
    ) -> Result<PaymentUpdate, AppError> {
        scope::require_internal(caller, "record payments")?;
        transaction!(self, TxMode::Write, |tx| {
            let payment = tx
                .get_payment(id)
                .await?
                .ok_or_else(|| AppError::not_found("payment", id))?;
            // A payment of an order the caller may not see does not exist for them.
            let order = tx.get_order(payment.order).await?;
            if !order.is_some_and(|o| scope::may_see_order(caller, &o)) {
                return Err(AppError::not_found("payment", id));
            }
            if !payment.method.is_recorded_by_staff() {
                return Err(AppError::Conflict {
                    code: "processor_payment",
                    message: format!(
                        "payment {id} is by {}: its processor reports how it ends",
                        payment.method
                    ),
                });
            }
            let settle = |p: &mut Payment, now: OffsetDateTime| {
                p.settle(outcome, now).map_err(settled_conflict)
            };
            self.change_payment(&mut *tx, id, payment.order, &settle)
                .await
        })
    }
}
