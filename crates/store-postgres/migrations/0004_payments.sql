-- Payments of orders (`PaymentStore`).
--
-- One row per attempt to pay an order. `method` and `status` are the domain's `as_str()`
-- names; `amount` an unconstrained NUMERIC (the scale written is read back); times
-- timestamptz. `provider_reference` is what the provider's callbacks name the payment by
-- (or the reference staff noted): unique per provider when present, which also keeps
-- staff from recording one cheque or transfer twice. Provider and reference use the "C"
-- collation: they are compared byte for byte, as the processor wrote them.
-- A payment refers to its order with a foreign key: a payment of nothing is refused.
CREATE TABLE payments (
    id                  uuid PRIMARY KEY,
    order_id            uuid NOT NULL CONSTRAINT payments_order_fkey REFERENCES orders (id),
    amount              NUMERIC NOT NULL,
    method              TEXT NOT NULL
        CHECK (method IN ('card', 'bank_transfer', 'cheque', 'on_account')),
    status              TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider            TEXT COLLATE "C" NOT NULL,
    provider_reference  TEXT COLLATE "C",
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    failure_reason      TEXT
);

-- `payments_of`: an order's payments, oldest first.
CREATE INDEX payments_order_idx ON payments (order_id, created_at, id);

-- `find_by_provider_reference`, and one payment per reference of a provider.
CREATE UNIQUE INDEX payments_reference_key ON payments (provider, provider_reference)
    WHERE provider_reference IS NOT NULL;
