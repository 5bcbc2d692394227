//! The world the matrix runs in, built through the API as its users would build it (and
//! `oms-admin` only for the first administrator): two customers, two order takers at two
//! sites, two programs and an administrator, each with what is theirs — people,
//! addresses, companies, carts, orders, payments, invoices — so that every role can be
//! handed the ids of another party.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use oms_e2e::admin::Admin;
use oms_e2e::api::{Response, Server};
use oms_e2e::databases::TestDatabase;
use serde_json::{json, Value};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Anonymous,
    CustomerA,
    CustomerB,
    TakerParis,
    TakerLyon,
    ProgramOne,
    ProgramTwo,
    Administrator,
}

/// Every role, in the matrix's column order.
pub const ROLES: [Role; 8] = [
    Role::Anonymous,
    Role::CustomerA,
    Role::CustomerB,
    Role::TakerParis,
    Role::TakerLyon,
    Role::ProgramOne,
    Role::ProgramTwo,
    Role::Administrator,
];

impl Role {
    /// Its name in the matrix.
    pub fn label(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::CustomerA => "customer A",
            Role::CustomerB => "customer B",
            Role::TakerParis => "taker PAR",
            Role::TakerLyon => "taker LYO",
            Role::ProgramOne => "program P1",
            Role::ProgramTwo => "program P2",
            Role::Administrator => "admin",
        }
    }

    /// The party of the same kind whose ids this role is handed: the other customer, the
    /// order taker of the other site, the other program.
    pub fn counterpart(self) -> Role {
        match self {
            Role::CustomerA => Role::CustomerB,
            Role::CustomerB => Role::CustomerA,
            Role::TakerParis => Role::TakerLyon,
            Role::TakerLyon => Role::TakerParis,
            Role::ProgramOne => Role::ProgramTwo,
            Role::ProgramTwo => Role::ProgramOne,
            // The administrator may use everything: its "other party" is customer A.
            Role::Anonymous | Role::Administrator => Role::CustomerA,
        }
    }

    pub fn is_customer(self) -> bool {
        matches!(self, Role::CustomerA | Role::CustomerB)
    }

    pub fn is_taker(self) -> bool {
        matches!(self, Role::TakerParis | Role::TakerLyon)
    }

    pub fn is_program(self) -> bool {
        matches!(self, Role::ProgramOne | Role::ProgramTwo)
    }
}

/// What one party owns, and how it logs in.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub login: String,
    pub password: String,
    pub token: String,
    /// Its account.
    pub account: String,
    /// A customer: themselves. An order taker, a program, the administrator: the customer
    /// they order for (registered at the counter, or by the administrator).
    pub person: String,
    /// The person's delivery address.
    pub address: String,
    /// The person's billing address.
    pub billing: String,
    /// The link between the person and the billing address.
    pub billing_link: String,
    /// A company the person belongs to, and the company's address.
    pub company: String,
    pub company_address: String,
    /// A validated order, invoiced, with a payment (its number, its id); its invoice; that
    /// payment.
    pub order: String,
    pub order_id: String,
    pub invoice: String,
    pub payment: String,
    /// A validated order with something left to pay (for a customer, a second order; for
    /// the others, `order`, paid in part).
    pub unpaid: String,
    /// Customers only: their cart (with an item), a guest cart of theirs to claim, the
    /// processor's reference of the card payment of `order`.
    pub cart: String,
    pub guest_cart: String,
    pub card_reference: String,
    /// Customers only: guest carts with an item, one for each checkout that must be
    /// refused (a checkout let through would empty its cart, and the next would be
    /// refused for the empty cart rather than for the ids).
    pub checkout_carts: Vec<String>,
    /// Customers only: addresses of their own address book, one to change and one to
    /// remove.
    pub book_change: String,
    pub book_remove: String,
    /// Order takers and the administrator only: a draft with two lines to edit; drafts to
    /// validate and to delete; validated orders to cancel and to fulfil; a pending payment
    /// on account to settle; a link to remove; the draft's planned delivery date.
    pub draft: String,
    pub to_validate: String,
    pub to_delete: String,
    pub to_cancel: String,
    pub to_fulfil: String,
    pub pending_payment: String,
    pub spare_link: String,
    pub planned_delivery: String,
}

impl Side {
    /// Every id of the side.
    fn ids(&self) -> Vec<&String> {
        let mut ids = vec![
            &self.account,
            &self.person,
            &self.address,
            &self.billing,
            &self.billing_link,
            &self.company,
            &self.company_address,
            &self.order,
            &self.order_id,
            &self.invoice,
            &self.payment,
            &self.unpaid,
            &self.cart,
            &self.guest_cart,
            &self.draft,
            &self.to_validate,
            &self.to_delete,
            &self.to_cancel,
            &self.to_fulfil,
            &self.pending_payment,
            &self.spare_link,
        ];
        ids.extend(&self.checkout_carts);
        ids.retain(|id| !id.is_empty());
        ids
    }
}

/// Everything the rules refer to.
#[derive(Debug)]
pub struct World {
    sides: BTreeMap<Role, Side>,
    /// A guest's cart (nobody's), with the article in it.
    pub guest_cart: String,
    /// For each role, a guest's cart with the article in it, to check out as a guest.
    pub guest_checkout_carts: BTreeMap<Role, String>,
    /// An article's reference, in stock.
    pub article: String,
    /// A VAT code as it is (code, label, rate, default).
    pub vat_code: Value,
    /// An account nobody uses, to disable and enable.
    pub spare_account: String,
    /// An outbox message (sent).
    pub message: String,
    /// The test card processor's callback that confirmed customer A's payment, and its
    /// signature.
    pub callback: (String, String),
}

impl World {
    /// The side of a role (the administrator's for anonymous, never used as theirs).
    pub fn side(&self, role: Role) -> &Side {
        let role = if role == Role::Anonymous {
            Role::Administrator
        } else {
            role
        };
        &self.sides[&role]
    }

    /// The side whose ids this role is handed.
    pub fn other(&self, role: Role) -> &Side {
        &self.sides[&role.counterpart()]
    }

    /// The token of a role (none for anonymous).
    pub fn token(&self, role: Role) -> Option<&str> {
        (role != Role::Anonymous).then(|| self.side(role).token.as_str())
    }

    /// The ids of every party but the role's own (the administrator's side counts as
    /// another party for anonymous callers).
    pub fn foreign_ids(&self, role: Role) -> Vec<String> {
        let own: Vec<&String> = if role == Role::Anonymous {
            Vec::new()
        } else {
            self.side(role).ids()
        };
        let mut ids: Vec<String> = self
            .sides
            .values()
            .flat_map(Side::ids)
            .filter(|id| !own.contains(id))
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Every side, with its role.
    pub fn parties(&self) -> impl Iterator<Item = (Role, &Side)> {
        self.sides.iter().map(|(r, s)| (*r, s))
    }
}

/// How many checkouts with another customer's ids the rules try per customer.
pub const CHECKOUT_REFUSALS: usize = 6;

/// The idempotency key a program sends with its order.
pub fn idempotency_key(role: Role) -> String {
    format!("matrix-order-{}", role.label().replace(' ', "-"))
}

pub const ADMIN_LOGIN: &str = "admin@matrix.example.fr";
pub const ADMIN_PASSWORD: &str = "the administrator's long phrase";
/// Shared by the server and the test to sign the card processor's callbacks.
pub const PAYMENT_SECRET: &str = "the test processor's shared secret";

/// The server's configuration: the test card processor's secret, a seller for the
/// invoices, an outbox worker that does not make the test wait.
pub const SERVER_ENV: &[(&str, &str)] = &[
    ("OMS_TEST_PAYMENT_SECRET", PAYMENT_SECRET),
    ("OMS_OUTBOX_INTERVAL_MS", "100"),
    ("OMS_ONLINE_SITE", "WEB"),
    ("OMS_SELLER_NAME", "Quincaillerie Matrice"),
    ("OMS_SELLER_LEGAL_FORM", "SAS"),
    ("OMS_SELLER_CAPITAL", "10000"),
    ("OMS_SELLER_SIREN", "123 456 782"),
    ("OMS_SELLER_SIRET", "123 456 782 00010"),
    ("OMS_SELLER_RCS_TOWN", "Lyon"),
    ("OMS_SELLER_ADDRESS", "4 quai du Port"),
    ("OMS_SELLER_POSTAL_CODE", "69002"),
    ("OMS_SELLER_TOWN", "Lyon"),
    ("OMS_SELLER_EMAIL", "ventes@matrice.example.fr"),
];

/// The first administrator, made with `oms-admin` before the server starts (the API
/// cannot: accounts are created by administrators).
pub fn first_administrator(db: &TestDatabase) {
    Admin::on(db).ok_with_input(
        &["create-admin", ADMIN_LOGIN, "--password-stdin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
}

/// The test processor's signature of a callback body: HMAC-SHA256 under the shared
/// secret, in hex, as the processor's documentation says.
pub fn sign(body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(PAYMENT_SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Calls the API as one party during the build, which must succeed.
struct Builder<'s> {
    server: &'s Server,
    admin: String,
    label: &'static str,
    serial: u32,
}

impl Builder<'_> {
    fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let r = self
            .server
            .request(method, path, Some(token), body.as_deref(), &[]);
        self.check(method, path, &r)
    }

    fn check(&self, method: &str, path: &str, r: &Response) -> Value {
        assert!(
            (200..300).contains(&r.status),
            "[{}] building the world: {method} {path} answered {}: {}",
            self.label,
            r.status,
            r.body
        );
        r.json()
    }

    fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.call("POST", path, token, Some(body))
    }

    fn get(&self, path: &str, token: &str) -> Value {
        self.call("GET", path, token, None)
    }

    fn log_in(&self, login: &str, password: &str) -> String {
        let r = self.server.post(
            "/api/v1/auth/login",
            None,
            &json!({"login": login, "password": password}),
        );
        self.check("POST", &format!("/api/v1/auth/login (as {login})"), &r)["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }

    /// A new address, linked to a party (`kind`: person-address or company-address).
    fn linked_address(
        &mut self,
        kind: &str,
        owner: &str,
        role: &str,
        street: &str,
    ) -> (String, String) {
        let n = self.next();
        let address = self.post(
            "/api/v1/addresses",
            &self.admin.clone(),
            json!({"lines": format!("{n} {street}"), "postal_code": "69003", "town": "Lyon"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let link = self.post(
            "/api/v1/links",
            &self.admin.clone(),
            json!({"kind": kind, "from": owner, "to": address, "role": role}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (address, link)
    }

    /// A company the person belongs to, with an address; and a billing address of the
    /// person's own.
    fn company_and_billing(&mut self, side: &mut Side, name: &str) {
        let company = self.post(
            "/api/v1/companies",
            &self.admin.clone(),
            json!({"name": name}),
        );
        side.company = company["id"].as_str().unwrap().to_owned();
        self.post(
            "/api/v1/links",
            &self.admin.clone(),
            json!({"kind": "company-person", "from": side.company, "to": side.person, "role": "customer"}),
        );
        let company_id = side.company.clone();
        (side.company_address, _) = self.linked_address(
            "company-address",
            &company_id,
            "recipient",
            "rue de la Société",
        );
        let person = side.person.clone();
        (side.billing, side.billing_link) =
            self.linked_address("person-address", &person, "payer", "rue de la Facture");
    }

    /// A customer registered by `token` (at the counter, or by the administrator).
    fn registered_customer(&mut self, token: &str, name: &str) -> (String, String) {
        let n = self.next();
        let r = self.post(
            "/api/v1/customers",
            token,
            json!({"person": {"last_name": name, "first_name": "Client",
                              "email": format!("client{n}@matrix.example.fr"),
                              "mobile": format!("06 11 22 33 {:02}", n % 100)},
                   "address": {"lines": format!("{n} rue du Comptoir"), "postal_code": "75011", "town": "Paris"}}),
        );
        (
            r["person"]["id"].as_str().unwrap().to_owned(),
            r["address"]["id"].as_str().unwrap().to_owned(),
        )
    }

    fn order_body(&self, side: &Side, article: &str) -> Value {
        json!({"customer": side.person, "delivery_address": side.address,
               "billing_address": side.billing,
               "lines": [{"article": article, "quantity": 3}]})
    }

    /// A draft at the caller's site (the administrator names Paris), with two lines.
    fn draft(&self, token: &str, side: &Side, article: &str, site: Option<&str>) -> Value {
        let mut body = self.order_body(side, article);
        body["lines"] =
            json!([{"article": article, "quantity": 3}, {"article": article, "quantity": 1}]);
        body["source"] = json!("phone");
        if let Some(site) = site {
            body["site"] = json!(site);
        }
        self.post("/api/v1/drafts", token, body)
    }

    fn validated(&self, token: &str, side: &Side, article: &str, site: Option<&str>) -> String {
        let number = self.draft(token, side, article, site)["number"]
            .as_str()
            .unwrap()
            .to_owned();
        self.post(
            &format!("/api/v1/orders/{number}/validate"),
            token,
            json!({}),
        );
        number
    }

    /// A manual payment, in part; its id.
    fn manual_payment(&self, token: &str, order: &str, method: &str) -> String {
        self.post(
            &format!("/api/v1/orders/{order}/payments/manual"),
            token,
            json!({"method": method, "amount": "1.00"}),
        )["payment"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A guest's cart, with one of the article in it when one is named.
    fn guest_cart(&self, article: Option<&str>) -> String {
        let r = self.server.post("/api/v1/carts", None, &json!(null));
        let cart = self.check("POST", "/api/v1/carts", &r)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        if let Some(article) = article {
            let r = self.server.post(
                &format!("/api/v1/carts/{cart}/items"),
                None,
                &json!({"items": [{"article": article, "quantity": 1}]}),
            );
            self.check("POST", "/api/v1/carts/{id}/items", &r);
        }
        cart
    }

    /// A message the outbox worker has sent (waiting for one, within a bound).
    fn sent_message(&self) -> String {
        let limit = Duration::from_secs(60);
        let start = Instant::now();
        loop {
            let messages = self.get("/api/v1/outbox?status=sent&limit=1", &self.admin);
            if let Some(id) = messages["items"][0]["id"].as_str() {
                return id.to_owned();
            }
            assert!(
                start.elapsed() < limit,
                "[{}] no message was sent within {limit:?}",
                self.label
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the outbox worker to issue the order's invoice; its number.
    fn invoice_of(&self, order: &str) -> String {
        let limit = Duration::from_secs(90);
        let start = Instant::now();
        loop {
            let invoices = self.get(&format!("/api/v1/orders/{order}/invoices"), &self.admin);
            if let Some(number) = invoices["items"][0]["number"].as_str() {
                return number.to_owned();
            }
            assert!(
                start.elapsed() < limit,
                "[{}] the invoice of {order} was not issued within {limit:?}",
                self.label
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Builds the world on a running server whose database has its first administrator.
pub fn build(server: &Server, label: &'static str) -> World {
    let mut b = Builder {
        server,
        admin: String::new(),
        label,
        serial: 0,
    };
    b.admin = b.log_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    let admin = b.admin.clone();

    // Sites, and an article with plenty of stock.
    let mut sites = BTreeMap::new();
    for (code, name) in [
        ("PAR", "Agence Paris"),
        ("LYO", "Agence Lyon"),
        ("WEB", "Boutique en ligne"),
    ] {
        let r = server.post(
            "/api/v1/companies",
            Some(&admin),
            &json!({"name": name, "site_code": code}),
        );
        if r.status != 409 {
            sites.insert(
                code,
                b.check("POST", "/api/v1/companies", &r)["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    let article = "VIS-MATRICE".to_owned();
    b.post(
        "/api/v1/articles",
        &admin,
        json!({"reference": article, "designation": "Vis de la matrice", "unit_price": "10.00", "initial_stock": 100000}),
    );
    let vat_code =
        json!({"code": "MATRICE", "label": "Taux de la matrice", "rate": "20", "default": false});
    b.call(
        "PUT",
        "/api/v1/vat-codes/MATRICE",
        &admin,
        Some(json!({"label": vat_code["label"], "rate": vat_code["rate"], "default": false})),
    );

    let mut sides = BTreeMap::new();

    // The customers sign up, are given a company and a billing address, fill a cart,
    // order twice and pay the first order by card.
    for (role, name) in [(Role::CustomerA, "Aubert"), (Role::CustomerB, "Bernard")] {
        let mut side = Side {
            login: format!("{}@matrix.example.fr", name.to_lowercase()),
            password: format!("{name}'s long phrase"),
            ..Side::default()
        };
        let signed = server.post(
            "/api/v1/auth/signup",
            None,
            &json!({"last_name": name, "first_name": "Client", "email": side.login, "password": side.password,
                    "address": {"lines": format!("1 rue {name}"), "postal_code": "69001", "town": "Lyon",
                                "access_notes": format!("code porte de {name}")}}),
        );
        let signed = b.check("POST", "/api/v1/auth/signup", &signed);
        side.account = signed["account"]["id"].as_str().unwrap().to_owned();
        side.person = signed["person"]["id"].as_str().unwrap().to_owned();
        side.address = signed["address"]["id"].as_str().unwrap().to_owned();
        side.token = b.log_in(&side.login, &side.password);
        b.company_and_billing(&mut side, &format!("{name} SARL"));
        let token = side.token.clone();
        side.cart = b.post("/api/v1/carts", &token, json!(null))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        b.post(
            &format!("/api/v1/carts/{}/items", side.cart),
            &token,
            json!({"items": [{"article": article, "quantity": 2}]}),
        );
        for spare in [&mut side.book_change, &mut side.book_remove] {
            *spare = b.post(
                "/api/v1/me/addresses",
                &token,
                json!({"address": {"lines": "2 rue du Carnet", "postal_code": "69002", "town": "Lyon"}}),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned();
        }
        side.guest_cart = b.guest_cart(None);
        side.checkout_carts = (0..CHECKOUT_REFUSALS)
            .map(|_| b.guest_cart(Some(&article)))
            .collect();
        let placed = b.post("/api/v1/orders", &token, b.order_body(&side, &article));
        side.order = placed["order"]["number"].as_str().unwrap().to_owned();
        let placed = b.post("/api/v1/orders", &token, b.order_body(&side, &article));
        side.unpaid = placed["order"]["number"].as_str().unwrap().to_owned();
        let started = b.post(
            &format!("/api/v1/orders/{}/payments", side.order),
            &token,
            json!({"method": "card", "card_number": "4242 4242 4242 4242"}),
        );
        side.payment = started["payment"]["id"].as_str().unwrap().to_owned();
        side.card_reference = started["payment"]["provider_reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let callback = json!({"reference": side.card_reference, "status": "succeeded"}).to_string();
        let signature = sign(&callback);
        let r = server.request(
            "POST",
            "/api/v1/payments/callbacks/test_card",
            None,
            Some(&callback),
            &[("X-Payment-Signature", &signature)],
        );
        b.check("POST", "/api/v1/payments/callbacks/test_card", &r);
        sides.insert(role, side);
    }

    // The order takers, each at a site, register a customer at the counter and take
    // orders from them; the administrator does the same (at Paris) and places an order
    // through the API.
    for (role, site, name) in [
        (Role::TakerParis, "PAR", "Perrin"),
        (Role::TakerLyon, "LYO", "Leroy"),
        (Role::Administrator, "PAR", "Admin"),
    ] {
        let mut side = if role == Role::Administrator {
            Side {
                login: ADMIN_LOGIN.to_owned(),
                password: ADMIN_PASSWORD.to_owned(),
                token: admin.clone(),
                ..Side::default()
            }
        } else {
            let login = format!("{}@matrix.example.fr", name.to_lowercase());
            let password = format!("{name}'s long phrase");
            let person = b.post(
                "/api/v1/people",
                &admin,
                json!({"last_name": name, "first_name": "Vendeur", "email": login}),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let account = b.post(
                "/api/v1/accounts",
                &admin,
                json!({"login": login, "password": password, "role": "order_taker",
                       "site": sites[site], "person": person}),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let token = b.log_in(&login, &password);
            Side {
                login,
                password,
                token,
                account,
                ..Side::default()
            }
        };
        let token = side.token.clone();
        (side.person, side.address) = b.registered_customer(&token, &format!("{name} Comptoir"));
        b.company_and_billing(&mut side, &format!("{name} et Fils"));
        let at = (role == Role::Administrator).then_some(site);
        side.order = if role == Role::Administrator {
            // The staff's order through the API (source api): a program must not see it.
            b.post("/api/v1/orders", &token, b.order_body(&side, &article))["order"]["number"]
                .as_str()
                .unwrap()
                .to_owned()
        } else {
            b.validated(&token, &side, &article, at)
        };
        side.payment = b.manual_payment(&token, &side.order, "bank_transfer");
        side.pending_payment = b.manual_payment(&token, &side.order, "on_account");
        side.unpaid = side.order.clone();
        let draft = b.draft(&token, &side, &article, at);
        side.draft = draft["number"].as_str().unwrap().to_owned();
        side.planned_delivery = draft["planned_delivery"].as_str().unwrap().to_owned();
        side.to_validate = b.draft(&token, &side, &article, at)["number"]
            .as_str()
            .unwrap()
            .to_owned();
        side.to_delete = b.draft(&token, &side, &article, at)["number"]
            .as_str()
            .unwrap()
            .to_owned();
        side.to_cancel = b.validated(&token, &side, &article, at);
        side.to_fulfil = b.validated(&token, &side, &article, at);
        let person = side.person.clone();
        (_, side.spare_link) =
            b.linked_address("person-address", &person, "recipient", "rue du Lien");
        sides.insert(role, side);
    }

    // The programs, each ordering for a customer the administrator registered.
    for (role, name) in [(Role::ProgramOne, "marketplace"), (Role::ProgramTwo, "erp")] {
        let login = format!("{name}@matrix.example.fr");
        let password = format!("{name}'s long phrase");
        let account = b.post(
            "/api/v1/accounts",
            &admin,
            json!({"login": login, "password": password, "role": "program"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let token = b.log_in(&login, &password);
        let mut side = Side {
            login,
            password,
            token: token.clone(),
            account,
            ..Side::default()
        };
        (side.person, side.address) = b.registered_customer(&admin, &format!("Client {name}"));
        b.company_and_billing(&mut side, &format!("{name} SA"));
        let r = server.request(
            "POST",
            "/api/v1/orders",
            Some(&token),
            Some(&b.order_body(&side, &article).to_string()),
            &[("Idempotency-Key", &idempotency_key(role))],
        );
        side.order = b.check("POST", "/api/v1/orders", &r)["order"]["number"]
            .as_str()
            .unwrap()
            .to_owned();
        side.payment = b.manual_payment(&admin, &side.order, "bank_transfer");
        side.unpaid = side.order.clone();
        sides.insert(role, side);
    }

    // The invoices, issued by the outbox worker.
    for side in sides.values_mut() {
        side.invoice = b.invoice_of(&side.order);
        side.order_id = b.get(&format!("/api/v1/orders/{}", side.order), &admin)["id"]
            .as_str()
            .unwrap()
            .to_owned();
    }

    let guest_cart = b.guest_cart(Some(&article));
    let guest_checkout_carts = ROLES
        .iter()
        .map(|role| (*role, b.guest_cart(Some(&article))))
        .collect();

    let spare_account = b.post(
        "/api/v1/accounts",
        &admin,
        json!({"login": "spare@matrix.example.fr", "password": "the spare's long phrase", "role": "program"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let message = b.sent_message();
    let a = &sides[&Role::CustomerA];
    let body = json!({"reference": a.card_reference, "status": "succeeded"}).to_string();
    let signature = sign(&body);
    World {
        sides,
        guest_cart,
        guest_checkout_carts,
        article,
        vat_code,
        spare_account,
        message,
        callback: (body, signature),
    }
}
