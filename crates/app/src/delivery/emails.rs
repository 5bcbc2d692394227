//! The emails of the outbox's messages, in French: what each topic says, to whom, with
//! which attachments. The order's details come from the message's own payload (the order as
//! it was when the message was written); documents are read as issued.

use documents::format::{date, euros, percent};
use domain::billing::{Invoice, InvoiceKind, Seller};
use domain::order::{Commande, CommandeParts};
use ports::{Attachment, Email, OutboxMessage};
use serde::Deserialize;

use crate::billing::{CREDIT_NOTE_ISSUED, INVOICE_ISSUED};
use crate::guests::{GUEST_ACCESS, GUEST_ACTIVATION};
use crate::orders::{ORDER_CANCELLED, ORDER_CONFIRMATION, ORDER_VALIDATED_INTERNAL};
use crate::payments::ORDER_PAID;

/// Why a message cannot be turned into an email: it will not get better by retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unwritable(pub String);

/// What an email needs beside the message itself.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    /// The document an `invoice_issued` or `credit_note_issued` message names.
    pub invoice: Option<Invoice>,
    /// Its Factur-X PDF.
    pub invoice_pdf: Option<Vec<u8>>,
    /// The delivery note PDF sent with an invoice.
    pub delivery_note_pdf: Option<Vec<u8>>,
}

#[derive(Deserialize)]
struct OrderPayload {
    order: CommandeParts,
    customer: Party,
    #[serde(default)]
    site: Option<Party>,
}

#[derive(Deserialize)]
struct Party {
    name: String,
}

#[derive(Deserialize)]
struct PaidPayload {
    order: PaidOrder,
    customer: Party,
    paid: rust_decimal::Decimal,
}

#[derive(Deserialize)]
struct GuestPayload {
    order: PaidOrder,
    customer: Party,
    link: String,
    expires_at: String,
}

#[derive(Deserialize)]
struct ActivationPayload {
    email: String,
    link: String,
}

#[derive(Deserialize)]
struct PaidOrder {
    number: String,
}

/// The email of a message, from the seller, with a Message-ID stable for the message.
pub(crate) fn compose(
    message: &OutboxMessage,
    seller: &Seller,
    extras: Extras,
) -> Result<Email, Unwritable> {
    let to = message
        .recipient
        .clone()
        .ok_or_else(|| Unwritable(format!("message {} has no recipient", message.id)))?;
    let (subject, text, attachments) = match message.topic.as_str() {
        ORDER_CONFIRMATION => {
            let p: OrderPayload = payload(message)?;
            let order = commande(p.order)?;
            (
                format!("Confirmation de votre commande {}", order.number()),
                format!(
                    "Bonjour {},\n\nNous vous confirmons votre commande n° {} du {}.\n\n{}\n\
                     Livraison prévue le {}.\n\n{}",
                    p.customer.name,
                    order.number(),
                    date(order.ordered_at().date()),
                    summary(&order),
                    date(order.planned_delivery()),
                    signature(seller)
                ),
                Vec::new(),
            )
        }
        ORDER_VALIDATED_INTERNAL => {
            let p: OrderPayload = payload(message)?;
            let order = commande(p.order)?;
            let site = p.site.map_or_else(String::new, |s| s.name);
            (
                format!("Commande validée {} à traiter ({site})", order.number()),
                format!(
                    "La commande n° {} de {} a été validée le {} ({}).\n\n{}\n\
                     Livraison prévue le {}.\n",
                    order.number(),
                    p.customer.name,
                    date(order.ordered_at().date()),
                    order.source(),
                    summary(&order),
                    date(order.planned_delivery()),
                ),
                Vec::new(),
            )
        }
        ORDER_CANCELLED => {
            let p: OrderPayload = payload(message)?;
            let order = commande(p.order)?;
            (
                format!("Annulation de votre commande {}", order.number()),
                format!(
                    "Bonjour {},\n\nVotre commande n° {} du {} a été annulée.\n\
                     Si elle vous avait été facturée, un avoir vous parviendra séparément.\n\n{}",
                    p.customer.name,
                    order.number(),
                    date(order.ordered_at().date()),
                    signature(seller)
                ),
                Vec::new(),
            )
        }
        ORDER_PAID => {
            let p: PaidPayload = payload(message)?;
            (
                format!("Paiement reçu pour votre commande {}", p.order.number),
                format!(
                    "Bonjour {},\n\nNous avons bien reçu votre paiement de {} pour la commande \
                     n° {}. Votre facture suit dans un message séparé.\n\n{}",
                    p.customer.name,
                    euros(p.paid),
                    p.order.number,
                    signature(seller)
                ),
                Vec::new(),
            )
        }
        GUEST_ACCESS => {
            let p: GuestPayload = payload(message)?;
            (
                format!("Suivre votre commande {}", p.order.number),
                format!(
                    "Bonjour {},\n\nVotre commande n° {} est enregistrée. Ce lien vous permet de \
                     la payer, de la suivre et de télécharger sa facture et son bon de \
                     livraison, jusqu'au {} :\n\n{}\n\nNe le transmettez pas : il donne accès à \
                     vos commandes. Pour un accès durable, créez un compte avec cette adresse \
                     e-mail.\n\n{}",
                    p.customer.name,
                    p.order.number,
                    p.expires_at,
                    p.link,
                    signature(seller)
                ),
                Vec::new(),
            )
        }
        GUEST_ACTIVATION => {
            let p: ActivationPayload = payload(message)?;
            (
                "Confirmez votre adresse e-mail pour créer votre compte".to_owned(),
                format!(
                    "Bonjour,\n\nVous souhaitez créer un compte avec l'adresse {}, qui a déjà \
                     servi à commander sans compte. Ce lien, valable 24 heures, confirme votre \
                     adresse et vous permet de choisir votre mot de passe ; vos commandes \
                     rejoindront votre compte :\n\n{}\n\nSi vous n'êtes pas à l'origine de \
                     cette demande, ignorez ce message.\n\n{}",
                    p.email,
                    p.link,
                    signature(seller)
                ),
                Vec::new(),
            )
        }
        INVOICE_ISSUED | CREDIT_NOTE_ISSUED => document_email(message, seller, extras)?,
        other => return Err(Unwritable(format!("unknown topic {other:?}"))),
    };
    Ok(Email {
        message_id: message_id(message, seller),
        from: seller.email.clone(),
        from_name: Some(seller.name.clone()),
        to: vec![to],
        subject,
        text,
        attachments,
    })
}

/// `<message id>@<the seller's mail domain>`: the same for every attempt of a message.
pub(crate) fn message_id(message: &OutboxMessage, seller: &Seller) -> String {
    let domain = seller
        .email
        .rsplit_once('@')
        .map_or("oms.invalid", |(_, domain)| domain);
    format!("{}@{domain}", message.id)
}

fn document_email(
    message: &OutboxMessage,
    seller: &Seller,
    extras: Extras,
) -> Result<(String, String, Vec<Attachment>), Unwritable> {
    let missing = || Unwritable(format!("message {}: its document is missing", message.id));
    let invoice = extras.invoice.ok_or_else(missing)?;
    let pdf = extras.invoice_pdf.ok_or_else(missing)?;
    let greeting = invoice
        .buyer
        .contact
        .as_deref()
        .unwrap_or(&invoice.buyer.name);
    let mut attachments = vec![Attachment {
        filename: format!("{}.pdf", invoice.number),
        content_type: "application/pdf".to_owned(),
        content: pdf,
    }];
    let (subject, body) = match invoice.kind {
        InvoiceKind::Invoice => {
            let due = match invoice.paid_on {
                Some(paid) => format!("Elle est acquittée (paiement reçu le {}).", date(paid)),
                None => format!(
                    "Elle est payable au plus tard le {}.",
                    date(invoice.due_date)
                ),
            };
            let with_note = if extras.delivery_note_pdf.is_some() {
                "Le bon de livraison est joint également.\n"
            } else {
                ""
            };
            if let Some(note) = extras.delivery_note_pdf {
                attachments.push(Attachment {
                    filename: format!("BL-{}.pdf", invoice.order_number),
                    content_type: "application/pdf".to_owned(),
                    content: note,
                });
            }
            (
                format!(
                    "Votre facture {} (commande {})",
                    invoice.number, invoice.order_number
                ),
                format!(
                    "Bonjour {greeting},\n\nVeuillez trouver ci-joint la facture n° {} du {} \
                     pour votre commande n° {}, d'un montant de {} TTC. {due}\n\
                     {with_note}\n\
                     La facture est au format Factur-X : un PDF lisible qui contient aussi \
                     les données de la facture (factur-x.xml) pour votre comptabilité.\n\n{}",
                    invoice.number,
                    date(invoice.issue_date),
                    invoice.order_number,
                    euros(invoice.totals.total_ttc),
                    signature(seller)
                ),
            )
        }
        InvoiceKind::CreditNote => {
            let cited = invoice
                .corrects
                .as_ref()
                .map(|c| format!(" sur la facture n° {} du {}", c.number, date(c.issue_date)))
                .unwrap_or_default();
            (
                format!(
                    "Votre avoir {} (commande {})",
                    invoice.number, invoice.order_number
                ),
                format!(
                    "Bonjour {greeting},\n\nVotre commande n° {} ayant été annulée, veuillez \
                     trouver ci-joint l'avoir n° {} du {}{cited}, d'un montant de {} TTC.\n\n{}",
                    invoice.order_number,
                    invoice.number,
                    date(invoice.issue_date),
                    euros(invoice.totals.total_ttc),
                    signature(seller)
                ),
            )
        }
    };
    Ok((subject, body, attachments))
}

fn payload<T: for<'de> Deserialize<'de>>(message: &OutboxMessage) -> Result<T, Unwritable> {
    serde_json::from_value(message.payload.clone())
        .map_err(|e| Unwritable(format!("message {} is unreadable: {e}", message.id)))
}

fn commande(parts: CommandeParts) -> Result<Commande, Unwritable> {
    Commande::from_parts(parts).map_err(|e| Unwritable(format!("its order is unreadable: {e}")))
}

/// The lines and totals of an order, as plain text.
fn summary(order: &Commande) -> String {
    let pricing = order.pricing();
    let mut text = String::from("Articles :\n");
    for (line, amounts) in order.lines().iter().zip(&pricing.lines) {
        let c = &line.content;
        text.push_str(&format!(
            "  - {} x {} (réf. {}) : {} HT\n",
            c.quantity,
            c.designation,
            c.reference,
            euros(amounts.net)
        ));
    }
    if !pricing.global_discount.is_zero() {
        text.push_str(&format!(
            "Remise globale : -{}\n",
            euros(pricing.global_discount)
        ));
    }
    text.push_str(&format!("Total HT : {}\n", euros(pricing.total_ht_net)));
    for share in &pricing.vat_breakdown {
        text.push_str(&format!(
            "TVA {} : {}\n",
            percent(share.rate.percent()),
            euros(share.vat)
        ));
    }
    text.push_str(&format!("Total TTC : {}\n", euros(pricing.total_ttc)));
    text
}

fn signature(seller: &Seller) -> String {
    let mut text = format!("Cordialement,\n{}\n{}", seller.name, seller.email);
    if let Some(phone) = &seller.phone {
        text.push_str(&format!("\n{phone}"));
    }
    text.push('\n');
    text
}
