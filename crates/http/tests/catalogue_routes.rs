//! The catalogue routes over the real stores: articles, stock, VAT codes, quotes and the
//! catalogue import; guests read the catalogue and ask for quotes, staff change it; and the
//! problems bad requests get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use app::catalogue::ArticleKey;
use axum::http::Method;
use harness::*;
use serde_json::{json, Value};

const NO_SUCH_ID: &str = "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69";

fn dec(value: &Value) -> rust_decimal::Decimal {
    d(value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string")))
}

fn new_article(reference: &str) -> Value {
    json!({
        "reference": reference,
        "designation": "Marteau 500 g",
        "unit_price": "19.90",
        "vat_code": "normal",
        "min_quantity": 2,
        "max_per_order": 10,
        "initial_stock": 7
    })
}

#[tokio::test]
async fn guests_read_the_catalogue_by_pages() {
    let h = Harness::new().await;
    let page = h.get("/api/v1/articles", None).await;
    let page = page.ok(200);
    assert_eq!(page["total"], 3);
    let references: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reference"].as_str().unwrap())
        .collect();
    assert_eq!(references, ["LIVRE-01", "PERC-18V", "VIS-M6"]);
    assert_eq!(page["items"][0]["vat_code"], "REDUIT");
    assert_eq!(page["items"][0]["unit_price"], "4.99");
    assert_eq!(page["items"][0]["stock"], 5);

    let second = h
        .get("/api/v1/articles?offset=1&limit=1", h.customer())
        .await;
    let second = second.ok(200);
    assert_eq!(second["total"], 3);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["reference"], "PERC-18V");

    h.get("/api/v1/articles?limit=many", None)
        .await
        .problem(422, "validation");
    h.get("/api/v1/articles?offset=-1", None)
        .await
        .problem(422, "validation");
    h.get("/api/v1/articles?page=2", None)
        .await
        .problem(422, "validation");
    h.get("/api/v1/articles", Some("oms_forged"))
        .await
        .problem(401, "unauthorized");
}

#[tokio::test]
async fn an_article_is_found_by_reference_or_id() {
    let h = Harness::new().await;
    let by_reference = h.get("/api/v1/articles/vis-m6", None).await;
    let article = by_reference.ok(200);
    assert_eq!(article["id"], h.vis.id.to_string());
    assert_eq!(article["designation"], "Article VIS-M6");
    assert_eq!(article["min_quantity"], 1);
    assert_eq!(article["max_per_order"], Value::Null);
    let by_id = h
        .get(&format!("/api/v1/articles/{}", h.perceuse.id), None)
        .await;
    assert_eq!(by_id.ok(200)["max_per_order"], 2);

    h.get("/api/v1/articles/NOPE", None)
        .await
        .problem(404, "not_found");
    h.get(&format!("/api/v1/articles/{NO_SUCH_ID}"), None)
        .await
        .problem(404, "not_found");
    // A malformed reference names nothing, like an unknown one.
    h.get("/api/v1/articles/VIS%20M6", None)
        .await
        .problem(404, "not_found");
    h.get(&format!("/api/v1/articles/{}", "A".repeat(33)), None)
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn staff_create_and_change_articles() {
    let h = Harness::new().await;
    let created = h
        .post("/api/v1/articles", h.admin(), new_article("mart-500"))
        .await;
    let article = created.ok(201);
    assert_eq!(article["reference"], "MART-500");
    assert_eq!(article["vat_code"], "NORMAL");
    assert_eq!(article["unit_price"], "19.90");
    assert_eq!(article["stock"], 7);
    let id = article["id"].as_str().unwrap().to_owned();
    let minimal = h
        .post(
            "/api/v1/articles",
            h.admin(),
            json!({"reference": "CLOU-10", "designation": "Clous", "unit_price": "0.05"}),
        )
        .await;
    let minimal = minimal.ok(201);
    assert_eq!(minimal["min_quantity"], 1);
    assert_eq!(minimal["stock"], 0);
    assert_eq!(minimal["vat_code"], Value::Null);

    let changed = h
        .put(
            "/api/v1/articles/MART-500",
            h.admin(),
            json!({"reference": "MART-500", "designation": "Marteau 500 g", "unit_price": "21.00", "vat_code": "REDUIT"}),
        )
        .await;
    let changed = changed.ok(200);
    assert_eq!(changed["unit_price"], "21.00");
    assert_eq!(changed["min_quantity"], 1);
    assert_eq!(changed["max_per_order"], Value::Null);
    assert_eq!(changed["stock"], 7, "the stock is not the description's");
    let changes = h
        .get(
            &format!("/api/v1/changes?entity=article&id={id}"),
            h.admin(),
        )
        .await;
    let entries = changes.ok(200)[0]["changes"].as_array().unwrap().clone();
    assert!(
        entries.contains(&json!("unit_price: 19.90 → 21.00")),
        "{entries:?}"
    );

    // Renamed through its id.
    let renamed = h
        .put(
            &format!("/api/v1/articles/{id}"),
            h.admin(),
            json!({"reference": "MART-0500", "designation": "Marteau", "unit_price": "21.00"}),
        )
        .await;
    assert_eq!(renamed.ok(200)["reference"], "MART-0500");
    h.get("/api/v1/articles/MART-500", None)
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn bad_article_requests_get_problems() {
    let h = Harness::new().await;
    h.post("/api/v1/articles", None, new_article("X-1"))
        .await
        .problem(401, "unauthorized");
    h.post("/api/v1/articles", h.customer(), new_article("X-1"))
        .await
        .problem(403, "forbidden");
    h.post("/api/v1/articles", h.admin(), new_article("VIS-M6"))
        .await
        .problem(409, "duplicate");
    h.raw(
        Method::POST,
        "/api/v1/articles",
        h.admin(),
        Some("{\"reference\": \"X\",}"),
    )
    .await
    .problem(400, "malformed_json");
    let with = |field: &str, value: Value| {
        let mut body = new_article("X-1");
        body[field] = value;
        body
    };
    for (field, value) in [
        ("reference", json!("A".repeat(33))),
        ("reference", json!("a b")),
        ("designation", json!(" ")),
        ("designation", json!("d".repeat(201))),
        ("unit_price", json!("12,50")),
        ("unit_price", json!("1e3")),
        ("unit_price", json!("-1")),
        ("unit_price", json!(12.5)),
        ("vat_code", json!("INCONNU")),
        ("min_quantity", json!(0)),
        ("min_quantity", json!(-1)),
        ("max_per_order", json!(1)),
        ("initial_stock", json!("lots")),
    ] {
        let reply = h
            .post("/api/v1/articles", h.admin(), with(field, value.clone()))
            .await;
        reply.invalid(field);
    }
    h.post("/api/v1/articles", h.admin(), with("colour", json!("red")))
        .await
        .problem(422, "validation");

    let body = json!({"reference": "VIS-M6", "designation": "Vis", "unit_price": "12.50"});
    h.put("/api/v1/articles/VIS-M6", h.customer(), body.clone())
        .await
        .problem(403, "forbidden");
    h.put("/api/v1/articles/VIS-M6", None, body.clone())
        .await
        .problem(401, "unauthorized");
    h.put("/api/v1/articles/NOPE", h.admin(), body.clone())
        .await
        .problem(404, "not_found");
    h.put("/api/v1/articles/VIS%20M6", h.admin(), body.clone())
        .await
        .problem(404, "not_found");
    h.put(
        "/api/v1/articles/VIS-M6",
        h.admin(),
        json!({"reference": "LIVRE-01", "designation": "Vis", "unit_price": "12.50"}),
    )
    .await
    .problem(409, "duplicate");
    h.put(
        "/api/v1/articles/VIS-M6",
        h.admin(),
        json!({"reference": "VIS-M6", "designation": "Vis", "unit_price": "12.50", "stock": 3}),
    )
    .await
    .problem(422, "validation");
}

#[tokio::test]
async fn staff_adjust_stock_and_read_its_movements() {
    let h = Harness::new().await;
    let level = h
        .post(
            "/api/v1/articles/VIS-M6/stock-adjustments",
            h.admin(),
            json!({"delta": 5, "reason": "réception"}),
        )
        .await;
    let level = level.ok(200);
    assert_eq!(level["stock"], 15);
    assert_eq!(level["article"], h.vis.id.to_string());
    let level = h
        .post(
            &format!("/api/v1/articles/{}/stock-adjustments", h.vis.id),
            h.admin(),
            json!({"delta": -3}),
        )
        .await;
    assert_eq!(level.ok(200)["stock"], 12);

    let movements = h
        .get("/api/v1/articles/VIS-M6/movements?limit=2", h.admin())
        .await;
    let movements = movements.ok(200);
    assert_eq!(movements["total"], 3);
    assert_eq!(movements["items"].as_array().unwrap().len(), 2);
    assert_eq!(movements["items"][0]["delta"], -3);
    assert_eq!(movements["items"][0]["reason"], "adjustment");
    assert_eq!(movements["items"][0]["by"], "admin@example.fr");
    assert_eq!(movements["items"][1]["note"], "réception");
    assert_eq!(movements["items"][1]["order"], Value::Null);
    let last = h
        .get("/api/v1/articles/VIS-M6/movements?offset=2", h.admin())
        .await;
    assert_eq!(last.ok(200)["items"][0]["delta"], 10);
}

#[tokio::test]
async fn bad_stock_requests_get_problems() {
    let h = Harness::new().await;
    let uri = "/api/v1/articles/VIS-M6/stock-adjustments";
    let short = h.post(uri, h.admin(), json!({"delta": -11})).await;
    let problem = short.problem(409, "insufficient_stock");
    assert_eq!(problem["shortages"][0]["available"], 10, "{problem}");
    h.post(uri, h.admin(), json!({"delta": 0}))
        .await
        .invalid("delta");
    h.post(uri, h.admin(), json!({"delta": "5"}))
        .await
        .invalid("delta");
    h.post(uri, h.admin(), json!({"delta": 1.5}))
        .await
        .invalid("delta");
    h.post(uri, h.admin(), json!({"delta": i64::MIN}))
        .await
        .invalid("delta");
    h.post(uri, h.admin(), json!({"delta": 4_294_967_295_i64}))
        .await
        .invalid("delta");
    h.post(
        uri,
        h.admin(),
        json!({"delta": 1, "reason": "r".repeat(501)}),
    )
    .await
    .invalid("reason");
    h.post(uri, h.admin(), json!({"delta": 1, "why": "x"}))
        .await
        .problem(422, "validation");
    h.post(uri, h.customer(), json!({"delta": 1}))
        .await
        .problem(403, "forbidden");
    h.post(uri, None, json!({"delta": 1}))
        .await
        .problem(401, "unauthorized");
    h.post(
        "/api/v1/articles/NOPE/stock-adjustments",
        h.admin(),
        json!({"delta": 1}),
    )
    .await
    .problem(404, "not_found");
    let stock = h
        .app
        .article(&ArticleKey::Id(h.vis.id))
        .await
        .unwrap()
        .stock;
    assert_eq!(stock, 10, "nothing was changed");

    h.get("/api/v1/articles/VIS-M6/movements", h.customer())
        .await
        .problem(403, "forbidden");
    h.get("/api/v1/articles/VIS-M6/movements", None)
        .await
        .problem(401, "unauthorized");
    h.get("/api/v1/articles/NOPE/movements", h.admin())
        .await
        .problem(404, "not_found");
    h.get("/api/v1/articles/VIS-M6/movements?limit=-5", h.admin())
        .await
        .problem(422, "validation");
}

#[tokio::test]
async fn vat_codes_are_read_by_anyone_and_set_by_staff() {
    let h = Harness::new().await;
    let codes = h.get("/api/v1/vat-codes", None).await;
    assert_eq!(
        codes.ok(200),
        &json!([
            {"code": "NORMAL", "label": "NORMAL", "rate": "20", "default": true},
            {"code": "REDUIT", "label": "REDUIT", "rate": "5.5", "default": false}
        ])
    );
    let saved = h
        .put(
            "/api/v1/vat-codes/super-reduit",
            h.admin(),
            json!({"label": "Taux super réduit", "rate": "2.10"}),
        )
        .await;
    assert_eq!(
        saved.ok(200),
        &json!({"code": "SUPER-REDUIT", "label": "Taux super réduit", "rate": "2.1", "default": false})
    );
    h.put(
        "/api/v1/vat-codes/REDUIT",
        h.admin(),
        json!({"label": "Taux réduit", "rate": "5.5", "default": true}),
    )
    .await
    .ok(200);
    let codes = h.get("/api/v1/vat-codes", h.customer()).await;
    let defaults: Vec<&str> = codes
        .ok(200)
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["default"] == true)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, ["REDUIT"]);

    let body = json!({"label": "X", "rate": "10"});
    h.put("/api/v1/vat-codes/X", h.customer(), body.clone())
        .await
        .problem(403, "forbidden");
    h.put("/api/v1/vat-codes/X", None, body.clone())
        .await
        .problem(401, "unauthorized");
    // A malformed code in the address names nothing: 404, as for every path parameter.
    h.put("/api/v1/vat-codes/%21%21", h.admin(), body.clone())
        .await
        .problem(404, "not_found");
    h.put(
        &format!("/api/v1/vat-codes/{}", "C".repeat(17)),
        h.admin(),
        body.clone(),
    )
    .await
    .problem(404, "not_found");
    for (field, value) in [
        ("rate", json!("abc")),
        ("rate", json!("101")),
        ("rate", json!("5.55555")),
        ("rate", json!(20)),
        ("label", json!("")),
        ("label", json!("l".repeat(101))),
        ("default", json!("yes")),
    ] {
        let mut body = json!({"label": "X", "rate": "10"});
        body[field] = value;
        h.put("/api/v1/vat-codes/X", h.admin(), body)
            .await
            .invalid(field);
    }
    h.put(
        "/api/v1/vat-codes/X",
        h.admin(),
        json!({"label": "X", "rate": "10", "since": "2024"}),
    )
    .await
    .problem(422, "validation");
    h.put("/api/v1/vat-codes/X", h.admin(), json!({"label": "X"}))
        .await
        .problem(422, "validation");
}

#[tokio::test]
async fn anyone_gets_a_quote_and_nothing_is_placed() {
    let h = Harness::new().await;
    let quote = h
        .post(
            "/api/v1/quotes",
            None,
            json!({"lines": [
                {"article": "VIS-M6", "quantity": 3},
                {"article": h.livre.id.to_string(), "quantity": 2},
                {"article": "vis-m6", "quantity": 8}
            ]}),
        )
        .await;
    let quote = quote.ok(200);
    let lines = quote["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["position"], 1);
    assert_eq!(lines[0]["reference"], "VIS-M6");
    assert_eq!(dec(&lines[0]["net"]), d("37.50"));
    assert_eq!(lines[1]["designation"], "Article LIVRE-01");
    assert_eq!(dec(&lines[1]["vat_rate"]), d("5.5"));
    assert_eq!(
        lines
            .iter()
            .map(|l| (
                l["available"].as_u64().unwrap(),
                l["in_stock"].as_bool().unwrap()
            ))
            .collect::<Vec<_>>(),
        [(10, true), (5, true), (10, false)]
    );
    assert_eq!(quote["all_in_stock"], false);
    assert_eq!(dec(&quote["total_ht"]), d("147.48"));
    assert_eq!(dec(&quote["total_vat"]), d("28.05"));
    assert_eq!(dec(&quote["total_ttc"]), d("175.53"));
    assert_eq!(quote["vat_breakdown"].as_array().unwrap().len(), 2);

    let as_customer = h
        .post(
            "/api/v1/quotes",
            h.customer(),
            json!({"lines": [{"article": "PERC-18V", "quantity": 2}]}),
        )
        .await;
    let as_customer = as_customer.ok(200);
    assert_eq!(dec(&as_customer["total_ttc"]), d("215.76"));
    assert_eq!(as_customer["all_in_stock"], true);

    let discounted = h
        .post(
            "/api/v1/quotes",
            h.admin(),
            json!({
                "lines": [{"article": "VIS-M6", "quantity": 2, "discount": "5.00"}, {"article": "PERC-18V", "quantity": 1}],
                "global_discount": "10.00"
            }),
        )
        .await;
    let discounted = discounted.ok(200);
    assert_eq!(dec(&discounted["lines"][0]["net"]), d("20.00"));
    assert_eq!(dec(&discounted["total_ht_net"]), d("99.90"));
    assert_eq!(dec(&discounted["total_ttc"]), d("119.88"));

    // Nothing placed, nothing taken.
    let vis = h.app.article(&ArticleKey::Id(h.vis.id)).await.unwrap();
    assert_eq!(vis.stock, 10);
    let orders = h.get("/api/v1/orders", h.admin()).await;
    assert_eq!(orders.ok(200)["total"], 0);
}

#[tokio::test]
async fn bad_quote_requests_get_problems() {
    let h = Harness::new().await;
    let invalid = h
        .post(
            "/api/v1/quotes",
            None,
            json!({"lines": [
                {"article": "NOPE", "quantity": 1},
                {"article": "VIS-M6", "quantity": 1},
                {"article": "PERC-18V", "quantity": 3}
            ]}),
        )
        .await;
    let problem = invalid.problem(422, "invalid_lines");
    let codes: Vec<(u64, &str)> = problem["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_u64().unwrap(), l["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(1, "unknown_article"), (3, "above_maximum")]);

    h.post(
        "/api/v1/quotes",
        None,
        json!({"lines": [{"article": "VIS-M6", "quantity": 1, "discount": "1.00"}]}),
    )
    .await
    .problem(403, "forbidden");
    h.post(
        "/api/v1/quotes",
        h.customer(),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}], "global_discount": "1.00"}),
    )
    .await
    .problem(403, "forbidden");
    h.post(
        "/api/v1/quotes",
        h.admin(),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}], "global_discount": "20.00"}),
    )
    .await
    .problem(422, "invalid_global_discount");
    h.post(
        "/api/v1/quotes",
        h.admin(),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1, "discount": "13"}]}),
    )
    .await
    .problem(422, "invalid_discount");
    h.post(
        "/api/v1/quotes",
        h.admin(),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1, "discount": "1.234"}]}),
    )
    .await
    .invalid("lines[0].discount");
    h.post(
        "/api/v1/quotes",
        h.admin(),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}], "global_discount": "abc"}),
    )
    .await
    .invalid("global_discount");
    h.post(
        "/api/v1/quotes",
        None,
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}, {"article": "VIS-M6", "quantity": 0}]}),
    )
    .await
    .invalid("lines[1].quantity");
    h.post(
        "/api/v1/quotes",
        None,
        json!({"lines": [{"article": "VIS M6", "quantity": 1}]}),
    )
    .await
    .invalid("lines[0].article");
    h.post(
        "/api/v1/quotes",
        None,
        json!({"lines": [{"article": "VIS-M6", "quantity": "1"}]}),
    )
    .await
    .problem(422, "validation");
    h.post("/api/v1/quotes", None, json!({"lines": []}))
        .await
        .invalid("lines");
    let many: Vec<Value> = (0..501)
        .map(|_| json!({"article": "VIS-M6", "quantity": 1}))
        .collect();
    h.post("/api/v1/quotes", None, json!({"lines": many}))
        .await
        .invalid("lines");
    h.post(
        "/api/v1/quotes",
        None,
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}], "customer": "x"}),
    )
    .await
    .problem(422, "validation");
    h.raw(Method::POST, "/api/v1/quotes", None, Some("lines=1"))
        .await
        .problem(400, "malformed_json");
    h.post(
        "/api/v1/quotes",
        Some("oms_forged"),
        json!({"lines": [{"article": "VIS-M6", "quantity": 1}]}),
    )
    .await
    .problem(401, "unauthorized");
}

#[tokio::test]
async fn staff_import_a_catalogue_all_or_nothing() {
    let h = Harness::new().await;
    let report = h
        .post(
            "/api/v1/catalogue/import",
            h.admin(),
            json!({"rows": [
                {"reference": "VIS-M6", "designation": "Article VIS-M6", "unit_price": "13.00", "stock": 20},
                {"reference": "SCIE-01", "designation": "Scie", "unit_price": "25.00", "vat_code": "NORMAL", "stock": 4},
                {"reference": "LIVRE-01", "designation": "Article LIVRE-01", "unit_price": "4.99", "vat_code": "REDUIT"}
            ]}),
        )
        .await;
    let report = report.ok(200);
    assert_eq!(report["created"], json!(["SCIE-01"]));
    assert_eq!(report["updated"], json!(["VIS-M6"]));
    assert_eq!(report["unchanged"], json!(["LIVRE-01"]));
    assert_eq!(
        report["stock_changes"],
        json!([
            {"reference": "VIS-M6", "before": 10, "after": 20},
            {"reference": "SCIE-01", "before": 0, "after": 4}
        ])
    );

    let rows = |second: Value| {
        json!({"rows": [
            {"reference": "NEW-1", "designation": "Neuf", "unit_price": "1.00"},
            second
        ]})
    };
    h.post(
        "/api/v1/catalogue/import",
        h.admin(),
        rows(json!({"reference": "NEW-2", "designation": "Neuf", "unit_price": "1.00", "vat_code": "INCONNU"})),
    )
    .await
    .invalid("rows[1].vat_code");
    h.post(
        "/api/v1/catalogue/import",
        h.admin(),
        rows(json!({"reference": "NEW-1", "designation": "Encore", "unit_price": "1.00"})),
    )
    .await
    .invalid("rows[1].reference");
    h.post(
        "/api/v1/catalogue/import",
        h.admin(),
        rows(json!({"reference": "NEW-2", "designation": "Neuf", "unit_price": "un euro"})),
    )
    .await
    .invalid("rows[1].unit_price");
    h.post(
        "/api/v1/catalogue/import",
        h.admin(),
        rows(json!({"reference": "NEW-2", "designation": "Neuf", "unit_price": "1", "colour": "red"})),
    )
    .await
    .problem(422, "validation");
    h.post(
        "/api/v1/catalogue/import",
        h.customer(),
        rows(json!({"reference": "NEW-2", "designation": "Neuf", "unit_price": "1.00"})),
    )
    .await
    .problem(403, "forbidden");
    h.post(
        "/api/v1/catalogue/import",
        None,
        rows(json!({"reference": "NEW-2", "designation": "Neuf", "unit_price": "1.00"})),
    )
    .await
    .problem(401, "unauthorized");
    // Nothing of the refused imports was written.
    h.get("/api/v1/articles/NEW-1", None)
        .await
        .problem(404, "not_found");
}
