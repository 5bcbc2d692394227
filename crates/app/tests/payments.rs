//! Payments: a declined card leaves the order as it is and another payment completes it;
//! the test processor's callbacks are verified and idempotent; drafts and other customers'
//! orders are not paid; staff record transfers, cheques and payments on account.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use app::parties::RegisteredCustomer;
use app::payments::{
    CallbackSecret, ManualPayment, PaymentStart, TestCardProvider, ORDER_PAID, TEST_CARD_APPROVED,
    TEST_CARD_DECLINED,
};
use app::{App, AppError, Caller};
use domain::money::Amount;
use domain::order::{Commande, OrderSource, OrderState};
use domain::payment::{
    CardNumber, OrderPaymentState, PaymentMethod, PaymentOutcome, PaymentStatus,
};
use ports::{Database, MessageStatus, NextStep, TxMode};
use support::*;

const SECRET: &str = "the test processor's shared secret";

/// The test processor as the tests play it: it signs callbacks with [`SECRET`].
fn processor() -> TestCardProvider {
    TestCardProvider::new(CallbackSecret::new(SECRET).unwrap())
}

/// A shop whose test processor signs with [`SECRET`], Marie, and her order of 55.53
/// (validated, as online orders are).
async fn with_order(db: Arc<dyn Database>) -> (App, RegisteredCustomer, Commande) {
    let shop = shop(db).await;
    let app = shop.app.with_payment_provider(Arc::new(processor()));
    let marie = register(
        &app,
        "Dupont",
        "Marie",
        "06 12 34 56 78",
        "marie@example.fr",
    )
    .await;
    let placed = app
        .place_order(
            &customer(&marie),
            &request(&marie, vec![line(&shop.vis, 3), line(&shop.livre, 2)]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(placed.order.pricing().total_ttc, d("55.53"));
    (app, marie, placed.order)
}

fn card(number: &str) -> PaymentStart {
    PaymentStart {
        method: PaymentMethod::Card,
        card: Some(CardNumber::new(number).unwrap()),
    }
}

fn manual(method: PaymentMethod, amount: Option<&str>, reference: Option<&str>) -> ManualPayment {
    ManualPayment {
        method,
        amount: amount.map(|a| Amount::new(d(a)).unwrap()),
        reference: reference.map(str::to_owned),
    }
}

/// The messages of a topic waiting in the outbox.
async fn queued(app: &App, topic: &str) -> Vec<ports::OutboxMessage> {
    let mut tx = app.database().begin(TxMode::Read).await.unwrap();
    let messages = tx.messages(MessageStatus::Pending, 100).await.unwrap();
    tx.commit().await.unwrap();
    messages.into_iter().filter(|m| m.topic == topic).collect()
}

/// Declined, then approved and confirmed by the processor's signed callback.
async fn declined_then_paid_by_card(db: Arc<dyn Database>) {
    let (app, marie, order) = with_order(db).await;
    let me = customer(&marie);

    let declined = app
        .start_payment(&me, order.number(), &card(TEST_CARD_DECLINED))
        .await
        .unwrap();
    assert_eq!(declined.payment.status, PaymentStatus::Failed);
    assert_eq!(
        declined.payment.failure_reason.as_deref(),
        Some("card declined")
    );
    assert_eq!(declined.payment.amount.value(), d("55.53"));
    assert_eq!(declined.summary.state, OrderPaymentState::LastPaymentFailed);
    assert_eq!(declined.next_step, None);
    let unchanged = app.order(&me, order.number()).await.unwrap();
    assert_eq!(
        unchanged, order,
        "a declined card leaves the order as it is"
    );

    let approved = app
        .start_payment(&me, order.number(), &card("4242 4242 4242 4242"))
        .await
        .unwrap();
    assert_eq!(approved.payment.status, PaymentStatus::Pending);
    assert_eq!(approved.next_step, Some(NextStep::AwaitProvider));
    assert_eq!(approved.summary.state, OrderPaymentState::AwaitingPayment);
    let reference = approved.payment.provider_reference.clone().unwrap();
    assert!(reference.starts_with("tc_"), "{reference}");
    assert!(queued(&app, ORDER_PAID).await.is_empty());

    let (body, signature) = processor().callback(&reference, &PaymentOutcome::Succeeded);
    let confirmed = app
        .payment_callback("test_card", &body, Some(&signature))
        .await
        .unwrap();
    assert!(confirmed.changed);
    assert_eq!(confirmed.payment.status, PaymentStatus::Succeeded);
    assert_eq!(confirmed.summary.state, OrderPaymentState::Paid);

    let seen = app.order_payments(&me, order.number()).await.unwrap();
    assert_eq!(seen.summary.state, OrderPaymentState::Paid);
    assert_eq!(seen.order.state(), OrderState::Validated);
    assert_eq!(
        seen.payments
            .iter()
            .map(|p| (p.method, p.status))
            .collect::<Vec<_>>(),
        [
            (PaymentMethod::Card, PaymentStatus::Failed),
            (PaymentMethod::Card, PaymentStatus::Succeeded)
        ],
        "oldest first"
    );
    let paid = queued(&app, ORDER_PAID).await;
    assert_eq!(paid.len(), 1, "the paid order is confirmed once");
    assert_eq!(paid[0].recipient.as_deref(), Some("marie@example.fr"));
    assert_eq!(
        paid[0].payload["order"]["number"],
        order.number().to_string()
    );
    assert_eq!(paid[0].payload["paid"], "55.53");
}

#[tokio::test]
async fn a_declined_card_then_a_good_one_confirmed_by_callback_pays_the_order() {
    declined_then_paid_by_card(sqlite().await).await;
}

#[tokio::test]
async fn a_declined_card_then_a_good_one_on_postgres() {
    if let Some(db) = postgres().await {
        declined_then_paid_by_card(db).await;
    }
}

#[tokio::test]
async fn a_declined_card_then_a_bank_transfer_recorded_by_staff() {
    let (app, marie, order) = with_order(sqlite().await).await;
    app.start_payment(&customer(&marie), order.number(), &card(TEST_CARD_DECLINED))
        .await
        .unwrap();
    let transfer = app
        .record_payment(
            &staff(),
            order.number(),
            &manual(PaymentMethod::BankTransfer, None, Some(" VIR-2026-0042 ")),
        )
        .await
        .unwrap();
    assert_eq!(transfer.payment.status, PaymentStatus::Succeeded);
    assert_eq!(transfer.payment.provider, "manual");
    assert_eq!(
        transfer.payment.provider_reference.as_deref(),
        Some("VIR-2026-0042")
    );
    assert_eq!(transfer.summary.state, OrderPaymentState::Paid);
    assert_eq!(queued(&app, ORDER_PAID).await.len(), 1);

    let again = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "already_paid", "{again}");
}

#[tokio::test]
async fn a_callback_with_a_bad_signature_is_refused_and_changes_nothing() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let started = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap();
    let reference = started.payment.provider_reference.unwrap();
    let (body, signature) = processor().callback(&reference, &PaymentOutcome::Succeeded);
    let forged = TestCardProvider::new(CallbackSecret::random())
        .callback(&reference, &PaymentOutcome::Succeeded)
        .1;
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    for (body, signature) in [
        (&body, Some(forged.as_str())),
        (&tampered, Some(signature.as_str())),
        (&body, Some("")),
        (&body, None),
    ] {
        let err = app
            .payment_callback("test_card", body, signature)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Unauthorized(_)), "{err}");
    }
    let err = app
        .payment_callback("manual", &body, Some(&signature))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Unauthorized(_)),
        "the manual provider takes no callback: {err}"
    );
    let err = app
        .payment_callback("stripe", &body, Some(&signature))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let (unknown, unknown_signature) =
        processor().callback("tc_unknown", &PaymentOutcome::Succeeded);
    let err = app
        .payment_callback("test_card", &unknown, Some(&unknown_signature))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    let seen = app
        .order_payments(&customer(&marie), order.number())
        .await
        .unwrap();
    assert_eq!(seen.payments[0].status, PaymentStatus::Pending);
    assert_eq!(seen.summary.state, OrderPaymentState::AwaitingPayment);
    assert!(queued(&app, ORDER_PAID).await.is_empty());
}

#[tokio::test]
async fn the_same_callback_twice_changes_nothing_more() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let started = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap();
    let reference = started.payment.provider_reference.unwrap();
    let (body, signature) = processor().callback(&reference, &PaymentOutcome::Succeeded);
    let first = app
        .payment_callback("test_card", &body, Some(&signature))
        .await
        .unwrap();
    let second = app
        .payment_callback("test_card", &body, Some(&signature))
        .await
        .unwrap();
    assert!(first.changed);
    assert!(!second.changed);
    assert_eq!(second.payment, first.payment);
    assert_eq!(second.summary.state, OrderPaymentState::Paid);
    assert_eq!(queued(&app, ORDER_PAID).await.len(), 1, "confirmed once");

    // A later report that contradicts it is refused.
    let (failed, failed_signature) = processor().callback(
        &reference,
        &PaymentOutcome::Failed {
            reason: "late".to_owned(),
        },
    );
    let err = app
        .payment_callback("test_card", &failed, Some(&failed_signature))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "payment_settled", "{err}");
}

#[tokio::test]
async fn a_draft_is_not_paid() {
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
            &app::orders::OrderRequest {
                source: OrderSource::Phone,
                ..request(&marie, vec![line(&shop.vis, 1)])
            },
        )
        .await
        .unwrap();
    let err = shop
        .app
        .record_payment(
            &taker,
            draft.number(),
            &manual(PaymentMethod::Cheque, None, None),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_payable", "{err}");
    let err = shop
        .app
        .start_payment(&staff(), draft.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_payable", "{err}");
    let seen = shop
        .app
        .order_payments(&staff(), draft.number())
        .await
        .unwrap();
    assert!(seen.payments.is_empty(), "nothing was recorded");
}

#[tokio::test]
async fn a_customer_paying_another_s_order_is_told_it_does_not_exist() {
    let (app, _marie, order) = with_order(sqlite().await).await;
    let paul = register(&app, "Durand", "Paul", "0611111111", "paul@example.fr").await;
    let err = app
        .start_payment(&customer(&paul), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app
        .order_payments(&customer(&paul), order.number())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app
        .record_payment(
            &customer(&paul),
            order.number(),
            &manual(PaymentMethod::Cheque, None, None),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let seen = app.order_payments(&staff(), order.number()).await.unwrap();
    assert!(seen.payments.is_empty());
}

#[tokio::test]
async fn what_the_processor_or_the_rules_refuse_records_nothing() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let me = customer(&marie);
    let err = app
        .start_payment(&me, order.number(), &card("4111 1111 1111 1111"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid { field, .. } if field == "card_number"),
        "{err}"
    );
    let err = app
        .start_payment(
            &me,
            order.number(),
            &PaymentStart {
                method: PaymentMethod::Card,
                card: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid { field, .. } if field == "card_number"),
        "{err}"
    );
    let err = app
        .start_payment(
            &me,
            order.number(),
            &PaymentStart {
                method: PaymentMethod::BankTransfer,
                card: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid { field, .. } if field == "method"),
        "a customer does not record a transfer: {err}"
    );
    for (payment, field) in [
        (manual(PaymentMethod::Card, None, None), "method"),
        (manual(PaymentMethod::Cheque, Some("0.00"), None), "amount"),
        (manual(PaymentMethod::Cheque, Some("55.54"), None), "amount"),
        (manual(PaymentMethod::Cheque, None, Some("  ")), "reference"),
    ] {
        let err = app
            .record_payment(&staff(), order.number(), &payment)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Invalid { field: f, .. } if f == field),
            "{err}"
        );
    }
    let seen = app.order_payments(&me, order.number()).await.unwrap();
    assert!(seen.payments.is_empty());
    assert_eq!(seen.summary.state, OrderPaymentState::AwaitingPayment);
}

#[tokio::test]
async fn staff_record_part_payments_on_account_and_cheques_once_each() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let cheque = app
        .record_payment(
            &staff(),
            order.number(),
            &manual(PaymentMethod::Cheque, Some("20.00"), Some("CHQ 0012345")),
        )
        .await
        .unwrap();
    assert_eq!(cheque.payment.status, PaymentStatus::Succeeded);
    assert_eq!(cheque.summary.state, OrderPaymentState::AwaitingPayment);
    assert_eq!(cheque.summary.payable, d("35.53"));

    let err = app
        .record_payment(
            &staff(),
            order.number(),
            &manual(PaymentMethod::Cheque, Some("1.00"), Some("CHQ 0012345")),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "duplicate_reference", "{err}");

    // The rest on account: pending until the money arrives; meanwhile nothing is payable.
    let on_account = app
        .record_payment(
            &staff(),
            order.number(),
            &manual(PaymentMethod::OnAccount, None, None),
        )
        .await
        .unwrap();
    assert_eq!(on_account.payment.status, PaymentStatus::Pending);
    assert_eq!(on_account.payment.amount.value(), d("35.53"));
    assert_eq!(on_account.next_step, Some(NextStep::AwaitStaff));
    let err = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "payment_pending", "{err}");

    let err = app
        .settle_payment(
            &customer(&marie),
            on_account.payment.id,
            &PaymentOutcome::Succeeded,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let settled = app
        .settle_payment(&staff(), on_account.payment.id, &PaymentOutcome::Succeeded)
        .await
        .unwrap();
    assert!(settled.changed);
    assert_eq!(settled.summary.state, OrderPaymentState::Paid);
    assert_eq!(settled.summary.paid, d("55.53"));
    let again = app
        .settle_payment(&staff(), on_account.payment.id, &PaymentOutcome::Succeeded)
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(queued(&app, ORDER_PAID).await.len(), 1);
}

#[tokio::test]
async fn card_payments_are_settled_by_their_processor_only() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let started = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap();
    let err = app
        .settle_payment(&staff(), started.payment.id, &PaymentOutcome::Succeeded)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "processor_payment", "{err}");
    let err = app
        .settle_payment(
            &Caller::system(),
            domain::ids::PaymentId::from_u128(7),
            &PaymentOutcome::Succeeded,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
}

/// Two payments of one order started at the same moment: the order's lock lets one
/// reserve what remains to pay; the other finds it under way.
async fn concurrent_starts_pay_once(db: Arc<dyn Database>) {
    let (app, marie, order) = with_order(db).await;
    let me = customer(&marie);
    let start = card(TEST_CARD_APPROVED);
    let (a, b) = tokio::join!(
        app.start_payment(&me, order.number(), &start),
        app.start_payment(&me, order.number(), &start),
    );
    let (won, lost) = match (a, b) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        other => panic!("exactly one payment must be started: {other:?}"),
    };
    assert_eq!(won.payment.status, PaymentStatus::Pending);
    assert_eq!(lost.code(), "payment_pending", "{lost}");
    let seen = app.order_payments(&me, order.number()).await.unwrap();
    assert_eq!(seen.payments.len(), 1);
    assert_eq!(seen.summary.pending, d("55.53"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_pay_once_on_sqlite() {
    concurrent_starts_pay_once(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_pay_once_on_postgres() {
    if let Some(db) = postgres().await {
        concurrent_starts_pay_once(db).await;
    }
}

#[tokio::test]
async fn a_card_payment_never_answered_stops_holding_the_order_after_30_minutes() {
    let (app, marie, order) = with_order(sqlite().await).await;
    let first = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap();
    assert_eq!(first.payment.status, PaymentStatus::Pending);
    // The processor's callback never comes. Meanwhile, the order is held.
    let err = app
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "payment_pending", "{err}");

    // 31 minutes later, the customer can pay again: the first attempt is failed, saying why.
    let later = app_at(app.database().clone(), NOW + time::Duration::minutes(31))
        .with_payment_provider(Arc::new(processor()));
    let second = later
        .start_payment(&customer(&marie), order.number(), &card(TEST_CARD_APPROVED))
        .await
        .unwrap();
    assert_eq!(second.payment.status, PaymentStatus::Pending);
    assert_ne!(second.payment.id, first.payment.id);
    let payments = later
        .order_payments(&customer(&marie), order.number())
        .await
        .unwrap();
    let expired = payments
        .payments
        .iter()
        .find(|p| p.id == first.payment.id)
        .unwrap();
    assert_eq!(expired.status, PaymentStatus::Failed);
    assert!(
        expired
            .failure_reason
            .as_deref()
            .unwrap()
            .contains("no answer from the card processor"),
        "{expired:?}"
    );
}
