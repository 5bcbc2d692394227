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

impl PostgresTransaction {
    /// Locks the articles in ascending id order, in one statement (the index scan and the
    /// sort both give that order, and rows are locked as they come), and reads their stock.
    async fn lock_articles(
        &mut self,
        ids: Vec<Uuid>,
    ) -> Result<BTreeMap<ArticleId, Locked>, StoreError> {
        let r = sqlx::query(
            "SELECT id, reference, stock FROM articles WHERE id = ANY ($1) ORDER BY id FOR UPDATE",
        )
        .bind(ids)
        .fetch_all(self.conn())
        .await;
        let mut locked = BTreeMap::new();
        for row in self.done(r)? {
            let c = Cols::new(&row, "articles");
            locked.insert(
                ArticleId::from_u128(c.id("id")?),
                Locked {
                    reference: c.parse("reference", ArticleReference::new)?,
                    stock: c.get("stock")?,
                },
            );
        }
        Ok(locked)
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
        let mut deltas: BTreeMap<ArticleId, i128> = BTreeMap::new();
        for m in movements {
            *deltas.entry(m.article).or_default() += i128::from(m.delta);
        }
        let ids: Vec<Uuid> = deltas.keys().map(|a| uuid(a.as_u128())).collect();
        let locked = self.lock_articles(ids.clone()).await?;
        let levels = new_levels(&deltas, &locked)?;
        // Each level is within 0..=u32::MAX and so was the stock: the net change fits i64.
        let stocks: Vec<i64> = levels.iter().map(|l| i64::from(l.stock)).collect();
        let m = MovementColumns::of(movements);
        // One statement for both: the new stocks (as computed under the locks) and the
        // movements, in the order given, so that ids follow that order.
        let r = sqlx::query(
            "WITH changed AS ( \
                 UPDATE articles a SET stock = n.stock \
                 FROM UNNEST($1::uuid[], $2::bigint[]) AS n (id, stock) WHERE a.id = n.id \
             ) \
             INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note) \
             SELECT * FROM UNNEST($3::uuid[], $4::bigint[], $5::text[], $6::uuid[], \
                                  $7::timestamptz[], $8::text[], $9::text[])",
        )
        .bind(ids)
        .bind(stocks)
        .bind(m.articles)
        .bind(m.deltas)
        .bind(m.reasons)
        .bind(m.orders)
        .bind(m.ats)
        .bind(m.actors)
        .bind(m.notes)
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(levels)
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
