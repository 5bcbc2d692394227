//! The routes of the API, by resource.

mod auth;
mod carts;
mod catalogue;
mod fields;
mod health;
mod invoices;
pub(crate) mod openapi;
mod orders;
mod outbox;
mod parties;
mod payments;

use axum::http::StatusCode;
use axum::Router;

use crate::problem::Problem;
use crate::AppState;

/// The whole API over a state, without the server's layers (tests call it directly).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(orders::routes())
        .merge(auth::routes())
        .merge(carts::routes())
        .merge(parties::routes())
        .merge(catalogue::routes())
        .merge(payments::routes())
        .merge(invoices::routes())
        .merge(outbox::routes())
        .merge(openapi::routes())
        .fallback(|| async { Problem::not_found("nothing at this address; the API is under /api/v1, its description at /api/v1/openapi.json") })
        .method_not_allowed_fallback(|| async {
            Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this address does not take this method")
        })
        .with_state(state)
}
