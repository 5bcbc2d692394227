//! Taking an order's stock and giving it back.

use domain::ids::{ArticleId, CommandeId};
use domain::money::Quantity;
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
    let lines = order
        .lines()
        .iter()
        .map(|line| (line.content.article, line.content.quantity));
    line_movements(lines, order.id(), reason, at, by)
}

/// The movements that take (validation) or give back (cancellation) lines of `order`, each
/// an article and a quantity.
pub(crate) fn line_movements(
    lines: impl Iterator<Item = (ArticleId, Quantity)>,
    order: CommandeId,
    reason: MovementReason,
    at: OffsetDateTime,
    by: &Actor,
) -> Vec<StockMovement> {
    let sign = match reason {
        MovementReason::OrderValidated => -1,
        MovementReason::OrderCancelled | MovementReason::Adjustment => 1,
    };
    lines
        .map(|(article, quantity)| StockMovement {
            article,
            delta: sign * i64::from(quantity.get()),
            reason,
            order: Some(order),
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
