//! Encoding helpers: ids as uuid, paging as LIMIT/OFFSET, and reading columns back into
//! domain values, where anything that does not fit becomes [`StoreError::Corrupt`] naming
//! the table and the column.

use std::fmt::Display;

use ports::{Paging, StoreError};
use sqlx::postgres::PgRow;
use sqlx::{Decode, Postgres, Row, Type};
use uuid::Uuid;

/// An id's 128 bits as a uuid.
pub(crate) fn uuid(value: u128) -> Uuid {
    Uuid::from_u128(value)
}

/// Ids' 128 bits as uuids, to bind as one array.
pub(crate) fn uuids(ids: impl Iterator<Item = u128>) -> Vec<Uuid> {
    ids.map(Uuid::from_u128).collect()
}

/// An optional id's 128 bits as a uuid.
pub(crate) fn opt_uuid(value: Option<u128>) -> Option<Uuid> {
    value.map(Uuid::from_u128)
}

/// The LIMIT of a page: at least 1, at most [`Paging::MAX_LIMIT`].
pub(crate) fn limit(paging: Paging) -> i64 {
    i64::from(paging.limit.clamp(1, Paging::MAX_LIMIT))
}

/// The OFFSET of a page.
pub(crate) fn offset(paging: Paging) -> i64 {
    i64::try_from(paging.offset).unwrap_or(i64::MAX)
}

/// A count read from the database.
pub(crate) fn count(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what}: negative count")))
}

/// `%word%` for a LIKE pattern, with LIKE's own characters escaped.
pub(crate) fn contains_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The columns of one row of `table`, read as domain values.
pub(crate) struct Cols<'r> {
    row: &'r PgRow,
    table: &'static str,
}

impl<'r> Cols<'r> {
    /// The columns of `row`, read from `table` (named in errors).
    pub(crate) fn new(row: &'r PgRow, table: &'static str) -> Self {
        Cols { row, table }
    }

    /// An error saying that `column` holds something invalid.
    pub(crate) fn corrupt(&self, column: &str, why: impl Display) -> StoreError {
        StoreError::Corrupt(format!("{}.{column}: {why}", self.table))
    }

    /// A column as it is decoded by sqlx.
    pub(crate) fn get<T>(&self, column: &str) -> Result<T, StoreError>
    where
        T: Decode<'r, Postgres> + Type<Postgres>,
    {
        self.row
            .try_get::<T, _>(column)
            .map_err(|e| self.corrupt(column, e))
    }

    /// A uuid column, as 128 bits.
    pub(crate) fn id(&self, column: &str) -> Result<u128, StoreError> {
        self.get::<Uuid>(column).map(|u| u.as_u128())
    }

    /// A nullable uuid column, as 128 bits.
    pub(crate) fn opt_id(&self, column: &str) -> Result<Option<u128>, StoreError> {
        Ok(self.get::<Option<Uuid>>(column)?.map(|u| u.as_u128()))
    }

    /// A text column, built into a value by `make`.
    pub(crate) fn parse<T, E: Display>(
        &self,
        column: &str,
        make: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let text: &str = self.get(column)?;
        make(text).map_err(|e| self.corrupt(column, e))
    }

    /// A nullable text column, built into a value by `make`.
    pub(crate) fn opt_parse<T, E: Display>(
        &self,
        column: &str,
        make: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        let text: Option<&str> = self.get(column)?;
        text.map(make)
            .transpose()
            .map_err(|e| self.corrupt(column, e))
    }

    /// A column converted by `make`, for numbers and enums.
    pub(crate) fn map<S, T, E: Display>(
        &self,
        column: &str,
        make: impl FnOnce(S) -> Result<T, E>,
    ) -> Result<T, StoreError>
    where
        S: Decode<'r, Postgres> + Type<Postgres>,
    {
        let raw: S = self.get(column)?;
        make(raw).map_err(|e| self.corrupt(column, e))
    }

    /// An array column (NULL, as an aggregate of no rows gives, is empty).
    pub(crate) fn array<T>(&self, column: &str) -> Result<Vec<T>, StoreError>
    where
        Vec<T>: Decode<'r, Postgres> + Type<Postgres>,
    {
        Ok(self.get::<Option<Vec<T>>>(column)?.unwrap_or_default())
    }
}

/// Reads a stored enum name with the domain's `parse`.
pub(crate) fn name<T>(
    parse: impl FnOnce(&str) -> Option<T>,
    what: &'static str,
) -> impl FnOnce(&str) -> Result<T, String> {
    move |text| parse(text).ok_or_else(|| format!("{text:?} is not {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("dup"), "%dup%");
        assert_eq!(contains_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }

    #[test]
    fn paging_is_bounded() {
        let p = Paging {
            offset: u64::MAX,
            limit: 0,
        };
        assert_eq!(limit(p), 1);
        assert_eq!(offset(p), i64::MAX);
        assert_eq!(limit(Paging::first(10_000)), 500);
    }
}
