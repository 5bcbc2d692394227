//! The outbox worker under faults: several workers racing cancellations against invoicing,
//! and a message the store keeps refusing among good ones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use app::delivery::DeliveryPolicy;
use domain::billing::InvoiceKind;
use domain::order::OrderNumber;
use mail::FolderMailer;
use ports::{Database, MessageStatus};
use support::*;

/// Runs passes until one finds nothing to do.
async fn drain(app: &app::App, mailer: &FolderMailer, policy: &DeliveryPolicy) {
    for _ in 0..200 {
        if app.deliver_outbox(mailer, policy).await.unwrap().total() == 0 {
            return;
        }
    }
    panic!("the outbox did not empty in 200 passes");
}

/// Three workers run passes while every order is cancelled: each order ends either never
/// invoiced, or invoiced and credited. Never invoiced without its credit note.
async fn cancellations_race_invoicing(db: Arc<dyn Database>, orders: usize) {
    let shop = shop(db).await;
    let staff = staff();
    let marie = register(&shop.app, "Dupont", "Marie", "0612345678", "m@example.fr").await;
    shop.app
        .adjust_stock(
            &staff,
            &app::catalogue::ArticleKey::Id(shop.vis.id),
            10_000,
            None,
        )
        .await
        .unwrap();
    let mut numbers: Vec<OrderNumber> = Vec::new();
    for _ in 0..orders {
        let placed = shop
            .app
            .place_order(
                &staff,
                &phone_order(&shop, &marie, vec![line(&shop.vis, 1)]),
                None,
            )
            .await
            .unwrap();
        numbers.push(placed.order.number().clone());
    }
    let folder = mail_folder("race");
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..3 {
        let (app, stop, folder) = (shop.app.clone(), stop.clone(), folder.clone());
        workers.push(tokio::spawn(async move {
            let mailer = FolderMailer::new(&folder);
            let policy = DeliveryPolicy {
                batch: 3,
                ..DeliveryPolicy::default()
            };
            while !stop.load(Ordering::SeqCst) {
                // A pass that lost a race to another worker is simply run again.
                let _ = app.deliver_outbox(&mailer, &policy).await;
            }
        }));
    }
    for number in &numbers {
        shop.app.cancel_order(&staff, number, None).await.unwrap();
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.unwrap();
    }
    drain(
        &shop.app,
        &FolderMailer::new(&folder),
        &DeliveryPolicy::default(),
    )
    .await;

    let mut credited = 0;
    for number in &numbers {
        let documents = shop.app.order_invoices(&staff, number).await.unwrap();
        let kinds: Vec<_> = documents.iter().map(|d| d.kind).collect();
        assert!(
            kinds.is_empty() || kinds == [InvoiceKind::Invoice, InvoiceKind::CreditNote],
            "order {number} was cancelled and holds {kinds:?}"
        );
        credited += usize::from(!kinds.is_empty());
    }
    eprintln!("{credited} of {orders} cancelled orders were invoiced, then credited");
    let failed = shop
        .app
        .outbox_messages(&staff, MessageStatus::Failed, 500)
        .await
        .unwrap();
    assert!(failed.is_empty(), "{failed:?}");
}

#[tokio::test]
async fn cancellations_racing_invoicing_always_leave_a_credit_note_on_sqlite() {
    cancellations_race_invoicing(sqlite().await, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancellations_racing_invoicing_always_leave_a_credit_note_on_postgres() {
    if let Some(db) = postgres().await {
        cancellations_race_invoicing(db, 100).await;
    }
}

/// On PostgreSQL, a trigger makes the store refuse one order's invoice: that message is
/// tried, recorded with its error and in the end failed; every other order is invoiced.
#[tokio::test]
async fn a_message_the_store_refuses_is_failed_and_the_others_go_through() {
    let Ok(url) = std::env::var("OMS_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("OMS_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "OMS_REQUIRE_POSTGRES=1 but OMS_TEST_POSTGRES_URL is not set"
        );
        eprintln!("SKIPPED: set OMS_TEST_POSTGRES_URL to run it");
        return;
    };
    let options = store_postgres::testing::create_empty_database(&url)
        .await
        .unwrap();
    let db = store_postgres::PostgresDatabase::connect_with(options.clone(), 4)
        .await
        .unwrap();
    let shop = shop(Arc::new(db)).await;
    let staff = staff();
    let marie = register(&shop.app, "Dupont", "Marie", "0612345678", "m@example.fr").await;
    let mut orders = Vec::new();
    for _ in 0..5 {
        let placed = shop
            .app
            .place_order(
                &staff,
                &phone_order(&shop, &marie, vec![line(&shop.vis, 1)]),
                None,
            )
            .await
            .unwrap();
        orders.push(placed.order);
    }
    let poisoned = orders[1].id();
    let admin = sqlx::PgPool::connect_with(options).await.unwrap();
    sqlx::raw_sql(&format!(
        "CREATE FUNCTION refuse_one_invoice() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN \
             IF NEW.order_id = '{poisoned}' THEN RAISE EXCEPTION 'the disk refused this invoice'; END IF; \
             RETURN NEW; \
         END $$; \
         CREATE TRIGGER refuse_one_invoice BEFORE INSERT ON invoices \
             FOR EACH ROW EXECUTE FUNCTION refuse_one_invoice();"
    ))
    .execute(&admin)
    .await
    .unwrap();
    admin.close().await;

    // Retries due at once, three attempts: the refused message is failed within the drain.
    let policy = DeliveryPolicy {
        max_attempts: 3,
        first_retry: time::Duration::ZERO,
        max_retry: time::Duration::ZERO,
        ..DeliveryPolicy::default()
    };
    let folder = mail_folder("poison");
    drain(&shop.app, &FolderMailer::new(&folder), &policy).await;

    for order in &orders {
        let documents = shop
            .app
            .order_invoices(&staff, order.number())
            .await
            .unwrap();
        if order.id() == poisoned {
            assert!(documents.is_empty());
        } else {
            assert_eq!(
                documents.len(),
                1,
                "order {} was not invoiced",
                order.number()
            );
        }
    }
    let failed = shop
        .app
        .outbox_messages(&staff, MessageStatus::Failed, 500)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].topic, "invoice_due");
    assert_eq!(failed[0].attempts, 3);
    let error = failed[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains("the disk refused this invoice"), "{error}");
}

/// Processes starting together on a fresh database each make sure the online site exists:
/// all of them come up, with the same site.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn processes_starting_together_all_find_the_online_site() {
    let Some(db) = postgres().await else {
        return;
    };
    let app = app_at(db, time::OffsetDateTime::now_utc());
    let code = domain::order::SiteCode::new("WEB").unwrap();
    let name = domain::party::CompanyName::new("Boutique").unwrap();
    let mut starts = Vec::new();
    for _ in 0..6 {
        let (app, code, name) = (app.clone(), code.clone(), name.clone());
        starts.push(tokio::spawn(async move {
            app.ensure_site(&app::Caller::system(), &code, &name).await
        }));
    }
    let mut ids = Vec::new();
    for start in starts {
        ids.push(start.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
}
