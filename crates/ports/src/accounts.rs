use async_trait::async_trait;
use domain::account::Account;
use domain::ids::AccountId;
use domain::party::Email;
use thiserror::Error;
use time::OffsetDateTime;

use crate::StoreError;

/// A login session: a random token given to the user, of which only a hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    /// The hash of the token (the token itself is never stored).
    pub hash: String,
    /// The account it logs in.
    pub account: AccountId,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

/// Accounts, their password hashes and their session tokens.
#[async_trait]
pub trait AccountStore: Send {
    /// Stores a new account with its password hash.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"account"`, key: the login) when the login is
    /// already an account's.
    async fn insert_account(
        &mut self,
        account: &Account,
        password_hash: &str,
    ) -> Result<(), StoreError>;

    /// The account with this login, with its password hash.
    async fn find_account(
        &mut self,
        login: &Email,
    ) -> Result<Option<(Account, String)>, StoreError>;

    /// The account with this id.
    async fn get_account(&mut self, id: AccountId) -> Result<Option<Account>, StoreError>;

    /// Replaces an account's password hash.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account is not stored.
    async fn set_password(&mut self, id: AccountId, password_hash: &str) -> Result<(), StoreError>;

    /// Enables or disables an account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account is not stored.
    async fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<(), StoreError>;

    /// Stores a session token.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when a token with this hash exists.
    async fn insert_token(&mut self, token: &SessionToken) -> Result<(), StoreError>;

    /// The token with this hash and its account, whether it is still valid or not.
    async fn find_token(
        &mut self,
        hash: &str,
    ) -> Result<Option<(SessionToken, Account)>, StoreError>;

    /// Revokes a token; `false` when there is none with this hash or it was revoked already.
    async fn revoke_token(&mut self, hash: &str, at: OffsetDateTime) -> Result<bool, StoreError>;

    /// Revokes every token of an account that is not revoked yet; gives how many.
    async fn revoke_tokens_of(
        &mut self,
        account: AccountId,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError>;
}

/// A password hash could not be made.
#[derive(Debug, Error)]
#[error("the password could not be hashed: {0}")]
pub struct HashError(pub String);

/// Hashes and checks passwords (argon2id in production).
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait PasswordHasher: Send + Sync {
    /// A hash of the password, with its own random salt, in a self-describing form
    /// (PHC string).
    ///
    /// # Errors
    /// [`HashError`] when hashing fails.
    fn hash(&self, password: &str) -> Result<String, HashError>;

    /// Whether the password matches the hash; `false` for a malformed hash.
    fn verify(&self, password: &str, hash: &str) -> bool;
}
