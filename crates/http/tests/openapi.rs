//! The OpenAPI document is complete enough to generate a client from: every operation
//! has its responses, errors included, and every schema it refers to exists.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http_api::ApiDoc;
use serde_json::Value;
use utoipa::OpenApi;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap()
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref" {
                    if let Some(r) = inner.as_str() {
                        found.push(r.to_owned());
                    }
                }
                references(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, found)),
        _ => {}
    }
}

/// A response, or the shared one it refers to.
fn resolved<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(r) => {
            let name = r.strip_prefix("#/components/responses/").unwrap();
            &doc["components"]["responses"][name]
        }
        None => response,
    }
}

#[test]
fn the_document_is_openapi_3_1_with_every_area() {
    let doc = document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/orders",
        "/api/v1/orders/{number}",
        "/api/v1/orders/{number}/validate",
        "/api/v1/drafts",
        "/api/v1/carts/{id}/checkout",
        "/api/v1/auth/login",
        "/api/v1/customers",
        "/api/v1/articles/{reference}",
        "/api/v1/vat-codes",
        "/api/v1/quotes",
        "/ready",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn every_operation_describes_its_errors_and_every_reference_resolves() {
    let doc = document();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let responses = operation["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}: no responses"));
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}: no success response"
            );
            if path.starts_with("/api/") {
                let errors: Vec<&String> =
                    responses.keys().filter(|s| s.starts_with('4')).collect();
                assert!(
                    !errors.is_empty(),
                    "{method} {path}: no error response described"
                );
                for status in errors {
                    let content = &resolved(&doc, &responses[status])["content"];
                    assert!(
                        content["application/problem+json"].is_object(),
                        "{method} {path} {status}: errors are application/problem+json"
                    );
                }
            }
        }
    }
    assert!(operations >= 50, "{operations} operations");
    let mut refs = Vec::new();
    references(&doc, &mut refs);
    for r in refs {
        let (kind, name) = r
            .strip_prefix("#/components/")
            .and_then(|rest| rest.split_once('/'))
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            matches!(kind, "schemas" | "responses"),
            "unexpected reference {r}"
        );
        assert!(
            doc["components"][kind][name].is_object(),
            "{r} does not resolve"
        );
    }
}
