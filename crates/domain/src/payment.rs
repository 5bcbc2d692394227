//! Payments: each attempt to pay an order is a [`Payment`], by a [`PaymentMethod`], that is
//! pending until its provider says whether it succeeded or failed.
//!
//! Payment is kept apart from the order's state machine (`docs/orders.md`): a failed
//! payment leaves the order as it is, so that the customer can pay again, by another method
//! if they wish. What the order's payments amount to is [`payment_state`], a pure function
//! of the payments and the order's total, so it is never stored and never out of date.

mod card;
mod state;

pub use card::CardNumber;
pub use state::{payment_state, OrderPaymentState, PaymentSummary};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;

use crate::ids::{CommandeId, PaymentId};
use crate::money::Amount;

/// How a payment is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A bank card, through a card processor.
    Card,
    /// A bank transfer, recorded by staff when it reaches the account.
    BankTransfer,
    /// A cheque, recorded by staff when it is received.
    Cheque,
    /// On the customer's account (paid later, on terms), recorded by staff.
    OnAccount,
}

impl PaymentMethod {
    /// Every method.
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Card,
        PaymentMethod::BankTransfer,
        PaymentMethod::Cheque,
        PaymentMethod::OnAccount,
    ];

    /// The method's name, as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::OnAccount => "on_account",
        }
    }

    /// Reads a method from its name.
    pub fn parse(text: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether only staff record payments by this method: money that reaches the supplier
    /// outside any processor (a transfer, a cheque, an account), which a customer's word
    /// cannot prove.
    pub fn is_recorded_by_staff(self) -> bool {
        !matches!(self, PaymentMethod::Card)
    }
}

impl std::fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a payment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Started; its provider has not said yet whether it succeeded.
    Pending,
    /// The money is the supplier's.
    Succeeded,
    /// It did not go through (declined, abandoned, unreachable processor); nothing was
    /// taken, and the customer may pay again.
    Failed,
}

impl PaymentStatus {
    /// Every status.
    pub const ALL: [PaymentStatus; 3] = [
        PaymentStatus::Pending,
        PaymentStatus::Succeeded,
        PaymentStatus::Failed,
    ];

    /// The status's name, as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
        }
    }

    /// Reads a status from its name.
    pub fn parse(text: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a provider reports of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PaymentOutcome {
    /// The money was taken.
    Succeeded,
    /// It was not, for this reason (in the provider's words: "card declined", ...).
    Failed {
        /// Why.
        reason: String,
    },
}

/// A settled payment cannot be settled the other way.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("payment {id} has {status} already: a payment is settled once")]
pub struct AlreadySettled {
    /// The payment.
    pub id: PaymentId,
    /// How it was settled.
    pub status: PaymentStatus,
}

/// One attempt to pay (part of) an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Its id; also what the provider is given to recognise a payment started twice.
    pub id: PaymentId,
    /// The order it pays.
    pub order: CommandeId,
    /// How much it pays.
    pub amount: Amount,
    /// How.
    pub method: PaymentMethod,
    /// Where it is.
    pub status: PaymentStatus,
    /// The name of the provider that handles it (`manual`, `test_card`, a processor's).
    pub provider: String,
    /// The provider's reference of it: what its callbacks name it by, or the reference
    /// staff noted (a transfer's or a cheque's). Unique per provider.
    pub provider_reference: Option<String>,
    /// When it was started.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its status, reference or reason last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Why it failed, in the provider's words.
    pub failure_reason: Option<String>,
}

/// How long a card payment may wait for its processor's answer: after this, it is taken
/// as failed, so that the customer can pay again (by card or otherwise) rather than being
/// blocked by an answer that never comes.
pub const CARD_ANSWER_TIMEOUT: time::Duration = time::Duration::minutes(30);

impl Payment {
    /// Whether this is a card payment still pending at `now` after
    /// [`CARD_ANSWER_TIMEOUT`]: its processor never answered. Payments staff record (on
    /// account: pending until the money arrives) never expire.
    pub fn card_answer_overdue(&self, now: OffsetDateTime) -> bool {
        self.status == PaymentStatus::Pending
            && self.method == PaymentMethod::Card
            && now - self.created_at > CARD_ANSWER_TIMEOUT
    }

    /// Records what the provider reports, at `at`, and says whether anything changed.
    ///
    /// A provider may report one outcome several times (a callback sent again, a start
    /// retried): the same outcome again changes nothing, so that reports are idempotent.
    ///
    /// # Errors
    /// [`AlreadySettled`] when the payment was settled the other way: money taken is not
    /// "untaken" by a late report, and a failure is not turned into money taken.
    pub fn settle(
        &mut self,
        outcome: &PaymentOutcome,
        at: OffsetDateTime,
    ) -> Result<bool, AlreadySettled> {
        let wanted = match outcome {
            PaymentOutcome::Succeeded => PaymentStatus::Succeeded,
            PaymentOutcome::Failed { .. } => PaymentStatus::Failed,
        };
        match self.status {
            PaymentStatus::Pending => {
                self.status = wanted;
                self.failure_reason = match outcome {
                    PaymentOutcome::Succeeded => None,
                    PaymentOutcome::Failed { reason } => Some(reason.clone()),
                };
                self.updated_at = at;
                Ok(true)
            }
            settled if settled == wanted => Ok(false),
            settled => Err(AlreadySettled {
                id: self.id,
                status: settled,
            }),
        }
    }

    /// The amount, when the payment counts towards the order's total: succeeded.
    pub fn paid(&self) -> Decimal {
        if self.status == PaymentStatus::Succeeded {
            self.amount.value()
        } else {
            Decimal::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-05-07 10:00:00 UTC);
    const T1: OffsetDateTime = datetime!(2026-05-07 10:05:00 UTC);

    fn pending() -> Payment {
        Payment {
            id: PaymentId::from_u128(1),
            order: CommandeId::from_u128(2),
            amount: Amount::new(Decimal::new(5553, 2)).unwrap(),
            method: PaymentMethod::Card,
            status: PaymentStatus::Pending,
            provider: "test_card".to_owned(),
            provider_reference: Some("test_1".to_owned()),
            created_at: T0,
            updated_at: T0,
            failure_reason: None,
        }
    }

    #[test]
    fn names_read_back() {
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(PaymentMethod::parse("CARD"), None);
        assert!(!PaymentMethod::Card.is_recorded_by_staff());
        assert!(PaymentMethod::Cheque.is_recorded_by_staff());
    }

    #[test]
    fn a_pending_payment_is_settled_once_and_reports_repeat_harmlessly() {
        let mut p = pending();
        assert_eq!(p.settle(&PaymentOutcome::Succeeded, T1), Ok(true));
        assert_eq!((p.status, p.updated_at), (PaymentStatus::Succeeded, T1));
        let before = p.clone();
        assert_eq!(p.settle(&PaymentOutcome::Succeeded, T1), Ok(false));
        assert_eq!(p, before, "the same report again changes nothing");
        let declined = PaymentOutcome::Failed {
            reason: "declined".to_owned(),
        };
        assert_eq!(
            p.settle(&declined, T1),
            Err(AlreadySettled {
                id: p.id,
                status: PaymentStatus::Succeeded
            })
        );
        assert_eq!(p, before);
    }

    #[test]
    fn a_failure_keeps_its_first_reason() {
        let mut p = pending();
        let declined = PaymentOutcome::Failed {
            reason: "card declined".to_owned(),
        };
        assert_eq!(p.settle(&declined, T1), Ok(true));
        assert_eq!(p.failure_reason.as_deref(), Some("card declined"));
        assert_eq!(p.paid(), Decimal::ZERO);
        let other = PaymentOutcome::Failed {
            reason: "expired".to_owned(),
        };
        assert_eq!(p.settle(&other, T1), Ok(false));
        assert_eq!(p.failure_reason.as_deref(), Some("card declined"));
        assert!(p.settle(&PaymentOutcome::Succeeded, T1).is_err());
    }
}
