-- Who may see which order, and the customers' own address books.
--
-- A program sees the orders it placed and no other: the placing account is recorded on
-- the order. Orders placed by programs before this column existed get it back from their
-- history, whose first change names the account's login.
ALTER TABLE orders ADD COLUMN placed_by uuid;

UPDATE orders o SET placed_by = a.id
FROM order_history h
JOIN accounts a ON a.login = h.actor AND a.role = 'program'
WHERE h.order_id = o.id AND h.seq = 1 AND o.source = 'api';

CREATE INDEX orders_by_placed_by ON orders (placed_by, ordered_at DESC)
    WHERE placed_by IS NOT NULL;

-- A person's default delivery and billing addresses, chosen among their own. Like the
-- other links between parties, no foreign keys: parties are never deleted.
CREATE TABLE address_defaults (
    tiers_id             uuid PRIMARY KEY,
    delivery_address_id  uuid,
    billing_address_id   uuid
);
