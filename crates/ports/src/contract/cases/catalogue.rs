//! Articles and VAT codes ([`crate::CatalogueStore`]).

use std::sync::Arc;

use domain::catalogue::{Article, ArticleDetails, Designation};
use domain::ids::ArticleId;
use domain::vat::VatCode;

use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, write};
use crate::contract::fixtures::{
    adjustment, article_details, at, qty, reference, unit_price, vat_code, vat_code_id, Ids,
};
use crate::{Database, Page, Paging};

fn sorted_by_id(mut articles: Vec<Article>) -> Vec<Article> {
    articles.sort_by_key(|a| a.id);
    articles
}

/// Articles are stored without stock, found by id and reference, listed by reference a page
/// at a time, changed (never their stock), and their references stay unique.
pub async fn articles_and_references(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let mut tx = write(&db).await;
    for code in [
        vat_code("NORMAL", "Taux normal", "20", true),
        vat_code("REDUIT", "Taux réduit", "5.5", false),
    ] {
        tx.save_vat_code(&code).await.expect("save_vat_code");
    }
    commit(tx).await;

    let vis_id = ids.article();
    let vis = ArticleDetails {
        reference: reference("VIS-M6"),
        designation: Designation::new("Vis à tête hexagonale M6 × 20 « inox »")
            .expect("a designation"),
        unit_price: unit_price("0.1235"),
        vat_code: Some(vat_code_id("REDUIT")),
        min_quantity: qty(10),
        max_per_order: Some(qty(5000)),
    };
    let clou_id = ids.article();
    let clou = article_details("CLOU-40");
    let article = |id: ArticleId, details: &ArticleDetails, stock: u32| Article {
        id,
        details: details.clone(),
        stock,
    };

    let mut tx = write(&db).await;
    tx.insert_article(vis_id, &vis)
        .await
        .expect("insert_article of a new reference must succeed");
    tx.insert_article(clou_id, &clou)
        .await
        .expect("insert_article of a new reference must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_article(vis_id).await.expect("get_article"),
        Some(article(vis_id, &vis, 0)),
        "get_article must give the article as inserted (every field, optional ones set), with a stock of 0"
    );
    assert_eq!(
        tx.get_article(clou_id).await.expect("get_article"),
        Some(article(clou_id, &clou, 0)),
        "get_article must give the article as inserted (optional fields unset), with a stock of 0"
    );
    assert_eq!(
        tx.find_article(&reference("vis-m6"))
            .await
            .expect("find_article"),
        Some(article(vis_id, &vis, 0)),
        "find_article must give the article with this reference"
    );
    assert_eq!(
        tx.find_article(&reference("VIS"))
            .await
            .expect("find_article"),
        None,
        "find_article must match the whole reference, not a part of it"
    );
    let missing = ids.article();
    assert_eq!(
        tx.get_article(missing).await.expect("get_article"),
        None,
        "get_article of an id never stored must give None"
    );
    assert_eq!(
        sorted_by_id(
            tx.get_articles(&[clou_id, missing, vis_id, clou_id])
                .await
                .expect("get_articles")
        ),
        sorted_by_id(vec![article(vis_id, &vis, 0), article(clou_id, &clou, 0)]),
        "get_articles must give each stored article asked for once, and leave out the ids not stored"
    );
    assert_eq!(
        tx.get_articles(&[]).await.expect("get_articles"),
        Vec::<Article>::new(),
        "get_articles of no ids must be empty"
    );
    commit(tx).await;

    // More articles, inserted in an order that is neither their references' nor their ids'.
    let mut catalogue = vec![article(vis_id, &vis, 0), article(clou_id, &clou, 0)];
    let mut tx = write(&db).await;
    for r in [
        "GOUJON-10",
        "BOULON-M8",
        "TIGE-M10",
        "AGRAFE-14",
        "PATTE-20",
    ] {
        let id = ids.article();
        let details = article_details(r);
        tx.insert_article(id, &details)
            .await
            .expect("insert_article of a new reference must succeed");
        catalogue.push(article(id, &details, 0));
    }
    // Stock comes only through movements; the catalogue shows it.
    tx.apply_movements(&[adjustment(vis_id, 5, at(1))])
        .await
        .expect("apply_movements of an adjustment up must succeed");
    commit(tx).await;
    catalogue[0].stock = 5;
    catalogue.sort_by(|a, b| a.details.reference.cmp(&b.details.reference));

    let mut tx = read(&db).await;
    for (offset, limit) in [(0, 3), (3, 3), (6, 3), (7, 3), (20, 3), (0, 500), (2, 1)] {
        let page = tx
            .list_articles(Paging { offset, limit })
            .await
            .expect("list_articles");
        let from = usize::try_from(offset)
            .expect("a small offset")
            .min(catalogue.len());
        let to = (from + usize::try_from(limit).expect("a small limit")).min(catalogue.len());
        assert_eq!(
            page,
            Page {
                items: catalogue[from..to].to_vec(),
                total: 7,
            },
            "list_articles(offset {offset}, limit {limit}) must give that part of the catalogue by reference, with its stock, and the number of articles in all"
        );
    }
    commit(tx).await;

    // Updates: every field changes, the stock does not.
    let vis2 = ArticleDetails {
        reference: reference("VIS-M6-INOX"),
        designation: Designation::new("Vis M6 inox").expect("a designation"),
        unit_price: unit_price("1500000.5"),
        vat_code: None,
        min_quantity: qty(1),
        max_per_order: None,
    };
    let clou2 = ArticleDetails {
        designation: Designation::new("Clou de 40, galvanisé").expect("a designation"),
        max_per_order: Some(qty(1_000_000)),
        ..clou.clone()
    };
    let mut tx = write(&db).await;
    tx.update_article(vis_id, &vis2)
        .await
        .expect("update_article of a stored article must succeed");
    tx.update_article(clou_id, &clou2)
        .await
        .expect("update_article keeping the article's own reference must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_article(vis_id).await.expect("get_article"),
        Some(article(vis_id, &vis2, 5)),
        "update_article must replace the whole description and keep the stock"
    );
    assert_eq!(
        tx.get_article(clou_id).await.expect("get_article"),
        Some(article(clou_id, &clou2, 0)),
        "update_article must replace the whole description"
    );
    assert_eq!(
        tx.find_article(&reference("VIS-M6"))
            .await
            .expect("find_article"),
        None,
        "find_article must not find an article by a reference it no longer has"
    );
    assert_eq!(
        tx.find_article(&reference("VIS-M6-INOX"))
            .await
            .expect("find_article"),
        Some(article(vis_id, &vis2, 5)),
        "find_article must find an article by its new reference"
    );
    commit(tx).await;

    // A reference already used: refused on insert and on update; nothing changes.
    let intruder = ids.article();
    let mut tx = write(&db).await;
    assert_duplicate(
        tx.insert_article(intruder, &article_details("clou-40"))
            .await,
        Some("article"),
        Some("CLOU-40"),
        "insert_article with the reference of another article",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    let clou_as_agrafe = ArticleDetails {
        reference: reference("AGRAFE-14"),
        ..clou2.clone()
    };
    assert_duplicate(
        tx.update_article(clou_id, &clou_as_agrafe).await,
        None,
        None,
        "update_article giving an article the reference of another article",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_article(missing, &article_details("FANTOME"))
            .await,
        "update_article of an article that is not stored",
    );
    rollback(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_article(intruder).await.expect("get_article"),
        None,
        "an article refused for its reference must not be stored"
    );
    assert_eq!(
        tx.get_article(clou_id).await.expect("get_article"),
        Some(article(clou_id, &clou2, 0)),
        "an update refused for its reference must change nothing"
    );
    assert_eq!(
        tx.get_article(missing).await.expect("get_article"),
        None,
        "update_article of a missing article must not create it"
    );
    assert_eq!(
        tx.list_articles(Paging::first(1))
            .await
            .expect("list_articles")
            .total,
        7,
        "refused inserts must not change the number of articles"
    );
    commit(tx).await;
}

fn sorted_codes(mut codes: Vec<VatCode>) -> Vec<VatCode> {
    codes.sort_by(|a, b| a.code.cmp(&b.code));
    codes
}

/// VAT codes are saved or replaced by code, listed by code with their exact rates, and only
/// the last one saved as default stays the default.
pub async fn vat_codes_keep_one_default(db: Arc<dyn Database>) {
    let mut tx = read(&db).await;
    assert_eq!(
        tx.list_vat_codes().await.expect("list_vat_codes"),
        Vec::<VatCode>::new(),
        "list_vat_codes of a new database must be empty"
    );
    commit(tx).await;

    let mut table = vec![
        vat_code("REDUIT", "Taux réduit", "5.5", false),
        vat_code("NORMAL", "Taux normal", "20", true),
        vat_code("ZERO", "Exonéré", "0", false),
        vat_code("PARTICULIER", "Taux particulier", "2.1", false),
        vat_code("INTERMEDIAIRE", "Taux intermédiaire", "10.00", false),
        vat_code("CORSE-1", "Corse (précis)", "13.0125", false),
    ];
    let mut tx = write(&db).await;
    for code in &table {
        tx.save_vat_code(code)
            .await
            .expect("save_vat_code of a new code must succeed");
    }
    commit(tx).await;

    let check = |table: Vec<VatCode>, when: &'static str| {
        let db = db.clone();
        async move {
            let mut tx = read(&db).await;
            let listed = tx.list_vat_codes().await.expect("list_vat_codes");
            commit(tx).await;
            assert_eq!(
                listed,
                sorted_codes(table),
                "list_vat_codes ({when}) must give every code, by code, with its label, its exact rate and whether it is the default"
            );
            assert_eq!(
                listed.iter().filter(|c| c.is_default).count(),
                1,
                "exactly one VAT code must be the default ({when})"
            );
        }
    };
    check(table.clone(), "after saving new codes").await;

    // A new default: the old one stops being the default, in the same write.
    table[0].is_default = true;
    table[1].is_default = false;
    let mut tx = write(&db).await;
    tx.save_vat_code(&table[0])
        .await
        .expect("save_vat_code of a stored code must replace it");
    commit(tx).await;
    check(table.clone(), "after saving another code as default").await;

    // A replaced code keeps its place and changes label and rate; saving a code that is not
    // the default leaves the default alone.
    table[1] = vat_code("NORMAL", "Taux normal (ancien)", "19.6", false);
    table.push(vat_code("AUTRE", "Autre", "8.5", false));
    let mut tx = write(&db).await;
    tx.save_vat_code(&table[1]).await.expect("save_vat_code");
    tx.save_vat_code(&table[6]).await.expect("save_vat_code");
    commit(tx).await;
    check(table.clone(), "after replacing a code and adding one").await;

    // The default saved again as default stays the only default; a brand-new code can be
    // the default at once.
    let mut tx = write(&db).await;
    tx.save_vat_code(&table[0]).await.expect("save_vat_code");
    commit(tx).await;
    check(table.clone(), "after saving the default again").await;
    table[0].is_default = false;
    table.push(vat_code("NOUVEAU", "Nouveau taux", "21", true));
    let mut tx = write(&db).await;
    tx.save_vat_code(&table[7]).await.expect("save_vat_code");
    commit(tx).await;
    check(table, "after saving a new code as default").await;
}
