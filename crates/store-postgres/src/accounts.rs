//! Accounts, their password hashes and their session tokens.

use async_trait::async_trait;
use domain::account::{Account, AccountRole};
use domain::ids::{AccountId, SocieteId, TiersId};
use domain::party::Email;
use ports::{AccountStore, SessionToken, StoreError};
use sqlx::postgres::PgRow;
use time::OffsetDateTime;

use crate::codec::{opt_uuid, uuid, Cols};
use crate::db::PostgresTransaction;
use crate::error::unique_as;

macro_rules! select_account {
    ($rest:literal) => {
        concat!(
            "SELECT id, login, role, site_id, tiers_id, password_hash, created_at, disabled \
             FROM accounts ",
            $rest
        )
    };
}

/// A role from its stored name and the site column (an order taker's site).
fn role(name: &str, site: Option<SocieteId>) -> Result<AccountRole, String> {
    match (name, site) {
        ("admin", _) => Ok(AccountRole::Admin),
        ("customer", _) => Ok(AccountRole::Customer),
        ("program", _) => Ok(AccountRole::Program),
        ("order_taker", Some(site)) => Ok(AccountRole::OrderTaker { site }),
        ("order_taker", None) => Err("an order taker without a site".to_owned()),
        (other, _) => Err(format!("{other:?} is not an account role")),
    }
}

/// The site column of a role: an order taker's site, NULL for the others.
fn site_of(role: AccountRole) -> Option<u128> {
    match role {
        AccountRole::OrderTaker { site } => Some(site.as_u128()),
        AccountRole::Admin | AccountRole::Customer | AccountRole::Program => None,
    }
}

fn account(row: &PgRow) -> Result<Account, StoreError> {
    let c = Cols::new(row, "accounts");
    let site = c.opt_id("site_id")?.map(SocieteId::from_u128);
    Ok(Account {
        id: AccountId::from_u128(c.id("id")?),
        login: c.parse("login", Email::new)?,
        role: c.parse("role", |name| role(name, site))?,
        tiers: c.opt_id("tiers_id")?.map(TiersId::from_u128),
        created_at: c.get("created_at")?,
        disabled: c.get("disabled")?,
    })
}

fn token(row: &PgRow, account: AccountId) -> Result<SessionToken, StoreError> {
    let c = Cols::new(row, "session_tokens");
    Ok(SessionToken {
        hash: c.get("hash")?,
        account,
        created_at: c.get("token_created_at")?,
        expires_at: c.get("expires_at")?,
        revoked_at: c.get("revoked_at")?,
    })
}

fn account_not_found(id: AccountId) -> StoreError {
    StoreError::NotFound {
        entity: "account",
        key: id.to_string(),
    }
}

#[async_trait]
impl AccountStore for PostgresTransaction {
    async fn insert_account(
        &mut self,
        account: &Account,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        // A second transaction inserting the same login waits for the first, then does
        // nothing if the first committed: it is told the login is taken, and the
        // transaction stays usable.
        let login = account.login.as_str();
        let r = sqlx::query(
            "INSERT INTO accounts (id, login, role, site_id, tiers_id, password_hash, \
                                   created_at, disabled) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(uuid(account.id.as_u128()))
        .bind(login)
        .bind(account.role.as_str())
        .bind(opt_uuid(site_of(account.role)))
        .bind(opt_uuid(account.tiers.map(TiersId::as_u128)))
        .bind(password_hash)
        .bind(account.created_at)
        .bind(account.disabled)
        .execute(self.conn())
        .await;
        let done = self
            .check(r)
            .map_err(|e| unique_as(e, "account", login.to_owned()))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let r = sqlx::query_as::<_, (bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE login = $1), \
                    EXISTS (SELECT 1 FROM accounts WHERE id = $2)",
        )
        .bind(login)
        .bind(uuid(account.id.as_u128()))
        .fetch_one(self.conn())
        .await;
        Err(match self.done(r)? {
            (true, _) => StoreError::Duplicate {
                entity: "account",
                key: login.to_owned(),
            },
            // The login is what the user knows; the id clashes only by mistake.
            (false, true) => StoreError::Duplicate {
                entity: "account",
                key: account.id.to_string(),
            },
            // Not possible while accounts are never deleted.
            (false, false) => StoreError::Retryable("a concurrent change of accounts".into()),
        })
    }

    async fn find_account(
        &mut self,
        login: &Email,
    ) -> Result<Option<(Account, String)>, StoreError> {
        let r = sqlx::query(select_account!("WHERE login = $1"))
            .bind(login.as_str())
            .fetch_optional(self.conn())
            .await;
        let Some(row) = self.done(r)? else {
            return Ok(None);
        };
        let hash = Cols::new(&row, "accounts").get("password_hash")?;
        Ok(Some((account(&row)?, hash)))
    }

    async fn get_account(&mut self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let r = sqlx::query(select_account!("WHERE id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(account).transpose()
    }

    async fn set_password(&mut self, id: AccountId, password_hash: &str) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
            .bind(uuid(id.as_u128()))
            .bind(password_hash)
            .execute(self.conn())
            .await;
        if self.done(r)?.rows_affected() == 0 {
            return Err(account_not_found(id));
        }
        Ok(())
    }

    async fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE accounts SET disabled = $2 WHERE id = $1")
            .bind(uuid(id.as_u128()))
            .bind(disabled)
            .execute(self.conn())
            .await;
        if self.done(r)?.rows_affected() == 0 {
            return Err(account_not_found(id));
        }
        Ok(())
    }

    async fn insert_token(&mut self, token: &SessionToken) -> Result<(), StoreError> {
        // Neither a taken hash nor an unknown account fails the statement (which would
        // abort the transaction): nothing is inserted, and a second query says why.
        let account = uuid(token.account.as_u128());
        let r = sqlx::query(
            "INSERT INTO session_tokens (hash, account_id, created_at, expires_at, revoked_at) \
             SELECT $1, $2, $3, $4, $5 \
             WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&token.hash)
        .bind(account)
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.revoked_at)
        .execute(self.conn())
        .await;
        let done = self
            .check(r)
            .map_err(|e| unique_as(e, "session token", token.hash.clone()))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let r = sqlx::query_as::<_, (bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM session_tokens WHERE hash = $1), \
                    EXISTS (SELECT 1 FROM accounts WHERE id = $2)",
        )
        .bind(&token.hash)
        .bind(account)
        .fetch_one(self.conn())
        .await;
        Err(match self.done(r)? {
            (true, _) => StoreError::Duplicate {
                entity: "session token",
                key: token.hash.clone(),
            },
            (false, false) => account_not_found(token.account),
            // The account was being inserted by a transaction that has committed since.
            (false, true) => StoreError::Retryable("a concurrent change of accounts".into()),
        })
    }

    async fn find_token(
        &mut self,
        hash: &str,
    ) -> Result<Option<(SessionToken, Account)>, StoreError> {
        let r = session_query(hash).fetch_optional(self.conn()).await;
        let Some(row) = self.done(r)? else {
            return Ok(None);
        };
        let account = account(&row)?;
        Ok(Some((token(&row, account.id)?, account)))
    }

    async fn revoke_token(&mut self, hash: &str, at: OffsetDateTime) -> Result<bool, StoreError> {
        // Two transactions revoking the same token: the second waits for the first's row
        // lock, then finds it revoked (READ COMMITTED re-checks the WHERE) and gives false.
        let r = sqlx::query(
            "UPDATE session_tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .bind(at)
        .execute(self.conn())
        .await;
        Ok(self.done(r)?.rows_affected() == 1)
    }

    async fn revoke_tokens_of(
        &mut self,
        account: AccountId,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE session_tokens SET revoked_at = $2 \
             WHERE account_id = $1 AND revoked_at IS NULL",
        )
        .bind(uuid(account.as_u128()))
        .bind(at)
        .execute(self.conn())
        .await;
        Ok(self.done(r)?.rows_affected())
    }
}

/// The statement that finds a token and its account.
fn session_query(
    hash: &str,
) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(
        "SELECT t.hash, t.created_at AS token_created_at, t.expires_at, t.revoked_at, \
                a.id, a.login, a.role, a.site_id, a.tiers_id, a.created_at, a.disabled \
         FROM session_tokens t JOIN accounts a ON a.id = t.account_id \
         WHERE t.hash = $1",
    )
    .bind(hash)
}

/// The token with this hash and its account, in one statement outside any transaction
/// (for [`ports::Database::find_session`]).
pub(crate) async fn session(
    pool: &sqlx::PgPool,
    hash: &str,
) -> Result<Option<(SessionToken, Account)>, StoreError> {
    let row = session_query(hash)
        .fetch_optional(pool)
        .await
        .map_err(crate::error::translate)?;
    row.map(|row| {
        let account = account(&row)?;
        Ok((token(&row, account.id)?, account))
    })
    .transpose()
}
