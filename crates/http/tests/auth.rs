//! `/api/v1/auth`, `/api/v1/me` and `/api/v1/accounts` over the real stores: logging in
//! and out, signing up, who a token stands for, staff accounts, disabling accounts, and
//! the problems bad requests get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, Method};
use common::*;
use domain::order::SiteCode;
use domain::party::CompanyName;
use serde_json::json;

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn an_administrator_logs_in_sees_who_they_are_and_logs_out() {
    let api = Api::new().await;
    let reply = api
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "Admin@Example.fr", "password": ADMIN_PASSWORD})),
        )
        .await;
    let session = reply.ok(200);
    let token = session["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("oms_"), "{session}");
    assert!(session["expires_at"].as_str().is_some(), "{session}");
    assert_eq!(session["account"]["login"], ADMIN);
    assert_eq!(session["account"]["role"], "admin");
    assert_eq!(session["account"]["disabled"], false);
    assert!(!reply.text.contains(ADMIN_PASSWORD));

    let me = api
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    let me = me.ok(200);
    assert_eq!(me["login"], ADMIN);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["person"], serde_json::Value::Null);
    assert!(me["account"].is_string(), "{me}");
    assert_eq!(me["account"], session["account"]["id"], "{me}");

    let out = api
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(out.status.as_u16(), 204, "{}", out.text);
    assert!(out.text.is_empty());

    // The token stops working, everywhere.
    let revoked = api
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    let problem = revoked.problem(401, "unauthorized");
    assert!(
        problem["detail"].as_str().unwrap().contains("revoked"),
        "{problem}"
    );
    assert_eq!(revoked.headers[header::WWW_AUTHENTICATE], "Bearer");
    api.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await
        .problem(401, "unauthorized");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let api = Api::new().await;
    let wrong = api
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": ADMIN, "password": "not the password"})),
        )
        .await;
    let unknown = api
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "nobody@example.fr", "password": "not the password"})),
        )
        .await;
    let huge = api
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": ADMIN, "password": "x".repeat(10_000)})),
        )
        .await;
    for reply in [&wrong, &unknown, &huge] {
        reply.problem(401, "unauthorized");
        assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
        assert!(!reply.text.contains("not the password"), "{}", reply.text);
    }
    assert_eq!(wrong.text, unknown.text);
    assert_eq!(wrong.text, huge.text);
}

#[tokio::test]
async fn tokens_that_are_missing_malformed_or_unknown_are_refused() {
    let api = Api::new().await;
    let none = api.call(Method::GET, "/api/v1/me", None, None).await;
    none.problem(401, "unauthorized");
    assert_eq!(none.headers[header::WWW_AUTHENTICATE], "Bearer");
    api.call(Method::GET, "/api/v1/me", Some("oms_not_a_token"), None)
        .await
        .problem(401, "unauthorized");
    api.call(Method::GET, "/api/v1/me", Some("something-else"), None)
        .await
        .problem(401, "unauthorized");
    let basic = api
        .send(
            axum::http::Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, "Basic YWRtaW46YWRtaW4=")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    basic.problem(401, "unauthorized");
    api.call(Method::POST, "/api/v1/auth/logout", None, None)
        .await
        .problem(401, "unauthorized");
}

#[tokio::test]
async fn malformed_login_requests_are_problems_naming_the_field() {
    let api = Api::new().await;
    let login = "/api/v1/auth/login";
    api.call_raw(Method::POST, login, None, "{\"login\": ")
        .await
        .problem(400, "malformed_json");
    let missing = api
        .call(Method::POST, login, None, Some(json!({"login": ADMIN})))
        .await;
    assert!(missing.problem(422, "validation")["detail"]
        .as_str()
        .unwrap()
        .contains("password"));
    let unknown = api
        .call(
            Method::POST,
            login,
            None,
            Some(json!({"login": ADMIN, "password": "x", "remember": true})),
        )
        .await;
    assert!(unknown.problem(422, "validation")["detail"]
        .as_str()
        .unwrap()
        .contains("remember"));
    let not_email = api
        .call(
            Method::POST,
            login,
            None,
            Some(json!({"login": "admin", "password": "whatever"})),
        )
        .await;
    assert_eq!(not_email.problem(422, "validation")["field"], "login");
    // A password that is not a string is refused without being shown.
    let number = api
        .call(
            Method::POST,
            login,
            None,
            Some(json!({"login": ADMIN, "password": 987_654_321})),
        )
        .await;
    assert_eq!(number.problem(422, "validation")["field"], "password");
    assert!(!number.text.contains("987654321"), "{}", number.text);
    let no_type = api
        .send(
            axum::http::Request::post(login)
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    no_type.problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn a_customer_signs_up_logs_in_and_sees_their_details() {
    let api = Api::new().await;
    let created = api.signup("Marie.Dupont@example.fr", PASSWORD).await;
    assert_eq!(created["account"]["login"], "marie.dupont@example.fr");
    assert_eq!(created["account"]["role"], "customer");
    let person = created["person"]["id"].as_str().unwrap();
    assert_eq!(created["account"]["person"], person);
    assert_eq!(created["person"]["last_name"], "Dupont");
    assert_eq!(created["person"]["first_name"], "Marie");
    assert_eq!(created["company"]["name"], "Marie Dupont");
    assert_eq!(created["address"]["postal_code"], "69003");
    assert_eq!(created["address"]["country"], "FR");
    assert!(!created.to_string().contains(PASSWORD));

    let token = api.login("marie.dupont@example.fr", PASSWORD).await;
    let me = api
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    let me = me.ok(200);
    assert_eq!(me["login"], "marie.dupont@example.fr");
    assert_eq!(me["role"], "customer");
    assert_eq!(me["person"]["id"], person);
    assert_eq!(me["person"]["mobile"], "+33612345678");
    let addresses = me["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 1, "{me}");
    assert_eq!(addresses[0]["id"], created["address"]["id"]);
    assert_eq!(
        addresses[0]["roles"],
        json!(["customer", "payer", "recipient"])
    );
    assert_eq!(me["companies"][0]["id"], created["company"]["id"]);

    // The email has an account now.
    let again = api
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(signup_body(
                "marie.dupont@example.fr",
                "another long password",
            )),
        )
        .await;
    again.problem(409, "duplicate");
}

#[tokio::test]
async fn sign_up_problems_name_the_field_and_never_show_the_password() {
    let api = Api::new().await;
    let signup = "/api/v1/auth/signup";
    let short = api
        .call(
            Method::POST,
            signup,
            None,
            Some(signup_body("a@example.fr", "hunter2")),
        )
        .await;
    let problem = short.problem(422, "validation");
    assert_eq!(problem["field"], "password");
    assert!(!short.text.contains("hunter2"), "{}", short.text);

    let number = api
        .call(
            Method::POST,
            signup,
            None,
            Some({
                let mut body = signup_body("a@example.fr", "x");
                body["password"] = json!(123_456_789_012_u64);
                body
            }),
        )
        .await;
    assert_eq!(number.problem(422, "validation")["field"], "password");
    assert!(!number.text.contains("123456789012"), "{}", number.text);

    let email = api
        .call(
            Method::POST,
            signup,
            None,
            Some(signup_body("not an email", PASSWORD)),
        )
        .await;
    assert_eq!(email.problem(422, "validation")["field"], "email");
    assert!(!email.text.contains(PASSWORD));

    let mut body = signup_body("b@example.fr", PASSWORD);
    body["address"]["postal_code"] = json!("!!");
    let postal = api.call(Method::POST, signup, None, Some(body)).await;
    assert_eq!(
        postal.problem(422, "validation")["field"],
        "address.postal_code"
    );

    let mut body = signup_body("b@example.fr", PASSWORD);
    body["address"]["floor"] = json!(3);
    let unknown = api.call(Method::POST, signup, None, Some(body)).await;
    let problem = unknown.problem(422, "validation");
    assert!(
        problem["detail"].as_str().unwrap().contains("floor"),
        "{problem}"
    );
    assert!(!unknown.text.contains(PASSWORD));

    let mut body = signup_body("b@example.fr", PASSWORD);
    body.as_object_mut().unwrap().remove("last_name");
    let missing = api.call(Method::POST, signup, None, Some(body)).await;
    assert!(missing.problem(422, "validation")["detail"]
        .as_str()
        .unwrap()
        .contains("last_name"));

    // Nothing was created: the email is still free.
    api.signup("a@example.fr", PASSWORD).await;
}

#[tokio::test]
async fn an_administrator_creates_staff_accounts_and_nobody_else_does() {
    let api = Api::new().await;
    let admin = api.admin_token().await;
    let lyon = api
        .app
        .ensure_site(
            &staff(),
            &SiteCode::new("LYON").unwrap(),
            &CompanyName::new("Agence de Lyon").unwrap(),
        )
        .await
        .unwrap();
    // The order taker's person: a customer signing up is a person too.
    let taker = api.signup("paul@example.fr", PASSWORD).await;
    let person = taker["person"]["id"].as_str().unwrap();
    let accounts = "/api/v1/accounts";

    let created = api
        .call(
            Method::POST,
            accounts,
            Some(&admin),
            Some(json!({
                "login": "preneur.lyon@example.fr",
                "password": PASSWORD,
                "role": "order_taker",
                "site": lyon.id.to_string(),
                "person": person,
            })),
        )
        .await;
    let account = created.ok(201);
    assert_eq!(account["role"], "order_taker");
    assert_eq!(account["site"], lyon.id.to_string());
    assert_eq!(account["person"], person);
    assert!(!created.text.contains(PASSWORD));

    let taker_token = api.login("preneur.lyon@example.fr", PASSWORD).await;
    let me = api
        .call(Method::GET, "/api/v1/me", Some(&taker_token), None)
        .await;
    let me = me.ok(200);
    assert_eq!(me["role"], "order_taker");
    assert_eq!(me["site"], lyon.id.to_string());
    assert_eq!(me["person"]["id"], person);

    let admin2 = json!({"login": "admin2@example.fr", "password": PASSWORD, "role": "admin"});
    api.call(Method::POST, accounts, Some(&admin), Some(admin2.clone()))
        .await
        .ok(201);
    api.call(Method::POST, accounts, Some(&admin), Some(admin2.clone()))
        .await
        .problem(409, "duplicate");

    // Nobody but an administrator.
    let other = json!({"login": "x@example.fr", "password": PASSWORD, "role": "admin"});
    api.call(
        Method::POST,
        accounts,
        Some(&taker_token),
        Some(other.clone()),
    )
    .await
    .problem(403, "forbidden");
    let customer = api.login("paul@example.fr", PASSWORD).await;
    api.call(Method::POST, accounts, Some(&customer), Some(other.clone()))
        .await
        .problem(403, "forbidden");
    api.call(Method::POST, accounts, None, Some(other))
        .await
        .problem(401, "unauthorized");

    // Every field is checked.
    let cases = [
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "person": person}),
            "site",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "site": lyon.id.to_string()}),
            "person",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "site": "lyon", "person": person}),
            "site",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "site": lyon.id.to_string(), "person": "12"}),
            "person",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "site": lyon.id.to_string(), "person": lyon.id.to_string()}),
            "person",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "order_taker", "site": person, "person": person}),
            "site",
        ),
        (
            json!({"login": "y@example.fr", "password": PASSWORD, "role": "admin", "site": lyon.id.to_string()}),
            "site",
        ),
        (
            json!({"login": "y", "password": PASSWORD, "role": "admin"}),
            "login",
        ),
        (
            json!({"login": "y@example.fr", "password": "too short", "role": "admin"}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let reply = api
            .call(Method::POST, accounts, Some(&admin), Some(body.clone()))
            .await;
        assert_eq!(
            reply.problem(422, "validation")["field"],
            field,
            "{body}: {}",
            reply.text
        );
        assert!(!reply.text.contains(PASSWORD));
        assert!(!reply.text.contains("too short"));
    }
    let role = api
        .call(
            Method::POST,
            accounts,
            Some(&admin),
            Some(json!({"login": "y@example.fr", "password": PASSWORD, "role": "customer"})),
        )
        .await;
    assert!(role.problem(422, "validation")["detail"]
        .as_str()
        .unwrap()
        .contains("role"));
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_until_enabled_again() {
    let api = Api::new().await;
    let admin = api.admin_token().await;
    let created = api.signup("claire@example.fr", PASSWORD).await;
    let id = created["account"]["id"].as_str().unwrap();
    let customer = api.login("claire@example.fr", PASSWORD).await;

    // Only an administrator.
    api.call(
        Method::POST,
        &format!("/api/v1/accounts/{id}/disable"),
        Some(&customer),
        None,
    )
    .await
    .problem(403, "forbidden");
    api.call(
        Method::POST,
        &format!("/api/v1/accounts/{id}/disable"),
        None,
        None,
    )
    .await
    .problem(401, "unauthorized");

    let disabled = api
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{id}/disable"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(disabled.status.as_u16(), 204, "{}", disabled.text);
    api.call(Method::GET, "/api/v1/me", Some(&customer), None)
        .await
        .problem(401, "unauthorized");
    api.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"login": "claire@example.fr", "password": PASSWORD})),
    )
    .await
    .problem(401, "unauthorized");

    let enabled = api
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{id}/enable"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(enabled.status.as_u16(), 204, "{}", enabled.text);
    let again = api.login("claire@example.fr", PASSWORD).await;
    api.call(Method::GET, "/api/v1/me", Some(&again), None)
        .await
        .ok(200);

    // Unknown and malformed ids.
    api.call(
        Method::POST,
        "/api/v1/accounts/0190aaaa-0000-7000-8000-000000000000/disable",
        Some(&admin),
        None,
    )
    .await
    .problem(404, "not_found");
    api.call(
        Method::POST,
        "/api/v1/accounts/not-an-id/enable",
        Some(&admin),
        None,
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test]
async fn a_program_places_orders_of_source_api_and_reaches_nothing_else() {
    let api = Api::new().await;
    let admin = api.admin_token().await;
    let created = api
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"login": "erp@example.fr", "password": PASSWORD, "role": "program"})),
        )
        .await;
    assert_eq!(created.ok(201)["role"], "program");
    // A program has no person behind it.
    let refused = api
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(
                json!({"login": "erp2@example.fr", "password": PASSWORD, "role": "program",
                    "person": created.ok(201)["id"]}),
            ),
        )
        .await;
    assert_eq!(refused.problem(422, "validation")["field"], "person");
    let program = api.login("erp@example.fr", PASSWORD).await;
    let me = api
        .call(Method::GET, "/api/v1/me", Some(&program), None)
        .await;
    assert_eq!(me.ok(200)["role"], "program");

    let marie = api.signup("marie@example.fr", PASSWORD).await;
    let placed = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&program),
            Some(json!({
                "customer": marie["person"]["id"],
                "delivery_address": marie["address"]["id"],
                "lines": [{"article": "VIS-M6", "quantity": 2}],
            })),
        )
        .await;
    let order = placed.ok(201)["order"].clone();
    assert_eq!(order["source"], "api");
    let number = order["number"].as_str().unwrap();
    api.call(
        Method::GET,
        &format!("/api/v1/orders/{number}"),
        Some(&program),
        None,
    )
    .await
    .ok(200);
    let listed = api
        .call(Method::GET, "/api/v1/orders", Some(&program), None)
        .await;
    let listed = listed.ok(200);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["source"] == "api"),
        "{listed}"
    );
    // Nothing of the back office: people are for staff (and for customers, their own).
    api.call(
        Method::GET,
        &format!("/api/v1/people/{}", marie["person"]["id"].as_str().unwrap()),
        Some(&program),
        None,
    )
    .await
    .problem(403, "forbidden");
}
