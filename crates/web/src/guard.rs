//! What every request of the pages goes through: finding the visitor from their cookies
//! (session, guest cart, visitor id, message), refusing a form from another site or
//! without its token, and, on the way out, writing the cookies and rendering the error
//! pages with what only the request knows (its id, who is logged in).

use app::AppError;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::ids::CartId;
use serde::Deserialize;

use crate::cookies::{self, CART, FLASH, SESSION, VISITOR};
use crate::page::{self, ErrorPage, PageError};
use crate::visitor::Visitor;
use crate::words::Flash;
use crate::{csrf, WebState};

/// The largest form accepted, in bytes.
const FORM_LIMIT: usize = 64 * 1024;
/// How long the visitor id is kept: a year.
const VISITOR_AGE: i64 = 365 * 24 * 3600;

/// The form's token, the only field the guard reads.
#[derive(Deserialize)]
struct FormToken {
    #[serde(default)]
    csrf: String,
}

/// The middleware of the pages.
pub async fn guard(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let secure = state.settings.secure_cookies;
    let (mut parts, body) = request.into_parts();
    let mut set_cookies: Vec<HeaderValue> = Vec::new();
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();

    let mut session = cookies::get(&parts.headers, SESSION, secure);
    let mut caller = None;
    if let Some(token) = &session {
        match state.app.authenticate(token).await {
            Ok(found) => caller = Some(found),
            Err(AppError::Unauthorized(_)) => {
                session = None;
                set_cookies.push(cookies::clear(SESSION, secure));
            }
            Err(other) => {
                return page::render_error(&PageError::from(other), None, &request_id);
            }
        }
    }
    let visitor_id = match cookies::get(&parts.headers, VISITOR, secure) {
        Some(id) if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) => id,
        _ => {
            let id = crate::format::hex(&crate::random_key());
            set_cookies.push(cookies::set(VISITOR, &id, Some(VISITOR_AGE), secure));
            id
        }
    };
    let binding = session.clone().unwrap_or_else(|| visitor_id.clone());
    let flash_cookie = cookies::get(&parts.headers, FLASH, secure);
    let visitor = Visitor {
        caller,
        session,
        guest_cart: cookies::get(&parts.headers, CART, secure)
            .and_then(|text| CartId::parse(&text).ok()),
        csrf: csrf::token(&state.settings.form_key, &binding),
        flash: flash_cookie.as_deref().and_then(Flash::from_key),
    };

    let mut body = body;
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let refused = || {
            page::render_error(
                &PageError::status(StatusCode::FORBIDDEN),
                Some(&visitor),
                &request_id,
            )
        };
        if !csrf::same_origin(&parts.headers) {
            return refused();
        }
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            return page::render_error(
                &PageError::status(StatusCode::PAYLOAD_TOO_LARGE),
                Some(&visitor),
                &request_id,
            );
        };
        let copy = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let sent = match axum::Form::<FormToken>::from_request(copy, &()).await {
            Ok(axum::Form(form)) => form.csrf,
            Err(_) => String::new(),
        };
        if !csrf::token_matches(&state.settings.form_key, &binding, &sent) {
            return refused();
        }
        body = Body::from(bytes);
    }

    parts.extensions.insert(visitor.clone());
    let mut response = next.run(Request::from_parts(parts, body)).await;

    if let Some(error) = response.extensions().get::<ErrorPage>().cloned() {
        let mut rendered = page::render_error_page(&error, Some(&visitor), &request_id);
        for cookie in response.headers().get_all(SET_COOKIE) {
            rendered.headers_mut().append(SET_COOKIE, cookie.clone());
        }
        response = rendered;
    }
    let sets_flash = response.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.as_bytes()
            .starts_with(cookies::name(FLASH, secure).as_bytes())
    });
    if flash_cookie.is_some() && !sets_flash {
        set_cookies.push(cookies::clear(FLASH, secure));
    }
    let headers = response.headers_mut();
    for cookie in set_cookies {
        headers.append(SET_COOKIE, cookie);
    }
    if !headers.contains_key(CACHE_CONTROL) {
        // Pages carry a visitor's cart and form tokens: never kept by a shared cache.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response.into_response()
}
