//! The reads of an order placement in one statement, and its writes in another.
//!
//! The reads: one `UNION ALL` of the rows asked for (the site, the people, the addresses,
//! the articles, the VAT codes, the idempotency key), each branch giving its own table's
//! columns under their own names and NULL for the others'. Each row is then read back by
//! the same function that reads that table's rows everywhere else. The writes: the order's
//! own INSERT (with its lines and history), followed by its messages' and its idempotency
//! key's, all as CTEs of one statement.

use std::sync::LazyLock;

use async_trait::async_trait;
use ports::{
    PlacementContext, PlacementQuery, PlacementStore, PlacementWrites, SiteKey, StockError,
    StoreError,
};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::Postgres;

use crate::catalogue::{article, vat_code};
use crate::codec::{uuid, uuids, Cols};
use crate::db::PostgresTransaction;
use crate::idempotency::record;
use crate::orders::{bind_new_order, bind_placed_by, duplicate_order, insert_order_ctes};
use crate::parties::{adresse, societe, tiers};
use crate::stock::{take_stock_ctes, StockBinds};

/// Every column of the union, with its type (each branch must give every column the same
/// type, NULL included).
const COLUMNS: &[(&str, &str)] = &[
    ("id", "uuid"),
    ("name", "text"),
    ("parent_id", "uuid"),
    ("site_code", "text"),
    ("email", "text"),
    ("siren", "text"),
    ("vat_number", "text"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    ("last_name", "text"),
    ("first_name", "text"),
    ("mobile", "text"),
    ("lines", "text"),
    ("postal_code", "text"),
    ("town", "text"),
    ("country", "text"),
    ("access_notes", "text"),
    ("landline", "text"),
    ("bank_details", "text"),
    ("reference", "text"),
    ("designation", "text"),
    ("unit_price", "numeric"),
    ("vat_code", "text"),
    ("min_quantity", "integer"),
    ("max_per_order", "integer"),
    ("stock", "bigint"),
    ("code", "text"),
    ("label", "text"),
    ("rate", "numeric"),
    ("is_default", "boolean"),
    ("key", "text"),
    ("request_hash", "text"),
    ("order_id", "uuid"),
    ("number", "bigint"),
];

const SOCIETE: &[&str] = &[
    "id",
    "name",
    "parent_id",
    "site_code",
    "email",
    "siren",
    "vat_number",
    "created_at",
    "updated_at",
];
const TIERS: &[&str] = &[
    "id",
    "last_name",
    "first_name",
    "mobile",
    "email",
    "created_at",
    "updated_at",
];
const ADRESSE: &[&str] = &[
    "id",
    "lines",
    "postal_code",
    "town",
    "country",
    "access_notes",
    "landline",
    "bank_details",
    "created_at",
    "updated_at",
];
const ARTICLE: &[&str] = &[
    "id",
    "reference",
    "designation",
    "unit_price",
    "vat_code",
    "min_quantity",
    "max_per_order",
    "stock",
];
const VAT_CODE: &[&str] = &["code", "label", "rate", "is_default"];
const IDEMPOTENCY: &[&str] = &["key", "request_hash", "order_id", "created_at"];

/// The branches: what kind of row, which columns, from where. The binds: $1 the site's
/// id, $2 the site's code (one of them NULL), $3 the people, $4 the addresses, $5 the
/// articles, $6 the idempotency key, $7 whether to take an order number: from the site's
/// own sequence (`next_order_number`, migration 0002), only for a site and a key not used.
const BRANCHES: &[(&str, &[&str], &str)] = &[
    ("site", SOCIETE, "FROM societes WHERE id = $1"),
    ("site", SOCIETE, "FROM societes WHERE site_code = $2"),
    ("person", TIERS, "FROM tiers WHERE id = ANY ($3)"),
    ("address", ADRESSE, "FROM adresses WHERE id = ANY ($4)"),
    ("article", ARTICLE, "FROM articles WHERE id = ANY ($5)"),
    ("vat_code", VAT_CODE, "FROM vat_codes"),
    ("key", IDEMPOTENCY, "FROM idempotency_keys WHERE key = $6"),
    (
        "number",
        &["number"],
        "FROM (SELECT next_order_number(site_code) AS number FROM societes \
               WHERE (id = $1 OR site_code = $2) AND site_code IS NOT NULL AND $7::boolean \
                 AND NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = $6)) n",
    ),
];

static PLACEMENT_SQL: LazyLock<String> = LazyLock::new(|| {
    let branches: Vec<String> = BRANCHES
        .iter()
        .map(|(kind, own, from)| {
            let columns: Vec<String> = COLUMNS
                .iter()
                .map(|(name, ty)| {
                    if own.contains(name) {
                        format!("{name}::{ty} AS {name}")
                    } else {
                        format!("NULL::{ty} AS {name}")
                    }
                })
                .collect();
            format!(
                "SELECT '{kind}'::text AS kind, {} {from}",
                columns.join(", ")
            )
        })
        .collect();
    branches.join(" UNION ALL ")
});

/// After the order's CTEs: its messages ($33 to $41, one array per column) and its
/// idempotency key ($42 to $44, the key NULL when there is none), each written only when
/// the order was.
macro_rules! messages_and_key_ctes {
    () => {
        ", new_messages AS ( \
            INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, \
                                next_attempt_at, last_error) \
            SELECT m.id, m.topic, m.recipient, m.payload::jsonb, m.status, m.attempts, \
                   m.created_at, m.next_attempt_at, m.last_error \
            FROM o, UNNEST($33::uuid[], $34::text[], $35::text[], $36::text[], $37::text[], \
                           $38::bigint[], $39::timestamptz[], $40::timestamptz[], \
                           $41::text[]) \
                    AS m (id, topic, recipient, payload, status, attempts, created_at, \
                          next_attempt_at, last_error) \
            ON CONFLICT DO NOTHING \
            RETURNING 1 \
        ), new_key AS ( \
            INSERT INTO idempotency_keys (key, request_hash, order_id, created_at) \
            SELECT $42::text, $43::text, o.id, $44::timestamptz FROM o \
            WHERE $42::text IS NOT NULL \
            ON CONFLICT DO NOTHING \
            RETURNING 1 \
        ) "
    };
}

/// How many orders, messages and keys were written.
macro_rules! written_counts {
    () => {
        "(SELECT count(*) FROM o) AS orders, (SELECT count(*) FROM new_messages) AS messages, \
         (SELECT count(*) FROM new_key) AS keys"
    };
}

/// The order (binds $1 to $32, its placing account $45), its messages and its key; gives how many of each were
/// written.
const RECORD_PLACEMENT: &str = concat!(
    "WITH ",
    insert_order_ctes!("TRUE", "$45"),
    messages_and_key_ctes!(),
    "SELECT ",
    written_counts!()
);

/// The stock first ($45 to $53, the placing account $54), then the order, its messages and its key only when the
/// stock was taken: one statement. Gives the locked articles with the stock's verdict and
/// how many of each were written.
const RECORD_WITH_STOCK: &str = concat!(
    "WITH ",
    take_stock_ctes!("$45", "$46", "$47", "$48", "$49", "$50", "$51", "$52", "$53"),
    ", ",
    insert_order_ctes!("(SELECT ok FROM verdict)", "$54"),
    messages_and_key_ctes!(),
    "SELECT l.id, l.reference, l.stock, v.ok, ",
    written_counts!(),
    " FROM verdict v LEFT JOIN locked l ON TRUE"
);

#[async_trait]
impl PlacementStore for PostgresTransaction {
    async fn placement_context(
        &mut self,
        query: &PlacementQuery<'_>,
    ) -> Result<PlacementContext, StoreError> {
        let (site_id, site_code) = match query.site {
            SiteKey::Id(id) => (Some(uuid(id.as_u128())), None),
            SiteKey::Code(code) => (None, Some(code.as_str())),
        };
        let r = sqlx::query(PLACEMENT_SQL.as_str())
            .bind(site_id)
            .bind(site_code)
            .bind(uuids(query.people.iter().map(|id| id.as_u128())))
            .bind(uuids(query.addresses.iter().map(|id| id.as_u128())))
            .bind(uuids(query.articles.iter().map(|id| id.as_u128())))
            .bind(query.idempotency_key)
            .bind(query.take_order_number)
            .fetch_all(self.conn())
            .await;
        let rows = self.done(r)?;
        let mut context = PlacementContext::default();
        for row in &rows {
            let kind: &str = Cols::new(row, "placement").get("kind")?;
            match kind {
                "site" => context.site = Some(societe(row)?),
                "person" => context.people.push(tiers(row)?),
                "address" => context.addresses.push(adresse(row)?),
                "article" => context.articles.push(article(row)?),
                "vat_code" => context.vat_codes.push(vat_code(row)?),
                "key" => context.idempotency = Some(record(row)?),
                "number" => {
                    let c = Cols::new(row, "order number");
                    context.order_number = Some(c.map("number", |n: i64| u64::try_from(n))?);
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
        if writes.movements.is_empty() {
            let query = bind_writes(sqlx::query(RECORD_PLACEMENT), writes)?;
            let query = bind_placed_by(query, writes.order);
            let r = query.fetch_one(self.conn()).await;
            let row = self.done(r)?;
            return Ok(written(&row, writes)?);
        }
        let query = bind_writes(sqlx::query(RECORD_WITH_STOCK), writes)?;
        let (query, judge) = StockBinds::of(writes.movements).bind(query);
        let query = bind_placed_by(query, writes.order);
        let r = query.fetch_all(self.conn()).await;
        let rows = self.done(r)?;
        // Refused for the stock: nothing was written.
        judge.levels(&rows)?;
        match rows.first() {
            Some(row) => Ok(written(row, writes)?),
            None => Err(StoreError::Corrupt("placement: no row given back".to_owned()).into()),
        }
    }
}

/// Whether everything was written, from the counts a placement's statement gave back: a
/// duplicate order, message or key otherwise.
fn written(row: &PgRow, writes: &PlacementWrites<'_>) -> Result<(), StoreError> {
    let c = Cols::new(row, "placement");
    if c.get::<i64>("orders")? != 1 {
        return Err(duplicate_order(writes.order));
    }
    let messages = c.get::<i64>("messages")?;
    if usize::try_from(messages).ok() != Some(writes.messages.len()) {
        return Err(StoreError::duplicate_messages(writes.messages));
    }
    match writes.idempotency {
        Some(key) if c.get::<i64>("keys")? != 1 => {
            Err(StoreError::duplicate_idempotency_key(&key.key))
        }
        _ => Ok(()),
    }
}

/// Binds the order ($1 to $32), its messages ($33 to $41) and its key ($42 to $44).
fn bind_writes<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    writes: &PlacementWrites<'_>,
) -> Result<sqlx::query::Query<'q, Postgres, PgArguments>, StoreError> {
    let messages = writes.messages;
    let mut payloads = Vec::with_capacity(messages.len());
    for m in messages {
        payloads
            .push(serde_json::to_string(&m.payload).map_err(|e| StoreError::Other(Box::new(e)))?);
    }
    let key = writes.idempotency;
    Ok(bind_new_order(query, writes.order)
        .bind(uuids(messages.iter().map(|m| m.id.as_u128())))
        .bind(messages.iter().map(|m| m.topic.clone()).collect::<Vec<_>>())
        .bind(
            messages
                .iter()
                .map(|m| m.recipient.clone())
                .collect::<Vec<_>>(),
        )
        .bind(payloads)
        .bind(
            messages
                .iter()
                .map(|m| m.status.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            messages
                .iter()
                .map(|m| i64::from(m.attempts))
                .collect::<Vec<_>>(),
        )
        .bind(messages.iter().map(|m| m.created_at).collect::<Vec<_>>())
        .bind(
            messages
                .iter()
                .map(|m| m.next_attempt_at)
                .collect::<Vec<_>>(),
        )
        .bind(
            messages
                .iter()
                .map(|m| m.last_error.clone())
                .collect::<Vec<_>>(),
        )
        .bind(key.map(|k| k.key.clone()))
        .bind(key.map(|k| k.request_hash.clone()))
        .bind(key.map(|k| k.created_at)))
}
