//! The routes of the API, by resource.

mod address_book;
mod auth;
mod carts;
mod catalogue;
mod constraints;
mod fields;
mod health;
mod invoices;
pub(crate) mod openapi;
mod orders;
mod outbox;
mod parties;
mod payments;
mod problem_responses;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;

use crate::problem::Problem;
use crate::AppState;

/// The whole API over a state, without the server's layers (tests call it directly).
pub fn router(state: AppState) -> Router {
    api(state).fallback(api_not_found)
}

/// The API, and other pages (the shop) at every address outside `/api/`: an unknown
/// address under `/api/` is still answered by the API, as a problem.
pub fn router_with_pages(state: AppState, pages: Router) -> Router {
    api(state).fallback(move |request: axum::extract::Request| {
        let pages = pages.clone();
        async move {
            let path = request.uri().path();
            if path == "/api" || path.starts_with("/api/") {
                return api_not_found().await.into_response();
            }
            match tower::ServiceExt::oneshot(pages, request).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        }
    })
}

async fn api_not_found() -> Problem {
    Problem::not_found("nothing at this address; the API is under /api/v1, its description at /api/v1/openapi.json")
}

fn api(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(orders::routes())
        .merge(auth::routes())
        .merge(carts::routes())
        .merge(parties::routes())
        .merge(address_book::routes())
        .merge(catalogue::routes())
        .merge(payments::routes())
        .merge(invoices::routes())
        .merge(outbox::routes())
        .merge(openapi::routes())
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this address does not take this method",
            )
        })
        .with_state(state)
}
