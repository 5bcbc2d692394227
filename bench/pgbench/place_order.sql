-- The writes of one order placement, as the PostgreSQL store makes them, without the
-- application: lock and update three articles' stock, record three movements, take an
-- order number, insert the order with its three lines and two history rows, queue one
-- message. Same rows, same tables, same indexes, same number of statements for the writes.
\set a1 random(1, 200)
\set a2 random(1, 200)
\set a3 random(1, 200)
BEGIN;
SELECT a.id, a.reference, a.stock FROM articles a
    WHERE a.id IN (SELECT id FROM bench_articles WHERE n IN (:a1, :a2, :a3))
    ORDER BY a.id FOR UPDATE;
WITH d AS (SELECT id FROM bench_articles WHERE n IN (:a1, :a2, :a3)),
     u AS (UPDATE articles a SET stock = a.stock - 1 FROM d WHERE a.id = d.id RETURNING a.id)
INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note)
    SELECT id, -1, 'order_validated', NULL, now(), 'pgbench', NULL FROM u;
SELECT next_order_number('PGB');
WITH o AS (
    INSERT INTO orders (id, site_code, seq, customer_id, payer_id, recipient_id, delivery_address_id,
        billing_address_id, site_id, taken_by, source, ordered_at, planned_delivery, global_discount,
        state, total_ht, total_ht_net, total_vat, total_ttc)
    VALUES (gen_random_uuid(), 'PGB', currval('order_number_pgb'), gen_random_uuid(), gen_random_uuid(),
        gen_random_uuid(), gen_random_uuid(), NULL, gen_random_uuid(), NULL, 'online', now(),
        current_date + 2, 0, 'VALIDATED', 47.48, 47.48, 8.05, 55.53)
    RETURNING id),
l AS (
    INSERT INTO order_lines (order_id, position, article_id, reference, designation, quantity, unit_price, discount, vat_rate)
    SELECT o.id, b.n, b.id, b.reference, b.designation, 1, b.unit_price, 0, 20
    FROM o, bench_articles b WHERE b.n IN (:a1, :a2, :a3))
INSERT INTO order_history (order_id, seq, from_state, to_state, at, actor, reason)
    SELECT o.id, s.seq, s.from_state, s.to_state, now(), 'pgbench', NULL
    FROM o, (VALUES (1, NULL, 'DRAFT'), (2, 'DRAFT', 'VALIDATED')) AS s(seq, from_state, to_state);
INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, next_attempt_at, last_error)
    VALUES (gen_random_uuid(), 'order_confirmation', 'client@example.fr',
        '{"order": {"number": "PGB-000001", "lines": [1, 2, 3]}, "customer": {"name": "Bench"}}',
        'pending', 0, now(), now(), NULL);
COMMIT;
