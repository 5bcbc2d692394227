//! Extractors that answer bad input with a problem (`application/problem+json`): a JSON
//! body that is malformed, of the wrong shape or too large; a path or query parameter that
//! does not parse; a missing or bad session token.

use app::Caller;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::problem::Problem;
use crate::state::AppState;

/// A JSON body; its rejections are problems.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> Problem {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // axum's message names the path of the field at fault: keep it, without the
            // generic prefix.
            let text = e.body_text();
            let detail = text
                .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                .unwrap_or(&text)
                .to_owned();
            let field = detail.split_once(": ").map(|(path, _)| path.to_owned());
            Problem {
                field,
                ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail)
            }
        }
        JsonRejection::JsonSyntaxError(e) => Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON, with Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(e) => {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    status,
                    "payload_too_large",
                    "the body is larger than the API accepts",
                )
            } else {
                Problem::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
            }
        }
        other => Problem::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
    }
}

/// Path parameters; their rejections are problems.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(path_problem(&rejection)),
        }
    }
}

/// Every path parameter that does not parse (an id, an order or invoice number, an article
/// reference, a code) gets the same answer: 404 `not_found`, since it names nothing that
/// exists. Handlers take their path parameters as domain types, so they never see one.
fn path_problem(rejection: &PathRejection) -> Problem {
    let detail = match rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::ParseErrorAtKey { key, value, .. } => {
                format!("{key} {value:?} is malformed, so it names nothing")
            }
            ErrorKind::DeserializeError {
                key,
                value,
                message,
            } => format!("{key} {value:?} names nothing: {message}"),
            ErrorKind::InvalidUtf8InPathParam { key } => {
                format!("{key} is not UTF-8, so it names nothing")
            }
            _ => format!("nothing at this address: {}", e.body_text()),
        },
        other => format!("nothing at this address: {}", other.body_text()),
    };
    Problem::not_found(detail)
}

/// Query parameters; their rejections are problems.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(query_problem(&rejection)),
        }
    }
}

fn query_problem(rejection: &QueryRejection) -> Problem {
    let detail = rejection.body_text();
    let detail = detail
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&detail)
        .to_owned();
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail)
}

/// The caller of a request that must be authenticated (`Authorization: Bearer <token>`).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?.ok_or_else(|| {
            Problem::unauthorized("log in and send the token as Authorization: Bearer <token>")
        })?;
        let caller = state.app.authenticate(token).await?;
        Ok(Authenticated(caller))
    }
}

/// The caller of a request that guests may make too: `None` without a token.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts)? {
            None => Ok(MaybeAuthenticated(None)),
            Some(token) => Ok(MaybeAuthenticated(Some(
                state.app.authenticate(token).await?,
            ))),
        }
    }
}

/// The bearer token of the request, if any.
pub fn bearer(parts: &Parts) -> Result<Option<&str>, Problem> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| Problem::unauthorized("the Authorization header is not text"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(Problem::unauthorized(
            "the Authorization header must be: Bearer <token>",
        )),
    }
}
