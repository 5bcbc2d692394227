//! Errors as `application/problem+json` (RFC 9457), each with a stable `code`. Every
//! failure of a request goes through [`Problem`], so statuses are decided in one place, and
//! a 500 never says more than "internal error" (the log keeps the cause).

use app::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail (RFC 9457), with the product's extensions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:oms:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong with this request, for a person.
    pub detail: String,
    /// A stable code for programs: `validation`, `not_found`, `conflict`,
    /// `illegal_state_change`, `insufficient_stock`, `unauthorized`, `forbidden`, ...
    pub code: String,
    /// The field at fault, for validation errors (a JSON pointer-like path: `lines[1].quantity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every short article with the quantity available, for `insufficient_stock`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortages: Option<Vec<ShortageDto>>,
    /// Every line at fault, for `invalid_lines`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineProblemDto>>,
}

/// An article without enough stock.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShortageDto {
    /// The article's id.
    pub article: String,
    /// Its reference.
    pub reference: String,
    /// Units asked.
    pub requested: u64,
    /// Units available now.
    pub available: u32,
}

/// A requested line that breaks a catalogue rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineProblemDto {
    /// The line, counted from 1.
    pub line: usize,
    /// The article as the request named it.
    pub article: String,
    /// `unknown_article`, `below_minimum`, `above_maximum`.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem with this status, code and detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:oms:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            field: None,
            shortages: None,
            lines: None,
        }
    }

    /// A validation problem on a field.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let field = field.into();
        let detail = detail.into();
        Problem {
            field: Some(field.clone()),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                format!("{field}: {detail}"),
            )
        }
    }

    /// The request is not authenticated.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// Nothing at this address.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// A fault of the server: the detail is generic, the cause goes to the log.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %error_chain(cause), "request failed");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; it was logged with the request id",
        )
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A whole cause chain on one line, for the log.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        let code = err.code();
        match err {
            AppError::Invalid { field, message } => Problem::invalid(field, message),
            AppError::NotFound { .. } => Problem::new(StatusCode::NOT_FOUND, code, err.to_string()),
            AppError::Unauthorized(ref why) => Problem::unauthorized(why.clone()),
            AppError::Forbidden(_) => Problem::new(StatusCode::FORBIDDEN, code, err.to_string()),
            AppError::Conflict { .. } => Problem::new(StatusCode::CONFLICT, code, err.to_string()),
            AppError::Order(ref e) => {
                let status = match e {
                    domain::order::OrderError::Pricing(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    // A line that does not exist is answered as anything else that
                    // does not exist.
                    domain::order::OrderError::LineNotFound(_) => {
                        return Problem::not_found(err.to_string());
                    }
                    domain::order::OrderError::NoLine => StatusCode::UNPROCESSABLE_ENTITY,
                    domain::order::OrderError::Inconsistent(_) => {
                        return Problem::internal(&err);
                    }
                    _ => StatusCode::CONFLICT,
                };
                Problem::new(status, code, err.to_string())
            }
            // An article not in the cart is nothing at the item's address; a cart that
            // would grow past its bounds clashes with what it holds already.
            AppError::Cart(domain::cart::CartError::NotInCart(_)) => {
                Problem::not_found(err.to_string())
            }
            AppError::Cart(_) => Problem::new(StatusCode::CONFLICT, code, err.to_string()),
            AppError::Lines(ref problems) => Problem {
                lines: Some(
                    problems
                        .iter()
                        .map(|p| LineProblemDto {
                            line: p.line,
                            article: p.article.clone(),
                            code: p.code.to_owned(),
                            message: p.message.clone(),
                        })
                        .collect(),
                ),
                ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, err.to_string())
            },
            AppError::Shortage(ref shortages) => Problem {
                shortages: Some(
                    shortages
                        .iter()
                        .map(|s| ShortageDto {
                            article: s.article.to_string(),
                            reference: s.reference.to_string(),
                            requested: s.requested,
                            available: s.available,
                        })
                        .collect(),
                ),
                ..Problem::new(StatusCode::CONFLICT, code, err.to_string())
            },
            AppError::Store(ports::StoreError::Retryable(_)) => {
                tracing::warn!(error = %error_chain(&err), "gave up on a conflicting transaction");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    code,
                    "the database is busy: try again in a moment",
                )
            }
            AppError::Store(ports::StoreError::Unavailable(_)) => {
                tracing::error!(error = %error_chain(&err), "database unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    code,
                    "the database cannot be reached",
                )
            }
            AppError::Store(_) => Problem::internal(&err),
        }
    }
}
