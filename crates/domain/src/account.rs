//! Accounts: who can log in, and as what. Staff are administrators or order takers
//! attached to a site; customers have an account tied to the person (tiers) they are.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AccountId, SocieteId, TiersId};
use crate::party::Email;
use crate::ValueError;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountRole {
    /// Back-office staff: everything.
    Admin,
    /// An order taker at a site: orders they take carry their site and their name.
    OrderTaker {
        /// Their site.
        site: SocieteId,
    },
    /// A customer: their own carts, orders and details only.
    Customer,
    /// Another program (a marketplace, an ERP): places orders of source `api` and sees
    /// those only; no person behind it.
    Program,
}

impl AccountRole {
    /// The role's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Admin => "admin",
            AccountRole::OrderTaker { .. } => "order_taker",
            AccountRole::Customer => "customer",
            AccountRole::Program => "program",
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// What the user logs in with: their email, unique among accounts.
    pub login: Email,
    /// What it may do.
    pub role: AccountRole,
    /// The person it belongs to; required for order takers and customers.
    pub tiers: Option<TiersId>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// A disabled account cannot log in and its tokens stop working.
    pub disabled: bool,
}

impl Account {
    /// Checks that the role has the person it needs.
    ///
    /// # Errors
    /// [`ValueError::Empty`] for an order taker or a customer without a person.
    pub fn check(&self) -> Result<(), ValueError> {
        match (self.role, self.tiers) {
            (AccountRole::OrderTaker { .. } | AccountRole::Customer, None) => {
                Err(ValueError::Empty {
                    what: "the person of an order taker's or a customer's account",
                })
            }
            _ => Ok(()),
        }
    }
}

/// A password as typed, checked for length; never printed, never stored (only its hash).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The shortest accepted password, in characters.
    pub const MIN_LEN: usize = 12;
    /// The longest accepted password, in characters.
    pub const MAX_LEN: usize = 256;

    /// Checks a password: 12 to 256 characters, not only spaces.
    ///
    /// # Errors
    /// [`ValueError`] saying what is wrong, never showing the password.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let len = raw.chars().count();
        if raw.trim().is_empty() {
            return Err(ValueError::Empty { what: "a password" });
        }
        if len < Self::MIN_LEN {
            return Err(ValueError::OutOfRange {
                what: "a password",
                value: format!("of {len} characters"),
                expected: "at least 12 characters",
            });
        }
        if len > Self::MAX_LEN {
            return Err(ValueError::TooLong {
                what: "a password",
                len,
                max: Self::MAX_LEN,
            });
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked_and_never_shown() {
        assert!(Password::new("short").is_err());
        assert!(Password::new(&" ".repeat(20)).is_err());
        assert!(Password::new(&"x".repeat(257)).is_err());
        let p = Password::new("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
        let err = Password::new("hunter2").unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn staff_and_customers_need_their_person() {
        let account = Account {
            id: AccountId::from_u128(1),
            login: Email::new("a@example.fr").unwrap(),
            role: AccountRole::Customer,
            tiers: None,
            created_at: time::macros::datetime!(2026-01-01 0:00 UTC),
            disabled: false,
        };
        assert!(account.check().is_err());
        assert!(Account {
            role: AccountRole::Admin,
            ..account.clone()
        }
        .check()
        .is_ok());
        assert!(Account {
            tiers: Some(TiersId::from_u128(2)),
            ..account
        }
        .check()
        .is_ok());
    }
}
