//! The reads of an order placement in one statement, and its writes in one query.
//!
//! Each statement of a write transaction is a round trip to the writer connection's
//! thread while the write lock is held, so the six reads of a placement are asked in one
//! `UNION ALL`: each branch gives its own table's columns under their own names and NULL
//! for the others', and each row is read back by the function that reads that table's rows
//! everywhere else. The order, its messages and its idempotency key are then written by
//! one query of several statements, built by the same functions as their own INSERTs.

use std::sync::LazyLock;

use async_trait::async_trait;
use ports::{
    PlacementContext, PlacementQuery, PlacementStore, PlacementWrites, SiteKey, StockError,
    StockStore, StoreError,
};
use sqlx::QueryBuilder;

use crate::catalogue::{article, vat_code, ARTICLE_COLUMNS, VAT_CODE_COLUMNS};
use crate::codec::Columns;
use crate::error::{is_constraint_violation, is_unique_violation, translate, violated_columns};
use crate::idempotency::{push_key, record, IDEMPOTENCY_COLUMNS};
use crate::orders::{order_conflict, push_order, OrderColumns};
use crate::outbox::{payloads, push_messages};
use crate::parties::{adresse, societe, tiers, ADRESSE_COLUMNS, SOCIETE_COLUMNS, TIERS_COLUMNS};
use crate::stock::{push_insert, Batch};
use crate::tx::SqliteTx;

/// The branches: what kind of row, which columns, from where. The binds: ?1 the site's id,
/// ?2 the site's code (one of them NULL), ?3 the people, ?4 the addresses, ?5 the articles
/// (each a JSON array of ids), ?6 the idempotency key.
const BRANCHES: &[(&str, &str, &str)] = &[
    ("site", SOCIETE_COLUMNS, "FROM societes WHERE id = ?1"),
    (
        "site",
        SOCIETE_COLUMNS,
        "FROM societes WHERE site_code = ?2",
    ),
    (
        "person",
        TIERS_COLUMNS,
        "FROM tiers WHERE id IN (SELECT value FROM json_each(?3))",
    ),
    (
        "address",
        ADRESSE_COLUMNS,
        "FROM adresses WHERE id IN (SELECT value FROM json_each(?4))",
    ),
    (
        "article",
        ARTICLE_COLUMNS,
        "FROM articles WHERE id IN (SELECT value FROM json_each(?5))",
    ),
    ("vat_code", VAT_CODE_COLUMNS, "FROM vat_codes"),
    (
        "key",
        IDEMPOTENCY_COLUMNS,
        "FROM idempotency_keys WHERE key = ?6",
    ),
];

fn names(columns: &str) -> impl Iterator<Item = &str> {
    columns.split(',').map(str::trim)
}

static PLACEMENT_SQL: LazyLock<String> = LazyLock::new(|| {
    // Every column of every branch, once, in order of first appearance.
    let mut all: Vec<&str> = Vec::new();
    for (_, columns, _) in BRANCHES {
        for name in names(columns) {
            if !all.contains(&name) {
                all.push(name);
            }
        }
    }
    let branches: Vec<String> = BRANCHES
        .iter()
        .map(|(kind, columns, from)| {
            let own: Vec<&str> = names(columns).collect();
            let selected: Vec<String> = all
                .iter()
                .map(|name| {
                    if own.contains(name) {
                        format!("{name} AS {name}")
                    } else {
                        format!("NULL AS {name}")
                    }
                })
                .collect();
            format!("SELECT '{kind}' AS kind, {} {from}", selected.join(", "))
        })
        .collect();
    branches.join(" UNION ALL ")
});

/// The placement's reads, after taking the order number of the site (series
/// `order:<code>`, as `next_order_number` takes it) when it is a site and the idempotency
/// key was not used: the INSERT's RETURNING row comes first, of kind `number`.
static PLACEMENT_WITH_NUMBER_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO sequences (series, last) \
         SELECT 'order:' || site_code, 1 FROM societes \
         WHERE (id = ?1 OR site_code = ?2) AND site_code IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = ?6) \
         ON CONFLICT (series) DO UPDATE SET last = last + 1 \
         RETURNING 'number' AS kind, last AS number;\n{}",
        PLACEMENT_SQL.as_str()
    )
});

/// Ids as a JSON array of their text.
fn json_ids<T: ToString>(ids: &[T]) -> String {
    let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
    serde_json::to_string(&texts).unwrap_or_else(|_| "[]".to_owned())
}

#[async_trait]
impl PlacementStore for SqliteTx {
    async fn placement_context(
        &mut self,
        query: &PlacementQuery<'_>,
    ) -> Result<PlacementContext, StoreError> {
        let (site_id, site_code) = match query.site {
            SiteKey::Id(id) => (Some(id.to_string()), None),
            SiteKey::Code(code) => (None, Some(code.as_str())),
        };
        // Taking a number writes: asked for only when wanted, so that a read transaction
        // can ask for the rest.
        let reads = if query.take_order_number {
            PLACEMENT_WITH_NUMBER_SQL.as_str()
        } else {
            PLACEMENT_SQL.as_str()
        };
        // The placement's first query: the transaction's opening (its savepoint) goes in
        // the same round trip.
        let (conn, opening) = self.conn_and_opening();
        let opened;
        let sql = match opening {
            Some(opening) => {
                opened = format!("{opening};\n{reads}");
                opened.as_str()
            }
            None => reads,
        };
        let rows = sqlx::query(sql)
            .bind(site_id)
            .bind(site_code)
            .bind(json_ids(query.people))
            .bind(json_ids(query.addresses))
            .bind(json_ids(query.articles))
            .bind(query.idempotency_key)
            .fetch_all(conn)
            .await
            .map_err(translate)?;
        let mut context = PlacementContext::default();
        for row in &rows {
            match Columns::new(row, "placement").text("kind")? {
                "site" => context.site = Some(societe(row)?),
                "person" => context.people.push(tiers(row)?),
                "address" => context.addresses.push(adresse(row)?),
                "article" => context.articles.push(article(row)?),
                "vat_code" => context.vat_codes.push(vat_code(row)?),
                "key" => context.idempotency = Some(record(row)?),
                "number" => {
                    let c = Columns::new(row, "sequences");
                    context.order_number = Some(c.int_as("number")?);
                }
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "placement: unknown kind of row {other:?}"
                    )))
                }
            }
        }
        // As `list_vat_codes` gives them.
        context.vat_codes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(context)
    }

    async fn record_placement(&mut self, writes: &PlacementWrites<'_>) -> Result<(), StockError> {
        let batch = Batch::of(writes.movements);
        let together = batch.in_one_statement(writes.movements);
        if !together {
            // Too many movements for one statement, or an article both taken from and
            // given to: checked first, then recorded, as `apply_movements` does.
            self.apply_movements(writes.movements).await?;
        }
        let columns = OrderColumns::of(writes.order);
        let payloads = payloads(writes.messages)?;
        let mut sql = QueryBuilder::new("");
        // The movements first: when SQLite refuses them (a stock out of bounds, an unknown
        // article), it undoes that statement and runs none after it.
        let movements_first = together && !writes.movements.is_empty();
        if movements_first {
            push_insert(&mut sql, writes.movements);
            sql.push(";\n");
        }
        push_order(&mut sql, &columns, writes.order);
        if !writes.messages.is_empty() {
            sql.push(";\n");
            push_messages(&mut sql, writes.messages, &payloads);
        }
        if let Some(key) = writes.idempotency {
            sql.push(";\n");
            push_key(&mut sql, key);
        }
        let err = match sql.build().execute(self.conn().await?).await {
            Ok(_) => return Ok(()),
            Err(err) => err,
        };
        let refused = if is_unique_violation(&err) {
            let violated = violated_columns(&err);
            if violated.iter().any(|c| c == "outbox.id") {
                StoreError::duplicate_messages(writes.messages)
            } else if violated.iter().any(|c| c == "idempotency_keys.key") {
                StoreError::duplicate_idempotency_key(
                    writes.idempotency.map_or("", |k| k.key.as_str()),
                )
            } else {
                order_conflict(err, &columns)
            }
        } else if movements_first && is_constraint_violation(&err) {
            // The only constraints but unique keys that these statements can break are the
            // movements' (a stock out of bounds, an unknown article): that statement was
            // refused and undone, and none after it ran.
            return Err(batch.refusal(self.conn().await?, err).await);
        } else {
            translate(err)
        };
        Err(StockError::Store(refused))
    }
}
