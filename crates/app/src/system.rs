//! The real clock and id source, for the binaries.

use ports::{Clock, IdSource};
use time::OffsetDateTime;

/// The system's clock, to the microsecond.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        // Stores keep microseconds; a time with nanoseconds would not read back equal.
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
            .unwrap_or(now)
    }
}

/// Time-ordered UUIDs (v7) for ids, random ones (v4) for secrets.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidIds;

impl IdSource for UuidIds {
    fn next_id(&self) -> u128 {
        uuid::Uuid::now_v7().as_u128()
    }

    fn secret(&self) -> u128 {
        uuid::Uuid::new_v4().as_u128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_keeps_microseconds_and_ids_increase() {
        let now = SystemClock.now();
        assert_eq!(now.nanosecond() % 1_000, 0);
        let (a, b) = (UuidIds.next_id(), UuidIds.next_id());
        assert_ne!(a, b);
        assert!(b > a, "v7 ids are time-ordered");
        assert_ne!(UuidIds.secret(), UuidIds.secret());
    }
}

/// Passwords hashed with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), each
/// with its own random salt, stored as PHC strings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Argon2Hasher;

impl ports::PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &str) -> Result<String, ports::HashError> {
        use argon2::password_hash::{PasswordHasher as _, SaltString};
        // 16 random bytes from the operating system's generator (what UUID v4 uses).
        let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
            .map_err(|e| ports::HashError(e.to_string()))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ports::HashError(e.to_string()))
    }

    fn verify(&self, password: &str, hash: &str) -> bool {
        use argon2::password_hash::{PasswordHash, PasswordVerifier as _};
        PasswordHash::new(hash)
            .map(|parsed| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod hasher_tests {
    use ports::PasswordHasher as _;

    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_differ() {
        let a = Argon2Hasher.hash("correct horse battery").unwrap();
        let b = Argon2Hasher.hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(Argon2Hasher.verify("correct horse battery", &a));
        assert!(!Argon2Hasher.verify("correct horse batterY", &a));
        assert!(!Argon2Hasher.verify("anything", "not a hash"));
    }
}
