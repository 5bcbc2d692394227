//! Issuing invoices and credit notes from the outbox's internal messages.

use domain::billing::{
    BusinessIdentity, Buyer, Invoice, InvoiceKind, InvoiceNumber, InvoiceParties, PostalAddress,
};
use domain::ids::{CommandeId, InvoiceId};
use domain::order::{Commande, OrderState};
use domain::party::{Role, Tiers};
use ports::{IdSource, OutboxMessage, OutboxStore, StoreError, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};

use crate::outbox::new_message;
use crate::parties::{existing_adresse, existing_societe, existing_tiers};
use crate::{App, AppError};

/// Internal: an order is to be invoiced (validated on account, or paid).
pub const INVOICE_DUE: &str = "invoice_due";
/// Internal: an invoiced order was cancelled, its invoice is to be credited.
pub const CREDIT_NOTE_DUE: &str = "credit_note_due";
/// Email: an invoice, with the delivery note, to the buyer.
pub const INVOICE_ISSUED: &str = "invoice_issued";
/// Email: a credit note, to the buyer.
pub const CREDIT_NOTE_ISSUED: &str = "credit_note_issued";

/// Whether a topic is handled inside the database (issuing a document) rather than sent.
pub(crate) fn is_internal(topic: &str) -> bool {
    topic == INVOICE_DUE || topic == CREDIT_NOTE_DUE
}

/// What an internal message names.
#[derive(Debug, Serialize, Deserialize)]
struct Due {
    order_id: CommandeId,
    order_number: String,
    /// For an invoice issued once paid: the day it was paid.
    paid_on: Option<Date>,
}

fn due(order: &Commande, paid_on: Option<Date>) -> serde_json::Value {
    json!(Due {
        order_id: order.id(),
        order_number: order.number().to_string(),
        paid_on,
    })
}

/// The message that queues the invoicing of `order`, written in the transaction that
/// validates it on account (`paid_on` `None`) or records the payment that completes it.
pub(crate) fn invoice_due_message(
    ids: &dyn IdSource,
    order: &Commande,
    paid_on: Option<Date>,
    now: OffsetDateTime,
) -> OutboxMessage {
    new_message(ids, INVOICE_DUE, None, due(order, paid_on), now)
}

/// Queues the invoicing of `order` (see [`invoice_due_message`]).
pub(crate) async fn invoice_due(
    tx: &mut (dyn OutboxStore + '_),
    ids: &dyn IdSource,
    order: &Commande,
    paid_on: Option<Date>,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    Ok(tx
        .enqueue(&invoice_due_message(ids, order, paid_on, now))
        .await?)
}

/// Queues the credit note of a cancelled order, in the transaction that cancels it; it is
/// issued only if the order was invoiced.
pub(crate) async fn credit_note_due(
    tx: &mut (dyn OutboxStore + '_),
    ids: &dyn IdSource,
    order: &Commande,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let m = new_message(ids, CREDIT_NOTE_DUE, None, due(order, None), now);
    Ok(tx.enqueue(&m).await?)
}

/// Handles one internal message inside `tx`: issues what it calls for, if it is still
/// called for, and queues its email. Returns what was done, for the record.
pub(crate) async fn handle_internal(
    app: &App,
    tx: &mut dyn Transaction,
    message: &OutboxMessage,
) -> Result<String, AppError> {
    let due: Due = serde_json::from_value(message.payload.clone()).map_err(|e| {
        AppError::invalid(
            "payload",
            format!("message {} is unreadable: {e}", message.id),
        )
    })?;
    // Locked, as a cancellation locks it: an invoice and the cancellation of its order
    // are never decided on two views of the order, so a cancelled order that was invoiced
    // always finds its invoice when its credit note is due, whatever other worker runs.
    let order = tx
        .lock_order(due.order_id)
        .await?
        .ok_or_else(|| AppError::not_found("order", &due.order_number))?;
    let documents = tx.invoices_of_order(order.id()).await?;
    let invoice = documents.iter().find(|d| d.kind == InvoiceKind::Invoice);
    let credited = documents.iter().any(|d| d.kind == InvoiceKind::CreditNote);
    match message.topic.as_str() {
        INVOICE_DUE => {
            if let Some(invoice) = invoice {
                return Ok(format!("already invoiced: {}", invoice.number));
            }
            if !matches!(order.state(), OrderState::Validated | OrderState::Fulfilled) {
                return Ok(format!("not invoiced: the order is {:?}", order.state()));
            }
            let parties = invoice_parties(app, tx, &order).await?;
            let invoice = issue_document(app, tx, InvoiceKind::Invoice, |id, number, at| {
                Ok(Invoice::issue(
                    id,
                    number,
                    &order,
                    parties,
                    at,
                    due.paid_on,
                )?)
            })
            .await?;
            Ok(format!("issued {}", invoice.number))
        }
        _ => {
            let Some(invoice) = invoice else {
                return Ok("no credit note: the order was not invoiced".to_owned());
            };
            if credited {
                return Ok("already credited".to_owned());
            }
            let note = issue_document(app, tx, InvoiceKind::CreditNote, |id, number, at| {
                Ok(invoice.credit_note(id, number, at)?)
            })
            .await?;
            Ok(format!("issued {}", note.number))
        }
    }
}

/// Takes the next number of the series, issues the document with it, stores it and
/// queues its email to the buyer.
async fn issue_document(
    app: &App,
    tx: &mut dyn Transaction,
    kind: InvoiceKind,
    build: impl FnOnce(InvoiceId, InvoiceNumber, OffsetDateTime) -> Result<Invoice, AppError>,
) -> Result<Invoice, AppError> {
    let year = app.now().year();
    let sequence = tx.next_number(&kind.series(year)).await?;
    // The time is read once the number is ours: a number taken later (after this
    // transaction commits) is then issued later, so numbers follow issue times.
    let issued_at = app.now();
    if issued_at.year() != year {
        // The year turned while the number was taken: give it back (the transaction rolls
        // back) and start again in the new year's series.
        return Err(AppError::Store(StoreError::Retryable(
            "the year changed while an invoice number was taken".into(),
        )));
    }
    let number = InvoiceNumber::format(kind, year, sequence);
    let document = build(InvoiceId::from_u128(app.ids.next_id()), number, issued_at)?;
    tx.insert_invoice(&document).await?;
    let topic = match kind {
        InvoiceKind::Invoice => INVOICE_ISSUED,
        InvoiceKind::CreditNote => CREDIT_NOTE_ISSUED,
    };
    if let Some(email) = &document.buyer.email {
        let payload = json!({
            "invoice_number": document.number,
            "order_number": document.order_number,
            "kind": document.kind,
        });
        let m = new_message(&*app.ids, topic, Some(email.clone()), payload, issued_at);
        tx.enqueue(&m).await?;
    }
    Ok(document)
}

/// The seller, the buyer (the order's payer: a business when they belong to a company with
/// a SIREN), the recipient and the delivery address, as they are now.
async fn invoice_parties(
    app: &App,
    tx: &mut dyn Transaction,
    order: &Commande,
) -> Result<InvoiceParties, AppError> {
    let parties = order.parties();
    let payer = existing_tiers(&mut *tx, parties.payer).await?;
    let billing = address(
        tx,
        parties.billing_address.unwrap_or(parties.delivery_address),
    )
    .await?;
    let recipient = existing_tiers(&mut *tx, parties.recipient).await?;
    let delivery_address = address(tx, parties.delivery_address).await?;
    let buyer = buyer(tx, &payer, billing).await?;
    Ok(InvoiceParties {
        seller: app.settings.seller.clone(),
        buyer,
        recipient: recipient.full_name(),
        delivery_address,
    })
}

async fn address(
    tx: &mut dyn Transaction,
    id: domain::ids::AdresseId,
) -> Result<PostalAddress, AppError> {
    let adresse = existing_adresse(&mut *tx, id).await?;
    Ok(PostalAddress::of(&adresse.details))
}

/// The payer as a buyer: the company they pay for when it has a SIREN (their link as payer
/// first, then as customer, then any), else the person.
async fn buyer(
    tx: &mut dyn Transaction,
    payer: &Tiers,
    address: PostalAddress,
) -> Result<Buyer, AppError> {
    let mut links = tx.links_of_tiers(payer.id).await?.societe_tiers;
    let rank = |role: Role| match role {
        Role::Payer => 0,
        Role::Customer => 1,
        _ => 2,
    };
    links.sort_by_key(|link| rank(link.role));
    for link in links {
        let company = existing_societe(&mut *tx, link.from).await?;
        if company.is_site() {
            continue;
        }
        if let Some(siren) = company.siren.clone() {
            return Ok(Buyer {
                name: company.name.to_string(),
                contact: Some(payer.full_name()),
                business: Some(BusinessIdentity {
                    siren,
                    vat_number: company.vat_number.clone(),
                }),
                address,
                email: payer
                    .details
                    .email
                    .as_ref()
                    .or(company.email.as_ref())
                    .map(ToString::to_string),
            });
        }
    }
    Ok(Buyer {
        name: payer.full_name(),
        contact: None,
        business: None,
        address,
        email: payer.details.email.as_ref().map(ToString::to_string),
    })
}
