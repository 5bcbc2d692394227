-- Accounts and their session tokens (`AccountStore`).
--
-- An account's role is its `AccountRole::as_str()` name; an order taker's site is in
-- `site_id` (and only an order taker has one), the person it belongs to in `tiers_id`
-- (required for order takers and customers, as `Account::check` says). `login` is the
-- account's email, which the domain keeps in lower case: unique as stored.
-- Like orders, accounts do not reference parties with foreign keys: the ports do not ask
-- the store to refuse them.
CREATE TABLE accounts (
    id             uuid PRIMARY KEY,
    login          TEXT COLLATE "C" NOT NULL CONSTRAINT accounts_login_key UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'order_taker', 'customer')),
    site_id        uuid,
    tiers_id       uuid,
    password_hash  TEXT NOT NULL,
    created_at     timestamptz NOT NULL,
    disabled       BOOLEAN NOT NULL,
    CONSTRAINT accounts_site_of_order_takers CHECK ((role = 'order_taker') = (site_id IS NOT NULL)),
    CONSTRAINT accounts_person_of_staff_and_customers CHECK (role = 'admin' OR tiers_id IS NOT NULL)
);

-- Session tokens, by the hash of the token (the token itself is never stored).
CREATE TABLE session_tokens (
    hash        TEXT COLLATE "C" PRIMARY KEY,
    account_id  uuid NOT NULL CONSTRAINT session_tokens_account_fkey REFERENCES accounts (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

-- `revoke_tokens_of`: an account's tokens still in force.
CREATE INDEX session_tokens_account_idx ON session_tokens (account_id) WHERE revoked_at IS NULL;

-- Outbox delivery needs no new table: `claim_due` reads pending messages through
-- `outbox_status_idx` (status, created_at, id) of 0001, in the order it claims them, and
-- locks them with FOR UPDATE SKIP LOCKED.
