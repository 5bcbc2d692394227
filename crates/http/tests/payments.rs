//! `/api/v1/orders/{number}/payments` and `/api/v1/payments` over the real stores: a
//! declined card then a good one confirmed by the test processor's signed callback, forged
//! and repeated callbacks, staff recording money, and the problems refused payments get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use app::payments::{CallbackSecret, TestCardProvider};
use axum::body::Body;
use axum::http::{header, Method, Request};
use common::*;
use domain::payment::PaymentOutcome;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
const SECRET: &str = "the test processor's shared secret";

fn processor() -> TestCardProvider {
    TestCardProvider::new(CallbackSecret::new(SECRET).unwrap())
}

/// The API whose test processor signs its callbacks with [`SECRET`].
async fn api() -> Api {
    let mut api = Api::new().await;
    api.app = api.app.clone().with_payment_provider(Arc::new(processor()));
    api.router = http_api::router(http_api::AppState {
        app: api.app.clone(),
    });
    api
}

/// A customer's token, and the number of the order of 55.53 she placed.
async fn customer_with_order(api: &Api, email: &str) -> (String, String) {
    let created = api.signup(email, PASSWORD).await;
    let token = api.login(email, PASSWORD).await;
    let placed = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&token),
            Some(json!({
                "customer": created["person"]["id"],
                "delivery_address": created["address"]["id"],
                "lines": [{"article": "VIS-M6", "quantity": 3}, {"article": "LIVRE-01", "quantity": 2}],
            })),
        )
        .await;
    let order = &placed.ok(201)["order"];
    assert_eq!(order["total_ttc"], "55.53", "{order}");
    assert_eq!(order["payment"], "awaiting_payment", "{order}");
    (token, order["number"].as_str().unwrap().to_owned())
}

async fn pay_by_card(api: &Api, token: &str, number: &str, card: &str) -> Reply {
    api.call(
        Method::POST,
        &format!("/api/v1/orders/{number}/payments"),
        Some(token),
        Some(json!({"method": "card", "card_number": card})),
    )
    .await
}

/// Sends a callback as the processor would: the body as it is, its signature in the header.
async fn callback(api: &Api, provider: &str, body: &[u8], signature: Option<&str>) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/payments/callbacks/{provider}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(signature) = signature {
        request = request.header("X-Payment-Signature", signature);
    }
    api.send(request.body(Body::from(body.to_vec())).unwrap())
        .await
}

#[tokio::test]
async fn a_declined_card_leaves_the_order_then_a_good_one_confirmed_by_callback_pays_it() {
    let api = api().await;
    let (marie, number) = customer_with_order(&api, "marie@example.fr").await;

    let declined = pay_by_card(&api, &marie, &number, "4000 0000 0000 0002").await;
    let declined = declined.ok(201);
    assert_eq!(declined["payment"]["status"], "failed", "{declined}");
    assert_eq!(declined["payment"]["failure_reason"], "card declined");
    assert_eq!(declined["payment"]["amount"], "55.53");
    assert_eq!(declined["order"]["payment"], "last_payment_failed");
    assert_eq!(declined["next_step"], Value::Null);
    let order = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}"),
            Some(&marie),
            None,
        )
        .await;
    let order = order.ok(200);
    assert_eq!(order["state"], "VALIDATED", "the order stays as it is");
    assert_eq!(order["payment"], "last_payment_failed");

    let approved = pay_by_card(&api, &marie, &number, "4242424242424242").await;
    let approved = approved.ok(201).clone();
    assert_eq!(approved["payment"]["status"], "pending", "{approved}");
    assert_eq!(approved["next_step"]["kind"], "await_provider");
    assert_eq!(approved["order"]["payment"], "awaiting_payment");
    let reference = approved["payment"]["provider_reference"].as_str().unwrap();

    let (body, signature) = processor().callback(reference, &PaymentOutcome::Succeeded);
    let first = callback(&api, "test_card", &body, Some(&signature)).await;
    let first = first.ok(200);
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(first["changed"], true);
    assert_eq!(first["payment"], approved["payment"]["id"]);
    let again = callback(&api, "test_card", &body, Some(&signature)).await;
    assert_eq!(
        again.ok(200)["changed"],
        false,
        "the same callback twice is harmless"
    );

    let listed = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}/payments"),
            Some(&marie),
            None,
        )
        .await;
    let listed = listed.ok(200);
    assert_eq!(listed["order"]["payment"], "paid", "{listed}");
    assert_eq!(listed["order"]["paid"], "55.53");
    assert_eq!(listed["order"]["outstanding"], "0.00");
    let statuses: Vec<_> = listed["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "succeeded"]);
    let order = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}"),
            Some(&marie),
            None,
        )
        .await;
    assert_eq!(order.ok(200)["payment"], "paid");

    let paid_again = pay_by_card(&api, &marie, &number, "4242424242424242").await;
    paid_again.problem(409, "already_paid");
}

#[tokio::test]
async fn a_callback_that_does_not_verify_is_a_401_problem() {
    let api = api().await;
    let (marie, number) = customer_with_order(&api, "marie@example.fr").await;
    let approved = pay_by_card(&api, &marie, &number, "4242424242424242").await;
    let reference = approved.ok(201)["payment"]["provider_reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let (body, signature) = processor().callback(&reference, &PaymentOutcome::Succeeded);
    let forged = TestCardProvider::new(CallbackSecret::random()).sign(&body);

    callback(&api, "test_card", &body, Some(&forged))
        .await
        .problem(401, "unauthorized");
    callback(&api, "test_card", &body, None)
        .await
        .problem(401, "unauthorized");
    let mut tampered = body.clone();
    tampered.extend_from_slice(b"\n");
    callback(&api, "test_card", &tampered, Some(&signature))
        .await
        .problem(401, "unauthorized");
    callback(&api, "unknown", &body, Some(&signature))
        .await
        .problem(404, "not_found");
    let signed_garbage = processor().sign(b"not json");
    callback(&api, "test_card", b"not json", Some(&signed_garbage))
        .await
        .problem(422, "validation");

    let listed = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}/payments"),
            Some(&marie),
            None,
        )
        .await;
    let listed = listed.ok(200);
    assert_eq!(listed["payments"][0]["status"], "pending", "{listed}");
    assert_eq!(listed["order"]["payment"], "awaiting_payment");
}

#[tokio::test]
async fn another_customer_s_order_does_not_exist_for_payments() {
    let api = api().await;
    let (_marie, number) = customer_with_order(&api, "marie@example.fr").await;
    let (paul, _) = customer_with_order(&api, "paul@example.fr").await;
    pay_by_card(&api, &paul, &number, "4242424242424242")
        .await
        .problem(404, "not_found");
    api.call(
        Method::GET,
        &format!("/api/v1/orders/{number}/payments"),
        Some(&paul),
        None,
    )
    .await
    .problem(404, "not_found");
    api.call(
        Method::POST,
        &format!("/api/v1/orders/{number}/payments/manual"),
        Some(&paul),
        Some(json!({"method": "cheque"})),
    )
    .await
    .problem(403, "forbidden");
    pay_by_card(&api, &paul, "WEB-999999", "4242424242424242")
        .await
        .problem(404, "not_found");
    api.call(
        Method::POST,
        &format!("/api/v1/orders/{number}/payments"),
        None,
        Some(json!({"method": "card", "card_number": "4242424242424242"})),
    )
    .await
    .problem(401, "unauthorized");
}

#[tokio::test]
async fn refused_payments_are_problems_naming_the_field_and_record_nothing() {
    let api = api().await;
    let (marie, number) = customer_with_order(&api, "marie@example.fr").await;
    let uri = format!("/api/v1/orders/{number}/payments");
    for (body, status, field) in [
        (
            json!({"method": "card", "card_number": "4111 1111 1111 1111"}),
            422,
            "card_number",
        ),
        (
            json!({"method": "card", "card_number": "4242 4242 4242 4241"}),
            422,
            "card_number",
        ),
        (json!({"method": "card"}), 422, "card_number"),
        (json!({"method": "cheque"}), 422, "method"),
    ] {
        let reply = api.call(Method::POST, &uri, Some(&marie), Some(body)).await;
        let problem = reply.problem(status, "validation");
        assert_eq!(problem["field"], field, "{problem}");
        assert!(
            !reply.text.contains("4111 1111 1111"),
            "a card number is never repeated: {}",
            reply.text
        );
    }
    api.call(
        Method::POST,
        &uri,
        Some(&marie),
        Some(json!({"method": "bitcoin"})),
    )
    .await
    .problem(422, "validation");
    let listed = api.call(Method::GET, &uri, Some(&marie), None).await;
    assert_eq!(listed.ok(200)["payments"], json!([]));
}

#[tokio::test]
async fn staff_record_cheques_and_payments_on_account_and_settle_them() {
    let api = api().await;
    let admin = api.admin_token().await;
    let (marie, number) = customer_with_order(&api, "marie@example.fr").await;
    let manual = format!("/api/v1/orders/{number}/payments/manual");

    let cheque = api
        .call(
            Method::POST,
            &manual,
            Some(&admin),
            Some(json!({"method": "cheque", "amount": "20.00", "reference": "CHQ 0012345"})),
        )
        .await;
    let cheque = cheque.ok(201);
    assert_eq!(cheque["payment"]["status"], "succeeded", "{cheque}");
    assert_eq!(cheque["payment"]["provider"], "manual");
    assert_eq!(cheque["order"]["outstanding"], "35.53");
    api.call(
        Method::POST,
        &manual,
        Some(&admin),
        Some(json!({"method": "cheque", "amount": "1.00", "reference": "CHQ 0012345"})),
    )
    .await
    .problem(409, "duplicate_reference");
    for body in [
        json!({"method": "card"}),
        json!({"method": "cheque", "amount": "35.54"}),
        json!({"method": "cheque", "amount": "-1"}),
        json!({"method": "cheque", "amount": "0"}),
    ] {
        let reply = api
            .call(Method::POST, &manual, Some(&admin), Some(body))
            .await;
        reply.problem(422, "validation");
    }
    api.call(
        Method::POST,
        &manual,
        Some(&marie),
        Some(json!({"method": "bank_transfer"})),
    )
    .await
    .problem(403, "forbidden");

    let on_account = api
        .call(
            Method::POST,
            &manual,
            Some(&admin),
            Some(json!({"method": "on_account"})),
        )
        .await;
    let on_account = on_account.ok(201).clone();
    assert_eq!(on_account["payment"]["status"], "pending", "{on_account}");
    assert_eq!(on_account["payment"]["amount"], "35.53");
    assert_eq!(on_account["next_step"]["kind"], "await_staff");
    pay_by_card(&api, &marie, &number, "4242424242424242")
        .await
        .problem(409, "payment_pending");

    let id = on_account["payment"]["id"].as_str().unwrap();
    let settle = format!("/api/v1/payments/{id}/settle");
    api.call(
        Method::POST,
        &settle,
        Some(&marie),
        Some(json!({"outcome": "succeeded"})),
    )
    .await
    .problem(403, "forbidden");
    let settled = api
        .call(
            Method::POST,
            &settle,
            Some(&admin),
            Some(json!({"outcome": "succeeded"})),
        )
        .await;
    let settled = settled.ok(200);
    assert_eq!(settled["payment"]["status"], "succeeded", "{settled}");
    assert_eq!(settled["order_payment"], "paid");
    assert_eq!(settled["changed"], true);
    api.call(
        Method::POST,
        &settle,
        Some(&admin),
        Some(json!({"outcome": "failed"})),
    )
    .await
    .problem(409, "payment_settled");
    api.call(
        Method::POST,
        "/api/v1/payments/not-an-id/settle",
        Some(&admin),
        Some(json!({"outcome": "failed"})),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test]
async fn a_draft_is_not_paid() {
    let api = api().await;
    let admin = api.admin_token().await;
    let created = api.signup("marie@example.fr", PASSWORD).await;
    let draft = api
        .call(
            Method::POST,
            "/api/v1/drafts",
            Some(&admin),
            Some(json!({
                "customer": created["person"]["id"],
                "delivery_address": created["address"]["id"],
                "lines": [{"article": "VIS-M6", "quantity": 1}],
                "site": "WEB",
            })),
        )
        .await;
    let draft = draft.ok(201);
    assert_eq!(draft["payment"], "awaiting_payment", "{draft}");
    let number = draft["number"].as_str().unwrap();
    api.call(
        Method::POST,
        &format!("/api/v1/orders/{number}/payments/manual"),
        Some(&admin),
        Some(json!({"method": "cheque"})),
    )
    .await
    .problem(409, "not_payable");
    pay_by_card(&api, &admin, number, "4242424242424242")
        .await
        .problem(409, "not_payable");
}

#[tokio::test]
async fn the_openapi_document_describes_payments() {
    let api = api().await;
    let doc = api
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let doc = doc.ok(200);
    for path in [
        "/api/v1/orders/{number}/payments",
        "/api/v1/orders/{number}/payments/manual",
        "/api/v1/payments/{id}/settle",
        "/api/v1/payments/callbacks/{provider}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    assert!(doc["paths"]["/api/v1/payments/callbacks/{provider}"]["post"]["security"].is_null());
    assert!(doc["components"]["schemas"]["StartedPaymentDto"].is_object());
    assert!(doc["components"]["schemas"]["OrderDto"]["properties"]["payment"].is_object());
}
