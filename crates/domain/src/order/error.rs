use thiserror::Error;

use super::{OrderAction, OrderState};
use crate::pricing::PricingError;

/// Why a change to an order was refused. The order is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrderError {
    /// The state machine forbids this action in the current state.
    #[error("the order is {state}: it cannot be {}", past_participle(*.action))]
    IllegalTransition {
        /// The current state.
        state: OrderState,
        /// The action refused.
        action: OrderAction,
    },
    /// This part of the order can no longer change in its current state.
    #[error("the order is {state}: its {what} can no longer be changed")]
    NotEditable {
        /// The current state.
        state: OrderState,
        /// What was to change ("lines", "delivery date", ...).
        what: &'static str,
    },
    /// An order always keeps at least one line.
    #[error(
        "an order must have at least one line; delete the draft instead of removing its last line"
    )]
    NoLine,
    /// No line has this position.
    #[error("the order has no line {0}")]
    LineNotFound(u32),
    /// The lines or discounts cannot be priced.
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// The stored order does not hold together (its history does not lead to its state).
    #[error("the stored order is inconsistent: {0}")]
    Inconsistent(&'static str),
}

impl OrderError {
    /// A stable code for the error, for APIs and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::IllegalTransition { .. } => "illegal_state_change",
            OrderError::NotEditable { .. } => "not_editable",
            OrderError::NoLine => "empty_order",
            OrderError::LineNotFound(_) => "line_not_found",
            OrderError::Pricing(e) => e.code(),
            OrderError::Inconsistent(_) => "inconsistent_order",
        }
    }
}

fn past_participle(action: OrderAction) -> &'static str {
    match action {
        OrderAction::Validate => "validated",
        OrderAction::Delete => "deleted",
        OrderAction::Fulfil => "fulfilled",
        OrderAction::Cancel => "cancelled",
    }
}
