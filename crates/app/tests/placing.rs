//! Placing orders online and from programs: one transaction that checks, takes stock,
//! numbers, prices and queues the confirmation, or writes nothing at all.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::orders::ShortagePolicy;
use app::AppError;
use domain::money::Amount;
use domain::order::{OrderNumber, OrderState};
use ports::{MessageStatus, MovementReason, OrderQuery, Paging, TxMode};
use support::*;
use time::macros::date;

#[tokio::test]
async fn an_online_order_is_placed_validated_numbered_and_confirmed() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "06 12 34 56 78",
        "marie@example.fr",
    )
    .await;
    let placed = shop
        .app
        .place_order(
            &customer(&marie),
            &request(&marie, vec![line(&shop.vis, 3), line(&shop.livre, 2)]),
            None,
        )
        .await
        .unwrap();
    let order = &placed.order;
    assert!(!placed.replayed);
    assert_eq!(order.number().to_string(), "WEB-000001");
    assert_eq!(order.state(), OrderState::Validated);
    assert_eq!(order.history().len(), 2);
    assert_eq!(order.history()[1].by.as_str(), "client:Dupont");
    // Price, designation and rate are copied from the article and its VAT code.
    assert_eq!(order.lines()[0].content.unit_price.value(), d("12.50"));
    assert_eq!(
        order.lines()[1].content.designation.as_str(),
        "Livre de recettes"
    );
    assert_eq!(order.lines()[1].content.vat_rate.percent(), d("5.5"));
    // 3 x 12.50 + 2 x 4.99 = 47.48; VAT 7.50 + 0.55.
    assert_eq!(order.pricing().total_ht, d("47.48"));
    assert_eq!(order.pricing().total_vat, d("8.05"));
    assert_eq!(order.pricing().total_ttc, d("55.53"));
    // Thursday 7 May 2026 + 2 working days: Friday 8 is a holiday, then the weekend.
    assert_eq!(order.planned_delivery(), date!(2026 - 05 - 12));

    let vis = shop
        .app
        .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
        .await
        .unwrap();
    assert_eq!(vis.stock, 7);
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    let movements = tx
        .movements_of(shop.vis.id, Paging::default())
        .await
        .unwrap();
    assert_eq!(movements.items[0].delta, -3);
    assert_eq!(movements.items[0].reason, MovementReason::OrderValidated);
    assert_eq!(movements.items[0].order, Some(order.id()));
    assert_eq!(tx.movements_total(shop.vis.id).await.unwrap(), 7);
    let outbox = tx.messages(MessageStatus::Pending, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].topic, "order_confirmation");
    assert_eq!(outbox[0].recipient.as_deref(), Some("marie@example.fr"));
    assert_eq!(outbox[0].payload["order"]["number"], "WEB-000001");
}

#[tokio::test]
async fn a_short_article_refuses_the_whole_order_and_writes_nothing() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let err = shop
        .app
        .place_order(
            &customer(&marie),
            &request(
                &marie,
                vec![
                    line(&shop.vis, 11),
                    line(&shop.livre, 1),
                    line(&shop.perceuse, 2),
                ],
            ),
            None,
        )
        .await
        .unwrap_err();
    let AppError::Shortage(short) = err else {
        panic!("expected a shortage, got {err}")
    };
    assert_eq!(short.len(), 1);
    assert_eq!(short[0].reference.as_str(), "VIS-M6");
    assert_eq!((short[0].requested, short[0].available), (11, 10));

    // Nothing was written: stock, orders, messages, and the number was not used.
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.livre.id))
            .await
            .unwrap()
            .stock,
        5
    );
    let orders = shop
        .app
        .search_orders(&staff(), &OrderQuery::default())
        .await
        .unwrap();
    assert_eq!(orders.total, 0);
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    assert!(tx
        .messages(MessageStatus::Pending, 10)
        .await
        .unwrap()
        .is_empty());
    drop(tx);
    let next = shop
        .app
        .place_order(
            &customer(&marie),
            &request(&marie, vec![line(&shop.vis, 10)]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(next.order.number().to_string(), "WEB-000001");
}

#[tokio::test]
async fn every_short_article_is_listed_and_can_be_taken_as_available() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let mut req = request(
        &marie,
        vec![
            line(&shop.vis, 12),
            line(&shop.livre, 9),
            line(&shop.perceuse, 1),
        ],
    );
    let err = shop
        .app
        .place_order(&customer(&marie), &req, None)
        .await
        .unwrap_err();
    let AppError::Shortage(short) = err else {
        panic!("expected a shortage")
    };
    let listed: Vec<_> = short
        .iter()
        .map(|s| (s.reference.as_str().to_owned(), s.available))
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&("VIS-M6".to_owned(), 10)));
    assert!(listed.contains(&("LIVRE-01".to_owned(), 5)));

    req.on_shortage = ShortagePolicy::TakeAvailable;
    let placed = shop
        .app
        .place_order(&customer(&marie), &req, None)
        .await
        .unwrap();
    let quantities: Vec<u32> = placed
        .order
        .lines()
        .iter()
        .map(|l| l.content.quantity.get())
        .collect();
    assert_eq!(quantities, vec![10, 5, 1]);
    assert_eq!(placed.reduced.len(), 2);
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        0
    );
}

#[tokio::test]
async fn every_line_breaking_a_rule_is_reported() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let caisse = article(
        &shop.app,
        "CAISSE",
        "Caisse de 12",
        "30",
        None,
        6,
        None,
        100,
    )
    .await;
    let mut unknown = line(&shop.vis, 1);
    unknown.article = app::catalogue::ArticleKey::Reference(
        domain::catalogue::ArticleReference::new("NOPE").unwrap(),
    );
    let err = shop
        .app
        .place_order(
            &customer(&marie),
            &request(
                &marie,
                vec![
                    unknown,
                    line(&caisse, 2),
                    line(&shop.perceuse, 3),
                    line(&shop.vis, 1),
                ],
            ),
            None,
        )
        .await
        .unwrap_err();
    let AppError::Lines(problems) = err else {
        panic!("expected line problems, got {err}")
    };
    let codes: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(
        codes,
        vec![
            (1, "unknown_article"),
            (2, "below_minimum"),
            (3, "above_maximum")
        ]
    );
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        10
    );
}

#[tokio::test]
async fn an_idempotency_key_places_once() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let req = request(&marie, vec![line(&shop.vis, 2)]);
    let first = shop
        .app
        .place_order(&customer(&marie), &req, Some("k-1"))
        .await
        .unwrap();
    let again = shop
        .app
        .place_order(&customer(&marie), &req, Some("k-1"))
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.order, first.order);
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        8
    );

    let other = request(&marie, vec![line(&shop.vis, 3)]);
    let err = shop
        .app
        .place_order(&customer(&marie), &other, Some("k-1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "idempotency_key_reused");
    assert_eq!(
        shop.app
            .search_orders(&staff(), &OrderQuery::default())
            .await
            .unwrap()
            .total,
        1
    );
    // Keys are scoped by caller: the same key from someone else is a new request.
    let paul = register(&shop.app, "Martin", "Paul", "0698765432", "paul@example.fr").await;
    let pauls = shop
        .app
        .place_order(
            &customer(&paul),
            &request(&paul, vec![line(&shop.vis, 1)]),
            Some("k-1"),
        )
        .await
        .unwrap();
    assert!(!pauls.replayed);
    assert!(shop
        .app
        .place_order(&customer(&marie), &req, Some(""))
        .await
        .is_err());
}

#[tokio::test]
async fn customers_see_only_their_own_orders_and_give_no_discounts() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let paul = register(&shop.app, "Martin", "Paul", "0698765432", "paul@example.fr").await;
    let placed = shop
        .app
        .place_order(
            &customer(&marie),
            &request(&marie, vec![line(&shop.vis, 1)]),
            None,
        )
        .await
        .unwrap();
    let number = placed.order.number().clone();
    let err = shop.app.order(&customer(&paul), &number).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        shop.app
            .order(&customer(&marie), &number)
            .await
            .unwrap()
            .id(),
        placed.order.id()
    );
    let page = shop
        .app
        .search_orders(&customer(&paul), &OrderQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    // Paul cannot order for Marie, nor name her as payer or recipient, nor her address:
    // each is refused as if it did not exist, naming the field, and nothing is placed.
    let field_of = |err: AppError| match err {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    };
    let refused = shop
        .app
        .place_order(
            &customer(&paul),
            &request(&marie, vec![line(&shop.vis, 1)]),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(refused), "customer");
    let mut pays_marie = request(&paul, vec![line(&shop.vis, 1)]);
    pays_marie.payer = Some(marie.tiers.id);
    let refused = shop
        .app
        .place_order(&customer(&paul), &pays_marie, None)
        .await;
    assert_eq!(field_of(refused.unwrap_err()), "payer");
    let mut to_marie = request(&paul, vec![line(&shop.vis, 1)]);
    to_marie.recipient = Some(marie.tiers.id);
    let refused = shop
        .app
        .place_order(&customer(&paul), &to_marie, None)
        .await;
    assert_eq!(field_of(refused.unwrap_err()), "recipient");
    let mut at_maries = request(&paul, vec![line(&shop.vis, 1)]);
    at_maries.delivery_address = marie.adresse.id;
    let refused = shop
        .app
        .place_order(&customer(&paul), &at_maries, None)
        .await;
    assert_eq!(field_of(refused.unwrap_err()), "delivery_address");
    let mut billed_at_maries = request(&paul, vec![line(&shop.vis, 1)]);
    billed_at_maries.billing_address = Some(marie.adresse.id);
    let refused = shop
        .app
        .place_order(&customer(&paul), &billed_at_maries, None)
        .await;
    assert_eq!(field_of(refused.unwrap_err()), "billing_address");
    let pauls = shop
        .app
        .search_orders(
            &staff(),
            &OrderQuery {
                customer: Some(paul.tiers.id),
                ..OrderQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(pauls.total, 0, "a refused order leaves nothing behind");
    let mut discounted = request(&paul, vec![line(&shop.vis, 1)]);
    discounted.global_discount = Amount::new(d("1.00")).unwrap();
    assert_eq!(
        shop.app
            .place_order(&customer(&paul), &discounted, None)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        shop.app
            .order(&customer(&paul), &OrderNumber::parse("WEB-000009").unwrap())
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}
