-- Accounts of other programs (`AccountRole::Program`): no site, no person.
--
-- SQLite cannot change a table's CHECK constraints: the table is built again with them.
-- Session tokens refer to accounts, so their foreign key is deferred to the commit: the
-- rows are kept aside, the table dropped (its tokens are orphans for a moment), made
-- again under the same name and filled back, which gives every token its account again.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE accounts_kept AS SELECT * FROM accounts;

DROP TABLE accounts;

CREATE TABLE accounts (
    id             TEXT    NOT NULL PRIMARY KEY,
    login          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL
        CHECK (role IN ('admin', 'order_taker', 'customer', 'program')),
    site_id        TEXT,
    tiers_id       TEXT,
    password_hash  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    disabled       INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    CHECK ((role = 'order_taker') = (site_id IS NOT NULL)),
    CHECK (role IN ('admin', 'program') OR tiers_id IS NOT NULL),
    CHECK (role <> 'program' OR tiers_id IS NULL)
) STRICT;

INSERT INTO accounts (id, login, role, site_id, tiers_id, password_hash, created_at, disabled)
    SELECT id, login, role, site_id, tiers_id, password_hash, created_at, disabled
    FROM accounts_kept;

DROP TABLE accounts_kept;
