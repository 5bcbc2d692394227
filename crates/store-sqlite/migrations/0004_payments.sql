-- Payments of orders (`PaymentStore`).
--
-- One row per attempt to pay an order. `method` and `status` are the domain's
-- `as_str()` names; `amount` is exact decimal text; times are microseconds since the
-- epoch, UTC. `provider_reference` is what the provider's callbacks name the payment by
-- (or the reference staff noted): unique per provider when present, which also keeps
-- staff from recording one cheque or transfer twice.
-- A payment refers to its order with a foreign key: a payment of nothing is refused.
CREATE TABLE payments (
    id                  TEXT    NOT NULL PRIMARY KEY,
    order_id            TEXT    NOT NULL REFERENCES orders (id),
    amount              TEXT    NOT NULL,
    method              TEXT    NOT NULL
        CHECK (method IN ('card', 'bank_transfer', 'cheque', 'on_account')),
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider            TEXT    NOT NULL,
    provider_reference  TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    failure_reason      TEXT
) STRICT;

-- `payments_of`: an order's payments, oldest first.
CREATE INDEX payments_by_order ON payments (order_id, created_at, id);

-- `find_by_provider_reference`, and one payment per reference of a provider.
CREATE UNIQUE INDEX payments_by_reference ON payments (provider, provider_reference)
    WHERE provider_reference IS NOT NULL;
