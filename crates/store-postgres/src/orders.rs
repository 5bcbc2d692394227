//! Orders, with their lines and state history.
//!
//! An order is written in one statement (its row, its lines and its history, through
//! data-modifying CTEs and UNNEST arrays) and read in one (lines and history aggregated
//! into arrays): one round trip each way, whatever the number of lines.

use async_trait::async_trait;
use domain::catalogue::{ArticleReference, Designation};
use domain::ids::{AccountId, AdresseId, ArticleId, CommandeId, SocieteId, TiersId};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{
    Actor, Commande, CommandeParts, Ligne, LineDraft, OrderNumber, OrderParties, OrderSource,
    OrderState, Reason, SiteCode, StateChange,
};
use domain::vat::VatRate;
use ports::{OrderQuery, OrderStore, OrderSummary, Page, StoreError};
use rust_decimal::Decimal;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::{count, limit, name, offset, opt_uuid, uuid, Cols};
use crate::db::PostgresTransaction;

/// An order with its lines and history, `o` being the order's row.
macro_rules! select_order {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.site_code, o.seq, o.customer_id, o.payer_id, o.recipient_id, \
                    o.delivery_address_id, o.billing_address_id, o.site_id, o.taken_by, \
                    o.placed_by, o.source, o.ordered_at, o.planned_delivery, o.global_discount, o.state, \
                    o.total_ht, o.total_ht_net, o.total_vat, o.total_ttc, \
                    l.positions, l.articles, l.refs, l.designations, l.quantities, \
                    l.unit_prices, l.discounts, l.vat_rates, \
                    h.froms, h.tos, h.ats, h.actors, h.reasons \
             FROM orders o \
             CROSS JOIN LATERAL ( \
                 SELECT array_agg(position ORDER BY position) AS positions, \
                        array_agg(article_id ORDER BY position) AS articles, \
                        array_agg(reference ORDER BY position) AS refs, \
                        array_agg(designation ORDER BY position) AS designations, \
                        array_agg(quantity ORDER BY position) AS quantities, \
                        array_agg(unit_price ORDER BY position) AS unit_prices, \
                        array_agg(discount ORDER BY position) AS discounts, \
                        array_agg(vat_rate ORDER BY position) AS vat_rates \
                 FROM order_lines WHERE order_id = o.id \
             ) l \
             CROSS JOIN LATERAL ( \
                 SELECT array_agg(from_state ORDER BY seq) AS froms, \
                        array_agg(to_state ORDER BY seq) AS tos, \
                        array_agg(at ORDER BY seq) AS ats, \
                        array_agg(actor ORDER BY seq) AS actors, \
                        array_agg(reason ORDER BY seq) AS reasons \
                 FROM order_history WHERE order_id = o.id \
             ) h ",
            $rest
        )
    };
}

/// The CTEs (after `WITH`, or after other CTEs and a comma) that insert an order (`o`, with
/// the id when it was new) when `$gate` holds, then its lines and history only if it was
/// new: binds $1 to $32 (typed by the values bound), and the placing program's account at
/// `$placed_by`: a placeholder after every other of the statement, bound last by
/// [`bind_placed_by`], so that it shifts no other number.
macro_rules! insert_order_ctes {
    ($gate:literal, $placed_by:literal) => {
        concat!(
            "o AS ( \
            INSERT INTO orders (id, site_code, seq, customer_id, payer_id, recipient_id, \
                                delivery_address_id, billing_address_id, site_id, taken_by, \
                                source, ordered_at, planned_delivery, global_discount, state, \
                                total_ht, total_ht_net, total_vat, total_ttc, placed_by) \
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                   $16, $17, $18, $19, ",
            $placed_by,
            "::uuid WHERE ",
            $gate,
            " ON CONFLICT DO NOTHING \
            RETURNING id \
        ), new_lines AS ( \
            INSERT INTO order_lines (order_id, position, article_id, reference, designation, \
                                     quantity, unit_price, discount, vat_rate) \
            SELECT o.id, l.* FROM o, UNNEST($20::bigint[], $21::uuid[], $22::text[], \
                                            $23::text[], $24::int[], $25::numeric[], \
                                            $26::numeric[], $27::numeric[]) AS l \
        ), new_history AS ( \
            INSERT INTO order_history (order_id, seq, from_state, to_state, at, actor, reason) \
            SELECT o.id, h.seq, h.from_state, h.to_state, h.at, h.actor, h.reason \
            FROM o, UNNEST($28::text[], $29::text[], $30::timestamptz[], $31::text[], \
                           $32::text[]) WITH ORDINALITY \
                    AS h (from_state, to_state, at, actor, reason, seq) \
        ) "
        )
    };
}
pub(crate) use insert_order_ctes;

/// Inserts the order, then its lines and history only if the order was new.
const INSERT_ORDER: &str = concat!(
    "WITH ",
    insert_order_ctes!("TRUE", "$33"),
    "SELECT count(*) AS written FROM o"
);

/// Updates the order's row; removes the lines it no longer has, writes over those that
/// changed, adds the new ones (in one statement a delete and an insert of the same keys
/// would clash); adds the history entries not stored yet (stored ones never change).
const UPDATE_ORDER: &str = "\
    WITH o AS ( \
        UPDATE orders SET customer_id = $2, payer_id = $3, recipient_id = $4, \
                          delivery_address_id = $5, billing_address_id = $6, \
                          planned_delivery = $7, global_discount = $8, state = $9, \
                          total_ht = $10, total_ht_net = $11, total_vat = $12, \
                          total_ttc = $13 \
        WHERE id = $1 \
        RETURNING id \
    ), old_lines AS ( \
        DELETE FROM order_lines x USING o \
        WHERE x.order_id = o.id AND NOT (x.position = ANY ($14::bigint[])) \
    ), new_lines AS ( \
        INSERT INTO order_lines AS x (order_id, position, article_id, reference, \
                                      designation, quantity, unit_price, discount, vat_rate) \
        SELECT o.id, l.* FROM o, UNNEST($14::bigint[], $15::uuid[], $16::text[], \
                                        $17::text[], $18::int[], $19::numeric[], \
                                        $20::numeric[], $21::numeric[]) AS l \
        ON CONFLICT (order_id, position) DO UPDATE \
        SET article_id = EXCLUDED.article_id, reference = EXCLUDED.reference, \
            designation = EXCLUDED.designation, quantity = EXCLUDED.quantity, \
            unit_price = EXCLUDED.unit_price, discount = EXCLUDED.discount, \
            vat_rate = EXCLUDED.vat_rate \
        WHERE (x.article_id, x.reference, x.designation, x.quantity, x.unit_price::text, \
               x.discount::text, x.vat_rate::text) \
              IS DISTINCT FROM \
              (EXCLUDED.article_id, EXCLUDED.reference, EXCLUDED.designation, \
               EXCLUDED.quantity, EXCLUDED.unit_price::text, EXCLUDED.discount::text, \
               EXCLUDED.vat_rate::text) \
    ), new_history AS ( \
        INSERT INTO order_history (order_id, seq, from_state, to_state, at, actor, reason) \
        SELECT o.id, h.seq, h.from_state, h.to_state, h.at, h.actor, h.reason \
        FROM o, UNNEST($22::text[], $23::text[], $24::timestamptz[], $25::text[], \
                       $26::text[]) WITH ORDINALITY \
                AS h (from_state, to_state, at, actor, reason, seq) \
        ON CONFLICT (order_id, seq) DO NOTHING \
    ) \
    SELECT count(*) AS written FROM o";

/// An order's lines as columns.
#[derive(Default)]
struct LineColumns {
    positions: Vec<i64>,
    articles: Vec<Uuid>,
    references: Vec<String>,
    designations: Vec<String>,
    quantities: Vec<i32>,
    unit_prices: Vec<Decimal>,
    discounts: Vec<Decimal>,
    vat_rates: Vec<Decimal>,
}

impl LineColumns {
    fn of(lines: &[Ligne]) -> Self {
        let mut c = LineColumns::default();
        for line in lines {
            let l = &line.content;
            c.positions.push(i64::from(line.position));
            c.articles.push(uuid(l.article.as_u128()));
            c.references.push(l.reference.as_str().to_owned());
            c.designations.push(l.designation.as_str().to_owned());
            c.quantities
                .push(i32::try_from(l.quantity.get()).unwrap_or(i32::MAX));
            c.unit_prices.push(l.unit_price.value());
            c.discounts.push(l.discount.value());
            c.vat_rates.push(l.vat_rate.percent());
        }
        c
    }
}

/// An order's history as columns.
#[derive(Default)]
struct HistoryColumns {
    froms: Vec<Option<&'static str>>,
    tos: Vec<&'static str>,
    ats: Vec<OffsetDateTime>,
    actors: Vec<String>,
    reasons: Vec<Option<String>>,
}

impl HistoryColumns {
    fn of(history: &[StateChange]) -> Self {
        let mut c = HistoryColumns::default();
        for change in history {
            c.froms.push(change.from.map(OrderState::as_str));
            c.tos.push(change.to.as_str());
            c.ats.push(change.at);
            c.actors.push(change.by.as_str().to_owned());
            c.reasons
                .push(change.reason.as_ref().map(|r| r.as_str().to_owned()));
        }
        c
    }
}

fn order_number(c: &Cols<'_>) -> Result<OrderNumber, StoreError> {
    let site = c.parse("site_code", SiteCode::new)?;
    c.map("seq", |seq: i64| {
        let seq = u64::try_from(seq).map_err(|e| e.to_string())?;
        OrderNumber::new(site, seq).map_err(|e| e.to_string())
    })
}

/// Builds each element of an array column, which must have `len` elements.
fn each<S, T, E: std::fmt::Display>(
    c: &Cols<'_>,
    column: &str,
    values: Vec<S>,
    len: usize,
    make: impl Fn(S) -> Result<T, E>,
) -> Result<Vec<T>, StoreError> {
    if values.len() != len {
        return Err(c.corrupt(column, "not one value per line or per history entry"));
    }
    values
        .into_iter()
        .map(|v| make(v).map_err(|e| c.corrupt(column, e)))
        .collect()
}

fn lines(c: &Cols<'_>) -> Result<Vec<Ligne>, StoreError> {
    let positions: Vec<i64> = c.array("positions")?;
    let n = positions.len();
    let positions = each(c, "order_lines.position", positions, n, u32::try_from)?;
    let articles = each(
        c,
        "order_lines.article_id",
        c.array("articles")?,
        n,
        |u: Uuid| Ok::<_, String>(ArticleId::from_u128(u.as_u128())),
    )?;
    let references = each(
        c,
        "order_lines.reference",
        c.array("refs")?,
        n,
        |s: String| ArticleReference::new(&s),
    )?;
    let designations = each(
        c,
        "order_lines.designation",
        c.array("designations")?,
        n,
        |s: String| Designation::new(&s),
    )?;
    let quantities = each(
        c,
        "order_lines.quantity",
        c.array("quantities")?,
        n,
        |q: i32| {
            let q = u32::try_from(q).map_err(|e| e.to_string())?;
            Quantity::new(q).map_err(|e| e.to_string())
        },
    )?;
    let unit_prices = each(
        c,
        "order_lines.unit_price",
        c.array("unit_prices")?,
        n,
        UnitPrice::new,
    )?;
    let discounts = each(
        c,
        "order_lines.discount",
        c.array("discounts")?,
        n,
        Amount::new,
    )?;
    let vat_rates = each(
        c,
        "order_lines.vat_rate",
        c.array("vat_rates")?,
        n,
        VatRate::new,
    )?;
    let mut lines = Vec::with_capacity(n);
    let columns = positions
        .into_iter()
        .zip(articles)
        .zip(references)
        .zip(designations);
    let amounts = quantities
        .into_iter()
        .zip(unit_prices)
        .zip(discounts)
        .zip(vat_rates);
    for (
        (((position, article), reference), designation),
        (((quantity, unit_price), discount), vat_rate),
    ) in columns.zip(amounts)
    {
        lines.push(Ligne {
            position,
            content: LineDraft {
                article,
                reference,
                designation,
                quantity,
                unit_price,
                discount,
                vat_rate,
            },
        });
    }
    Ok(lines)
}

fn history(c: &Cols<'_>) -> Result<Vec<StateChange>, StoreError> {
    let tos: Vec<String> = c.array("tos")?;
    let n = tos.len();
    let state = |s: String| OrderState::parse(&s).ok_or_else(|| format!("{s:?} is not a state"));
    let tos = each(c, "order_history.to_state", tos, n, state)?;
    let froms = each(
        c,
        "order_history.from_state",
        c.array("froms")?,
        n,
        |s: Option<String>| s.map(state).transpose(),
    )?;
    let ats: Vec<OffsetDateTime> = c.array("ats")?;
    let ats = each(c, "order_history.at", ats, n, Ok::<_, String>)?;
    let actors = each(
        c,
        "order_history.actor",
        c.array("actors")?,
        n,
        |s: String| Actor::new(&s),
    )?;
    let reasons = each(
        c,
        "order_history.reason",
        c.array("reasons")?,
        n,
        |s: Option<String>| s.as_deref().map(Reason::new).transpose(),
    )?;
    Ok(froms
        .into_iter()
        .zip(tos)
        .zip(ats)
        .zip(actors)
        .zip(reasons)
        .map(|((((from, to), at), by), reason)| StateChange {
            from,
            to,
            at,
            by,
            reason,
        })
        .collect())
}

fn commande(row: &PgRow) -> Result<Commande, StoreError> {
    let c = Cols::new(row, "orders");
    let parts = CommandeParts {
        id: CommandeId::from_u128(c.id("id")?),
        number: order_number(&c)?,
        parties: OrderParties {
            customer: TiersId::from_u128(c.id("customer_id")?),
            payer: TiersId::from_u128(c.id("payer_id")?),
            recipient: TiersId::from_u128(c.id("recipient_id")?),
            delivery_address: AdresseId::from_u128(c.id("delivery_address_id")?),
            billing_address: c.opt_id("billing_address_id")?.map(AdresseId::from_u128),
        },
        site: SocieteId::from_u128(c.id("site_id")?),
        taken_by: c.opt_id("taken_by")?.map(TiersId::from_u128),
        placed_by: c.opt_id("placed_by")?.map(AccountId::from_u128),
        source: c.parse("source", name(OrderSource::parse, "an order source"))?,
        ordered_at: c.get("ordered_at")?,
        planned_delivery: c.get("planned_delivery")?,
        global_discount: c.map("global_discount", Amount::new)?,
        lines: lines(&c)?,
        state: c.parse("state", name(OrderState::parse, "an order state"))?,
        history: history(&c)?,
    };
    let order = Commande::from_parts(parts).map_err(|e| c.corrupt("id", e))?;
    // The stored totals serve lists and reports: they must be those of the lines.
    let pricing = order.pricing();
    for (column, priced) in [
        ("total_ht", pricing.total_ht),
        ("total_ht_net", pricing.total_ht_net),
        ("total_vat", pricing.total_vat),
        ("total_ttc", pricing.total_ttc),
    ] {
        let stored: Decimal = c.get(column)?;
        if stored != priced {
            return Err(c.corrupt(
                column,
                format!("{stored} is stored, but the lines give {priced}"),
            ));
        }
    }
    Ok(order)
}

fn summary(row: &PgRow) -> Result<OrderSummary, StoreError> {
    let c = Cols::new(row, "orders");
    Ok(OrderSummary {
        id: CommandeId::from_u128(c.id("id")?),
        number: order_number(&c)?,
        customer: TiersId::from_u128(c.id("customer_id")?),
        site: SocieteId::from_u128(c.id("site_id")?),
        source: c.parse("source", name(OrderSource::parse, "an order source"))?,
        state: c.parse("state", name(OrderState::parse, "an order state"))?,
        ordered_at: c.get("ordered_at")?,
        planned_delivery: c.get("planned_delivery")?,
        total_ttc: c.get("total_ttc")?,
    })
}

/// The WHERE clause of a search: every field given, and no deleted draft unless asked.
fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, query: &OrderQuery) {
    qb.push(" WHERE ");
    match query.state {
        Some(state) => qb.push("state = ").push_bind(state.as_str()),
        None => qb.push("state <> ").push_bind(OrderState::Deleted.as_str()),
    };
    if let Some(customer) = query.customer {
        qb.push(" AND customer_id = ")
            .push_bind(uuid(customer.as_u128()));
    }
    if let Some(source) = query.source {
        qb.push(" AND source = ").push_bind(source.as_str());
    }
    if let Some(site) = query.site {
        qb.push(" AND site_id = ").push_bind(uuid(site.as_u128()));
    }
    if let Some(account) = query.placed_by {
        qb.push(" AND placed_by = ")
            .push_bind(uuid(account.as_u128()));
    }
    if let Some(from) = query.from {
        qb.push(" AND ordered_at >= ").push_bind(from);
    }
    if let Some(until) = query.until {
        qb.push(" AND ordered_at < ").push_bind(until);
    }
}

impl PostgresTransaction {
    async fn load_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError> {
        let r = sqlx::query(select_order!("WHERE o.id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(commande).transpose()
    }
}

/// A query starting with [`insert_order_ctes`], with the order's values bound ($1 to $32).
pub(crate) fn bind_new_order<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    order: &Commande,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    let parts = order.parts();
    let number = order.number();
    let seq = i64::try_from(number.sequence()).unwrap_or(i64::MAX);
    let query = query
        .bind(uuid(order.id().as_u128()))
        .bind(number.site().as_str().to_owned())
        .bind(seq);
    let query = bind_parties(query, order)
        .bind(uuid(parts.site.as_u128()))
        .bind(opt_uuid(parts.taken_by.map(TiersId::as_u128)))
        .bind(parts.source.as_str())
        .bind(parts.ordered_at);
    bind_lines_and_history(bind_changeable(query, order), order)
}

/// Binds the account of the program that placed the order, last of a statement's binds
/// (see [`insert_order_ctes`]).
pub(crate) fn bind_placed_by<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    order: &Commande,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    query.bind(opt_uuid(order.placed_by().map(AccountId::as_u128)))
}

/// Binds an order's parties (customer, payer, recipient, delivery and billing addresses),
/// after the binds already made.
fn bind_parties<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    order: &Commande,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    let parties = &order.parts().parties;
    query
        .bind(uuid(parties.customer.as_u128()))
        .bind(uuid(parties.payer.as_u128()))
        .bind(uuid(parties.recipient.as_u128()))
        .bind(uuid(parties.delivery_address.as_u128()))
        .bind(opt_uuid(parties.billing_address.map(AdresseId::as_u128)))
}

/// Binds what a change of an order may set besides its parties, lines and history: the
/// planned delivery, the global discount, the state and the totals, after the binds
/// already made.
fn bind_changeable<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    order: &Commande,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    let parts = order.parts();
    let pricing = order.pricing();
    query
        .bind(parts.planned_delivery)
        .bind(parts.global_discount.value())
        .bind(parts.state.as_str())
        .bind(pricing.total_ht)
        .bind(pricing.total_ht_net)
        .bind(pricing.total_vat)
        .bind(pricing.total_ttc)
}

/// Binds an order's lines and its whole history, one array per column, after the binds
/// already made (as [`insert_order_ctes`] and `UPDATE_ORDER` read them).
fn bind_lines_and_history<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    order: &Commande,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    let l = LineColumns::of(order.lines());
    let h = HistoryColumns::of(order.history());
    query
        .bind(l.positions)
        .bind(l.articles)
        .bind(l.references)
        .bind(l.designations)
        .bind(l.quantities)
        .bind(l.unit_prices)
        .bind(l.discounts)
        .bind(l.vat_rates)
        .bind(h.froms)
        .bind(h.tos)
        .bind(h.ats)
        .bind(h.actors)
        .bind(h.reasons)
}

/// The error of an order whose number (or id) is already stored.
pub(crate) fn duplicate_order(order: &Commande) -> StoreError {
    StoreError::Duplicate {
        entity: "order",
        key: order.number().to_string(),
    }
}

#[async_trait]
impl OrderStore for PostgresTransaction {
    async fn insert_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let query = bind_placed_by(bind_new_order(sqlx::query(INSERT_ORDER), order), order);
        let r = query.fetch_one(self.conn()).await;
        let row = self.done(r)?;
        if Cols::new(&row, "orders").get::<i64>("written")? == 1 {
            Ok(())
        } else {
            Err(duplicate_order(order))
        }
    }

    async fn update_order(&mut self, order: &Commande) -> Result<(), StoreError> {
        let query = sqlx::query(UPDATE_ORDER).bind(uuid(order.id().as_u128()));
        let query = bind_changeable(bind_parties(query, order), order);
        let r = bind_lines_and_history(query, order)
            .fetch_one(self.conn())
            .await;
        let row = self.done(r)?;
        if Cols::new(&row, "orders").get::<i64>("written")? == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                entity: "order",
                key: order.number().to_string(),
            })
        }
    }

    async fn lock_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError> {
        // Lock first, read after, in two statements: a statement that waited for the lock
        // still reads the lines and history as they were when it started, before the
        // transaction it waited for committed; the next statement sees them as committed.
        let r = sqlx::query("SELECT 1 FROM orders WHERE id = $1 FOR UPDATE")
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        if self.done(r)?.is_none() {
            return Ok(None);
        }
        self.load_order(id).await
    }

    async fn get_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError> {
        self.load_order(id).await
    }

    async fn find_order(&mut self, number: &OrderNumber) -> Result<Option<Commande>, StoreError> {
        let seq = i64::try_from(number.sequence()).unwrap_or(i64::MAX);
        let r = sqlx::query(select_order!("WHERE o.site_code = $1 AND o.seq = $2"))
            .bind(number.site().as_str())
            .bind(seq)
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(commande).transpose()
    }

    async fn search_orders(
        &mut self,
        query: &OrderQuery,
    ) -> Result<Page<OrderSummary>, StoreError> {
        let mut qb = QueryBuilder::<Postgres>::new(
            "SELECT id, site_code, seq, customer_id, site_id, source, state, ordered_at, \
                    planned_delivery, total_ttc, count(*) OVER () AS total \
             FROM orders",
        );
        push_filters(&mut qb, query);
        qb.push(" ORDER BY ordered_at DESC, site_code DESC, seq DESC LIMIT ")
            .push_bind(limit(query.paging))
            .push(" OFFSET ")
            .push_bind(offset(query.paging));
        let r = qb.build().fetch_all(self.conn()).await;
        let rows = self.done(r)?;
        let total = match rows.first() {
            Some(row) => Cols::new(row, "orders").get::<i64>("total")?,
            None if query.paging.offset == 0 => 0,
            None => {
                let mut qb = QueryBuilder::<Postgres>::new("SELECT count(*) FROM orders");
                push_filters(&mut qb, query);
                let r = qb.build_query_scalar::<i64>().fetch_one(self.conn()).await;
                self.done(r)?
            }
        };
        Ok(Page {
            items: rows.iter().map(summary).collect::<Result<_, _>>()?,
            total: count(total, "orders")?,
        })
    }
}
