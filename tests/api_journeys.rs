//! The API as shipped (`oms-api`), over a real socket, on SQLite and (when one is given)
//! PostgreSQL: the site journey, the online journey (with its payment: a declined card,
//! then a good one confirmed by the test processor's signed callback), and a customer
//! reaching for another customer's order.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::Admin;
use oms_e2e::api::{Response, Server};
use oms_e2e::databases::{each_database, TestDatabase};
use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "the administrator's long phrase";

/// What the test card processor and the server share to sign and verify callbacks
/// (`OMS_TEST_PAYMENT_SECRET`).
const PAYMENT_SECRET: &str = "the test processor's shared secret";

/// The processor's signature of a callback body: HMAC-SHA256 under `secret`, in hex.
/// Written here from the processor's documentation, not taken from the server's code, so
/// that the test checks what a processor would send.
fn sign(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The test processor's callback, as it sends it over the socket.
fn processor_callback(server: &Server, body: &str, signature: &str) -> Response {
    server.request(
        "POST",
        "/api/v1/payments/callbacks/test_card",
        None,
        Some(body),
        &[("X-Payment-Signature", signature)],
    )
}

fn expect(response: &Response, status: u16, what: &str) -> Value {
    assert_eq!(response.status, status, "{what}: {}", response.body);
    response.json()
}

fn problem(response: &Response, status: u16, code: &str, what: &str) -> Value {
    let body = expect(response, status, what);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    assert_eq!(body["code"], code, "{what}: {body}");
    assert!(
        response.header("x-request-id").is_some(),
        "{what}: every response has a request id"
    );
    body
}

/// The demo data, a first administrator, and the server on them.
fn prepared(db: &TestDatabase) -> (Server, String) {
    let admin = Admin::on(db);
    admin.ok(&["demo-data"]);
    admin.ok_with_input(
        &["create-admin", "admin@example.fr", "--password-stdin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let server = Server::start_with(db, &[("OMS_TEST_PAYMENT_SECRET", PAYMENT_SECRET)]);
    let token = log_in(&server, "admin@example.fr", ADMIN_PASSWORD);
    (server, token)
}

fn log_in(server: &Server, login: &str, password: &str) -> String {
    let r = server.post(
        "/api/v1/auth/login",
        None,
        &json!({"login": login, "password": password}),
    );
    expect(&r, 200, "log in")["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_site_journey_from_phone_lookup_to_validation() {
    each_database("api_site_journey", |db| {
        let (server, admin) = prepared(db);
        let label = db.label;

        // The administrator gives the Lyon site an order taker.
        let sites = expect(&server.get("/api/v1/sites", Some(&admin)), 200, "sites");
        let lyon = sites
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["site_code"] == "LYO")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let person = server.post(
            "/api/v1/people",
            Some(&admin),
            &json!({"last_name": "Roux", "first_name": "Léa", "mobile": "07 00 00 00 01", "email": "lea.roux@fournisseur.example.fr"}),
        );
        let person = expect(&person, 201, "order taker's person")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let account = server.post(
            "/api/v1/accounts",
            Some(&admin),
            &json!({"login": "lea.roux@fournisseur.example.fr", "password": "léa's long phrase", "role": "order_taker", "site": lyon, "person": person}),
        );
        expect(&account, 201, "order taker's account");
        let taker = log_in(
            &server,
            "lea.roux@fournisseur.example.fr",
            "léa's long phrase",
        );

        // The customer calls and gives her phone number, written her way.
        let found = server.get(
            "/api/v1/customers?phone=%2B33%206%2012%2034%2056%2078",
            Some(&taker),
        );
        let found = expect(&found, 200, "lookup by phone");
        let elodie = &found.as_array().unwrap()[0];
        assert_eq!(elodie["last_name"], "Durand", "[{label}] {found}");
        let elodie_id = elodie["id"].as_str().unwrap().to_owned();
        let view = expect(
            &server.get(&format!("/api/v1/people/{elodie_id}"), Some(&taker)),
            200,
            "customer",
        );
        let address = view["addresses"][0]["address"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // A draft with an article that turns out to be short (3 bags of cement left).
        let draft = server.post(
            "/api/v1/drafts",
            Some(&taker),
            &json!({"customer": elodie_id, "delivery_address": address, "source": "phone",
                    "lines": [{"article": "SAC-CIMENT", "quantity": 10}, {"article": "GANTS-T9", "quantity": 2}]}),
        );
        let draft = expect(&draft, 201, "draft");
        let number = draft["number"].as_str().unwrap().to_owned();
        assert!(number.starts_with("LYO-"), "[{label}] {draft}");
        assert_eq!(draft["state"], "DRAFT");
        assert_eq!(
            draft["taken_by"],
            person.as_str(),
            "[{label}] the order carries its taker"
        );

        let short = server.post(
            &format!("/api/v1/orders/{number}/validate"),
            Some(&taker),
            &json!({}),
        );
        let short = problem(
            &short,
            409,
            "insufficient_stock",
            "validation of a short draft",
        );
        assert_eq!(
            short["shortages"][0]["reference"], "SAC-CIMENT",
            "[{label}] {short}"
        );
        assert_eq!(short["shortages"][0]["available"], 3, "[{label}] {short}");

        // Adjusted with the customer, then validated.
        let adjusted = server.request(
            "PATCH",
            &format!("/api/v1/orders/{number}/lines/1"),
            Some(&taker),
            Some(r#"{"quantity": 3}"#),
            &[],
        );
        expect(&adjusted, 200, "adjusting the line");
        let validated = server.post(
            &format!("/api/v1/orders/{number}/validate"),
            Some(&taker),
            &json!({}),
        );
        let validated = expect(&validated, 200, "validation");
        assert_eq!(validated["state"], "VALIDATED", "[{label}] {validated}");
        assert_eq!(validated["history"].as_array().unwrap().len(), 2);
        assert_eq!(
            validated["history"][1]["by"],
            "lea.roux@fournisseur.example.fr"
        );
        let cement = expect(
            &server.get("/api/v1/articles/SAC-CIMENT", None),
            200,
            "article",
        );
        assert_eq!(cement["stock"], 0, "[{label}] {cement}");

        // An illegal move is refused and changes nothing.
        let again = server.post(
            &format!("/api/v1/orders/{number}/delete"),
            Some(&taker),
            &json!({}),
        );
        problem(
            &again,
            409,
            "illegal_state_change",
            "deleting a validated order",
        );
    });
}

fn sign_up(server: &Server, first: &str, email: &str) -> (String, String, String) {
    let r = server.post(
        "/api/v1/auth/signup",
        None,
        &json!({"last_name": "Client", "first_name": first, "email": email, "password": "a long enough phrase",
                "address": {"lines": "5 rue Neuve", "postal_code": "69002", "town": "Lyon"}}),
    );
    let body = expect(&r, 201, "sign up");
    let person = body["person"]["id"].as_str().unwrap().to_owned();
    let address = body["address"]["id"].as_str().unwrap().to_owned();
    let token = log_in(server, email, "a long enough phrase");
    (token, person, address)
}

#[test]
fn the_online_journey_and_a_customer_reaching_for_another_s_order() {
    each_database("api_online_journey", |db| {
        let (server, _admin) = prepared(db);
        let label = db.label;

        // A guest fills a cart.
        let cart = expect(
            &server.post("/api/v1/carts", None, &json!({})),
            201,
            "guest cart",
        );
        let cart = cart["id"].as_str().unwrap().to_owned();
        let added = server.post(
            &format!("/api/v1/carts/{cart}/items"),
            None,
            &json!({"items": [{"article": "CASQUE-CH", "quantity": 2}, {"article": "LIVRE-BRICO", "quantity": 1}]}),
        );
        expect(&added, 200, "adding to the cart");
        let refused = server.post(
            &format!("/api/v1/carts/{cart}/checkout"),
            None,
            &json!({"delivery_address": "x"}),
        );
        problem(&refused, 401, "unauthorized", "a guest's checkout");

        // She signs up, logs in, keeps her cart, checks out.
        let (marie, _person, address) = sign_up(&server, "Marie", "marie@example.fr");
        let claimed = expect(
            &server.post(
                &format!("/api/v1/carts/{cart}/claim"),
                Some(&marie),
                &json!({}),
            ),
            200,
            "claim",
        );
        let cart = claimed["id"]
            .as_str()
            .or_else(|| claimed["cart"]["id"].as_str())
            .unwrap()
            .to_owned();
        let stock = |server: &Server| {
            expect(
                &server.get("/api/v1/articles/CASQUE-CH", None),
                200,
                "article",
            )["stock"]
                .as_u64()
                .unwrap()
        };
        let before = stock(&server);
        let placed = server.post(
            &format!("/api/v1/carts/{cart}/checkout"),
            Some(&marie),
            &json!({"delivery_address": address}),
        );
        let placed = expect(&placed, 201, "checkout");
        let order = &placed["order"];
        assert_eq!(order["state"], "VALIDATED", "[{label}] {placed}");
        assert_eq!(order["source"], "online");
        // 2 x 19.90 at 20 % and 24.00 at 5.5 %.
        assert_eq!(order["total_ht"], "63.80", "[{label}] {order}");
        let number = order["number"].as_str().unwrap().to_owned();
        assert_eq!(stock(&server), before - 2, "[{label}] the stock was taken");
        problem(
            &server.get(&format!("/api/v1/carts/{cart}"), Some(&marie)),
            404,
            "not_found",
            "the cart is emptied",
        );

        assert_eq!(order["payment"], "awaiting_payment", "[{label}] {order}");

        // She pays by card: declined at once. The order stays as it is, its last payment
        // failed, and she may pay again.
        let payments = format!("/api/v1/orders/{number}/payments");
        let declined = server.post(
            &payments,
            Some(&marie),
            &json!({"method": "card", "card_number": "4000 0000 0000 0002"}),
        );
        let declined = expect(&declined, 201, "a declined card");
        assert_eq!(
            declined["payment"]["status"], "failed",
            "[{label}] {declined}"
        );
        assert_eq!(declined["order"]["payment"], "last_payment_failed");
        let seen = expect(
            &server.get(&format!("/api/v1/orders/{number}"), Some(&marie)),
            200,
            "the order after a declined card",
        );
        assert_eq!(seen["state"], "VALIDATED", "[{label}] {seen}");
        assert_eq!(seen["payment"], "last_payment_failed", "[{label}] {seen}");

        // Another card: accepted, pending until the processor confirms it. The test
        // processor completes asynchronously, through its signed callback.
        let approved = server.post(
            &payments,
            Some(&marie),
            &json!({"method": "card", "card_number": "4242 4242 4242 4242"}),
        );
        let approved = expect(&approved, 201, "a good card");
        assert_eq!(
            approved["payment"]["status"], "pending",
            "[{label}] {approved}"
        );
        assert_eq!(approved["next_step"]["kind"], "await_provider");
        let reference = approved["payment"]["provider_reference"].as_str().unwrap();
        let body = json!({"reference": reference, "status": "succeeded"}).to_string();

        // A callback signed with another secret is refused; the processor's is recorded,
        // once, however many times it is sent.
        problem(
            &processor_callback(&server, &body, &sign("not the shared secret", &body)),
            401,
            "unauthorized",
            "a forged callback",
        );
        let signature = sign(PAYMENT_SECRET, &body);
        let confirmed = expect(
            &processor_callback(&server, &body, &signature),
            200,
            "the processor's callback",
        );
        assert_eq!(confirmed["status"], "succeeded", "[{label}] {confirmed}");
        assert_eq!(confirmed["changed"], true);
        let again = expect(
            &processor_callback(&server, &body, &signature),
            200,
            "the same callback again",
        );
        assert_eq!(again["changed"], false, "[{label}] {again}");

        let paid = expect(
            &server.get(&format!("/api/v1/orders/{number}"), Some(&marie)),
            200,
            "the paid order",
        );
        assert_eq!(paid["payment"], "paid", "[{label}] {paid}");
        assert_eq!(
            paid["state"], "VALIDATED",
            "payment does not move the order's state"
        );
        let listed = expect(&server.get(&payments, Some(&marie)), 200, "her payments");
        assert_eq!(listed["order"]["outstanding"], "0.00", "[{label}] {listed}");
        assert_eq!(listed["payments"].as_array().unwrap().len(), 2);

        // Another customer reaches for it: it does not exist for him.
        let (paul, _, _) = sign_up(&server, "Paul", "paul@example.fr");
        problem(
            &server.post(
                &payments,
                Some(&paul),
                &json!({"method": "card", "card_number": "4242424242424242"}),
            ),
            404,
            "not_found",
            "paying another customer's order",
        );
        problem(
            &server.get(&format!("/api/v1/orders/{number}"), Some(&paul)),
            404,
            "not_found",
            "another customer's order",
        );
        let mine = expect(
            &server.get(&format!("/api/v1/orders/{number}"), Some(&marie)),
            200,
            "her own order",
        );
        assert_eq!(mine["number"], number.as_str());
        let hers = expect(
            &server.get("/api/v1/orders", Some(&marie)),
            200,
            "her orders",
        );
        let found = hers["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["number"] == number.as_str())
            .unwrap_or_else(|| panic!("[{label}] {hers}"));
        assert_eq!(found["payment_state"], "paid", "[{label}] {found}");
        let listed = expect(
            &server.get("/api/v1/orders", Some(&paul)),
            200,
            "his orders",
        );
        assert_eq!(listed["total"], 0, "[{label}] {listed}");
    });
}
