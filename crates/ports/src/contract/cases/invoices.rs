//! Invoices and credit notes ([`crate::InvoiceStore`]).

use std::sync::Arc;

use domain::billing::{examples, Invoice, InvoiceKind, InvoiceNumber, InvoiceParties};
use domain::ids::InvoiceId;
use domain::order::Commande;

use super::payments::two_orders;
use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, write, World};
use crate::contract::fixtures::{actor, at, Ids};
use crate::{Database, Paging};

/// The invoice of `order` (validated here), numbered `sequence` in its series.
fn invoice_of(ids: &mut Ids, order: &Commande, sequence: u64, seconds: i64) -> Invoice {
    let mut order = order.clone();
    order
        .validate(at(seconds), actor("contract"), None)
        .expect("a draft is validated");
    let buyer = examples::business_buyer();
    Invoice::issue(
        InvoiceId::from_u128(ids.raw()),
        InvoiceNumber::format(InvoiceKind::Invoice, 1970, sequence),
        &order,
        InvoiceParties {
            seller: examples::seller(),
            recipient: buyer.name.clone(),
            delivery_address: buyer.address.clone(),
            buyer,
        },
        at(seconds),
        None,
    )
    .expect("a validated order is invoiced")
}

/// A stored document is given back whole, by its number and with its order's; lists are
/// latest first, by kind, and paged.
pub async fn invoices_are_kept_as_issued(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [first, second] = two_orders(&db, &mut ids, &world).await;
    let invoice = invoice_of(&mut ids, &first, 1, 10);
    let credit_note = invoice
        .credit_note(
            InvoiceId::from_u128(ids.raw()),
            InvoiceNumber::format(InvoiceKind::CreditNote, 1970, 1),
            at(20),
        )
        .expect("an invoice is credited");
    let other = invoice_of(&mut ids, &second, 2, 30);

    let mut tx = write(&db).await;
    for document in [&invoice, &credit_note, &other] {
        tx.insert_invoice(document)
            .await
            .expect("insert_invoice of a new document must succeed");
    }
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.invoice_by_number(&invoice.number)
            .await
            .expect("invoice_by_number"),
        Some(invoice.clone()),
        "invoice_by_number must give the document whole, every field as issued"
    );
    assert_eq!(
        tx.invoice_by_number(&InvoiceNumber::format(InvoiceKind::Invoice, 1970, 99))
            .await
            .expect("invoice_by_number"),
        None,
        "invoice_by_number must give None for a number never issued"
    );
    assert_eq!(
        tx.invoices_of_order(first.id())
            .await
            .expect("invoices_of_order"),
        vec![invoice.clone(), credit_note.clone()],
        "invoices_of_order must give the order's documents in order of issue"
    );
    let all = tx
        .list_invoices(None, Paging::default())
        .await
        .expect("list_invoices");
    assert_eq!(all.total, 3, "list_invoices must count every document");
    assert_eq!(
        all.items,
        vec![other.clone(), credit_note.clone(), invoice.clone()],
        "list_invoices must give the latest issued first"
    );
    let invoices = tx
        .list_invoices(
            Some(InvoiceKind::Invoice),
            Paging {
                offset: 1,
                limit: 1,
            },
        )
        .await
        .expect("list_invoices");
    assert_eq!(
        (invoices.total, invoices.items),
        (2, vec![invoice.clone()]),
        "list_invoices must keep to the kind asked and to the page"
    );
    commit(tx).await;
}

/// A number is never stored twice, an order has one document of each kind, a document of
/// no stored order is refused; a refusal leaves the transaction usable.
pub async fn invoice_numbers_and_orders_are_unique(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [first, second] = two_orders(&db, &mut ids, &world).await;
    let invoice = invoice_of(&mut ids, &first, 1, 10);
    let mut tx = write(&db).await;
    tx.insert_invoice(&invoice).await.expect("insert_invoice");
    commit(tx).await;

    let mut tx = write(&db).await;
    let same_number = Invoice {
        id: InvoiceId::from_u128(ids.raw()),
        ..invoice_of(&mut ids, &second, 1, 20)
    };
    assert_duplicate(
        tx.insert_invoice(&same_number).await,
        Some("invoice"),
        Some(invoice.number.as_str()),
        "insert_invoice with a number already issued",
    );
    let second_invoice_of_order = invoice_of(&mut ids, &first, 2, 20);
    assert_duplicate(
        tx.insert_invoice(&second_invoice_of_order).await,
        Some("invoice"),
        None,
        "insert_invoice of a second invoice for one order",
    );
    let mut orphan = invoice_of(&mut ids, &second, 3, 20);
    orphan.order_id = ids.commande();
    assert_not_found(
        tx.insert_invoice(&orphan).await,
        "insert_invoice of a document whose order is not stored",
    );
    let good = invoice_of(&mut ids, &second, 4, 20);
    tx.insert_invoice(&good)
        .await
        .expect("insert_invoice after refusals in the same transaction must succeed");
    rollback(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.list_invoices(None, Paging::default())
            .await
            .expect("list_invoices")
            .items,
        vec![invoice],
        "a rolled back transaction must store no document"
    );
    commit(tx).await;
}
