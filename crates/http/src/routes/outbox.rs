//! `/api/v1/outbox`: the messages waiting to be sent, sent, or given up on, and a failed
//! one sent again. Staff only.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use domain::ids::MessageId;
use ports::{MessageStatus, OutboxMessage};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, Path, Query};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outbox", get(list))
        .route("/api/v1/outbox/{id}", get(show))
        .route("/api/v1/outbox/{id}/retry", post(retry))
}

/// A message of the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessageDto {
    /// Its id.
    pub id: String,
    /// What kind of message: `order_confirmation`, `invoice_due`, `invoice_issued`, ...
    pub topic: String,
    /// Whom it is for (an email address), when it is an email.
    pub recipient: Option<String>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// How many deliveries were tried.
    pub attempts: u32,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Not to be tried before this time.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: OffsetDateTime,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// What it says, for the renderer.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<&OutboxMessage> for OutboxMessageDto {
    fn from(m: &OutboxMessage) -> Self {
        OutboxMessageDto {
            id: m.id.to_string(),
            topic: m.topic.clone(),
            recipient: m.recipient.clone(),
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error.clone(),
            payload: m.payload.clone(),
        }
    }
}

/// Messages of the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessagesDto {
    /// The messages, oldest first.
    pub items: Vec<OutboxMessageDto>,
}

/// Which messages to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `pending` (the default), `sent` or `failed`.
    #[param(schema_with = constraints::message_status_or_null)]
    pub status: Option<String>,
    /// How many to give, 1 to 500 (default 50).
    #[param(schema_with = constraints::limit_or_null)]
    pub limit: Option<u32>,
}

/// Messages in a state, oldest first. Staff only.
#[utoipa::path(
    get, path = "/api/v1/outbox", tag = "outbox",
    params(OutboxParams),
    responses(
        (status = 200, body = OutboxMessagesDto),
        (status = 422, description = "An unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(params): Query<OutboxParams>,
) -> Result<axum::Json<OutboxMessagesDto>, Problem> {
    let status = match params.status.as_deref() {
        None => MessageStatus::Pending,
        Some(s) => MessageStatus::parse(s)
            .ok_or_else(|| Problem::invalid("status", "one of pending, sent, failed"))?,
    };
    let limit = params.limit.unwrap_or(50);
    let messages = state.app.outbox_messages(&caller, status, limit).await?;
    Ok(axum::Json(OutboxMessagesDto {
        items: messages.iter().map(OutboxMessageDto::from).collect(),
    }))
}

/// One message. Staff only.
#[utoipa::path(
    get, path = "/api/v1/outbox/{id}", tag = "outbox",
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 200, body = OutboxMessageDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<MessageId>,
) -> Result<axum::Json<OutboxMessageDto>, Problem> {
    let message = state.app.outbox_message(&caller, id).await?;
    Ok(axum::Json(OutboxMessageDto::from(&message)))
}

/// Puts a failed message back in the queue, due now, its attempts count reset. Staff only.
#[utoipa::path(
    post, path = "/api/v1/outbox/{id}/retry", tag = "outbox",
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 200, description = "Queued again: the message, pending", body = OutboxMessageDto),
        (status = 409, description = "The message is not failed (`not_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn retry(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<MessageId>,
) -> Result<axum::Json<OutboxMessageDto>, Problem> {
    let message = state.app.retry_outbox_message(&caller, id).await?;
    Ok(axum::Json(OutboxMessageDto::from(&message)))
}
