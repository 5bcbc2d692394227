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
