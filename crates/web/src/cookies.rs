//! The shop's cookies, read from the `Cookie` header and written as `Set-Cookie`, by hand:
//! four names and plain values need no library.
//!
//! Every cookie is `HttpOnly` (no script reads it), `SameSite=Lax` (not sent with a form
//! posted from another site), `Path=/`; over HTTPS it is also `Secure` and its name takes
//! the `__Host-` prefix, which a browser accepts only from this host over HTTPS.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

/// The session token the API issues at login (only its hash is stored).
pub const SESSION: &str = "oms_session";
/// The id of a guest's cart: the only way back to it.
pub const CART: &str = "oms_cart";
/// A random id of the browser, what a guest's form tokens are tied to.
pub const VISITOR: &str = "oms_visitor";
/// The short message to show on the next page (a key of [`crate::words::Flash`]).
pub const FLASH: &str = "oms_flash";
/// The addresses chosen during checkout, kept until the order is placed.
pub const CHECKOUT: &str = "oms_checkout";

/// The name a cookie goes by: with the `__Host-` prefix over HTTPS.
pub fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// The value of a cookie the request carries, if any.
pub fn get(headers: &HeaderMap, base: &str, secure: bool) -> Option<String> {
    let wanted = name(base, secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == wanted)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value: kept `max_age` seconds, or for the browser's session when `None`.
/// Values are ours (hexadecimal, tokens, short keys): never a visitor's text.
pub fn set(base: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        name(base, secure)
    );
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(base: &str, secure: bool) -> HeaderValue {
    set(base, "", Some(0), secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; oms_cart=abc ; b=2"));
        assert_eq!(get(&headers, CART, false).as_deref(), Some("abc"));
        assert_eq!(get(&headers, CART, true), None);
        assert_eq!(get(&headers, SESSION, false), None);
    }

    #[test]
    fn secure_cookies_take_the_host_prefix_and_the_secure_flag() {
        let value = set(SESSION, "oms_x", Some(60), true);
        assert_eq!(
            value.to_str().unwrap(),
            "__Host-oms_session=oms_x; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        let plain = set(SESSION, "oms_x", None, false);
        assert_eq!(
            plain.to_str().unwrap(),
            "oms_session=oms_x; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
