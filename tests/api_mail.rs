//! Emails as the shipped server sends them, to a real SMTP server (aiosmtpd) started by
//! the test: an order validated at a site while the mail server is down waits in the
//! outbox; once the server is back, the customer's confirmation, the site's notice and the
//! invoice (Factur-X PDF and delivery note attached) arrive, each once. On SQLite and
//! (when one is given) PostgreSQL.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use mail::testing::{smtp_server_or_skip, ReceivedMessage};
use oms_e2e::admin::Admin;
use oms_e2e::api::{Response, Server};
use oms_e2e::databases::{each_database, TestDatabase};
use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "the administrator's long phrase";

fn expect(response: &Response, status: u16, what: &str) -> Value {
    assert_eq!(response.status, status, "{what}: {}", response.body);
    response.json()
}

fn temp_dir(db: &TestDatabase, what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "oms-e2e-mail-{what}-{}-{}-{}",
        db.label,
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The selling company, as an operator configures it.
const SELLER: &[(&str, &str)] = &[
    ("OMS_SELLER_NAME", "Matériaux Dupuis"),
    ("OMS_SELLER_LEGAL_FORM", "SARL"),
    ("OMS_SELLER_CAPITAL", "20000"),
    ("OMS_SELLER_SIREN", "123 456 782"),
    ("OMS_SELLER_SIRET", "123 456 782 00010"),
    ("OMS_SELLER_RCS_TOWN", "Lyon"),
    ("OMS_SELLER_ADDRESS", "4 quai du Port"),
    ("OMS_SELLER_POSTAL_CODE", "69002"),
    ("OMS_SELLER_TOWN", "Lyon"),
    ("OMS_SELLER_EMAIL", "ventes@materiaux-dupuis.example.fr"),
];

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn subject(m: &ReceivedMessage) -> &str {
    m.subject.as_deref().unwrap_or_default()
}

#[test]
fn emails_wait_for_the_mail_server_and_arrive_once_with_their_documents() {
    each_database("api_mail", |db| {
        let Some(mut smtp) = smtp_server_or_skip(temp_dir(db, "smtp")) else {
            return;
        };
        let label = db.label;
        // The mail server is down when the order is validated.
        smtp.stop().unwrap();

        let admin = Admin::on(db);
        admin.ok(&["demo-data"]);
        admin.ok_with_input(
            &["create-admin", "admin@example.fr", "--password-stdin"],
            &format!("{ADMIN_PASSWORD}\n"),
        );
        let port = smtp.port().to_string();
        let mut env = vec![
            ("OMS_SMTP_HOST", "127.0.0.1"),
            ("OMS_SMTP_PORT", port.as_str()),
            ("OMS_SMTP_TLS", "none"),
            ("OMS_SMTP_TIMEOUT_SECS", "5"),
            ("OMS_OUTBOX_INTERVAL_MS", "100"),
            ("OMS_OUTBOX_FIRST_RETRY_MS", "300"),
        ];
        env.extend_from_slice(SELLER);
        let server = Server::start_with(db, &env);
        let token = expect(
            &server.post(
                "/api/v1/auth/login",
                None,
                &json!({"login": "admin@example.fr", "password": ADMIN_PASSWORD}),
            ),
            200,
            "log in",
        )["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let token = Some(token.as_str());

        // Élodie, of the demo data, orders by phone at Lyon; the order is validated.
        let found = expect(
            &server.get(
                "/api/v1/customers?phone=%2B33%206%2012%2034%2056%2078",
                token,
            ),
            200,
            "customer lookup",
        );
        let elodie = found[0]["id"].as_str().unwrap().to_owned();
        let view = expect(
            &server.get(&format!("/api/v1/people/{elodie}"), token),
            200,
            "customer",
        );
        let address = view["addresses"][0]["address"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let draft = expect(
            &server.post(
                "/api/v1/drafts",
                token,
                &json!({"customer": elodie, "delivery_address": address, "source": "phone", "site": "LYO",
                        "lines": [{"article": "GANTS-T9", "quantity": 2}]}),
            ),
            201,
            "draft",
        );
        let number = draft["number"].as_str().unwrap().to_owned();
        expect(
            &server.post(
                &format!("/api/v1/orders/{number}/validate"),
                token,
                &json!({}),
            ),
            200,
            "validation",
        );

        // While the server is down, nothing arrives; the order's invoice is issued anyway.
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            smtp.messages().unwrap().is_empty(),
            "[{label}] the server was down"
        );

        // The server comes back: the messages go out.
        smtp.restart().unwrap();
        let mine = |m: &ReceivedMessage| {
            subject(m).contains(&number) || m.text.as_deref().unwrap_or_default().contains(&number)
        };
        wait_for(
            "the confirmation, the site's notice and the invoice",
            Duration::from_secs(60),
            || {
                let received = smtp.messages().unwrap();
                received.iter().filter(|m| mine(m)).count() >= 3
            },
        );
        // Give a duplicate, if any, the time to arrive.
        std::thread::sleep(Duration::from_millis(1500));
        let received = smtp.messages().unwrap();
        let mut ids: Vec<_> = received
            .iter()
            .map(|m| m.message_id.clone().unwrap())
            .collect();
        ids.sort();
        let total = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), total, "[{label}] a message arrived twice");
        for id in &ids {
            assert!(
                id.ends_with("@materiaux-dupuis.example.fr"),
                "[{label}] {id}"
            );
        }

        let ours: Vec<_> = received.iter().filter(|m| mine(m)).collect();
        let find = |prefix: &str| {
            ours.iter()
                .find(|m| subject(m).starts_with(prefix))
                .unwrap_or_else(|| {
                    panic!(
                        "[{label}] no email {prefix:?} among {:?}",
                        ours.iter().map(|m| subject(m)).collect::<Vec<_>>()
                    )
                })
        };
        let confirmation = find("Confirmation de votre commande");
        assert_eq!(confirmation.to, vec!["elodie.durand@example.fr".to_owned()]);
        assert_eq!(
            confirmation.from.as_deref(),
            Some("ventes@materiaux-dupuis.example.fr")
        );
        let notice = find("Commande validée");
        assert_eq!(notice.to, vec!["agence.lyon@example.fr".to_owned()]);
        let invoice = find("Votre facture FA-");
        assert_eq!(invoice.to, vec!["elodie.durand@example.fr".to_owned()]);
        let names: Vec<_> = invoice
            .attachments
            .iter()
            .map(|a| a.filename.clone())
            .collect();
        assert_eq!(names.len(), 2, "[{label}] {names:?}");
        assert!(
            names[0].starts_with("FA-") && names[0].ends_with(".pdf"),
            "{names:?}"
        );
        assert_eq!(names[1], format!("BL-{number}.pdf"));
        for attachment in &invoice.attachments {
            assert_eq!(attachment.content_type, "application/pdf");
            assert!(attachment.content.starts_with(b"%PDF-"));
        }
        // The Factur-X PDF carries its XML, naming the seller configured.
        let pdf = &invoice.attachments[0].content;
        assert!(
            pdf.windows(b"factur-x.xml".len())
                .any(|w| w == b"factur-x.xml"),
            "[{label}] the invoice embeds factur-x.xml"
        );
        // The invoice as emailed passes the official Factur-X checks.
        let emailed = temp_dir(db, "facturx").join(&names[0]);
        std::fs::write(&emailed, pdf).unwrap();
        oms_e2e::facturx::check(&[&emailed]);
        drop(server);
    });
}
