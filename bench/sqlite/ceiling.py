"""The SQLite ceiling for the writes of one order placement, without the application.

Runs, on a database file oms-bench has just filled (so it holds the project's schema and
the articles), as many transactions as it can for a while, each doing what the SQLite
store does for one order: BEGIN IMMEDIATE; read and update three articles' stock, record
three movements, take the next number of the site's series, insert the order, its three
lines, its two history rows and one outbox message; COMMIT. Same pragmas as the store
(WAL, synchronous as given). One connection: SQLite has one writer at a time.

    python3 bench/sqlite/ceiling.py target/bench.db --seconds 15 [--synchronous NORMAL]
"""

import argparse
import random
import sqlite3
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--synchronous", default="NORMAL", choices=["OFF", "NORMAL", "FULL"])
    args = parser.parse_args()

    db = sqlite3.connect(args.database, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA synchronous = {args.synchronous}")
    db.execute("PRAGMA foreign_keys = ON")
    articles = db.execute("SELECT id, reference, designation, unit_price FROM articles").fetchall()
    if len(articles) < 3:
        raise SystemExit("the database holds no articles: run oms-bench on it first")

    done = 0
    latencies = []
    deadline = time.perf_counter() + args.seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        t = time.perf_counter()
        picked = random.sample(articles, 3)
        ids = sorted(a[0] for a in picked)
        now = time.time_ns() // 1000
        order = str(uuid.uuid4())
        db.execute("BEGIN IMMEDIATE")
        marks = ",".join("?" * 3)
        db.execute(f"SELECT id, reference, stock FROM articles WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
        for article in ids:
            db.execute("UPDATE articles SET stock = stock - 1 WHERE id = ?", (article,))
        db.execute(
            "INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note) VALUES "
            + ",".join(["(?, -1, 'order_validated', ?, ?, 'ceiling', NULL)"] * 3),
            [v for article in ids for v in (article, order, now)],
        )
        (seq,) = db.execute(
            "INSERT INTO sequences (series, last) VALUES ('order:SQB', 1) "
            "ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last"
        ).fetchone()
        db.execute(
            "INSERT INTO orders VALUES (?, ?, 'SQB', ?, ?, ?, ?, ?, NULL, ?, NULL, 'online', ?, '2026-05-12', '0', "
            "'VALIDATED', '47.48', '8.05', '55.53')",
            (order, f"SQB-{seq:06}", seq, *(str(uuid.uuid4()) for _ in range(5)), now),
        )
        db.execute(
            "INSERT INTO order_lines VALUES " + ",".join(["(?, ?, ?, ?, ?, 1, ?, '0', '20')"] * 3),
            [v for i, a in enumerate(picked) for v in (order, i + 1, a[0], a[1], a[2], a[3])],
        )
        db.execute(
            "INSERT INTO order_history VALUES (?, 1, NULL, 'DRAFT', ?, 'ceiling', NULL), "
            "(?, 2, 'DRAFT', 'VALIDATED', ?, 'ceiling', NULL)",
            (order, now, order, now),
        )
        db.execute(
            "INSERT INTO outbox VALUES (?, 'order_confirmation', 'client@example.fr', ?, 'pending', 0, ?, ?, NULL)",
            (str(uuid.uuid4()), '{"order": {"number": "SQB"}, "customer": {"name": "Bench"}}', now, now),
        )
        db.execute("COMMIT")
        done += 1
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(
        f"database=sqlite synchronous={args.synchronous} transactions={done} elapsed={elapsed:.2f}s "
        f"rate={done / elapsed:.0f} tx/s p50={p(0.50):.2f}ms p99={p(0.99):.2f}ms"
    )


if __name__ == "__main__":
    main()
