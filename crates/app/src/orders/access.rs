//! Who may see and change which orders.

use domain::order::{Commande, OrderSource, OrderState};

use crate::{Access, AppError, Caller};

/// Whether the caller may see this order. Anyone else is told it does not exist, so that
/// order numbers reveal nothing.
pub(crate) fn may_see(caller: &Caller, order: &Commande) -> bool {
    match caller.access {
        Access::Staff | Access::System | Access::OrderTaker { .. } => true,
        // A deleted draft is never shown as an order again to its customer.
        Access::Customer(me) => {
            order.parties().customer == me && order.state() != OrderState::Deleted
        }
        Access::Program => order.source() == OrderSource::Api,
    }
}

/// The order, if the caller may see it; else "does not exist".
pub(crate) fn visible(
    caller: &Caller,
    order: Option<Commande>,
    key: &str,
) -> Result<Commande, AppError> {
    match order {
        Some(order) if may_see(caller, &order) => Ok(order),
        _ => Err(AppError::not_found("order", key)),
    }
}

/// Changes other than a customer's own placement are for the supplier's people.
pub(crate) fn require_internal(caller: &Caller, what: &str) -> Result<(), AppError> {
    if caller.is_internal() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only staff may {what}")))
    }
}
