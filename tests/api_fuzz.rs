//! Every route of the API, as its OpenAPI document lists them, sent random and malformed
//! input over a real socket: nothing answers 5xx, and every error is a problem document.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::Admin;
use oms_e2e::api::Server;
use oms_e2e::databases::each_database;
use serde_json::{json, Value};

/// A small deterministic generator (splitmix64), so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn path_value(dice: &mut Dice) -> String {
    dice.pick(&[
        "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69",
        "WEB-000001",
        "PAR-000001",
        "VIS-M6",
        "1",
        "0",
        "-1",
        "99999999999999999999",
        "%00",
        "%E2%82%AC",
        "a%20b",
        "..",
        "company-person",
        "x",
    ])
    .to_string()
}

fn scalar(dice: &mut Dice) -> Value {
    match dice.next() % 12 {
        0 => json!(null),
        1 => json!(true),
        2 => json!(-1),
        3 => json!(0),
        4 => json!(1e300),
        5 => json!(18_446_744_073_709_551_615u64),
        6 => json!("x".repeat(10_000)),
        7 => json!("12.50"),
        8 => json!("-0.01"),
        9 => json!("0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69"),
        10 => json!([1, 2, 3]),
        _ => json!({"nested": {"deeper": []}}),
    }
}

/// A body: malformed text, or JSON of every shape, with the operation's own field names
/// given wrong values.
fn body(dice: &mut Dice, fields: &[String]) -> String {
    match dice.next() % 8 {
        0 => dice
            .pick(&[
                "",
                "{",
                "{\"a\":",
                "null",
                "[]",
                "\"text\"",
                "{\"a\":1,}",
                "\u{feff}{}",
            ])
            .to_string(),
        1 => "[".repeat(5000),
        2 => json!({"unknown_field": scalar(dice)}).to_string(),
        _ => {
            let mut object = serde_json::Map::new();
            for field in fields {
                if dice.next() % 3 != 0 {
                    object.insert(field.clone(), scalar(dice));
                }
            }
            if dice.next() % 4 == 0 {
                object.insert(
                    "lines".to_owned(),
                    json!([{"article": scalar(dice), "quantity": scalar(dice)}]),
                );
            }
            Value::Object(object).to_string()
        }
    }
}

/// The field names of an operation's request body, from its schema (one level).
fn body_fields(doc: &Value, operation: &Value) -> Vec<String> {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or("");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    };
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn no_route_answers_5xx_to_bad_input() {
    each_database("api_fuzz", |db| {
        let admin = Admin::on(db);
        admin.ok(&["demo-data"]);
        admin.ok_with_input(
            &["create-admin", "admin@example.fr", "--password-stdin"],
            "the administrator's long phrase\n",
        );
        let server = Server::start(db);
        let login = server.post(
            "/api/v1/auth/login",
            None,
            &json!({"login": "admin@example.fr", "password": "the administrator's long phrase"}),
        );
        let token = login.json()["token"].as_str().unwrap().to_owned();
        let doc = server.get("/api/v1/openapi.json", None).json();
        let paths = doc["paths"].as_object().expect("the document lists paths");
        assert!(paths.len() >= 40, "{} paths", paths.len());

        let mut dice = Dice(0x5eed_0001);
        let mut sent = 0;
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let fields = body_fields(&doc, operation);
                for round in 0..8 {
                    let mut concrete = path.clone();
                    while let (Some(open), Some(close)) = (concrete.find('{'), concrete.find('}')) {
                        concrete.replace_range(open..=close, &path_value(&mut dice));
                    }
                    if round % 3 == 2 {
                        let query: &&str = dice.pick(&[
                            "?limit=-1",
                            "?offset=x",
                            "?state=NOPE",
                            "?phone=%FF",
                            "?from=yesterday",
                            "?limit=99999999999",
                        ]);
                        concrete.push_str(query);
                    }
                    let payload = body(&mut dice, &fields);
                    let auth = if round % 4 == 3 {
                        None
                    } else {
                        Some(token.as_str())
                    };
                    let response = server.request(
                        &method.to_uppercase(),
                        &concrete,
                        auth,
                        Some(&payload),
                        &[],
                    );
                    sent += 1;
                    assert!(
                        response.status < 500,
                        "[{}] {} {concrete} with {:.200} answered {}: {}",
                        db.label,
                        method.to_uppercase(),
                        payload,
                        response.status,
                        response.body
                    );
                    if response.status >= 400 {
                        assert_eq!(
                            response.header("content-type"),
                            Some("application/problem+json"),
                            "[{}] {} {concrete}: an error that is not a problem: {}",
                            db.label,
                            method.to_uppercase(),
                            response.body
                        );
                    }
                }
            }
        }
        assert!(sent > 300, "{sent} requests");
        // The server is still well.
        assert_eq!(server.get("/ready", None).status, 200);
    });
}
