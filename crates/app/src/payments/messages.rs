//! The confirmation of a paid order, written to the outbox in the transaction that records
//! the payment which completes it: no payment recorded without its message, nor the other
//! way round.

use domain::order::Commande;
use domain::party::Tiers;
use domain::payment::{Payment, PaymentStatus, PaymentSummary};
use ports::{IdSource, OutboxStore};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::outbox::new_message;
use crate::AppError;

/// The topic of the confirmation that an order is paid in full.
pub const ORDER_PAID: &str = "order_paid";

/// Queues the confirmation that `order` is paid: to the customer's email when they have
/// one, and in any case for the order's processing (an invoice to issue, goods to release).
pub(crate) async fn order_paid(
    tx: &mut (dyn OutboxStore + '_),
    ids: &dyn IdSource,
    order: &Commande,
    customer: &Tiers,
    payments: &[Payment],
    summary: &PaymentSummary,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let paid_by: Vec<_> = payments
        .iter()
        .filter(|p| p.status == PaymentStatus::Succeeded)
        .map(|p| {
            json!({
                "id": p.id,
                "method": p.method,
                "amount": p.amount,
                "provider": p.provider,
                "reference": p.provider_reference,
                "at": p.updated_at.format(&Rfc3339).ok(),
            })
        })
        .collect();
    let message = new_message(
        ids,
        ORDER_PAID,
        customer.details.email.as_ref().map(ToString::to_string),
        json!({
            "order": { "id": order.id(), "number": order.number(), "total_ttc": summary.total },
            "customer": {
                "id": customer.id,
                "name": customer.full_name(),
                "email": customer.details.email,
            },
            "paid": summary.paid,
            "payments": paid_by,
        }),
        now,
    );
    tx.enqueue(&message).await?;
    Ok(())
}
