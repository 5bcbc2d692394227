//! Orders taken at a site: the order taker finds the customer by phone, builds a draft,
//! adjusts it, validates it; then the back office changes, cancels or fulfils it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::orders::{OrderRequest, ShortagePolicy};
use app::AppError;
use domain::money::Amount;
use domain::order::{OrderSource, OrderState, Reason, SiteCode};
use domain::party::PhoneNumber;
use ports::{EntityKind, MessageStatus, OrderQuery, TxMode};
use support::*;
use time::macros::date;

fn at_site(
    customer: &app::parties::RegisteredCustomer,
    lines: Vec<app::orders::LineRequest>,
) -> OrderRequest {
    OrderRequest {
        source: OrderSource::Phone,
        ..request(customer, lines)
    }
}

#[tokio::test]
async fn the_site_journey_from_phone_lookup_to_validation() {
    let shop = shop(sqlite().await).await;
    let taker_person = register(&shop.app, "Roux", "Léa", "0700000000", "lea@fournisseur.fr").await;
    let taker = order_taker(&shop.lyon, &taker_person);
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "06 12 34 56 78",
        "marie@example.fr",
    )
    .await;

    // The customer gives her phone number, written any way.
    let found = shop
        .app
        .find_customers_by_phone(&taker, &PhoneNumber::new("+33 6 12 34 56 78").unwrap())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, marie.tiers.id);

    // A draft with an article that turns out to be short.
    let draft = shop
        .app
        .create_draft(
            &taker,
            &at_site(&marie, vec![line(&shop.vis, 15), line(&shop.livre, 1)]),
        )
        .await
        .unwrap();
    assert_eq!(draft.state(), OrderState::Draft);
    assert_eq!(draft.number().site(), &SiteCode::new("LYON").unwrap());
    assert_eq!(draft.site(), shop.lyon.id);
    assert_eq!(draft.taken_by(), Some(taker_person.tiers.id));
    // Drafts take no stock.
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        10
    );

    let number = draft.number().clone();
    let err = shop
        .app
        .validate_order(&taker, &number, ShortagePolicy::Refuse, None)
        .await
        .unwrap_err();
    let AppError::Shortage(short) = err else {
        panic!("expected a shortage")
    };
    assert_eq!(
        (short[0].reference.as_str(), short[0].available),
        ("VIS-M6", 10)
    );
    assert_eq!(
        shop.app.order(&taker, &number).await.unwrap().state(),
        OrderState::Draft
    );

    // Adjusted with the customer: 8 instead of 15, a drill added, a discount granted.
    shop.app
        .change_draft_line(&taker, &number, 1, q(8))
        .await
        .unwrap();
    shop.app
        .add_draft_line(&taker, &number, &line(&shop.perceuse, 1))
        .await
        .unwrap();
    shop.app
        .set_draft_discount(&taker, &number, Amount::new(d("5.00")).unwrap())
        .await
        .unwrap();
    let validated = shop
        .app
        .validate_order(&taker, &number, ShortagePolicy::Refuse, None)
        .await
        .unwrap();
    let order = validated.order;
    assert_eq!(order.state(), OrderState::Validated);
    assert_eq!(order.lines().len(), 3);
    assert_eq!(order.pricing().global_discount, d("5.00"));
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        2
    );

    // Every draft edit is recorded with who made it.
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    let changes = tx
        .changes_of(EntityKind::Commande, &order.id().to_string())
        .await
        .unwrap();
    assert_eq!(changes.len(), 3);
    assert!(changes.iter().all(|c| c.by.as_str() == "preneur.lyon"));
    assert!(
        changes[0].changes[0].contains("quantity 15 → 8"),
        "{:?}",
        changes[0]
    );
    let outbox = tx.messages(MessageStatus::Pending, 10).await.unwrap();
    assert!(outbox.iter().any(|m| m.topic == "order_confirmation"));
}

#[tokio::test]
async fn validation_can_go_on_with_what_is_available() {
    let shop = shop(sqlite().await).await;
    let taker_person = register(&shop.app, "Roux", "Léa", "0700000000", "lea@fournisseur.fr").await;
    let taker = order_taker(&shop.lyon, &taker_person);
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let draft = shop
        .app
        .create_draft(
            &taker,
            &at_site(&marie, vec![line(&shop.vis, 15), line(&shop.livre, 2)]),
        )
        .await
        .unwrap();
    let validated = shop
        .app
        .validate_order(&taker, draft.number(), ShortagePolicy::TakeAvailable, None)
        .await
        .unwrap();
    assert_eq!(validated.reduced.len(), 1);
    assert_eq!(validated.order.lines()[0].content.quantity.get(), 10);
    assert_eq!(validated.order.lines()[1].content.quantity.get(), 2);
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
async fn cancelling_gives_the_stock_back_and_final_states_stay_final() {
    let shop = shop(sqlite().await).await;
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
            &customer(&marie),
            &request(&marie, vec![line(&shop.vis, 4)]),
            None,
        )
        .await
        .unwrap();
    let number = placed.order.number().clone();
    // A customer cannot cancel; staff can.
    assert_eq!(
        shop.app
            .cancel_order(&customer(&marie), &number, None)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let cancelled = shop
        .app
        .cancel_order(
            &staff(),
            &number,
            Some(Reason::new("rupture fournisseur").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(cancelled.state(), OrderState::Cancelled);
    assert_eq!(
        cancelled
            .history()
            .last()
            .unwrap()
            .reason
            .as_ref()
            .unwrap()
            .as_str(),
        "rupture fournisseur"
    );
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        10
    );
    for err in [
        shop.app
            .cancel_order(&staff(), &number, None)
            .await
            .unwrap_err(),
        shop.app
            .fulfil_order(&staff(), &number, None)
            .await
            .unwrap_err(),
        shop.app
            .delete_order(&staff(), &number, None)
            .await
            .unwrap_err(),
        shop.app
            .validate_order(&staff(), &number, ShortagePolicy::Refuse, None)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code(), "illegal_state_change", "{err}");
    }
    // The stock was given back once only.
    assert_eq!(
        shop.app
            .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
            .await
            .unwrap()
            .stock,
        10
    );
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.movements_total(shop.vis.id).await.unwrap(), 10);
}

#[tokio::test]
async fn the_back_office_reschedules_and_readdresses_then_fulfils() {
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
    let moved = shop
        .app
        .reschedule_order(&staff(), &number, date!(2026 - 05 - 20))
        .await
        .unwrap();
    assert_eq!(moved.planned_delivery(), date!(2026 - 05 - 20));
    assert_eq!(
        shop.app
            .reschedule_order(&staff(), &number, date!(2026 - 01 - 01))
            .await
            .unwrap_err()
            .code(),
        "validation"
    );
    let change = app::orders::PartiesChange {
        recipient: Some(paul.tiers.id),
        delivery_address: Some(paul.adresse.id),
        ..Default::default()
    };
    let readdressed = shop
        .app
        .change_order_parties(&staff(), &number, &change)
        .await
        .unwrap();
    assert_eq!(readdressed.parties().recipient, paul.tiers.id);
    // The payer of a validated order no longer changes.
    let payer = app::orders::PartiesChange {
        payer: Some(paul.tiers.id),
        ..Default::default()
    };
    assert_eq!(
        shop.app
            .change_order_parties(&staff(), &number, &payer)
            .await
            .unwrap_err()
            .code(),
        "not_editable"
    );
    let fulfilled = shop
        .app
        .fulfil_order(&staff(), &number, None)
        .await
        .unwrap();
    assert_eq!(fulfilled.state(), OrderState::Fulfilled);
    assert_eq!(
        shop.app
            .reschedule_order(&staff(), &number, date!(2026 - 05 - 21))
            .await
            .unwrap_err()
            .code(),
        "not_editable"
    );

    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    let changes = tx
        .changes_of(EntityKind::Commande, &placed.order.id().to_string())
        .await
        .unwrap();
    assert_eq!(changes.len(), 2);
    assert!(
        changes[0].changes[0].starts_with("planned_delivery: 2026-05-12 → 2026-05-20"),
        "{:?}",
        changes[0]
    );
}

#[tokio::test]
async fn drafts_are_deleted_and_never_shown_again() {
    let shop = shop(sqlite().await).await;
    let taker_person = register(&shop.app, "Roux", "Léa", "0700000000", "lea@fournisseur.fr").await;
    let taker = order_taker(&shop.lyon, &taker_person);
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let draft = shop
        .app
        .create_draft(&taker, &at_site(&marie, vec![line(&shop.vis, 1)]))
        .await
        .unwrap();
    shop.app
        .delete_order(&taker, draft.number(), None)
        .await
        .unwrap();
    assert_eq!(
        shop.app
            .search_orders(&staff(), &OrderQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        shop.app
            .order(&customer(&marie), draft.number())
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let deleted = OrderQuery {
        state: Some(OrderState::Deleted),
        ..OrderQuery::default()
    };
    assert_eq!(
        shop.app
            .search_orders(&staff(), &deleted)
            .await
            .unwrap()
            .total,
        1
    );
    // The number is never given again.
    let next = shop
        .app
        .create_draft(&taker, &at_site(&marie, vec![line(&shop.vis, 1)]))
        .await
        .unwrap();
    assert_eq!(next.number().sequence(), 2);
}

#[tokio::test]
async fn orders_are_searched_by_customer_state_source_site_and_dates() {
    let shop = shop(sqlite().await).await;
    let taker_person = register(&shop.app, "Roux", "Léa", "0700000000", "lea@fournisseur.fr").await;
    let taker = order_taker(&shop.lyon, &taker_person);
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let paul = register(&shop.app, "Martin", "Paul", "0698765432", "paul@example.fr").await;
    for _ in 0..3 {
        shop.app
            .place_order(
                &customer(&marie),
                &request(&marie, vec![line(&shop.livre, 1)]),
                None,
            )
            .await
            .unwrap();
    }
    shop.app
        .create_draft(&taker, &at_site(&paul, vec![line(&shop.vis, 1)]))
        .await
        .unwrap();
    let count = |query: OrderQuery| {
        let app = shop.app.clone();
        async move { app.search_orders(&staff(), &query).await.unwrap().total }
    };
    assert_eq!(count(OrderQuery::default()).await, 4);
    assert_eq!(
        count(OrderQuery {
            customer: Some(marie.tiers.id),
            ..Default::default()
        })
        .await,
        3
    );
    assert_eq!(
        count(OrderQuery {
            state: Some(OrderState::Draft),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(OrderQuery {
            source: Some(OrderSource::Phone),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(OrderQuery {
            site: Some(shop.lyon.id),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(OrderQuery {
            from: Some(NOW),
            until: Some(NOW + time::Duration::seconds(1)),
            ..Default::default()
        })
        .await,
        4
    );
    assert_eq!(
        count(OrderQuery {
            until: Some(NOW),
            ..Default::default()
        })
        .await,
        0
    );
    let page = shop
        .app
        .search_orders(
            &staff(),
            &OrderQuery {
                paging: ports::Paging {
                    offset: 1,
                    limit: 2,
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (2, 4));
    let bad = OrderQuery {
        from: Some(NOW),
        until: Some(NOW),
        ..Default::default()
    };
    assert_eq!(
        shop.app
            .search_orders(&staff(), &bad)
            .await
            .unwrap_err()
            .code(),
        "validation"
    );
}
