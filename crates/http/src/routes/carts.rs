//! `/api/v1/carts`: a customer's or a guest's selection before the order is placed.
//!
//! A cart is identified by an unguessable id (a random 128-bit value): a guest, without a
//! token, reaches their cart with it alone. A customer reaches only their own cart and
//! guests' carts. When a guest logs in, they claim their cart: its items join the
//! customer's cart. Checking out needs a customer account (an order always has one), so a
//! guest is asked to log in or sign up first.

use app::carts::{CartView, Checkout};
use app::guests::GuestCheckout;
use app::{Access, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::Router;
use domain::cart::MAX_CART_ITEMS;
use domain::ids::{AdresseId, CartId, TiersId};
use domain::party::{Email, PersonName, PhoneNumber, TiersDetails};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::orders::dto::{PlacedOrderDto, ShortageChoice, VatShareDto};
use super::orders::QuantityInput;
use crate::extract::{Authenticated, Json, MaybeAuthenticated, Path};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields::{self, ArticleInPath};
use crate::routes::parties::AddressInput;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/carts", post(open))
        .route("/api/v1/carts/{id}", axum::routing::get(show))
        .route("/api/v1/carts/{id}/items", post(add).delete(clear))
        .route(
            "/api/v1/carts/{id}/items/{article}",
            put(set_quantity).delete(remove),
        )
        .route("/api/v1/carts/{id}/claim", post(claim))
        .route("/api/v1/carts/{id}/checkout", post(checkout))
        .route("/api/v1/carts/{id}/guest-checkout", post(guest_checkout))
}

/// Who asks: the token's caller, or a guest, who reaches guests' carts only.
fn caller_or_guest(caller: Option<Caller>) -> Result<Caller, Problem> {
    match caller {
        Some(caller) => Ok(caller),
        None => Ok(Caller::guest()),
    }
}

/// A line of a cart, at today's price.
#[derive(Debug, Serialize, ToSchema)]
pub struct CartLineDto {
    /// The article's id.
    pub article: String,
    /// Its reference.
    #[schema(example = "VIS-M6")]
    pub reference: String,
    /// Its designation.
    pub designation: String,
    /// How many.
    pub quantity: u32,
    /// Whether the stock covers the quantity now (stock is taken only when the order is
    /// placed).
    pub in_stock: bool,
    /// Unit price before tax, today.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// Net amount before tax.
    #[schema(value_type = String)]
    pub net: Decimal,
    /// VAT of the line (information; the breakdown's VAT is owed).
    #[schema(value_type = String)]
    pub vat: Decimal,
    /// Net plus VAT.
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// A cart with its lines and totals at today's prices.
#[derive(Debug, Serialize, ToSchema)]
pub struct CartDto {
    /// Its id: keep it, it is the only way back to a guest's cart.
    pub id: String,
    /// The customer it belongs to (a person's id); absent for a guest's cart.
    pub owner: Option<String>,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// Its lines, in the order their articles were first added.
    pub lines: Vec<CartLineDto>,
    /// Sum of the line nets (0 for an empty cart).
    #[schema(value_type = String)]
    pub total_ht: Decimal,
    /// The VAT breakdown, by rate.
    pub vat_breakdown: Vec<VatShareDto>,
    /// Total VAT.
    #[schema(value_type = String)]
    pub total_vat: Decimal,
    /// Total to pay.
    #[schema(value_type = String)]
    pub total_ttc: Decimal,
}

impl From<&CartView> for CartDto {
    fn from(v: &CartView) -> Self {
        let amounts = v
            .pricing
            .as_ref()
            .map(|p| p.lines.as_slice())
            .unwrap_or(&[]);
        CartDto {
            id: v.cart.id.to_string(),
            owner: v.cart.owner.map(|o| o.to_string()),
            updated_at: v.cart.updated_at,
            lines: v
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let priced = amounts.get(i);
                    let amount = |f: fn(&domain::pricing::LinePricing) -> Decimal| {
                        priced.map(f).unwrap_or(Decimal::ZERO)
                    };
                    CartLineDto {
                        article: l.article.id.to_string(),
                        reference: l.article.details.reference.to_string(),
                        designation: l.article.details.designation.to_string(),
                        quantity: l.quantity.get(),
                        in_stock: l.in_stock,
                        unit_price: l.article.details.unit_price.value(),
                        net: amount(|p| p.net),
                        vat: amount(|p| p.vat),
                        total: amount(|p| p.total),
                    }
                })
                .collect(),
            total_ht: v.pricing.as_ref().map_or(Decimal::ZERO, |p| p.total_ht),
            vat_breakdown: v
                .pricing
                .iter()
                .flat_map(|p| &p.vat_breakdown)
                .map(|s| VatShareDto {
                    rate: s.rate.percent(),
                    base: s.base,
                    discount: s.discount,
                    taxable: s.taxable,
                    vat: s.vat,
                })
                .collect(),
            total_vat: v.pricing.as_ref().map_or(Decimal::ZERO, |p| p.total_vat),
            total_ttc: v.pricing.as_ref().map_or(Decimal::ZERO, |p| p.total_ttc),
        }
    }
}

/// Opens a cart: a customer gets their own (the one they already have, if any); a guest
/// (no token) gets a new one, whose id is the only way back to it.
#[utoipa::path(
    post, path = "/api/v1/carts", tag = "carts",
    responses(
        (status = 201, description = "A new cart", body = CartDto),
        (status = 200, description = "The customer's existing cart", body = CartDto),
        (status = 401, description = "A token was sent, but it does not work", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn open(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
) -> Result<(StatusCode, axum::Json<CartDto>), Problem> {
    let caller = caller_or_guest(caller)?;
    let opened = state.app.open_cart(&caller).await?;
    let view = state.app.cart(&caller, opened.cart.id).await?;
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(CartDto::from(&view))))
}

/// A cart with its lines (the article, the quantity, whether the stock covers it) and its
/// totals at today's prices.
#[utoipa::path(
    get, path = "/api/v1/carts/{id}", tag = "carts",
    params(("id" = String, Path, description = "The cart's id")),
    responses(
        (status = 200, body = CartDto),
        (status = 404, description = "No such cart, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path(id): Path<CartId>,
) -> Result<axum::Json<CartDto>, Problem> {
    let caller = caller_or_guest(caller)?;
    let view = state.app.cart(&caller, id).await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// An article and a quantity to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartItemInput {
    /// The article: its reference (`VIS-M6`) or its id.
    #[schema(example = "VIS-M6")]
    #[schema(schema_with = constraints::article)]
    pub article: String,
    /// How many: a whole number from 1 to 1000000.
    #[schema(example = 2)]
    #[schema(schema_with = constraints::quantity)]
    #[serde(deserialize_with = "fields::whole::u32")]
    pub quantity: u32,
}

/// Articles to add to a cart.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartItemsInput {
    /// The articles, at least one, at most 200; an article already in the cart has its
    /// quantity increased.
    #[schema(schema_with = constraints::cart_items)]
    pub items: Vec<CartItemInput>,
}

/// Adds articles to a cart, several at once (a shop link pre-filling a cart).
#[utoipa::path(
    post, path = "/api/v1/carts/{id}/items", tag = "carts",
    params(("id" = String, Path, description = "The cart's id")),
    request_body = CartItemsInput,
    responses(
        (status = 200, body = CartDto),
        (status = 422, description = "Invalid field, unknown articles (`invalid_lines`, every one listed), or a full cart", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn add(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path(id): Path<CartId>,
    Json(input): Json<CartItemsInput>,
) -> Result<axum::Json<CartDto>, Problem> {
    if input.items.is_empty() {
        return Err(Problem::invalid("items", "give at least one article"));
    }
    if input.items.len() > MAX_CART_ITEMS {
        return Err(Problem::invalid(
            "items",
            format!("a cart holds at most {MAX_CART_ITEMS} different articles"),
        ));
    }
    let items = input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            Ok((
                fields::article(&item.article, &format!("items[{i}].article"))?,
                fields::quantity(item.quantity, &format!("items[{i}].quantity"))?,
            ))
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let caller = caller_or_guest(caller)?;
    let view = state.app.add_to_cart(&caller, id, &items).await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// Sets the quantity of an article in a cart.
#[utoipa::path(
    put, path = "/api/v1/carts/{id}/items/{article}", tag = "carts",
    params(
        ("id" = String, Path, description = "The cart's id"),
        ("article" = String, Path, description = "The article: its reference or its id"),
    ),
    request_body = QuantityInput,
    responses(
        (status = 200, body = CartDto),
        (status = 422, description = "Invalid quantity, or the article is not in the cart", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cart or article", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn set_quantity(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path((id, article)): Path<(CartId, ArticleInPath)>,
    Json(input): Json<QuantityInput>,
) -> Result<axum::Json<CartDto>, Problem> {
    let quantity = fields::quantity(input.quantity, "quantity")?;
    let caller = caller_or_guest(caller)?;
    let view = state
        .app
        .set_cart_quantity(&caller, id, &article.0, quantity)
        .await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// Removes an article from a cart.
#[utoipa::path(
    delete, path = "/api/v1/carts/{id}/items/{article}", tag = "carts",
    params(
        ("id" = String, Path, description = "The cart's id"),
        ("article" = String, Path, description = "The article: its reference or its id"),
    ),
    responses(
        (status = 200, body = CartDto),
        (status = 422, description = "The article is not in the cart", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cart or article", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path((id, article)): Path<(CartId, ArticleInPath)>,
) -> Result<axum::Json<CartDto>, Problem> {
    let caller = caller_or_guest(caller)?;
    let view = state.app.remove_from_cart(&caller, id, &article.0).await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// Empties a cart.
#[utoipa::path(
    delete, path = "/api/v1/carts/{id}/items", tag = "carts",
    params(("id" = String, Path, description = "The cart's id")),
    responses(
        (status = 200, body = CartDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn clear(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path(id): Path<CartId>,
) -> Result<axum::Json<CartDto>, Problem> {
    let caller = caller_or_guest(caller)?;
    let view = state.app.clear_cart(&caller, id).await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// The logged-in customer takes a guest's cart: its items join the customer's own cart
/// (whose id is answered: use it from now on), or the cart becomes theirs.
#[utoipa::path(
    post, path = "/api/v1/carts/{id}/claim", tag = "carts",
    params(("id" = String, Path, description = "The guest's cart id")),
    responses(
        (status = 200, description = "The customer's cart, with the guest's items", body = CartDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The customer's cart cannot take the items", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn claim(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<CartId>,
) -> Result<axum::Json<CartDto>, Problem> {
    let view = state.app.claim_cart(&caller, id).await?;
    Ok(axum::Json(CartDto::from(&view)))
}

/// What checkout collects besides the cart.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutInput {
    /// The customer (a person's id); the caller, for a customer.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub customer: Option<String>,
    /// Who pays; the customer when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub payer: Option<String>,
    /// Who receives; the customer when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub recipient: Option<String>,
    /// Where to deliver (an address id, from `/api/v1/me/addresses`); the customer's
    /// default delivery address when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub delivery_address: Option<String>,
    /// Where to bill; the customer's default billing address when absent, else the
    /// delivery address.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub billing_address: Option<String>,
    /// What to do when an article is short: refuse (the default, every short article
    /// listed with what is available) or go on with what is available.
    #[serde(default)]
    pub on_shortage: ShortageChoice,
}

impl CheckoutInput {
    fn to_checkout(&self, caller: &Caller) -> Result<Checkout, Problem> {
        let tiers = |text: &Option<String>, name: &str| {
            text.as_deref()
                .map(|t| fields::id(t, name, TiersId::parse))
                .transpose()
        };
        let customer = match (tiers(&self.customer, "customer")?, caller.access) {
            (Some(customer), _) => customer,
            (None, Access::Customer(me)) => me,
            (None, _) => {
                return Err(Problem::invalid(
                    "customer",
                    "give the customer (a person's id) of the order",
                ))
            }
        };
        Ok(Checkout {
            customer,
            payer: tiers(&self.payer, "payer")?,
            recipient: tiers(&self.recipient, "recipient")?,
            delivery_address: self
                .delivery_address
                .as_deref()
                .map(|t| fields::id(t, "delivery_address", AdresseId::parse))
                .transpose()?,
            billing_address: self
                .billing_address
                .as_deref()
                .map(|t| fields::id(t, "billing_address", AdresseId::parse))
                .transpose()?,
            on_shortage: self.on_shortage.into(),
        })
    }
}

/// Places the order of a cart (validated at once: stock taken, number given) and empties
/// the cart. Needs a customer account: a guest logs in or signs up, claims the cart, then
/// checks out. When an article is short, every one is listed with what is available,
/// unless asked to go on with what is available.
#[utoipa::path(
    post, path = "/api/v1/carts/{id}/checkout", tag = "carts",
    params(("id" = String, Path, description = "The cart's id")),
    request_body = CheckoutInput,
    responses(
        (status = 201, description = "Placed", body = PlacedOrderDto),
        (status = 409, description = "Not enough stock (`insufficient_stock`: every short article with what is available)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, an empty cart, or lines breaking the catalogue's rules (`invalid_lines`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token: log in or sign up first", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn checkout(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Path(id): Path<CartId>,
    input: Result<Json<CheckoutInput>, Problem>,
) -> Result<(StatusCode, axum::Json<PlacedOrderDto>), Problem> {
    // A guest is told to log in before anything about the body.
    let Some(caller) = caller else {
        return Err(Problem::unauthorized(format!(
            "an order needs a customer account: log in (POST /api/v1/auth/login) or sign up \
             (POST /api/v1/auth/signup), claim this cart (POST /api/v1/carts/{id}/claim), \
             then check out with the token"
        )));
    };
    let Json(input) = input?;
    let request = input.to_checkout(&caller)?;
    let placed = state.app.checkout(&caller, id, &request).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(super::orders::placed_dto(&state, &placed).await?),
    ))
}

/// What a guest gives to order without an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestCheckoutInput {
    /// First name.
    #[schema(schema_with = constraints::person_name_or_null)]
    pub first_name: Option<String>,
    /// Last name.
    #[schema(schema_with = constraints::person_name)]
    pub last_name: String,
    /// Email: the guest account's login, where the link to the order is sent.
    #[schema(schema_with = constraints::email)]
    pub email: String,
    /// Mobile phone.
    #[schema(schema_with = constraints::phone)]
    pub mobile: String,
    /// Where to deliver.
    pub delivery_address: AddressInput,
    /// Where to bill, when not the delivery address.
    pub billing_address: Option<AddressInput>,
    /// What to do when stock is short: `refuse` (the default) or `take_available`.
    #[serde(default)]
    pub on_shortage: ShortageChoice,
}

/// A guest's order placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuestOrderDto {
    /// The order.
    pub order: PlacedOrderDto,
    /// A session token of the guest account, when this order opened it (send it as
    /// `Authorization: Bearer` to pay and follow the order); absent when the email already
    /// had a guest account: the link emailed to it is then the only way in.
    pub token: Option<String>,
    /// When that token stops working.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
}

impl GuestCheckoutInput {
    fn to_guest(&self) -> Result<GuestCheckout, Problem> {
        let name = |text: &str, f: &str| fields::field(PersonName::new(text), f);
        Ok(GuestCheckout {
            details: TiersDetails {
                last_name: name(&self.last_name, "last_name")?,
                first_name: self
                    .first_name
                    .as_deref()
                    .map(|t| name(t, "first_name"))
                    .transpose()?,
                mobile: Some(fields::field(PhoneNumber::new(&self.mobile), "mobile")?),
                email: Some(fields::field(Email::new(&self.email), "email")?),
            },
            delivery: self.delivery_address.details("delivery_address")?,
            billing: self
                .billing_address
                .as_ref()
                .map(|a| a.details("billing_address"))
                .transpose()?,
            on_shortage: self.on_shortage.into(),
        })
    }
}

/// Places a guest's cart without an account: the order belongs to the account without a
/// password of the guest's email (opened by their first order), and the guest is sent by
/// email a link to it. The first order under an email answers a session token of that
/// account; a later one does not (only the emailed link opens it). An email that has an
/// account with a password answers 409 `account_exists`: log in and check out instead.
#[utoipa::path(
    post, path = "/api/v1/carts/{id}/guest-checkout", tag = "carts",
    params(("id" = String, Path, description = "The guest's cart's id")),
    request_body = GuestCheckoutInput,
    responses(
        (status = 201, description = "Placed", body = GuestOrderDto),
        (status = 409, description = "An account with a password uses the email (`account_exists`), or not enough stock (`insufficient_stock`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, an empty cart, or lines breaking the catalogue's rules (`invalid_lines`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn guest_checkout(
    State(state): State<AppState>,
    Path(id): Path<CartId>,
    Json(input): Json<GuestCheckoutInput>,
) -> Result<(StatusCode, axum::Json<GuestOrderDto>), Problem> {
    let guest = input.to_guest()?;
    let placed = state.app.guest_checkout(id, &guest).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(GuestOrderDto {
            order: super::orders::placed_dto(&state, &placed.placed).await?,
            token: placed.session.as_ref().map(|s| s.token.clone()),
            expires_at: placed.session.as_ref().map(|s| s.expires_at),
        }),
    ))
}
