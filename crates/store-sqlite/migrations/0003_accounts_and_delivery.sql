-- Accounts and their session tokens (`AccountStore`).
--
-- An account's role is its `AccountRole::as_str()` name; an order taker's site is in
-- `site_id` (and only an order taker has one), the person it belongs to in `tiers_id`
-- (required for order takers and customers, as `Account::check` says). `login` is the
-- account's email, which the domain keeps in lower case: unique as stored.
-- Like orders and carts, accounts do not reference parties with foreign keys: the ports
-- do not ask the store to refuse them.
CREATE TABLE accounts (
    id             TEXT    NOT NULL PRIMARY KEY,
    login          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'order_taker', 'customer')),
    site_id        TEXT,
    tiers_id       TEXT,
    password_hash  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    disabled       INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    CHECK ((role = 'order_taker') = (site_id IS NOT NULL)),
    CHECK (role = 'admin' OR tiers_id IS NOT NULL)
) STRICT;

-- Session tokens, by the hash of the token (the token itself is never stored).
CREATE TABLE session_tokens (
    hash        TEXT    NOT NULL PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT, WITHOUT ROWID;

-- `revoke_tokens_of`: an account's tokens still in force.
CREATE INDEX session_tokens_by_account ON session_tokens (account_id) WHERE revoked_at IS NULL;

-- Outbox delivery needs no new table: `claim_due` reads pending messages through
-- `outbox_by_status` (status, created_at, id) of 0001, in the order it claims them.
