//! `oms-admin` as shipped, on SQLite and PostgreSQL: the outbox worker issues the invoice
//! of an order validated at a site and sends its emails into a mail folder; the invoice is
//! listed, shown, written as a Factur-X PDF and as XML; the delivery note is written; a
//! cancelled invoiced order gets its credit note.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use oms_e2e::admin::admin_binary;
use oms_e2e::databases::{each_database, TestDatabase};
use oms_e2e::{run_with_env, Run};
use serde_json::Value;

/// `oms-admin` on one database, its emails written into a folder.
struct Admin<'a> {
    db: &'a TestDatabase,
    mail: PathBuf,
}

impl Admin<'_> {
    fn run(&self, args: &[&str]) -> Run {
        run_with_env(
            admin_binary(),
            args,
            "",
            &[
                ("DATABASE_URL", self.db.url.as_str()),
                ("USER", "e2e"),
                ("OMS_ONLINE_SITE", "WEB"),
                ("OMS_LEAD_DAYS", "2"),
                ("OMS_MAIL_DIR", self.mail.to_str().unwrap()),
                ("OMS_SMTP_HOST", ""),
            ],
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status,
            0,
            "[{}] oms-admin {} exited {}: {}{}",
            self.db.label,
            args.join(" "),
            out.status,
            out.stderr,
            out.stdout
        );
        out.stdout
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let out = self.ok(&with_json);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }

    fn fails(&self, status: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status, status,
            "[{}] {}{}",
            self.db.label, out.stderr, out.stdout
        );
        out.stderr
    }
}

fn temp_dir(db: &TestDatabase, what: &str) -> PathBuf {
    let name = db
        .url
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("db")
        .replace('.', "-");
    let dir = std::env::temp_dir().join(format!("oms-e2e-invoices-{what}-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn emails(folder: &Path) -> usize {
    std::fs::read_dir(folder).map_or(0, |entries| {
        entries
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
            })
            .count()
    })
}

fn pdf(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(b"%PDF-"))
}

/// The document issued for `order`, from a list.
fn document_of<'a>(list: &'a Value, order: &str) -> Option<&'a Value> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["order_number"] == order)
}

#[test]
fn the_worker_invoices_a_validated_order_then_credits_it_when_cancelled() {
    each_database("invoices", |db| {
        let admin = Admin {
            db,
            mail: temp_dir(db, "mail"),
        };
        let files = temp_dir(db, "files");
        let label = db.label;
        admin.ok(&["demo-data"]);
        admin.ok(&["orders", "validate", "PAR-000002"]);

        let report = admin.json(&["outbox", "deliver"]);
        assert!(
            report["handled"].as_u64().unwrap() >= 1,
            "[{label}] {report}"
        );
        assert!(report["sent"].as_u64().unwrap() >= 1, "[{label}] {report}");
        assert_eq!(report["failed"], 0, "[{label}] {report}");
        assert!(
            emails(&admin.mail) >= 2,
            "[{label}] the emails are in the folder"
        );
        let again = admin.ok(&["outbox", "deliver"]);
        assert!(again.contains("0 issued, 0 sent"), "[{label}] {again}");

        let invoices = admin.json(&["invoices", "list", "--kind", "invoice"]);
        let numbers: Vec<&str> = invoices["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_str().unwrap())
            .collect();
        assert!(
            numbers
                .iter()
                .any(|n| n.starts_with("FA-") && n.ends_with("-000001")),
            "[{label}] {invoices}"
        );
        let invoice = document_of(&invoices, "PAR-000002")
            .unwrap_or_else(|| panic!("[{label}] PAR-000002 is invoiced: {invoices}"));
        let number = invoice["number"].as_str().unwrap().to_owned();
        assert_eq!(invoice["kind"], "invoice");

        let shown = admin.ok(&["invoices", "show", &number]);
        for expected in [
            format!("Facture {number}"),
            "Order:".to_owned(),
            "PAR-000002".to_owned(),
            "Due:".to_owned(),
            "Seller:".to_owned(),
            "Buyer:".to_owned(),
            "VAT breakdown:".to_owned(),
            "SAC-CIMENT".to_owned(),
        ] {
            assert!(shown.contains(&expected), "[{label}] {expected}: {shown}");
        }

        let out = files.join("invoice.pdf");
        let written = admin.ok(&["invoices", "pdf", &number, "--out", out.to_str().unwrap()]);
        assert!(written.contains("Wrote"), "[{label}] {written}");
        assert!(pdf(&out), "[{label}] a PDF");
        let err = admin.fails(
            2,
            &["invoices", "pdf", &number, "--out", out.to_str().unwrap()],
        );
        assert!(
            err.contains("file_exists") && err.contains("--force"),
            "[{label}] {err}"
        );
        admin.ok(&[
            "invoices",
            "pdf",
            &number,
            "--out",
            out.to_str().unwrap(),
            "--force",
        ]);
        assert!(pdf(&out));
        // The invoice as issued from stored data passes the official Factur-X checks.
        oms_e2e::facturx::check(&[&out]);
        let xml = admin.ok(&["invoices", "xml", &number]);
        assert!(xml.contains("<rsm:CrossIndustryInvoice"), "[{label}] {xml}");
        assert!(xml.contains(&number));

        let note = files.join("delivery-note.pdf");
        admin.ok(&[
            "orders",
            "delivery-note",
            "PAR-000002",
            "--out",
            note.to_str().unwrap(),
        ]);
        assert!(pdf(&note), "[{label}] the delivery note is a PDF");

        let order = admin.ok(&["orders", "show", "PAR-000002"]);
        assert!(
            order.contains("Payments: awaiting_payment"),
            "[{label}] {order}"
        );
        assert!(
            order.contains("Invoices and credit notes:"),
            "[{label}] {order}"
        );
        assert!(order.contains(&number), "[{label}] {order}");
        let order = admin.json(&["orders", "show", "PAR-000002"]);
        assert_eq!(order["invoices"][0]["number"], number.as_str(), "[{label}]");
        assert_eq!(
            order["payment"]["state"], "awaiting_payment",
            "[{label}] {order}"
        );

        // Cancelled, the invoiced order gets its credit note at the next pass.
        let before = admin.json(&["invoices", "list", "--kind", "credit-note"]);
        assert_eq!(before["total"], 0, "[{label}] {before}");
        admin.ok(&[
            "orders",
            "cancel",
            "PAR-000002",
            "--yes",
            "--reason",
            "erreur de saisie",
        ]);
        let err = admin.fails(
            2,
            &[
                "orders",
                "delivery-note",
                "PAR-000002",
                "--out",
                files.join("x.pdf").to_str().unwrap(),
            ],
        );
        assert!(err.contains("not_delivered"), "[{label}] {err}");
        let report = admin.json(&["outbox", "deliver"]);
        assert!(
            report["handled"].as_u64().unwrap() >= 1,
            "[{label}] {report}"
        );
        let credit_notes = admin.json(&["invoices", "list", "--kind", "credit-note"]);
        assert_eq!(credit_notes["total"], 1, "[{label}] {credit_notes}");
        let credit = &credit_notes["items"][0];
        let credit_number = credit["number"].as_str().unwrap();
        assert!(
            credit_number.starts_with("AV-") && credit_number.ends_with("-000001"),
            "[{label}] {credit}"
        );
        assert_eq!(
            credit["corrects"]["number"],
            number.as_str(),
            "[{label}] {credit}"
        );
        let credit_pdf = files.join("credit-note.pdf");
        admin.ok(&[
            "invoices",
            "pdf",
            credit_number,
            "--out",
            credit_pdf.to_str().unwrap(),
        ]);
        oms_e2e::facturx::check(&[&credit_pdf]);
        let shown = admin.ok(&["invoices", "show", credit_number]);
        assert!(
            shown.contains(&format!("Avoir {credit_number}")),
            "[{label}] {shown}"
        );
        assert!(
            shown.contains("Cancels:") && shown.contains(&number),
            "[{label}] {shown}"
        );

        // Nothing failed; the sent messages are listed.
        let failed = admin.ok(&["outbox", "list", "--status", "failed"]);
        assert!(failed.contains("No failed message."), "[{label}] {failed}");
        let sent = admin.json(&["outbox", "list", "--status", "sent"]);
        assert!(!sent.as_array().unwrap().is_empty(), "[{label}] {sent}");

        // Bad input: exit status 2.
        admin.fails(2, &["invoices", "show", "FA/2026"]);
        let err = admin.fails(2, &["invoices", "show", "FA-2026-999999"]);
        assert!(err.contains("not_found"), "[{label}] {err}");
        admin.fails(2, &["invoices", "list", "--kind", "receipt"]);
        admin.fails(2, &["outbox", "list", "--status", "lost"]);

        let _ = std::fs::remove_dir_all(&admin.mail);
        let _ = std::fs::remove_dir_all(&files);
    });
}
