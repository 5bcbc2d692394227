//! What each caller may name: programs see the orders they placed, order takers those of
//! their site, customers their own; a customer keeps their own address book. Run on
//! SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use app::address_book::MakeDefault;
use app::carts::Checkout;
use app::orders::{OrderRequest, ShortagePolicy};
use app::{Access, AppError, Caller};
use domain::ids::AccountId;
use domain::order::{Actor, OrderSource, SiteCode};
use domain::party::{AddressLines, AdresseDetails, CompanyName, CountryCode, PostalCode, Town};
use ports::{AddressDefaults, Database, OrderQuery};
use support::*;

fn program(n: u128) -> Caller {
    Caller {
        access: Access::Program(AccountId::from_u128(n)),
        actor: Actor::new(&format!("programme-{n}@example.fr")).unwrap(),
    }
}

/// The error's code, if it failed.
fn code<T>(result: Result<T, AppError>) -> Option<String> {
    result.err().map(|e| e.code().to_owned())
}

fn field_of(err: AppError) -> String {
    match err {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn address(lines: &str, postal_code: &str, town: &str) -> AdresseDetails {
    AdresseDetails {
        lines: AddressLines::new(lines).unwrap(),
        postal_code: PostalCode::new(postal_code).unwrap(),
        town: Town::new(town).unwrap(),
        country: CountryCode::france(),
        access_notes: None,
        landline: None,
        bank_details: None,
    }
}

fn api_order(customer: &app::parties::RegisteredCustomer) -> OrderRequest {
    OrderRequest {
        source: OrderSource::Api,
        ..request(customer, Vec::new())
    }
}

async fn each_database(run: impl AsyncFn(Arc<dyn Database>)) {
    run(sqlite().await).await;
    if let Some(db) = postgres().await {
        run(db).await;
    }
}

#[tokio::test]
async fn a_program_sees_the_orders_it_placed_and_no_other() {
    each_database(async |db| {
        let shop = shop(db).await;
        let marie = register(&shop.app, "Dupont", "Marie", "0612345678", "m@example.fr").await;
        let paul = register(&shop.app, "Martin", "Paul", "0698765432", "p@example.fr").await;
        let (p1, p2) = (program(0x71), program(0x72));
        let mut order = api_order(&marie);
        order.lines = vec![line(&shop.vis, 1)];
        let placed = shop.app.place_order(&p1, &order, None).await.unwrap().order;
        assert_eq!(placed.placed_by(), Some(AccountId::from_u128(0x71)));
        let by_staff = shop
            .app
            .place_order(&staff(), &order, None)
            .await
            .unwrap()
            .order;
        assert_eq!(by_staff.placed_by(), None);

        let number = placed.number();
        assert_eq!(shop.app.order(&p1, number).await.unwrap().id(), placed.id());
        for other in [&p2] {
            assert_eq!(
                code(shop.app.order(other, number).await),
                Some("not_found".into())
            );
            assert_eq!(
                code(shop.app.order_payments(other, number).await),
                Some("not_found".into())
            );
            assert_eq!(
                code(shop.app.order_invoices(other, number).await),
                Some("not_found".into())
            );
            assert_eq!(
                code(shop.app.delivery_note_pdf(other, number).await),
                Some("not_found".into())
            );
        }
        // Nor the order staff sent through the API.
        let err = shop.app.order(&p1, by_staff.number()).await.unwrap_err();
        assert_eq!(err.code(), "not_found");
        let listed = |caller: Caller| {
            let app = &shop.app;
            async move {
                let page = app
                    .search_orders(&caller, &OrderQuery::default())
                    .await
                    .unwrap();
                page.items
                    .iter()
                    .map(|s| s.number.to_string())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(listed(p1.clone()).await, vec![number.to_string()]);
        assert!(listed(p2.clone()).await.is_empty());

        // A program names the addresses of the order's own parties only.
        let mut elsewhere = api_order(&marie);
        elsewhere.lines = vec![line(&shop.vis, 1)];
        elsewhere.delivery_address = paul.adresse.id;
        let err = shop
            .app
            .place_order(&p1, &elsewhere, None)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "delivery_address");
        elsewhere.recipient = Some(paul.tiers.id);
        let to_paul = shop
            .app
            .place_order(&p1, &elsewhere, None)
            .await
            .unwrap()
            .order;
        assert_eq!(to_paul.parties().delivery_address, paul.adresse.id);
    })
    .await;
}

#[tokio::test]
async fn an_order_taker_sees_and_changes_the_orders_of_their_site_only() {
    each_database(async |db| {
        let shop = shop(db).await;
        let paris = shop
            .app
            .ensure_site(
                &staff(),
                &SiteCode::new("PAR").unwrap(),
                &CompanyName::new("Agence de Paris").unwrap(),
            )
            .await
            .unwrap();
        let marie = register(&shop.app, "Dupont", "Marie", "0612345678", "m@example.fr").await;
        let t1 = register(&shop.app, "Lenoir", "Léa", "0611111111", "lea@example.fr").await;
        let t2 = register(&shop.app, "Leblanc", "Luc", "0622222222", "luc@example.fr").await;
        let (lyon, par) = (order_taker(&shop.lyon, &t1), order_taker(&paris, &t2));
        let mut draft = request(&marie, vec![line(&shop.vis, 1)]);
        draft.source = OrderSource::Phone;
        let order = shop.app.create_draft(&lyon, &draft).await.unwrap();
        assert!(order.number().to_string().starts_with("LYON-"));
        let number = order.number();

        assert_eq!(
            shop.app.order(&lyon, number).await.unwrap().id(),
            order.id()
        );
        let err = shop.app.order(&par, number).await.unwrap_err();
        assert_eq!(err.code(), "not_found");
        let err = shop
            .app
            .validate_order(&par, number, ShortagePolicy::Refuse, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
        let still = shop.app.order(&staff(), number).await.unwrap();
        assert_eq!(
            still.state(),
            order.state(),
            "a refused change changes nothing"
        );
        let page = shop
            .app
            .search_orders(&par, &OrderQuery::default())
            .await
            .unwrap();
        assert_eq!(page.total, 0);
        let asked_for_lyon = OrderQuery {
            site: Some(shop.lyon.id),
            ..OrderQuery::default()
        };
        let page = shop.app.search_orders(&par, &asked_for_lyon).await.unwrap();
        assert_eq!(page.total, 0);
        let page = shop
            .app
            .search_orders(&lyon, &OrderQuery::default())
            .await
            .unwrap();
        assert_eq!(page.total, 1);
        // The catalogue's prices are the administrators'.
        let err = shop
            .app
            .adjust_stock(&lyon, &app::catalogue::ArticleKey::Id(shop.vis.id), 5, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
    })
    .await;
}

#[tokio::test]
async fn a_customer_keeps_an_address_book_and_checks_out_with_its_defaults() {
    each_database(async |db| {
        let shop = shop(db).await;
        let marie = register(&shop.app, "Dupont", "Marie", "0612345678", "m@example.fr").await;
        let paul = register(&shop.app, "Martin", "Paul", "0698765432", "p@example.fr").await;
        let me = customer(&marie);

        let book = shop.app.address_book(&me).await.unwrap();
        let all: Vec<_> = book
            .own
            .iter()
            .chain(&book.companies)
            .map(|a| a.id)
            .collect();
        assert!(all.contains(&marie.adresse.id));
        assert!(!all.contains(&paul.adresse.id));

        let home = address("5 avenue Foch", "75016", "Paris");
        let both = MakeDefault {
            delivery: true,
            billing: true,
        };
        let added = shop.app.add_own_address(&me, &home, both).await.unwrap();
        let book = shop.app.address_book(&me).await.unwrap();
        assert!(book.own.iter().any(|a| a.id == added.id));
        assert_eq!(book.defaults.delivery, Some(added.id));
        assert_eq!(book.defaults.billing, Some(added.id));

        // Checking out without naming addresses takes the defaults.
        let cart = shop.app.open_cart(&me).await.unwrap().cart;
        shop.app
            .add_to_cart(
                &me,
                cart.id,
                &[(app::catalogue::ArticleKey::Id(shop.vis.id), q(1))],
            )
            .await
            .unwrap();
        let checkout = Checkout {
            customer: marie.tiers.id,
            payer: None,
            recipient: None,
            delivery_address: None,
            billing_address: None,
            on_shortage: ShortagePolicy::Refuse,
        };
        let placed = shop
            .app
            .checkout(&me, cart.id, &checkout)
            .await
            .unwrap()
            .order;
        assert_eq!(placed.parties().delivery_address, added.id);
        assert_eq!(placed.parties().billing_address, Some(added.id));

        // Changing it gives a new address in its place; the order keeps the old one.
        let moved = address("7 avenue Foch", "75016", "Paris");
        let changed = shop
            .app
            .change_own_address(&me, added.id, &moved)
            .await
            .unwrap();
        assert_ne!(changed.id, added.id);
        let book = shop.app.address_book(&me).await.unwrap();
        assert!(book.own.iter().any(|a| a.id == changed.id));
        assert!(!book.own.iter().any(|a| a.id == added.id));
        assert_eq!(book.defaults.delivery, Some(changed.id));
        let kept = shop.app.order(&me, placed.number()).await.unwrap();
        assert_eq!(kept.parties().delivery_address, added.id);
        let old = shop.app.adresse(&staff(), added.id).await.unwrap();
        assert_eq!(old.details, home);

        // Paul can neither read, change, remove nor choose Marie's addresses.
        let him = customer(&paul);
        assert_eq!(
            code(shop.app.adresse(&him, changed.id).await),
            Some("not_found".into())
        );
        assert_eq!(
            code(shop.app.change_own_address(&him, changed.id, &home).await),
            Some("not_found".into())
        );
        assert_eq!(
            code(shop.app.remove_own_address(&him, changed.id).await),
            Some("not_found".into())
        );
        let hers = AddressDefaults {
            delivery: Some(changed.id),
            billing: None,
        };
        let err = shop
            .app
            .set_default_addresses(&him, &hers)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "delivery_address");
        assert_eq!(
            shop.app.adresse(&me, changed.id).await.unwrap().details,
            moved
        );

        // Removing it takes it out of the book and of the defaults.
        shop.app.remove_own_address(&me, changed.id).await.unwrap();
        let book = shop.app.address_book(&me).await.unwrap();
        assert!(!book.own.iter().any(|a| a.id == changed.id));
        assert_eq!(book.defaults, AddressDefaults::default());
        assert_eq!(
            code(shop.app.adresse(&me, changed.id).await),
            Some("not_found".into())
        );

        // The address book is a customer's.
        assert_eq!(
            code(shop.app.address_book(&staff()).await),
            Some("forbidden".into())
        );
    })
    .await;
}
