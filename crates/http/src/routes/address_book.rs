//! `/api/v1/me/addresses`: a customer's own address book, and their default delivery and
//! billing addresses.

use app::address_book::{AddressBook, MakeDefault};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::Router;
use domain::ids::AdresseId;
use ports::AddressDefaults;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parties::{AddressDto, AddressInput};
use crate::extract::{Authenticated, Json, Path};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/addresses", get(show).post(add))
        .route("/api/v1/me/addresses/{id}", put(change).delete(remove))
        .route("/api/v1/me/address-defaults", put(set_defaults))
}

/// A customer's address book.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressBookDto {
    /// Their own addresses, which they change and remove, oldest first.
    pub own: Vec<AddressDto>,
    /// Their companies' addresses, which they may use but staff change, oldest first.
    pub companies: Vec<AddressDto>,
    /// The address orders are delivered to unless the checkout names another.
    pub default_delivery_address: Option<String>,
    /// The address orders are billed to unless the checkout names another.
    pub default_billing_address: Option<String>,
}

impl From<&AddressBook> for AddressBookDto {
    fn from(book: &AddressBook) -> Self {
        AddressBookDto {
            own: book.own.iter().map(AddressDto::from).collect(),
            companies: book.companies.iter().map(AddressDto::from).collect(),
            default_delivery_address: book.defaults.delivery.map(|a| a.to_string()),
            default_billing_address: book.defaults.billing.map(|a| a.to_string()),
        }
    }
}

/// A new address for the caller's book.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnAddressInput {
    /// The address.
    pub address: AddressInput,
    /// Make it the default delivery address.
    #[serde(default)]
    pub default_delivery: bool,
    /// Make it the default billing address.
    #[serde(default)]
    pub default_billing: bool,
}

/// The default addresses, each an address of the caller's own or of their companies;
/// `null` for none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressDefaultsInput {
    /// The default delivery address's id.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub delivery_address: Option<String>,
    /// The default billing address's id.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub billing_address: Option<String>,
}

/// The caller's address book (customers).
#[utoipa::path(
    get, path = "/api/v1/me/addresses", tag = "parties",
    responses(
        (status = 200, body = AddressBookDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<AddressBookDto>, Problem> {
    let book = state.app.address_book(&caller).await?;
    Ok(axum::Json(AddressBookDto::from(&book)))
}

/// Adds an address to the caller's book (customers), optionally as a default.
#[utoipa::path(
    post, path = "/api/v1/me/addresses", tag = "parties",
    request_body = OwnAddressInput,
    responses(
        (status = 201, description = "Added", body = AddressDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The book is full (`address_book_full`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn add(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<OwnAddressInput>,
) -> Result<(StatusCode, axum::Json<AddressDto>), Problem> {
    let details = input.address.details("address")?;
    let make_default = MakeDefault {
        delivery: input.default_delivery,
        billing: input.default_billing,
    };
    let adresse = state
        .app
        .add_own_address(&caller, &details, make_default)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(AddressDto::from(&adresse))))
}

/// Changes one of the caller's own addresses (customers): a new address, with a new id,
/// takes its place in the book and as a default; orders already placed keep the old one.
#[utoipa::path(
    put, path = "/api/v1/me/addresses/{id}", tag = "parties",
    params(("id" = String, Path, description = "The address's id")),
    request_body = AddressInput,
    responses(
        (status = 200, description = "The address now in the book", body = AddressDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer, or a company's address", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's addresses", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn change(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AdresseId>,
    input: Result<Json<AddressInput>, Problem>,
) -> Result<axum::Json<AddressDto>, Problem> {
    let Json(input) = input?;
    let details = input.details("")?;
    let adresse = state.app.change_own_address(&caller, id, &details).await?;
    Ok(axum::Json(AddressDto::from(&adresse)))
}

/// Removes one of the caller's own addresses from their book (customers); orders placed
/// with it keep it.
#[utoipa::path(
    delete, path = "/api/v1/me/addresses/{id}", tag = "parties",
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer, or a company's address", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's addresses", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<AdresseId>,
) -> Result<StatusCode, Problem> {
    state.app.remove_own_address(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the caller's default delivery and billing addresses (customers).
#[utoipa::path(
    put, path = "/api/v1/me/address-defaults", tag = "parties",
    request_body = AddressDefaultsInput,
    responses(
        (status = 200, description = "The address book with its new defaults", body = AddressBookDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a customer", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An address that is not the caller's to use", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn set_defaults(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<AddressDefaultsInput>,
) -> Result<axum::Json<AddressBookDto>, Problem> {
    let id = |text: &Option<String>, field: &str| {
        text.as_deref()
            .map(|t| fields::id(t, field, AdresseId::parse))
            .transpose()
    };
    let defaults = AddressDefaults {
        delivery: id(&input.delivery_address, "delivery_address")?,
        billing: id(&input.billing_address, "billing_address")?,
    };
    let book = state.app.set_default_addresses(&caller, &defaults).await?;
    Ok(axum::Json(AddressBookDto::from(&book)))
}
