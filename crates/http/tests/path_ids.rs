//! A path parameter that does not parse (an id, a number, a reference, a code, a line's
//! position, a link's kind) answers the same everywhere: 404 `not_found`, as for something
//! that does not exist. Every operation of the OpenAPI document with a path parameter is
//! tried, so a route added later is tried too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::Method;
use common::Api;
use http_api::ApiDoc;
use serde_json::json;
use utoipa::OpenApi;

/// Parses as none of the path parameters: not a UUID, an order or invoice number, an
/// article reference, a VAT code, a position or a link's kind.
const MALFORMED: &str = "%21%21";

#[tokio::test]
async fn a_malformed_path_parameter_names_nothing_on_every_route() {
    let api = Api::new().await;
    let admin = api.admin_token().await;
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        let uri = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    MALFORMED
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            // The path is read before the body: an empty object is enough.
            let body = operation.get("requestBody").map(|_| json!({}));
            let reply = api.call(method.clone(), &uri, Some(&admin), body).await;
            assert_eq!(reply.status.as_u16(), 404, "{method} {uri}: {}", reply.text);
            reply.problem(404, "not_found");
            tried += 1;
        }
    }
    assert!(tried >= 30, "only {tried} operations with a path parameter");
}
