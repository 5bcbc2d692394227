//! `/api/v1/orders/{number}/payments` and `/api/v1/payments`: paying an order (by card,
//! or staff recording money received), its payments, and the processors' signed callbacks.

mod dto;

use app::payments::{ManualPayment, PaymentStart};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use domain::ids::PaymentId;
use domain::money::{parse_decimal, Amount};
use domain::order::OrderNumber;
use domain::payment::{CardNumber, PaymentOutcome};

use self::dto::{
    CallbackReplyDto, ManualPaymentInput, OrderPaymentsDto, PaymentInput, PaymentUpdateDto,
    SettleInput, SettlementInput, StartedPaymentDto,
};
use crate::extract::{Authenticated, Json, Path};
use crate::problem::Problem;
use crate::routes::fields;
use crate::AppState;

/// The header a processor's callback carries its signature in.
pub const PAYMENT_SIGNATURE: &str = "x-payment-signature";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orders/{number}/payments", post(start).get(list))
        .route("/api/v1/orders/{number}/payments/manual", post(record))
        .route("/api/v1/payments/{id}/settle", post(settle))
        .route("/api/v1/payments/callbacks/{provider}", post(callback))
}

/// Pays what remains to pay on a validated order through the card processor: a customer
/// their own order, or staff. A declined card answers 201 with the payment `failed`: the
/// order stays as it is, and may be paid again, by another method if wished. An approved
/// card is `pending` until the processor confirms it through its signed callback.
///
/// The test processor approves 4242 4242 4242 4242 and declines 4000 0000 0000 0002; it
/// refuses any other number (422, nothing recorded).
#[utoipa::path(
    post, path = "/api/v1/orders/{number}/payments", tag = "payments",
    params(("number" = String, Path, description = "The order number, such as WEB-000042")),
    request_body = PaymentInput,
    responses(
        (status = 201, description = "Started: succeeded, failed (declined) or pending (with what to do next)", body = StartedPaymentDto),
        (status = 409, description = "Not payable (`not_payable`: not validated), paid already (`already_paid`), or payments under way cover what remains (`payment_pending`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A method staff record, a card number missing, malformed or refused by the processor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<PaymentInput>,
) -> Result<(StatusCode, axum::Json<StartedPaymentDto>), Problem> {
    let card = input
        .card_number
        .as_deref()
        .map(|c| fields::field(CardNumber::new(c), "card_number"))
        .transpose()?;
    let start = PaymentStart {
        method: input.method.into(),
        card,
    };
    let started = state.app.start_payment(&caller, &number, &start).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(StartedPaymentDto::new(&number, &started)),
    ))
}

/// Records money staff received for an order (a bank transfer, a cheque: succeeded at
/// once) or a payment on account they grant (pending until settled). Staff only. A
/// reference is recorded once, so one cheque or transfer is never counted twice.
#[utoipa::path(
    post, path = "/api/v1/orders/{number}/payments/manual", tag = "payments",
    params(("number" = String, Path, description = "The order number")),
    request_body = ManualPaymentInput,
    responses(
        (status = 201, body = StartedPaymentDto),
        (status = 409, description = "Not payable, paid already, payments under way, or a reference recorded already (`duplicate_reference`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A card, an amount of zero or above what remains, a malformed reference", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn record(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<ManualPaymentInput>,
) -> Result<(StatusCode, axum::Json<StartedPaymentDto>), Problem> {
    let amount = input
        .amount
        .as_deref()
        .map(|a| {
            fields::field(
                parse_decimal(a, "an amount").and_then(Amount::new),
                "amount",
            )
        })
        .transpose()?;
    let payment = ManualPayment {
        method: input.method.into(),
        amount,
        reference: input.reference,
    };
    let started = state.app.record_payment(&caller, &number, &payment).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(StartedPaymentDto::new(&number, &started)),
    ))
}

/// An order's payments, oldest first, with its payment state and what remains to pay.
#[utoipa::path(
    get, path = "/api/v1/orders/{number}/payments", tag = "payments",
    params(("number" = String, Path, description = "The order number")),
    responses(
        (status = 200, body = OrderPaymentsDto),
        (status = 404, description = "No such order, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
) -> Result<axum::Json<OrderPaymentsDto>, Problem> {
    let seen = state.app.order_payments(&caller, &number).await?;
    Ok(axum::Json(OrderPaymentsDto::from(&seen)))
}

/// Records how a pending payment staff recorded (on account) ended: the money arrived
/// (`succeeded`) or will not (`failed`). Staff only; the same outcome again changes
/// nothing. Card payments are settled by their processor's callback.
#[utoipa::path(
    post, path = "/api/v1/payments/{id}/settle", tag = "payments",
    params(("id" = String, Path, description = "The payment's id")),
    request_body = SettleInput,
    responses(
        (status = 200, body = PaymentUpdateDto),
        (status = 409, description = "Settled the other way (`payment_settled`), or a card payment (`processor_payment`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn settle(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<PaymentId>,
    Json(input): Json<SettleInput>,
) -> Result<axum::Json<PaymentUpdateDto>, Problem> {
    let outcome = match input.outcome {
        SettlementInput::Succeeded => PaymentOutcome::Succeeded,
        SettlementInput::Failed => PaymentOutcome::Failed {
            reason: input
                .reason
                .unwrap_or_else(|| "recorded as failed by staff".to_owned()),
        },
    };
    let update = state.app.settle_payment(&caller, id, &outcome).await?;
    Ok(axum::Json(PaymentUpdateDto::from(&update)))
}

/// What a payment processor reports of a payment it started. No token: the body must be
/// signed by the processor (for the test processor: HMAC-SHA256 of the exact body under
/// its secret, in hexadecimal, optionally prefixed `sha256=`) and the signature sent in
/// `X-Payment-Signature`. A callback sent again changes nothing more (200, `changed`
/// false). The test processor's body is
/// `{"reference": "tc_…", "status": "succeeded" | "failed", "reason": "…"}`.
#[utoipa::path(
    post, path = "/api/v1/payments/callbacks/{provider}", tag = "payments",
    params(
        ("provider" = String, Path, description = "The provider's name, such as test_card"),
        ("X-Payment-Signature" = String, Header, description = "The provider's signature of the exact body"),
    ),
    request_body(content = String, description = "The provider's report, as it signed it", content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded (or already recorded)", body = CallbackReplyDto),
        (status = 401, description = "No signature, or one that does not verify", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such provider, or no payment of it with this reference", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It contradicts how the payment was settled (`payment_settled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A signed body that cannot be read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<CallbackReplyDto>, Problem> {
    let signature = headers
        .get(PAYMENT_SIGNATURE)
        .map(|v| {
            v.to_str()
                .map_err(|_| Problem::unauthorized("the X-Payment-Signature header is not text"))
        })
        .transpose()?;
    let update = state
        .app
        .payment_callback(&provider, &body, signature)
        .await?;
    Ok(axum::Json(CallbackReplyDto::from(&update)))
}
