//! Taking an order's stock and giving it back.

use domain::order::{Actor, Commande};
use ports::{MovementReason, StockMovement, StockStore};
use time::OffsetDateTime;

use crate::AppError;

/// The movements that take (validation) or give back (cancellation) an order's lines.
pub(crate) fn movements(
    order: &Commande,
    reason: MovementReason,
    at: OffsetDateTime,
    by: &Actor,
) -> Vec<StockMovement> {
    let sign = match reason {
        MovementReason::OrderValidated => -1,
        MovementReason::OrderCancelled | MovementReason::Adjustment => 1,
    };
    order
        .lines()
        .iter()
        .map(|line| StockMovement {
            article: line.content.article,
            delta: sign * i64::from(line.content.quantity.get()),
            reason,
            order: Some(order.id()),
            at,
            by: by.clone(),
            note: None,
        })
        .collect()
}

/// Applies the movements of an order.
pub(crate) async fn apply(
    tx: &mut (dyn StockStore + '_),
    order: &Commande,
    reason: MovementReason,
    at: OffsetDateTime,
    by: &Actor,
) -> Result<(), AppError> {
    tx.apply_movements(&movements(order, reason, at, by))
        .await?;
    Ok(())
}
