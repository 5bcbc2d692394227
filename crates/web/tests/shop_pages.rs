//! The shop's pages through the same router `oms-api` serves (the API beside them), over a
//! fresh SQLite database, with a small browser of our own: it keeps cookies and sends each
//! form with the token its page carried.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use app::catalogue::ArticleKey;
use app::payments::{CallbackSecret, TestCardProvider};
use app::{App, Caller, Settings};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
use domain::money::{Quantity, UnitPrice};
use domain::order::{Actor, SiteCode};
use domain::party::CompanyName;
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use http_body_util::BodyExt;
use ports::MockPasswordHasher;
use tower::ServiceExt;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

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

/// The test card processor, with a secret the tests know, to play its callbacks.
fn processor() -> TestCardProvider {
    TestCardProvider::new(CallbackSecret::new("a secret of the tests, 16+").unwrap())
}

/// The shop and the API over a fresh database: the online site, two VAT codes, articles.
async fn shop() -> (App, Router) {
    shop_with(Settings::default()).await
}

/// As [`shop`], with these settings.
async fn shop_with(settings: Settings) -> (App, Router) {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let path = std::env::temp_dir().join(format!(
        "oms-app-test-web-{}-{n}-{nanos}.db",
        std::process::id()
    ));
    let db = store_sqlite::SqliteDatabase::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let app = App::new(
        Arc::new(db),
        Arc::new(app::system::SystemClock),
        Arc::new(app::system::UuidIds),
        settings,
    )
    .with_hasher(fast_hasher())
    .with_payment_provider(Arc::new(processor()));
    app.ensure_site(
        &Caller::system(),
        &SiteCode::new("WEB").unwrap(),
        &CompanyName::new("Boutique").unwrap(),
    )
    .await
    .unwrap();
    let staff = Caller::staff(Actor::new("setup").unwrap());
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
    let articles = [
        (
            "VIS-M6",
            "Vis à tête hexagonale M6, acier zingué",
            "12.50",
            None,
            None,
            10,
        ),
        (
            "LIVRE-01",
            "Livre « Le bricolage facile »",
            "4.99",
            Some("REDUIT"),
            None,
            5,
        ),
        (
            "PERC-18V",
            "Perceuse sans fil 18 V",
            "89.90",
            None,
            Some(2),
            3,
        ),
    ];
    for (reference, designation, price, vat, max, stock) in articles {
        app.create_article(
            &staff,
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
        .unwrap();
    }
    let pages = web::router(app.clone(), web::Settings::plain_http());
    let router = http_api::router_with_pages(http_api::AppState { app: app.clone() }, pages);
    (app, router)
}

/// A browser: its cookies, and the last page's form token.
struct Browser {
    router: Router,
    cookies: HashMap<String, String>,
    csrf: String,
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", web_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn web_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Browser {
    fn new(router: &Router) -> Self {
        Browser {
            router: router.clone(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    async fn send(&mut self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(at) = text.find("name=\"csrf\" value=\"") {
            let rest = &text[at + 19..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        Answer {
            status,
            headers,
            text,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, uri: &str) -> Answer {
        let request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::HOST, "shop.test")
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// Posts a form as the shop's own page would: same origin, with the page's token.
    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &form_body(&all), Some("same-origin"))
            .await
    }

    async fn post_raw(&mut self, uri: &str, body: &str, fetch_site: Option<&str>) -> Answer {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::HOST, "shop.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(site) = fetch_site {
            builder = builder.header("sec-fetch-site", site);
        }
        self.send(builder.body(Body::from(body.to_owned())).unwrap())
            .await
    }
}

#[tokio::test]
async fn the_catalogue_shows_prices_with_and_without_tax_and_finds_words_whatever_the_accents() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    let page = browser.get("/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("<html lang=\"fr\">"));
    assert!(page.text.contains("3 articles"), "{}", page.text);
    // 12.50 HT at 20 % is 15.00 TTC; 4.99 at 5.5 % is 5.26 TTC.
    assert!(page.text.contains("12,50\u{a0}€ HT"), "{}", page.text);
    assert!(page.text.contains("15,00\u{a0}€ TTC"));
    assert!(page.text.contains("5,26\u{a0}€ TTC"));
    assert!(page.text.contains("TVA 5,5\u{a0}%"));
    assert!(page.text.contains("au plus 2 par commande"));
    assert!(page.text.contains("Plus que 3 en stock"));

    let found = browser.get("/?q=TETE%20zingue").await;
    assert!(
        found.text.contains("1 article pour « TETE zingue »"),
        "{}",
        found.text
    );
    assert!(found.text.contains("VIS-M6"));
    assert!(!found.text.contains("PERC-18V"));
    let by_reference = browser.get("/?q=perc-18").await;
    assert!(by_reference.text.contains("Perceuse sans fil"));
    let none = browser.get("/?q=tournevis").await;
    assert!(none.text.contains("Aucun article ne correspond"));
    // A page past the end is empty, never an error; a page number that is not one is 1.
    let far = browser.get("/?page=9").await;
    assert_eq!(far.status, StatusCode::OK);
    let odd = browser.get("/?page=abc").await;
    assert!(odd.text.contains("page 1 sur 1"));

    let article = browser.get("/article/vis-m6").await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(article
        .text
        .contains("<h1>Vis à tête hexagonale M6, acier zingué</h1>"));
    let missing = browser.get("/article/NOPE").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("Page introuvable"));
}

#[tokio::test]
async fn a_guest_fills_changes_and_empties_a_cart_kept_by_a_cookie() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    browser.get("/").await;
    let added = browser
        .post(
            "/panier/ajouter",
            &[("reference", "VIS-M6"), ("quantite", "2")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(added.location(), "/panier");
    let cart_cookie = added
        .set_cookie("oms_cart")
        .expect("the guest's cart cookie");
    assert!(cart_cookie.contains("HttpOnly") && cart_cookie.contains("SameSite=Lax"));
    browser
        .post(
            "/panier/ajouter",
            &[("reference", "LIVRE-01"), ("quantite", "1")],
        )
        .await;
    let cart = browser.get("/panier").await;
    assert!(cart.text.contains("L’article a été ajouté à votre panier."));
    // 2 x 12.50 = 25.00 HT at 20 % (5.00); 4.99 at 5.5 % (0.27): 29.99 HT, 35.26 TTC.
    assert!(
        cart.text.contains("TVA 20\u{a0}% sur 25,00\u{a0}€"),
        "{}",
        cart.text
    );
    assert!(cart.text.contains("TVA 5,5\u{a0}% sur 4,99\u{a0}€"));
    assert!(cart.text.contains("29,99\u{a0}€"));
    assert!(cart.text.contains("35,26\u{a0}€"));
    // The message is shown once.
    let again = browser.get("/panier").await;
    assert!(!again.text.contains("L’article a été ajouté"));

    let changed = browser
        .post(
            "/panier/quantite",
            &[("reference", "VIS-M6"), ("quantite", "1")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("TVA 20\u{a0}% sur 12,50\u{a0}€"),
        "{}",
        cart.text
    );
    let bad = browser
        .post(
            "/panier/quantite",
            &[("reference", "VIS-M6"), ("quantite", "zéro")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Quantité"), "{}", bad.text);
    browser.get("/panier").await;
    browser
        .post("/panier/retirer", &[("reference", "VIS-M6")])
        .await;
    let cart = browser.get("/panier").await;
    assert!(!cart.text.contains("Réf. VIS-M6"));
    assert!(cart.text.contains("Réf. LIVRE-01"));
    browser.post("/panier/vider", &[]).await;
    let cart = browser.get("/panier").await;
    assert!(cart.text.contains("Votre panier est vide."));
}

#[tokio::test]
async fn forms_from_another_site_or_without_their_token_are_refused() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    browser.get("/").await;
    let token = browser.csrf.clone();
    assert_eq!(token.len(), 64);
    let body = form_body(&[("reference", "VIS-M6"), ("quantite", "1")]);
    let without = browser
        .post_raw("/panier/ajouter", &body, Some("same-origin"))
        .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    assert!(without.text.contains("Action refusée"));
    let with_token = form_body(&[("csrf", &token), ("reference", "VIS-M6"), ("quantite", "1")]);
    let cross = browser
        .post_raw("/panier/ajouter", &with_token, Some("cross-site"))
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let other_visitor = {
        let mut other = Browser::new(&router);
        other.get("/").await;
        other
            .post_raw("/panier/ajouter", &with_token, Some("same-origin"))
            .await
    };
    assert_eq!(
        other_visitor.status,
        StatusCode::FORBIDDEN,
        "a token is its visitor's"
    );
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("Votre panier est vide."),
        "nothing was added"
    );
    let ok = browser.post_raw("/panier/ajouter", &with_token, None).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_up_keeps_the_guests_cart_and_logging_in_again_finds_it() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    browser.get("/").await;
    browser
        .post(
            "/panier/ajouter",
            &[("reference", "LIVRE-01"), ("quantite", "2")],
        )
        .await;
    browser.get("/inscription").await;
    let refused = browser
        .post(
            "/inscription",
            &[
                ("nom", "Dupont"),
                ("email", "pas-un-email"),
                ("adresse", "3 rue des Lilas"),
                ("code_postal", "69003"),
                ("ville", "Lyon"),
                ("mot_de_passe", "un secret assez long"),
                ("confirmation", "autre chose"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text.contains("id=\"email-erreur\""),
        "{}",
        refused.text
    );
    assert!(refused
        .text
        .contains("Les deux mots de passe ne sont pas identiques."));
    assert!(
        refused.text.contains("value=\"3 rue des Lilas\""),
        "what was typed is kept"
    );
    let created = browser
        .post(
            "/inscription",
            &[
                ("prenom", "Marie"),
                ("nom", "Dupont"),
                ("email", "marie@example.fr"),
                ("adresse", "3 rue des Lilas"),
                ("code_postal", "69003"),
                ("ville", "Lyon"),
                ("mot_de_passe", "un secret assez long"),
                ("confirmation", "un secret assez long"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let session = created.set_cookie("oms_session").expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(!session.contains("Secure"), "plain HTTP here");
    assert!(created
        .set_cookie("oms_cart")
        .is_some_and(|c| c.contains("Max-Age=0")));
    let cart = browser.get("/panier").await;
    assert!(cart.text.contains("Réf. LIVRE-01"), "{}", cart.text);
    let account = browser.get("/compte").await;
    assert!(account.text.contains("marie@example.fr"));
    assert!(account.text.contains("69003 Lyon"), "{}", account.text);

    browser.post("/deconnexion", &[]).await;
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("Votre panier est vide."),
        "a guest again"
    );
    browser.get("/connexion").await;
    let logged = browser
        .post(
            "/connexion",
            &[
                ("email", "marie@example.fr"),
                ("mot_de_passe", "un secret assez long"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.text);
    assert_eq!(logged.location(), "/");
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("Réf. LIVRE-01"),
        "the account kept the cart"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_slowed_and_no_redirect_leaves_the_shop() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    browser.get("/connexion?suite=https://evil.example").await;
    assert!(browser.csrf.len() == 64);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let answer = browser
            .post(
                "/connexion",
                &[
                    ("email", "nobody@example.fr"),
                    ("mot_de_passe", "guess"),
                    ("suite", "https://evil.example"),
                ],
            )
            .await;
        statuses.push(answer.status.as_u16());
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(
                answer.text.contains("Trop de tentatives"),
                "{}",
                answer.text
            );
        } else {
            assert!(answer.text.contains("E-mail ou mot de passe incorrect."));
            assert!(!answer.text.contains("evil.example"));
        }
    }
    assert_eq!(statuses, [422, 422, 422, 429]);
}

#[tokio::test]
async fn a_link_fills_the_cart_once_its_button_is_pressed() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    let page = browser
        .get("/panier/remplir?articles=VIS-M6:3,LIVRE-01:1")
        .await;
    assert!(page.text.contains("3 × Vis à tête"), "{}", page.text);
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("Votre panier est vide."),
        "the link alone adds nothing"
    );
    browser
        .get("/panier/remplir?articles=VIS-M6:3,LIVRE-01:1")
        .await;
    let filled = browser
        .post("/panier/remplir", &[("articles", "VIS-M6:3,LIVRE-01:1")])
        .await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER);
    let cart = browser.get("/panier").await;
    assert!(
        cart.text.contains("TVA 20\u{a0}% sur 37,50\u{a0}€"),
        "{}",
        cart.text
    );
    let unknown = browser.get("/panier/remplir?articles=NOPE:1").await;
    assert!(unknown.text.contains("article inconnu"));
    assert!(!unknown.text.contains("action=\"/panier/remplir\""));
}

#[tokio::test]
async fn the_pages_and_the_api_share_one_router_and_assets_are_cached_long() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    let home = browser.get("/").await;
    let at = home.text.find("href=\"/static/shop.").unwrap();
    let rest = &home.text[at + 6..];
    let css = &rest[..rest.find('"').unwrap()];
    let sheet = browser.get(css).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(
        sheet.headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert!(sheet.text.contains("@media"));
    assert_eq!(
        browser.get("/static/shop.0000.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        home.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store",
        "pages carry tokens"
    );
    let health = browser.get("/health").await;
    assert_eq!(health.status, StatusCode::OK);
    let api_missing = browser.get("/api/v1/nothing").await;
    assert_eq!(api_missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api_missing.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    let page_missing = browser.get("/nulle-part").await;
    assert_eq!(page_missing.status, StatusCode::NOT_FOUND);
    assert!(page_missing.text.contains("Page introuvable"));
    assert!(page_missing
        .headers
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

/// Signs up through the pages, with a cart of `items` filled as a guest first.
async fn customer(router: &Router, email: &str, items: &[(&str, &str)]) -> Browser {
    let mut browser = Browser::new(router);
    browser.get("/").await;
    for (reference, quantity) in items {
        let added = browser
            .post(
                "/panier/ajouter",
                &[("reference", reference), ("quantite", quantity)],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    }
    browser.get("/inscription?suite=commande").await;
    let created = browser
        .post(
            "/inscription",
            &[
                ("prenom", "Marie"),
                ("nom", "Dupont"),
                ("email", email),
                ("adresse", "3 rue des Lilas"),
                ("code_postal", "69003"),
                ("ville", "Lyon"),
                ("mot_de_passe", "un secret assez long"),
                ("confirmation", "un secret assez long"),
                ("suite", "commande"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    assert_eq!(created.location(), "/commande/livraison");
    browser
}

/// Goes through the steps to the summary, the billing address the delivery's.
async fn to_summary(browser: &mut Browser) -> Answer {
    let delivery = browser.get("/commande/livraison").await;
    assert_eq!(delivery.status, StatusCode::OK, "{}", delivery.text);
    assert!(
        delivery.text.contains("3 rue des Lilas"),
        "{}",
        delivery.text
    );
    let at = delivery.text.find("name=\"adresse\" value=\"").unwrap();
    let rest = &delivery.text[at + 22..];
    let address = rest[..rest.find('"').unwrap()].to_owned();
    let chosen = browser
        .post("/commande/livraison", &[("adresse", &address)])
        .await;
    assert_eq!(chosen.location(), "/commande/facturation");
    let billing = browser.get("/commande/facturation").await;
    assert!(billing.text.contains("Identique à l’adresse de livraison"));
    let same = browser
        .post("/commande/facturation", &[("adresse", "identique")])
        .await;
    assert_eq!(same.location(), "/commande/recapitulatif");
    browser.get("/commande/recapitulatif").await
}

#[tokio::test]
async fn a_customer_checks_out_pays_after_a_declined_card_and_downloads_the_delivery_note() {
    let (app, router) = shop().await;
    let mut browser = customer(
        &router,
        "marie@example.fr",
        &[("VIS-M6", "2"), ("LIVRE-01", "1")],
    )
    .await;
    let summary = to_summary(&mut browser).await;
    assert!(
        summary.text.contains("Récapitulatif de votre commande"),
        "{}",
        summary.text
    );
    assert!(summary.text.contains("Identique à l’adresse de livraison."));
    assert!(summary.text.contains("35,26\u{a0}€"), "{}", summary.text);
    assert!(summary
        .text
        .contains("Paiement comptant par carte bancaire"));
    let placed = browser.post("/commande/confirmer", &[]).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.text);
    let payment_path = placed.location().to_owned();
    assert!(
        payment_path.starts_with("/commandes/WEB-"),
        "{payment_path}"
    );
    let number = payment_path
        .trim_start_matches("/commandes/")
        .trim_end_matches("/paiement")
        .to_owned();
    // Pressed twice: one order; the second press finds the cart emptied.
    let twice = browser.post("/commande/confirmer", &[]).await;
    assert_eq!(twice.location(), "/commandes");
    let cart = browser.get("/panier").await;
    assert!(cart.text.contains("Votre panier est vide."));

    let pay = browser.get(&payment_path).await;
    assert!(
        pay.text.contains(&format!(
            "Votre commande <strong>{number}</strong> est enregistrée"
        )),
        "{}",
        pay.text
    );
    assert!(pay.text.contains("35,26\u{a0}€"));
    let declined = browser
        .post(&payment_path, &[("carte", "4000 0000 0000 0002")])
        .await;
    assert_eq!(declined.status, StatusCode::OK);
    assert!(
        declined
            .text
            .contains("Le paiement a été refusé. Motif : card declined."),
        "{}",
        declined.text
    );
    let malformed = browser.post(&payment_path, &[("carte", "1234")]).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(malformed.text.contains("Numéro de carte invalide"));
    let approved = browser
        .post(&payment_path, &[("carte", "4242 4242 4242 4242")])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text);
    assert_eq!(approved.location(), format!("/commandes/{number}"));
    let order = browser.get(&format!("/commandes/{number}")).await;
    assert!(
        order
            .text
            .contains("confirmation par la banque est en cours"),
        "{}",
        order.text
    );
    assert!(order.text.contains("En attente de paiement"));

    // The processor confirms.
    let payments = app
        .order_payments(
            &Caller::system(),
            &domain::order::OrderNumber::parse(&number).unwrap(),
        )
        .await
        .unwrap();
    let reference = payments
        .payments
        .iter()
        .find_map(|p| {
            (p.status == domain::payment::PaymentStatus::Pending)
                .then(|| p.provider_reference.clone())
        })
        .flatten()
        .unwrap();
    let (body, signature) =
        processor().callback(&reference, &domain::payment::PaymentOutcome::Succeeded);
    app.payment_callback("test_card", &body, Some(&signature))
        .await
        .unwrap();
    let order = browser.get(&format!("/commandes/{number}")).await;
    assert!(
        order.text.contains("Paiement : <strong>Payée</strong>"),
        "{}",
        order.text
    );
    assert!(!order.text.contains("/paiement\""), "nothing left to pay");
    let list = browser.get("/commandes").await;
    assert!(list.text.contains(&number));
    let note = browser
        .get(&format!("/commandes/{number}/bon-de-livraison.pdf"))
        .await;
    assert_eq!(note.status, StatusCode::OK);
    assert!(note.text.starts_with("%PDF"));

    // Another customer sees none of it, as if it did not exist.
    let mut other = customer(&router, "paul@example.fr", &[]).await;
    for path in [
        format!("/commandes/{number}"),
        format!("/commandes/{number}/paiement"),
        format!("/commandes/{number}/bon-de-livraison.pdf"),
        format!("/commandes/{number}/documents/F-2026-000001.pdf"),
    ] {
        let answer = other.get(&path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(answer.text.contains("Page introuvable"));
    }
    let list = other.get("/commandes").await;
    assert!(!list.text.contains(&number));
    let guest = Browser::new(&router)
        .get(&format!("/commandes/{number}"))
        .await;
    assert_eq!(guest.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn short_stock_at_confirm_names_the_article_and_goes_on_with_what_is_left() {
    let (app, router) = shop().await;
    let mut browser = customer(
        &router,
        "marie@example.fr",
        &[("VIS-M6", "10"), ("LIVRE-01", "1")],
    )
    .await;
    to_summary(&mut browser).await;
    // Another customer took units meanwhile.
    let staff = Caller::staff(Actor::new("setup").unwrap());
    app.adjust_stock(
        &staff,
        &ArticleKey::Reference(ArticleReference::new("VIS-M6").unwrap()),
        -8,
        None,
    )
    .await
    .unwrap();
    let short = browser.post("/commande/confirmer", &[]).await;
    assert_eq!(short.status, StatusCode::CONFLICT, "{}", short.text);
    assert!(
        short.text.contains("Vis à tête hexagonale M6"),
        "{}",
        short.text
    );
    assert!(
        short
            .text
            .contains("vous en demandez 10, il n’en reste que 2"),
        "{}",
        short.text
    );
    assert!(short.text.contains("Retirer Vis à tête hexagonale M6"));
    let placed = browser
        .post("/commande/confirmer", &[("stock", "disponible")])
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.text);
    let number = placed
        .location()
        .trim_start_matches("/commandes/")
        .trim_end_matches("/paiement")
        .to_owned();
    let order = browser.get(&format!("/commandes/{number}")).await;
    // 2 x 12.50 at 20 % + 4.99 at 5.5 %.
    assert!(
        order.text.contains("TVA 20\u{a0}% sur 25,00\u{a0}€"),
        "{}",
        order.text
    );
}

#[tokio::test]
async fn checkout_asks_a_guest_who_they_are() {
    let (_app, router) = shop().await;
    let mut browser = Browser::new(&router);
    let who = browser.get("/commande").await;
    assert!(who.text.contains("Qui êtes-vous ?"));
    assert!(who.text.contains("/connexion?suite=commande"));
    let step = browser.get("/commande/livraison").await;
    assert_eq!(step.location(), "/commande");
}

/// The guest access emails waiting in the outbox, as (recipient, link).
async fn guest_links(app: &App) -> Vec<(String, String)> {
    app.outbox_messages(&Caller::system(), ports::MessageStatus::Pending, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.topic == app::guests::GUEST_ACCESS)
        .map(|m| {
            (
                m.recipient.clone().unwrap(),
                m.payload["link"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const GUEST: &[(&str, &str)] = &[
    ("prenom", "Léa"),
    ("nom", "Invitée"),
    ("email", "lea@example.fr"),
    ("mobile", "06 12 34 56 78"),
    ("adresse", "8 place du Marché"),
    ("code_postal", "31000"),
    ("ville", "Toulouse"),
    ("meme_adresse", "oui"),
];

#[tokio::test]
async fn a_guest_orders_without_an_account_pays_and_comes_back_through_the_emailed_link() {
    let (app, router) = shop().await;
    let mut guest = Browser::new(&router);
    guest.get("/").await;
    guest
        .post(
            "/panier/ajouter",
            &[("reference", "LIVRE-01"), ("quantite", "2")],
        )
        .await;
    let who = guest.get("/commande").await;
    assert!(who.text.contains("Commander sans compte"));
    let form = guest.get("/commande/invite").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("10,53\u{a0}€"), "{}", form.text);
    let missing_phone: Vec<_> = GUEST
        .iter()
        .copied()
        .filter(|(k, _)| *k != "mobile")
        .collect();
    let refused = guest.post("/commande/invite", &missing_phone).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text.contains("id=\"mobile-erreur\""),
        "{}",
        refused.text
    );
    assert!(refused.text.contains("value=\"8 place du Marché\""));
    let placed = guest.post("/commande/invite", GUEST).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.text);
    assert!(
        placed.set_cookie("oms_session").is_some(),
        "the first order lets the browser in"
    );
    let payment = placed.location().to_owned();
    let number = payment
        .trim_start_matches("/commandes/")
        .trim_end_matches("/paiement")
        .to_owned();
    let paid = guest.get(&payment).await;
    assert!(
        paid.text.contains("Paiement de la commande"),
        "{}",
        paid.text
    );
    let links = guest_links(&app).await;
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].0, "lea@example.fr");
    assert!(
        links[0].1.starts_with("http://localhost:8080/acces/oms_"),
        "{:?}",
        links
    );
    // The guest account has no password that works.
    let mut someone = Browser::new(&router);
    someone.get("/connexion").await;
    let guessed = someone
        .post(
            "/connexion",
            &[
                ("email", "lea@example.fr"),
                ("mot_de_passe", "!guest: no password"),
            ],
        )
        .await;
    assert_eq!(guessed.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another browser, through the emailed link.
    let path = links[0]
        .1
        .trim_start_matches("http://localhost:8080")
        .to_owned();
    let mut later = Browser::new(&router);
    let opened = later.get(&path).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    assert_eq!(opened.location(), "/commandes");
    let list = later.get("/commandes").await;
    assert!(list.text.contains(&number), "{}", list.text);
    let bad = Browser::new(&router).get("/acces/oms_0000").await;
    assert_eq!(bad.status, StatusCode::GONE);
    assert!(bad.text.contains("Lien expiré"));

    // Someone typing the same email orders on the same account, but is not let in.
    let mut other = Browser::new(&router);
    other.get("/").await;
    other
        .post(
            "/panier/ajouter",
            &[("reference", "VIS-M6"), ("quantite", "1")],
        )
        .await;
    other.get("/commande/invite").await;
    let second = other.post("/commande/invite", GUEST).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert!(second
        .text
        .contains("Un e-mail vient d’être envoyé à <strong>lea@example.fr</strong>"));
    assert!(second.set_cookie("oms_session").is_none());
    let list = other.get("/commandes").await;
    assert_eq!(list.location(), "/connexion");
    assert_eq!(guest_links(&app).await.len(), 2);
    // The guest's link shows both.
    let list = later.get("/commandes").await;
    assert_eq!(
        list.text.matches("/commandes/WEB-").count(),
        2,
        "{}",
        list.text
    );

    // An email with a password account must log in.
    customer(&router, "marie@example.fr", &[]).await;
    let mut third = Browser::new(&router);
    third.get("/").await;
    third
        .post(
            "/panier/ajouter",
            &[("reference", "VIS-M6"), ("quantite", "1")],
        )
        .await;
    third.get("/commande/invite").await;
    let mut fields: Vec<_> = GUEST
        .iter()
        .copied()
        .filter(|(k, _)| *k != "email")
        .collect();
    fields.push(("email", "marie@example.fr"));
    let taken = third.post("/commande/invite", &fields).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text.contains("Un compte existe déjà avec cet e-mail"));
}

#[tokio::test]
async fn unpaid_online_orders_are_cancelled_after_the_delay_and_their_stock_returns() {
    let (app, router) = shop_with(Settings {
        unpaid_delay: time::Duration::ZERO,
        ..Settings::default()
    })
    .await;
    let vis = ArticleKey::Reference(ArticleReference::new("VIS-M6").unwrap());
    let mut unpaid = customer(&router, "marie@example.fr", &[("VIS-M6", "4")]).await;
    to_summary(&mut unpaid).await;
    let placed = unpaid.post("/commande/confirmer", &[]).await;
    let unpaid_number = placed
        .location()
        .trim_start_matches("/commandes/")
        .trim_end_matches("/paiement")
        .to_owned();
    // A declined card leaves it unpaid.
    unpaid
        .post(placed.location(), &[("carte", "4000 0000 0000 0002")])
        .await;
    let mut paying = customer(&router, "paul@example.fr", &[("VIS-M6", "3")]).await;
    to_summary(&mut paying).await;
    let placed = paying.post("/commande/confirmer", &[]).await;
    let pending = paying
        .post(placed.location(), &[("carte", "4242 4242 4242 4242")])
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    assert_eq!(app.article(&vis).await.unwrap().stock, 3);

    let cancelled = app.cancel_unpaid_orders().await.unwrap();
    let numbers: Vec<String> = cancelled.iter().map(ToString::to_string).collect();
    assert_eq!(
        numbers,
        vec![unpaid_number.as_str()],
        "the order with a payment under way is left"
    );
    assert_eq!(
        app.article(&vis).await.unwrap().stock,
        7,
        "its 4 units came back"
    );
    let order = unpaid.get(&format!("/commandes/{unpaid_number}")).await;
    assert!(
        order.text.contains("État : <strong>Annulée</strong>"),
        "{}",
        order.text
    );
    let again = app.cancel_unpaid_orders().await.unwrap();
    assert!(again.is_empty());
    let told = app
        .outbox_messages(&Caller::system(), ports::MessageStatus::Pending, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.topic == app::orders::ORDER_CANCELLED)
        .count();
    assert_eq!(told, 1, "the customer is told");
}

#[tokio::test]
async fn an_account_created_later_with_a_guests_email_is_proved_by_a_link_and_keeps_the_orders() {
    let (app, router) = shop().await;
    let mut guest = Browser::new(&router);
    guest.get("/").await;
    guest
        .post(
            "/panier/ajouter",
            &[("reference", "LIVRE-01"), ("quantite", "1")],
        )
        .await;
    guest.get("/commande/invite").await;
    let placed = guest.post("/commande/invite", GUEST).await;
    let number = placed
        .location()
        .trim_start_matches("/commandes/")
        .trim_end_matches("/paiement")
        .to_owned();

    let mut later = Browser::new(&router);
    later.get("/inscription").await;
    let asked = later
        .post(
            "/inscription",
            &[
                ("nom", "Invitée"),
                ("email", "lea@example.fr"),
                ("adresse", "8 place du Marché"),
                ("code_postal", "31000"),
                ("ville", "Toulouse"),
                ("mot_de_passe", "un secret assez long"),
                ("confirmation", "un secret assez long"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert!(
        asked.text.contains("Confirmez votre adresse e-mail"),
        "{}",
        asked.text
    );
    assert!(
        asked.set_cookie("oms_session").is_none(),
        "nobody is let in before the proof"
    );
    let link = app
        .outbox_messages(&Caller::system(), ports::MessageStatus::Pending, 500)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.topic == app::guests::GUEST_ACTIVATION)
        .map(|m| m.payload["link"].as_str().unwrap().to_owned())
        .expect("the link is emailed");
    let path = link.trim_start_matches("http://localhost:8080").to_owned();
    let opened = later.get(&path).await;
    assert_eq!(opened.location(), "/compte/mot-de-passe");
    let form = later.get("/compte/mot-de-passe").await;
    assert!(form.text.contains("Choisir votre mot de passe"));
    assert!(!form.text.contains("Mot de passe actuel"));
    let set = later
        .post(
            "/compte/mot-de-passe",
            &[
                ("mot_de_passe", "mon nouveau secret"),
                ("confirmation", "mon nouveau secret"),
            ],
        )
        .await;
    assert_eq!(set.location(), "/compte", "{}", set.text);
    later.post("/deconnexion", &[]).await;

    let mut login = Browser::new(&router);
    login.get("/connexion").await;
    let logged = login
        .post(
            "/connexion",
            &[
                ("email", "lea@example.fr"),
                ("mot_de_passe", "mon nouveau secret"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.text);
    let list = login.get("/commandes").await;
    assert!(
        list.text.contains(&number),
        "the guest order is in the account: {}",
        list.text
    );
    // No longer a guest: a password change needs the current one.
    let form = login.get("/compte/mot-de-passe").await;
    assert!(form.text.contains("Mot de passe actuel"));
    let wrong = login
        .post(
            "/compte/mot-de-passe",
            &[
                ("actuel", "pas le bon"),
                ("mot_de_passe", "encore un autre"),
                ("confirmation", "encore un autre"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("Mot de passe actuel incorrect."));
    let right = login
        .post(
            "/compte/mot-de-passe",
            &[
                ("actuel", "mon nouveau secret"),
                ("mot_de_passe", "encore un autre"),
                ("confirmation", "encore un autre"),
            ],
        )
        .await;
    assert_eq!(right.location(), "/compte");
    // An email with a password account is still simply taken.
    let mut again = Browser::new(&router);
    again.get("/inscription").await;
    let taken = again
        .post(
            "/inscription",
            &[
                ("nom", "Invitée"),
                ("email", "lea@example.fr"),
                ("adresse", "8 place du Marché"),
                ("code_postal", "31000"),
                ("ville", "Toulouse"),
                ("mot_de_passe", "un secret assez long"),
                ("confirmation", "un secret assez long"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text.contains("Un compte existe déjà avec cet e-mail"));
}
