//! Transactions ([`crate::Database`], [`crate::Transaction`]): all or nothing, and read
//! transactions.

use std::sync::Arc;

use domain::cart::Cart;
use domain::catalogue::Designation;
use domain::party::{Link, Role};

use super::support::{commit, read, rollback, step, write, World};
use crate::contract::fixtures::{
    adjustment, adresse, article_details, at, change, outbox_message, person_name, qty, reference,
    societe, tiers, vat_code, Ids,
};
use crate::{
    Database, EntityKind, IdempotencyRecord, LinkRecord, MessageStatus, OrderQuery, Paging,
    PartyLinks, TxMode,
};

/// Writes of every kind in a transaction that is rolled back, or dropped without commit:
/// nothing of it is stored, and what was stored before is unchanged.
pub async fn rollback_keeps_nothing(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let stocked = world.articles[0].0;
    let (renamed, renamed_ref) = world.articles[1].clone();
    let normal = vat_code("NORMAL", "Taux normal", "20", true);
    let mut tx = write(&db).await;
    tx.save_vat_code(&normal).await.expect("save_vat_code");
    tx.apply_movements(&[adjustment(stocked, 3, at(0))])
        .await
        .expect("apply_movements");
    commit(tx).await;

    for how in ["rolled back", "dropped"] {
        let s = societe(ids.societe(), "Éphémère");
        let t = tiers(ids.tiers(), "Éphémère", Some("Eve"));
        let a = adresse(ids.adresse());
        let link = LinkRecord::SocieteTiers(Link {
            id: ids.link(),
            from: world.par.id,
            to: world.customer.id,
            role: Role::Customer,
        });
        let new_article = ids.article();
        let order = world.par_order(ids.commande(), 1, 2, at(1));
        let mut cart = Cart::new(ids.cart(), Some(world.customer.id), at(2));
        cart.add(stocked, qty(1), at(2)).expect("add");
        let message = outbox_message(ids.message(), "order_confirmation", at(3));
        let key = IdempotencyRecord {
            key: "api:rollback".to_owned(),
            request_hash: "sha256:x".to_owned(),
            order: order.id(),
            created_at: at(4),
        };
        let mut customer_renamed = world.customer.clone();
        customer_renamed.details.last_name = person_name("Renommée");
        let renamed_details = domain::catalogue::ArticleDetails {
            designation: Designation::new("Renommé").expect("a designation"),
            ..article_details(renamed_ref.as_str())
        };

        let mut tx = write(&db).await;
        tx.insert_societe(&s).await.expect("insert_societe");
        tx.insert_tiers(&t).await.expect("insert_tiers");
        tx.insert_adresse(&a).await.expect("insert_adresse");
        tx.insert_link(&link).await.expect("insert_link");
        tx.update_tiers(&customer_renamed)
            .await
            .expect("update_tiers");
        tx.insert_article(new_article, &article_details("NOUVEAU-1"))
            .await
            .expect("insert_article");
        tx.update_article(renamed, &renamed_details)
            .await
            .expect("update_article");
        tx.save_vat_code(&vat_code("TEMP", "Temporaire", "7", true))
            .await
            .expect("save_vat_code");
        tx.save_vat_code(&vat_code("NORMAL", "Changé", "5", false))
            .await
            .expect("save_vat_code");
        tx.apply_movements(&[
            adjustment(stocked, 7, at(5)),
            adjustment(new_article, 1, at(5)),
        ])
        .await
        .expect("apply_movements");
        tx.insert_order(&order).await.expect("insert_order");
        tx.save_cart(&cart).await.expect("save_cart");
        assert_eq!(tx.next_number("order:PAR").await.expect("next_number"), 1);
        tx.enqueue(&message).await.expect("enqueue");
        tx.save_idempotency(&key).await.expect("save_idempotency");
        tx.record_change(&change(
            EntityKind::Tiers,
            &world.customer.id.to_string(),
            at(6),
            "last_name: Dupont → Renommée",
        ))
        .await
        .expect("record_change");
        if how == "rolled back" {
            rollback(tx).await;
        } else {
            drop(tx);
        }

        let what = format!("after a transaction was {how}");
        let mut tx = step(&format!("Database::begin(Read) {what}"), async {
            read(&db).await
        })
        .await;
        assert_eq!(
            tx.get_societe(s.id).await.expect("get_societe"),
            None,
            "{what}: a company it inserted must not be stored"
        );
        assert_eq!(
            tx.get_tiers(t.id).await.expect("get_tiers"),
            None,
            "{what}: a person it inserted must not be stored"
        );
        assert_eq!(
            tx.get_adresse(a.id).await.expect("get_adresse"),
            None,
            "{what}: an address it inserted must not be stored"
        );
        assert_eq!(
            tx.links_of_societe(world.par.id)
                .await
                .expect("links_of_societe"),
            PartyLinks::default(),
            "{what}: a link it inserted must not be stored"
        );
        assert_eq!(
            tx.get_tiers(world.customer.id).await.expect("get_tiers"),
            Some(world.customer.clone()),
            "{what}: a person it changed must be unchanged"
        );
        assert_eq!(
            tx.get_article(new_article).await.expect("get_article"),
            None,
            "{what}: an article it inserted must not be stored"
        );
        assert_eq!(
            tx.find_article(&reference("NOUVEAU-1"))
                .await
                .expect("find_article"),
            None,
            "{what}: an article it inserted must not be found by reference"
        );
        let renamed_now = tx
            .get_article(renamed)
            .await
            .expect("get_article")
            .expect("stored article");
        assert_eq!(
            renamed_now.details,
            article_details(renamed_ref.as_str()),
            "{what}: an article it changed must be unchanged"
        );
        assert_eq!(
            tx.get_article(stocked)
                .await
                .expect("get_article")
                .map(|x| x.stock),
            Some(3),
            "{what}: a stock it changed must be unchanged"
        );
        assert_eq!(
            tx.movements_of(stocked, Paging::default())
                .await
                .expect("movements_of")
                .total,
            1,
            "{what}: movements it applied must not be recorded"
        );
        assert_eq!(
            tx.movements_total(stocked).await.expect("movements_total"),
            3,
            "{what}: movements it applied must not count"
        );
        assert_eq!(
            tx.list_vat_codes().await.expect("list_vat_codes"),
            vec![normal.clone()],
            "{what}: VAT codes it saved must be as before"
        );
        assert_eq!(
            tx.get_order(order.id()).await.expect("get_order"),
            None,
            "{what}: an order it inserted must not be stored"
        );
        assert_eq!(
            tx.find_order(order.number()).await.expect("find_order"),
            None,
            "{what}: an order it inserted must not be found by number"
        );
        assert_eq!(
            tx.search_orders(&OrderQuery::default())
                .await
                .expect("search_orders")
                .total,
            0,
            "{what}: an order it inserted must not be listed"
        );
        assert_eq!(
            tx.get_cart(cart.id).await.expect("get_cart"),
            None,
            "{what}: a cart it saved must not be stored"
        );
        assert_eq!(
            tx.cart_of(world.customer.id).await.expect("cart_of"),
            None,
            "{what}: a cart it saved must not be found"
        );
        assert_eq!(
            tx.messages(MessageStatus::Pending, 10)
                .await
                .expect("messages"),
            vec![],
            "{what}: a message it enqueued must not be stored"
        );
        assert_eq!(
            tx.find_idempotency(&key.key)
                .await
                .expect("find_idempotency"),
            None,
            "{what}: a key it recorded must not be stored"
        );
        assert_eq!(
            tx.changes_of(EntityKind::Tiers, &world.customer.id.to_string())
                .await
                .expect("changes_of"),
            vec![],
            "{what}: a change it recorded must not be stored"
        );
        commit(tx).await;

        let mut tx = write(&db).await;
        assert_eq!(
            tx.next_number("order:PAR").await.expect("next_number"),
            1,
            "{what}: a number it took must be given again"
        );
        rollback(tx).await;
    }
}

/// A read transaction opens while a write transaction is open, does not see what the other
/// has not committed, and sees it once committed.
pub async fn read_transactions_see_only_committed_writes(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let before = tiers(ids.tiers(), "Avant", None);
    let mut tx = write(&db).await;
    tx.insert_tiers(&before).await.expect("insert_tiers");
    commit(tx).await;

    let pending = tiers(ids.tiers(), "Pendant", None);
    let mut writer = write(&db).await;
    writer.insert_tiers(&pending).await.expect("insert_tiers");

    let mut reader = step(
        "Database::begin(Read) while a write transaction is open",
        db.begin(TxMode::Read),
    )
    .await
    .expect("Database::begin(Read) must open a read transaction while a write transaction is open");
    assert_eq!(
        step(
            "a read while a write transaction is open",
            reader.get_tiers(pending.id)
        )
        .await
        .expect("get_tiers"),
        None,
        "a read transaction must not see what another transaction wrote and has not committed"
    );
    assert_eq!(
        reader.get_tiers(before.id).await.expect("get_tiers"),
        Some(before.clone()),
        "a read transaction must see what was committed"
    );
    commit(reader).await;
    commit(writer).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_tiers(pending.id).await.expect("get_tiers"),
        Some(pending),
        "a read transaction opened after a commit must see what it stored"
    );
    // Every kind of read works in a read transaction.
    tx.list_sites()
        .await
        .expect("list_sites in a read transaction");
    tx.list_vat_codes()
        .await
        .expect("list_vat_codes in a read transaction");
    tx.list_articles(Paging::default())
        .await
        .expect("list_articles in a read transaction");
    tx.search_orders(&OrderQuery::default())
        .await
        .expect("search_orders in a read transaction");
    tx.search_tiers_by_name("avant", 10)
        .await
        .expect("search_tiers_by_name in a read transaction");
    rollback(tx).await;
}
