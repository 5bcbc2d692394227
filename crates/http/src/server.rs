//! Running the API: the layers every request goes through (request id, log line, body
//! limit, time limit) and a graceful shutdown that lets requests in flight finish.

use std::future::Future;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// The header carrying the request id, set on every request and response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Limits of the server.
#[derive(Debug, Clone, Copy)]
pub struct ServerSettings {
    /// The largest request body accepted.
    pub body_limit: usize,
    /// How long a request may take before it is answered 503.
    pub request_timeout: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            body_limit: 256 * 1024,
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// The API with the layers every request goes through.
pub fn app(state: AppState, settings: ServerSettings) -> Router {
    layered(crate::router(state), settings)
}

/// The API and other pages beside it (see [`crate::router_with_pages`]), with the layers
/// every request goes through.
pub fn app_with_pages(state: AppState, settings: ServerSettings, pages: Router) -> Router {
    layered(crate::router_with_pages(state, pages), settings)
}

fn layered(router: Router, settings: ServerSettings) -> Router {
    router
        .layer(DefaultBodyLimit::max(settings.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            settings.request_timeout,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id = %id,
                )
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Serves the API on `listener` until `shutdown` completes, then stops accepting
/// connections and waits for the requests in flight to finish.
///
/// # Errors
/// The I/O error that stopped the server.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    settings: ServerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, app(state, settings), shutdown).await
}

/// Serves a router made by [`app`] or [`app_with_pages`] on `listener` until `shutdown`
/// completes, then waits for the requests in flight to finish.
///
/// # Errors
/// The I/O error that stopped the server.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
