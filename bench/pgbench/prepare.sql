-- Prepares a database that oms-bench has just measured (so it holds the project's schema,
-- a site and the articles) for the pgbench ceiling: numbered articles pgbench can pick at
-- random, and an order to hang the history rows' sizes on.
DROP TABLE IF EXISTS bench_articles;
CREATE TABLE bench_articles AS
    SELECT row_number() OVER (ORDER BY reference)::int AS n, id, reference, designation, unit_price
    FROM articles;
ALTER TABLE bench_articles ADD PRIMARY KEY (n);
ANALYZE bench_articles;
