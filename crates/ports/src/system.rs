use time::OffsetDateTime;

/// The time. Use cases take it from here, never from the system, so tests can fix it.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync {
    /// The current time, in UTC, to the microsecond (the precision every store keeps, so a
    /// time read back equals the time written).
    fn now(&self) -> OffsetDateTime;
}

/// Where new ids come from.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait IdSource: Send + Sync {
    /// A new 128-bit id, never given before. Production ids are time-ordered (UUID v7),
    /// which keeps database indexes compact.
    fn next_id(&self) -> u128;

    /// 128 unpredictable bits, for tokens that must not be guessed.
    fn secret(&self) -> u128;
}
