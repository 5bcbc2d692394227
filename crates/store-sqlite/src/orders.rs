//! Orders, with their lines and state history ([`OrderStore`]).
//!
//! An order is a row of `orders`, its lines in `order_lines` and its history in
//! `order_history`; it is rebuilt through `Commande::from_parts`, which checks that it
//! holds together, and its pricing is computed again from its lines (the totals stored in
//! `orders` are copies, for lists).

use async_trait::async_trait;
use domain::catalogue::{ArticleReference, Designation};
use domain::ids::{AdresseId, ArticleId, CommandeId, SocieteId, TiersId};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{
    Actor, Commande, CommandeParts, Ligne, LineDraft, OrderNumber, OrderParties, OrderSource,
    OrderState, Reason, StateChange,
};
use domain::vat::VatRate;
use ports::{OrderQuery, OrderStore, OrderSummary, Page, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::codec::{
    date_text, decimal_text, limit, micros, offset, total, Columns, ROWS_PER_STATEMENT,
};
use crate::error::{translate, violated_columns};
use crate::tx::SqliteTx;

const ORDER_COLUMNS: &str = "id, number, customer_id, payer_id, recipient_id, \
     delivery_address_id, billing_address_id, site_id, taken_by, source, ordered_at, \
     planned_delivery, global_discount, state";

const SUMMARY_COLUMNS: &str =
    "id, number, customer_id, site_id, source, state, ordered_at, planned_delivery, total_ttc";

/// Newest first, then by number descending (a site's sequence, not the number's text,
/// which would put PAR-1000000 before PAR-999999).
const NEWEST_FIRST: &str = "ordered_at DESC, site_code DESC, sequence DESC, id DESC";

/// Reads an `orders` row and fetches its lines and history.
async fn load(conn: &mut SqliteConnection, row: &SqliteRow) -> Result<Commande, StoreError> {
    let c = Columns::new(row, "orders");
    let id = c.parse("id", CommandeId::parse)?;
    let key = id.to_string();
    let lines = sqlx::query(
        "SELECT position, article_id, reference, designation, quantity, unit_price, discount, \
         vat_rate FROM order_lines WHERE order_id = ? ORDER BY position",
    )
    .bind(&key)
    .fetch_all(&mut *conn)
    .await
    .map_err(translate)?;
    let history = sqlx::query(
        "SELECT from_state, to_state, at, actor, reason FROM order_history \
         WHERE order_id = ? ORDER BY seq",
    )
    .bind(&key)
    .fetch_all(&mut *conn)
    .await
    .map_err(translate)?;
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
        source: c.name("source", OrderSource::parse)?,
        ordered_at: c.instant("ordered_at")?,
        planned_delivery: c.date("planned_delivery")?,
        global_discount: c.check(
            "global_discount",
            Amount::new(c.decimal("global_discount")?),
        )?,
        lines: lines.iter().map(line).collect::<Result<_, _>>()?,
        state: c.name("state", OrderState::parse)?,
        history: history.iter().map(change).collect::<Result<_, _>>()?,
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

async fn insert_lines(
    conn: &mut SqliteConnection,
    order: &str,
    lines: &[Ligne],
) -> Result<(), StoreError> {
    for chunk in lines.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::new(
            "INSERT INTO order_lines (order_id, position, article_id, reference, designation, \
             quantity, unit_price, discount, vat_rate) ",
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
        sql.build().execute(&mut *conn).await.map_err(translate)?;
    }
    Ok(())
}

/// Inserts history entries; the first of `entries` is the `first_seq`-th of the order.
async fn insert_history(
    conn: &mut SqliteConnection,
    order: &str,
    first_seq: i64,
    entries: &[StateChange],
) -> Result<(), StoreError> {
    let numbered: Vec<(i64, &StateChange)> = (first_seq..).zip(entries).collect();
    for chunk in numbered.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::new(
            "INSERT INTO order_history (order_id, seq, from_state, to_state, at, actor, reason) ",
        );
        sql.push_values(chunk, |mut row, (seq, change)| {
            row.push_bind(order)
                .push_bind(*seq)
                .push_bind(change.from.map(OrderState::as_str))
                .push_bind(change.to.as_str())
                .push_bind(micros(change.at))
                .push_bind(change.by.as_str())
                .push_bind(change.reason.as_ref().map(Reason::as_str));
        });
        sql.build().execute(&mut *conn).await.map_err(translate)?;
    }
    Ok(())
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
    if let Some(from) = query.from {
        sql.push(" AND ordered_at >= ").push_bind(micros(from));
    }
    if let Some(until) = query.until {
        sql.push(" AND ordered_at < ").push_bind(micros(until));
    }
}

impl SqliteTx {
    async fn order_where(
        &mut self,
        column: &str,
        key: String,
    ) -> Result<Option<Commande>, StoreError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {column} = ?");
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(self.conn())
            .await
            .map_err(translate)?;
        match row {
            Some(row) => load(self.conn(), &row).await.map(Some),
            None => Ok(None),
        }
    }
}

#[async_trait]
impl OrderStore for SqliteTx {
    async fn insert_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let id = order.id().to_string();
        let number = order.number().to_string();
        let parties = order.parties();
        let pricing = order.pricing();
        let sequence = i64::try_from(order.number().sequence()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO orders (id, number, site_code, sequence, customer_id, payer_id, \
             recipient_id, delivery_address_id, billing_address_id, site_id, taken_by, source, \
             ordered_at, planned_delivery, global_discount, state, total_ht, total_vat, \
             total_ttc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&number)
        .bind(order.number().site().as_str())
        .bind(sequence)
        .bind(parties.customer.to_string())
        .bind(parties.payer.to_string())
        .bind(parties.recipient.to_string())
        .bind(parties.delivery_address.to_string())
        .bind(parties.billing_address.map(|a| a.to_string()))
        .bind(order.site().to_string())
        .bind(order.taken_by().map(|t| t.to_string()))
        .bind(order.source().as_str())
        .bind(micros(order.ordered_at()))
        .bind(date_text(order.planned_delivery()))
        .bind(decimal_text(order.global_discount().value()))
        .bind(order.state().as_str())
        .bind(decimal_text(pricing.total_ht))
        .bind(decimal_text(pricing.total_vat))
        .bind(decimal_text(pricing.total_ttc))
        .execute(self.conn())
        .await
        .map_err(|err| {
            if violated_columns(&err).iter().any(|c| c == "orders.id") {
                StoreError::Duplicate {
                    entity: "order",
                    key: id.clone(),
                }
            } else {
                crate::error::duplicate("order", number.clone())(err)
            }
        })?;
        insert_lines(self.conn(), &id, order.lines()).await?;
        insert_history(self.conn(), &id, 1, order.history()).await
    }

    async fn update_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let id = order.id().to_string();
        let parties = order.parties();
        let pricing = order.pricing();
        let done = sqlx::query(
            "UPDATE orders SET customer_id = ?, payer_id = ?, recipient_id = ?, \
             delivery_address_id = ?, billing_address_id = ?, planned_delivery = ?, \
             global_discount = ?, state = ?, total_ht = ?, total_vat = ?, total_ttc = ? \
             WHERE id = ?",
        )
        .bind(parties.customer.to_string())
        .bind(parties.payer.to_string())
        .bind(parties.recipient.to_string())
        .bind(parties.delivery_address.to_string())
        .bind(parties.billing_address.map(|a| a.to_string()))
        .bind(date_text(order.planned_delivery()))
        .bind(decimal_text(order.global_discount().value()))
        .bind(order.state().as_str())
        .bind(decimal_text(pricing.total_ht))
        .bind(decimal_text(pricing.total_vat))
        .bind(decimal_text(pricing.total_ttc))
        .bind(&id)
        .execute(self.conn())
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                entity: "order",
                key: order.number().to_string(),
            });
        }
        sqlx::query("DELETE FROM order_lines WHERE order_id = ?")
            .bind(&id)
            .execute(self.conn())
            .await
            .map_err(translate)?;
        insert_lines(self.conn(), &id, order.lines()).await?;
        // Entries already stored never change: only those beyond them are written.
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM order_history WHERE order_id = ?")
                .bind(&id)
                .fetch_one(self.conn())
                .await
                .map_err(translate)?;
        let stored_len = usize::try_from(stored).unwrap_or(usize::MAX);
        match order.history().get(stored_len..) {
            Some(new) if !new.is_empty() => insert_history(self.conn(), &id, stored + 1, new).await,
            _ => Ok(()),
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
            .fetch_one(self.conn())
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
            .fetch_all(self.conn())
            .await
            .map_err(translate)?;
        Ok(Page {
            items: rows.iter().map(summary).collect::<Result<_, _>>()?,
            total: total(matching),
        })
    }
}
