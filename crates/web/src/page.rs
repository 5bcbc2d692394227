//! Rendering: the wrapper that turns a template into a response (a render failure becomes
//! the error page), what every page's layout needs ([`Chrome`]), and the one error type of
//! the pages ([`PageError`]), which turns an [`AppError`] into an error page: 404 for what
//! does not exist or is not the visitor's, 409 with what prevents the action, 500 with the
//! request's id and nothing else.

use app::AppError;
use askama::Template;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ports::StoreError;

use crate::assets;
use crate::visitor::Visitor;
use crate::words;

/// What the layout of every page shows besides the page itself.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The login of the visitor, when logged in.
    pub login: Option<String>,
    /// The token of the forms of the layout (logging out).
    pub csrf: String,
    /// The message of the previous form.
    pub flash: Option<&'static str>,
    /// Whether that message tells of a failure.
    pub flash_alert: bool,
    /// The stylesheet's address (with its content hash).
    pub stylesheet: &'static str,
    /// The script's address (with its content hash).
    pub script: &'static str,
}

impl Chrome {
    /// The layout for this visitor.
    pub fn of(visitor: &Visitor) -> Chrome {
        Chrome {
            login: visitor.login().map(str::to_owned),
            csrf: visitor.csrf.clone(),
            flash: visitor.flash.map(words::Flash::text),
            flash_alert: visitor.flash.is_some_and(words::Flash::is_alert),
            stylesheet: assets::stylesheet_path(),
            script: assets::script_path(),
        }
    }

    /// The layout when the visitor is unknown.
    fn anonymous() -> Chrome {
        Chrome {
            login: None,
            csrf: String::new(),
            flash: None,
            flash_alert: false,
            stylesheet: assets::stylesheet_path(),
            script: assets::script_path(),
        }
    }
}

/// A template to render as a page.
#[derive(Debug)]
pub struct Page<T>(pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.0.render() {
            Ok(html) => axum::response::Html(html).into_response(),
            Err(err) => PageError::internal(err).into_response(),
        }
    }
}

/// A page, with a status other than 200 (a form shown again with its errors: 422).
pub fn with_status<T: Template>(status: StatusCode, page: T) -> Response {
    let mut response = Page(page).into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// POST/redirect/GET: to one of the shop's own addresses (never one taken from the
/// request), with a message for the next page and any cookies to set.
pub fn redirect(to: &str, flash: Option<words::Flash>, secure: bool) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, location);
    }
    if let Some(flash) = flash {
        response.headers_mut().append(
            SET_COOKIE,
            crate::cookies::set(crate::cookies::FLASH, flash.key(), None, secure),
        );
    }
    response
}

/// Why a page could not be shown.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    detail: Option<String>,
}

/// The error page to render, carried on the response to the guard, which knows the
/// request's id and the visitor.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    status: StatusCode,
    detail: Option<String>,
}

impl PageError {
    /// An error page with this status and its usual words.
    pub fn status(status: StatusCode) -> Self {
        PageError {
            status,
            detail: None,
        }
    }

    /// Nothing here for this visitor.
    pub fn not_found() -> Self {
        PageError::status(StatusCode::NOT_FOUND)
    }

    /// A conflict explained.
    pub fn conflict(detail: impl Into<String>) -> Self {
        PageError {
            status: StatusCode::CONFLICT,
            detail: Some(detail.into()),
        }
    }

    /// A failure of ours: logged with its cause; the page shows only the request's id.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "a page failed");
        PageError::status(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound { .. } | AppError::Forbidden(_) | AppError::Unauthorized(_) => {
                PageError::not_found()
            }
            AppError::Conflict { code, message } => {
                PageError::conflict(conflict_text(code, message))
            }
            AppError::Order(e) => PageError::conflict(e.to_string()),
            AppError::Cart(e) => PageError::conflict(e.to_string()),
            AppError::Shortage(_) | AppError::Lines(_) => PageError::conflict(err.to_string()),
            AppError::Invalid { field, message } => PageError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                detail: Some(format!("{} : {message}", words::field_label(&field))),
            },
            AppError::Store(StoreError::Retryable(_) | StoreError::Unavailable(_)) => {
                tracing::warn!(error = %err, "a page found the database busy");
                PageError::status(StatusCode::SERVICE_UNAVAILABLE)
            }
            AppError::Store(_) => PageError::internal(err),
        }
    }
}

/// The French explanation of a conflict the use cases name by code.
fn conflict_text(code: &str, message: String) -> String {
    match code {
        "already_paid" => "cette commande est déjà payée.".to_owned(),
        "payment_pending" => {
            "un paiement de cette commande est déjà en cours : attendez son résultat.".to_owned()
        }
        "not_payable" => "cette commande ne peut pas être payée dans son état actuel.".to_owned(),
        "duplicate" => words::EMAIL_TAKEN.to_owned(),
        _ => message,
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(ErrorPage {
            status: self.status,
            detail: self.detail,
        });
        response
    }
}

/// The error page's template.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    chrome: Chrome,
    title: &'static str,
    text: &'static str,
    detail: Option<String>,
    request_id: Option<String>,
}

/// Renders an error page for a visitor (when known).
pub fn render_error(error: &PageError, visitor: Option<&Visitor>, request_id: &str) -> Response {
    render_error_page(
        &ErrorPage {
            status: error.status,
            detail: error.detail.clone(),
        },
        visitor,
        request_id,
    )
}

/// Renders an error page carried by a response.
pub fn render_error_page(
    error: &ErrorPage,
    visitor: Option<&Visitor>,
    request_id: &str,
) -> Response {
    let code = error.status.as_u16();
    let template = ErrorTemplate {
        chrome: visitor.map_or_else(Chrome::anonymous, Chrome::of),
        title: words::error_title(code),
        text: words::error_text(code),
        // A failure of ours shows nothing of its cause.
        detail: if error.status.is_server_error() {
            None
        } else {
            error.detail.clone()
        },
        request_id: error
            .status
            .is_server_error()
            .then(|| request_id.to_owned()),
    };
    let html = template
        .render()
        .unwrap_or_else(|_| format!("<!doctype html><title>{code}</title><p>{code}</p>"));
    (error.status, axum::response::Html(html)).into_response()
}

/// The answer to an address the shop does not have.
pub async fn not_found() -> PageError {
    PageError::not_found()
}
