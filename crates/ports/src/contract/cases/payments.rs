//! Payments of orders ([`crate::PaymentStore`]).

use std::sync::Arc;

use domain::ids::CommandeId;
use domain::order::Commande;
use domain::payment::{Payment, PaymentMethod, PaymentStatus};

use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, write, World};
use crate::contract::fixtures::{amount, at, at_micros, payment, Ids};
use crate::{Database, StoreError};

/// Two orders of the world, stored, for payments to refer to.
pub(super) async fn two_orders(
    db: &Arc<dyn Database>,
    ids: &mut Ids,
    world: &World,
) -> [Commande; 2] {
    let make = |ids: &mut Ids, n: u64| world.par_order(ids.commande(), n, 2, at(0));
    let orders = [make(ids, 1), make(ids, 2)];
    let mut tx = write(db).await;
    for order in &orders {
        tx.insert_order(order)
            .await
            .expect("insert_order of a new order must succeed");
    }
    commit(tx).await;
    orders
}

async fn insert(db: &Arc<dyn Database>, payments: &[&Payment]) {
    let mut tx = write(db).await;
    for p in payments {
        tx.insert_payment(p)
            .await
            .expect("insert_payment of a new payment of a stored order must succeed");
    }
    commit(tx).await;
}

async fn stored(db: &Arc<dyn Database>, p: &Payment) -> Option<Payment> {
    let mut tx = read(db).await;
    let found = tx.get_payment(p.id).await.expect("get_payment");
    commit(tx).await;
    found
}

async fn payments_of(db: &Arc<dyn Database>, order: CommandeId) -> Vec<Payment> {
    let mut tx = read(db).await;
    let found = tx.payments_of(order).await.expect("payments_of");
    commit(tx).await;
    found
}

/// Payments are stored with every field (every method and status, the largest amount,
/// times to the microsecond, references and reasons as written), read back by id and by
/// order, oldest first, and change only in their status, reference, reason and time.
pub async fn payments_round_trip_and_change(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [first, second] = two_orders(&db, &mut ids, &world).await;

    // Ids are taken in an order that differs from the times, and two payments share a
    // start time: the one with the smaller id comes first.
    let (id1, id2, id3, id4, id5) = (
        ids.payment(),
        ids.payment(),
        ids.payment(),
        ids.payment(),
        ids.payment(),
    );
    let card = Payment {
        amount: amount("55.53"),
        provider_reference: Some("test_0195-card".to_owned()),
        ..payment(id5, first.id(), at_micros(3_000_003))
    };
    let cheque = Payment {
        amount: amount("1000000000000000.00"),
        method: PaymentMethod::Cheque,
        status: PaymentStatus::Succeeded,
        provider: "manual".to_owned(),
        provider_reference: Some("Chèque n° 0012345 « BNP »".to_owned()),
        updated_at: at_micros(2_000_002),
        ..payment(id2, first.id(), at_micros(1_000_001))
    };
    let declined = Payment {
        amount: amount("0.01"),
        status: PaymentStatus::Failed,
        failure_reason: Some("carte refusée : « fonds insuffisants »\n😀".to_owned()),
        updated_at: at_micros(1_000_002),
        ..payment(id4, first.id(), at_micros(1_000_001))
    };
    let on_account = Payment {
        method: PaymentMethod::OnAccount,
        provider: "manual".to_owned(),
        ..payment(id1, first.id(), at(-10))
    };
    let transfer = Payment {
        method: PaymentMethod::BankTransfer,
        status: PaymentStatus::Succeeded,
        provider: "manual".to_owned(),
        ..payment(id3, second.id(), at_micros(1_000_001))
    };
    insert(&db, &[&card, &declined]).await;
    insert(&db, &[&transfer, &cheque, &on_account]).await;

    for p in [&card, &cheque, &declined, &on_account, &transfer] {
        assert_eq!(
            stored(&db, p).await.as_ref(),
            Some(p),
            "get_payment must give the payment as inserted: amount to the cent, method {}, status {}, provider, reference and reason as written, times to the microsecond",
            p.method,
            p.status
        );
    }
    assert_eq!(
        stored(&db, &payment(ids.payment(), first.id(), at(0))).await,
        None,
        "get_payment of an id never stored must give None"
    );
    assert_eq!(
        payments_of(&db, first.id()).await,
        vec![
            on_account.clone(),
            cheque.clone(),
            declined.clone(),
            card.clone()
        ],
        "payments_of must give the order's payments only, oldest first by start time, then by id"
    );
    assert_eq!(
        payments_of(&db, second.id()).await,
        vec![transfer.clone()],
        "payments_of must give only this order's payments"
    );
    assert_eq!(
        payments_of(&db, ids.commande()).await,
        Vec::<Payment>::new(),
        "payments_of an order that is not stored must give none"
    );

    // The card payment succeeds, with a new reference; what the update is given beyond
    // status, reference, reason and time is not stored.
    let mut succeeded = card.clone();
    succeeded.status = PaymentStatus::Succeeded;
    succeeded.provider_reference = Some("test_0195-card-captured".to_owned());
    succeeded.updated_at = at_micros(9_000_009);
    let tampered = Payment {
        amount: amount("1.00"),
        method: PaymentMethod::Cheque,
        provider: "other".to_owned(),
        order: second.id(),
        created_at: at(99),
        ..succeeded.clone()
    };
    // The pending payment on account fails, with a reason, and gets a reference.
    let mut failed = on_account.clone();
    failed.status = PaymentStatus::Failed;
    failed.failure_reason = Some("client parti sans payer".to_owned());
    failed.provider_reference = Some("compte 411-DUPONT".to_owned());
    failed.updated_at = at(20);
    let mut tx = write(&db).await;
    tx.update_payment(&tampered)
        .await
        .expect("update_payment of a stored payment must succeed");
    tx.update_payment(&failed)
        .await
        .expect("update_payment of a stored payment must succeed");
    commit(tx).await;
    assert_eq!(
        stored(&db, &card).await,
        Some(succeeded.clone()),
        "update_payment must store the status, reference, reason and time, and leave the order, amount, method, provider and start time as they were"
    );
    assert_eq!(stored(&db, &failed).await, Some(failed.clone()));
    let mut cleared = failed.clone();
    cleared.provider_reference = None;
    cleared.failure_reason = None;
    let mut tx = write(&db).await;
    tx.update_payment(&cleared)
        .await
        .expect("update_payment must succeed");
    commit(tx).await;
    assert_eq!(
        stored(&db, &failed).await,
        Some(cleared.clone()),
        "update_payment must clear a reference and a reason set to None"
    );

    // A rolled back update changes nothing; an update of a payment never stored is refused.
    let mut tx = write(&db).await;
    let mut undone = succeeded.clone();
    undone.failure_reason = Some("annulé".to_owned());
    tx.update_payment(&undone)
        .await
        .expect("update_payment must succeed");
    rollback(tx).await;
    assert_eq!(stored(&db, &card).await, Some(succeeded.clone()));
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_payment(&payment(ids.payment(), first.id(), at(0)))
            .await,
        "update_payment of a payment never stored",
    );
    rollback(tx).await;
    assert_eq!(
        payments_of(&db, first.id()).await,
        vec![cleared, cheque, declined, succeeded],
        "payments_of must give the payments as they are now, still in their start order"
    );
}

/// A provider's reference names one payment of that provider: it is found exactly, is
/// unique per provider (not across providers, and absent references never clash), and a
/// refused insert or update leaves the transaction usable.
pub async fn payment_references_are_unique_per_provider(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [order, _] = two_orders(&db, &mut ids, &world).await;

    let card = Payment {
        provider_reference: Some("ch_1".to_owned()),
        ..payment(ids.payment(), order.id(), at(1))
    };
    let manual = Payment {
        provider: "manual".to_owned(),
        method: PaymentMethod::Cheque,
        provider_reference: Some("ch_1".to_owned()),
        ..payment(ids.payment(), order.id(), at(2))
    };
    let bare = payment(ids.payment(), order.id(), at(3));
    let bare2 = payment(ids.payment(), order.id(), at(4));
    insert(&db, &[&card, &manual, &bare, &bare2]).await;

    let mut tx = read(&db).await;
    for (provider, reference, expected) in [
        ("test_card", "ch_1", Some(&card)),
        ("manual", "ch_1", Some(&manual)),
        ("test_card", "CH_1", None),
        ("test_card", "ch_%", None),
        ("test_card", "ch_", None),
        ("test_card", "ch_1 ", None),
        ("test_car", "ch_1", None),
        ("TEST_CARD", "ch_1", None),
        ("other", "ch_1", None),
    ] {
        assert_eq!(
            tx.find_by_provider_reference(provider, reference)
                .await
                .expect("find_by_provider_reference")
                .as_ref(),
            expected,
            "find_by_provider_reference({provider:?}, {reference:?}) must match the provider and the reference exactly"
        );
    }
    commit(tx).await;

    // Refusals in one transaction, which then goes on and commits what it did right.
    let mut tx = write(&db).await;
    assert_duplicate(
        tx.insert_payment(&Payment {
            provider_reference: Some("ch_1".to_owned()),
            ..payment(ids.payment(), order.id(), at(5))
        })
        .await,
        Some("payment reference"),
        Some("ch_1"),
        "insert_payment with a reference another payment of its provider has",
    );
    assert_duplicate(
        tx.insert_payment(&Payment {
            provider_reference: Some("ch_2".to_owned()),
            ..card.clone()
        })
        .await,
        Some("payment"),
        Some(&card.id.to_string()),
        "insert_payment with the id of a stored payment",
    );
    match tx
        .insert_payment(&payment(ids.payment(), ids.commande(), at(6)))
        .await
    {
        Err(StoreError::NotFound { entity, .. }) => assert_eq!(
            entity, "order",
            "insert_payment of a payment of an order that is not stored must say the order is missing"
        ),
        other => panic!(
            "insert_payment of a payment of an order that is not stored: expected StoreError::NotFound, got {other:?}"
        ),
    }
    let mut clash = bare.clone();
    clash.provider_reference = Some("ch_1".to_owned());
    assert_duplicate(
        tx.update_payment(&clash).await,
        Some("payment reference"),
        Some("ch_1"),
        "update_payment giving a payment the reference of another payment of its provider",
    );
    let later = Payment {
        provider_reference: Some("ch_3".to_owned()),
        ..payment(ids.payment(), order.id(), at(7))
    };
    tx.insert_payment(&later)
        .await
        .expect("insert_payment must go on working after refused writes in the transaction");
    let mut renamed = bare2.clone();
    renamed.provider_reference = Some("ch_4".to_owned());
    tx.update_payment(&renamed)
        .await
        .expect("update_payment must go on working after refused writes in the transaction");
    commit(tx).await;

    assert_eq!(
        stored(&db, &bare).await,
        Some(bare.clone()),
        "a refused update must change nothing"
    );
    assert_eq!(
        stored(&db, &card).await,
        Some(card.clone()),
        "a refused insert must change nothing"
    );
    assert_eq!(
        payments_of(&db, order.id()).await,
        vec![card, manual, bare, renamed.clone(), later.clone()],
        "only what was not refused is stored"
    );
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_by_provider_reference("test_card", "ch_4")
            .await
            .expect("find_by_provider_reference"),
        Some(renamed),
        "find_by_provider_reference must find a payment by a reference given by update_payment"
    );
    commit(tx).await;
}
