use thiserror::Error;

/// Why a value could not be built. The message names the value and says what is accepted;
/// the caller (HTTP, CLI) adds where the value came from (a field, a column, a line).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueError {
    /// A required text was empty (or only white space).
    #[error("{what} must not be empty")]
    Empty {
        /// The kind of value, e.g. "an article reference".
        what: &'static str,
    },
    /// A text was longer than allowed.
    #[error("{what} is too long: {len} characters, at most {max} are allowed")]
    TooLong {
        /// The kind of value.
        what: &'static str,
        /// Its length in characters.
        len: usize,
        /// The maximum length.
        max: usize,
    },
    /// A value does not have the expected form.
    #[error("{what} {value:?} is not valid: {expected}")]
    Malformed {
        /// The kind of value.
        what: &'static str,
        /// The value as given (cut to a reasonable length).
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A number is outside its accepted range.
    #[error("{what} {value} is out of range: {expected}")]
    OutOfRange {
        /// The kind of value.
        what: &'static str,
        /// The value as given.
        value: String,
        /// The accepted range.
        expected: &'static str,
    },
}

impl ValueError {
    pub(crate) fn malformed(what: &'static str, value: &str, expected: &'static str) -> Self {
        ValueError::Malformed {
            what,
            value: crate::text::excerpt(value),
            expected,
        }
    }

    pub(crate) fn out_of_range(
        what: &'static str,
        value: impl ToString,
        expected: &'static str,
    ) -> Self {
        ValueError::OutOfRange {
            what,
            value: crate::text::excerpt(&value.to_string()),
            expected,
        }
    }
}
