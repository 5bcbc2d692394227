use async_trait::async_trait;
use domain::ids::{AccountId, CommandeId, SocieteId, TiersId};
use domain::order::{Commande, OrderNumber, OrderSource, OrderState};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::{Page, Paging, StoreError};

/// What to search orders by; every field given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Ordered by this customer.
    pub customer: Option<TiersId>,
    /// In this state. Without it, deleted drafts are left out.
    pub state: Option<OrderState>,
    /// From this source.
    pub source: Option<OrderSource>,
    /// Taken at this site.
    pub site: Option<SocieteId>,
    /// Placed by this program's account.
    pub placed_by: Option<AccountId>,
    /// Taken at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Taken before this time.
    pub until: Option<OffsetDateTime>,
    /// Which page.
    pub paging: Paging,
}

/// An order in a list of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// Its id.
    pub id: CommandeId,
    /// Its number.
    pub number: OrderNumber,
    /// Its customer.
    pub customer: TiersId,
    /// Its site.
    pub site: SocieteId,
    /// Its source.
    pub source: OrderSource,
    /// Its state.
    pub state: OrderState,
    /// When it was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub ordered_at: OffsetDateTime,
    /// When it is to be delivered.
    pub planned_delivery: Date,
    /// Its total to pay.
    pub total_ttc: Decimal,
}

/// Orders, with their lines and state history.
#[async_trait]
pub trait OrderStore: Send {
    /// Stores a new order with its lines, its totals and its whole history.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"order"`, key: the number) when its number is
    /// already an order's.
    async fn insert_order(&mut self, order: &Commande) -> Result<(), StoreError>;

    /// Stores what changed in an order: its state, parties, planned delivery date, global
    /// discount, totals and lines as they are now, and the entries of its history that are
    /// not stored yet (entries already stored never change).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the order is not stored.
    async fn update_order(&mut self, order: &Commande) -> Result<(), StoreError>;

    /// The order with this id, locked until the end of the transaction so that no other
    /// transaction changes it meanwhile (for changes: read, decide, update).
    async fn lock_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError>;

    /// The order with this id.
    async fn get_order(&mut self, id: CommandeId) -> Result<Option<Commande>, StoreError>;

    /// The order with this number.
    async fn find_order(&mut self, number: &OrderNumber) -> Result<Option<Commande>, StoreError>;

    /// The orders that match, newest first (then by number, descending).
    async fn search_orders(&mut self, query: &OrderQuery)
        -> Result<Page<OrderSummary>, StoreError>;
}
