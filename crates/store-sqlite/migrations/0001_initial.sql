-- The whole schema of the SQLite store.
--
-- Encodings (see src/codec.rs): ids are hyphenated lower-case UUIDs; money, rates and other
-- decimals are their exact decimal text; instants are INTEGER microseconds since the Unix
-- epoch, UTC; dates are TEXT 'YYYY-MM-DD'; enums are their `as_str()` names.
-- Tables are STRICT so that a value of the wrong type is refused at write time.
--
-- Orders, carts and articles do not reference parties or VAT codes with foreign keys: the
-- ports do not ask the store to refuse them, and an order copies what it needs anyway.

CREATE TABLE societes (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    parent_id   TEXT,
    site_code   TEXT    UNIQUE,
    email       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX societes_by_parent ON societes (parent_id, name) WHERE parent_id IS NOT NULL;

CREATE TABLE tiers (
    id          TEXT    NOT NULL PRIMARY KEY,
    last_name   TEXT    NOT NULL,
    first_name  TEXT,
    mobile      TEXT,
    email       TEXT,
    -- `Tiers::name_key()`: what name searches match against.
    name_key    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX tiers_by_mobile ON tiers (mobile) WHERE mobile IS NOT NULL;
CREATE INDEX tiers_by_email ON tiers (email) WHERE email IS NOT NULL;

CREATE TABLE adresses (
    id            TEXT    NOT NULL PRIMARY KEY,
    lines         TEXT    NOT NULL,
    postal_code   TEXT    NOT NULL,
    town          TEXT    NOT NULL,
    country       TEXT    NOT NULL,
    access_notes  TEXT,
    landline      TEXT,
    bank_details  TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE societe_tiers (
    id          TEXT NOT NULL PRIMARY KEY,
    societe_id  TEXT NOT NULL REFERENCES societes (id),
    tiers_id    TEXT NOT NULL REFERENCES tiers (id),
    role        TEXT NOT NULL,
    UNIQUE (societe_id, tiers_id, role)
) STRICT;

CREATE INDEX societe_tiers_by_tiers ON societe_tiers (tiers_id);

CREATE TABLE tiers_adresses (
    id          TEXT NOT NULL PRIMARY KEY,
    tiers_id    TEXT NOT NULL REFERENCES tiers (id),
    adresse_id  TEXT NOT NULL REFERENCES adresses (id),
    role        TEXT NOT NULL,
    UNIQUE (tiers_id, adresse_id, role)
) STRICT;

CREATE INDEX tiers_adresses_by_adresse ON tiers_adresses (adresse_id);

CREATE TABLE societe_adresses (
    id          TEXT NOT NULL PRIMARY KEY,
    societe_id  TEXT NOT NULL REFERENCES societes (id),
    adresse_id  TEXT NOT NULL REFERENCES adresses (id),
    role        TEXT NOT NULL,
    UNIQUE (societe_id, adresse_id, role)
) STRICT;

CREATE INDEX societe_adresses_by_adresse ON societe_adresses (adresse_id);

CREATE TABLE vat_codes (
    code        TEXT    NOT NULL PRIMARY KEY,
    label       TEXT    NOT NULL,
    rate        TEXT    NOT NULL,
    is_default  INTEGER NOT NULL CHECK (is_default IN (0, 1))
) STRICT;

-- At most one default code, whatever the writer does.
CREATE UNIQUE INDEX vat_codes_one_default ON vat_codes (is_default) WHERE is_default = 1;

CREATE TABLE articles (
    id             TEXT    NOT NULL PRIMARY KEY,
    reference      TEXT    NOT NULL UNIQUE,
    designation    TEXT    NOT NULL,
    unit_price     TEXT    NOT NULL,
    vat_code       TEXT,
    min_quantity   INTEGER NOT NULL,
    max_per_order  INTEGER,
    stock          INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0 AND stock <= 4294967295)
) STRICT;

CREATE TABLE stock_movements (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    article_id  TEXT    NOT NULL REFERENCES articles (id),
    delta       INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    order_id    TEXT,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    note        TEXT
) STRICT;

CREATE INDEX stock_movements_by_article ON stock_movements (article_id, at, id);

CREATE TABLE sequences (
    series  TEXT    NOT NULL PRIMARY KEY,
    last    INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
    id                   TEXT    NOT NULL PRIMARY KEY,
    -- The number as written (`PAR-000042`); site_code and sequence order it.
    number               TEXT    NOT NULL UNIQUE,
    site_code            TEXT    NOT NULL,
    sequence             INTEGER NOT NULL,
    customer_id          TEXT    NOT NULL,
    payer_id             TEXT    NOT NULL,
    recipient_id         TEXT    NOT NULL,
    delivery_address_id  TEXT    NOT NULL,
    billing_address_id   TEXT,
    site_id              TEXT    NOT NULL,
    taken_by             TEXT,
    source               TEXT    NOT NULL,
    ordered_at           INTEGER NOT NULL,
    planned_delivery     TEXT    NOT NULL,
    global_discount      TEXT    NOT NULL,
    state                TEXT    NOT NULL,
    -- Copies of the pricing, for lists: the order's lines are what it is priced from.
    total_ht             TEXT    NOT NULL,
    total_vat            TEXT    NOT NULL,
    total_ttc            TEXT    NOT NULL
) STRICT;

CREATE INDEX orders_by_time ON orders (ordered_at, site_code, sequence);
CREATE INDEX orders_by_customer ON orders (customer_id, ordered_at);
CREATE INDEX orders_by_site ON orders (site_id, ordered_at);
CREATE INDEX orders_by_state ON orders (state, ordered_at);
CREATE INDEX orders_by_source ON orders (source, ordered_at);

CREATE TABLE order_lines (
    order_id     TEXT    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    article_id   TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    designation  TEXT    NOT NULL,
    quantity     INTEGER NOT NULL,
    unit_price   TEXT    NOT NULL,
    discount     TEXT    NOT NULL,
    vat_rate     TEXT    NOT NULL,
    PRIMARY KEY (order_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_history (
    order_id    TEXT    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    from_state  TEXT,
    to_state    TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    reason      TEXT,
    PRIMARY KEY (order_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE carts (
    id          TEXT    NOT NULL PRIMARY KEY,
    owner_id    TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX carts_by_owner ON carts (owner_id, updated_at) WHERE owner_id IS NOT NULL;

CREATE TABLE cart_items (
    cart_id     TEXT    NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    article_id  TEXT    NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (cart_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE outbox (
    id               TEXT    NOT NULL PRIMARY KEY,
    topic            TEXT    NOT NULL,
    recipient        TEXT,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT
) STRICT;

CREATE INDEX outbox_by_status ON outbox (status, created_at, id);

CREATE TABLE idempotency_keys (
    key           TEXT    NOT NULL PRIMARY KEY,
    request_hash  TEXT    NOT NULL,
    order_id      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE change_log (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    entity     TEXT    NOT NULL,
    entity_id  TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    -- JSON array of strings, one per changed field.
    changes    TEXT    NOT NULL
) STRICT;

CREATE INDEX change_log_by_entity ON change_log (entity, entity_id, at, id);
