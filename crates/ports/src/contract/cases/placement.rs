//! The reads of an order placement together, and its writes ([`crate::PlacementStore`]).

use std::sync::Arc;

use domain::order::Commande;

use super::support::{commit, read, rollback, write, World};
use crate::contract::fixtures::{adjustment, at_micros, outbox_message, site_code, vat_code, Ids};
use crate::{
    Database, IdempotencyRecord, MovementReason, OutboxMessage, PlacementContext, PlacementQuery,
    PlacementWrites, SiteKey, StockError, StockMovement, StoreError,
};

fn sorted(mut context: PlacementContext) -> PlacementContext {
    context.people.sort_by_key(|t| t.id);
    context.addresses.sort_by_key(|a| a.id);
    context.articles.sort_by_key(|a| a.id);
    context
}

/// `placement_context` gives what the single reads give: the site by id or by code, the
/// people, addresses and articles that exist (and nothing for those that do not), every
/// VAT code, the idempotency key's record when there is one, and when asked the site's next
/// order number.
pub async fn placement_reads_match_the_single_reads(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let order = world.par_order(ids.commande(), 1, 1, at_micros(0));
    let record = IdempotencyRecord {
        key: "api:acme:placement-1".to_owned(),
        request_hash: "sha256:0123".to_owned(),
        order: order.id(),
        created_at: at_micros(42),
    };
    let mut tx = write(&db).await;
    for code in [
        vat_code("REDUIT", "Taux réduit", "5.5", false),
        vat_code("NORMAL", "Taux normal", "20", true),
    ] {
        tx.save_vat_code(&code).await.expect("save_vat_code");
    }
    tx.insert_order(&order).await.expect("insert_order");
    tx.save_idempotency(&record)
        .await
        .expect("save_idempotency");
    commit(tx).await;

    let missing_person = ids.tiers();
    let missing_address = ids.adresse();
    let missing_article = ids.article();
    let people = [world.customer.id, world.payer.id, missing_person];
    let addresses = [world.delivery.id, missing_address, world.billing.id];
    let articles = [world.articles[0].0, missing_article, world.articles[2].0];
    let lyon = site_code("LYON");
    let nowhere = site_code("NOWHERE");

    let mut tx = read(&db).await;
    let by_code = tx
        .placement_context(&PlacementQuery {
            site: SiteKey::Code(&lyon),
            people: &people,
            addresses: &addresses,
            articles: &articles,
            idempotency_key: Some(&record.key),
            take_order_number: false,
        })
        .await
        .expect("placement_context");
    let expected = PlacementContext {
        site: Some(world.lyon.clone()),
        people: vec![world.customer.clone(), world.payer.clone()],
        addresses: vec![world.delivery.clone(), world.billing.clone()],
        articles: tx
            .get_articles(&[world.articles[0].0, world.articles[2].0])
            .await
            .expect("get_articles"),
        vat_codes: tx.list_vat_codes().await.expect("list_vat_codes"),
        idempotency: Some(record.clone()),
        order_number: None,
    };
    assert_eq!(
        expected.articles.len(),
        2,
        "get_articles must find both articles"
    );
    assert_eq!(
        expected.vat_codes.len(),
        2,
        "list_vat_codes must give both codes"
    );
    assert_eq!(
        sorted(by_code),
        sorted(expected.clone()),
        "placement_context must give the site by code, what exists of the people, addresses \
         and articles, every VAT code by code, and the key's record"
    );

    let by_id = tx
        .placement_context(&PlacementQuery {
            site: SiteKey::Id(world.par.id),
            people: &[],
            addresses: &[],
            articles: &[],
            idempotency_key: Some("api:acme:never-used"),
            take_order_number: false,
        })
        .await
        .expect("placement_context");
    assert_eq!(
        by_id,
        PlacementContext {
            site: Some(world.par.clone()),
            vat_codes: expected.vat_codes.clone(),
            ..PlacementContext::default()
        },
        "placement_context must give the site by id, nothing for empty lists, and no record \
         for a key never used"
    );

    let nothing = tx
        .placement_context(&PlacementQuery {
            site: SiteKey::Code(&nowhere),
            people: &[missing_person],
            addresses: &[missing_address],
            articles: &[missing_article],
            idempotency_key: None,
            take_order_number: false,
        })
        .await
        .expect("placement_context");
    assert_eq!(
        nothing,
        PlacementContext {
            vat_codes: expected.vat_codes,
            ..PlacementContext::default()
        },
        "placement_context must give no site, person, address or article that does not exist"
    );
    commit(tx).await;

    // Asked for, the order number is taken from the site's series, as next_order_number
    // takes it; not for a key already used, nor for a site that does not exist.
    let asking = |site, key| PlacementQuery {
        site,
        people: &[],
        addresses: &[],
        articles: &[],
        idempotency_key: key,
        take_order_number: true,
    };
    let mut tx = write(&db).await;
    let first = tx
        .placement_context(&asking(SiteKey::Code(&lyon), None))
        .await
        .expect("placement_context")
        .order_number
        .expect("placement_context asked for an order number must take one");
    let by_id = tx
        .placement_context(&asking(
            SiteKey::Id(world.lyon.id),
            Some("api:acme:new-key"),
        ))
        .await
        .expect("placement_context")
        .order_number
        .expect("placement_context asked for an order number must take one, by site id too");
    let after = tx
        .next_order_number(&lyon)
        .await
        .expect("next_order_number");
    assert!(
        first < by_id && by_id < after,
        "the order numbers placement_context takes must be the site's own, never repeated \
         ({first}, {by_id}, then next_order_number gave {after})"
    );
    let replay = tx
        .placement_context(&asking(SiteKey::Code(&lyon), Some(&record.key)))
        .await
        .expect("placement_context");
    assert_eq!(
        (replay.order_number, replay.idempotency.is_some()),
        (None, true),
        "placement_context must take no order number for a key already used"
    );
    let nowhere_number = tx
        .placement_context(&asking(SiteKey::Code(&nowhere), None))
        .await
        .expect("placement_context")
        .order_number;
    assert_eq!(
        nowhere_number, None,
        "placement_context must take no order number for a site that does not exist"
    );
    commit(tx).await;
}

/// `record_placement` takes the stock, then stores the order, its messages and its
/// idempotency key as the single writes do, with or without movements, messages and key; a
/// shortage refuses it all, naming every short article with what is available; an order
/// number, a message or a key already stored is refused with the entity at fault.
pub async fn placement_writes_store_order_messages_and_key(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let make = |ids: &mut Ids, sequence| world.par_order(ids.commande(), sequence, 2, at_micros(0));
    let (a, b) = (world.articles[0].0, world.articles[1].0);
    let mut tx = write(&db).await;
    tx.apply_movements(&[
        adjustment(a, 5, at_micros(1)),
        adjustment(b, 5, at_micros(1)),
    ])
    .await
    .expect("apply_movements");
    commit(tx).await;
    let take = |order, article, quantity: i64| StockMovement {
        order: Some(order),
        reason: MovementReason::OrderValidated,
        ..adjustment(article, -quantity, at_micros(5))
    };

    let first = make(&mut ids, 1);
    let messages = vec![
        outbox_message(ids.message(), "order_confirmation", at_micros(5)),
        outbox_message(ids.message(), "order_validated_internal", at_micros(5)),
    ];
    let key = IdempotencyRecord {
        key: "api:acme:placement-2".to_owned(),
        request_hash: "sha256:4567".to_owned(),
        order: first.id(),
        created_at: at_micros(5),
    };
    let mut tx = write(&db).await;
    tx.record_placement(&PlacementWrites {
        movements: &[take(first.id(), a, 2), take(first.id(), b, 3)],
        order: &first,
        messages: &messages,
        idempotency: Some(&key),
    })
    .await
    .expect("record_placement of a new order, messages and key must succeed");
    commit(tx).await;

    let second = make(&mut ids, 2);
    let mut tx = write(&db).await;
    tx.record_placement(&PlacementWrites {
        movements: &[],
        order: &second,
        messages: &[],
        idempotency: None,
    })
    .await
    .expect("record_placement of an order alone must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(first.id()).await.expect("get_order"),
        Some(first.clone()),
        "record_placement must store the order with its lines and history"
    );
    assert_eq!(
        tx.get_order(second.id()).await.expect("get_order"),
        Some(second.clone()),
        "record_placement must store an order without messages nor key"
    );
    for message in &messages {
        assert_eq!(
            tx.get_message(message.id).await.expect("get_message"),
            Some(message.clone()),
            "record_placement must store each message as it was given"
        );
    }
    assert_eq!(
        tx.find_idempotency(&key.key)
            .await
            .expect("find_idempotency"),
        Some(key.clone()),
        "record_placement must store the idempotency key"
    );
    let stocks = (
        tx.get_article(a)
            .await
            .expect("get_article")
            .map(|x| x.stock),
        tx.get_article(b)
            .await
            .expect("get_article")
            .map(|x| x.stock),
    );
    assert_eq!(
        stocks,
        (Some(3), Some(2)),
        "record_placement must take the stock of its movements"
    );
    commit(tx).await;

    // Short of one article: nothing is written, and the shortage says what is available.
    let short = make(&mut ids, 4);
    let mut tx = write(&db).await;
    let refused = tx
        .record_placement(&PlacementWrites {
            movements: &[take(short.id(), a, 4), take(short.id(), b, 1)],
            order: &short,
            messages: &messages[..0],
            idempotency: None,
        })
        .await;
    match refused {
        Err(StockError::Short(shortages)) => assert_eq!(
            shortages
                .iter()
                .map(|s| (s.article, s.requested, s.available))
                .collect::<Vec<_>>(),
            vec![(a, 4, 3)],
            "record_placement must list every short article with what is available"
        ),
        other => panic!("record_placement short of stock must be refused as short, got {other:?}"),
    }
    assert_eq!(
        tx.get_order(short.id()).await.expect("get_order"),
        None,
        "record_placement refused for a shortage must write no order"
    );
    assert_eq!(
        tx.get_article(b)
            .await
            .expect("get_article")
            .map(|x| x.stock),
        Some(2),
        "record_placement refused for a shortage must take no stock"
    );
    rollback(tx).await;

    // The same number again; then a new order with a message already stored; then with the
    // key already stored: each refused, naming what was a duplicate, and nothing kept.
    let same_number = world.par_order(ids.commande(), 1, 1, at_micros(0));
    let third = make(&mut ids, 3);
    let other_key = IdempotencyRecord {
        key: "api:acme:placement-3".to_owned(),
        order: third.id(),
        ..key.clone()
    };
    let reused_key = IdempotencyRecord {
        order: third.id(),
        ..key.clone()
    };
    let cases: [(&Commande, &[OutboxMessage], &IdempotencyRecord, &str); 3] = [
        (&same_number, &[], &other_key, "order"),
        (&third, &messages[..1], &other_key, "message"),
        (&third, &[], &reused_key, "idempotency key"),
    ];
    for (order, messages, key, entity) in cases {
        let mut tx = write(&db).await;
        let result = tx
            .record_placement(&PlacementWrites {
                movements: &[],
                order,
                messages,
                idempotency: Some(key),
            })
            .await;
        match result {
            Err(StockError::Store(StoreError::Duplicate { entity: found, .. })) => assert_eq!(
                found, entity,
                "record_placement must name the {entity} that was a duplicate"
            ),
            other => panic!("record_placement of a duplicate {entity} must be refused as a duplicate, got {other:?}"),
        }
        rollback(tx).await;
    }
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(third.id()).await.expect("get_order"),
        None,
        "a refused placement rolled back must leave no order"
    );
    assert_eq!(
        tx.find_idempotency(&other_key.key)
            .await
            .expect("find_idempotency"),
        None,
        "a refused placement rolled back must leave no key"
    );
    commit(tx).await;
}
