//! Repeated failed logins are slowed: after a few failures for the same login, each new
//! attempt must wait longer (doubling, up to a ceiling), whatever the password. A success
//! forgets the failures. Kept in memory: a restart forgets them, which an attacker cannot
//! cause from outside.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before the waits begin.
const FREE_ATTEMPTS: u32 = 3;
/// The first wait.
const FIRST_WAIT: Duration = Duration::from_secs(2);
/// The longest wait.
const LONGEST_WAIT: Duration = Duration::from_secs(300);
/// Logins remembered at most (the oldest are forgotten first).
const REMEMBERED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// The failed logins by login (lower case).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    /// How long the login must still wait before another attempt, if at all.
    pub fn wait_for(&self, login: &str, now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().ok()?;
        let seen = failures.get(&login.to_lowercase())?;
        let wait = wait_after(seen.count)?;
        let ready = seen.last + wait;
        (ready > now).then(|| ready - now)
    }

    /// Records a failed attempt.
    pub fn failed(&self, login: &str, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= REMEMBERED {
            if let Some(oldest) = failures
                .iter()
                .min_by_key(|(_, f)| f.last)
                .map(|(k, _)| k.clone())
            {
                failures.remove(&oldest);
            }
        }
        let entry = failures.entry(login.to_lowercase()).or_insert(Failures {
            count: 0,
            last: now,
        });
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// Forgets the failures of a login that succeeded.
    pub fn succeeded(&self, login: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&login.to_lowercase());
        }
    }
}

/// The wait after `count` failures.
fn wait_after(count: u32) -> Option<Duration> {
    let over = count.checked_sub(FREE_ATTEMPTS)?;
    let factor = 1u32.checked_shl(over.min(16)).unwrap_or(u32::MAX);
    Some(FIRST_WAIT.saturating_mul(factor).min(LONGEST_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_begin_after_the_free_attempts_and_double() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..FREE_ATTEMPTS - 1 {
            throttle.failed("Marie@Example.fr", t0);
        }
        assert_eq!(throttle.wait_for("marie@example.fr", t0), None);
        throttle.failed("marie@example.fr", t0);
        assert_eq!(throttle.wait_for("MARIE@example.fr", t0), Some(FIRST_WAIT));
        throttle.failed("marie@example.fr", t0);
        assert_eq!(
            throttle.wait_for("marie@example.fr", t0),
            Some(FIRST_WAIT * 2)
        );
        let later = t0 + FIRST_WAIT * 2;
        assert_eq!(throttle.wait_for("marie@example.fr", later), None);
        assert_eq!(throttle.wait_for("paul@example.fr", t0), None);
        throttle.succeeded("marie@example.fr");
        assert_eq!(throttle.wait_for("marie@example.fr", t0), None);
        assert_eq!(wait_after(100), Some(LONGEST_WAIT));
    }
}
