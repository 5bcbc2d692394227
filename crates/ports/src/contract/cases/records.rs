//! Carts, outbox messages, idempotency keys and recorded changes ([`crate::CartStore`],
//! [`crate::OutboxStore`], [`crate::IdempotencyStore`], [`crate::AuditStore`]).

use std::sync::Arc;
use std::time::Duration;

use domain::cart::Cart;
use domain::ids::CartId;

use super::support::{
    assert_duplicate, back_off, commit, read, rollback, within_time_limit, write, World, ATTEMPTS,
};
use crate::contract::fixtures::{actor, at, at_micros, change, outbox_message, qty, Ids};
use crate::{
    ChangeRecord, Database, EntityKind, IdempotencyRecord, MessageStatus, OutboxMessage,
    StoreError, TxMode,
};

async fn save_carts(db: &Arc<dyn Database>, carts: &[&Cart]) {
    let mut tx = write(db).await;
    for cart in carts {
        tx.save_cart(cart)
            .await
            .expect("save_cart must store a cart, new or not");
    }
    commit(tx).await;
}

async fn get_cart(db: &Arc<dyn Database>, id: CartId) -> Option<Cart> {
    let mut tx = read(db).await;
    let cart = tx.get_cart(id).await.expect("get_cart");
    commit(tx).await;
    cart
}

/// Carts are stored as they are, items in their order with their quantities, changed,
/// found as their owner's most recently changed cart, and deleted once.
pub async fn carts_survive_and_change(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let owner = world.customer.id;
    // Items are added in an order that is not the order of their ids.
    let (a, b, c) = (
        world.articles[3].0,
        world.articles[1].0,
        world.articles[0].0,
    );

    let mut cart = Cart::new(ids.cart(), Some(owner), at(0));
    cart.add(a, qty(2), at(1)).expect("add");
    cart.add(b, qty(1), at_micros(2_000_001)).expect("add");
    save_carts(&db, &[&cart]).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_cart(cart.id).await.expect("get_cart"),
        Some(cart.clone()),
        "get_cart must give the cart as saved: owner, items in their order with their quantities, time to the microsecond"
    );
    assert_eq!(
        tx.cart_of(owner).await.expect("cart_of"),
        Some(cart.clone()),
        "cart_of must give the customer's cart"
    );
    assert_eq!(
        tx.cart_of(world.payer.id).await.expect("cart_of"),
        None,
        "cart_of a customer without a cart must give None"
    );
    assert_eq!(
        tx.get_cart(ids.cart()).await.expect("get_cart"),
        None,
        "get_cart of an id never stored must give None"
    );
    commit(tx).await;

    // Changed: an item added, a quantity set to the largest, an item removed then added again
    // (it goes last).
    cart.add(c, qty(3), at(10)).expect("add");
    cart.set_quantity(a, qty(1_000_000), at(11))
        .expect("set_quantity");
    cart.remove(b, at(12)).expect("remove");
    cart.add(b, qty(4), at_micros(13_000_013)).expect("add");
    assert_eq!(
        cart.items().iter().map(|i| i.article).collect::<Vec<_>>(),
        vec![a, c, b]
    );
    save_carts(&db, &[&cart]).await;
    assert_eq!(
        get_cart(&db, cart.id).await,
        Some(cart.clone()),
        "save_cart of a stored cart must replace its items (in their new order, with their new quantities) and its time"
    );

    // The owner's most recently changed cart, by the carts' times, not the order of saving.
    let mut second = Cart::new(ids.cart(), Some(owner), at(20));
    second.add(c, qty(1), at(20)).expect("add");
    save_carts(&db, &[&second]).await;
    let cart_of = |when: &'static str, expected: Cart| {
        let db = db.clone();
        async move {
            let mut tx = read(&db).await;
            assert_eq!(
                tx.cart_of(owner).await.expect("cart_of"),
                Some(expected),
                "cart_of must give the owner's most recently changed cart ({when})"
            );
            commit(tx).await;
        }
    };
    cart_of("a newer cart saved", second.clone()).await;
    cart.set_quantity(c, qty(5), at(30)).expect("set_quantity");
    let mut older = Cart::new(ids.cart(), Some(owner), at(25));
    older.add(a, qty(1), at(25)).expect("add");
    save_carts(&db, &[&cart]).await;
    save_carts(&db, &[&older]).await;
    cart_of(
        "the first cart changed last, then an older cart saved",
        cart.clone(),
    )
    .await;

    // A guest's cart, then given to a customer; an emptied cart.
    let mut guest = Cart::new(ids.cart(), None, at(40));
    guest.add(b, qty(7), at(40)).expect("add");
    save_carts(&db, &[&guest]).await;
    assert_eq!(
        get_cart(&db, guest.id).await,
        Some(guest.clone()),
        "get_cart must give a guest's cart, without owner"
    );
    guest.assign_to(world.customer2.id, at(41));
    cart.clear(at(50));
    save_carts(&db, &[&guest, &cart]).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.cart_of(world.customer2.id).await.expect("cart_of"),
        Some(guest.clone()),
        "cart_of must find a guest's cart once it is given to the customer"
    );
    assert_eq!(
        tx.get_cart(cart.id).await.expect("get_cart"),
        Some(cart.clone()),
        "save_cart of an emptied cart must store it empty"
    );
    commit(tx).await;
    cart_of("the first cart emptied last", cart.clone()).await;

    // Deleted once.
    let mut tx = write(&db).await;
    assert!(
        tx.delete_cart(cart.id).await.expect("delete_cart"),
        "delete_cart of a stored cart must give true"
    );
    commit(tx).await;
    let mut tx = write(&db).await;
    assert!(
        !tx.delete_cart(cart.id).await.expect("delete_cart"),
        "delete_cart of a cart already deleted must give false"
    );
    assert!(
        !tx.delete_cart(ids.cart()).await.expect("delete_cart"),
        "delete_cart of an id never stored must give false"
    );
    commit(tx).await;
    assert_eq!(
        get_cart(&db, cart.id).await,
        None,
        "get_cart of a deleted cart must give None"
    );
    cart_of("after the most recent one was deleted", older.clone()).await;
    assert_eq!(
        get_cart(&db, second.id).await,
        Some(second),
        "delete_cart must delete only the cart it is given"
    );
}

/// Messages are written with every field (the payload as JSON, whatever it holds), listed
/// by status oldest first up to a limit, and their ids are unique.
pub async fn outbox_messages_are_kept(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let newest = OutboxMessage {
        payload: serde_json::json!({
            "order": {
                "number": "PAR-000042",
                "lines": [
                    { "reference": "VIS-M6", "quantity": 3, "unit_price": "12.50" },
                    { "reference": "ÉCROU", "quantity": 1, "unit_price": "0.0835" }
                ],
                "total": 12.5,
                "paid": false,
                "note": null,
                "text": "Élodie « ça » \n\t\"guillemets\" \\ barre 😀"
            },
            "count": 9_007_199_254_740_991_u64,
            "negative": -42,
            "empty": {},
            "list": []
        }),
        ..outbox_message(ids.message(), "order_confirmation", at_micros(2))
    };
    let older = OutboxMessage {
        recipient: None,
        next_attempt_at: at(60),
        ..outbox_message(ids.message(), "order_validated_internal", at_micros(1))
    };
    let sent = OutboxMessage {
        status: MessageStatus::Sent,
        attempts: 1,
        ..outbox_message(ids.message(), "order_confirmation", at_micros(0))
    };
    let failed = OutboxMessage {
        status: MessageStatus::Failed,
        attempts: 5,
        last_error: Some("SMTP 550 : boîte « inconnue »".to_owned()),
        next_attempt_at: at(3600),
        ..outbox_message(ids.message(), "order_confirmation", at(3))
    };
    let oldest = OutboxMessage {
        payload: serde_json::json!(["a", 1, null]),
        ..outbox_message(ids.message(), "invoice", at(-10))
    };

    let mut tx = write(&db).await;
    tx.enqueue_all(&[newest.clone(), older.clone(), sent.clone(), failed.clone()])
        .await
        .expect("enqueue_all of new messages must succeed");
    commit(tx).await;
    let mut tx = write(&db).await;
    tx.enqueue(&oldest)
        .await
        .expect("enqueue of a new message must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    let pending = vec![oldest.clone(), older.clone(), newest.clone()];
    for limit in [10, 3, 2, 1] {
        let n = usize::try_from(limit).expect("small").min(3);
        assert_eq!(
            tx.messages(MessageStatus::Pending, limit)
                .await
                .expect("messages"),
            pending[..n].to_vec(),
            "messages(Pending, {limit}) must give the pending messages, oldest first (by creation time, to the microsecond), at most {limit}, every field as written (the payload JSON unchanged)"
        );
    }
    assert_eq!(
        tx.messages(MessageStatus::Sent, 10)
            .await
            .expect("messages"),
        vec![sent.clone()],
        "messages(Sent) must give only the sent messages"
    );
    assert_eq!(
        tx.messages(MessageStatus::Failed, 10)
            .await
            .expect("messages"),
        vec![failed.clone()],
        "messages(Failed) must give only the failed messages, with their attempts and last error"
    );
    commit(tx).await;

    let mut tx = write(&db).await;
    let clash = OutboxMessage {
        topic: "other".to_owned(),
        ..outbox_message(newest.id, "other", at(100))
    };
    assert_duplicate(
        tx.enqueue_all(&[
            outbox_message(ids.message(), "other", at(100)),
            clash.clone(),
        ])
        .await,
        None,
        None,
        "enqueue_all of messages one of which has the id of a stored message",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    assert_duplicate(
        tx.enqueue(&clash).await,
        None,
        None,
        "enqueue of a message with the id of another message",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.messages(MessageStatus::Pending, 10)
            .await
            .expect("messages"),
        pending,
        "a message refused for its id must change nothing"
    );
    commit(tx).await;
}

/// What one of the concurrent recorders of a key ended with.
#[derive(Debug)]
enum Recorded {
    /// Its record was committed.
    Committed(IdempotencyRecord),
    /// Refused: the key was recorded by another.
    Duplicate,
}

async fn record_key(db: Arc<dyn Database>, record: IdempotencyRecord) -> Recorded {
    for attempt in 0..ATTEMPTS {
        let mut tx = match db.begin(TxMode::Write).await {
            Ok(tx) => tx,
            Err(e) if e.is_retryable() => {
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("Database::begin(Write) failed: {e:?}"),
        };
        let result = match tx.save_idempotency(&record).await {
            Ok(()) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                tx.commit().await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => return Recorded::Committed(record),
            Err(StoreError::Duplicate { .. }) => return Recorded::Duplicate,
            Err(e) if e.is_retryable() => back_off(attempt).await,
            Err(e) => panic!(
                "recording an idempotency key another transaction records at the same time must succeed or fail with StoreError::Duplicate (or Retryable), got {e:?}"
            ),
        }
    }
    panic!("recording an idempotency key was refused as retryable {ATTEMPTS} times in a row")
}

/// An idempotency key is found once recorded, exactly as it was sent, and recorded once
/// only, also by transactions racing for it.
pub async fn idempotency_keys_are_unique(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let make = |ids: &mut Ids, sequence| world.par_order(ids.commande(), sequence, 1, at(0));
    let first = make(&mut ids, 1);
    let second = make(&mut ids, 2);
    let mut tx = write(&db).await;
    tx.insert_order(&first).await.expect("insert_order");
    tx.insert_order(&second).await.expect("insert_order");
    commit(tx).await;

    let record = IdempotencyRecord {
        key: "api:acme:Commande-2026/0001".to_owned(),
        request_hash: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            .to_owned(),
        order: first.id(),
        created_at: at_micros(7),
    };
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_idempotency(&record.key)
            .await
            .expect("find_idempotency"),
        None,
        "find_idempotency of a key never recorded must give None"
    );
    commit(tx).await;

    let mut tx = write(&db).await;
    tx.save_idempotency(&record)
        .await
        .expect("save_idempotency of a new key must succeed");
    commit(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_idempotency(&record.key)
            .await
            .expect("find_idempotency"),
        Some(record.clone()),
        "find_idempotency must give the record as saved, time to the microsecond"
    );
    assert_eq!(
        tx.find_idempotency("api:acme:commande-2026/0001")
            .await
            .expect("find_idempotency"),
        None,
        "find_idempotency must match the key exactly as it was sent (case included)"
    );
    assert_eq!(
        tx.find_idempotency("api:acme:Commande-2026")
            .await
            .expect("find_idempotency"),
        None,
        "find_idempotency must match the whole key"
    );
    commit(tx).await;

    let mut tx = write(&db).await;
    assert_duplicate(
        tx.save_idempotency(&IdempotencyRecord {
            request_hash: "sha256:other".to_owned(),
            order: second.id(),
            created_at: at(60),
            ..record.clone()
        })
        .await,
        Some("idempotency key"),
        None,
        "save_idempotency of a key already recorded",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_idempotency(&record.key)
            .await
            .expect("find_idempotency"),
        Some(record.clone()),
        "a refused save_idempotency must leave the first record as it was"
    );
    commit(tx).await;

    // Transactions racing for one key: exactly one commits it.
    const RACERS: usize = 5;
    let outcomes = within_time_limit("transactions racing for one idempotency key", async {
        let tasks: Vec<_> = (0..RACERS)
            .map(|n| {
                let record = IdempotencyRecord {
                    key: "api:acme:race".to_owned(),
                    request_hash: format!("sha256:racer-{n}"),
                    order: second.id(),
                    created_at: at_micros(i64::try_from(n).expect("small")),
                };
                tokio::spawn(record_key(db.clone(), record))
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("a racing task panicked"));
        }
        outcomes
    })
    .await;
    let winners: Vec<IdempotencyRecord> = outcomes
        .into_iter()
        .filter_map(|o| match o {
            Recorded::Committed(r) => Some(r),
            Recorded::Duplicate => None,
        })
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "two transactions recording the same key must never both commit, and one of them must: {winners:?}"
    );
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_idempotency("api:acme:race")
            .await
            .expect("find_idempotency"),
        winners.into_iter().next(),
        "find_idempotency must give the record of the transaction that committed the key"
    );
    commit(tx).await;
}

/// Changes are recorded with every field and listed per thing, oldest first.
pub async fn changes_are_recorded(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let tiers_id = ids.tiers().to_string();
    let other_id = ids.tiers().to_string();
    let first = ChangeRecord {
        changes: vec![
            "last_name: Dupont → Durand".to_owned(),
            "email: (none) → marie@example.fr".to_owned(),
            "lines: 12 rue de la Paix\nBât. C → 3 place « Bellecour »".to_owned(),
        ],
        ..change(EntityKind::Tiers, &tiers_id, at_micros(10), "")
    };
    let second = change(
        EntityKind::Tiers,
        &tiers_id,
        at_micros(11),
        "mobile: +33612345678 → +33655555555",
    );
    let earliest = change(EntityKind::Tiers, &tiers_id, at_micros(-5), "created");
    let same_id_other_kind = change(EntityKind::Societe, &tiers_id, at(1), "name: A → B");
    let other_thing = change(
        EntityKind::Tiers,
        &other_id,
        at(2),
        "first_name: Jean → Jeanne",
    );

    let mut tx = write(&db).await;
    for c in [&first, &second, &same_id_other_kind, &other_thing] {
        tx.record_change(c)
            .await
            .expect("record_change must succeed");
    }
    commit(tx).await;
    // Recorded later, but older.
    let mut tx = write(&db).await;
    tx.record_change(&earliest)
        .await
        .expect("record_change must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.changes_of(EntityKind::Tiers, &tiers_id)
            .await
            .expect("changes_of"),
        vec![earliest, first, second],
        "changes_of must give every change of the thing, oldest first (by their times, to the microsecond), each with its author and its list of changed fields as recorded"
    );
    assert_eq!(
        tx.changes_of(EntityKind::Societe, &tiers_id)
            .await
            .expect("changes_of"),
        vec![same_id_other_kind],
        "changes_of must give only the changes of that kind of thing"
    );
    assert_eq!(
        tx.changes_of(EntityKind::Tiers, &other_id)
            .await
            .expect("changes_of"),
        vec![other_thing],
        "changes_of must give only the changes of that thing"
    );
    assert_eq!(
        tx.changes_of(EntityKind::Article, &tiers_id)
            .await
            .expect("changes_of"),
        Vec::<ChangeRecord>::new(),
        "changes_of a thing never changed must be empty"
    );
    commit(tx).await;

    // Every kind of thing.
    let kinds = [
        EntityKind::Societe,
        EntityKind::Tiers,
        EntityKind::Adresse,
        EntityKind::Article,
        EntityKind::Commande,
    ];
    let mut tx = write(&db).await;
    for kind in kinds {
        let mut record = change(kind, "PAR-000001", at(100), kind.as_str());
        record.by = actor("Système d'import « API »");
        tx.record_change(&record)
            .await
            .expect("record_change must succeed");
    }
    commit(tx).await;
    let mut tx = read(&db).await;
    for kind in kinds {
        let mut record = change(kind, "PAR-000001", at(100), kind.as_str());
        record.by = actor("Système d'import « API »");
        assert_eq!(
            tx.changes_of(kind, "PAR-000001").await.expect("changes_of"),
            vec![record],
            "changes_of must keep every kind of thing apart"
        );
    }
    commit(tx).await;
}
