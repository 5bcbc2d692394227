//! What the API tests share: the router over an app on a fresh SQLite file (the real
//! stores, the real clock and ids, a fast password hasher), a small shop, an
//! administrator, and a way to call the router and read its answer.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use app::catalogue::ArticleKey;
use app::{App, Caller, Settings};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use domain::account::Password;
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::money::{Quantity, UnitPrice};
use domain::order::{Actor, SiteCode};
use domain::party::{CompanyName, Email};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use http_body_util::BodyExt;
use ports::{Database, MockPasswordHasher};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The first administrator's login and password.
pub const ADMIN: &str = "admin@example.fr";
pub const ADMIN_PASSWORD: &str = "a long admin secret";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh SQLite database in a file of its own.
pub async fn sqlite() -> Arc<dyn Database> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let path = std::env::temp_dir().join(format!(
        "oms-http-test-{}-{n}-{nanos}.db",
        std::process::id()
    ));
    let db = store_sqlite::SqliteDatabase::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("a fresh SQLite database opens");
    Arc::new(db)
}

/// A hasher that "hashes" by prefixing: argon2id has its own tests, and would make these
/// slow.
pub fn fast_hasher() -> Arc<MockPasswordHasher> {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|p| Ok(format!("hashed:{p}")));
    hasher
        .expect_verify()
        .returning(|p, h| h == format!("hashed:{p}"));
    Arc::new(hasher)
}

/// Staff, for setting up.
pub fn staff() -> Caller {
    Caller::staff(Actor::new("setup").unwrap())
}

/// The API over a shop: the online site, VAT codes, three articles, an administrator.
pub struct Api {
    /// The use cases behind the router, to set up and check.
    pub app: App,
    /// The whole API.
    pub router: Router,
    /// `VIS-M6`: 12.50 at 20 %, 10 in stock.
    pub vis: Article,
    /// `LIVRE-01`: 4.99 at 5.5 %, 5 in stock.
    pub livre: Article,
    /// `PERC-18V`: 89.90 at 20 %, 3 in stock, at most 2 per order.
    pub perceuse: Article,
}

/// The answer of a request.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

impl Reply {
    /// Asserts a problem with this status and code, and returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status, "{}", self.text);
        &self.body
    }

    /// Asserts this status, and returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        &self.body
    }
}

pub fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

impl Api {
    /// A fresh shop on a fresh database.
    pub async fn new() -> Api {
        let app = App::new(
            sqlite().await,
            Arc::new(app::system::SystemClock),
            Arc::new(app::system::UuidIds),
            Settings::default(),
        )
        .with_hasher(fast_hasher());
        let staff = staff();
        app.ensure_site(
            &Caller::system(),
            &SiteCode::new("WEB").unwrap(),
            &CompanyName::new("Boutique").unwrap(),
        )
        .await
        .unwrap();
        for (code, rate, default) in [("NORMAL", "20", true), ("REDUIT", "5.5", false)] {
            app.save_vat_code(
                &staff,
                &VatCode {
                    code: VatCodeId::new(code).unwrap(),
                    label: VatLabel::new(code).unwrap(),
                    rate: VatRate::new(d(rate)).unwrap(),
                    is_default: default,
                },
            )
            .await
            .unwrap();
        }
        let vis = article(&app, "VIS-M6", "Vis M6", "12.50", None, None, 10).await;
        let livre = article(&app, "LIVRE-01", "Livre", "4.99", Some("REDUIT"), None, 5).await;
        let perceuse = article(&app, "PERC-18V", "Perceuse", "89.90", None, Some(2), 3).await;
        app.create_admin(
            &Caller::system(),
            &Email::new(ADMIN).unwrap(),
            &Password::new(ADMIN_PASSWORD).unwrap(),
        )
        .await
        .unwrap();
        let router = http_api::router(http_api::AppState { app: app.clone() });
        Api {
            app,
            router,
            vis,
            livre,
            perceuse,
        }
    }

    /// Sends a request as it is.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    /// Sends a request with an optional bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    /// Sends a body as it is, as JSON.
    pub async fn call_raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: &str,
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(builder.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// Logs in and returns the token.
    pub async fn login(&self, login: &str, password: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "password": password})),
            )
            .await;
        let body = reply.ok(200);
        body["token"].as_str().unwrap().to_owned()
    }

    /// The first administrator's token.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN, ADMIN_PASSWORD).await
    }

    /// Signs a customer up with this email and `password`; returns what was created.
    pub async fn signup(&self, email: &str, password: &str) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/auth/signup",
                None,
                Some(signup_body(email, password)),
            )
            .await;
        reply.ok(201).clone()
    }

    /// The units of an article in stock now.
    pub async fn stock(&self, article: &Article) -> u32 {
        self.app
            .article(&ArticleKey::Id(article.id))
            .await
            .unwrap()
            .stock
    }
}

/// A sign-up request.
pub fn signup_body(email: &str, password: &str) -> Value {
    json!({
        "last_name": "Dupont",
        "first_name": "Marie",
        "mobile": "+33 6 12 34 56 78",
        "email": email,
        "password": password,
        "address": {
            "lines": "12 rue des Lilas",
            "postal_code": "69003",
            "town": "Lyon"
        }
    })
}

pub async fn article(
    app: &App,
    reference: &str,
    designation: &str,
    price: &str,
    vat: Option<&str>,
    max: Option<u32>,
    stock: u32,
) -> Article {
    app.create_article(
        &staff(),
        &ArticleDetails {
            reference: ArticleReference::new(reference).unwrap(),
            designation: Designation::new(designation).unwrap(),
            unit_price: UnitPrice::new(d(price)).unwrap(),
            vat_code: vat.map(|v| VatCodeId::new(v).unwrap()),
            min_quantity: Quantity::new(1).unwrap(),
            max_per_order: max.map(|m| Quantity::new(m).unwrap()),
        },
        stock,
    )
    .await
    .unwrap()
}
