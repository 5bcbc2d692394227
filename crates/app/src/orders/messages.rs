//! The messages an order's life sends, written to the outbox in the same transaction as
//! the change that causes them.

use domain::billing::invoiced_at_validation;
use domain::order::Commande;
use domain::party::{Societe, Tiers};
use ports::{OutboxMessage, OutboxStore};

use crate::billing;
use crate::outbox::new_message;
use serde_json::json;
use time::OffsetDateTime;

use crate::AppError;

/// The topic of the customer's confirmation of a placed or validated order.
pub const ORDER_CONFIRMATION: &str = "order_confirmation";
/// The topic of the notice passing a validated order on to its site for processing.
pub const ORDER_VALIDATED_INTERNAL: &str = "order_validated_internal";
/// The topic of the customer's notice of a cancelled order.
pub const ORDER_CANCELLED: &str = "order_cancelled";

fn payload(order: &Commande, customer: &Tiers, site: &Societe) -> serde_json::Value {
    json!({
        "order": order,
        "customer": {
            "id": customer.id,
            "name": customer.full_name(),
            "email": customer.details.email,
        },
        "site": { "id": site.id, "name": site.name, "code": site.site_code },
    })
}

/// Queues what a validated order sends ([`validated_messages`]).
pub(crate) async fn order_validated(
    tx: &mut (dyn OutboxStore + '_),
    ids: &dyn ports::IdSource,
    order: &Commande,
    customer: &Tiers,
    site: &Societe,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let outgoing = validated_messages(ids, order, customer, site, now);
    // One write for all of them.
    Ok(tx.enqueue_all(&outgoing).await?)
}

/// What a validated order sends: the customer's confirmation (when they have an email),
/// the notice to the site (when it has one), and for an order on account the issuing of
/// its invoice.
pub(crate) fn validated_messages(
    ids: &dyn ports::IdSource,
    order: &Commande,
    customer: &Tiers,
    site: &Societe,
    now: OffsetDateTime,
) -> Vec<OutboxMessage> {
    let mut outgoing = Vec::with_capacity(3);
    let body = payload(order, customer, site);
    if let Some(email) = &customer.details.email {
        outgoing.push(new_message(
            ids,
            ORDER_CONFIRMATION,
            Some(email.to_string()),
            body.clone(),
            now,
        ));
    }
    if let Some(email) = &site.email {
        outgoing.push(new_message(
            ids,
            ORDER_VALIDATED_INTERNAL,
            Some(email.to_string()),
            body,
            now,
        ));
    }
    if invoiced_at_validation(order.source()) {
        outgoing.push(billing::invoice_due_message(ids, order, None, now));
    }
    outgoing
}

/// Queues the customer's notice of a cancelled order (when they have an email).
pub(crate) async fn order_cancelled(
    tx: &mut (dyn OutboxStore + '_),
    ids: &dyn ports::IdSource,
    order: &Commande,
    customer: &Tiers,
    site: &Societe,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    if let Some(email) = &customer.details.email {
        let notice = new_message(
            ids,
            ORDER_CANCELLED,
            Some(email.to_string()),
            payload(order, customer, site),
            now,
        );
        tx.enqueue(&notice).await?;
    }
    Ok(())
}
