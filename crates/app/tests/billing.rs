//! Invoices, credit notes and their emails: issued by the outbox worker from what orders
//! and payments queue, numbered without gap, delivered as files in a folder (the default
//! mailer), on both databases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use app::delivery::DeliveryPolicy;
use app::orders::ShortagePolicy;
use app::payments::ManualPayment;
use domain::billing::{InvoiceKind, InvoiceNumber};
use domain::payment::PaymentMethod;
use mail::testing::ReceivedMessage;
use mail::FolderMailer;
use ports::{Database, MessageStatus, Paging};
use support::*;

/// The emails written to the folder, parsed.
fn emails_in(dir: &std::path::Path) -> Vec<ReceivedMessage> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| ReceivedMessage::parse(&std::fs::read(p).unwrap()).expect("a parseable .eml"))
        .collect()
}

async fn deliver_all(app: &app::App, mailer: &FolderMailer) {
    for _ in 0..10 {
        let report = app
            .deliver_outbox(mailer, &DeliveryPolicy::default())
            .await
            .unwrap();
        if report.total() == 0 {
            return;
        }
    }
    panic!("the outbox did not empty in 10 passes");
}

async fn site_order_invoiced_then_credited(db: Arc<dyn Database>) {
    let shop = shop(db).await;
    let staff = staff();
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let placed = shop
        .app
        .place_order(
            &staff,
            &phone_order(
                &shop,
                &marie,
                vec![line(&shop.vis, 3), line(&shop.livre, 1)],
            ),
            None,
        )
        .await
        .unwrap();
    let order = placed.order;
    let folder = mail_folder("site");
    let mailer = FolderMailer::new(&folder);
    deliver_all(&shop.app, &mailer).await;

    // Validated on account: invoiced, due after the seller's terms.
    let invoices = shop
        .app
        .order_invoices(&staff, order.number())
        .await
        .unwrap();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];
    assert_eq!(invoice.number.as_str(), "FA-2026-000001");
    assert_eq!(invoice.kind, InvoiceKind::Invoice);
    assert_eq!(invoice.paid_on, None);
    assert_eq!(&invoice.totals, order.pricing());
    assert_eq!(invoice.buyer.name, "Marie Dupont");
    assert_eq!(invoice.buyer.email.as_deref(), Some("marie@example.fr"));
    assert!(!invoice.buyer.is_business());

    // The customer received the confirmation, then the invoice with the delivery note.
    let emails = emails_in(&folder);
    let subjects: Vec<_> = emails.iter().map(|m| m.subject.clone()).collect();
    let confirmation = emails
        .iter()
        .find(|m| {
            m.subject.as_deref()
                == Some(&*format!(
                    "Confirmation de votre commande {}",
                    order.number()
                ))
        })
        .unwrap_or_else(|| panic!("no confirmation among {subjects:?}"));
    assert_eq!(confirmation.to, vec!["marie@example.fr".to_owned()]);
    let text = confirmation.text.clone().unwrap_or_default();
    assert!(text.contains("Total TTC"), "{text}");
    let invoice_email = emails
        .iter()
        .find(|m| {
            m.subject
                .as_deref()
                .unwrap_or_default()
                .starts_with("Votre facture FA-2026-000001")
        })
        .unwrap_or_else(|| panic!("no invoice email among {subjects:?}"));
    let names: Vec<_> = invoice_email
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "FA-2026-000001.pdf".to_owned(),
            format!("BL-{}.pdf", order.number())
        ]
    );
    assert!(invoice_email.attachments[0].content.starts_with(b"%PDF-"));
    let text = invoice_email.text.clone().unwrap_or_default();
    assert!(text.contains("Le bon de livraison est joint"), "{text}");
    let rendered = shop
        .app
        .invoice_document(&staff, &invoice.number)
        .await
        .unwrap();
    assert_eq!(invoice_email.attachments[0].content, rendered.pdf);

    // The customer sees her invoice; another customer is told it does not exist.
    assert_eq!(
        shop.app
            .invoice(&customer(&marie), &invoice.number)
            .await
            .unwrap(),
        *invoice
    );
    let luc = register(&shop.app, "Martin", "Luc", "0611111111", "luc@example.fr").await;
    assert!(matches!(
        shop.app.invoice(&customer(&luc), &invoice.number).await,
        Err(app::AppError::NotFound { .. })
    ));

    // Cancelled: a credit note cites the invoice, and is emailed.
    shop.app
        .cancel_order(&staff, order.number(), None)
        .await
        .unwrap();
    deliver_all(&shop.app, &mailer).await;
    let documents = shop
        .app
        .order_invoices(&staff, order.number())
        .await
        .unwrap();
    assert_eq!(documents.len(), 2);
    let note = &documents[1];
    assert_eq!(note.number.as_str(), "AV-2026-000001");
    assert_eq!(note.kind, InvoiceKind::CreditNote);
    let cited = note.corrects.as_ref().unwrap();
    assert_eq!(
        (&cited.number, cited.issue_date),
        (&invoice.number, invoice.issue_date)
    );
    assert!(emails_in(&folder).iter().any(|m| m
        .subject
        .as_deref()
        .unwrap_or_default()
        .starts_with("Votre avoir AV-2026-000001")
        && m.attachments.len() == 1));

    // Nothing is left waiting or failed.
    for status in [MessageStatus::Pending, MessageStatus::Failed] {
        assert!(shop
            .app
            .outbox_messages(&staff, status, 100)
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn a_site_order_is_invoiced_then_credited_on_sqlite() {
    site_order_invoiced_then_credited(sqlite().await).await;
}

#[tokio::test]
async fn a_site_order_is_invoiced_then_credited_on_postgres() {
    if let Some(db) = postgres().await {
        site_order_invoiced_then_credited(db).await;
    }
}

#[tokio::test]
async fn an_online_order_is_invoiced_once_paid_to_its_business_payer() {
    let shop = shop(sqlite().await).await;
    let staff = staff();
    let paul = register(
        &shop.app,
        "Martin",
        "Paul",
        "0622222222",
        "paul@martin.example",
    )
    .await;
    // Paul's company has a SIREN: the invoice is the company's.
    let mut company = app::parties::SocieteInput {
        name: paul.societe.name.clone(),
        parent: None,
        site_code: None,
        email: None,
        siren: Some(domain::billing::Siren::new("552100554").unwrap()),
        vat_number: None,
    };
    company.name = domain::party::CompanyName::new("Menuiserie Martin SARL").unwrap();
    shop.app
        .update_societe(&staff, paul.societe.id, &company)
        .await
        .unwrap();
    let order = shop
        .app
        .place_order(
            &customer(&paul),
            &request(&paul, vec![line(&shop.perceuse, 1)]),
            None,
        )
        .await
        .unwrap()
        .order;
    let folder = mail_folder("online");
    let mailer = FolderMailer::new(&folder);
    deliver_all(&shop.app, &mailer).await;
    assert!(
        shop.app
            .order_invoices(&staff, order.number())
            .await
            .unwrap()
            .is_empty(),
        "an online order waits for its payment to be invoiced"
    );

    shop.app
        .record_payment(
            &staff,
            order.number(),
            &ManualPayment {
                method: PaymentMethod::BankTransfer,
                amount: None,
                reference: Some("VIR-1".to_owned()),
            },
        )
        .await
        .unwrap();
    deliver_all(&shop.app, &mailer).await;
    let invoices = shop
        .app
        .order_invoices(&staff, order.number())
        .await
        .unwrap();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];
    assert_eq!(invoice.paid_on, Some(NOW.date()));
    assert_eq!(invoice.buyer.name, "Menuiserie Martin SARL");
    assert_eq!(invoice.buyer.contact.as_deref(), Some("Paul Martin"));
    assert_eq!(
        invoice.buyer.business.as_ref().unwrap().siren.as_str(),
        "552100554"
    );
}

/// Orders validated side by side while three workers issue invoices side by side: the
/// series has every number from 1, once.
async fn concurrent_issuing_leaves_no_gap(db: Arc<dyn Database>) {
    const ORDERS: usize = 24;
    let shop = shop(db).await;
    let staff = staff();
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let stocked = article(
        &shop.app,
        "CLOU-40",
        "Clous 40 mm",
        "3.20",
        None,
        1,
        None,
        1000,
    )
    .await;
    let folder = mail_folder("concurrent");
    let mut orders = Vec::new();
    let mut workers = Vec::new();
    for n in 0..ORDERS {
        let app = shop.app.clone();
        let staff = staff.clone();
        let request = phone_order(&shop, &marie, vec![line(&stocked, 1)]);
        orders.push(tokio::spawn(async move {
            let draft = app.create_draft(&staff, &request).await.unwrap();
            app.validate_order(&staff, draft.number(), ShortagePolicy::Refuse, None)
                .await
                .unwrap();
        }));
        if n % 8 == 0 {
            let app = shop.app.clone();
            let mailer = FolderMailer::new(&folder);
            workers.push(tokio::spawn(async move {
                for _ in 0..5 {
                    app.deliver_outbox(&mailer, &DeliveryPolicy::default())
                        .await
                        .unwrap();
                }
            }));
        }
    }
    for task in orders.into_iter().chain(workers) {
        task.await.unwrap();
    }
    deliver_all(&shop.app, &FolderMailer::new(&folder)).await;
    let page = shop
        .app
        .list_invoices(&staff, Some(InvoiceKind::Invoice), Paging::first(500))
        .await
        .unwrap();
    let mut numbers: Vec<_> = page.items.iter().map(|i| i.number.clone()).collect();
    numbers.sort();
    let expected: Vec<_> = (1..=ORDERS as u64)
        .map(|n| InvoiceNumber::format(InvoiceKind::Invoice, 2026, n))
        .collect();
    assert_eq!(numbers, expected, "every number from 1, once");
    let mut orders: Vec<_> = page.items.iter().map(|i| i.order_id).collect();
    orders.sort();
    orders.dedup();
    assert_eq!(orders.len(), ORDERS, "one invoice per order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issuing_leaves_no_gap_on_sqlite() {
    concurrent_issuing_leaves_no_gap(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issuing_leaves_no_gap_on_postgres() {
    if let Some(db) = postgres().await {
        concurrent_issuing_leaves_no_gap(db).await;
    }
}

/// An order cancelled between its invoice and the invoice's email: the email carries the
/// invoice alone and does not promise a delivery note.
#[tokio::test]
async fn an_invoice_email_of_an_order_cancelled_since_promises_no_delivery_note() {
    let shop = shop(sqlite().await).await;
    let staff = staff();
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let order = shop
        .app
        .place_order(
            &staff,
            &phone_order(&shop, &marie, vec![line(&shop.vis, 1)]),
            None,
        )
        .await
        .unwrap()
        .order;
    let folder = mail_folder("cancelled-since");
    let mailer = FolderMailer::new(&folder);
    // The first pass issues the invoice and queues its email; the order is cancelled
    // before the next pass sends it.
    shop.app
        .deliver_outbox(&mailer, &DeliveryPolicy::default())
        .await
        .unwrap();
    shop.app
        .cancel_order(&staff, order.number(), None)
        .await
        .unwrap();
    deliver_all(&shop.app, &mailer).await;
    let emails = emails_in(&folder);
    let invoice_email = emails
        .iter()
        .find(|m| {
            m.subject
                .as_deref()
                .unwrap_or_default()
                .starts_with("Votre facture")
        })
        .expect("the invoice email");
    let names: Vec<_> = invoice_email
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(names, vec!["FA-2026-000001.pdf"]);
    let text = invoice_email.text.clone().unwrap_or_default();
    assert!(!text.contains("bon de livraison"), "{text}");
}
