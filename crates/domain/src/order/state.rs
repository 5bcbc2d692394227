use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::text::bounded_text;

/// The state of an order (seed 004).
///
/// ```text
///            validate            fulfil
///   DRAFT ─────────────▶ VALIDATED ──────────▶ FULFILLED
///     │                      │
///     │ delete               │ cancel
///     ▼                      ▼
///  DELETED               CANCELLED
/// ```
///
/// DELETED, FULFILLED and CANCELLED are final: no action applies to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderState {
    /// Being built; can be validated or deleted.
    Draft,
    /// Confirmed, stock taken; can be fulfilled or cancelled, never deleted nor drafted again.
    Validated,
    /// Processed and closed.
    Fulfilled,
    /// Cancelled after validation; its stock went back.
    Cancelled,
    /// A dropped draft; never shown as an order again.
    Deleted,
}

impl OrderState {
    /// Every state, in the order of the life cycle.
    pub const ALL: [OrderState; 5] = [
        OrderState::Draft,
        OrderState::Validated,
        OrderState::Fulfilled,
        OrderState::Cancelled,
        OrderState::Deleted,
    ];

    /// Whether no action applies any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Fulfilled | OrderState::Cancelled | OrderState::Deleted
        )
    }

    /// The state an action leads to from this one, or `None` when the move is illegal.
    /// This table is the whole state machine.
    pub fn after(self, action: OrderAction) -> Option<OrderState> {
        match (self, action) {
            (OrderState::Draft, OrderAction::Validate) => Some(OrderState::Validated),
            (OrderState::Draft, OrderAction::Delete) => Some(OrderState::Deleted),
            (OrderState::Validated, OrderAction::Fulfil) => Some(OrderState::Fulfilled),
            (OrderState::Validated, OrderAction::Cancel) => Some(OrderState::Cancelled),
            _ => None,
        }
    }

    /// The actions that apply in this state.
    pub fn allowed_actions(self) -> Vec<OrderAction> {
        OrderAction::ALL
            .into_iter()
            .filter(|&a| self.after(a).is_some())
            .collect()
    }

    /// The state's name, as stored and as written in the API (`DRAFT`, `VALIDATED`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Draft => "DRAFT",
            OrderState::Validated => "VALIDATED",
            OrderState::Fulfilled => "FULFILLED",
            OrderState::Cancelled => "CANCELLED",
            OrderState::Deleted => "DELETED",
        }
    }

    /// Reads a state from its name, in either case.
    pub fn parse(text: &str) -> Option<OrderState> {
        OrderState::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for OrderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What can be done to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    /// Confirm a draft.
    Validate,
    /// Drop a draft.
    Delete,
    /// Close a validated order once processed.
    Fulfil,
    /// Cancel a validated order.
    Cancel,
}

impl OrderAction {
    /// Every action.
    pub const ALL: [OrderAction; 4] = [
        OrderAction::Validate,
        OrderAction::Delete,
        OrderAction::Fulfil,
        OrderAction::Cancel,
    ];

    /// The action's name, as a verb (`validate`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Validate => "validate",
            OrderAction::Delete => "delete",
            OrderAction::Fulfil => "fulfil",
            OrderAction::Cancel => "cancel",
        }
    }
}

impl std::fmt::Display for OrderAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

bounded_text!(
    /// Who made a change, as recorded in histories: a user's login, `system`, or the name
    /// of a program sending orders through the API.
    Actor,
    "an actor",
    120
);

bounded_text!(
    /// Why a change was made, in the words of whoever made it.
    Reason,
    "a reason",
    500
);

/// One entry of an order's state history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// The state before; `None` for the order's creation.
    pub from: Option<OrderState>,
    /// The state after.
    pub to: OrderState,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: Actor,
    /// Why, when said.
    pub reason: Option<Reason>,
}

/// Replays a history from the creation and gives the state it leads to, or `None` when the
/// history does not start with the creation of a draft or holds an illegal move.
pub fn replay(history: &[StateChange]) -> Option<OrderState> {
    let (first, rest) = history.split_first()?;
    if first.from.is_some() || first.to != OrderState::Draft {
        return None;
    }
    rest.iter().try_fold(first.to, |state, change| {
        let legal = change.from == Some(state)
            && OrderAction::ALL
                .into_iter()
                .any(|a| state.after(a) == Some(change.to));
        legal.then_some(change.to)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_of_the_product() {
        use OrderAction::*;
        use OrderState::*;
        let legal: Vec<(OrderState, OrderAction, OrderState)> = OrderState::ALL
            .into_iter()
            .flat_map(|s| OrderAction::ALL.into_iter().map(move |a| (s, a)))
            .filter_map(|(s, a)| s.after(a).map(|t| (s, a, t)))
            .collect();
        assert_eq!(
            legal,
            vec![
                (Draft, Validate, Validated),
                (Draft, Delete, Deleted),
                (Validated, Fulfil, Fulfilled),
                (Validated, Cancel, Cancelled),
            ]
        );
        for s in [Fulfilled, Cancelled, Deleted] {
            assert!(s.is_final());
            assert!(s.allowed_actions().is_empty());
        }
    }

    #[test]
    fn states_read_back_from_their_names() {
        for s in OrderState::ALL {
            assert_eq!(OrderState::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderState::parse("validated"), Some(OrderState::Validated));
        assert_eq!(OrderState::parse("SHIPPED"), None);
    }
}
