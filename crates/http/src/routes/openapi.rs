//! The OpenAPI 3.1 document, generated from the handlers' annotations, at
//! `/api/v1/openapi.json`, and an interactive viewer of it at `/docs` (Swagger UI, served
//! from the binary: nothing is loaded from another site).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem_responses::ProblemResponses;
use super::{
    address_book, auth, carts, catalogue, health, invoices, orders, outbox, parties, payments,
};
use crate::AppState;

/// The API's description.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "OMS API",
        description = "The order management system: parties, catalogue, carts, orders, payments, invoices. Errors are \
                       application/problem+json (RFC 9457) with a stable `code`. Authenticate with \
                       `Authorization: Bearer <token>` from `POST /api/v1/auth/login`.",
    ),
    paths(
        health::health, health::ready,
        auth::login, auth::logout, auth::signup, auth::me, auth::create_account,
        auth::disable_account, auth::enable_account,
        parties::create_company, parties::show_company, parties::update_company,
        parties::create_person, parties::show_person, parties::update_person,
        parties::create_address, parties::show_address, parties::update_address,
        address_book::show, address_book::add, address_book::change, address_book::remove,
        address_book::set_defaults,
        parties::create_link, parties::remove_link, parties::remove_link_between,
        parties::sites, parties::find_customers, parties::register_customer, parties::changes,
        catalogue::list_articles, catalogue::create_article, catalogue::show_article,
        catalogue::update_article, catalogue::adjust_stock, catalogue::movements,
        catalogue::vat_codes, catalogue::save_vat_code, catalogue::quote, catalogue::import_catalogue,
        carts::open, carts::show, carts::add, carts::set_quantity, carts::remove, carts::clear,
        carts::claim, carts::checkout, carts::guest_checkout,
        orders::place, orders::create_draft, orders::show, orders::search, orders::validate,
        orders::cancel, orders::fulfil, orders::remove, orders::reschedule, orders::change_parties,
        orders::set_discount, orders::add_line, orders::change_line, orders::remove_line,
        payments::start, payments::record, payments::list, payments::settle, payments::callback,
        invoices::list, invoices::show, invoices::pdf, invoices::xml, invoices::of_order,
        invoices::delivery_note,
        outbox::list, outbox::show, outbox::retry,
    ),
    // Named by the array schemas of `constraints`, which utoipa does not follow.
    components(schemas(carts::CartItemInput, catalogue::ImportRowInput, orders::dto::LineInput)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags(
        (name = "operations", description = "Health and readiness"),
        (name = "orders", description = "Placing, finding and changing orders"),
        (name = "payments", description = "Paying orders, staff recording money received, processors' signed callbacks"),
        (name = "invoices", description = "Invoices and credit notes (JSON, Factur-X PDF, CII XML), delivery notes"),
        (name = "outbox", description = "Messages waiting to be sent, sent or given up on (staff)"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer token scheme the handlers' `security(("bearer" = []))` refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(|| async { axum::Json(ApiDoc::openapi()) }),
        )
        .route("/docs", get(|| async { viewer_page() }))
        .route(
            "/docs/viewer.js",
            get(|| async { asset(VIEWER_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/docs/swagger-ui-bundle.js",
            get(|| async { asset(SWAGGER_UI_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/docs/swagger-ui.css",
            get(|| async { asset(SWAGGER_UI_CSS, "text/css; charset=utf-8") }),
        )
}

/// The viewer's page and the script that starts it (ours).
const VIEWER_HTML: &[u8] = include_bytes!("../../assets/docs/index.html");
const VIEWER_JS: &[u8] = include_bytes!("../../assets/docs/viewer.js");
/// Swagger UI, vendored unchanged from npm (`assets/swagger-ui/README.md` says which
/// version, with its licence).
const SWAGGER_UI_JS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_UI_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");

/// The page may only run the scripts and styles served here and call this API: a
/// browser refuses anything from another site. Swagger UI sets inline styles and draws
/// its icons as data URIs.
const VIEWER_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                             base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn viewer_page() -> Response {
    let mut response = asset(VIEWER_HTML, "text/html; charset=utf-8");
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(VIEWER_POLICY),
    );
    response
}

/// A file of the viewer; it changes only with the binary, so browsers may keep it a day.
fn asset(body: &'static [u8], content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}
