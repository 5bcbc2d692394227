//! The shop's pages: server-rendered HTML over the same use cases as the API (`app`).
//!
//! A page only translates: it reads a form or a query with the domain's own parsing,
//! calls one use case, and renders what comes back with a template checked at compile
//! time (askama). Every rule stays in `app` and `domain`, so whatever a page does, the
//! API does too.
//!
//! [`router`] builds the pages over an [`App`]; `oms-api` serves them at `/`, beside the
//! API under `/api/v1`. Every request goes through [`guard`]: it finds who the visitor is
//! from their cookies, and refuses a form sent from another site or without its token.

// A page error is built at most once per request, on its way out.
#![allow(clippy::result_large_err)]

mod assets;
mod cookies;
mod csrf;
mod format;
mod guard;
mod page;
mod shop;
mod throttle;
mod visitor;
mod words;

use std::sync::Arc;

use app::App;
use axum::Router;

pub use page::PageError;

/// How the pages are served.
#[derive(Clone)]
pub struct Settings {
    /// Whether the shop is served over HTTPS: its cookies are then `Secure` and named with
    /// the `__Host-` prefix.
    pub secure_cookies: bool,
    /// The key the forms' tokens are signed with. A random one per process makes the
    /// forms open when the process stopped invalid, which only asks to send them again.
    pub form_key: [u8; 32],
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Cookies without `Secure` (plain HTTP, as in development and tests) and a random
    /// form key.
    pub fn plain_http() -> Self {
        Settings {
            secure_cookies: false,
            form_key: random_key(),
        }
    }

    /// From the environment: `OMS_PUBLIC_URL` starting with `https://` makes the cookies
    /// secure.
    pub fn from_env() -> Self {
        let secure = std::env::var("OMS_PUBLIC_URL")
            .is_ok_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"));
        Settings {
            secure_cookies: secure,
            form_key: random_key(),
        }
    }
}

/// 32 random bytes from the operating system's generator (two UUID v4s).
fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

/// What every page shares.
#[derive(Debug, Clone)]
pub(crate) struct WebState {
    pub app: App,
    pub settings: Arc<Settings>,
    pub throttle: Arc<throttle::LoginThrottle>,
}

/// The shop's pages over the use cases, with their own 404 page for any other address.
pub fn router(app: App, settings: Settings) -> Router {
    let state = WebState {
        app,
        settings: Arc::new(settings),
        throttle: Arc::new(throttle::LoginThrottle::default()),
    };
    shop::routes()
        .merge(assets::routes())
        .fallback(page::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .with_state(state)
}
