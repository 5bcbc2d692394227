//! What the party and catalogue route tests share: the router over an app on a fresh
//! SQLite file (the real stores, clock and ids, a fast password hasher), a small shop, an
//! administrator's and a customer's tokens, and calls to the router with their answers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use app::parties::NewCustomer;
use app::{App, Caller, Settings};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use domain::account::Password;
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::money::{Quantity, UnitPrice};
use domain::order::{Actor, SiteCode};
use domain::party::{
    AddressLines, AdresseDetails, CompanyName, CountryCode, Email, PersonName, PhoneNumber,
    PostalCode, TiersDetails, Town,
};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use http_body_util::BodyExt;
use ports::{Database, MockPasswordHasher};
use serde_json::Value;
use tower::ServiceExt;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh SQLite database in a file of its own.
async fn sqlite() -> Arc<dyn Database> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let path = std::env::temp_dir().join(format!(
        "oms-http-routes-test-{}-{n}-{nanos}.db",
        std::process::id()
    ));
    let db = store_sqlite::SqliteDatabase::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("a fresh SQLite database opens");
    Arc::new(db)
}

/// A hasher that "hashes" by prefixing: argon2id has its own tests.
fn fast_hasher() -> Arc<MockPasswordHasher> {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|p| Ok(format!("hashed:{p}")));
    hasher
        .expect_verify()
        .returning(|p, h| h == format!("hashed:{p}"));
    Arc::new(hasher)
}

fn setup() -> Caller {
    Caller::staff(Actor::new("setup").unwrap())
}

pub fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

/// The API over a shop: the online site, VAT codes NORMAL (20 %, default) and REDUIT
/// (5.5 %), three articles, an administrator and a customer with an account.
pub struct Harness {
    /// The use cases behind the router, to set up and check.
    pub app: App,
    router: Router,
    /// An administrator's token.
    pub admin: String,
    /// A customer's token.
    pub customer: String,
    /// The customer's person id.
    pub customer_id: String,
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
    pub content_type: Option<String>,
    /// The body as text.
    pub text: String,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

impl Reply {
    /// Asserts a problem with this status and code, and gives its body.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status, "{}", self.text);
        &self.body
    }

    /// Asserts a validation problem (422) on this field.
    #[track_caller]
    pub fn invalid(&self, field: &str) -> &Value {
        let body = self.problem(422, "validation");
        assert_eq!(body["field"], field, "{}", self.text);
        body
    }

    /// Asserts this status and a JSON body, and gives the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        if status != 204 {
            assert_eq!(
                self.content_type.as_deref(),
                Some("application/json"),
                "{}",
                self.text
            );
        }
        &self.body
    }
}

async fn article(
    app: &App,
    reference: &str,
    price: &str,
    vat: Option<&str>,
    max: Option<u32>,
    stock: u32,
) -> Article {
    app.create_article(
        &setup(),
        &ArticleDetails {
            reference: ArticleReference::new(reference).unwrap(),
            designation: Designation::new(&format!("Article {reference}")).unwrap(),
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

impl Harness {
    /// A fresh shop on a fresh database.
    pub async fn new() -> Harness {
        let app = App::new(
            sqlite().await,
            Arc::new(app::system::SystemClock),
            Arc::new(app::system::UuidIds),
            Settings::default(),
        )
        .with_hasher(fast_hasher());
        app.ensure_site(
            &Caller::system(),
            &SiteCode::new("WEB").unwrap(),
            &CompanyName::new("Boutique").unwrap(),
        )
        .await
        .unwrap();
        for (code, rate, default) in [("NORMAL", "20", true), ("REDUIT", "5.5", false)] {
            app.save_vat_code(
                &setup(),
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
        let vis = article(&app, "VIS-M6", "12.50", None, None, 10).await;
        let livre = article(&app, "LIVRE-01", "4.99", Some("REDUIT"), None, 5).await;
        let perceuse = article(&app, "PERC-18V", "89.90", None, Some(2), 3).await;

        let password = Password::new("a long enough secret").unwrap();
        let admin_login = Email::new("admin@example.fr").unwrap();
        app.create_admin(&Caller::system(), &admin_login, &password)
            .await
            .unwrap();
        let admin = app
            .log_in(&admin_login, "a long enough secret")
            .await
            .unwrap()
            .token;
        let customer_login = Email::new("marie.dupont@example.fr").unwrap();
        let (_, registered) = app
            .sign_up(
                &NewCustomer {
                    details: TiersDetails {
                        last_name: PersonName::new("Dupont").unwrap(),
                        first_name: Some(PersonName::new("Marie").unwrap()),
                        mobile: Some(PhoneNumber::new("06 12 34 56 78").unwrap()),
                        email: Some(customer_login.clone()),
                    },
                    company: None,
                    address: AdresseDetails {
                        lines: AddressLines::new("12 rue des Lilas").unwrap(),
                        postal_code: PostalCode::new("69003").unwrap(),
                        town: Town::new("Lyon").unwrap(),
                        country: CountryCode::france(),
                        access_notes: None,
                        landline: None,
                        bank_details: None,
                    },
                },
                &password,
            )
            .await
            .unwrap();
        let customer = app
            .log_in(&customer_login, "a long enough secret")
            .await
            .unwrap()
            .token;
        let router = http_api::router(http_api::AppState { app: app.clone() });
        Harness {
            app,
            router,
            admin,
            customer,
            customer_id: registered.tiers.id.to_string(),
            vis,
            livre,
            perceuse,
        }
    }

    /// Sends a request with an optional token and a raw body (sent as JSON).
    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(text) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(text.to_owned())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            text,
            body,
        }
    }

    /// Sends a request with an optional token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let text = body.map(|b| b.to_string());
        self.raw(method, uri, token, text.as_deref()).await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, uri, token, None).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, uri, token, Some(body)).await
    }

    pub async fn put(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PUT, uri, token, Some(body)).await
    }

    pub async fn delete(&self, uri: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, uri, token, None).await
    }

    /// The administrator's token.
    pub fn admin(&self) -> Option<&str> {
        Some(&self.admin)
    }

    /// The customer's token.
    pub fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
}
