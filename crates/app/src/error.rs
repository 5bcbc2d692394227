use domain::cart::CartError;
use domain::order::OrderError;
use ports::{Shortage, StockError, StoreError};
use serde::Serialize;
use thiserror::Error;

/// What is wrong with one requested line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProblem {
    /// The line, counted from 1 in the request.
    pub line: usize,
    /// The article as the request named it.
    pub article: String,
    /// A stable code: `unknown_article`, `below_minimum`, `above_maximum`.
    pub code: &'static str,
    /// What to do about it, in words.
    pub message: String,
}

/// Why a use case did not do what it was asked. Nothing was changed, whatever the error.
#[derive(Debug, Error)]
pub enum AppError {
    /// An input is not valid; `field` says which.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault, as the caller named it.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// What was asked for does not exist (or is not the caller's to see).
    #[error("{entity} {key} does not exist")]
    NotFound {
        /// What kind of thing.
        entity: &'static str,
        /// Its key as the caller gave it.
        key: String,
    },
    /// The caller is not who they say (wrong password, unknown, expired or revoked token).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request clashes with what is stored (a duplicate reference, an idempotency key
    /// reused for another request).
    #[error("{message}")]
    Conflict {
        /// A stable code (`duplicate`, `idempotency_key_reused`, ...).
        code: &'static str,
        /// What clashes.
        message: String,
    },
    /// The order's state or rules refuse the change.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// The cart refuses the change.
    #[error(transparent)]
    Cart(#[from] CartError),
    /// Some lines break the catalogue's rules; every one is listed.
    #[error("{} line(s) cannot be ordered: {}", .0.len(), describe_lines(.0))]
    Lines(Vec<LineProblem>),
    /// Some articles do not have enough stock; every one is listed with what is available.
    #[error("not enough stock: {}", describe_shortages(.0))]
    Shortage(Vec<Shortage>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// A stable code for the error, for APIs and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "validation",
            AppError::NotFound { .. } => "not_found",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict { code, .. } => code,
            AppError::Order(e) => e.code(),
            AppError::Cart(_) => "cart",
            AppError::Lines(_) => "invalid_lines",
            AppError::Shortage(_) => "insufficient_stock",
            AppError::Store(StoreError::Retryable(_)) => "busy",
            AppError::Store(StoreError::Unavailable(_)) => "unavailable",
            AppError::Store(_) => "internal",
        }
    }

    /// Whether running the use case again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_retryable())
    }

    pub(crate) fn invalid(field: impl Into<String>, error: impl std::fmt::Display) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: error.to_string(),
        }
    }

    pub(crate) fn not_found(entity: &'static str, key: impl ToString) -> Self {
        AppError::NotFound {
            entity,
            key: key.to_string(),
        }
    }
}

impl From<StockError> for AppError {
    fn from(err: StockError) -> Self {
        match err {
            StockError::Short(shortages) => AppError::Shortage(shortages),
            StockError::UnknownArticle(id) => AppError::not_found("article", id),
            StockError::TooLarge(id) => AppError::invalid(
                "quantity",
                format!("the stock of article {id} would be above the largest stock"),
            ),
            StockError::Store(e) => AppError::Store(e),
        }
    }
}

/// Translates a duplicate into a conflict the caller understands.
pub(crate) fn duplicate_as_conflict(err: StoreError) -> AppError {
    match err {
        StoreError::Duplicate { entity, key } => AppError::Conflict {
            code: "duplicate",
            message: format!("{entity} {key} already exists"),
        },
        other => AppError::Store(other),
    }
}

fn describe_lines(lines: &[LineProblem]) -> String {
    lines
        .iter()
        .map(|l| format!("line {}: {}", l.line, l.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_shortages(shortages: &[Shortage]) -> String {
    shortages
        .iter()
        .map(|s| {
            format!(
                "{} ({} asked, {} available)",
                s.reference, s.requested, s.available
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<domain::billing::BillingError> for AppError {
    fn from(err: domain::billing::BillingError) -> Self {
        AppError::Conflict {
            code: "not_invoiceable",
            message: err.to_string(),
        }
    }
}
