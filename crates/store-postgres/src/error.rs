//! Translation of sqlx and PostgreSQL errors into [`StoreError`]s.
//!
//! Most expected conflicts never reach here as errors: inserts use `ON CONFLICT DO NOTHING`
//! and updates check their unique columns in the same statement, because a failed
//! statement aborts the whole PostgreSQL transaction, where the caller may want to go on.
//! What does reach here is a real failure, or a race that those checks could not see.

use ports::StoreError;
use sqlx::migrate::MigrateError;

/// Unique violation.
const UNIQUE_VIOLATION: &str = "23505";
/// Foreign key violation.
const FOREIGN_KEY_VIOLATION: &str = "23503";

/// Whether an SQLSTATE says the transaction lost a conflict and may be tried again:
/// deadlock, serialization failure, lock time-out.
pub(crate) fn is_retryable_code(code: &str) -> bool {
    matches!(code, "40P01" | "40001" | "55P03")
}

/// Whether an SQLSTATE says the server cannot be used: connection exceptions (class 08),
/// shutdowns, too many connections, a database that does not exist, refused credentials.
fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("28")
        || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "3D000")
}

/// Translates any sqlx error.
pub(crate) fn translate(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let constraint = db.constraint().unwrap_or_default().to_owned();
            let key =
                key_from_detail(error_detail(db.as_ref())).unwrap_or_else(|| constraint.clone());
            if is_retryable_code(&code) {
                StoreError::Retryable(Box::new(error))
            } else if is_unavailable_code(&code) {
                StoreError::Unavailable(Box::new(error))
            } else if code == UNIQUE_VIOLATION && constraint == ONE_DEFAULT_VAT_CODE {
                // Two transactions made different codes the default at once: the one that
                // waited sees the other's default only now, and clears it if run again.
                StoreError::Retryable(Box::new(error))
            } else if code == UNIQUE_VIOLATION {
                StoreError::Duplicate {
                    entity: unique_entity(&constraint),
                    key,
                }
            } else if code == FOREIGN_KEY_VIOLATION {
                StoreError::NotFound {
                    entity: referenced_entity(&constraint),
                    key,
                }
            } else {
                StoreError::Other(Box::new(error))
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(Box::new(error)),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. } => StoreError::Corrupt(error.to_string()),
        _ => StoreError::Other(Box::new(error)),
    }
}

/// Translates an error where a unique violation can only mean that `entity` `key` exists.
pub(crate) fn unique_as(error: sqlx::Error, entity: &'static str, key: String) -> StoreError {
    match &error {
        sqlx::Error::Database(db)
            if db.code().as_deref() == Some(UNIQUE_VIOLATION)
                && db.constraint() != Some(ONE_DEFAULT_VAT_CODE) =>
        {
            StoreError::Duplicate { entity, key }
        }
        _ => translate(error),
    }
}

/// Translates a migration failure.
pub(crate) fn migration(error: MigrateError) -> StoreError {
    match error {
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => translate(e),
        other => StoreError::Other(Box::new(other)),
    }
}

/// The partial unique index that keeps one default VAT code.
const ONE_DEFAULT_VAT_CODE: &str = "vat_codes_one_default";

fn unique_entity(constraint: &str) -> &'static str {
    match constraint {
        "articles_pkey" | "articles_reference_key" => "article",
        "orders_pkey" | "orders_number_key" => "order",
        "societes_site_code_key" => "site",
        "societes_pkey" => "societe",
        "tiers_pkey" => "tiers",
        "adresses_pkey" => "adresse",
        "outbox_pkey" => "message",
        "idempotency_keys_pkey" => "idempotency key",
        "carts_pkey" => "cart",
        "accounts_pkey" | "accounts_login_key" => "account",
        "session_tokens_pkey" => "session token",
        "payments_pkey" => "payment",
        "payments_reference_key" => "payment reference",
        c if c.starts_with("societe_tiers")
            || c.starts_with("tiers_adresses")
            || c.starts_with("societe_adresses") =>
        {
            "link"
        }
        _ => "record",
    }
}

fn referenced_entity(constraint: &str) -> &'static str {
    if constraint.ends_with("_societe_fkey") || constraint == "societes_parent_fkey" {
        "societe"
    } else if constraint.ends_with("_tiers_fkey") {
        "tiers"
    } else if constraint.ends_with("_adresse_fkey") {
        "adresse"
    } else if constraint.starts_with("stock_movements") {
        "article"
    } else if constraint.starts_with("order_") {
        "order"
    } else if constraint.starts_with("cart_items") {
        "cart"
    } else if constraint == "session_tokens_account_fkey" {
        "account"
    } else if constraint == "payments_order_fkey" {
        "order"
    } else {
        "referenced row"
    }
}

fn error_detail(db: &dyn sqlx::error::DatabaseError) -> Option<&str> {
    db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .and_then(|pg| pg.detail())
}

/// The value in a PostgreSQL detail such as `Key (reference)=(VIS-M6) already exists.`
fn key_from_detail(detail: Option<&str>) -> Option<String> {
    let detail = detail?;
    let start = detail.find(")=(")? + 3;
    let rest = &detail[start..];
    let end = rest.rfind(')')?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_details() {
        assert_eq!(
            key_from_detail(Some("Key (reference)=(VIS-M6) already exists.")).as_deref(),
            Some("VIS-M6")
        );
        assert_eq!(
            key_from_detail(Some("Key (site_code, seq)=(PAR, 1) already exists.")).as_deref(),
            Some("PAR, 1")
        );
        assert_eq!(key_from_detail(Some("nothing")), None);
        assert_eq!(key_from_detail(None), None);
    }

    #[test]
    fn codes_are_classified() {
        for code in ["40P01", "40001", "55P03"] {
            assert!(is_retryable_code(code));
        }
        for code in ["08006", "57P01", "53300", "3D000", "28P01"] {
            assert!(is_unavailable_code(code));
        }
        assert!(!is_retryable_code("23505"));
        assert!(!is_unavailable_code("23505"));
    }
}
