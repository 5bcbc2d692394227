//! How domain values are written in SQLite columns, and read back.
//!
//! Ids are their hyphenated UUID text; decimals their exact text (never a REAL, which would
//! round money); instants INTEGER microseconds since the Unix epoch, UTC (the precision the
//! clock port gives, so an instant reads back equal); dates TEXT `YYYY-MM-DD`; enums their
//! `as_str()` names. Reading never trusts the file: every value goes back through the
//! domain's constructors, and what they refuse is [`StoreError::Corrupt`].

use std::fmt::Display;
use std::str::FromStr;

use ports::{Paging, StoreError};
use rust_decimal::Decimal;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::error::corrupt;

const DATE_FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The most rows one multi-row statement carries (or ids one `IN` list holds), far below
/// SQLite's limit of 32,766 bound parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 200;

/// An instant as microseconds since the Unix epoch.
pub(crate) fn micros(at: OffsetDateTime) -> i64 {
    let micros = at.unix_timestamp_nanos().div_euclid(1000);
    // `time` keeps instants within ±9999 years, about ±3.2e17 µs: always inside an i64.
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

/// A date as `YYYY-MM-DD`.
pub(crate) fn date_text(date: Date) -> String {
    // Formatting a plain date with a fixed description only fails for years beyond 9999,
    // which `time` cannot hold without its large-dates feature.
    date.format(DATE_FORMAT)
        .unwrap_or_else(|_| date.to_string())
}

/// A decimal as exact text.
pub(crate) fn decimal_text(value: Decimal) -> String {
    value.to_string()
}

/// A page's `LIMIT`, at most [`Paging::MAX_LIMIT`] whatever the caller built.
pub(crate) fn limit(paging: Paging) -> i64 {
    i64::from(paging.limit.min(Paging::MAX_LIMIT))
}

/// A page's `OFFSET`.
pub(crate) fn offset(paging: Paging) -> i64 {
    i64::try_from(paging.offset).unwrap_or(i64::MAX)
}

/// A count read back as the total of a page.
pub(crate) fn total(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

/// Reads the columns of one row of one table, turning what cannot be read into
/// [`StoreError::Corrupt`] naming the table and the column.
pub(crate) struct Columns<'r> {
    row: &'r SqliteRow,
    table: &'static str,
}

impl<'r> Columns<'r> {
    /// The columns of `row`, a row of `table`.
    pub(crate) fn new(row: &'r SqliteRow, table: &'static str) -> Self {
        Columns { row, table }
    }

    fn corrupt(&self, column: &str, problem: impl Display) -> StoreError {
        corrupt(self.table, column, problem)
    }

    /// A text column.
    pub(crate) fn text(&self, column: &str) -> Result<&'r str, StoreError> {
        self.row
            .try_get::<&str, _>(column)
            .map_err(|e| self.corrupt(column, e))
    }

    /// A text column that may be NULL.
    pub(crate) fn opt_text(&self, column: &str) -> Result<Option<&'r str>, StoreError> {
        self.row
            .try_get::<Option<&str>, _>(column)
            .map_err(|e| self.corrupt(column, e))
    }

    /// An integer column.
    pub(crate) fn int(&self, column: &str) -> Result<i64, StoreError> {
        self.row
            .try_get::<i64, _>(column)
            .map_err(|e| self.corrupt(column, e))
    }

    /// An integer column that may be NULL.
    pub(crate) fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        self.row
            .try_get::<Option<i64>, _>(column)
            .map_err(|e| self.corrupt(column, e))
    }

    /// An integer column that must fit in a `T` (u32, u64).
    pub(crate) fn int_as<T: TryFrom<i64>>(&self, column: &str) -> Result<T, StoreError> {
        let value = self.int(column)?;
        T::try_from(value).map_err(|_| self.corrupt(column, format!("{value} is out of range")))
    }

    /// An integer column that may be NULL and must fit in a `T`.
    pub(crate) fn opt_int_as<T: TryFrom<i64>>(
        &self,
        column: &str,
    ) -> Result<Option<T>, StoreError> {
        self.opt_int(column)?
            .map(|value| {
                T::try_from(value)
                    .map_err(|_| self.corrupt(column, format!("{value} is out of range")))
            })
            .transpose()
    }

    /// The outcome of a domain constructor applied to a column's value.
    pub(crate) fn check<T, E: Display>(
        &self,
        column: &str,
        built: Result<T, E>,
    ) -> Result<T, StoreError> {
        built.map_err(|e| self.corrupt(column, e))
    }

    /// A text column read through a domain constructor.
    pub(crate) fn parse<T, E: Display>(
        &self,
        column: &str,
        read: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let text = self.text(column)?;
        read(text).map_err(|e| self.corrupt(column, e))
    }

    /// A text column that may be NULL, read through a domain constructor.
    pub(crate) fn opt_parse<T, E: Display>(
        &self,
        column: &str,
        read: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        self.opt_text(column)?
            .map(|text| read(text).map_err(|e| self.corrupt(column, e)))
            .transpose()
    }

    /// An enum stored by name.
    pub(crate) fn name<T>(
        &self,
        column: &str,
        read: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        let text = self.text(column)?;
        read(text).ok_or_else(|| self.corrupt(column, format!("unknown name {text:?}")))
    }

    /// An enum stored by name, or NULL.
    pub(crate) fn opt_name<T>(
        &self,
        column: &str,
        read: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => read(text)
                .map(Some)
                .ok_or_else(|| self.corrupt(column, format!("unknown name {text:?}"))),
        }
    }

    /// An exact decimal.
    pub(crate) fn decimal(&self, column: &str) -> Result<Decimal, StoreError> {
        self.parse(column, Decimal::from_str)
    }

    fn instant_of(&self, column: &str, micros: i64) -> Result<OffsetDateTime, StoreError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
            .map_err(|e| self.corrupt(column, e))
    }

    /// An instant.
    pub(crate) fn instant(&self, column: &str) -> Result<OffsetDateTime, StoreError> {
        self.instant_of(column, self.int(column)?)
    }

    /// An instant that may be NULL.
    pub(crate) fn opt_instant(&self, column: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        self.opt_int(column)?
            .map(|micros| self.instant_of(column, micros))
            .transpose()
    }

    /// A date.
    pub(crate) fn date(&self, column: &str) -> Result<Date, StoreError> {
        self.parse(column, |text| Date::parse(text, DATE_FORMAT))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn instants_keep_microseconds() {
        let at = datetime!(2026-03-02 10:00:00.123456 UTC);
        assert_eq!(micros(at), 1_772_445_600_123_456);
        let before_epoch = datetime!(1969-12-31 23:59:59.999999 UTC);
        assert_eq!(micros(before_epoch), -1);
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(date_text(date!(2026 - 03 - 02)), "2026-03-02");
        assert_eq!(
            Date::parse("2026-03-02", DATE_FORMAT).unwrap(),
            date!(2026 - 03 - 02)
        );
    }
}
