//! Stock levels and their movements ([`StockStore`]).
//!
//! Stock moves only through movements: a trigger (migration 0002) adds each movement's
//! delta to its article's stock as the movement is recorded, and the CHECK of
//! `articles.stock` refuses a stock below 0 or above `u32::MAX`. So the movements of an
//! article always add up to its stock, whatever records them.
//!
//! A write transaction holds SQLite's write lock from its first statement (`BEGIN
//! IMMEDIATE`): the articles are locked, all of them, for the whole transaction, and no
//! other transaction reads or changes stock between a check and a write here.
//!
//! [`StockStore::apply_movements`] usually takes one call to sqlx's worker thread: one query
//! inserts the movements (the trigger moves the stocks) and reads the new levels. When SQLite
//! refuses (a stock out of bounds, an unknown article), it has undone the refused statement,
//! triggers included, and the transaction goes on: the exact refusal is then built from the
//! stocks read afterwards, which are those from before.

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
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::codec::{limit, micros, offset, total, Columns, ROWS_PER_STATEMENT};
use crate::error::{is_constraint_violation, translate};
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

/// Appends the INSERT of `movements` (at most [`ROWS_PER_STATEMENT`]) to `sql`.
pub(crate) fn push_insert<'a>(sql: &mut QueryBuilder<'a, Sqlite>, movements: &'a [StockMovement]) {
    sql.push("INSERT INTO stock_movements (article_id, delta, reason, order_id, at, actor, note) ");
    sql.push_values(movements, |mut row, m| {
        row.push_bind(m.article.to_string())
            .push_bind(m.delta)
            .push_bind(m.reason.as_str())
            .push_bind(m.order.map(|o| o.to_string()))
            .push_bind(micros(m.at))
            .push_bind(m.by.as_str())
            .push_bind(m.note.as_ref().map(Reason::as_str));
    });
}

/// Records movements (at most [`ROWS_PER_STATEMENT`]) and reads the stock of their
/// `articles` afterwards: one query of two statements, one call to the worker thread.
///
/// The movements are one INSERT, so they are recorded all together or not at all: when a
/// stock would leave its bounds or an article is unknown, SQLite undoes the whole
/// statement and what its trigger did, and the error is returned with nothing changed.
async fn record_and_read(
    conn: &mut SqliteConnection,
    movements: &[StockMovement],
    articles: &[ArticleId],
) -> Result<Vec<SqliteRow>, sqlx::Error> {
    let mut sql = QueryBuilder::new("");
    push_insert(&mut sql, movements);
    sql.push(";\nSELECT id, stock FROM articles WHERE id IN (");
    let mut list = sql.separated(", ");
    for id in articles {
        list.push_bind(id.to_string());
    }
    sql.push(") ORDER BY id");
    sql.build().fetch_all(conn).await
}

/// The levels of `articles` from the rows [`record_and_read`] gave, in the order of
/// `articles`.
fn levels_from(rows: &[SqliteRow], articles: &[ArticleId]) -> Result<Vec<StockLevel>, StoreError> {
    let mut stocks = BTreeMap::new();
    for row in rows {
        let c = Columns::new(row, "articles");
        stocks.insert(c.parse("id", ArticleId::parse)?, c.int_as::<u32>("stock")?);
    }
    articles
        .iter()
        .map(|&article| match stocks.get(&article) {
            Some(&stock) => Ok(StockLevel { article, stock }),
            // The foreign key of the movements makes this impossible.
            None => Err(StoreError::Corrupt(format!(
                "articles: article {article} has movements but no row"
            ))),
        })
        .collect()
}

/// Records movements already checked against the stock, however many, all together or
/// none of them: one query, inside a savepoint that is rolled back if any statement fails.
///
/// The movements of the `netted` articles (those the batch both takes from and gives to)
/// reach the stock as one sum, through `stock_netting` (see migration 0002), so that their
/// stock never leaves its bounds half-way through the batch. The others are added one
/// movement at a time by the trigger: only taken from or only given to, their stock moves
/// one way and never passes its final level, which was checked.
async fn record_checked(
    conn: &mut SqliteConnection,
    movements: &[StockMovement],
    netted: &[ArticleId],
) -> Result<(), StoreError> {
    let mut sql = QueryBuilder::new("SAVEPOINT apply_movements");
    for chunk in netted.chunks(ROWS_PER_STATEMENT) {
        sql.push(
            ";\nINSERT INTO stock_netting (article_id, after_id) \
             SELECT column1, (SELECT COALESCE(MAX(id), 0) FROM stock_movements) FROM (",
        );
        sql.push_values(chunk, |mut row, id| {
            row.push_bind(id.to_string());
        });
        sql.push(")");
    }
    for chunk in movements.chunks(ROWS_PER_STATEMENT) {
        sql.push(";\n");
        push_insert(&mut sql, chunk);
    }
    if !netted.is_empty() {
        // Row by row (SQLite never truncates a table with triggers): each deleted row adds
        // its article's sum.
        sql.push(";\nDELETE FROM stock_netting");
    }
    sql.push(";\nRELEASE apply_movements");
    match sql.build().execute(&mut *conn).await {
        Ok(_) => Ok(()),
        Err(err) => {
            // Undo the statements that ran before the one that failed. When this fails too
            // (the savepoint itself was not taken), there is nothing more to undo here.
            let _ = sqlx::query("ROLLBACK TO apply_movements; RELEASE apply_movements")
                .execute(&mut *conn)
                .await;
            Err(translate(err))
        }
    }
}

/// What a batch does to one article.
#[derive(Default)]
struct Moved {
    /// Its deltas added up.
    sum: i128,
    /// Whether a movement takes from it.
    takes: bool,
    /// Whether a movement gives to it.
    gives: bool,
}

/// What a batch of movements does, article by article.
pub(crate) struct Batch {
    /// Each article's deltas added up, by id.
    deltas: BTreeMap<ArticleId, i128>,
    /// The articles, ascending.
    ids: Vec<ArticleId>,
    /// The articles the batch both takes from and gives to.
    netted: Vec<ArticleId>,
}

impl Batch {
    pub(crate) fn of(movements: &[StockMovement]) -> Self {
        let mut moved: BTreeMap<ArticleId, Moved> = BTreeMap::new();
        for m in movements {
            let article = moved.entry(m.article).or_default();
            article.sum += i128::from(m.delta);
            article.takes |= m.delta < 0;
            article.gives |= m.delta > 0;
        }
        Batch {
            deltas: moved.iter().map(|(&a, m)| (a, m.sum)).collect(),
            ids: moved.keys().copied().collect(),
            netted: moved
                .iter()
                .filter(|(_, m)| m.takes && m.gives)
                .map(|(&a, _)| a)
                .collect(),
        }
    }

    /// Whether the movements can be recorded by one INSERT (see [`push_insert`]), SQLite
    /// refusing it whole when a stock would leave its bounds: no article both taken from
    /// and given to, and few enough movements for one statement.
    pub(crate) fn in_one_statement(&self, movements: &[StockMovement]) -> bool {
        self.netted.is_empty() && movements.len() <= ROWS_PER_STATEMENT
    }

    /// Why the INSERT of these movements was refused with `err` (a constraint), read from
    /// the stocks as they are now: SQLite undid the statement, so they are those from
    /// before, from which the exact refusal is built.
    pub(crate) async fn refusal(
        &self,
        conn: &mut SqliteConnection,
        err: sqlx::Error,
    ) -> StockError {
        let held = match held(conn, &self.ids).await {
            Ok(held) => held,
            Err(read) => return StockError::Store(read),
        };
        match new_levels(&self.deltas, &held) {
            Err(refusal) => refusal,
            Ok(_) => StockError::Store(translate(err)),
        }
    }
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
        let batch = Batch::of(movements);
        if batch.in_one_statement(movements) {
            // The usual case (an order takes its lines, a cancellation gives them back, an
            // adjustment): each article only taken from or only given to, so the trigger
            // adding one movement at a time stays within bounds exactly when the sum does.
            return match record_and_read(self.conn().await?, movements, &batch.ids).await {
                Ok(rows) => Ok(levels_from(&rows, &batch.ids)?),
                Err(err) if is_constraint_violation(&err) => {
                    Err(batch.refusal(self.conn().await?, err).await)
                }
                Err(err) => Err(StockError::Store(translate(err))),
            };
        }

        // An article both taken from and given to, or more movements than one statement
        // holds: check first, then record.
        let held = held(self.conn().await?, &batch.ids).await?;
        let levels = new_levels(&batch.deltas, &held)?;
        record_checked(self.conn().await?, movements, &batch.netted).await?;
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
                .fetch_one(self.conn().await?)
                .await
                .map_err(translate)?;
        let rows = sqlx::query(
            "SELECT article_id, delta, reason, order_id, at, actor, note FROM stock_movements \
             WHERE article_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
        )
        .bind(&id)
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn().await?)
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
        .fetch_one(self.conn().await?)
        .await
        .map_err(translate)
    }
}
