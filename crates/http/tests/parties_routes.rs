//! The party routes over the real stores: companies, people, addresses, links, sites,
//! finding and registering customers, the change log, and the problems bad requests get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use axum::http::Method;
use harness::*;
use serde_json::{json, Value};

const NO_SUCH_ID: &str = "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69";

fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn companies_are_created_shown_with_their_family_and_links_and_changed() {
    let h = Harness::new().await;
    let created = h
        .post(
            "/api/v1/companies",
            h.admin(),
            json!({"name": "Durand SA", "email": "contact@durand.fr"}),
        )
        .await;
    let parent = created.ok(201);
    assert_eq!(parent["name"], "Durand SA");
    assert_eq!(parent["email"], "contact@durand.fr");
    assert_eq!(parent["parent"], Value::Null);
    let parent_id = id(parent);

    let child = h
        .post(
            "/api/v1/companies",
            h.admin(),
            json!({"name": "Durand Lyon", "parent": parent_id, "site_code": "dly"}),
        )
        .await;
    let child = child.ok(201);
    assert_eq!(child["site_code"], "DLY");
    let child_id = id(child);
    let person = h
        .post("/api/v1/people", h.admin(), json!({"last_name": "Martin"}))
        .await;
    let person_id = id(person.ok(201));
    h.post(
        "/api/v1/links",
        h.admin(),
        json!({"kind": "company-person", "from": parent_id, "to": person_id, "role": "payer"}),
    )
    .await
    .ok(201);

    let shown = h
        .get(&format!("/api/v1/companies/{parent_id}"), h.admin())
        .await;
    let shown = shown.ok(200);
    assert_eq!(shown["company"]["name"], "Durand SA");
    assert_eq!(shown["subsidiaries"][0]["id"], child_id.as_str());
    assert_eq!(
        shown["people"],
        json!([{"role": "payer", "id": person_id.as_str()}])
    );
    assert_eq!(shown["addresses"], json!([]));

    let changed = h
        .put(
            &format!("/api/v1/companies/{parent_id}"),
            h.admin(),
            json!({"name": "Durand et Fils"}),
        )
        .await;
    let changed = changed.ok(200);
    assert_eq!(changed["name"], "Durand et Fils");
    assert_eq!(changed["email"], Value::Null, "PUT replaces every field");
    let changes = h
        .get(
            &format!("/api/v1/changes?entity=societe&id={parent_id}"),
            h.admin(),
        )
        .await;
    let changes = changes.ok(200);
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(changes[0]["by"], "admin@example.fr");
    let entries = changes[0]["changes"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("name: ")),
        "{changes}"
    );
}

#[tokio::test]
async fn bad_company_requests_get_problems() {
    let h = Harness::new().await;
    h.post("/api/v1/companies", None, json!({"name": "X"}))
        .await
        .problem(401, "unauthorized");
    h.post("/api/v1/companies", h.customer(), json!({"name": "X"}))
        .await
        .problem(403, "forbidden");
    h.raw(
        Method::POST,
        "/api/v1/companies",
        h.admin(),
        Some("{\"name\": "),
    )
    .await
    .problem(400, "malformed_json");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "X", "siret": "123"}),
    )
    .await
    .problem(422, "validation");
    h.post("/api/v1/companies", h.admin(), json!({"name": 5}))
        .await
        .invalid("name");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "x".repeat(201)}),
    )
    .await
    .invalid("name");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "X", "parent": "not-an-id"}),
    )
    .await
    .invalid("parent");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "X", "parent": NO_SUCH_ID}),
    )
    .await
    .problem(404, "not_found");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "X", "site_code": "9"}),
    )
    .await
    .invalid("site_code");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "X", "email": "nope"}),
    )
    .await
    .invalid("email");
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "Autre boutique", "site_code": "WEB"}),
    )
    .await
    .problem(409, "duplicate");

    // A malformed id names nothing, like an unknown one.
    h.get("/api/v1/companies/not-an-id", h.admin())
        .await
        .problem(404, "not_found");
    h.get(&format!("/api/v1/companies/{NO_SUCH_ID}"), h.admin())
        .await
        .problem(404, "not_found");
    let own = id(h
        .post("/api/v1/companies", h.admin(), json!({"name": "Y"}))
        .await
        .ok(201));
    // Not the customer's: as if it did not exist.
    h.get(&format!("/api/v1/companies/{own}"), h.customer())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/companies/{own}"),
        h.admin(),
        json!({"name": "Y", "parent": own}),
    )
    .await
    .invalid("parent");
    h.put(
        &format!("/api/v1/companies/{own}"),
        h.customer(),
        json!({"name": "Z"}),
    )
    .await
    .problem(403, "forbidden");
    h.put(
        &format!("/api/v1/companies/{own}"),
        h.admin(),
        json!({"name": ""}),
    )
    .await
    .invalid("name");
}

#[tokio::test]
async fn people_are_shown_with_their_companies_and_addresses_and_customers_see_only_themselves() {
    let h = Harness::new().await;
    let created = h
        .post(
            "/api/v1/people",
            h.admin(),
            json!({"last_name": "Durand", "first_name": "Élodie", "mobile": "06 11 22 33 44", "email": "elodie@example.fr"}),
        )
        .await;
    let person = created.ok(201);
    assert_eq!(person["mobile"], "+33611223344");
    assert_eq!(person["first_name"], "Élodie");
    let person_id = id(person);

    let company = id(h
        .post("/api/v1/companies", h.admin(), json!({"name": "Durand SA"}))
        .await
        .ok(201));
    let address = id(h
        .post(
            "/api/v1/addresses",
            h.admin(),
            json!({"lines": "1 place Bellecour", "postal_code": "69002", "town": "Lyon"}),
        )
        .await
        .ok(201));
    for (kind, from, to, role) in [
        ("company-person", &company, &person_id, "customer"),
        ("person-address", &person_id, &address, "recipient"),
    ] {
        h.post(
            "/api/v1/links",
            h.admin(),
            json!({"kind": kind, "from": from, "to": to, "role": role}),
        )
        .await
        .ok(201);
    }
    let shown = h
        .get(&format!("/api/v1/people/{person_id}"), h.admin())
        .await;
    let shown = shown.ok(200);
    assert_eq!(shown["person"]["last_name"], "Durand");
    assert_eq!(shown["companies"][0]["role"], "customer");
    assert_eq!(shown["companies"][0]["company"]["name"], "Durand SA");
    assert_eq!(shown["addresses"][0]["role"], "recipient");
    assert_eq!(shown["addresses"][0]["address"]["town"], "Lyon");
    assert_eq!(shown["addresses"][0]["address"]["country"], "FR");

    let changed = h
        .put(
            &format!("/api/v1/people/{person_id}"),
            h.admin(),
            json!({"last_name": "Durand-Martin", "first_name": "Élodie", "email": "elodie@example.fr"}),
        )
        .await;
    let changed = changed.ok(200);
    assert_eq!(changed["last_name"], "Durand-Martin");
    assert_eq!(changed["mobile"], Value::Null);

    // A customer sees and changes only themselves; someone else does not exist for them.
    let me = h
        .get(&format!("/api/v1/people/{}", h.customer_id), h.customer())
        .await;
    assert_eq!(me.ok(200)["person"]["last_name"], "Dupont");
    assert_eq!(
        me.body["companies"].as_array().unwrap().len(),
        3,
        "{}",
        me.text
    );
    h.get(&format!("/api/v1/people/{person_id}"), h.customer())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/people/{person_id}"),
        h.customer(),
        json!({"last_name": "Pirate"}),
    )
    .await
    .problem(404, "not_found");
    let mine = h
        .put(
            &format!("/api/v1/people/{}", h.customer_id),
            h.customer(),
            json!({"last_name": "Dupont", "first_name": "Marie-Anne", "email": "marie.dupont@example.fr"}),
        )
        .await;
    assert_eq!(mine.ok(200)["first_name"], "Marie-Anne");
}

#[tokio::test]
async fn bad_person_requests_get_problems() {
    let h = Harness::new().await;
    h.post("/api/v1/people", None, json!({"last_name": "X"}))
        .await
        .problem(401, "unauthorized");
    h.post("/api/v1/people", h.customer(), json!({"last_name": "X"}))
        .await
        .problem(403, "forbidden");
    h.post(
        "/api/v1/people",
        h.admin(),
        json!({"last_name": "X", "mobile": "not a phone"}),
    )
    .await
    .invalid("mobile");
    h.post(
        "/api/v1/people",
        h.admin(),
        json!({"last_name": "X", "first_name": "y".repeat(101)}),
    )
    .await
    .invalid("first_name");
    h.post("/api/v1/people", h.admin(), json!({"first_name": "X"}))
        .await
        .problem(422, "validation");
    h.post(
        "/api/v1/people",
        h.admin(),
        json!({"last_name": "X", "nickname": "x"}),
    )
    .await
    .problem(422, "validation");
    h.get("/api/v1/people/42", h.admin())
        .await
        .problem(404, "not_found");
    h.get(&format!("/api/v1/people/{NO_SUCH_ID}"), h.admin())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/people/{}", h.customer_id),
        h.customer(),
        json!({"last_name": "Dupont", "email": "nope"}),
    )
    .await
    .invalid("email");
    h.raw(
        Method::PUT,
        &format!("/api/v1/people/{}", h.customer_id),
        h.customer(),
        Some("{last_name: Dupont}"),
    )
    .await
    .problem(400, "malformed_json");
}

#[tokio::test]
async fn addresses_are_created_shown_and_changed_by_staff() {
    let h = Harness::new().await;
    let created = h
        .post(
            "/api/v1/addresses",
            h.admin(),
            json!({
                "lines": "3 rue du Port\nBâtiment B",
                "postal_code": "13002",
                "town": "Marseille",
                "access_notes": "code 1234",
                "landline": "04 91 00 00 00"
            }),
        )
        .await;
    let address = created.ok(201);
    assert_eq!(address["country"], "FR");
    assert_eq!(address["landline"], "+33491000000");
    let address_id = id(address);

    let shown = h
        .get(&format!("/api/v1/addresses/{address_id}"), h.admin())
        .await;
    assert_eq!(shown.ok(200)["lines"], "3 rue du Port\nBâtiment B");

    let changed = h
        .put(
            &format!("/api/v1/addresses/{address_id}"),
            h.admin(),
            json!({"lines": "3 rue du Port", "postal_code": "13002", "town": "Marseille", "country": "fr"}),
        )
        .await;
    let changed = changed.ok(200);
    assert_eq!(changed["access_notes"], Value::Null);
    let changes = h
        .get(
            &format!("/api/v1/changes?entity=adresse&id={address_id}"),
            h.admin(),
        )
        .await;
    assert_eq!(changes.ok(200).as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_address_requests_get_problems() {
    let h = Harness::new().await;
    let valid = json!({"lines": "1 rue A", "postal_code": "75001", "town": "Paris"});
    h.post("/api/v1/addresses", None, valid.clone())
        .await
        .problem(401, "unauthorized");
    h.post(
        "/api/v1/addresses",
        h.admin(),
        json!({"lines": "1 rue A", "postal_code": "7", "town": "Paris"}),
    )
    .await
    .invalid("postal_code");
    h.post(
        "/api/v1/addresses",
        h.admin(),
        json!({"lines": "l".repeat(301), "postal_code": "75001", "town": "Paris"}),
    )
    .await
    .invalid("lines");
    h.post(
        "/api/v1/addresses",
        h.admin(),
        json!({"lines": "1 rue A", "postal_code": "75001", "town": "Paris", "country": "France"}),
    )
    .await
    .invalid("country");
    h.post(
        "/api/v1/addresses",
        h.admin(),
        json!({"lines": "1 rue A", "postal_code": 75001, "town": "Paris"}),
    )
    .await
    .invalid("postal_code");
    let address = id(h
        .post("/api/v1/addresses", h.admin(), valid.clone())
        .await
        .ok(201));
    // Not the customer's: as if it did not exist.
    h.get(&format!("/api/v1/addresses/{address}"), h.customer())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/addresses/{address}"),
        h.customer(),
        valid.clone(),
    )
    .await
    .problem(403, "forbidden");
    h.get("/api/v1/addresses/nope", h.admin())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/addresses/{NO_SUCH_ID}"),
        h.admin(),
        valid.clone(),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test]
async fn links_are_made_and_removed_by_id_or_by_their_parties() {
    let h = Harness::new().await;
    let company = id(h
        .post("/api/v1/companies", h.admin(), json!({"name": "Durand SA"}))
        .await
        .ok(201));
    let address = id(h
        .post(
            "/api/v1/addresses",
            h.admin(),
            json!({"lines": "1 rue A", "postal_code": "75001", "town": "Paris"}),
        )
        .await
        .ok(201));
    let person = h.customer_id.clone();
    let link = h
        .post(
            "/api/v1/links",
            h.admin(),
            json!({"kind": "company-person", "from": company, "to": person, "role": "internal"}),
        )
        .await;
    let link = link.ok(201);
    assert_eq!(link["kind"], "company-person");
    assert_eq!(link["from"], company.as_str());
    assert_eq!(link["to"], person.as_str());
    assert_eq!(link["role"], "internal");
    let link_id = id(link);
    h.post(
        "/api/v1/links",
        h.admin(),
        json!({"kind": "company-person", "from": company, "to": person, "role": "internal"}),
    )
    .await
    .problem(409, "duplicate");

    let removed = h
        .delete(
            &format!("/api/v1/links/company-person/{link_id}"),
            h.admin(),
        )
        .await;
    assert_eq!(removed.status.as_u16(), 204, "{}", removed.text);
    assert!(removed.text.is_empty());
    h.delete(
        &format!("/api/v1/links/company-person/{link_id}"),
        h.admin(),
    )
    .await
    .problem(404, "not_found");

    h.post(
        "/api/v1/links",
        h.admin(),
        json!({"kind": "company-address", "from": company, "to": address, "role": "payer"}),
    )
    .await
    .ok(201);
    let removed = h
        .delete(
            &format!("/api/v1/links?kind=company-address&from={company}&to={address}&role=payer"),
            h.admin(),
        )
        .await;
    assert_eq!(removed.ok(200)["role"], "payer");
    h.delete(
        &format!("/api/v1/links?kind=company-address&from={company}&to={address}&role=payer"),
        h.admin(),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test]
async fn bad_link_requests_get_problems() {
    let h = Harness::new().await;
    let company = id(h
        .post("/api/v1/companies", h.admin(), json!({"name": "Durand SA"}))
        .await
        .ok(201));
    let person = h.customer_id.clone();
    let link = |kind: &str, from: &str, to: &str, role: &str| json!({"kind": kind, "from": from, "to": to, "role": role});
    h.post(
        "/api/v1/links",
        None,
        link("company-person", &company, &person, "payer"),
    )
    .await
    .problem(401, "unauthorized");
    h.post(
        "/api/v1/links",
        h.customer(),
        link("company-person", &company, &person, "payer"),
    )
    .await
    .problem(403, "forbidden");
    h.post(
        "/api/v1/links",
        h.admin(),
        link("company-country", &company, &person, "payer"),
    )
    .await
    .invalid("kind");
    h.post(
        "/api/v1/links",
        h.admin(),
        link("company-person", &company, &person, "boss"),
    )
    .await
    .invalid("role");
    h.post(
        "/api/v1/links",
        h.admin(),
        link("company-person", "x", &person, "payer"),
    )
    .await
    .invalid("from");
    h.post(
        "/api/v1/links",
        h.admin(),
        link("person-address", &person, "y", "payer"),
    )
    .await
    .invalid("to");
    h.post(
        "/api/v1/links",
        h.admin(),
        link("company-person", &company, NO_SUCH_ID, "payer"),
    )
    .await
    .problem(404, "not_found");
    h.post(
        "/api/v1/links",
        h.admin(),
        json!({"kind": "company-person", "from": company, "to": person, "role": "payer", "since": "2020"}),
    )
    .await
    .problem(422, "validation");

    h.delete(
        &format!("/api/v1/links/company-planet/{NO_SUCH_ID}"),
        h.admin(),
    )
    .await
    .problem(404, "not_found");
    h.delete("/api/v1/links/person-address/123", h.admin())
        .await
        .problem(404, "not_found");
    h.delete(
        &format!("/api/v1/links/person-address/{NO_SUCH_ID}"),
        h.customer(),
    )
    .await
    .problem(403, "forbidden");
    h.delete(
        &format!("/api/v1/links?kind=company-person&from={company}&to={person}&role=chief"),
        h.admin(),
    )
    .await
    .invalid("role");
    h.delete(
        &format!("/api/v1/links?kind=company-person&from={company}&to=zz&role=payer"),
        h.admin(),
    )
    .await
    .invalid("to");
    h.delete(
        &format!("/api/v1/links?kind=company-person&from={company}&to={person}"),
        h.admin(),
    )
    .await
    .problem(422, "validation");
}

#[tokio::test]
async fn sites_are_listed_for_staff() {
    let h = Harness::new().await;
    h.post(
        "/api/v1/companies",
        h.admin(),
        json!({"name": "Agence de Lyon", "site_code": "LYON"}),
    )
    .await
    .ok(201);
    h.get("/api/v1/sites", h.customer())
        .await
        .problem(403, "forbidden");
    let sites = h.get("/api/v1/sites", h.admin()).await;
    let codes: Vec<&str> = sites
        .ok(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["LYON", "WEB"]);
    h.get("/api/v1/sites", None)
        .await
        .problem(401, "unauthorized");
    h.get("/api/v1/sites", Some("oms_not_a_real_token"))
        .await
        .problem(401, "unauthorized");
}

#[tokio::test]
async fn customers_are_found_by_exactly_one_of_phone_name_or_email() {
    let h = Harness::new().await;
    let by_phone = h
        .get(
            "/api/v1/customers?phone=%2B33%206%2012%2034%2056%2078",
            h.admin(),
        )
        .await;
    assert_eq!(by_phone.ok(200)[0]["id"], h.customer_id.as_str());
    let by_name = h
        .get("/api/v1/customers?name=marie%20DUPONT", h.admin())
        .await;
    assert_eq!(by_name.ok(200)[0]["last_name"], "Dupont");
    let by_email = h
        .get("/api/v1/customers?email=marie.dupont@example.fr", h.admin())
        .await;
    assert_eq!(by_email.ok(200).as_array().unwrap().len(), 1);
    let nobody = h.get("/api/v1/customers?phone=0700000000", h.admin()).await;
    assert_eq!(nobody.ok(200), &json!([]));

    h.get("/api/v1/customers", h.admin())
        .await
        .invalid("phone|name|email");
    h.get("/api/v1/customers?phone=0612345678&name=marie", h.admin())
        .await
        .invalid("name");
    h.get("/api/v1/customers?name=a&email=a@b.fr", h.admin())
        .await
        .invalid("email");
    h.get("/api/v1/customers?phone=abc", h.admin())
        .await
        .invalid("phone");
    h.get("/api/v1/customers?email=nope", h.admin())
        .await
        .invalid("email");
    h.get("/api/v1/customers?name=---", h.admin())
        .await
        .invalid("name");
    h.get(
        &format!("/api/v1/customers?name={}", "a".repeat(201)),
        h.admin(),
    )
    .await
    .invalid("name");
    h.get("/api/v1/customers?mobile=0612345678", h.admin())
        .await
        .problem(422, "validation");
    h.get("/api/v1/customers?name=marie&limit=lots", h.admin())
        .await
        .problem(422, "validation");
    h.get("/api/v1/customers?name=marie", h.customer())
        .await
        .problem(403, "forbidden");
    h.get("/api/v1/customers?name=marie", None)
        .await
        .problem(401, "unauthorized");
}

#[tokio::test]
async fn staff_register_a_customer_with_company_and_address_in_one_go() {
    let h = Harness::new().await;
    let registered = h
        .post(
            "/api/v1/customers",
            h.admin(),
            json!({
                "person": {"last_name": "Leroy", "first_name": "Paul", "mobile": "07 00 11 22 33"},
                "address": {"lines": "5 quai Saint-Antoine", "postal_code": "69002", "town": "Lyon"}
            }),
        )
        .await;
    let registered = registered.ok(201);
    assert_eq!(registered["person"]["last_name"], "Leroy");
    assert_eq!(registered["company"]["name"], "Paul Leroy");
    assert_eq!(registered["address"]["town"], "Lyon");
    let person = id(&registered["person"]);
    let shown = h.get(&format!("/api/v1/people/{person}"), h.admin()).await;
    let shown = shown.ok(200);
    let roles = |list: &Value| -> Vec<String> {
        let mut roles: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["role"].as_str().unwrap().to_owned())
            .collect();
        roles.sort();
        roles
    };
    assert_eq!(
        roles(&shown["companies"]),
        ["customer", "payer", "recipient"]
    );
    assert_eq!(
        roles(&shown["addresses"]),
        ["customer", "payer", "recipient"]
    );

    let named = h
        .post(
            "/api/v1/customers",
            h.admin(),
            json!({
                "person": {"last_name": "Roux"},
                "company": "Roux Plomberie",
                "address": {"lines": "1 rue B", "postal_code": "75011", "town": "Paris"}
            }),
        )
        .await;
    assert_eq!(named.ok(201)["company"]["name"], "Roux Plomberie");

    let address = json!({"lines": "1 rue B", "postal_code": "75011", "town": "Paris"});
    h.post(
        "/api/v1/customers",
        h.admin(),
        json!({"person": {"last_name": "Roux", "mobile": "12"}, "address": address}),
    )
    .await
    .invalid("person.mobile");
    h.post(
        "/api/v1/customers",
        h.admin(),
        json!({"person": {"last_name": "Roux"}, "address": {"lines": "1 rue B", "postal_code": "", "town": "Paris"}}),
    )
    .await
    .invalid("address.postal_code");
    h.post(
        "/api/v1/customers",
        h.admin(),
        json!({"person": {"last_name": "Roux"}, "company": "", "address": address}),
    )
    .await
    .invalid("company");
    h.post(
        "/api/v1/customers",
        h.admin(),
        json!({"person": {"last_name": "Roux", "age": 3}, "address": address}),
    )
    .await
    .problem(422, "validation");
    h.post(
        "/api/v1/customers",
        h.admin(),
        json!({"person": {"last_name": "Roux"}}),
    )
    .await
    .problem(422, "validation");
    h.post(
        "/api/v1/customers",
        None,
        json!({"person": {"last_name": "Roux"}, "address": address}),
    )
    .await
    .problem(401, "unauthorized");
}

#[tokio::test]
async fn the_change_log_is_for_staff() {
    let h = Harness::new().await;
    h.put(
        &format!("/api/v1/people/{}", h.customer_id),
        h.customer(),
        json!({"last_name": "Dupont-Moreau", "first_name": "Marie", "mobile": "06 12 34 56 78", "email": "marie.dupont@example.fr"}),
    )
    .await
    .ok(200);
    let changes = h
        .get(
            &format!("/api/v1/changes?entity=tiers&id={}", h.customer_id),
            h.admin(),
        )
        .await;
    let changes = changes.ok(200);
    assert_eq!(changes[0]["entity"], "tiers");
    assert_eq!(changes[0]["id"], h.customer_id.as_str());
    assert_eq!(changes[0]["by"], "marie.dupont@example.fr");
    assert_eq!(
        changes[0]["changes"],
        json!(["last_name: \"Dupont\" → \"Dupont-Moreau\""])
    );
    // An order's changes are for those who may see the order: none, none.
    h.get(
        &format!("/api/v1/changes?entity=commande&id={NO_SUCH_ID}"),
        h.admin(),
    )
    .await
    .problem(404, "not_found");

    h.get(
        &format!("/api/v1/changes?entity=tiers&id={}", h.customer_id),
        h.customer(),
    )
    .await
    .problem(403, "forbidden");
    h.get(
        &format!("/api/v1/changes?entity=tiers&id={}", h.customer_id),
        None,
    )
    .await
    .problem(401, "unauthorized");
    h.get(
        &format!("/api/v1/changes?entity=planet&id={}", h.customer_id),
        h.admin(),
    )
    .await
    .invalid("entity");
    h.get("/api/v1/changes?entity=tiers&id=42", h.admin())
        .await
        .invalid("id");
    h.get("/api/v1/changes?entity=tiers", h.admin())
        .await
        .problem(422, "validation");
}
