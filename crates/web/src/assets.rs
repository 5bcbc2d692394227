//! The stylesheet and the small script, embedded in the binary and served under an
//! address that holds a hash of their content, so browsers may keep them a year: a new
//! content is a new address.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::page::PageError;
use crate::WebState;

const STYLESHEET: &str = include_str!("../assets/shop.css");
const SCRIPT: &str = include_str!("../assets/shop.js");

/// An embedded file and the address it is served at.
struct Asset {
    path: String,
    body: &'static str,
    content_type: &'static str,
}

fn asset(stem: &str, extension: &str, body: &'static str, content_type: &'static str) -> Asset {
    let digest = Sha256::digest(body.as_bytes());
    let hash = crate::format::hex(&digest[..8]);
    Asset {
        path: format!("/static/{stem}.{hash}.{extension}"),
        body,
        content_type,
    }
}

static CSS: LazyLock<Asset> =
    LazyLock::new(|| asset("shop", "css", STYLESHEET, "text/css; charset=utf-8"));
static JS: LazyLock<Asset> =
    LazyLock::new(|| asset("shop", "js", SCRIPT, "text/javascript; charset=utf-8"));

/// The stylesheet's address.
pub fn stylesheet_path() -> &'static str {
    &CSS.path
}

/// The script's address.
pub fn script_path() -> &'static str {
    &JS.path
}

pub fn routes() -> Router<WebState> {
    Router::new().route("/static/{file}", get(serve))
}

async fn serve(Path(file): Path<String>) -> Result<Response, PageError> {
    let wanted = format!("/static/{file}");
    let found = [&*CSS, &*JS].into_iter().find(|a| a.path == wanted);
    let Some(asset) = found else {
        return Err(PageError::not_found());
    };
    Ok((
        [
            (CONTENT_TYPE, asset.content_type),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body,
    )
        .into_response())
}
