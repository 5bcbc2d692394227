//! Forms sent from another site are refused, as the OWASP cheat sheet on cross-site
//! request forgery advises: the browser's `Sec-Fetch-Site` must say the request comes from
//! this very origin (or, from an older browser without it, `Origin` must name this host),
//! and the form must carry a token tied to the visitor's session (an HMAC-SHA256 of the
//! session's token, or of the guest's visitor id, under the server's key).

use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The token of the forms of a visitor whose session (or visitor id) is `binding`.
pub fn token(key: &[u8; 32], binding: &str) -> String {
    let Ok(mut mac) = <HmacSha256 as Mac>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"form:");
    mac.update(binding.as_bytes());
    crate::format::hex(&mac.finalize().into_bytes())
}

/// Whether `sent` is the token of `binding`, compared in constant time.
pub fn token_matches(key: &[u8; 32], binding: &str, sent: &str) -> bool {
    let expected = token(key, binding);
    expected.len() == sent.len()
        && expected
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether the browser says the request comes from this site: `Sec-Fetch-Site:
/// same-origin`, or without it an `Origin` naming this host. A request with neither (not
/// a browser's, or a very old one) is left to the token.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let without_scheme = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    without_scheme == Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_token_belongs_to_its_binding_and_its_key() {
        let key = [7u8; 32];
        let t = token(&key, "visitor-a");
        assert_eq!(t.len(), 64);
        assert!(token_matches(&key, "visitor-a", &t));
        assert!(!token_matches(&key, "visitor-b", &t));
        assert!(!token_matches(&[8u8; 32], "visitor-a", &t));
        assert!(!token_matches(&key, "visitor-a", ""));
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("shop.example:8080"));
        assert!(same_origin(&h), "no header: left to the token");
        h.insert(ORIGIN, HeaderValue::from_static("http://shop.example:8080"));
        assert!(same_origin(&h));
        h.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h), "Sec-Fetch-Site decides when present");
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(!same_origin(&h));
    }
}
