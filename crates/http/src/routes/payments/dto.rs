//! What the payment routes take and give.

use app::payments::{OrderPayments, PaymentUpdate, StartedPayment};
use domain::order::OrderNumber;
use domain::payment::{Payment, PaymentMethod, PaymentSummary};
use ports::NextStep;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::routes::constraints;

/// How a payment is made.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodInput {
    /// A bank card, through the card processor.
    Card,
    /// A bank transfer (staff).
    BankTransfer,
    /// A cheque (staff).
    Cheque,
    /// On the customer's account, paid later (staff).
    OnAccount,
}

impl From<MethodInput> for PaymentMethod {
    fn from(method: MethodInput) -> Self {
        match method {
            MethodInput::Card => PaymentMethod::Card,
            MethodInput::BankTransfer => PaymentMethod::BankTransfer,
            MethodInput::Cheque => PaymentMethod::Cheque,
            MethodInput::OnAccount => PaymentMethod::OnAccount,
        }
    }
}

/// A payment to start through the processor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// `card` (transfers, cheques and payments on account are recorded by staff).
    pub method: MethodInput,
    /// The card's number, with or without spaces; sent to the processor, never stored.
    #[schema(example = "4242 4242 4242 4242")]
    #[schema(schema_with = constraints::card_number_or_null)]
    pub card_number: Option<String>,
}

/// Money staff received, or a payment on account they grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualPaymentInput {
    /// `bank_transfer`, `cheque` or `on_account`.
    #[schema(schema_with = constraints::staff_method)]
    pub method: MethodInput,
    /// How much, as a decimal string; what remains to pay when absent.
    #[schema(example = "20.00")]
    #[schema(schema_with = constraints::payment_amount_or_null)]
    pub amount: Option<String>,
    /// The transfer's or the cheque's reference (at most 200 characters); recorded once.
    #[schema(example = "CHQ 0012345")]
    #[schema(schema_with = constraints::payment_reference_or_null)]
    pub reference: Option<String>,
}

/// How a pending payment ended.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettlementInput {
    /// The money arrived.
    Succeeded,
    /// It will not.
    Failed,
}

/// How a pending payment staff recorded ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    /// `succeeded` or `failed`.
    pub outcome: SettlementInput,
    /// Why it failed.
    #[schema(schema_with = constraints::reason_or_null)]
    pub reason: Option<String>,
}

/// A payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDto {
    /// Its id.
    pub id: String,
    /// The order's id.
    pub order: String,
    /// How much.
    #[schema(value_type = String, example = "55.53")]
    pub amount: Decimal,
    /// `card`, `bank_transfer`, `cheque` or `on_account`.
    pub method: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Who handles it: `manual` (staff), `test_card`, a processor's name.
    pub provider: String,
    /// The provider's reference of it (or the reference staff noted).
    pub provider_reference: Option<String>,
    /// When it was started.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// Why it failed.
    pub failure_reason: Option<String>,
}

impl From<&Payment> for PaymentDto {
    fn from(p: &Payment) -> Self {
        PaymentDto {
            id: p.id.to_string(),
            order: p.order.to_string(),
            amount: p.amount.value(),
            method: p.method.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            provider: p.provider.clone(),
            provider_reference: p.provider_reference.clone(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            failure_reason: p.failure_reason.clone(),
        }
    }
}

/// Where an order is in its payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPaymentDto {
    /// The order's number.
    pub number: String,
    /// `awaiting_payment`, `paid` or `last_payment_failed`.
    pub payment: String,
    /// The order's total to pay.
    #[schema(value_type = String)]
    pub total_ttc: Decimal,
    /// What succeeded payments add up to.
    #[schema(value_type = String)]
    pub paid: Decimal,
    /// What pending payments add up to.
    #[schema(value_type = String)]
    pub pending: Decimal,
    /// What remains to pay.
    #[schema(value_type = String)]
    pub outstanding: Decimal,
}

impl OrderPaymentDto {
    fn new(number: &OrderNumber, summary: &PaymentSummary) -> Self {
        OrderPaymentDto {
            number: number.to_string(),
            payment: summary.state.as_str().to_owned(),
            total_ttc: summary.total,
            paid: summary.paid,
            pending: summary.pending,
            outstanding: summary.outstanding,
        }
    }
}

/// What is to be done while a payment is pending.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStepDto {
    /// Send the customer to this address (a 3-D Secure check, a payment page).
    Redirect {
        /// Where to.
        url: String,
    },
    /// Nothing: the processor confirms through its signed callback.
    AwaitProvider,
    /// Nothing: staff record the outcome when the money arrives.
    AwaitStaff,
}

impl From<&NextStep> for NextStepDto {
    fn from(step: &NextStep) -> Self {
        match step {
            NextStep::Redirect { url } => NextStepDto::Redirect { url: url.clone() },
            NextStep::AwaitProvider => NextStepDto::AwaitProvider,
            NextStep::AwaitStaff => NextStepDto::AwaitStaff,
        }
    }
}

/// A payment just started, and where the order now is in its payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartedPaymentDto {
    /// The payment.
    pub payment: PaymentDto,
    /// The order's payment now.
    pub order: OrderPaymentDto,
    /// What to do while the payment is pending; absent once decided.
    pub next_step: Option<NextStepDto>,
}

impl StartedPaymentDto {
    /// The answer about a payment of the order `number`.
    pub fn new(number: &OrderNumber, started: &StartedPayment) -> Self {
        StartedPaymentDto {
            payment: PaymentDto::from(&started.payment),
            order: OrderPaymentDto::new(number, &started.summary),
            next_step: started.next_step.as_ref().map(NextStepDto::from),
        }
    }
}

/// An order's payments.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPaymentsDto {
    /// Where the order is in its payment.
    pub order: OrderPaymentDto,
    /// Its payments, oldest first.
    pub payments: Vec<PaymentDto>,
}

impl From<&OrderPayments> for OrderPaymentsDto {
    fn from(seen: &OrderPayments) -> Self {
        OrderPaymentsDto {
            order: OrderPaymentDto::new(seen.order.number(), &seen.summary),
            payments: seen.payments.iter().map(PaymentDto::from).collect(),
        }
    }
}

/// A payment after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentUpdateDto {
    /// The payment now.
    pub payment: PaymentDto,
    /// `awaiting_payment`, `paid` or `last_payment_failed`: the order's payment now.
    pub order_payment: String,
    /// Whether anything changed (`false`: recorded already).
    pub changed: bool,
}

impl From<&PaymentUpdate> for PaymentUpdateDto {
    fn from(update: &PaymentUpdate) -> Self {
        PaymentUpdateDto {
            payment: PaymentDto::from(&update.payment),
            order_payment: update.summary.state.as_str().to_owned(),
            changed: update.changed,
        }
    }
}

/// The acknowledgement of a processor's callback: what it needs, nothing of the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackReplyDto {
    /// The payment's id.
    pub payment: String,
    /// Its status now.
    pub status: String,
    /// Whether this callback changed anything (`false`: recorded already).
    pub changed: bool,
}

impl From<&PaymentUpdate> for CallbackReplyDto {
    fn from(update: &PaymentUpdate) -> Self {
        CallbackReplyDto {
            payment: update.payment.id.to_string(),
            status: update.payment.status.as_str().to_owned(),
            changed: update.changed,
        }
    }
}
