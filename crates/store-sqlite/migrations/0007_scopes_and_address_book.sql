-- Who may see which order, and the customers' own address books.
--
-- A program sees the orders it placed and no other: the placing account is recorded on
-- the order. Orders placed by programs before this column existed get it back from their
-- history, whose first change names the account's login.
ALTER TABLE orders ADD COLUMN placed_by TEXT;

UPDATE orders SET placed_by = (
    SELECT a.id
    FROM order_history h
    JOIN accounts a ON a.login = h.actor AND a.role = 'program'
    WHERE h.order_id = orders.id AND h.seq = (
        SELECT min(seq) FROM order_history WHERE order_id = orders.id
    )
)
WHERE source = 'api';

CREATE INDEX orders_by_placed_by ON orders (placed_by, ordered_at) WHERE placed_by IS NOT NULL;

-- A person's default delivery and billing addresses, chosen among their own.
CREATE TABLE address_defaults (
    tiers_id             TEXT NOT NULL PRIMARY KEY REFERENCES tiers (id) ON DELETE CASCADE,
    delivery_address_id  TEXT REFERENCES adresses (id),
    billing_address_id   TEXT REFERENCES adresses (id)
) STRICT;
