//! Accounts and sessions: the first administrator (from the command line), staff accounts,
//! customers' own accounts, logging in and out, and who a session token stands for.
//!
//! Passwords are hashed with argon2id ([`ports::PasswordHasher`]); session tokens are 256
//! random bits given to the user once, of which only a SHA-256 hash is stored, so a copy of
//! the database lets nobody log in.

use domain::account::{Account, AccountRole, Password};
use domain::ids::{AccountId, TiersId};
use domain::order::Actor;
use domain::party::Email;
use ports::{SessionToken, StoreError, TxMode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::parties::{NewCustomer, RegisteredCustomer};
use crate::{Access, App, AppError, Caller};

/// A session opened by logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// The token to send as `Authorization: Bearer <token>`; shown once, never stored.
    pub token: String,
    /// The account logged in.
    pub account: Account,
    /// When the token stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The prefix of every session token, so a leaked token is easy to recognise.
const TOKEN_PREFIX: &str = "oms_";

/// The stored form of a token.
fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn duplicate_login(err: StoreError) -> AppError {
    match err {
        StoreError::Duplicate { key, .. } => AppError::Conflict {
            code: "duplicate",
            message: format!("an account with the login {key} already exists"),
        },
        other => AppError::Store(other),
    }
}

impl App {
    fn hash_password(&self, password: &Password) -> Result<String, AppError> {
        self.hasher
            .hash(password.expose())
            .map_err(|e| AppError::Store(StoreError::Other(Box::new(e))))
    }

    /// Creates an administrator: how a fresh install gets its first one, from the command
    /// line (there is no default password). Also how an administrator adds another.
    ///
    /// # Errors
    /// [`AppError::Conflict`] when the login is taken; [`AppError::Forbidden`] unless the
    /// caller is the system (the command line) or staff.
    pub async fn create_admin(
        &self,
        caller: &Caller,
        login: &Email,
        password: &Password,
    ) -> Result<Account, AppError> {
        self.create_account(caller, login, password, AccountRole::Admin, None)
            .await
    }

    /// Creates a staff account: an administrator, or an order taker attached to a site
    /// (the site and the person must exist).
    ///
    /// # Errors
    /// [`AppError::Conflict`] when the login is taken; [`AppError::Invalid`] for a missing
    /// site or person; [`AppError::Forbidden`] unless the caller is an administrator or the
    /// system.
    pub async fn create_account(
        &self,
        caller: &Caller,
        login: &Email,
        password: &Password,
        role: AccountRole,
        tiers: Option<TiersId>,
    ) -> Result<Account, AppError> {
        if !matches!(caller.access, Access::Staff | Access::System) {
            return Err(AppError::Forbidden(
                "only an administrator creates accounts".to_owned(),
            ));
        }
        let account = Account {
            id: AccountId::from_u128(self.ids.next_id()),
            login: login.clone(),
            role,
            tiers,
            created_at: self.now(),
            disabled: false,
        };
        account.check().map_err(|e| AppError::invalid("tiers", e))?;
        let hash = self.hash_password(password)?;
        transaction!(self, TxMode::Write, |tx| {
            if let AccountRole::OrderTaker { site } = role {
                let is_site = tx.get_societe(site).await?.is_some_and(|s| s.is_site());
                if !is_site {
                    return Err(AppError::invalid("site", format!("{site} is not a site")));
                }
            }
            if let Some(tiers) = tiers {
                if tx.get_tiers(tiers).await?.is_none() {
                    return Err(AppError::invalid(
                        "tiers",
                        format!("person {tiers} does not exist"),
                    ));
                }
            }
            tx.insert_account(&account, &hash)
                .await
                .map_err(duplicate_login)?;
            Ok(())
        })?;
        Ok(account)
    }

    /// A new customer opens their own account: the person, their company and address
    /// (as [`App::register_customer`]) and a customer account logging in with their email.
    ///
    /// # Errors
    /// [`AppError::Invalid`] without an email; [`AppError::Conflict`] when an account
    /// already uses it.
    pub async fn sign_up(
        &self,
        new: &NewCustomer,
        password: &Password,
    ) -> Result<(Account, RegisteredCustomer), AppError> {
        let login =
            new.details.email.clone().ok_or_else(|| {
                AppError::invalid("email", "an email is needed to open an account")
            })?;
        let hash = self.hash_password(password)?;
        transaction!(self, TxMode::Read, |tx| {
            if tx.find_account(&login).await?.is_some() {
                return Err(duplicate_login(StoreError::Duplicate {
                    entity: "account",
                    key: login.to_string(),
                }));
            }
            Ok(())
        })?;
        let registered = self.register_customer(&Caller::system(), new).await?;
        let account = Account {
            id: AccountId::from_u128(self.ids.next_id()),
            login,
            role: AccountRole::Customer,
            tiers: Some(registered.tiers.id),
            created_at: self.now(),
            disabled: false,
        };
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_account(&account, &hash)
                .await
                .map_err(duplicate_login)?;
            Ok(())
        })?;
        Ok((account, registered))
    }

    /// Logs in: checks the password and opens a session. The answer for an unknown login
    /// and for a wrong password is the same, and takes as long.
    ///
    /// # Errors
    /// [`AppError::Unauthorized`] for a wrong login or password or a disabled account.
    pub async fn log_in(&self, login: &Email, password: &str) -> Result<Session, AppError> {
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(login).await?)
        })?;
        let refused = || AppError::Unauthorized("wrong login or password".to_owned());
        let Some((account, hash)) = found else {
            // Spend the time a real check takes, so timing tells nothing.
            let _ = self.hasher.verify(password, DUMMY_HASH);
            return Err(refused());
        };
        if !self.hasher.verify(password, &hash) || account.disabled {
            return Err(refused());
        }
        let now = self.now();
        let lifetime = match account.role {
            AccountRole::Customer => self.settings.customer_session,
            AccountRole::Admin | AccountRole::OrderTaker { .. } | AccountRole::Program => {
                self.settings.staff_session
            }
        };
        let (token, record) = self.new_session_token(&account, now + lifetime);
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_token(&record).await?;
            Ok(())
        })?;
        Ok(Session {
            token,
            account,
            expires_at: record.expires_at,
        })
    }

    /// A new session token of an account: the token itself (256 random bits, given once)
    /// and its record (to store: its hash only).
    pub(crate) fn new_session_token(
        &self,
        account: &Account,
        expires_at: time::OffsetDateTime,
    ) -> (String, SessionToken) {
        let token = format!(
            "{TOKEN_PREFIX}{:032x}{:032x}",
            self.ids.secret(),
            self.ids.secret()
        );
        let record = SessionToken {
            hash: token_hash(&token),
            account: account.id,
            created_at: self.now(),
            expires_at,
            revoked_at: None,
        };
        (token, record)
    }

    /// Who a session token stands for.
    ///
    /// # Errors
    /// [`AppError::Unauthorized`] for an unknown, expired or revoked token, or a disabled
    /// account.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, AppError> {
        let refused = |why: &str| AppError::Unauthorized(why.to_owned());
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Err(refused("the token is not a session token"));
        }
        let hash = token_hash(token);
        let found = self.db.find_session(&hash).await?;
        let Some((session, account)) = found else {
            return Err(refused("unknown token"));
        };
        if session.revoked_at.is_some() {
            return Err(refused("the token was revoked: log in again"));
        }
        if session.expires_at <= self.now() {
            return Err(refused("the token expired: log in again"));
        }
        if account.disabled {
            return Err(refused("the account is disabled"));
        }
        caller_of(&account)
    }

    /// Logs out: the token stops working.
    ///
    /// # Errors
    /// [`AppError::Unauthorized`] for an unknown or already revoked token.
    pub async fn log_out(&self, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        let now = self.now();
        let revoked = transaction!(self, TxMode::Write, |tx| {
            Ok(tx.revoke_token(&hash, now).await?)
        })?;
        if revoked {
            Ok(())
        } else {
            Err(AppError::Unauthorized(
                "unknown or revoked token".to_owned(),
            ))
        }
    }

    /// Disables or enables an account; disabling also revokes its sessions.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Forbidden`] unless an administrator.
    pub async fn set_account_disabled(
        &self,
        caller: &Caller,
        id: AccountId,
        disabled: bool,
    ) -> Result<(), AppError> {
        if !matches!(caller.access, Access::Staff | Access::System) {
            return Err(AppError::Forbidden(
                "only an administrator disables accounts".to_owned(),
            ));
        }
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            tx.set_disabled(id, disabled).await.map_err(|e| match e {
                StoreError::NotFound { .. } => AppError::not_found("account", id),
                other => AppError::Store(other),
            })?;
            if disabled {
                tx.revoke_tokens_of(id, now).await?;
            }
            Ok(())
        })
    }
}

impl App {
    /// The id of the account the caller logged in with: `None` for callers that are not
    /// an account (the system, a program's internal caller).
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn account_id_of(&self, caller: &Caller) -> Result<Option<AccountId>, AppError> {
        let Ok(login) = Email::new(caller.actor.as_str()) else {
            return Ok(None);
        };
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(&login).await?)
        })?;
        Ok(found.map(|(account, _)| account.id))
    }
}

/// The caller an account stands for. The name recorded with their changes is their login.
pub fn caller_of(account: &Account) -> Result<Caller, AppError> {
    let actor = Actor::new(account.login.as_str())
        .map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))?;
    let access = match (account.role, account.tiers) {
        (AccountRole::Admin, _) => Access::Staff,
        (AccountRole::Program, _) => Access::Program(account.id),
        (AccountRole::OrderTaker { site }, Some(tiers)) => Access::OrderTaker { site, tiers },
        (AccountRole::Customer, Some(tiers)) => Access::Customer(tiers),
        (_, None) => {
            return Err(AppError::Store(StoreError::Corrupt(format!(
                "account {} has no person",
                account.id
            ))))
        }
    };
    Ok(Caller { access, actor })
}

/// A valid argon2id hash of a password nobody knows, checked when the login is unknown so
/// that an unknown login takes as long to refuse as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Z3Ki0bIY1T6Z5Kx7HL2Kx7YPZr3zqkSQ9ZxGpDzB2tM";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        use argon2::password_hash::PasswordHash;
        let parsed = PasswordHash::new(DUMMY_HASH).expect("a PHC string argon2 reads");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        // Checking a password against it runs the whole computation, and fails.
        assert!(!ports::PasswordHasher::verify(
            &crate::system::Argon2Hasher,
            "guess",
            DUMMY_HASH
        ));
    }

    #[test]
    fn tokens_are_stored_as_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
