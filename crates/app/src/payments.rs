//! Payments: starting one for an order (a customer by card, or staff), staff recording money
//! received (bank transfer, cheque, on account), a provider's signed callback, and an
//! order's payments with its payment state.
//!
//! Payment is kept apart from the order's state: a failed payment leaves the order as it
//! is, so that the customer can pay again, by another method if they wish. Whether money was
//! taken is decided by a [`ports::PaymentProvider`], found by name or by method in the
//! [`PaymentProviders`] the [`App`](crate::App) is given: by default the
//! [`ManualProvider`] (staff record the payment) and the [`TestCardProvider`] (a card
//! processor for tests and demonstrations). A real processor plugs in behind the same port
//! with [`App::with_payment_provider`](crate::App::with_payment_provider).
//!
//! A payment is started in three steps, so that no database lock is held while a processor
//! answers and no euro is paid twice:
//!
//! 1. one transaction locks the order, checks it may be paid, and records the payment as
//!    pending for what remains to pay (a second payment started meanwhile finds nothing
//!    left to pay);
//! 2. the provider is asked, outside any transaction, with the payment's id as its
//!    idempotency key;
//! 3. a second transaction records its answer (taken, declined, or under way with its
//!    reference) and, when the order is now paid, queues its confirmation.

mod callback;
mod manual;
mod messages;
mod query;
mod registry;
mod start;
mod test_card;
mod update;

pub use manual::ManualProvider;
pub use messages::ORDER_PAID;
pub use query::OrderPayments;
pub use registry::PaymentProviders;
pub use start::{ManualPayment, PaymentStart, StartedPayment, MAX_REFERENCE};
pub use test_card::{CallbackSecret, TestCardProvider, TEST_CARD_APPROVED, TEST_CARD_DECLINED};
pub use update::PaymentUpdate;

use domain::order::{Commande, OrderState};

use crate::AppError;

/// Refuses to pay an order that is not validated: a draft may still change or be deleted,
/// and a cancelled or deleted order is owed nothing. A fulfilled order may still be paid:
/// orders taken at a site are often paid after delivery.
fn check_payable(order: &Commande) -> Result<(), AppError> {
    match order.state() {
        OrderState::Validated | OrderState::Fulfilled => Ok(()),
        state => Err(AppError::Conflict {
            code: "not_payable",
            message: format!(
                "order {} is {state}: only a validated (or fulfilled) order is paid",
                order.number()
            ),
        }),
    }
}
