//! The HTTP API of the order management system, on axum: every use case of the `app`
//! crate under `/api/v1`, authenticated with session tokens, documented by an OpenAPI
//! document generated from the code, answering every error as `application/problem+json`.
//!
//! [`router`] builds the whole API over an [`AppState`]; [`serve`] runs it on a listener
//! until a shutdown signal, finishing the requests in flight.

// A problem is built at most once per request, on its way out: its size does not matter
// next to the response it becomes.
#![allow(clippy::result_large_err)]

pub mod extract;
pub mod problem;
mod routes;
mod server;
pub mod state;

pub use routes::openapi::ApiDoc;
pub use routes::{router, router_with_pages};
pub use server::{app, app_with_pages, serve, serve_router, ServerSettings};
pub use state::AppState;
