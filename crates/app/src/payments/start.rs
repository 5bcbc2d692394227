//! Starting a payment: a customer (or staff) by card, staff recording money received.

use std::sync::Arc;

use domain::ids::PaymentId;
use domain::money::Amount;
use domain::order::OrderNumber;
use domain::payment::{
    CardNumber, OrderPaymentState, Payment, PaymentMethod, PaymentOutcome, PaymentStatus,
    PaymentSummary,
};
use ports::{
    NextStep, PaymentError, PaymentProvider, PaymentRequest, ProviderStart, StoreError, TxMode,
};
use serde::Serialize;
use time::OffsetDateTime;

use super::check_payable;
use super::update::settled_conflict;
use crate::{scope, App, AppError, Caller};

/// The longest reference staff may note, in characters.
pub const MAX_REFERENCE: usize = 200;

/// A payment a customer (or staff) starts through a processor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentStart {
    /// How: a method a processor takes (a card).
    pub method: PaymentMethod,
    /// The card, to pay by card.
    pub card: Option<CardNumber>,
}

/// Money staff received, or a payment on account they grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualPayment {
    /// How: bank transfer, cheque or on account.
    pub method: PaymentMethod,
    /// How much; what remains to pay when absent.
    pub amount: Option<Amount>,
    /// The transfer's or the cheque's reference, as noted; one reference is recorded once.
    pub reference: Option<String>,
}

/// A payment just started, and what the order's payments now amount to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartedPayment {
    /// The payment: succeeded or failed when its provider decided at once, pending
    /// otherwise.
    pub payment: Payment,
    /// The order's payments now.
    pub summary: PaymentSummary,
    /// What is to be done while it is pending.
    pub next_step: Option<NextStep>,
}

/// What to start, once checked.
struct Attempt {
    method: PaymentMethod,
    card: Option<CardNumber>,
    amount: Option<Amount>,
    reference: Option<String>,
}

/// A provider's refusal of what it was asked, before anything was recorded.
fn refused(err: PaymentError) -> AppError {
    match err {
        PaymentError::Invalid { field, message } => AppError::Invalid { field, message },
        other => AppError::invalid("method", other),
    }
}

/// A reference as staff typed it: trimmed, not empty, at most [`MAX_REFERENCE`]
/// characters, without control characters.
fn reference(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "reference",
            "must not be empty when given",
        ));
    }
    if text.chars().count() > MAX_REFERENCE {
        return Err(AppError::invalid(
            "reference",
            format!("at most {MAX_REFERENCE} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "reference",
            "control characters are not allowed",
        ));
    }
    Ok(text.to_owned())
}

/// What the new payment is for: what remains to pay, or less when asked.
fn amount_to_pay(
    number: &OrderNumber,
    summary: &PaymentSummary,
    asked: Option<Amount>,
) -> Result<Amount, AppError> {
    if summary.state == OrderPaymentState::Paid {
        return Err(AppError::Conflict {
            code: "already_paid",
            message: format!(
                "order {number} is paid: {} of {}",
                summary.paid, summary.total
            ),
        });
    }
    if summary.payable.is_zero() {
        return Err(AppError::Conflict {
            code: "payment_pending",
            message: format!(
                "payments of {} for order {number} are under way: wait for their outcome",
                summary.pending
            ),
        });
    }
    match asked {
        Some(amount) if amount.value() > summary.payable => Err(AppError::invalid(
            "amount",
            format!(
                "at most {} remains to pay on order {number}",
                summary.payable
            ),
        )),
        Some(amount) => Ok(amount),
        None => Amount::new(summary.payable).map_err(|e| AppError::invalid("amount", e)),
    }
}

impl App {
    /// Starts paying what remains to pay on an order through a processor (by card): the
    /// customer their own validated order, or staff (a card given over the phone). A card
    /// declined answers with the payment failed and the order as it was, to be paid again.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also for an order the caller may not see;
    /// [`AppError::Invalid`] for a method staff record (`method`) or a card the processor
    /// refuses (`card_number`), nothing recorded; [`AppError::Conflict`] `not_payable`
    /// unless validated (or fulfilled), `already_paid`, `payment_pending` when payments
    /// under way cover what remains.
    pub async fn start_payment(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        start: &PaymentStart,
    ) -> Result<StartedPayment, AppError> {
        if start.method.is_recorded_by_staff() {
            return Err(AppError::invalid(
                "method",
                format!(
                    "{} payments are recorded by staff once the money is received",
                    start.method
                ),
            ));
        }
        let attempt = Attempt {
            method: start.method,
            card: start.card.clone(),
            amount: None,
            reference: None,
        };
        self.pay(caller, number, &attempt).await
    }

    /// Records a payment staff received (a bank transfer, a cheque: succeeded at once) or
    /// grant (on account: pending until the money arrives, see
    /// [`App::settle_payment`]).
    ///
    /// # Errors
    /// As [`App::start_payment`]; [`AppError::Forbidden`] unless staff;
    /// [`AppError::Invalid`] for a card (`method`), an amount of zero or above what remains
    /// to pay (`amount`), a malformed `reference`; [`AppError::Conflict`]
    /// `duplicate_reference` when the reference was recorded already.
    pub async fn record_payment(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        manual: &ManualPayment,
    ) -> Result<StartedPayment, AppError> {
        scope::require_internal(caller, "record payments")?;
        if !manual.method.is_recorded_by_staff() {
            return Err(AppError::invalid(
                "method",
                "card payments go through the card processor, with the card's number",
            ));
        }
        if manual.amount.is_some_and(|a| a.value().is_zero()) {
            return Err(AppError::invalid(
                "amount",
                "a payment is of more than 0.00",
            ));
        }
        let attempt = Attempt {
            method: manual.method,
            card: None,
            amount: manual.amount,
            reference: manual.reference.as_deref().map(reference).transpose()?,
        };
        self.pay(caller, number, &attempt).await
    }

    /// The three steps of a payment (see the module's documentation).
    async fn pay(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        attempt: &Attempt,
    ) -> Result<StartedPayment, AppError> {
        let provider = self.payments.for_method(attempt.method).ok_or_else(|| {
            AppError::invalid(
                "method",
                format!("no payment provider takes {} payments", attempt.method),
            )
        })?;
        provider
            .check(attempt.method, attempt.card.as_ref())
            .map_err(refused)?;
        let id = PaymentId::from_u128(self.ids.next_id());
        let (payment, order_number) = self.reserve(caller, number, provider, attempt, id).await?;
        let request = PaymentRequest {
            payment: id,
            order: payment.order,
            order_number,
            amount: payment.amount,
            method: attempt.method,
            card: attempt.card.clone(),
            reference: attempt.reference.clone(),
        };
        let answer = provider.start(&request).await;
        self.record_answer(&payment, answer).await
    }

    /// Step 1: records the payment as pending for what remains to pay.
    async fn reserve(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        provider: &Arc<dyn PaymentProvider>,
        attempt: &Attempt,
        id: PaymentId,
    ) -> Result<(Payment, OrderNumber), AppError> {
        transaction!(self, TxMode::Write, |tx| {
            let order = self.locked(&mut *tx, caller, number).await?;
            check_payable(&order)?;
            let now = self.now();
            let mut payments = tx.payments_of(order.id()).await?;
            // A card payment whose processor never answered no longer holds the order.
            for overdue in payments.iter_mut().filter(|p| p.card_answer_overdue(now)) {
                let reason = format!(
                    "no answer from the card processor within {} minutes",
                    domain::payment::CARD_ANSWER_TIMEOUT.whole_minutes()
                );
                if overdue
                    .settle(&PaymentOutcome::Failed { reason }, now)
                    .is_ok()
                {
                    tx.update_payment(overdue).await?;
                }
            }
            let summary = PaymentSummary::of(&payments, order.pricing().total_ttc);
            let amount = amount_to_pay(order.number(), &summary, attempt.amount)?;
            let payment = Payment {
                id,
                order: order.id(),
                amount,
                method: attempt.method,
                status: PaymentStatus::Pending,
                provider: provider.name().to_owned(),
                provider_reference: attempt.reference.clone(),
                created_at: now,
                updated_at: now,
                failure_reason: None,
            };
            tx.insert_payment(&payment).await.map_err(|e| match e {
                StoreError::Duplicate {
                    entity: "payment reference",
                    key,
                } => AppError::Conflict {
                    code: "duplicate_reference",
                    message: format!(
                        "a {} payment with the reference {key} is recorded already",
                        provider.name()
                    ),
                },
                other => AppError::Store(other),
            })?;
            Ok((payment, order.number().clone()))
        })
    }

    /// Step 3: records the provider's answer. A provider that could not be reached, or
    /// refused what it had accepted to check, leaves a failed payment: the customer may pay
    /// again.
    async fn record_answer(
        &self,
        started: &Payment,
        answer: Result<ProviderStart, PaymentError>,
    ) -> Result<StartedPayment, AppError> {
        let (reference, outcome, next_step) = match answer {
            Ok(ProviderStart::Completed { reference, outcome }) => (reference, Some(outcome), None),
            Ok(ProviderStart::Pending {
                reference,
                next_step,
            }) => (reference, None, Some(next_step)),
            Err(e) => (
                None,
                Some(PaymentOutcome::Failed {
                    reason: e.to_string(),
                }),
                None,
            ),
        };
        let record = |p: &mut Payment, now: OffsetDateTime| {
            let mut changed = false;
            if reference.is_some() && p.provider_reference != reference {
                p.provider_reference.clone_from(&reference);
                p.updated_at = now;
                changed = true;
            }
            if let Some(outcome) = &outcome {
                changed |= p.settle(outcome, now).map_err(settled_conflict)?;
            }
            Ok(changed)
        };
        let update = transaction!(self, TxMode::Write, |tx| {
            self.change_payment(&mut *tx, started.id, started.order, &record)
                .await
        })?;
        Ok(StartedPayment {
            payment: update.payment,
            summary: update.summary,
            next_step,
        })
    }
}
