//! Customers (found by phone, name, email; their details changed with a record of who
//! changed what) and carts (kept between visits, claimed at login, emptied at checkout).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::carts::Checkout;
use app::catalogue::ArticleKey;
use app::orders::ShortagePolicy;
use app::parties::{LinkInput, SocieteInput};
use domain::party::{CompanyName, Email, PersonName, Role, TiersDetails};
use ports::{EntityKind, TxMode};
use support::*;

#[tokio::test]
async fn customers_are_found_whatever_the_case_and_accents() {
    let shop = shop(sqlite().await).await;
    register(
        &shop.app,
        "Lefèvre",
        "Élodie",
        "0611111111",
        "elodie@example.fr",
    )
    .await;
    register(
        &shop.app,
        "Lefevre",
        "Jean",
        "0622222222",
        "jean@example.fr",
    )
    .await;
    register(&shop.app, "Martin", "Paul", "0633333333", "paul@example.fr").await;
    let names =
        |found: Vec<domain::party::Tiers>| found.iter().map(|t| t.full_name()).collect::<Vec<_>>();
    assert_eq!(
        names(
            shop.app
                .find_customers_by_name(&staff(), "LEFEVRE", 10)
                .await
                .unwrap()
        ),
        vec!["Jean Lefevre", "Élodie Lefèvre"],
        "by last name (code point order), then first name"
    );
    assert_eq!(
        names(
            shop.app
                .find_customers_by_name(&staff(), "elodie lefe", 10)
                .await
                .unwrap()
        ),
        vec!["Élodie Lefèvre"]
    );
    assert!(shop
        .app
        .find_customers_by_name(&staff(), "  - ", 10)
        .await
        .is_err());
    let by_email = shop
        .app
        .find_customers_by_email(&staff(), &Email::new("PAUL@example.fr").unwrap())
        .await
        .unwrap();
    assert_eq!(names(by_email), vec!["Paul Martin"]);
    // Customers do not browse other customers, nor register them, nor make addresses.
    let paul = register(&shop.app, "Durand", "Luc", "0644444444", "luc@example.fr").await;
    let address = paul.adresse.details.clone();
    assert_eq!(
        shop.app
            .create_adresse(&customer(&paul), &address)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let new = app::parties::NewCustomer {
        details: paul.tiers.details.clone(),
        company: None,
        address,
    };
    assert_eq!(
        shop.app
            .register_customer(&customer(&paul), &new)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        shop.app
            .find_customers_by_name(&customer(&paul), "martin", 10)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[tokio::test]
async fn changing_a_customer_records_who_changed_what() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let details = TiersDetails {
        last_name: PersonName::new("Dupont-Moreau").unwrap(),
        email: Some(Email::new("marie.dm@example.fr").unwrap()),
        ..marie.tiers.details.clone()
    };
    let changed = shop
        .app
        .update_tiers(&staff(), marie.tiers.id, &details)
        .await
        .unwrap();
    assert_eq!(changed.details.last_name.as_str(), "Dupont-Moreau");
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    let changes = tx
        .changes_of(EntityKind::Tiers, &marie.tiers.id.to_string())
        .await
        .unwrap();
    drop(tx);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].by.as_str(), "admin");
    assert_eq!(
        changes[0].changes,
        vec![
            "last_name: \"Dupont\" → \"Dupont-Moreau\"".to_owned(),
            "email: \"marie@example.fr\" → \"marie.dm@example.fr\"".to_owned(),
        ]
    );
    // A customer changes their own details, never someone else's.
    let paul = register(&shop.app, "Martin", "Paul", "0633333333", "paul@example.fr").await;
    assert_eq!(
        shop.app
            .update_tiers(&customer(&paul), marie.tiers.id, &details)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let view = shop
        .app
        .tiers(&customer(&marie), marie.tiers.id)
        .await
        .unwrap();
    assert_eq!(
        view.companies.len(),
        3,
        "customer, payer and recipient of her own company"
    );
    assert!(view
        .addresses
        .iter()
        .any(|(role, _)| *role == Role::Recipient));
}

#[tokio::test]
async fn companies_have_parents_subsidiaries_and_people() {
    let shop = shop(sqlite().await).await;
    let input = |name: &str, parent| SocieteInput {
        name: CompanyName::new(name).unwrap(),
        parent,
        site_code: None,
        email: None,
        siren: None,
        vat_number: None,
    };
    let groupe = shop
        .app
        .create_societe(&staff(), &input("Groupe Martin", None))
        .await
        .unwrap();
    let filiale = shop
        .app
        .create_societe(&staff(), &input("Martin Sud", Some(groupe.id)))
        .await
        .unwrap();
    let view = shop.app.societe(&staff(), groupe.id).await.unwrap();
    assert_eq!(
        view.subsidiaries.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![filiale.id]
    );
    // The parent cannot become its subsidiary's child.
    let err = shop
        .app
        .update_societe(
            &staff(),
            groupe.id,
            &input("Groupe Martin", Some(filiale.id)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation");
    let paul = register(&shop.app, "Martin", "Paul", "0633333333", "paul@example.fr").await;
    shop.app
        .link(
            &staff(),
            LinkInput::SocieteTiers(filiale.id, paul.tiers.id),
            Role::Payer,
        )
        .await
        .unwrap();
    let again = shop
        .app
        .link(
            &staff(),
            LinkInput::SocieteTiers(filiale.id, paul.tiers.id),
            Role::Payer,
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "duplicate");
    let view = shop.app.societe(&staff(), filiale.id).await.unwrap();
    assert_eq!(view.people, vec![(Role::Payer, paul.tiers.id)]);
}

#[tokio::test]
async fn a_guest_cart_survives_is_claimed_and_is_emptied_by_checkout() {
    let shop = shop(sqlite().await).await;
    let guest = app::Caller::guest();
    let cart = shop.app.open_cart(&guest).await.unwrap().cart;
    assert!(cart.owner.is_none());
    let view = shop
        .app
        .add_to_cart(
            &guest,
            cart.id,
            &[
                (ArticleKey::Id(shop.vis.id), q(2)),
                (ArticleKey::Id(shop.livre.id), q(1)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(view.pricing.as_ref().unwrap().total_ht, d("29.99"));
    shop.app
        .add_to_cart(&guest, cart.id, &[(ArticleKey::Id(shop.vis.id), q(1))])
        .await
        .unwrap();
    let view = shop
        .app
        .set_cart_quantity(&guest, cart.id, &ArticleKey::Id(shop.livre.id), q(4))
        .await
        .unwrap();
    assert_eq!(
        view.lines
            .iter()
            .map(|l| l.quantity.get())
            .collect::<Vec<_>>(),
        vec![3, 4]
    );

    // The visit ends; at the next one the customer logs in and keeps the cart.
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let mine = shop
        .app
        .claim_cart(&customer(&marie), cart.id)
        .await
        .unwrap();
    assert_eq!(mine.cart.owner, Some(marie.tiers.id));
    let paul = register(&shop.app, "Martin", "Paul", "0633333333", "paul@example.fr").await;
    assert_eq!(
        shop.app
            .cart(&customer(&paul), cart.id)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        shop.app.open_cart(&customer(&marie)).await.unwrap().cart.id,
        cart.id
    );

    let checkout = Checkout {
        customer: marie.tiers.id,
        payer: None,
        recipient: None,
        delivery_address: Some(marie.adresse.id),
        billing_address: None,
        on_shortage: ShortagePolicy::Refuse,
    };
    let placed = shop
        .app
        .checkout(&customer(&marie), cart.id, &checkout)
        .await
        .unwrap();
    assert_eq!(placed.order.lines().len(), 2);
    assert_eq!(
        shop.app
            .cart(&customer(&marie), cart.id)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let empty = shop.app.open_cart(&customer(&marie)).await.unwrap().cart;
    assert_ne!(empty.id, cart.id);
    assert_eq!(
        shop.app
            .checkout(&customer(&marie), empty.id, &checkout)
            .await
            .unwrap_err()
            .code(),
        "validation"
    );
}

#[tokio::test]
async fn a_failed_checkout_leaves_the_cart_as_it_was() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let cart = shop.app.open_cart(&customer(&marie)).await.unwrap().cart;
    shop.app
        .add_to_cart(
            &customer(&marie),
            cart.id,
            &[(ArticleKey::Id(shop.vis.id), q(50))],
        )
        .await
        .unwrap();
    let checkout = Checkout {
        customer: marie.tiers.id,
        payer: None,
        recipient: None,
        delivery_address: Some(marie.adresse.id),
        billing_address: None,
        on_shortage: ShortagePolicy::Refuse,
    };
    assert_eq!(
        shop.app
            .checkout(&customer(&marie), cart.id, &checkout)
            .await
            .unwrap_err()
            .code(),
        "insufficient_stock"
    );
    let view = shop.app.cart(&customer(&marie), cart.id).await.unwrap();
    assert_eq!(view.lines[0].quantity.get(), 50);
    assert!(!view.lines[0].in_stock);
    let cleared = shop
        .app
        .clear_cart(&customer(&marie), cart.id)
        .await
        .unwrap();
    assert!(cleared.cart.is_empty());
    assert!(cleared.pricing.is_none());
}
