//! `oms-admin invoices`: list invoices and credit notes, show one, write its Factur-X PDF
//! or its CII XML; and the files an order's documents are written to.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use domain::billing::{Invoice, InvoiceKind, InvoiceNumber, PostalAddress};
use ports::Paging;

use crate::context::Ctx;
use crate::customers::write_or_none;
use crate::errors::CliError;
use crate::orders::PageView;
use crate::output::{self, Table};

#[derive(Debug, Subcommand)]
pub(crate) enum InvoicesCommand {
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Show(ShowArgs),
    Pdf(PdfArgs),
    Xml(XmlArgs),
}

/// List invoices and credit notes, latest first.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin invoices list\n  oms-admin invoices list --kind credit-note --json"
)]
pub(crate) struct ListArgs {
    /// Only this kind: invoice or credit-note.
    #[arg(long, value_parser = kind)]
    kind: Option<InvoiceKind>,
    /// The most documents to list (1 to 500).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// How many documents to skip.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

/// Show an invoice or credit note: parties, lines, VAT breakdown, totals, due date or
/// payment, the invoice a credit note cancels.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin invoices show FA-2026-000001\n  oms-admin invoices show AV-2026-000001 --json"
)]
pub(crate) struct ShowArgs {
    /// The document's number, such as FA-2026-000001.
    #[arg(value_parser = invoice_number)]
    number: InvoiceNumber,
}

/// Write an invoice's or credit note's Factur-X PDF (PDF/A-3 with its XML embedded).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin invoices pdf FA-2026-000001 --out FA-2026-000001.pdf"
)]
pub(crate) struct PdfArgs {
    /// The document's number.
    #[arg(value_parser = invoice_number)]
    number: InvoiceNumber,
    #[command(flatten)]
    out: OutFile,
}

/// Write an invoice's or credit note's Factur-X XML (UN/CEFACT CII, EN 16931).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin invoices xml FA-2026-000001\n  oms-admin invoices xml FA-2026-000001 --out factur-x.xml"
)]
pub(crate) struct XmlArgs {
    /// The document's number.
    #[arg(value_parser = invoice_number)]
    number: InvoiceNumber,
    /// The file to write; standard output when absent or '-'.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

/// Where a document is written.
#[derive(Debug, Args)]
pub(crate) struct OutFile {
    /// The file to write.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

fn kind(s: &str) -> Result<InvoiceKind, String> {
    InvoiceKind::parse(&s.trim().to_ascii_lowercase().replace('-', "_"))
        .ok_or_else(|| "expected invoice or credit-note".to_owned())
}

fn invoice_number(s: &str) -> Result<InvoiceNumber, String> {
    InvoiceNumber::new(s).map_err(|e| e.to_string())
}

pub(crate) async fn run(command: InvoicesCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        InvoicesCommand::List(args) => list(&args, ctx).await,
        InvoicesCommand::Show(args) => {
            let invoice = ctx.app.invoice(&ctx.caller, &args.number).await?;
            if ctx.json {
                return output::json(ctx.out, &invoice);
            }
            write_invoice(ctx, &invoice)?;
            Ok(())
        }
        InvoicesCommand::Pdf(args) => {
            let document = ctx.app.invoice_document(&ctx.caller, &args.number).await?;
            write_file(&args.out.out, args.out.force, &document.pdf)?;
            written(
                ctx,
                &args.number.to_string(),
                &args.out.out,
                document.pdf.len(),
            )
        }
        InvoicesCommand::Xml(args) => {
            let invoice = ctx.app.invoice(&ctx.caller, &args.number).await?;
            let xml = documents::facturx_xml(&invoice);
            match &args.out {
                Some(path) if path.as_os_str() != "-" => {
                    write_file(path, args.force, xml.as_bytes())?;
                    written(ctx, &args.number.to_string(), path, xml.len())
                }
                _ => {
                    ctx.out.write_all(xml.as_bytes())?;
                    Ok(())
                }
            }
        }
    }
}

async fn list(args: &ListArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let paging = Paging {
        offset: args.offset,
        limit: args.limit.clamp(1, Paging::MAX_LIMIT),
    };
    let page = ctx
        .app
        .list_invoices(&ctx.caller, args.kind, paging)
        .await?;
    if ctx.json {
        return output::json(ctx.out, &PageView::from(page));
    }
    if page.items.is_empty() {
        writeln!(ctx.out, "No document found ({} in all).", page.total)?;
        return Ok(());
    }
    summaries(&page.items).write(ctx.out, 0)?;
    writeln!(
        ctx.out,
        "\n{} to {} of {}, latest first.",
        args.offset + 1,
        args.offset + page.items.len() as u64,
        output::count(page.total, "document", "documents")
    )?;
    Ok(())
}

/// Documents as a table.
pub(crate) fn summaries(invoices: &[Invoice]) -> Table {
    let mut table = Table::new(&[
        "NUMBER",
        "KIND",
        "ORDER",
        "ISSUED",
        "BUYER",
        ">TOTAL TTC",
        "DUE / PAID",
        "CANCELS",
    ]);
    for i in invoices {
        table.row(vec![
            i.number.to_string(),
            i.kind.as_str().replace('_', " "),
            i.order_number.to_string(),
            output::date(i.issue_date),
            i.buyer.name.clone(),
            output::money(i.totals.total_ttc),
            payment(i),
            output::opt(i.corrects.as_ref().map(|c| &c.number)),
        ]);
    }
    table
}

fn payment(i: &Invoice) -> String {
    match (i.kind, i.paid_on) {
        (_, Some(day)) => format!("paid {}", output::date(day)),
        (InvoiceKind::CreditNote, None) => "-".to_owned(),
        (InvoiceKind::Invoice, None) => format!("due {}", output::date(i.due_date)),
    }
}

fn address(a: &PostalAddress) -> String {
    let mut parts = a.lines.clone();
    parts.push(format!("{} {}", a.postal_code, a.town));
    parts.push(a.country.clone());
    parts.join(", ")
}

/// Writes a document for a person to read.
fn write_invoice(ctx: &mut Ctx<'_>, i: &Invoice) -> Result<(), CliError> {
    writeln!(ctx.out, "{} {}", i.kind.title(), i.number)?;
    let s = &i.seller;
    let b = &i.buyer;
    let mut rows = vec![
        ("Order", i.order_number.to_string()),
        ("Issued", output::datetime(i.issued_at)),
        ("Sale date", output::date(i.sale_date)),
    ];
    match (i.kind, i.paid_on) {
        (_, Some(day)) => rows.push(("Paid", output::date(day))),
        (InvoiceKind::Invoice, None) => {
            rows.push((
                "Due",
                format!("{} (not paid when issued)", output::date(i.due_date)),
            ));
        }
        (InvoiceKind::CreditNote, None) => {}
    }
    if let Some(c) = &i.corrects {
        rows.push((
            "Cancels",
            format!("invoice {} of {}", c.number, output::date(c.issue_date)),
        ));
    }
    rows.extend([
        (
            "Seller",
            format!(
                "{} ({}, SIREN {}, VAT {})",
                s.name, s.legal_form, s.siren, s.vat_number
            ),
        ),
        ("Seller address", address(&s.address)),
        ("Buyer", b.name.clone()),
    ]);
    if let Some(contact) = &b.contact {
        rows.push(("Attention of", contact.clone()));
    }
    if let Some(business) = &b.business {
        rows.push(("Buyer SIREN", business.siren.to_string()));
        rows.push(("Buyer VAT", output::opt(business.vat_number.as_ref())));
    }
    rows.push(("Billing address", address(&b.address)));
    if let Some(d) = &i.delivery {
        rows.push((
            "Delivered to",
            format!("{}, {}", d.recipient, address(&d.address)),
        ));
    }
    output::fields(ctx.out, &rows)?;

    writeln!(ctx.out, "\nLines:")?;
    let mut lines = Table::new(&[
        ">#",
        "REFERENCE",
        "DESIGNATION",
        ">QTY",
        ">UNIT PRICE",
        ">DISCOUNT",
        ">VAT %",
        ">NET",
    ]);
    for l in &i.lines {
        lines.row(vec![
            l.position.to_string(),
            l.reference.clone(),
            l.designation.clone(),
            l.quantity.to_string(),
            output::money(l.unit_price.value()),
            output::money(l.discount.value()),
            l.vat_rate.to_string(),
            output::money(l.net),
        ]);
    }
    write_or_none(ctx, &lines)?;

    crate::orders::write_pricing(ctx, &i.totals, "Total")
}

/// Writes `bytes` to `path`, refusing to replace a file unless `force`.
pub(crate) fn write_file(path: &Path, force: bool, bytes: &[u8]) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::input(
                "file_exists",
                format!("{} exists; add --force to replace it", path.display()),
            )
        } else {
            CliError::failure("io", format!("cannot create {}: {e}", path.display()))
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::failure("io", format!("cannot write {}: {e}", path.display())))
}

/// Says what was written where (as JSON with --json).
pub(crate) fn written(
    ctx: &mut Ctx<'_>,
    what: &str,
    path: &Path,
    bytes: usize,
) -> Result<(), CliError> {
    if ctx.json {
        return output::json(
            ctx.out,
            &serde_json::json!({ "document": what, "file": path.display().to_string(), "bytes": bytes }),
        );
    }
    writeln!(
        ctx.out,
        "Wrote {what} to {} ({bytes} bytes).",
        path.display()
    )?;
    Ok(())
}

/// Write the delivery note of a validated or fulfilled order as a PDF.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin orders delivery-note PAR-000001 --out BL-PAR-000001.pdf"
)]
pub(crate) struct DeliveryNoteArgs {
    /// The order's number, such as PAR-000042.
    #[arg(value_parser = crate::parse::order_number)]
    number: domain::order::OrderNumber,
    #[command(flatten)]
    out: OutFile,
}

pub(crate) async fn delivery_note(
    args: &DeliveryNoteArgs,
    ctx: &mut Ctx<'_>,
) -> Result<(), CliError> {
    let pdf = ctx.app.delivery_note_pdf(&ctx.caller, &args.number).await?;
    write_file(&args.out.out, args.out.force, &pdf)?;
    written(
        ctx,
        &format!("the delivery note of {}", args.number),
        &args.out.out,
        pdf.len(),
    )
}
