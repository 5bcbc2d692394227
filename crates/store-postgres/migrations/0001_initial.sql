-- The whole schema of the PostgreSQL store, first version.
--
-- Conventions: ids are uuid; money, prices and rates are unconstrained NUMERIC so that the
-- scale written ("12.50") is the scale read back; times are timestamptz (microseconds, as
-- the clock gives them); enums are TEXT holding the domain's `as_str()` names.
-- Codes, references and names that lists are sorted by use the "C" collation, so that every
-- server sorts them the same way (by code point, as the SQLite store does), whatever its
-- locale.

-- Parties ---------------------------------------------------------------------------------

CREATE TABLE societes (
    id          uuid PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    parent_id   uuid CONSTRAINT societes_parent_fkey REFERENCES societes (id),
    site_code   TEXT COLLATE "C" CONSTRAINT societes_site_code_key UNIQUE,
    email       TEXT,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX societes_parent_idx ON societes (parent_id, name);

CREATE TABLE tiers (
    id          uuid PRIMARY KEY,
    last_name   TEXT COLLATE "C" NOT NULL,
    first_name  TEXT COLLATE "C",
    mobile      TEXT,
    email       TEXT,
    -- `Tiers::name_key()`: both names, case and accents folded, for name searches.
    name_key    TEXT NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX tiers_mobile_idx ON tiers (mobile) WHERE mobile IS NOT NULL;
CREATE INDEX tiers_email_idx ON tiers (email) WHERE email IS NOT NULL;
CREATE INDEX tiers_names_idx ON tiers (last_name, first_name);

CREATE TABLE adresses (
    id            uuid PRIMARY KEY,
    lines         TEXT NOT NULL,
    postal_code   TEXT NOT NULL,
    town          TEXT NOT NULL,
    country       TEXT NOT NULL,
    access_notes  TEXT,
    landline      TEXT,
    bank_details  TEXT,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE societe_tiers (
    id          uuid PRIMARY KEY,
    societe_id  uuid NOT NULL CONSTRAINT societe_tiers_societe_fkey REFERENCES societes (id),
    tiers_id    uuid NOT NULL CONSTRAINT societe_tiers_tiers_fkey REFERENCES tiers (id),
    role        TEXT NOT NULL CHECK (role IN ('internal', 'customer', 'payer', 'recipient')),
    CONSTRAINT societe_tiers_link_key UNIQUE (societe_id, tiers_id, role)
);
CREATE INDEX societe_tiers_tiers_idx ON societe_tiers (tiers_id);

CREATE TABLE tiers_adresses (
    id          uuid PRIMARY KEY,
    tiers_id    uuid NOT NULL CONSTRAINT tiers_adresses_tiers_fkey REFERENCES tiers (id),
    adresse_id  uuid NOT NULL CONSTRAINT tiers_adresses_adresse_fkey REFERENCES adresses (id),
    role        TEXT NOT NULL CHECK (role IN ('internal', 'customer', 'payer', 'recipient')),
    CONSTRAINT tiers_adresses_link_key UNIQUE (tiers_id, adresse_id, role)
);
CREATE INDEX tiers_adresses_adresse_idx ON tiers_adresses (adresse_id);

CREATE TABLE societe_adresses (
    id          uuid PRIMARY KEY,
    societe_id  uuid NOT NULL CONSTRAINT societe_adresses_societe_fkey REFERENCES societes (id),
    adresse_id  uuid NOT NULL CONSTRAINT societe_adresses_adresse_fkey REFERENCES adresses (id),
    role        TEXT NOT NULL CHECK (role IN ('internal', 'customer', 'payer', 'recipient')),
    CONSTRAINT societe_adresses_link_key UNIQUE (societe_id, adresse_id, role)
);
CREATE INDEX societe_adresses_adresse_idx ON societe_adresses (adresse_id);

-- Catalogue -------------------------------------------------------------------------------

CREATE TABLE vat_codes (
    code        TEXT COLLATE "C" PRIMARY KEY,
    label       TEXT NOT NULL,
    rate        NUMERIC NOT NULL,
    is_default  BOOLEAN NOT NULL
);
-- At most one default: two transactions making different codes the default at once cannot
-- both commit (the second is told to try again, and then clears the first one's default).
CREATE UNIQUE INDEX vat_codes_one_default ON vat_codes (is_default) WHERE is_default;

CREATE TABLE articles (
    id             uuid PRIMARY KEY,
    reference      TEXT COLLATE "C" NOT NULL CONSTRAINT articles_reference_key UNIQUE,
    designation    TEXT NOT NULL,
    unit_price     NUMERIC NOT NULL,
    -- No foreign key: an article may name a code the table does not have yet, which
    -- pricing reports (`domain::vat::rate_for`).
    vat_code       TEXT,
    min_quantity   INTEGER NOT NULL,
    max_per_order  INTEGER,
    stock          BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0 AND stock <= 4294967295)
);

CREATE TABLE stock_movements (
    id          BIGSERIAL PRIMARY KEY,
    article_id  uuid NOT NULL REFERENCES articles (id),
    delta       BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    order_id    uuid,
    at          timestamptz NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX stock_movements_article_idx ON stock_movements (article_id, at, id);

-- Number series -----------------------------------------------------------------------------

CREATE TABLE sequences (
    series  TEXT PRIMARY KEY,
    last    BIGINT NOT NULL
);

-- Orders ------------------------------------------------------------------------------------

-- The parties of an order have no foreign keys: an order keeps what it was placed with, and
-- parties are never deleted.
CREATE TABLE orders (
    id                   uuid PRIMARY KEY,
    -- The order number, `site_code-seq`, kept as its two parts so that it sorts as numbers.
    site_code            TEXT COLLATE "C" NOT NULL,
    seq                  BIGINT NOT NULL,
    customer_id          uuid NOT NULL,
    payer_id             uuid NOT NULL,
    recipient_id         uuid NOT NULL,
    delivery_address_id  uuid NOT NULL,
    billing_address_id   uuid,
    site_id              uuid NOT NULL,
    taken_by             uuid,
    source               TEXT NOT NULL,
    ordered_at           timestamptz NOT NULL,
    planned_delivery     date NOT NULL,
    global_discount      NUMERIC NOT NULL,
    state                TEXT NOT NULL,
    -- Totals as priced when stored, for lists and reports; the order itself is re-priced
    -- from its lines when read, and must agree with them.
    total_ht             NUMERIC NOT NULL,
    total_ht_net         NUMERIC NOT NULL,
    total_vat            NUMERIC NOT NULL,
    total_ttc            NUMERIC NOT NULL,
    CONSTRAINT orders_number_key UNIQUE (site_code, seq)
);
CREATE INDEX orders_ordered_at_idx ON orders (ordered_at, site_code, seq);
CREATE INDEX orders_customer_idx ON orders (customer_id, ordered_at);
CREATE INDEX orders_site_idx ON orders (site_id, ordered_at);
CREATE INDEX orders_state_idx ON orders (state, ordered_at);
CREATE INDEX orders_source_idx ON orders (source, ordered_at);

CREATE TABLE order_lines (
    order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    article_id   uuid NOT NULL,
    reference    TEXT NOT NULL,
    designation  TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    unit_price   NUMERIC NOT NULL,
    discount     NUMERIC NOT NULL,
    vat_rate     NUMERIC NOT NULL,
    PRIMARY KEY (order_id, position)
);

CREATE TABLE order_history (
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- 1 for the creation, then one more per change of state.
    seq         INTEGER NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    at          timestamptz NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT,
    PRIMARY KEY (order_id, seq)
);

-- Carts -------------------------------------------------------------------------------------

CREATE TABLE carts (
    id          uuid PRIMARY KEY,
    owner_id    uuid,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX carts_owner_idx ON carts (owner_id, updated_at) WHERE owner_id IS NOT NULL;

CREATE TABLE cart_items (
    cart_id     uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    -- The item's place in the cart, from 1, to keep the order in which items were added.
    position    INTEGER NOT NULL,
    article_id  uuid NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (cart_id, position)
);

-- Messages, idempotency keys, change log -----------------------------------------------------

CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    topic            TEXT NOT NULL,
    recipient        TEXT,
    payload          jsonb NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    last_error       TEXT
);
CREATE INDEX outbox_status_idx ON outbox (status, created_at, id);

CREATE TABLE idempotency_keys (
    key           TEXT PRIMARY KEY,
    request_hash  TEXT NOT NULL,
    order_id      uuid NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE change_log (
    id         BIGSERIAL PRIMARY KEY,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    at         timestamptz NOT NULL,
    actor      TEXT NOT NULL,
    changes    TEXT[] NOT NULL
);
CREATE INDEX change_log_entity_idx ON change_log (entity, entity_id, at, id);
