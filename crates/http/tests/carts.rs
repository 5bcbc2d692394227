//! `/api/v1/carts` over the real stores: a guest's cart from opening to checkout after
//! signing up, customers' carts kept apart, claiming, stock problems, and the problems bad
//! requests get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, Method};
use common::*;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

fn line<'a>(cart: &'a Value, reference: &str) -> &'a Value {
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["reference"] == reference)
        .unwrap_or_else(|| panic!("no {reference} in {cart}"))
}

fn amount(value: &Value) -> rust_decimal::Decimal {
    d(value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string")))
}

/// Signs a customer up, logs them in: their token, person id and address id.
async fn customer(api: &Api, email: &str) -> (String, String, String) {
    let created = api.signup(email, PASSWORD).await;
    let token = api.login(email, PASSWORD).await;
    (
        token,
        created["person"]["id"].as_str().unwrap().to_owned(),
        created["address"]["id"].as_str().unwrap().to_owned(),
    )
}

/// Opens a cart: 201 for a new one, 200 for the customer's existing one.
async fn open(api: &Api, token: Option<&str>) -> String {
    let reply = api.call(Method::POST, "/api/v1/carts", token, None).await;
    let status = reply.status.as_u16();
    assert!(status == 200 || status == 201, "{}", reply.text);
    reply.ok(status)["id"].as_str().unwrap().to_owned()
}

async fn add(api: &Api, cart: &str, token: Option<&str>, items: Value) -> Value {
    api.call(
        Method::POST,
        &format!("/api/v1/carts/{cart}/items"),
        token,
        Some(json!({ "items": items })),
    )
    .await
    .ok(200)
    .clone()
}

#[tokio::test]
async fn a_guest_fills_a_cart_signs_up_claims_it_and_checks_out() {
    let api = Api::new().await;

    // A guest opens a cart: empty, nobody's, totals at zero.
    let opened = api.call(Method::POST, "/api/v1/carts", None, None).await;
    let cart = opened.ok(201).clone();
    let id = cart["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "{cart}");
    assert_eq!(cart["owner"], Value::Null);
    assert_eq!(cart["lines"], json!([]));
    assert_eq!(amount(&cart["total_ttc"]), d("0"));

    // A shop link fills it with several articles at once, by reference or id.
    let cart = add(
        &api,
        &id,
        None,
        json!([
            {"article": "VIS-M6", "quantity": 2},
            {"article": api.livre.id.to_string(), "quantity": 1},
            {"article": "PERC-18V", "quantity": 1},
        ]),
    )
    .await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 3, "{cart}");
    assert_eq!(line(&cart, "VIS-M6")["quantity"], 2);
    assert_eq!(line(&cart, "VIS-M6")["in_stock"], true);
    assert_eq!(line(&cart, "LIVRE-01")["article"], api.livre.id.to_string());

    // Change a quantity, remove an article, add one again.
    let cart = api
        .call(
            Method::PUT,
            &format!("/api/v1/carts/{id}/items/VIS-M6"),
            None,
            Some(json!({"quantity": 3})),
        )
        .await;
    assert_eq!(line(cart.ok(200), "VIS-M6")["quantity"], 3);
    let cart = api
        .call(
            Method::DELETE,
            &format!("/api/v1/carts/{id}/items/LIVRE-01"),
            None,
            None,
        )
        .await;
    assert_eq!(cart.ok(200)["lines"].as_array().unwrap().len(), 2);
    add(
        &api,
        &id,
        None,
        json!([{"article": "LIVRE-01", "quantity": 2}]),
    )
    .await;

    // The totals: 3 x 12.50 and 89.90 at 20 %, 2 x 4.99 at 5.5 %.
    let view = api
        .call(Method::GET, &format!("/api/v1/carts/{id}"), None, None)
        .await;
    let view = view.ok(200);
    assert_eq!(amount(&line(view, "VIS-M6")["net"]), d("37.50"));
    assert_eq!(amount(&line(view, "VIS-M6")["vat"]), d("7.50"));
    assert_eq!(amount(&line(view, "LIVRE-01")["total"]), d("10.53"));
    assert_eq!(amount(&line(view, "PERC-18V")["unit_price"]), d("89.90"));
    assert_eq!(amount(&view["total_ht"]), d("137.38"));
    assert_eq!(view["vat_breakdown"].as_array().unwrap().len(), 2);
    assert_eq!(amount(&view["total_vat"]), d("26.03"));
    assert_eq!(amount(&view["total_ttc"]), d("163.41"));

    // Checking out needs an account.
    let refused = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{id}/checkout"),
            None,
            Some(json!({"delivery_address": "0190aaaa-0000-7000-8000-000000000000"})),
        )
        .await;
    let problem = refused.problem(401, "unauthorized");
    assert!(
        problem["detail"].as_str().unwrap().contains("sign up"),
        "{problem}"
    );
    assert_eq!(refused.headers[header::WWW_AUTHENTICATE], "Bearer");
    // Even with a body that is not right: log in first.
    api.call_raw(
        Method::POST,
        &format!("/api/v1/carts/{id}/checkout"),
        None,
        "{",
    )
    .await
    .problem(401, "unauthorized");

    // Sign up, log in, claim the cart: the items are kept.
    let (token, person, address) = customer(&api, "marie@example.fr").await;
    let claimed = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{id}/claim"),
            Some(&token),
            None,
        )
        .await;
    let claimed = claimed.ok(200).clone();
    assert_eq!(claimed["owner"], person.as_str());
    assert_eq!(claimed["lines"].as_array().unwrap().len(), 3);
    let own = claimed["id"].as_str().unwrap().to_owned();
    // The cart is the customer's now: a guest no longer reaches it.
    api.call(Method::GET, &format!("/api/v1/carts/{own}"), None, None)
        .await
        .problem(404, "not_found");
    // Opening a cart gives the customer this one back: nothing is created.
    let again = api
        .call(Method::POST, "/api/v1/carts", Some(&token), None)
        .await;
    assert_eq!(again.ok(200)["id"], own.as_str());

    let placed = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{own}/checkout"),
            Some(&token),
            Some(json!({"delivery_address": address})),
        )
        .await;
    let placed = placed.ok(201);
    let order = &placed["order"];
    assert_eq!(order["state"], "VALIDATED", "{placed}");
    assert_eq!(order["source"], "online");
    assert_eq!(order["customer"], person.as_str());
    assert_eq!(order["delivery_address"], address.as_str());
    assert!(order["number"].as_str().unwrap().starts_with("WEB-"));
    assert_eq!(order["lines"].as_array().unwrap().len(), 3);
    assert_eq!(amount(&order["total_ttc"]), d("163.41"));
    assert_eq!(placed["reduced"], json!([]));
    assert_eq!(placed["replayed"], false);

    // The cart is gone, the stock taken, the order the customer's.
    api.call(
        Method::GET,
        &format!("/api/v1/carts/{own}"),
        Some(&token),
        None,
    )
    .await
    .problem(404, "not_found");
    assert_eq!(api.stock(&api.vis).await, 7);
    assert_eq!(api.stock(&api.livre).await, 3);
    assert_eq!(api.stock(&api.perceuse).await, 2);
    let number = order["number"].as_str().unwrap();
    let shown = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(shown.ok(200)["id"], order["id"]);
}

#[tokio::test]
async fn a_customer_reaches_only_their_own_cart_and_guests_carts() {
    let api = Api::new().await;
    let (marie, _, marie_address) = customer(&api, "marie@example.fr").await;
    let (paul, paul_id, paul_address) = customer(&api, "paul@example.fr").await;
    let cart = open(&api, Some(&marie)).await;
    add(
        &api,
        &cart,
        Some(&marie),
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    assert_eq!(
        open(&api, Some(&marie)).await,
        cart,
        "one cart per customer"
    );

    let path = format!("/api/v1/carts/{cart}");
    for token in [Some(paul.as_str()), None] {
        api.call(Method::GET, &path, token, None)
            .await
            .problem(404, "not_found");
        api.call(
            Method::POST,
            &format!("{path}/items"),
            token,
            Some(json!({"items": [{"article": "VIS-M6", "quantity": 1}]})),
        )
        .await
        .problem(404, "not_found");
        api.call(Method::DELETE, &format!("{path}/items"), token, None)
            .await
            .problem(404, "not_found");
    }
    api.call(Method::POST, &format!("{path}/claim"), Some(&paul), None)
        .await
        .problem(404, "not_found");
    api.call(
        Method::POST,
        &format!("{path}/checkout"),
        Some(&paul),
        Some(json!({"delivery_address": paul_address})),
    )
    .await
    .problem(404, "not_found");
    // Nor does a customer order for someone else.
    api.call(
        Method::POST,
        &format!("{path}/checkout"),
        Some(&marie),
        Some(json!({"customer": paul_id, "delivery_address": paul_address})),
    )
    .await
    .problem(422, "validation");
    // Nor names his address: it is as if it did not exist.
    let refused = api
        .call(
            Method::POST,
            &format!("{path}/checkout"),
            Some(&marie),
            Some(json!({"delivery_address": marie_address, "billing_address": paul_address})),
        )
        .await;
    assert_eq!(
        refused.problem(422, "validation")["field"],
        "billing_address"
    );

    // Marie's cart is as she left it; she empties it.
    let mine = api.call(Method::GET, &path, Some(&marie), None).await;
    assert_eq!(line(mine.ok(200), "VIS-M6")["quantity"], 1);
    let emptied = api
        .call(Method::DELETE, &format!("{path}/items"), Some(&marie), None)
        .await;
    assert_eq!(emptied.ok(200)["lines"], json!([]));
    assert_eq!(amount(&emptied.body["total_ttc"]), d("0"));
}

#[tokio::test]
async fn claiming_adds_a_guests_items_to_the_customers_own_cart() {
    let api = Api::new().await;
    let (token, person, _) = customer(&api, "marie@example.fr").await;
    let own = open(&api, Some(&token)).await;
    add(
        &api,
        &own,
        Some(&token),
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    let guest = open(&api, None).await;
    assert_ne!(guest, own);
    add(
        &api,
        &guest,
        None,
        json!([{"article": "VIS-M6", "quantity": 2}, {"article": "LIVRE-01", "quantity": 1}]),
    )
    .await;

    let claimed = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{guest}/claim"),
            Some(&token),
            None,
        )
        .await;
    let claimed = claimed.ok(200);
    assert_eq!(claimed["id"], own.as_str());
    assert_eq!(claimed["owner"], person.as_str());
    assert_eq!(line(claimed, "VIS-M6")["quantity"], 3);
    assert_eq!(line(claimed, "LIVRE-01")["quantity"], 1);
    api.call(Method::GET, &format!("/api/v1/carts/{guest}"), None, None)
        .await
        .problem(404, "not_found");

    // Only a customer claims, with a token.
    let other = open(&api, None).await;
    api.call(
        Method::POST,
        &format!("/api/v1/carts/{other}/claim"),
        None,
        None,
    )
    .await
    .problem(401, "unauthorized");
    let admin = api.admin_token().await;
    api.call(
        Method::POST,
        &format!("/api/v1/carts/{other}/claim"),
        Some(&admin),
        None,
    )
    .await
    .problem(403, "forbidden");
}

#[tokio::test]
async fn checkout_lists_every_short_article_and_can_go_on_with_what_is_available() {
    let api = Api::new().await;
    let (token, _, address) = customer(&api, "marie@example.fr").await;
    let cart = open(&api, Some(&token)).await;
    add(
        &api,
        &cart,
        Some(&token),
        json!([{"article": "VIS-M6", "quantity": 12}, {"article": "LIVRE-01", "quantity": 6}]),
    )
    .await;
    let view = api
        .call(
            Method::GET,
            &format!("/api/v1/carts/{cart}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(line(view.ok(200), "VIS-M6")["in_stock"], false);

    let checkout = format!("/api/v1/carts/{cart}/checkout");
    let short = api
        .call(
            Method::POST,
            &checkout,
            Some(&token),
            Some(json!({"delivery_address": address})),
        )
        .await;
    let problem = short.problem(409, "insufficient_stock");
    let shortages = problem["shortages"].as_array().unwrap();
    assert_eq!(shortages.len(), 2, "{problem}");
    let vis = shortages
        .iter()
        .find(|s| s["reference"] == "VIS-M6")
        .unwrap();
    assert_eq!(vis["requested"], 12);
    assert_eq!(vis["available"], 10);
    assert_eq!(vis["article"], api.vis.id.to_string());
    // Nothing was taken, the cart is kept.
    assert_eq!(api.stock(&api.vis).await, 10);
    api.call(
        Method::GET,
        &format!("/api/v1/carts/{cart}"),
        Some(&token),
        None,
    )
    .await
    .ok(200);

    let placed = api
        .call(
            Method::POST,
            &checkout,
            Some(&token),
            Some(json!({"delivery_address": address, "on_shortage": "take_available"})),
        )
        .await;
    let placed = placed.ok(201);
    assert_eq!(placed["reduced"].as_array().unwrap().len(), 2, "{placed}");
    assert_eq!(api.stock(&api.vis).await, 0);
    assert_eq!(api.stock(&api.livre).await, 0);
}

#[tokio::test]
async fn checkout_lists_lines_that_break_the_catalogues_rules() {
    let api = Api::new().await;
    let (token, _, address) = customer(&api, "marie@example.fr").await;
    let cart = open(&api, Some(&token)).await;
    add(
        &api,
        &cart,
        Some(&token),
        json!([{"article": "PERC-18V", "quantity": 3}]),
    )
    .await;
    let reply = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{cart}/checkout"),
            Some(&token),
            Some(json!({"delivery_address": address})),
        )
        .await;
    let problem = reply.problem(422, "invalid_lines");
    assert_eq!(problem["lines"][0]["code"], "above_maximum", "{problem}");
    assert_eq!(api.stock(&api.perceuse).await, 3);
}

#[tokio::test]
async fn bad_cart_requests_are_problems_naming_the_field() {
    let api = Api::new().await;
    let id = open(&api, None).await;
    let items = format!("/api/v1/carts/{id}/items");

    // Ids that are not carts.
    api.call(Method::GET, "/api/v1/carts/not-a-cart", None, None)
        .await
        .problem(404, "not_found");
    api.call(
        Method::GET,
        "/api/v1/carts/0190aaaa-0000-7000-8000-000000000000",
        None,
        None,
    )
    .await
    .problem(404, "not_found");

    // Bodies.
    api.call_raw(Method::POST, &items, None, "{\"items\": [")
        .await
        .problem(400, "malformed_json");
    let unknown = api
        .call(
            Method::POST,
            &items,
            None,
            Some(json!({"items": [{"article": "VIS-M6", "quantity": 1, "price": "0.01"}]})),
        )
        .await;
    assert!(unknown.problem(422, "validation")["detail"]
        .as_str()
        .unwrap()
        .contains("price"));
    let cases = [
        (json!({"items": []}), "items"),
        (
            json!({"items": [{"article": "VIS-M6", "quantity": 0}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"article": "VIS-M6", "quantity": 1}, {"article": "VIS-M6", "quantity": 1_000_001}]}),
            "items[1].quantity",
        ),
        (
            json!({"items": [{"article": "VIS-M6", "quantity": -1}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"article": "", "quantity": 1}]}),
            "items[0].article",
        ),
    ];
    for (body, field) in cases {
        let reply = api
            .call(Method::POST, &items, None, Some(body.clone()))
            .await;
        assert_eq!(
            reply.problem(422, "validation")["field"],
            field,
            "{body}: {}",
            reply.text
        );
    }
    let many: Vec<Value> = (0..201)
        .map(|_| json!({"article": "VIS-M6", "quantity": 1}))
        .collect();
    let reply = api
        .call(Method::POST, &items, None, Some(json!({ "items": many })))
        .await;
    assert_eq!(reply.problem(422, "validation")["field"], "items");

    // Unknown articles: every one listed, nothing added.
    let reply = api
        .call(
            Method::POST,
            &items,
            None,
            Some(json!({"items": [
                {"article": "VIS-M6", "quantity": 1},
                {"article": "NOPE-1", "quantity": 1},
                {"article": "NOPE-2", "quantity": 1},
            ]})),
        )
        .await;
    let problem = reply.problem(422, "invalid_lines");
    assert_eq!(problem["lines"].as_array().unwrap().len(), 2, "{problem}");
    assert_eq!(problem["lines"][0]["line"], 2);
    assert_eq!(problem["lines"][0]["article"], "NOPE-1");
    let view = api
        .call(Method::GET, &format!("/api/v1/carts/{id}"), None, None)
        .await;
    assert_eq!(view.ok(200)["lines"], json!([]));

    // One article: not in the cart, there is nothing at its address.
    let one = format!("{items}/VIS-M6");
    api.call(Method::PUT, &one, None, Some(json!({"quantity": 2})))
        .await
        .problem(404, "not_found");
    api.call(Method::DELETE, &one, None, None)
        .await
        .problem(404, "not_found");
    api.call(
        Method::PUT,
        &format!("{items}/NOPE-1"),
        None,
        Some(json!({"quantity": 2})),
    )
    .await
    .problem(404, "not_found");
    add(
        &api,
        &id,
        None,
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    let zero = api
        .call(Method::PUT, &one, None, Some(json!({"quantity": 0})))
        .await;
    assert_eq!(zero.problem(422, "validation")["field"], "quantity");
    let text = api
        .call(Method::PUT, &one, None, Some(json!({"quantity": "two"})))
        .await;
    assert_eq!(text.problem(422, "validation")["field"], "quantity");
    let wrong_method = api
        .call(Method::PATCH, &one, None, Some(json!({"quantity": 2})))
        .await;
    wrong_method.problem(405, "method_not_allowed");

    // Checkout.
    let (token, _, address) = customer(&api, "marie@example.fr").await;
    let own = open(&api, Some(&token)).await;
    let checkout = format!("/api/v1/carts/{own}/checkout");
    let empty = api
        .call(
            Method::POST,
            &checkout,
            Some(&token),
            Some(json!({"delivery_address": address})),
        )
        .await;
    assert_eq!(empty.problem(422, "validation")["field"], "cart");
    let cases = [
        (json!({"delivery_address": "somewhere"}), "delivery_address"),
        (
            json!({"delivery_address": address, "billing_address": "x"}),
            "billing_address",
        ),
        (json!({"delivery_address": address, "payer": "x"}), "payer"),
        (
            json!({"delivery_address": address, "customer": "x"}),
            "customer",
        ),
        (
            json!({"delivery_address": address, "on_shortage": "wait"}),
            "on_shortage",
        ),
    ];
    for (body, field) in cases {
        let reply = api
            .call(Method::POST, &checkout, Some(&token), Some(body.clone()))
            .await;
        let problem = reply.problem(422, "validation");
        assert!(
            problem["field"] == field || problem["detail"].as_str().unwrap().contains(field),
            "{body}: {}",
            reply.text
        );
    }
    // Staff check out for a named customer only.
    let admin = api.admin_token().await;
    add(
        &api,
        &own,
        Some(&token),
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    // Without a delivery address, the customer's default one; she has none yet.
    let missing = api
        .call(Method::POST, &checkout, Some(&token), Some(json!({})))
        .await;
    assert_eq!(
        missing.problem(422, "validation")["field"],
        "delivery_address"
    );
    let nobody = api
        .call(
            Method::POST,
            &checkout,
            Some(&admin),
            Some(json!({"delivery_address": address})),
        )
        .await;
    assert_eq!(nobody.problem(422, "validation")["field"], "customer");
}

fn guest_body(email: &str) -> Value {
    json!({
        "first_name": "Léa",
        "last_name": "Invitée",
        "email": email,
        "mobile": "06 12 34 56 78",
        "delivery_address": {"lines": "8 place du Marché", "postal_code": "31000", "town": "Toulouse"},
    })
}

#[tokio::test]
async fn a_guest_checks_out_without_an_account_and_follows_the_order_with_the_token() {
    let api = Api::new().await;
    let cart = open(&api, None).await;
    add(
        &api,
        &cart,
        None,
        json!([{"article": "VIS-M6", "quantity": 2}]),
    )
    .await;
    let placed = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{cart}/guest-checkout"),
            None,
            Some(guest_body("lea@example.fr")),
        )
        .await;
    let body = placed.ok(201).clone();
    let number = body["order"]["order"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = body["token"]
        .as_str()
        .expect("a first order opens the account")
        .to_owned();
    assert!(body["expires_at"].is_string());
    let order = api
        .call(
            Method::GET,
            &format!("/api/v1/orders/{number}"),
            Some(&token),
            None,
        )
        .await;
    order.ok(200);
    // The same email again: the same account, no token given.
    let second = open(&api, None).await;
    add(
        &api,
        &second,
        None,
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    let again = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{second}/guest-checkout"),
            None,
            Some(guest_body("LEA@example.fr")),
        )
        .await;
    let again = again.ok(201).clone();
    assert!(again["token"].is_null(), "{again}");
    let mine = api
        .call(
            Method::GET,
            &format!(
                "/api/v1/orders/{}",
                again["order"]["order"]["number"].as_str().unwrap()
            ),
            Some(&token),
            None,
        )
        .await;
    mine.ok(200);
    // An email with a password account logs in instead; a missing phone is named.
    let third = open(&api, None).await;
    add(
        &api,
        &third,
        None,
        json!([{"article": "VIS-M6", "quantity": 1}]),
    )
    .await;
    let taken = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{third}/guest-checkout"),
            None,
            Some(guest_body(ADMIN)),
        )
        .await;
    taken.problem(409, "account_exists");
    let mut no_phone = guest_body("paul@example.fr");
    no_phone["mobile"] = json!("");
    let refused = api
        .call(
            Method::POST,
            &format!("/api/v1/carts/{third}/guest-checkout"),
            None,
            Some(no_phone),
        )
        .await;
    assert_eq!(refused.problem(422, "validation")["field"], "mobile");
}
