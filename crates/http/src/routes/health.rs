//! Liveness and readiness.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::Problem;
use crate::AppState;

/// The answer of the health checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The kind of database, for `/ready`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

pub(super) fn routes() -> axum::Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

/// The process answers.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        database: None,
    })
}

/// The process answers and its database too.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Problem, content_type = "application/problem+json"))
)]
pub(crate) async fn ready(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    state
        .app
        .database()
        .ping()
        .await
        .map_err(|e| Problem::from(app::AppError::Store(e)))?;
    Ok(Json(Health {
        status: "ok",
        database: Some(state.app.database().kind()),
    }))
}
