//! A stable fingerprint of a request, to tell a replay of a request (same idempotency
//! key, same content) from a different request under a reused key.

use serde::Serialize;

/// The 64-bit FNV-1a hash of the request's JSON form, in hex. Not a security measure: it
/// only compares requests that already share a key and a caller.
pub(crate) fn fingerprint<T: Serialize>(request: &T) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    // Serialising plain data structures cannot fail; an empty text would still compare
    // equal only to itself.
    let text = serde_json::to_string(request).unwrap_or_default();
    let hash = text
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_requests_share_a_fingerprint_and_others_do_not() {
        assert_eq!(fingerprint(&("a", 1)), fingerprint(&("a", 1)));
        assert_ne!(fingerprint(&("a", 1)), fingerprint(&("a", 2)));
        assert_eq!(fingerprint(&"").len(), 16);
    }
}
