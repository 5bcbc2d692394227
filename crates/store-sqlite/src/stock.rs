//! Stock levels and their movements ([`StockStore`]).
//!
//! A write transaction holds SQLite's write lock from its first statement (`BEGIN
//! IMMEDIATE`), so no other transaction reads or changes stock between the check and the
//! update here: the articles are locked, all of them, for the whole transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use domain::catalogue::ArticleReference;
use domain::ids::{ArticleId, CommandeId};
use domain::order::{Actor, Reason};
use ports::{
    MovementReason, Page, Paging, Shortage, StockError, StockLevel, StockMovement, StockStore,
    StoreError,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};

use crate::codec::{limit, micros, offset, total, Columns, ROWS_PER_STATEMENT};
use crate::error::translate;
use crate::tx::SqliteTx;

/// What is stored of an article for the check.
struct Held {
    reference: ArticleReference,
    stock: u32,
}

/// The stock and reference of the articles with these ids (ascending, distinct).
async fn held(
    conn: &mut SqliteConnection,
    ids: &[ArticleId],
) -> Result<BTreeMap<ArticleId, Held>, StoreError> {
    let mut held = BTreeMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::new("SELECT id, reference, stock FROM articles WHERE id IN (");
        let mut list = sql.separated(", ");
        for id in chunk {
            list.push_bind(id.to_string());
        }
        sql.push(")");
        let rows = sql.build().fetch_all(&mut *conn).await.map_err(translate)?;
        for row in &rows {
            let c = Columns::new(row, "articles");
            held.insert(
                c.parse("id", ArticleId::parse)?,
                Held {
                    reference: c.parse("reference", ArticleReference::new)?,
                    stock: c.int_as("stock")?,
                },
            );
        }
    }
    Ok(held)
}

/// Checks the summed deltas against the stock held; gives the new levels, ascending.
fn new_levels(
    deltas: &BTreeMap<ArticleId, i128>,
    held: &BTreeMap<ArticleId, Held>,
) -> Result<Vec<StockLevel>, StockError> {
    if let Some(&missing) = deltas.keys().find(|id| !held.contains_key(id)) {
        return Err(StockError::UnknownArticle(missing));
    }
    let mut levels = Vec::with_capacity(deltas.len());
    let mut shortages = Vec::new();
    let mut too_large = None;
    for (&article, &delta) in deltas {
        let Some(now) = held.get(&article) else {
            return Err(StockError::UnknownArticle(article));
        };
        let after = i128::from(now.stock) + delta;
        if after < 0 {
            shortages.push(Shortage {
                article,
                reference: now.reference.clone(),
                // What the movements take from it, all added up.
                requested: u64::try_from(-delta).unwrap_or(u64::MAX),
                available: now.stock,
            });
        } else {
            match u32::try_from(after) {
                Ok(stock) => levels.push(StockLevel { article, stock }),
                Err(_) => {
                    too_large.get_or_insert(article);
                }
            }
        }
    }
    if !shortages.is_empty() {
        return Err(StockError::Short(shortages));
    }
    if let Some(article) = too_large {
        return Err(StockError::TooLarge(article));
    }
    Ok(levels)
}

async fn write_levels(
    conn: &mut SqliteConnection,
    levels: &[StockLevel],
) -> Result<(), StoreError> {
    for chunk in levels.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::new("WITH level (id, stock) AS (VALUES ");
        let mut rows = sql.separated(", ");
        for level in chunk {
            rows.push("(");
            rows.push_bind_unseparated(level.article.to_string());
            rows.push_unseparated(", ");
            rows.push_bind_unseparated(level.stock);
            rows.push_unseparated(")");
        }
        sql.push(
            ") UPDATE articles SET stock = (SELECT stock FROM level WHERE level.id = articles.id) \
             WHERE id IN (SELECT id FROM level)",
        );
        sql.build().execute(&mut *conn).await.map_err(translate)?;
    }
    Ok(())
}

async fn record(
    conn: &mut SqliteConnection,
    movements: &[StockMovement],
) -> Result<(), StoreError> {
    for chunk in movements.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::new(
            "INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note) ",
        );
        sql.push_values(chunk, |mut row, m| {
            row.push_bind(m.article.to_string())
                .push_bind(m.delta)
                .push_bind(m.reason.as_str())
                .push_bind(m.order.map(|o| o.to_string()))
                .push_bind(micros(m.at))
                .push_bind(m.by.as_str())
                .push_bind(m.note.as_ref().map(Reason::as_str));
        });
        sql.build().execute(&mut *conn).await.map_err(translate)?;
    }
    Ok(())
}

fn movement(row: &SqliteRow) -> Result<StockMovement, StoreError> {
    let c = Columns::new(row, "stock_movements");
    Ok(StockMovement {
        article: c.parse("article_id", ArticleId::parse)?,
        delta: c.int("delta")?,
        reason: c.name("reason", MovementReason::parse)?,
        order: c.opt_parse("order_id", CommandeId::parse)?,
        at: c.instant("at")?,
        by: c.parse("actor", Actor::new)?,
        note: c.opt_parse("note", Reason::new)?,
    })
}

#[async_trait]
impl StockStore for SqliteTx {
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
        let ids: Vec<ArticleId> = deltas.keys().copied().collect();
        let held = held(self.conn(), &ids).await?;
        let levels = new_levels(&deltas, &held)?;
        write_levels(self.conn(), &levels).await?;
        record(self.conn(), movements).await?;
        Ok(levels)
    }

    async fn movements_of(
        &mut self,
        article: ArticleId,
        paging: Paging,
    ) -> Result<Page<StockMovement>, StoreError> {
        let id = article.to_string();
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM stock_movements WHERE article_id = ?")
                .bind(&id)
                .fetch_one(self.conn())
                .await
                .map_err(translate)?;
        let rows = sqlx::query(
            "SELECT article_id, delta, reason, order_id, at, actor, note FROM stock_movements \
             WHERE article_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
        )
        .bind(&id)
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn())
        .await
        .map_err(translate)?;
        Ok(Page {
            items: rows.iter().map(movement).collect::<Result<_, _>>()?,
            total: total(count),
        })
    }

    async fn movements_total(&mut self, article: ArticleId) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT COALESCE(SUM(delta), 0) FROM stock_movements WHERE article_id = ?",
        )
        .bind(article.to_string())
        .fetch_one(self.conn())
        .await
        .map_err(translate)
    }
}
