use async_trait::async_trait;
use domain::catalogue::ArticleReference;
use domain::ids::{ArticleId, CommandeId};
use domain::order::{Actor, Reason};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;

use crate::{Page, Paging, StoreError};

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementReason {
    /// Staff counted, received or wrote off goods.
    Adjustment,
    /// An order was validated and took its quantities.
    OrderValidated,
    /// A validated order was cancelled and gave its quantities back.
    OrderCancelled,
}

impl MovementReason {
    /// The reason's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementReason::Adjustment => "adjustment",
            MovementReason::OrderValidated => "order_validated",
            MovementReason::OrderCancelled => "order_cancelled",
        }
    }

    /// Reads a reason from its name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Adjustment, Self::OrderValidated, Self::OrderCancelled]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// One change of an article's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    /// The article.
    pub article: ArticleId,
    /// Units added (positive) or taken (negative); never 0.
    pub delta: i64,
    /// Why.
    pub reason: MovementReason,
    /// The order that caused it, if any.
    pub order: Option<CommandeId>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: Actor,
    /// A remark ("inventaire du 3 mars").
    pub note: Option<Reason>,
}

/// An article whose stock is too low for what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortage {
    /// The article.
    pub article: ArticleId,
    /// Its reference.
    pub reference: ArticleReference,
    /// Units asked (the sum of what the movements take from it).
    pub requested: u64,
    /// Units available now.
    pub available: u32,
}

/// An article's stock after movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockLevel {
    /// The article.
    pub article: ArticleId,
    /// Its stock now.
    pub stock: u32,
}

/// Why movements were refused. Nothing was changed.
#[derive(Debug, Error)]
pub enum StockError {
    /// Some articles do not have enough stock: all of them are listed.
    #[error("not enough stock for {} article(s)", .0.len())]
    Short(Vec<Shortage>),
    /// An article of the movements is not stored.
    #[error("article {0} does not exist")]
    UnknownArticle(ArticleId),
    /// The stock would go above the largest stock an article can hold (u32::MAX).
    #[error("the stock of article {0} would be too large")]
    TooLarge(ArticleId),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stock levels and their movements.
#[async_trait]
pub trait StockStore: Send {
    /// Applies movements all together, or none of them.
    ///
    /// Every implementation must: lock the articles concerned in ascending id order (so
    /// that two transactions taking the same articles never deadlock) until the
    /// transaction ends; add up the deltas per article; refuse with
    /// [`StockError::Short`], listing *every* article whose stock would go below zero
    /// with its stock now, and change nothing; otherwise change each stock and record
    /// each movement, and give the new levels in ascending article id order. Once it
    /// returns, no other transaction can take those units until this one ends, so stock
    /// never goes below zero whatever the number of concurrent orders.
    ///
    /// # Errors
    /// [`StockError::Short`], [`StockError::UnknownArticle`], [`StockError::TooLarge`],
    /// [`StockError::Store`] (a [`StoreError::Retryable`] when the database gave up on a
    /// lock).
    async fn apply_movements(
        &mut self,
        movements: &[StockMovement],
    ) -> Result<Vec<StockLevel>, StockError>;

    /// An article's movements, newest first.
    async fn movements_of(
        &mut self,
        article: ArticleId,
        paging: Paging,
    ) -> Result<Page<StockMovement>, StoreError>;

    /// The sum of all the deltas of an article's movements (which always equals its
    /// stock, since stock only moves through movements).
    async fn movements_total(&mut self, article: ArticleId) -> Result<i64, StoreError>;
}
