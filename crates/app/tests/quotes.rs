//! Quotes: lines priced as an order would be, with the stock of each, and nothing placed,
//! reserved or recorded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::catalogue::ArticleKey;
use app::orders::LineRequest;
use app::AppError;
use domain::catalogue::ArticleReference;
use domain::money::Amount;
use ports::{OrderQuery, Paging, TxMode};
use support::*;

fn by_reference(reference: &str, quantity: u32) -> LineRequest {
    LineRequest {
        article: ArticleKey::Reference(ArticleReference::new(reference).unwrap()),
        quantity: q(quantity),
        discount: Amount::ZERO,
    }
}

fn amount(text: &str) -> Amount {
    Amount::new(d(text)).unwrap()
}

#[tokio::test]
async fn a_guest_gets_lines_priced_as_an_order_with_their_stock_and_nothing_is_written() {
    let shop = shop(sqlite().await).await;
    let quote = shop
        .app
        .quote(
            None,
            &[
                line(&shop.vis, 3),
                by_reference("livre-01", 2),
                line(&shop.vis, 8),
            ],
            Amount::ZERO,
        )
        .await
        .unwrap();

    assert_eq!(quote.lines.len(), 3);
    let livre = &quote.lines[1];
    assert_eq!(livre.line.article, shop.livre.id);
    assert_eq!(livre.line.designation.as_str(), "Livre de recettes");
    assert_eq!(livre.line.unit_price.value(), d("4.99"));
    assert_eq!(livre.line.vat_rate.percent(), d("5.5"));
    // VIS-M6 has 10 in stock: the first line (3) is covered, the third (3 + 8) is not.
    assert_eq!(
        quote
            .lines
            .iter()
            .map(|l| (l.available, l.in_stock))
            .collect::<Vec<_>>(),
        vec![(10, true), (5, true), (10, false)]
    );
    assert!(!quote.all_in_stock());
    // 11 x 12.50 + 2 x 4.99 = 147.48; VAT 27.50 at 20 % and 0.55 at 5.5 %.
    assert_eq!(quote.pricing.lines[0].net, d("37.50"));
    assert_eq!(quote.pricing.total_ht, d("147.48"));
    assert_eq!(quote.pricing.total_vat, d("28.05"));
    assert_eq!(quote.pricing.total_ttc, d("175.53"));

    // Nothing placed, no stock taken, no number used.
    let vis = shop
        .app
        .article(&ArticleKey::Id(shop.vis.id))
        .await
        .unwrap();
    assert_eq!(vis.stock, 10);
    let orders = shop
        .app
        .search_orders(&staff(), &OrderQuery::default())
        .await
        .unwrap();
    assert_eq!(orders.total, 0);
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    let movements = tx
        .movements_of(shop.vis.id, Paging::default())
        .await
        .unwrap();
    assert_eq!(movements.total, 1, "only the initial stock");
}

#[tokio::test]
async fn staff_discounts_are_priced() {
    let shop = shop(sqlite().await).await;
    let mut discounted = line(&shop.vis, 2);
    discounted.discount = amount("5.00");
    let quote = shop
        .app
        .quote(
            Some(&staff()),
            &[discounted, line(&shop.perceuse, 1)],
            amount("10.00"),
        )
        .await
        .unwrap();
    // 2 x 12.50 - 5 = 20.00; 89.90; total 109.90, less 10 = 99.90 before tax.
    assert_eq!(quote.pricing.lines[0].net, d("20.00"));
    assert_eq!(quote.pricing.total_ht, d("109.90"));
    assert_eq!(quote.pricing.total_ht_net, d("99.90"));
    assert_eq!(quote.pricing.total_ttc, d("119.88"));
    assert!(quote.all_in_stock());
}

#[tokio::test]
async fn every_line_breaking_a_catalogue_rule_is_listed() {
    let shop = shop(sqlite().await).await;
    let err = shop
        .app
        .quote(
            None,
            &[
                by_reference("NOPE", 1),
                line(&shop.vis, 1),
                line(&shop.perceuse, 3),
                line(&shop.perceuse, 1),
                line(&shop.perceuse, 2),
            ],
            Amount::ZERO,
        )
        .await
        .unwrap_err();
    let AppError::Lines(problems) = err else {
        panic!("expected line problems, got {err}")
    };
    let found: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.code)).collect();
    // PERC-18V: at most 2 per order; line 3 alone is above it, and lines 4 and 5 together.
    assert_eq!(
        found,
        vec![
            (1, "unknown_article"),
            (3, "above_maximum"),
            (5, "above_maximum")
        ]
    );
    assert_eq!(problems[0].article, "NOPE");
}

#[tokio::test]
async fn guests_and_customers_get_no_discount_and_bad_amounts_are_refused() {
    let shop = shop(sqlite().await).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "06 12 34 56 78",
        "marie@example.fr",
    )
    .await;
    let mut discounted = line(&shop.vis, 1);
    discounted.discount = amount("1.00");
    for caller in [None, Some(customer(&marie))] {
        let err = shop
            .app
            .quote(caller.as_ref(), &[discounted.clone()], Amount::ZERO)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let err = shop
            .app
            .quote(caller.as_ref(), &[line(&shop.vis, 1)], amount("1.00"))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    }
    // A customer without discount is priced like anyone.
    let quote = shop
        .app
        .quote(Some(&customer(&marie)), &[line(&shop.vis, 1)], Amount::ZERO)
        .await
        .unwrap();
    assert_eq!(quote.pricing.total_ttc, d("15.00"));

    let err = shop
        .app
        .quote(Some(&staff()), &[line(&shop.vis, 1)], amount("20.00"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_global_discount");
    let mut too_much = line(&shop.vis, 1);
    too_much.discount = amount("13.00");
    let err = shop
        .app
        .quote(Some(&staff()), &[too_much], Amount::ZERO)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_discount");
    let err = shop.app.quote(None, &[], Amount::ZERO).await.unwrap_err();
    assert!(matches!(err, AppError::Invalid { ref field, .. } if field == "lines"));
}
