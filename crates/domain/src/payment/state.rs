//! The order's payment state, drawn from its payments and its total: never stored, so it
//! cannot disagree with the payments.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Payment, PaymentStatus};

/// Where an order is in its payment, beside (not part of) its state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderPaymentState {
    /// Not paid in full yet, and its last payment did not fail: none made, one under way,
    /// or part paid.
    AwaitingPayment,
    /// Its succeeded payments cover its total.
    Paid,
    /// Not paid in full, and its most recent payment failed: the customer may pay again,
    /// by another method if they wish.
    LastPaymentFailed,
}

impl OrderPaymentState {
    /// The state's name, as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderPaymentState::AwaitingPayment => "awaiting_payment",
            OrderPaymentState::Paid => "paid",
            OrderPaymentState::LastPaymentFailed => "last_payment_failed",
        }
    }
}

impl std::fmt::Display for OrderPaymentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The payment state of an order whose total to pay is `total_ttc`, from its payments
/// (in any order; ties in time are broken by their order in the slice, oldest first).
///
/// Paid when the succeeded payments add up to the total or more (an order of 0.00 is paid
/// without any payment); otherwise, last payment failed when the most recently started one
/// failed, awaiting payment in every other case. Pending payments never count as paid.
pub fn payment_state(payments: &[Payment], total_ttc: Decimal) -> OrderPaymentState {
    PaymentSummary::of(payments, total_ttc).state
}

/// What an order's payments amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaymentSummary {
    /// The payment state.
    pub state: OrderPaymentState,
    /// The order's total to pay.
    pub total: Decimal,
    /// What the succeeded payments add up to.
    pub paid: Decimal,
    /// What the pending payments add up to: money that may yet come.
    pub pending: Decimal,
    /// What remains to pay: the total less what was paid, never below zero.
    pub outstanding: Decimal,
    /// What a new payment may cover: the total less what was paid and what is pending,
    /// never below zero, so that two payments under way never pay the same euro twice.
    pub payable: Decimal,
}

impl PaymentSummary {
    /// Sums up an order's payments against its total.
    pub fn of(payments: &[Payment], total_ttc: Decimal) -> Self {
        let sum = |status: PaymentStatus| {
            payments
                .iter()
                .filter(|p| p.status == status)
                .fold(Decimal::ZERO, |sum, p| sum.saturating_add(p.amount.value()))
        };
        let paid = sum(PaymentStatus::Succeeded);
        let pending = sum(PaymentStatus::Pending);
        let outstanding = total_ttc.saturating_sub(paid).max(Decimal::ZERO);
        let payable = outstanding.saturating_sub(pending).max(Decimal::ZERO);
        // `max_by_key` keeps the last of equal keys: the later one in the slice.
        let last = payments.iter().max_by_key(|p| p.created_at);
        let state = if paid >= total_ttc {
            OrderPaymentState::Paid
        } else if last.is_some_and(|p| p.status == PaymentStatus::Failed) {
            OrderPaymentState::LastPaymentFailed
        } else {
            OrderPaymentState::AwaitingPayment
        };
        PaymentSummary {
            state,
            total: total_ttc,
            paid,
            pending,
            outstanding,
            payable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CommandeId, PaymentId};
    use crate::money::Amount;
    use crate::payment::PaymentMethod;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    const T0: OffsetDateTime = datetime!(2026-05-07 10:00:00 UTC);

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The `n`-th payment of an order, started `n` minutes after T0.
    fn payment(n: u8, amount: &str, method: PaymentMethod, status: PaymentStatus) -> Payment {
        let at = T0 + Duration::minutes(i64::from(n));
        Payment {
            id: PaymentId::from_u128(u128::from(n)),
            order: CommandeId::from_u128(99),
            amount: Amount::new(d(amount)).unwrap(),
            method,
            status,
            provider: "test_card".to_owned(),
            provider_reference: None,
            created_at: at,
            updated_at: at,
            failure_reason: (status == PaymentStatus::Failed).then(|| "declined".to_owned()),
        }
    }

    use PaymentMethod::{BankTransfer, Card, Cheque, OnAccount};
    use PaymentStatus::{Failed, Pending, Succeeded};

    #[test]
    fn without_payments_an_order_awaits_payment() {
        assert_eq!(
            payment_state(&[], d("55.53")),
            OrderPaymentState::AwaitingPayment
        );
    }

    #[test]
    fn an_order_of_nothing_is_paid() {
        assert_eq!(payment_state(&[], d("0.00")), OrderPaymentState::Paid);
    }

    #[test]
    fn paid_when_succeeded_payments_cover_the_total() {
        let one = [payment(1, "55.53", Card, Succeeded)];
        assert_eq!(payment_state(&one, d("55.53")), OrderPaymentState::Paid);
        let two = [
            payment(1, "50.00", Cheque, Succeeded),
            payment(2, "5.53", BankTransfer, Succeeded),
        ];
        assert_eq!(payment_state(&two, d("55.53")), OrderPaymentState::Paid);
        let summary = PaymentSummary::of(&two, d("55.53"));
        assert_eq!(summary.outstanding, Decimal::ZERO);
        assert_eq!(summary.payable, Decimal::ZERO);
    }

    #[test]
    fn a_failed_payment_leaves_the_order_unpaid_with_its_failure() {
        let declined = [payment(1, "55.53", Card, Failed)];
        assert_eq!(
            payment_state(&declined, d("55.53")),
            OrderPaymentState::LastPaymentFailed
        );
        let summary = PaymentSummary::of(&declined, d("55.53"));
        assert_eq!(summary.paid, Decimal::ZERO);
        assert_eq!(
            summary.payable,
            d("55.53"),
            "a failure leaves all to pay again"
        );
    }

    #[test]
    fn a_later_success_after_a_failure_gives_paid() {
        let payments = [
            payment(1, "55.53", Card, Failed),
            payment(2, "55.53", Card, Succeeded),
        ];
        assert_eq!(
            payment_state(&payments, d("55.53")),
            OrderPaymentState::Paid
        );
    }

    #[test]
    fn a_payment_under_way_after_a_failure_awaits_payment() {
        let payments = [
            payment(1, "55.53", Card, Failed),
            payment(2, "55.53", OnAccount, Pending),
        ];
        assert_eq!(
            payment_state(&payments, d("55.53")),
            OrderPaymentState::AwaitingPayment
        );
        let summary = PaymentSummary::of(&payments, d("55.53"));
        assert_eq!(summary.pending, d("55.53"));
        assert_eq!(summary.outstanding, d("55.53"));
        assert_eq!(summary.payable, Decimal::ZERO, "nothing is payable twice");
    }

    #[test]
    fn a_part_paid_order_awaits_the_rest_and_its_failures_show() {
        let part = [payment(1, "20.00", Cheque, Succeeded)];
        assert_eq!(
            payment_state(&part, d("55.53")),
            OrderPaymentState::AwaitingPayment
        );
        assert_eq!(PaymentSummary::of(&part, d("55.53")).payable, d("35.53"));
        let then_declined = [
            payment(1, "20.00", Cheque, Succeeded),
            payment(2, "35.53", Card, Failed),
        ];
        assert_eq!(
            payment_state(&then_declined, d("55.53")),
            OrderPaymentState::LastPaymentFailed
        );
    }

    #[test]
    fn the_last_payment_is_the_most_recently_started_whatever_the_slice_order() {
        let payments = [
            payment(2, "55.53", Card, Failed),
            payment(1, "55.53", OnAccount, Pending),
        ];
        assert_eq!(
            payment_state(&payments, d("55.53")),
            OrderPaymentState::LastPaymentFailed
        );
    }

    #[test]
    fn pending_payments_are_not_paid() {
        let payments = [payment(1, "55.53", Card, Pending)];
        assert_eq!(
            payment_state(&payments, d("55.53")),
            OrderPaymentState::AwaitingPayment
        );
    }

    #[test]
    fn states_are_named_as_in_the_api() {
        assert_eq!(
            serde_json::to_value(OrderPaymentState::LastPaymentFailed).unwrap(),
            "last_payment_failed"
        );
        assert_eq!(
            OrderPaymentState::AwaitingPayment.as_str(),
            "awaiting_payment"
        );
        assert_eq!(OrderPaymentState::Paid.to_string(), "paid");
    }
}
