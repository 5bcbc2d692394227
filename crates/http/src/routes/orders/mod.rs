//! `/api/v1/orders` and `/api/v1/drafts`: placing, finding, searching and changing orders.

pub(crate) mod dto;

use app::orders::PlacedOrder;
use app::Access;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use domain::ids::{AdresseId, SocieteId, TiersId};
use domain::order::{Commande, OrderNumber, OrderSource, OrderState, Reason};
use domain::payment::payment_state;
use ports::OrderQuery;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};

use self::dto::{LineInput, OrderDto, OrderInput, PlacedOrderDto, ShortageChoice};
use crate::extract::{Authenticated, Json, Path, Query};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orders", post(place).get(search))
        .route("/api/v1/drafts", post(create_draft))
        .route("/api/v1/orders/{number}", get(show))
        .route("/api/v1/orders/{number}/validate", post(validate))
        .route("/api/v1/orders/{number}/cancel", post(cancel))
        .route("/api/v1/orders/{number}/fulfil", post(fulfil))
        .route("/api/v1/orders/{number}/delete", post(remove))
        .route("/api/v1/orders/{number}/planned-delivery", put(reschedule))
        .route("/api/v1/orders/{number}/parties", patch(change_parties))
        .route("/api/v1/orders/{number}/global-discount", put(set_discount))
        .route("/api/v1/orders/{number}/lines", post(add_line))
        .route(
            "/api/v1/orders/{number}/lines/{position}",
            patch(change_line).merge(delete(remove_line)),
        )
}

/// The idempotency key header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// An order as the API shows it: with its payment state, read from its payments.
pub(crate) async fn order_dto(state: &AppState, order: &Commande) -> Result<OrderDto, Problem> {
    let summary = state.app.payment_summary(order).await?;
    Ok(OrderDto::new(order, summary.state))
}

/// An order just placed, with its payment state: it has no payment yet, unless it is given
/// back for its idempotency key (it may have been paid since).
pub(crate) async fn placed_dto(
    state: &AppState,
    placed: &PlacedOrder,
) -> Result<PlacedOrderDto, Problem> {
    let payment = if placed.replayed {
        state.app.payment_summary(&placed.order).await?.state
    } else {
        payment_state(&[], placed.order.pricing().total_ttc)
    };
    Ok(PlacedOrderDto::new(placed, payment))
}

/// Places an order and validates it at once: stock taken, number given, confirmation
/// queued. From another program (source `api`) or a customer (source `online`). With an
/// `Idempotency-Key` header, the same request sent again gives back the first order.
#[utoipa::path(
    post, path = "/api/v1/orders", tag = "orders",
    request_body = OrderInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 200 printable characters; the same key and request give back the first order")),
    responses(
        (status = 201, description = "Placed", body = PlacedOrderDto),
        (status = 200, description = "Already placed under this idempotency key", body = PlacedOrderDto),
        (status = 409, description = "Not enough stock (every short article listed), or an idempotency key reused for another request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request, or lines breaking the catalogue's rules", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The site the order is numbered under does not exist (a party or site the body names that does not exist is 422, naming the field)", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn place(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    Json(input): Json<OrderInput>,
) -> Result<(StatusCode, axum::Json<PlacedOrderDto>), Problem> {
    let source = match caller.access {
        Access::Customer(_) => OrderSource::Online,
        _ => OrderSource::Api,
    };
    let request = input.to_request(source)?;
    let key =
        match headers.get(IDEMPOTENCY_KEY) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                Problem::invalid("Idempotency-Key", "the key must be printable ASCII")
            })?),
        };
    let placed = state.app.place_order(&caller, &request, key).await?;
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, axum::Json(placed_dto(&state, &placed).await?)))
}

/// Where a draft comes from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// The order.
    #[serde(flatten)]
    pub order: OrderInput,
    /// `site` (at the counter, the default) or `phone`.
    #[serde(default)]
    pub source: DraftSource,
}

/// How a draft is taken.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftSource {
    /// At the counter.
    #[default]
    Site,
    /// By phone.
    Phone,
}

/// Creates a draft at a site (order takers and staff): no stock is taken until it is
/// validated.
#[utoipa::path(
    post, path = "/api/v1/drafts", tag = "orders",
    request_body = OrderInput,
    responses(
        (status = 201, body = OrderDto),
        (status = 404, description = "The site the order is numbered under does not exist (a party or site the body names that does not exist is 422, naming the field)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_draft(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<DraftInput>,
) -> Result<(StatusCode, axum::Json<OrderDto>), Problem> {
    let source = match input.source {
        DraftSource::Site => OrderSource::Site,
        DraftSource::Phone => OrderSource::Phone,
    };
    let request = input.order.to_request(source)?;
    let order = state.app.create_draft(&caller, &request).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(order_dto(&state, &order).await?),
    ))
}

/// An order by number.
#[utoipa::path(
    get, path = "/api/v1/orders/{number}", tag = "orders",
    params(("number" = String, Path, description = "The order number, such as WEB-000042")),
    responses((status = 200, body = OrderDto), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let seen = state.app.order_payments(&caller, &number).await?;
    Ok(axum::Json(OrderDto::new(&seen.order, seen.summary.state)))
}

/// What to search orders by.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The customer's id.
    #[param(schema_with = constraints::uuid_or_null)]
    pub customer: Option<String>,
    /// The state (deleted drafts are left out unless asked for).
    #[param(schema_with = constraints::order_state_or_null)]
    pub state: Option<String>,
    /// The source: online, site, phone, api.
    #[param(schema_with = constraints::order_source_or_null)]
    pub source: Option<String>,
    /// The site's id.
    #[param(schema_with = constraints::uuid_or_null)]
    pub site: Option<String>,
    /// Taken at or after (RFC 3339).
    #[param(schema_with = constraints::date_time_or_null)]
    pub from: Option<String>,
    /// Taken before (RFC 3339).
    #[param(schema_with = constraints::date_time_or_null)]
    pub until: Option<String>,
    /// How many to skip.
    #[param(schema_with = constraints::offset_or_null)]
    pub offset: Option<u64>,
    /// How many to give, 1 to 500 (default 50).
    #[param(schema_with = constraints::limit_or_null)]
    pub limit: Option<u32>,
}

/// A page of orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    /// The orders of this page, newest first.
    pub items: Vec<OrderSummaryDto>,
    /// How many match in all.
    pub total: u64,
}

/// An order in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryDto {
    /// Its id.
    pub id: String,
    /// Its number.
    pub number: String,
    /// Its customer's id.
    pub customer: String,
    /// Its site's id.
    pub site: String,
    /// Its source.
    pub source: String,
    /// Its state.
    pub state: String,
    /// When it was taken.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ordered_at: OffsetDateTime,
    /// When it is to be delivered.
    #[schema(value_type = String, format = Date)]
    pub planned_delivery: Date,
    /// Its total to pay.
    #[schema(value_type = String)]
    pub total_ttc: rust_decimal::Decimal,
    /// Where its payment is: `awaiting_payment`, `last_payment_failed` or `paid` (see
    /// `GET /api/v1/orders/{number}/payments`).
    pub payment_state: String,
}

fn time_param(text: &Option<String>, name: &str) -> Result<Option<OffsetDateTime>, Problem> {
    text.as_deref()
        .map(|t| {
            OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                .map_err(|_| Problem::invalid(name, "expected a time such as 2026-05-07T10:00:00Z"))
        })
        .transpose()
}

/// Searches orders by customer, state, source, site and dates, newest first, by pages. A
/// customer sees only their own.
#[utoipa::path(
    get, path = "/api/v1/orders", tag = "orders",
    params(SearchParams),
    responses((status = 200, body = OrderPage), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(params): Query<SearchParams>,
) -> Result<axum::Json<OrderPage>, Problem> {
    let query = OrderQuery {
        customer: params
            .customer
            .as_deref()
            .map(|c| fields::id(c, "customer", TiersId::parse))
            .transpose()?,
        state: params
            .state
            .as_deref()
            .map(|s| {
                OrderState::parse(s).ok_or_else(|| {
                    Problem::invalid(
                        "state",
                        "one of DRAFT, VALIDATED, FULFILLED, CANCELLED, DELETED",
                    )
                })
            })
            .transpose()?,
        source: params
            .source
            .as_deref()
            .map(|s| {
                OrderSource::parse(s)
                    .ok_or_else(|| Problem::invalid("source", "one of online, site, phone, api"))
            })
            .transpose()?,
        site: params
            .site
            .as_deref()
            .map(|s| fields::id(s, "site", SocieteId::parse))
            .transpose()?,
        placed_by: None,
        from: time_param(&params.from, "from")?,
        until: time_param(&params.until, "until")?,
        paging: fields::paging(params.offset, params.limit)?,
    };
    let page = state.app.search_orders(&caller, &query).await?;
    let payment_states = state.app.payment_states(&page.items).await?;
    Ok(axum::Json(OrderPage {
        total: page.total,
        items: page
            .items
            .into_iter()
            .zip(payment_states)
            .map(|(s, payment)| OrderSummaryDto {
                payment_state: payment.as_str().to_owned(),
                id: s.id.to_string(),
                number: s.number.to_string(),
                customer: s.customer.to_string(),
                site: s.site.to_string(),
                source: s.source.as_str().to_owned(),
                state: s.state.as_str().to_owned(),
                ordered_at: s.ordered_at,
                planned_delivery: s.planned_delivery,
                total_ttc: s.total_ttc,
            })
            .collect(),
    }))
}

/// Why a change is made.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why, in words (recorded in the history).
    #[schema(schema_with = constraints::reason_or_null)]
    pub reason: Option<String>,
}

impl ReasonInput {
    fn reason(&self) -> Result<Option<Reason>, Problem> {
        self.reason
            .as_deref()
            .map(|r| fields::field(Reason::new(r), "reason"))
            .transpose()
    }
}

/// How to validate a draft.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateInput {
    /// What to do when an article is short.
    #[serde(default)]
    pub on_shortage: ShortageChoice,
    /// Why, in words.
    #[schema(schema_with = constraints::reason_or_null)]
    pub reason: Option<String>,
}

/// Validates a draft: its stock is taken (every short article listed, or short lines
/// reduced when asked), the customer's confirmation queued.
#[utoipa::path(
    post, path = "/api/v1/orders/{number}/validate", tag = "orders",
    params(("number" = String, Path, description = "The order number")),
    request_body = ValidateInput,
    responses(
        (status = 200, body = OrderDto),
        (status = 409, description = "Not a draft, or not enough stock", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn validate(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<ValidateInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let reason = input
        .reason
        .as_deref()
        .map(|r| fields::field(Reason::new(r), "reason"))
        .transpose()?;
    let validated = state
        .app
        .validate_order(&caller, &number, input.on_shortage.into(), reason)
        .await?;
    Ok(axum::Json(order_dto(&state, &validated.order).await?))
}

macro_rules! state_change {
    ($name:ident, $path:literal, $method:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, tag = "orders",
            params(("number" = String, Path, description = "The order number")),
            request_body = ReasonInput,
            responses(
                (status = 200, body = OrderDto),
                (status = 409, description = "The order's state forbids it", body = Problem, content_type = "application/problem+json"),
                (status = 404, body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        pub(crate) async fn $name(
            State(state): State<AppState>,
            Authenticated(caller): Authenticated,
            Path(number): Path<OrderNumber>,
            Json(input): Json<ReasonInput>,
        ) -> Result<axum::Json<OrderDto>, Problem> {
            let order = state.app.$method(&caller, &number, input.reason()?).await?;
            Ok(axum::Json(order_dto(&state, &order).await?))
        }
    };
}

state_change!(
    cancel,
    "/api/v1/orders/{number}/cancel",
    cancel_order,
    "Cancels a validated order: its stock goes back."
);
state_change!(
    fulfil,
    "/api/v1/orders/{number}/fulfil",
    fulfil_order,
    "Marks a validated order as fulfilled: it is closed."
);
state_change!(
    remove,
    "/api/v1/orders/{number}/delete",
    delete_order,
    "Deletes a draft: it is never shown as an order again."
);

/// A new planned delivery date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryDateInput {
    /// The date, `YYYY-MM-DD`.
    #[schema(example = "2026-05-20")]
    #[schema(schema_with = constraints::date)]
    pub planned_delivery: String,
}

/// Moves the planned delivery date (drafts and validated orders).
#[utoipa::path(
    put, path = "/api/v1/orders/{number}/planned-delivery", tag = "orders",
    params(("number" = String, Path, description = "The order number")),
    request_body = DeliveryDateInput,
    responses((status = 200, body = OrderDto), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn reschedule(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<DeliveryDateInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(&input.planned_delivery, &format)
        .map_err(|_| Problem::invalid("planned_delivery", "expected a date such as 2026-05-20"))?;
    let order = state.app.reschedule_order(&caller, &number, date).await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}

/// New parties; absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartiesInput {
    /// A new payer (drafts only).
    #[schema(schema_with = constraints::uuid_or_null)]
    pub payer: Option<String>,
    /// A new recipient.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub recipient: Option<String>,
    /// A new delivery address.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub delivery_address: Option<String>,
    /// A new billing address.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub billing_address: Option<String>,
}

/// Changes the recipient, the addresses and, for a draft, the payer.
#[utoipa::path(
    patch, path = "/api/v1/orders/{number}/parties", tag = "orders",
    params(("number" = String, Path, description = "The order number")),
    request_body = PartiesInput,
    responses((status = 200, body = OrderDto), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn change_parties(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<PartiesInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let tiers = |t: &Option<String>, n: &str| {
        t.as_deref()
            .map(|t| fields::id(t, n, TiersId::parse))
            .transpose()
    };
    let address = |t: &Option<String>, n: &str| {
        t.as_deref()
            .map(|t| fields::id(t, n, AdresseId::parse))
            .transpose()
    };
    let change = app::orders::PartiesChange {
        payer: tiers(&input.payer, "payer")?,
        recipient: tiers(&input.recipient, "recipient")?,
        delivery_address: address(&input.delivery_address, "delivery_address")?,
        billing_address: address(&input.billing_address, "billing_address")?,
    };
    let order = state
        .app
        .change_order_parties(&caller, &number, &change)
        .await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}

/// A global discount.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountInput {
    /// The amount, as a decimal string.
    #[schema(example = "5.00")]
    #[schema(schema_with = constraints::amount)]
    pub global_discount: String,
}

/// Sets a draft's global discount.
#[utoipa::path(
    put, path = "/api/v1/orders/{number}/global-discount", tag = "orders",
    params(("number" = String, Path, description = "The order number")),
    request_body = DiscountInput,
    responses((status = 200, body = OrderDto), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn set_discount(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<DiscountInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let discount = fields::amount(Some(&input.global_discount), "global_discount")?;
    let order = state
        .app
        .set_draft_discount(&caller, &number, discount)
        .await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}

/// Adds a line to a draft.
#[utoipa::path(
    post, path = "/api/v1/orders/{number}/lines", tag = "orders",
    params(("number" = String, Path, description = "The order number")),
    request_body = LineInput,
    responses((status = 200, body = OrderDto), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn add_line(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
    Json(input): Json<LineInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let line = app::orders::LineRequest {
        article: fields::article(&input.article, "article")?,
        quantity: fields::quantity(input.quantity, "quantity")?,
        discount: fields::amount(input.discount.as_deref(), "discount")?,
    };
    let order = state.app.add_draft_line(&caller, &number, &line).await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}

/// A new quantity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuantityInput {
    /// The quantity, 1 to 1000000.
    #[schema(schema_with = constraints::quantity)]
    #[serde(deserialize_with = "fields::whole::u32")]
    pub quantity: u32,
}

/// Changes the quantity of a draft's line.
#[utoipa::path(
    patch, path = "/api/v1/orders/{number}/lines/{position}", tag = "orders",
    params(("number" = String, Path, description = "The order number"), ("position" = u32, Path, description = "The line's number")),
    request_body = QuantityInput,
    responses((status = 200, body = OrderDto), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn change_line(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((number, position)): Path<(OrderNumber, u32)>,
    Json(input): Json<QuantityInput>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let quantity = fields::quantity(input.quantity, "quantity")?;
    let order = state
        .app
        .change_draft_line(&caller, &number, position, quantity)
        .await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}

/// Removes a draft's line (not its last one).
#[utoipa::path(
    delete, path = "/api/v1/orders/{number}/lines/{position}", tag = "orders",
    params(("number" = String, Path, description = "The order number"), ("position" = u32, Path, description = "The line's number")),
    responses((status = 200, body = OrderDto), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, description = "Not a draft (`not_editable`)", body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
pub(crate) async fn remove_line(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((number, position)): Path<(OrderNumber, u32)>,
) -> Result<axum::Json<OrderDto>, Problem> {
    let order = state
        .app
        .remove_draft_line(&caller, &number, position)
        .await?;
    Ok(axum::Json(order_dto(&state, &order).await?))
}
