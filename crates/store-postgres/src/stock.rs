//! Stock levels and their movements.

use std::collections::BTreeMap;

use async_trait::async_trait;
use domain::catalogue::ArticleReference;
use domain::ids::{ArticleId, CommandeId};
use domain::order::{Actor, Reason};
use ports::{
    MovementReason, Page, Paging, Shortage, StockError, StockLevel, StockMovement, StockStore,
    StoreError,
};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::Postgres;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::{count, limit, name, offset, uuid, Cols};
use crate::db::PostgresTransaction;

fn movement(row: &PgRow) -> Result<StockMovement, StoreError> {
    let c = Cols::new(row, "stock_movements");
    Ok(StockMovement {
        article: ArticleId::from_u128(c.id("article_id")?),
        delta: c.get("delta")?,
        reason: c.parse("reason", name(MovementReason::parse, "a movement reason"))?,
        order: c.opt_id("order_id")?.map(CommandeId::from_u128),
        at: c.get("at")?,
        by: c.parse("actor", Actor::new)?,
        note: c.opt_parse("note", Reason::new)?,
    })
}

/// An article as locked for a change of its stock.
struct Locked {
    reference: ArticleReference,
    stock: i64,
}

/// The movements as columns, for one multi-row insert.
#[derive(Default)]
struct MovementColumns {
    articles: Vec<Uuid>,
    deltas: Vec<i64>,
    reasons: Vec<&'static str>,
    orders: Vec<Option<Uuid>>,
    ats: Vec<OffsetDateTime>,
    actors: Vec<String>,
    notes: Vec<Option<String>>,
}

impl MovementColumns {
    fn of(movements: &[StockMovement]) -> Self {
        let mut c = MovementColumns::default();
        for m in movements {
            c.articles.push(uuid(m.article.as_u128()));
            c.deltas.push(m.delta);
            c.reasons.push(m.reason.as_str());
            c.orders.push(m.order.map(|o| uuid(o.as_u128())));
            c.ats.push(m.at);
            c.actors.push(m.by.as_str().to_owned());
            c.notes.push(m.note.as_ref().map(|n| n.as_str().to_owned()));
        }
        c
    }
}

/// The CTEs (after `WITH`) that take the stock: lock the articles concerned in ascending id
/// order (the index scan and the sort both give that order, and rows are locked as they
/// come) as `locked`; check that each exists and that its stock stays within 0..=u32::MAX
/// as `verdict` (`ok`); and only then move the stocks and record the movements (in the
/// order given, so that ids follow that order). The sums are in `numeric`, so that no
/// change, however large, fails the statement (which would abort the transaction) instead
/// of being refused.
///
/// Binds, whose numbers are given: the articles and their net changes; then the
/// movements, one array per column ([`StockBinds`]).
macro_rules! take_stock_ctes {
    ($ids:literal, $nets:literal, $articles:literal, $deltas:literal, $reasons:literal,
     $orders:literal, $ats:literal, $actors:literal, $notes:literal) => {
        concat!(
            "wanted AS (SELECT * FROM UNNEST(",
            $ids,
            "::uuid[], ",
            $nets,
            "::bigint[]) \
                        AS w (id, delta)), \
             locked AS MATERIALIZED ( \
                SELECT a.id, a.reference, a.stock FROM articles a \
                WHERE a.id = ANY (",
            $ids,
            "::uuid[]) ORDER BY a.id FOR UPDATE), \
             verdict AS MATERIALIZED ( \
                SELECT count(*) = cardinality(",
            $ids,
            "::uuid[]) \
                       AND coalesce(bool_and(l.stock::numeric + w.delta \
                                             BETWEEN 0 AND 4294967295), true) AS ok \
                FROM wanted w JOIN locked l ON l.id = w.id), \
             changed AS ( \
                UPDATE articles a SET stock = a.stock + w.delta \
                FROM wanted w, verdict v WHERE a.id = w.id AND v.ok), \
             moved AS ( \
                INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, \
                                             note) \
                SELECT m.* FROM verdict v, \
                       UNNEST(",
            $articles,
            "::uuid[], ",
            $deltas,
            "::bigint[], ",
            $reasons,
            "::text[], ",
            $orders,
            "::uuid[], ",
            $ats,
            "::timestamptz[], ",
            $actors,
            "::text[], ",
            $notes,
            "::text[]) AS m \
                WHERE v.ok) "
        )
    };
}
pub(crate) use take_stock_ctes;

/// Takes the stock in one statement ([`take_stock_ctes`]). Gives back each locked
/// article's stock *before* the change, with the verdict: when it is false nothing was
/// written, and [`new_levels`] says why.
const TAKE_STOCK: &str = concat!(
    "WITH ",
    take_stock_ctes!("$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"),
    "SELECT l.id, l.reference, l.stock, v.ok FROM verdict v LEFT JOIN locked l ON TRUE"
);

/// The binds of [`take_stock_ctes`], from a batch of movements.
pub(crate) struct StockBinds {
    /// Each article's changes added up.
    deltas: BTreeMap<ArticleId, i128>,
    ids: Vec<Uuid>,
    nets: Vec<i64>,
    movements: MovementColumns,
}

impl StockBinds {
    pub(crate) fn of(movements: &[StockMovement]) -> Self {
        let mut deltas: BTreeMap<ArticleId, i128> = BTreeMap::new();
        for m in movements {
            *deltas.entry(m.article).or_default() += i128::from(m.delta);
        }
        let ids = deltas.keys().map(|a| uuid(a.as_u128())).collect();
        // A net change beyond i64 is refused whatever the stock: clamped, it still is.
        let nets = deltas
            .values()
            .map(|&d| i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX }))
            .collect();
        StockBinds {
            deltas,
            ids,
            nets,
            movements: MovementColumns::of(movements),
        }
    }

    /// Binds them, after the binds already made, and keeps the changes to judge the rows.
    pub(crate) fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, Postgres, PgArguments>,
    ) -> (sqlx::query::Query<'q, Postgres, PgArguments>, StockJudge) {
        let m = self.movements;
        let query = query
            .bind(self.ids)
            .bind(self.nets)
            .bind(m.articles)
            .bind(m.deltas)
            .bind(m.reasons)
            .bind(m.orders)
            .bind(m.ats)
            .bind(m.actors)
            .bind(m.notes);
        (query, StockJudge(self.deltas))
    }
}

/// Reads what [`take_stock_ctes`] gave back.
pub(crate) struct StockJudge(BTreeMap<ArticleId, i128>);

impl StockJudge {
    /// The new levels, or why the stock was refused, from the rows of a statement ending
    /// with `FROM verdict v LEFT JOIN locked l ON TRUE` (one row at least, the locked
    /// article's `id`, `reference`, `stock` and the verdict `ok`).
    pub(crate) fn levels(&self, rows: &[PgRow]) -> Result<Vec<StockLevel>, StockError> {
        let mut locked = BTreeMap::new();
        let mut moved = false;
        for row in rows {
            let c = Cols::new(row, "articles");
            moved = c.get("ok")?;
            // No article locked (every one unknown) gives one row without an article.
            let Some(id) = c.opt_id("id")? else {
                continue;
            };
            locked.insert(
                ArticleId::from_u128(id),
                Locked {
                    reference: c.parse("reference", ArticleReference::new)?,
                    stock: c.get("stock")?,
                },
            );
        }
        let levels = new_levels(&self.0, &locked);
        match (&levels, moved) {
            (Ok(_), true) | (Err(_), false) => levels,
            _ => Err(StoreError::Corrupt(
                "articles.stock: the database and the store disagree on whether the stock may move"
                    .to_owned(),
            )
            .into()),
        }
    }
}

/// What the movements do to each article, once its stock is known: the new levels, or why
/// they are refused.
fn new_levels(
    deltas: &BTreeMap<ArticleId, i128>,
    locked: &BTreeMap<ArticleId, Locked>,
) -> Result<Vec<StockLevel>, StockError> {
    let mut shortages = Vec::new();
    let mut levels = Vec::with_capacity(deltas.len());
    for (&article, &delta) in deltas {
        let Some(found) = locked.get(&article) else {
            return Err(StockError::UnknownArticle(article));
        };
        let after = i128::from(found.stock) + delta;
        if after < 0 {
            shortages.push(Shortage {
                article,
                reference: found.reference.clone(),
                requested: u64::try_from(-delta).unwrap_or(u64::MAX),
                available: u32::try_from(found.stock).map_err(|_| {
                    StoreError::Corrupt(format!("articles.stock: {} is out of range", found.stock))
                })?,
            });
        } else {
            match u32::try_from(after) {
                Ok(stock) => levels.push(StockLevel { article, stock }),
                Err(_) if shortages.is_empty() => return Err(StockError::TooLarge(article)),
                Err(_) => {}
            }
        }
    }
    if shortages.is_empty() {
        Ok(levels)
    } else {
        Err(StockError::Short(shortages))
    }
}

#[async_trait]
impl StockStore for PostgresTransaction {
    async fn apply_movements(
        &mut self,
        movements: &[StockMovement],
    ) -> Result<Vec<StockLevel>, StockError> {
        if movements.is_empty() {
            return Ok(Vec::new());
        }
        let (query, judge) = StockBinds::of(movements).bind(sqlx::query(TAKE_STOCK));
        let r = query.fetch_all(self.conn()).await;
        let rows = self.done(r)?;
        judge.levels(&rows)
    }

    async fn movements_of(
        &mut self,
        article: ArticleId,
        paging: Paging,
    ) -> Result<Page<StockMovement>, StoreError> {
        let r = sqlx::query(
            "SELECT article_id, delta, reason, order_id, at, actor, note, \
                    count(*) OVER () AS total \
             FROM stock_movements WHERE article_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(uuid(article.as_u128()))
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn())
        .await;
        let rows = self.done(r)?;
        let total = match rows.first() {
            Some(row) => Cols::new(row, "stock_movements").get::<i64>("total")?,
            None if paging.offset == 0 => 0,
            None => {
                let r = sqlx::query_scalar::<_, i64>(
                    "SELECT count(*) FROM stock_movements WHERE article_id = $1",
                )
                .bind(uuid(article.as_u128()))
                .fetch_one(self.conn())
                .await;
                self.done(r)?
            }
        };
        Ok(Page {
            items: rows.iter().map(movement).collect::<Result<_, _>>()?,
            total: count(total, "stock_movements")?,
        })
    }

    async fn movements_total(&mut self, article: ArticleId) -> Result<i64, StoreError> {
        let r = sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(SUM(delta), 0)::bigint FROM stock_movements WHERE article_id = $1",
        )
        .bind(uuid(article.as_u128()))
        .fetch_one(self.conn())
        .await;
        self.done(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locked(reference: &str, stock: i64) -> Locked {
        Locked {
            reference: ArticleReference::new(reference).unwrap(),
            stock,
        }
    }

    #[test]
    fn every_short_article_is_listed_and_levels_are_sorted() {
        let (a, b, c) = (
            ArticleId::from_u128(1),
            ArticleId::from_u128(2),
            ArticleId::from_u128(3),
        );
        let stocks = BTreeMap::from([
            (a, locked("A", 5)),
            (b, locked("B", 1)),
            (c, locked("C", 0)),
        ]);
        let short = new_levels(&BTreeMap::from([(a, -3), (b, -2), (c, -1)]), &stocks);
        match short {
            Err(StockError::Short(s)) => {
                assert_eq!(s.len(), 2);
                assert_eq!((s[0].article, s[0].requested, s[0].available), (b, 2, 1));
                assert_eq!((s[1].article, s[1].requested, s[1].available), (c, 1, 0));
            }
            other => panic!("expected a shortage, got {other:?}"),
        }
        let levels = new_levels(&BTreeMap::from([(a, -5), (c, 4)]), &stocks).unwrap();
        assert_eq!(
            levels,
            vec![
                StockLevel {
                    article: a,
                    stock: 0
                },
                StockLevel {
                    article: c,
                    stock: 4
                }
            ]
        );
    }

    #[test]
    fn unknown_and_too_large_are_refused() {
        let a = ArticleId::from_u128(1);
        let stocks = BTreeMap::from([(a, locked("A", i64::from(u32::MAX)))]);
        assert!(matches!(
            new_levels(&BTreeMap::from([(a, 1)]), &stocks),
            Err(StockError::TooLarge(x)) if x == a
        ));
        let b = ArticleId::from_u128(2);
        assert!(matches!(
            new_levels(&BTreeMap::from([(b, 1)]), &stocks),
            Err(StockError::UnknownArticle(x)) if x == b
        ));
    }
}
