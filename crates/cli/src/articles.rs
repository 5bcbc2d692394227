//! `oms-admin articles`: the catalogue and its stock: create, change, list and show
//! articles, adjust their stock with a reason, import and export the catalogue as CSV.

use std::path::PathBuf;

use app::catalogue::ArticleKey;
use app::catalogue_import::ImportReport;
use clap::{Args, Subcommand};
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::money::{Quantity, UnitPrice};
use domain::order::Reason;
use domain::vat::VatCodeId;
use ports::{EntityKind, Paging, StockMovement};
use serde::Serialize;

use crate::catalogue_csv;
use crate::confirm::confirm;
use crate::context::Ctx;
use crate::customers::{changes_table, write_or_none};
use crate::errors::CliError;
use crate::orders::PageView;
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum ArticlesCommand {
    Create(CreateArgs),
    Update(UpdateArgs),
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Show(ShowArgs),
    Adjust(AdjustArgs),
    Export(ExportArgs),
    Import(ImportArgs),
}

/// Create an article, with its initial stock.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin articles create VIS-M6 --designation 'Vis M6 x 40, boîte de 100' --price 8.90 --vat-code NORMAL --stock 250"
)]
pub(crate) struct CreateArgs {
    /// The reference (letters, digits, '-', '_', '.', '/'; kept in upper case).
    #[arg(value_parser = parse::reference)]
    reference: ArticleReference,
    /// What the article is called.
    #[arg(long, value_parser = parse::designation)]
    designation: Designation,
    /// The unit price before tax, such as 12.50.
    #[arg(long, value_parser = parse::price)]
    price: UnitPrice,
    /// The VAT code; the default rate applies without one.
    #[arg(long, value_parser = parse::vat_code)]
    vat_code: Option<VatCodeId>,
    /// The smallest quantity delivered at once.
    #[arg(long, default_value = "1", value_parser = parse::quantity)]
    min_quantity: Quantity,
    /// The largest quantity one customer may have in one order.
    #[arg(long, value_parser = parse::quantity)]
    max_per_order: Option<Quantity>,
    /// The units in stock now.
    #[arg(long, default_value_t = 0)]
    stock: u32,
}

/// Change an article's description (not its stock: see adjust).
#[derive(Debug, Args)]
#[command(
    long_about = "Change an article's description: only the fields given change, and the \
                  change is recorded. Orders already registered keep the price, designation \
                  and rate they copied. '' clears --vat-code (the default rate applies) or \
                  --max-per-order (no limit).",
    after_help = "Examples:\n  oms-admin articles update VIS-M6 --price 9.20\n  oms-admin articles update VIS-M6 --max-per-order '' --vat-code REDUIT"
)]
pub(crate) struct UpdateArgs {
    /// The article's reference.
    #[arg(value_parser = parse::reference)]
    reference: ArticleReference,
    /// A new reference.
    #[arg(long, value_parser = parse::reference)]
    new_reference: Option<ArticleReference>,
    /// A new designation.
    #[arg(long, value_parser = parse::designation)]
    designation: Option<Designation>,
    /// A new unit price before tax.
    #[arg(long, value_parser = parse::price)]
    price: Option<UnitPrice>,
    /// A new VAT code; '' for the default rate.
    #[arg(long)]
    vat_code: Option<String>,
    /// A new minimum quantity delivered at once.
    #[arg(long, value_parser = parse::quantity)]
    min_quantity: Option<Quantity>,
    /// A new maximum per order; '' for no limit.
    #[arg(long)]
    max_per_order: Option<String>,
}

/// List the catalogue, by reference, with the stock of each article.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin articles list\n  oms-admin articles list --offset 100 --limit 100 --json"
)]
pub(crate) struct ListArgs {
    /// The most articles to list (1 to 500).
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// How many articles to skip.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

/// Show an article with its stock, its latest stock movements and its changes.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin articles show VIS-M6 --movements 50")]
pub(crate) struct ShowArgs {
    /// The article's reference.
    #[arg(value_parser = parse::reference)]
    reference: ArticleReference,
    /// The most movements to list, newest first.
    #[arg(long, default_value_t = 20)]
    movements: u32,
}

/// Add units to or remove units from an article's stock, with the reason.
#[derive(Debug, Args)]
#[command(
    long_about = "Adjust an article's stock: DELTA units added (+12) or removed (-3), or the \
                  stock set to a count with --to. The reason is recorded with the movement. \
                  Stock never goes below zero: a removal of more than the stock is refused.",
    after_help = "Examples:\n  oms-admin articles adjust VIS-M6 +50 --reason 'réception fournisseur'\n  oms-admin articles adjust VIS-M6 --to 118 --reason 'inventaire du 3 mars'"
)]
pub(crate) struct AdjustArgs {
    /// The article's reference.
    #[arg(value_parser = parse::reference)]
    reference: ArticleReference,
    /// Units to add (+N) or remove (-N).
    #[arg(
        allow_negative_numbers = true,
        required_unless_present = "to",
        conflicts_with = "to"
    )]
    delta: Option<i64>,
    /// The stock counted: the adjustment brings the stock to it.
    #[arg(long)]
    to: Option<u32>,
    /// Why (recorded with the movement).
    #[arg(long, value_parser = parse::reason)]
    reason: Reason,
}

/// Export the catalogue as CSV.
#[derive(Debug, Args)]
#[command(
    long_about = "Export the whole catalogue as CSV, one article a row, under the header \
                  reference,designation,unit_price,vat_code,min_quantity,max_per_order,stock \
                  (the format articles import reads).",
    after_help = "Example:\n  oms-admin articles export --output catalogue.csv"
)]
pub(crate) struct ExportArgs {
    /// The file to write; standard output when absent or '-'.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Import a CSV catalogue, all or nothing (asks for confirmation).
#[derive(Debug, Args)]
#[command(
    long_about = "Import a CSV catalogue with the columns reference, designation and \
                  unit_price, and optionally vat_code, min_quantity (1 when empty), \
                  max_per_order (no limit when empty) and stock (unchanged when empty), in any \
                  order, under a header naming them. New references are created, existing \
                  ones updated, and each stock given is set by an adjustment noted \"import \
                  catalogue\". Every row is checked first: a bad row (a malformed value, a \
                  reference twice, an unknown VAT code) is reported with its line number (the \
                  header is line 1) and nothing of the file is imported.",
    after_help = "Example:\n  oms-admin articles import catalogue.csv --yes"
)]
pub(crate) struct ImportArgs {
    /// The CSV file; '-' for standard input.
    file: PathBuf,
}

pub(crate) async fn run(command: ArticlesCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        ArticlesCommand::Create(args) => create(args, ctx).await,
        ArticlesCommand::Update(args) => update(args, ctx).await,
        ArticlesCommand::List(args) => list(&args, ctx).await,
        ArticlesCommand::Show(args) => show(args, ctx).await,
        ArticlesCommand::Adjust(args) => adjust(args, ctx).await,
        ArticlesCommand::Export(args) => export(&args, ctx).await,
        ArticlesCommand::Import(args) => import(&args, ctx).await,
    }
}

fn articles_table(articles: &[Article]) -> Table {
    let mut table = Table::new(&[
        "REFERENCE",
        "DESIGNATION",
        ">UNIT PRICE",
        "VAT CODE",
        ">MIN",
        ">MAX",
        ">STOCK",
    ]);
    for a in articles {
        let d = &a.details;
        table.row(vec![
            d.reference.to_string(),
            d.designation.to_string(),
            output::money(d.unit_price.value()),
            d.vat_code
                .as_ref()
                .map_or_else(|| "(default)".to_owned(), ToString::to_string),
            d.min_quantity.to_string(),
            output::opt(d.max_per_order.as_ref()),
            a.stock.to_string(),
        ]);
    }
    table
}

async fn create(args: CreateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let details = ArticleDetails {
        reference: args.reference,
        designation: args.designation,
        unit_price: args.price,
        vat_code: args.vat_code,
        min_quantity: args.min_quantity,
        max_per_order: args.max_per_order,
    };
    let article = ctx
        .app
        .create_article(&ctx.caller, &details, args.stock)
        .await?;
    if ctx.json {
        return output::json(ctx.out, &article);
    }
    writeln!(ctx.out, "Created article {}.", article.details.reference)?;
    articles_table(std::slice::from_ref(&article)).write(ctx.out, 0)?;
    Ok(())
}

async fn update(args: UpdateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let vat_code = parse::clearable("--vat-code", args.vat_code.as_ref(), parse::vat_code)?;
    let max = parse::clearable(
        "--max-per-order",
        args.max_per_order.as_ref(),
        parse::quantity,
    )?;
    if args.new_reference.is_none()
        && args.designation.is_none()
        && args.price.is_none()
        && vat_code.is_none()
        && args.min_quantity.is_none()
        && max.is_none()
    {
        return Err(CliError::input(
            "usage",
            "nothing to change: give --designation, --price, --vat-code, --min-quantity, \
             --max-per-order or --new-reference",
        ));
    }
    let key = ArticleKey::Reference(args.reference);
    let before = ctx.app.article(&key).await?;
    let b = &before.details;
    let details = ArticleDetails {
        reference: args.new_reference.unwrap_or_else(|| b.reference.clone()),
        designation: args.designation.unwrap_or_else(|| b.designation.clone()),
        unit_price: args.price.unwrap_or(b.unit_price),
        vat_code: vat_code.unwrap_or_else(|| b.vat_code.clone()),
        min_quantity: args.min_quantity.unwrap_or(b.min_quantity),
        max_per_order: max.unwrap_or(b.max_per_order),
    };
    let after = ctx.app.update_article(&ctx.caller, &key, &details).await?;
    if ctx.json {
        return output::json(ctx.out, &after);
    }
    if after.details == before.details {
        writeln!(ctx.out, "No change to article {}.", after.details.reference)?;
    } else {
        writeln!(ctx.out, "Changed article {}.", after.details.reference)?;
    }
    articles_table(std::slice::from_ref(&after)).write(ctx.out, 0)?;
    Ok(())
}

async fn list(args: &ListArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let paging = Paging {
        offset: args.offset,
        limit: args.limit.clamp(1, Paging::MAX_LIMIT),
    };
    let page = ctx.app.articles(paging).await?;
    if ctx.json {
        return output::json(ctx.out, &PageView::from(page));
    }
    if page.items.is_empty() {
        writeln!(
            ctx.out,
            "No article here ({} in the catalogue). Create one with: oms-admin articles create",
            page.total
        )?;
        return Ok(());
    }
    articles_table(&page.items).write(ctx.out, 0)?;
    writeln!(
        ctx.out,
        "\n{} to {} of {}.",
        args.offset + 1,
        args.offset + page.items.len() as u64,
        output::count(page.total, "article", "articles")
    )?;
    Ok(())
}

#[derive(Serialize)]
struct ArticleView {
    article: Article,
    movements: PageView<StockMovement>,
    changes: Vec<ports::ChangeRecord>,
}

async fn show(args: ShowArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let key = ArticleKey::Reference(args.reference);
    let article = ctx.app.article(&key).await?;
    let movements = ctx
        .app
        .stock_movements(&ctx.caller, &key, Paging::first(args.movements))
        .await?;
    let changes = ctx
        .app
        .change_log(&ctx.caller, EntityKind::Article, &article.id.to_string())
        .await?;
    let view = ArticleView {
        article,
        movements: PageView::from(movements),
        changes,
    };
    if ctx.json {
        return output::json(ctx.out, &view);
    }
    let a = &view.article;
    let d = &a.details;
    writeln!(ctx.out, "{} {}", d.reference, d.designation)?;
    output::fields(
        ctx.out,
        &[
            ("Id", a.id.to_string()),
            (
                "Unit price",
                format!("{} before tax", output::money(d.unit_price.value())),
            ),
            (
                "VAT code",
                d.vat_code
                    .as_ref()
                    .map_or_else(|| "(default rate)".to_owned(), ToString::to_string),
            ),
            ("Min quantity", d.min_quantity.to_string()),
            ("Max per order", output::opt(d.max_per_order.as_ref())),
            ("Stock", a.stock.to_string()),
        ],
    )?;
    writeln!(
        ctx.out,
        "\nStock movements ({} in all, newest first):",
        view.movements.total
    )?;
    movements_table(ctx, &view.movements.items)?;
    writeln!(ctx.out, "\nChanges:")?;
    changes_table(ctx, &view.changes)
}

fn movements_table(ctx: &mut Ctx<'_>, movements: &[StockMovement]) -> Result<(), CliError> {
    let mut table = Table::new(&["AT", ">DELTA", "REASON", "BY", "NOTE", "ORDER ID"]);
    for m in movements {
        table.row(vec![
            output::datetime(m.at),
            format!("{:+}", m.delta),
            m.reason.as_str().to_owned(),
            m.by.to_string(),
            output::opt(m.note.as_ref()),
            output::opt(m.order.as_ref()),
        ]);
    }
    write_or_none(ctx, &table)
}

async fn adjust(args: AdjustArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let key = ArticleKey::Reference(args.reference);
    let before = ctx.app.article(&key).await?;
    let delta = match (args.delta, args.to) {
        (Some(delta), _) => delta,
        (None, Some(to)) => i64::from(to) - i64::from(before.stock),
        (None, None) => {
            return Err(CliError::input("usage", "give DELTA (+N or -N) or --to N"));
        }
    };
    let reference = before.details.reference.clone();
    if delta == 0 {
        if ctx.json {
            return output::json(
                ctx.out,
                &serde_json::json!({ "reference": reference, "stock": before.stock, "delta": 0 }),
            );
        }
        writeln!(
            ctx.out,
            "No change: the stock of {reference} is already {}.",
            before.stock
        )?;
        return Ok(());
    }
    let level = match ctx
        .app
        .adjust_stock(&ctx.caller, &key, delta, Some(args.reason.clone()))
        .await
    {
        Ok(level) => level,
        Err(app::AppError::Shortage(short)) => {
            let available = short.first().map_or(0, |s| s.available);
            return Err(CliError::input(
                "insufficient_stock",
                format!(
                    "the stock of {reference} is {available}: removing {} would take it below \
                     zero; remove at most {available}",
                    -delta
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if ctx.json {
        return output::json(
            ctx.out,
            &serde_json::json!({ "reference": reference, "stock": level.stock, "delta": delta }),
        );
    }
    writeln!(
        ctx.out,
        "Stock of {reference}: {} -> {} ({delta:+}, {}).",
        level.stock as i64 - delta,
        level.stock,
        args.reason
    )?;
    Ok(())
}

/// The whole catalogue, page by page.
async fn catalogue(ctx: &Ctx<'_>) -> Result<Vec<Article>, CliError> {
    let mut all = Vec::new();
    loop {
        let paging = Paging {
            offset: all.len() as u64,
            limit: Paging::MAX_LIMIT,
        };
        let page = ctx.app.articles(paging).await?;
        let done =
            page.items.is_empty() || all.len() as u64 + page.items.len() as u64 >= page.total;
        all.extend(page.items);
        if done {
            return Ok(all);
        }
    }
}

async fn export(args: &ExportArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let articles = catalogue(ctx).await?;
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = std::fs::File::create(path).map_err(|e| {
                CliError::failure("io", format!("cannot create {}: {e}", path.display()))
            })?;
            catalogue_csv::write(&mut file, &articles)?;
            writeln!(
                ctx.err,
                "Exported {} to {}.",
                output::count(articles.len() as u64, "article", "articles"),
                path.display()
            )?;
            Ok(())
        }
        _ => catalogue_csv::write(ctx.out, &articles),
    }
}

async fn import(args: &ImportArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let mut bytes = Vec::new();
    let name = if args.file.as_os_str() == "-" {
        ctx.input
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::failure("io", format!("cannot read standard input: {e}")))?;
        "standard input".to_owned()
    } else {
        bytes = std::fs::read(&args.file).map_err(|e| {
            CliError::failure("io", format!("cannot read {}: {e}", args.file.display()))
        })?;
        args.file.display().to_string()
    };
    let rows = catalogue_csv::read(&bytes)?;
    if args.file.as_os_str() == "-" && !ctx.yes {
        // Standard input held the file: no answer can be read from it any more.
        return Err(CliError::input(
            "confirmation_needed",
            "nothing was imported: the file came on standard input, so the import cannot be \
             confirmed there; add --yes to confirm it on the command line",
        ));
    }
    confirm(
        ctx,
        &format!(
            "Import {} from {name} (new references created, existing ones updated, stocks set)",
            output::count(rows.len() as u64, "article", "articles")
        ),
    )?;
    let report = match ctx.app.import_catalogue(&ctx.caller, &rows).await {
        Ok(report) => report,
        Err(app::AppError::Invalid { field, message }) => {
            return Err(CliError::input(
                "invalid_csv",
                format!("nothing was imported: {field}: {message}"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    if ctx.json {
        return output::json(ctx.out, &report);
    }
    write_report(ctx, &name, &report)
}

fn write_report(ctx: &mut Ctx<'_>, name: &str, report: &ImportReport) -> Result<(), CliError> {
    writeln!(
        ctx.out,
        "Imported {name}: {} created, {} updated, {} unchanged; {} stock(s) set.",
        report.created.len(),
        report.updated.len(),
        report.unchanged.len(),
        report.stock_changes.len()
    )?;
    let list = |refs: &[ArticleReference]| {
        refs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !report.created.is_empty() {
        writeln!(ctx.out, "  created: {}", list(&report.created))?;
    }
    if !report.updated.is_empty() {
        writeln!(ctx.out, "  updated: {}", list(&report.updated))?;
    }
    for change in &report.stock_changes {
        writeln!(
            ctx.out,
            "  stock of {}: {} -> {}",
            change.reference, change.before, change.after
        )?;
    }
    Ok(())
}
