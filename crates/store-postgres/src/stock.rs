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
use sqlx::postgres::PgRow;
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

/// Takes the stock in one statement: locks the articles concerned in ascending id order
/// (the index scan and the sort both give that order, and rows are locked as they come),
/// checks that each exists and that its stock stays within 0..=u32::MAX, and only then
/// moves the stocks and records the movements (in the order given, so that ids follow that
/// order). Gives back each locked article's stock *before* the change, with the verdict:
/// when it is false nothing was written, and [`new_levels`] says why.
///
/// Binds: $1 the articles, $2 their net changes; $3 to $9 the movements, one array per
/// column. The sums are in `numeric`, so that no change, however large, fails the
/// statement (which would abort the transaction) instead of being refused.
const TAKE_STOCK: &str = "\
    WITH wanted AS ( \
        SELECT * FROM UNNEST($1::uuid[], $2::bigint[]) AS w (id, delta) \
    ), locked AS MATERIALIZED ( \
        SELECT a.id, a.reference, a.stock FROM articles a \
        WHERE a.id = ANY ($1) ORDER BY a.id FOR UPDATE \
    ), verdict AS MATERIALIZED ( \
        SELECT count(*) = cardinality($1::uuid[]) \
               AND coalesce(bool_and(l.stock::numeric + w.delta BETWEEN 0 AND 4294967295), \
                            true) AS ok \
        FROM wanted w JOIN locked l ON l.id = w.id \
    ), changed AS ( \
        UPDATE articles a SET stock = a.stock + w.delta \
        FROM wanted w, verdict v WHERE a.id = w.id AND v.ok \
    ), moved AS ( \
        INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note) \
        SELECT m.* FROM verdict v, \
               UNNEST($3::uuid[], $4::bigint[], $5::text[], $6::uuid[], $7::timestamptz[], \
                      $8::text[], $9::text[]) AS m \
        WHERE v.ok \
    ) \
    SELECT l.id, l.reference, l.stock, v.ok FROM locked l, verdict v";

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
        let mut deltas: BTreeMap<ArticleId, i128> = BTreeMap::new();
        for m in movements {
            *deltas.entry(m.article).or_default() += i128::from(m.delta);
        }
        let ids: Vec<Uuid> = deltas.keys().map(|a| uuid(a.as_u128())).collect();
        // A net change beyond i64 is refused whatever the stock: clamped, it still is.
        let nets: Vec<i64> = deltas
            .values()
            .map(|&d| i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX }))
            .collect();
        let m = MovementColumns::of(movements);
        let r = sqlx::query(TAKE_STOCK)
            .bind(ids)
            .bind(nets)
            .bind(m.articles)
            .bind(m.deltas)
            .bind(m.reasons)
            .bind(m.orders)
            .bind(m.ats)
            .bind(m.actors)
            .bind(m.notes)
            .fetch_all(self.conn())
            .await;
        let rows = self.done(r)?;
        let mut locked = BTreeMap::new();
        // No row locked (every article unknown) gives no verdict row either: nothing moved.
        let mut moved = false;
        for row in &rows {
            let c = Cols::new(row, "articles");
            moved = c.get("ok")?;
            locked.insert(
                ArticleId::from_u128(c.id("id")?),
                Locked {
                    reference: c.parse("reference", ArticleReference::new)?,
                    stock: c.get("stock")?,
                },
            );
        }
        let levels = new_levels(&deltas, &locked);
        match (&levels, moved) {
            (Ok(_), true) | (Err(_), false) => Ok(levels?),
            _ => Err(StoreError::Corrupt(
                "articles.stock: the database and the store disagree on whether the stock may move"
                    .to_owned(),
            )
            .into()),
        }
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
