//! Invoices, credit notes, delivery notes and the outbox over a real socket, on SQLite: an
//! order placed by a program is invoiced by the outbox worker at validation; its documents
//! are read as JSON, PDF and XML by staff and by its customer (and by no other customer);
//! cancelling it issues a credit note; a message a mail server refused is retried.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use app::delivery::DeliveryPolicy;
use app::App;
use async_trait::async_trait;
use common::*;
use ports::{Email, MailError, Mailer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASSWORD: &str = "correct horse battery";

/// The API served on a port of its own, until the test ends.
struct Served {
    address: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(app: &App) -> Served {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = http_api::AppState { app: app.clone() };
    tokio::spawn(http_api::serve(
        listener,
        state,
        http_api::ServerSettings::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    Served {
        address,
        _stop: stop,
    }
}

/// An answer read off the socket.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    fn json(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        serde_json::from_slice(&self.body).unwrap()
    }

    #[track_caller]
    fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let body: Value = serde_json::from_slice(&self.body).unwrap();
        assert_eq!(body["code"], code, "{body}");
        body
    }
}

impl Served {
    /// One HTTP/1.1 request on a connection of its own.
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut stream = TcpStream::connect(self.address).await.unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        if !body.is_empty() {
            request.push_str("Content-Type: application/json\r\n");
        }
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer has a head");
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let body = raw[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v == "chunked");
        Answer {
            status,
            headers,
            body: if chunked { dechunk(&body) } else { body },
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call("GET", path, token, None).await
    }

    async fn login(&self, login: &str, password: &str) -> String {
        let answer = self
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "password": password})),
            )
            .await;
        answer.json(200)["token"].as_str().unwrap().to_owned()
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

/// A mail server that refuses everything for good.
struct Refusing;

#[async_trait]
impl Mailer for Refusing {
    async fn send(&self, _email: &Email) -> Result<(), MailError> {
        Err(MailError::Permanent("550 mailbox unavailable".to_owned()))
    }
}

static FOLDERS: AtomicU64 = AtomicU64::new(0);

fn mail_folder() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "oms-http-invoices-mail-{}-{}-{}",
        std::process::id(),
        FOLDERS.fetch_add(1, Ordering::Relaxed),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    ))
}

/// Runs the outbox worker until nothing is due.
async fn deliver(app: &App, mailer: &dyn Mailer) {
    let policy = DeliveryPolicy::default();
    for _ in 0..20 {
        let report = app.deliver_outbox(mailer, &policy).await.unwrap();
        if report.total() == 0 {
            return;
        }
    }
    panic!("the outbox never emptied");
}

/// A customer (signed up through the API), her token, and an order a program placed for
/// her (source api: invoiced at validation).
async fn customer_with_order(served: &Served, admin: &str, email: &str) -> (String, String) {
    let created = served
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body(email, PASSWORD)),
        )
        .await
        .json(201);
    let token = served.login(email, PASSWORD).await;
    let placed = served
        .call(
            "POST",
            "/api/v1/orders",
            Some(admin),
            Some(json!({
                "customer": created["person"]["id"],
                "delivery_address": created["address"]["id"],
                "lines": [{"article": "VIS-M6", "quantity": 3}, {"article": "LIVRE-01", "quantity": 2}],
            })),
        )
        .await
        .json(201);
    assert_eq!(placed["order"]["source"], "api");
    assert_eq!(placed["order"]["total_ttc"], "55.53");
    (
        token,
        placed["order"]["number"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn an_invoiced_order_gives_its_invoice_pdf_xml_delivery_note_then_a_credit_note() {
    let api = Api::new().await;
    let served = serve(&api.app).await;
    let admin = served.login(ADMIN, ADMIN_PASSWORD).await;
    let (marie, number) = customer_with_order(&served, &admin, "marie@example.fr").await;
    let other = served
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("paul@example.fr", PASSWORD)),
        )
        .await;
    other.json(201);
    let paul = served.login("paul@example.fr", PASSWORD).await;

    let before = served
        .get(&format!("/api/v1/orders/{number}/invoices"), Some(&admin))
        .await
        .json(200);
    assert_eq!(
        before["items"],
        json!([]),
        "not issued before the worker runs"
    );

    let folder = mail_folder();
    deliver(&api.app, &mail::FolderMailer::new(&folder)).await;
    let emails = std::fs::read_dir(&folder)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert!(
        emails >= 2,
        "the confirmation and the invoice were sent: {emails}"
    );

    let documents = served
        .get(&format!("/api/v1/orders/{number}/invoices"), Some(&marie))
        .await
        .json(200);
    assert_eq!(documents["order_number"], number.as_str());
    let items = documents["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{documents}");
    let invoice_number = items[0]["number"].as_str().unwrap().to_owned();
    assert!(
        invoice_number.starts_with("FA-") && invoice_number.ends_with("-000001"),
        "{invoice_number}"
    );
    assert_eq!(items[0]["kind"], "invoice");
    assert_eq!(items[0]["total_ttc"], "55.53");
    assert_eq!(items[0]["buyer"], "Marie Dupont");

    let invoice = served
        .get(&format!("/api/v1/invoices/{invoice_number}"), Some(&marie))
        .await
        .json(200);
    assert_eq!(invoice["kind"], "invoice");
    assert_eq!(invoice["order_number"], number.as_str());
    assert_eq!(invoice["lines"].as_array().unwrap().len(), 2);
    assert_eq!(invoice["lines"][0]["reference"], "VIS-M6");
    assert_eq!(invoice["total_ttc"], "55.53");
    assert_eq!(invoice["total_ht_net"], "47.48");
    assert_eq!(
        invoice["vat_breakdown"].as_array().unwrap().len(),
        2,
        "{invoice}"
    );
    assert_eq!(invoice["buyer"]["address"]["town"], "Lyon");
    assert!(invoice["seller"]["siren"].is_string());
    assert_eq!(invoice["paid_on"], Value::Null, "on account: not paid");
    assert!(invoice["due_date"].as_str().unwrap() > invoice["issue_date"].as_str().unwrap());
    assert_eq!(invoice["corrects"], Value::Null);

    let pdf = served
        .get(
            &format!("/api/v1/invoices/{invoice_number}/pdf"),
            Some(&admin),
        )
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some(format!("attachment; filename=\"{invoice_number}.pdf\"").as_str())
    );
    assert!(pdf.body.starts_with(b"%PDF-"));

    let xml = served
        .get(
            &format!("/api/v1/invoices/{invoice_number}/factur-x.xml"),
            Some(&marie),
        )
        .await;
    assert_eq!(xml.status, 200, "{}", xml.text());
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    assert!(xml.text().contains("<rsm:CrossIndustryInvoice"));
    assert!(xml.text().contains(&invoice_number));

    let note = served
        .get(
            &format!("/api/v1/orders/{number}/delivery-note"),
            Some(&marie),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.text());
    assert_eq!(note.header("content-type"), Some("application/pdf"));
    assert!(note.body.starts_with(b"%PDF-"));

    // Another customer sees nothing of it; only staff list documents.
    for path in [
        format!("/api/v1/invoices/{invoice_number}"),
        format!("/api/v1/invoices/{invoice_number}/pdf"),
        format!("/api/v1/invoices/{invoice_number}/factur-x.xml"),
        format!("/api/v1/orders/{number}/invoices"),
        format!("/api/v1/orders/{number}/delivery-note"),
    ] {
        served
            .get(&path, Some(&paul))
            .await
            .problem(404, "not_found");
    }
    served
        .get("/api/v1/invoices", Some(&marie))
        .await
        .problem(403, "forbidden");
    served
        .get("/api/v1/invoices", None)
        .await
        .problem(401, "unauthorized");
    // A malformed number names nothing, like an unknown one.
    served
        .get("/api/v1/invoices/FA%2F2026", Some(&admin))
        .await
        .problem(404, "not_found");
    served
        .get("/api/v1/invoices/FA-2026-999999", Some(&admin))
        .await
        .problem(404, "not_found");
    let kind = served
        .get("/api/v1/invoices?kind=receipt", Some(&admin))
        .await
        .problem(422, "validation");
    assert_eq!(kind["field"], "kind");

    // Cancelling the invoiced order calls for a credit note, issued by the worker.
    served
        .call(
            "POST",
            &format!("/api/v1/orders/{number}/cancel"),
            Some(&admin),
            Some(json!({"reason": "client injoignable"})),
        )
        .await
        .json(200);
    served
        .get(
            &format!("/api/v1/orders/{number}/delivery-note"),
            Some(&admin),
        )
        .await
        .problem(409, "not_delivered");
    deliver(&api.app, &mail::FolderMailer::new(&folder)).await;
    let credit_notes = served
        .get("/api/v1/invoices?kind=credit_note", Some(&admin))
        .await
        .json(200);
    assert_eq!(credit_notes["total"], 1, "{credit_notes}");
    let credit = &credit_notes["items"][0];
    assert!(credit["number"].as_str().unwrap().starts_with("AV-"));
    assert!(credit["number"].as_str().unwrap().ends_with("-000001"));
    assert_eq!(credit["corrects"], invoice_number.as_str());
    let all = served
        .get("/api/v1/invoices?limit=10", Some(&admin))
        .await
        .json(200);
    assert_eq!(all["total"], 2);
    let full = served
        .get(
            &format!("/api/v1/invoices/{}", credit["number"].as_str().unwrap()),
            Some(&marie),
        )
        .await
        .json(200);
    assert_eq!(full["kind"], "credit_note");
    assert_eq!(full["corrects"]["number"], invoice_number.as_str());
    let documents = served
        .get(&format!("/api/v1/orders/{number}/invoices"), Some(&admin))
        .await
        .json(200);
    assert_eq!(documents["items"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn a_message_a_server_refused_is_listed_failed_and_retried() {
    let api = Api::new().await;
    let served = serve(&api.app).await;
    let admin = served.login(ADMIN, ADMIN_PASSWORD).await;
    let (marie, _number) = customer_with_order(&served, &admin, "marie@example.fr").await;

    let pending = served.get("/api/v1/outbox", Some(&admin)).await.json(200);
    assert!(
        !pending["items"].as_array().unwrap().is_empty(),
        "{pending}"
    );

    deliver(&api.app, &Refusing).await;
    let failed = served
        .get("/api/v1/outbox?status=failed&limit=10", Some(&admin))
        .await
        .json(200);
    let items = failed["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{failed}");
    let message = &items[0];
    assert_eq!(message["status"], "failed");
    assert_eq!(message["attempts"], 1);
    assert!(
        message["last_error"].as_str().unwrap().contains("550"),
        "{message}"
    );
    assert!(message["recipient"].as_str().unwrap().contains('@'));
    assert!(message["created_at"].is_string() && message["next_attempt_at"].is_string());
    let id = message["id"].as_str().unwrap().to_owned();

    let one = served
        .get(&format!("/api/v1/outbox/{id}"), Some(&admin))
        .await
        .json(200);
    assert_eq!(one["id"], id.as_str());
    assert_eq!(one["topic"], message["topic"]);

    let retried = served
        .call(
            "POST",
            &format!("/api/v1/outbox/{id}/retry"),
            Some(&admin),
            None,
        )
        .await
        .json(200);
    assert_eq!(retried["status"], "pending");
    assert_eq!(retried["attempts"], 0);
    served
        .call(
            "POST",
            &format!("/api/v1/outbox/{id}/retry"),
            Some(&admin),
            None,
        )
        .await
        .problem(409, "not_failed");

    served
        .get("/api/v1/outbox/not-an-id", Some(&admin))
        .await
        .problem(404, "not_found");
    served
        .get(
            "/api/v1/outbox/0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69",
            Some(&admin),
        )
        .await
        .problem(404, "not_found");
    let status = served
        .get("/api/v1/outbox?status=lost", Some(&admin))
        .await
        .problem(422, "validation");
    assert_eq!(status["field"], "status");
    served
        .get("/api/v1/outbox", Some(&marie))
        .await
        .problem(403, "forbidden");
    served
        .call(
            "POST",
            &format!("/api/v1/outbox/{id}/retry"),
            Some(&marie),
            None,
        )
        .await
        .problem(403, "forbidden");

    // Sent again, it goes: nothing is left failed or pending of it.
    let folder = mail_folder();
    deliver(&api.app, &mail::FolderMailer::new(&folder)).await;
    let sent = served
        .get(&format!("/api/v1/outbox/{id}"), Some(&admin))
        .await
        .json(200);
    assert_eq!(sent["status"], "sent", "{sent}");
    let _ = std::fs::remove_dir_all(&folder);
}
