//! Orders: placing them (online, from a program, or as a draft at a site), validating,
//! changing, cancelling, fulfilling, finding and searching them.

mod change;
mod fit;
mod messages;
mod place;
mod query;
mod stock;

pub use change::{PartiesChange, ValidatedOrder};
pub use fit::{fit_to_stock, StockLine};
pub use messages::{ORDER_CANCELLED, ORDER_CONFIRMATION, ORDER_VALIDATED_INTERNAL};
pub use place::{PlacedOrder, MAX_IDEMPOTENCY_KEY};

use domain::ids::{AdresseId, TiersId};
use domain::money::{Amount, Quantity};
use domain::order::{OrderSource, SiteCode};
use serde::{Deserialize, Serialize};

use crate::catalogue::ArticleKey;

/// A line asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRequest {
    /// The article, by id or reference.
    pub article: ArticleKey,
    /// How many.
    pub quantity: Quantity,
    /// The discount granted on the line, an amount (staff only; 0 otherwise).
    pub discount: Amount,
}

/// What to do when an article does not have enough stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortagePolicy {
    /// Refuse the whole order, listing every short article with what is available, so the
    /// customer can drop or reduce them.
    #[default]
    Refuse,
    /// Go on with what is available: short lines are reduced, lines with nothing left (or
    /// less than the article's minimum) are dropped. Refused only if no line is left.
    TakeAvailable,
}

/// An order asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// Who orders.
    pub customer: TiersId,
    /// Who pays; the customer when absent.
    pub payer: Option<TiersId>,
    /// Who receives; the customer when absent.
    pub recipient: Option<TiersId>,
    /// Where to deliver.
    pub delivery_address: AdresseId,
    /// Where to bill; the delivery address when absent.
    pub billing_address: Option<AdresseId>,
    /// The lines, at least one.
    pub lines: Vec<LineRequest>,
    /// The global discount (staff only; 0 otherwise).
    pub global_discount: Amount,
    /// Where the order comes from.
    pub source: OrderSource,
    /// The site to number it under; the caller's site, or the online site, when absent.
    pub site: Option<SiteCode>,
    /// What to do when stock is short.
    pub on_shortage: ShortagePolicy,
}
