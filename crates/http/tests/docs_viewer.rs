//! The viewer at `/docs` is served whole by the API: its page loads only scripts and
//! styles from the same server, each of which answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, Method};
use common::Api;

#[tokio::test]
async fn the_viewer_and_everything_it_loads_come_from_the_api() {
    let api = Api::new().await;
    let page = api.call(Method::GET, "/docs", None, None).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.text);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!page.text.contains("http://") && !page.text.contains("https://"));

    // Every script and stylesheet the page names is served here, with its type.
    let mut loaded = 0;
    for (attribute, kind) in [("src=\"", "text/javascript"), ("href=\"", "text/css")] {
        for part in page.text.split(attribute).skip(1) {
            let path = part.split('"').next().unwrap();
            assert!(path.starts_with("/docs/"), "{path}");
            let asset = api.call(Method::GET, path, None, None).await;
            assert_eq!(asset.status.as_u16(), 200, "{path}");
            let served = asset.headers[header::CONTENT_TYPE].to_str().unwrap();
            assert!(served.starts_with(kind), "{path}: {served}");
            assert!(asset.text.len() > 100, "{path} is nearly empty");
            loaded += 1;
        }
    }
    assert_eq!(
        loaded, 3,
        "the page should load Swagger UI, its style and its start"
    );

    // The viewer reads the document from this server.
    let start = api.call(Method::GET, "/docs/viewer.js", None, None).await;
    assert!(start.text.contains("\"/api/v1/openapi.json\""));
}
