//! Accounts, their password hashes and their session tokens ([`AccountStore`]).

use async_trait::async_trait;
use domain::account::{Account, AccountRole};
use domain::ids::{AccountId, SocieteId, TiersId};
use domain::party::Email;
use ports::{AccountStore, SessionToken, StoreError};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::codec::{micros, Columns};
use crate::error::{is_foreign_key_violation, is_unique_violation, translate, violated_columns};
use crate::tx::SqliteTx;

const ACCOUNT_COLUMNS: &str =
    "id, login, role, site_id, tiers_id, password_hash, created_at, disabled";

/// The account columns of a token's account, joined as `a`, beside the token's as `t`.
const TOKEN_COLUMNS: &str = "t.hash, t.created_at AS token_created_at, t.expires_at, \
     t.revoked_at, a.id, a.login, a.role, a.site_id, a.tiers_id, a.created_at, a.disabled";

/// A role from its stored name and the site column (an order taker's site).
fn role(name: &str, site: Option<SocieteId>) -> Result<AccountRole, String> {
    match (name, site) {
        ("admin", _) => Ok(AccountRole::Admin),
        ("customer", _) => Ok(AccountRole::Customer),
        ("program", _) => Ok(AccountRole::Program),
        ("order_taker", Some(site)) => Ok(AccountRole::OrderTaker { site }),
        ("order_taker", None) => Err("an order taker without a site".to_owned()),
        (other, _) => Err(format!("unknown name {other:?}")),
    }
}

/// The site column of a role: an order taker's site, NULL for the others.
fn site_of(role: AccountRole) -> Option<String> {
    match role {
        AccountRole::OrderTaker { site } => Some(site.to_string()),
        AccountRole::Admin | AccountRole::Customer | AccountRole::Program => None,
    }
}

fn account(row: &SqliteRow) -> Result<Account, StoreError> {
    let c = Columns::new(row, "accounts");
    let site = c.opt_parse("site_id", SocieteId::parse)?;
    Ok(Account {
        id: c.parse("id", AccountId::parse)?,
        login: c.parse("login", Email::new)?,
        role: c.parse("role", |name| role(name, site))?,
        tiers: c.opt_parse("tiers_id", TiersId::parse)?,
        created_at: c.instant("created_at")?,
        disabled: c.int("disabled")? != 0,
    })
}

fn token(row: &SqliteRow, account: AccountId) -> Result<SessionToken, StoreError> {
    let c = Columns::new(row, "session_tokens");
    Ok(SessionToken {
        hash: c.text("hash")?.to_owned(),
        account,
        created_at: c.instant("token_created_at")?,
        expires_at: c.instant("expires_at")?,
        revoked_at: c.opt_instant("revoked_at")?,
    })
}

fn account_not_found(id: AccountId) -> StoreError {
    StoreError::NotFound {
        entity: "account",
        key: id.to_string(),
    }
}

#[async_trait]
impl AccountStore for SqliteTx {
    async fn insert_account(
        &mut self,
        account: &Account,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO accounts (id, login, role, site_id, tiers_id, password_hash, \
             created_at, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(account.id.to_string())
        .bind(account.login.as_str())
        .bind(account.role.as_str())
        .bind(site_of(account.role))
        .bind(account.tiers.map(|t| t.to_string()))
        .bind(password_hash)
        .bind(micros(account.created_at))
        .bind(i64::from(account.disabled))
        .execute(self.conn().await?)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => {
                // The login is what the user knows; the id clashes only by mistake.
                let key = if violated_columns(&err) == ["accounts.id"] {
                    account.id.to_string()
                } else {
                    account.login.as_str().to_owned()
                };
                Err(StoreError::Duplicate {
                    entity: "account",
                    key,
                })
            }
            Err(err) => Err(translate(err)),
        }
    }

    async fn find_account(
        &mut self,
        login: &Email,
    ) -> Result<Option<(Account, String)>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?");
        let row = sqlx::query(&sql)
            .bind(login.as_str())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.map(|row| {
            let hash = Columns::new(&row, "accounts").text("password_hash")?;
            Ok((account(&row)?, hash.to_owned()))
        })
        .transpose()
    }

    async fn get_account(&mut self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(account).transpose()
    }

    async fn set_password(&mut self, id: AccountId, password_hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE accounts SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(id.to_string())
            .execute(self.conn().await?)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(account_not_found(id));
        }
        Ok(())
    }

    async fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE accounts SET disabled = ? WHERE id = ?")
            .bind(i64::from(disabled))
            .bind(id.to_string())
            .execute(self.conn().await?)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(account_not_found(id));
        }
        Ok(())
    }

    async fn insert_token(&mut self, token: &SessionToken) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO session_tokens (hash, account_id, created_at, expires_at, revoked_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&token.hash)
        .bind(token.account.to_string())
        .bind(micros(token.created_at))
        .bind(micros(token.expires_at))
        .bind(token.revoked_at.map(micros))
        .execute(self.conn().await?)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(StoreError::Duplicate {
                entity: "session token",
                key: token.hash.clone(),
            }),
            Err(err) if is_foreign_key_violation(&err) => Err(account_not_found(token.account)),
            Err(err) => Err(translate(err)),
        }
    }

    async fn find_token(
        &mut self,
        hash: &str,
    ) -> Result<Option<(SessionToken, Account)>, StoreError> {
        session(self.conn().await?, hash).await
    }

    async fn revoke_token(&mut self, hash: &str, at: OffsetDateTime) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE session_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL",
        )
        .bind(micros(at))
        .bind(hash)
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_tokens_of(
        &mut self,
        account: AccountId,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE session_tokens SET revoked_at = ? \
             WHERE account_id = ? AND revoked_at IS NULL",
        )
        .bind(micros(at))
        .bind(account.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected())
    }
}

/// The token with this hash and its account, in one statement on any connection (a
/// transaction's, or the readers' pool for [`ports::Database::find_session`]).
pub(crate) async fn session<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    hash: &str,
) -> Result<Option<(SessionToken, Account)>, StoreError> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM session_tokens t \
         JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?"
    );
    let row = sqlx::query(&sql)
        .bind(hash)
        .fetch_optional(executor)
        .await
        .map_err(translate)?;
    row.map(|row| {
        let account = account(&row)?;
        Ok((token(&row, account.id)?, account))
    })
    .transpose()
}
