//! Orders, with their lines and state history ([`OrderStore`]).
//!
//! An order is a row of `orders`, its lines in `order_lines` and its history in
//! `order_history`; it is rebuilt through `Commande::from_parts`, which checks that it
//! holds together, and its pricing is computed again from its lines (the totals stored in
//! `orders` are copies, for lists).

use async_trait::async_trait;
use domain::catalogue::{ArticleReference, Designation};
use domain::ids::{AccountId, AdresseId, ArticleId, CommandeId, SocieteId, TiersId};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{
    Actor, Commande, CommandeParts, Ligne, LineDraft, OrderNumber, OrderParties, OrderSource,
    OrderState, Reason, StateChange,
};
use domain::vat::VatRate;
use ports::{OrderQuery, OrderStore, OrderSummary, Page, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

use crate::codec::{
    date_text, decimal_text, limit, micros, offset, total, Columns, ROWS_PER_STATEMENT,
};
use crate::error::{is_foreign_key_violation, translate, violated_columns};
use crate::tx::SqliteTx;

const ORDER_COLUMNS: &str = "id, number, customer_id, payer_id, recipient_id, \
     delivery_address_id, billing_address_id, site_id, taken_by, placed_by, source, ordered_at, \
     planned_delivery, global_discount, state";

const SUMMARY_COLUMNS: &str =
    "id, number, customer_id, site_id, source, state, ordered_at, planned_delivery, total_ttc";

/// Newest first, then by number descending (a site's sequence, not the number's text,
/// which would put PAR-1000000 before PAR-999999).
const NEWEST_FIRST: &str = "ordered_at DESC, site_code DESC, sequence DESC, id DESC";

/// The query that reads an order chosen by `{column} = ?` (the key bound three times), its
/// lines and its history: three SELECTs in one query, so one call to the worker thread.
/// Each row says in `part` which of them it comes from.
fn order_query(column: &str) -> String {
    let chosen = format!("(SELECT id FROM orders WHERE {column} = ?)");
    format!(
        "SELECT 'order' AS part, {ORDER_COLUMNS} FROM orders WHERE {column} = ?;\n\
         SELECT 'line' AS part, position, article_id, reference, designation, quantity, \
         unit_price, discount, vat_rate FROM order_lines WHERE order_id = {chosen} \
         ORDER BY position;\n\
         SELECT 'change' AS part, from_state, to_state, at, actor, reason FROM order_history \
         WHERE order_id = {chosen} ORDER BY seq"
    )
}

/// Rebuilds the order from the rows of [`order_query`]; `None` without its `orders` row.
fn assemble(rows: &[SqliteRow]) -> Result<Option<Commande>, StoreError> {
    let mut order = None;
    let mut lines = Vec::new();
    let mut history = Vec::new();
    for row in rows {
        match Columns::new(row, "orders").text("part")? {
            "order" => order = Some(row),
            "line" => lines.push(line(row)?),
            "change" => history.push(change(row)?),
            other => {
                return Err(StoreError::Corrupt(format!(
                    "an order query gave a row of unknown part {other:?}"
                )))
            }
        }
    }
    order.map(|row| build(row, lines, history)).transpose()
}

/// Rebuilds an order from its `orders` row, its lines and its history.
fn build(
    row: &SqliteRow,
    lines: Vec<Ligne>,
    history: Vec<StateChange>,
) -> Result<Commande, StoreError> {
    let c = Columns::new(row, "orders");
    let id = c.parse("id", CommandeId::parse)?;
    let number = c.parse("number", OrderNumber::parse)?;
    let parts = CommandeParts {
        id,
        parties: OrderParties {
            customer: c.parse("customer_id", TiersId::parse)?,
            payer: c.parse("payer_id", TiersId::parse)?,
            recipient: c.parse("recipient_id", TiersId::parse)?,
            delivery_address: c.parse("delivery_address_id", AdresseId::parse)?,
            billing_address: c.opt_parse("billing_address_id", AdresseId::parse)?,
        },
        site: c.parse("site_id", SocieteId::parse)?,
        taken_by: c.opt_parse("taken_by", TiersId::parse)?,
        placed_by: c.opt_parse("placed_by", AccountId::parse)?,
        source: c.name("source", OrderSource::parse)?,
        ordered_at: c.instant("ordered_at")?,
        planned_delivery: c.date("planned_delivery")?,
        global_discount: c.check(
            "global_discount",
            Amount::new(c.decimal("global_discount")?),
        )?,
        lines,
        state: c.name("state", OrderState::parse)?,
        history,
        number,
    };
    let number = parts.number.to_string();
    Commande::from_parts(parts)
        .map_err(|e| StoreError::Corrupt(format!("order {number} cannot be rebuilt: {e}")))
}

fn line(row: &SqliteRow) -> Result<Ligne, StoreError> {
    let c = Columns::new(row, "order_lines");
    Ok(Ligne {
        position: c.int_as("position")?,
        content: LineDraft {
            article: c.parse("article_id", ArticleId::parse)?,
            reference: c.parse("reference", ArticleReference::new)?,
            designation: c.parse("designation", Designation::new)?,
            quantity: c.check("quantity", Quantity::new(c.int_as("quantity")?))?,
            unit_price: c.check("unit_price", UnitPrice::new(c.decimal("unit_price")?))?,
            discount: c.check("discount", Amount::new(c.decimal("discount")?))?,
            vat_rate: c.check("vat_rate", VatRate::new(c.decimal("vat_rate")?))?,
        },
    })
}

fn change(row: &SqliteRow) -> Result<StateChange, StoreError> {
    let c = Columns::new(row, "order_history");
    Ok(StateChange {
        from: c.opt_name("from_state", OrderState::parse)?,
        to: c.name("to_state", OrderState::parse)?,
        at: c.instant("at")?,
        by: c.parse("actor", Actor::new)?,
        reason: c.opt_parse("reason", Reason::new)?,
    })
}

fn summary(row: &SqliteRow) -> Result<OrderSummary, StoreError> {
    let c = Columns::new(row, "orders");
    Ok(OrderSummary {
        id: c.parse("id", CommandeId::parse)?,
        number: c.parse("number", OrderNumber::parse)?,
        customer: c.parse("customer_id", TiersId::parse)?,
        site: c.parse("site_id", SocieteId::parse)?,
        source: c.name("source", OrderSource::parse)?,
        state: c.name("state", OrderState::parse)?,
        ordered_at: c.instant("ordered_at")?,
        planned_delivery: c.date("planned_delivery")?,
        total_ttc: c.decimal("total_ttc")?,
    })
}

/// Appends to `sql` the INSERTs of an order's lines, each after a `;`.
/// The values of an order's row that are built, not borrowed.
pub(crate) struct OrderColumns {
    id: String,
    number: String,
}

impl OrderColumns {
    pub(crate) fn of(order: &Commande) -> Self {
        OrderColumns {
            id: order.id().to_string(),
            number: order.number().to_string(),
        }
    }
}

/// Appends to `sql` the INSERTs of a new order, its lines and its history: one query, one
/// call to the worker thread. When the order's row is refused (a duplicate), nothing after
/// it runs.
pub(crate) fn push_order<'a>(
    sql: &mut QueryBuilder<'a, Sqlite>,
    columns: &'a OrderColumns,
    order: &'a Commande,
) {
    let parties = order.parties();
    let pricing = order.pricing();
    let sequence = i64::try_from(order.number().sequence()).unwrap_or(i64::MAX);
    sql.push(
        "INSERT INTO orders (id, number, site_code, sequence, customer_id, payer_id, \
         recipient_id, delivery_address_id, billing_address_id, site_id, taken_by, placed_by, \
         source, ordered_at, planned_delivery, global_discount, state, total_ht, total_vat, \
         total_ttc) VALUES (",
    );
    sql.separated(", ")
        .push_bind(&columns.id)
        .push_bind(&columns.number)
        .push_bind(order.number().site().as_str())
        .push_bind(sequence)
        .push_bind(parties.customer.to_string())
        .push_bind(parties.payer.to_string())
        .push_bind(parties.recipient.to_string())
        .push_bind(parties.delivery_address.to_string())
        .push_bind(parties.billing_address.map(|a| a.to_string()))
        .push_bind(order.site().to_string())
        .push_bind(order.taken_by().map(|t| t.to_string()))
        .push_bind(order.placed_by().map(|a| a.to_string()))
        .push_bind(order.source().as_str())
        .push_bind(micros(order.ordered_at()))
        .push_bind(date_text(order.planned_delivery()))
        .push_bind(decimal_text(order.global_discount().value()))
        .push_bind(order.state().as_str())
        .push_bind(decimal_text(pricing.total_ht))
        .push_bind(decimal_text(pricing.total_vat))
        .push_bind(decimal_text(pricing.total_ttc));
    sql.push(")");
    push_lines(sql, &columns.id, order.lines());
    push_history(sql, &columns.id, order.history(), false);
}

/// What a refused INSERT of a new order means: a duplicate id or number, or another fault.
pub(crate) fn order_conflict(err: sqlx::Error, columns: &OrderColumns) -> StoreError {
    let violated = violated_columns(&err);
    if violated.iter().any(|c| c == "orders.id") {
        StoreError::Duplicate {
            entity: "order",
            key: columns.id.clone(),
        }
    } else if violated.iter().any(|c| c == "orders.number") {
        StoreError::Duplicate {
            entity: "order",
            key: columns.number.clone(),
        }
    } else {
        translate(err)
    }
}

fn push_lines<'a>(sql: &mut QueryBuilder<'a, Sqlite>, order: &'a str, lines: &'a [Ligne]) {
    for chunk in lines.chunks(ROWS_PER_STATEMENT) {
        sql.push(
            ";\nINSERT INTO order_lines (order_id, position, article_id, reference, \
             designation, quantity, unit_price, discount, vat_rate) ",
        );
        sql.push_values(chunk, |mut row, line| {
            let l = &line.content;
            row.push_bind(order)
                .push_bind(line.position)
                .push_bind(l.article.to_string())
                .push_bind(l.reference.as_str())
                .push_bind(l.designation.as_str())
                .push_bind(l.quantity.get())
                .push_bind(decimal_text(l.unit_price.value()))
                .push_bind(decimal_text(l.discount.value()))
                .push_bind(decimal_text(l.vat_rate.percent()));
        });
    }
}

/// Appends to `sql` the INSERTs of an order's whole history (entry `n` is `seq` `n`, from
/// 1), each after a `;`. With `keep_stored`, the entries already stored are left as they
/// are: only those beyond them are written.
fn push_history<'a>(
    sql: &mut QueryBuilder<'a, Sqlite>,
    order: &'a str,
    entries: &'a [StateChange],
    keep_stored: bool,
) {
    let mut seqs = 1_i64..;
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        sql.push(
            ";\nINSERT INTO order_history (order_id, seq, from_state, to_state, at, actor, \
             reason) ",
        );
        sql.push_values(chunk.iter().zip(&mut seqs), |mut row, (change, seq)| {
            row.push_bind(order)
                .push_bind(seq)
                .push_bind(change.from.map(OrderState::as_str))
                .push_bind(change.to.as_str())
                .push_bind(micros(change.at))
                .push_bind(change.by.as_str())
                .push_bind(change.reason.as_ref().map(Reason::as_str));
        });
        if keep_stored {
            sql.push(" ON CONFLICT (order_id, seq) DO NOTHING");
        }
    }
}

/// Adds the query's conditions (after a `WHERE`).
fn push_filters(sql: &mut QueryBuilder<'_, Sqlite>, query: &OrderQuery) {
    match query.state {
        Some(state) => {
            sql.push("state = ").push_bind(state.as_str());
        }
        None => {
            sql.push("state <> ")
                .push_bind(OrderState::Deleted.as_str());
        }
    }
    if let Some(customer) = query.customer {
        sql.push(" AND customer_id = ")
            .push_bind(customer.to_string());
    }
    if let Some(source) = query.source {
        sql.push(" AND source = ").push_bind(source.as_str());
    }
    if let Some(site) = query.site {
        sql.push(" AND site_id = ").push_bind(site.to_string());
    }
    if let Some(account) = query.placed_by {
        sql.push(" AND placed_by = ").push_bind(account.to_string());
    }
    if let Some(from) = query.from {
        sql.push(" AND ordered_at >= ").push_bind(micros(from));
    }
    if let Some(until) = query.until {
        sql.push(" AND ordered_at < ").push_bind(micros(until));
    }
}

impl SqliteTx {
    /// The order whose `column` is `key`, with its lines and history, in one call.
    async fn order_where(
        &mut self,
        column: &str,
        key: String,
    ) -> Result<Option<Commande>, StoreError> {
        let sql = order_query(column);
        // `fetch_all`, not `fetch_optional`: sqlx stops a query at the first row it is
        // asked for, which would leave the lines and history unread.
        let rows = sqlx::query(&sql)
            .bind(&key)
            .bind(&key)
            .bind(&key)
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        assemble(&rows)
    }
}

#[async_trait]
impl OrderStore for SqliteTx {
    async fn insert_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let columns = OrderColumns::of(order);
        let mut sql = QueryBuilder::new("");
        push_order(&mut sql, &columns, order);
        sql.build()
            .execute(self.conn().await?)
            .await
            .map(|_| ())
            .map_err(|err| order_conflict(err, &columns))
    }

    async fn update_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let id = order.id().to_string();
        let parties = order.parties();
        let pricing = order.pricing();
        let not_found = || StoreError::NotFound {
            entity: "order",
            key: order.number().to_string(),
        };
        // The order's row, its lines replaced, its new history entries: one query, one call
        // to the worker thread.
        let mut sql = QueryBuilder::new("UPDATE orders SET customer_id = ");
        sql.push_bind(parties.customer.to_string())
            .push(", payer_id = ")
            .push_bind(parties.payer.to_string())
            .push(", recipient_id = ")
            .push_bind(parties.recipient.to_string())
            .push(", delivery_address_id = ")
            .push_bind(parties.delivery_address.to_string())
            .push(", billing_address_id = ")
            .push_bind(parties.billing_address.map(|a| a.to_string()))
            .push(", planned_delivery = ")
            .push_bind(date_text(order.planned_delivery()))
            .push(", global_discount = ")
            .push_bind(decimal_text(order.global_discount().value()))
            .push(", state = ")
            .push_bind(order.state().as_str())
            .push(", total_ht = ")
            .push_bind(decimal_text(pricing.total_ht))
            .push(", total_vat = ")
            .push_bind(decimal_text(pricing.total_vat))
            .push(", total_ttc = ")
            .push_bind(decimal_text(pricing.total_ttc))
            .push(" WHERE id = ")
            .push_bind(&id)
            .push(";\nSELECT changes() AS updated;\nDELETE FROM order_lines WHERE order_id = ")
            .push_bind(&id);
        push_lines(&mut sql, &id, order.lines());
        // Entries already stored never change: the whole history is sent, and those whose
        // `seq` is stored are skipped.
        push_history(&mut sql, &id, order.history(), true);
        match sql.build().fetch_all(self.conn().await?).await {
            Ok(rows) => {
                let updated = match rows.first() {
                    Some(row) => Columns::new(row, "orders").int("updated")?,
                    None => 0,
                };
                if updated == 0 {
                    return Err(not_found());
                }
                Ok(())
            }
            // The lines and history of an order that is not stored: refused by their
            // foreign key (the only one they have), and undone; the UPDATE and the DELETE
            // before them found nothing to change.
            Err(err) if is_foreign_key_violation(&err) => Err(not_found()),
            Err(err) => Err(translate(err)),
        }
    }

    async fn lock_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError> {
        // A write transaction already holds SQLite's only write lock: nobody else can
        // change the order until it ends.
        self.order_where("id", id.to_string()).await
    }

    async fn get_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError> {
        self.order_where("id", id.to_string()).await
    }

    async fn find_order(&mut self, number: &OrderNumber) -> Result<Option<Commande>, StoreError> {
        self.order_where("number", number.to_string()).await
    }

    async fn search_orders(
        &mut self,
        query: &OrderQuery,
    ) -> Result<Page<OrderSummary>, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM orders WHERE ");
        push_filters(&mut count, query);
        let matching: i64 = count
            .build_query_scalar()
            .fetch_one(self.conn().await?)
            .await
            .map_err(translate)?;

        let mut page = QueryBuilder::new(format!("SELECT {SUMMARY_COLUMNS} FROM orders WHERE "));
        push_filters(&mut page, query);
        page.push(format!(" ORDER BY {NEWEST_FIRST} LIMIT "))
            .push_bind(limit(query.paging))
            .push(" OFFSET ")
            .push_bind(offset(query.paging));
        let rows = page
            .build()
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        Ok(Page {
            items: rows.iter().map(summary).collect::<Result<_, _>>()?,
            total: total(matching),
        })
    }
}
