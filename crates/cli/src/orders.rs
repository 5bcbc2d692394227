//! `oms-admin orders`: find an order by number and show it with its lines, totals, VAT
//! breakdown and history; search orders; export a search as CSV. The changes (validate,
//! cancel, fulfil, delete, reschedule, create a draft) are in `order_actions`.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use domain::billing::Invoice;
use domain::ids::{SocieteId, TiersId};
use domain::order::{Commande, OrderNumber, OrderSource, OrderState, SiteCode};
use domain::payment::{Payment, PaymentSummary};
use ports::{EntityKind, OrderQuery, OrderSummary, Page, Paging};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, Time};

use crate::context::Ctx;
use crate::customers::{self, changes_table, write_or_none};
use crate::errors::CliError;
use crate::invoices;
use crate::order_actions;
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum OrdersCommand {
    #[command(visible_alias = "find")]
    Show(ShowArgs),
    Search(SearchArgs),
    Export(ExportArgs),
    CreateDraft(order_actions::CreateDraftArgs),
    Validate(order_actions::ValidateArgs),
    Cancel(order_actions::CancelArgs),
    Fulfil(order_actions::FulfilArgs),
    Delete(order_actions::DeleteArgs),
    Reschedule(order_actions::RescheduleArgs),
    DeliveryNote(invoices::DeliveryNoteArgs),
}

/// A page of results, as JSON: the items and how many match in all.
#[derive(Debug, Serialize)]
pub(crate) struct PageView<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many match in all.
    pub total: u64,
}

impl<T> From<Page<T>> for PageView<T> {
    fn from(page: Page<T>) -> Self {
        PageView {
            items: page.items,
            total: page.total,
        }
    }
}

/// Find an order by its number and show it: lines, totals, VAT breakdown, history,
/// payments, invoices and credit notes.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin orders show PAR-000001\n  oms-admin orders show web-42 --json"
)]
pub(crate) struct ShowArgs {
    /// The order's number, such as PAR-000042 (PAR-42 is read the same).
    #[arg(value_parser = parse::order_number)]
    number: OrderNumber,
}

/// What to search orders by; every filter given must match.
#[derive(Debug, Args)]
pub(crate) struct Filters {
    /// The customer: their id, mobile phone, email, or a name only they match.
    #[arg(long)]
    customer: Option<String>,
    /// The state: draft, validated, fulfilled, cancelled or deleted (deleted drafts are
    /// left out unless asked for).
    #[arg(long, value_parser = parse::state)]
    state: Option<OrderState>,
    /// The source: online, site, phone or api.
    #[arg(long, value_parser = parse::source)]
    source: Option<OrderSource>,
    /// The site's code.
    #[arg(long, value_parser = parse::site_code)]
    site: Option<SiteCode>,
    /// Taken on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse::date)]
    from: Option<Date>,
    /// Taken on or before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse::date)]
    until: Option<Date>,
}

/// Search orders by customer, state, source, site and dates, newest first.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin orders search --state validated --site PAR\n  oms-admin orders search --customer '06 12 34 56 78' --from 2026-05-01 --until 2026-05-31\n  oms-admin orders search --source online --json"
)]
pub(crate) struct SearchArgs {
    #[command(flatten)]
    filters: Filters,
    /// The most orders to list (1 to 500).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// How many orders to skip.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

/// Export the orders a search finds as CSV (every page).
#[derive(Debug, Args)]
#[command(
    long_about = "Export every order a search finds as CSV, newest first, under the header \
                  number,state,source,site,customer_id,customer_name,ordered_at,planned_delivery,total_ttc.",
    after_help = "Example:\n  oms-admin orders export --state validated --from 2026-05-01 --output orders-may.csv"
)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    filters: Filters,
    /// The file to write; standard output when absent or '-'.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub(crate) async fn run(command: OrdersCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        OrdersCommand::Show(args) => show(&args.number, ctx).await,
        OrdersCommand::Search(args) => search(&args, ctx).await,
        OrdersCommand::Export(args) => export(&args, ctx).await,
        OrdersCommand::CreateDraft(args) => order_actions::create_draft(args, ctx).await,
        OrdersCommand::Validate(args) => order_actions::validate(args, ctx).await,
        OrdersCommand::Cancel(args) => order_actions::cancel(args, ctx).await,
        OrdersCommand::Fulfil(args) => order_actions::fulfil(args, ctx).await,
        OrdersCommand::Delete(args) => order_actions::delete(args, ctx).await,
        OrdersCommand::Reschedule(args) => order_actions::reschedule(args, ctx).await,
        OrdersCommand::DeliveryNote(args) => invoices::delivery_note(&args, ctx).await,
    }
}

/// The code of a site by its id, from the list of sites.
pub(crate) async fn site_codes(ctx: &Ctx<'_>) -> Result<HashMap<SocieteId, String>, CliError> {
    Ok(ctx
        .app
        .sites(&ctx.caller)
        .await?
        .into_iter()
        .map(|s| (s.id, output::opt(s.site_code.as_ref())))
        .collect())
}

/// The names of these people, each looked up once.
async fn names(
    ctx: &Ctx<'_>,
    people: impl Iterator<Item = TiersId>,
) -> Result<HashMap<TiersId, String>, CliError> {
    let mut names = HashMap::new();
    for id in people {
        if let std::collections::hash_map::Entry::Vacant(entry) = names.entry(id) {
            let name = match ctx.app.tiers(&ctx.caller, id).await {
                Ok(view) => view.tiers.full_name(),
                Err(app::AppError::NotFound { .. }) => "?".to_owned(),
                Err(e) => return Err(e.into()),
            };
            entry.insert(name);
        }
    }
    Ok(names)
}

/// Orders as a table, with their customer's name when asked.
pub(crate) async fn summaries_table(
    ctx: &Ctx<'_>,
    orders: &[OrderSummary],
    with_customer: bool,
) -> Result<Table, CliError> {
    let sites = site_codes(ctx).await?;
    let people = if with_customer {
        names(ctx, orders.iter().map(|o| o.customer)).await?
    } else {
        HashMap::new()
    };
    let mut headers = vec!["NUMBER", "STATE", "SOURCE", "SITE"];
    if with_customer {
        headers.push("CUSTOMER");
    }
    headers.extend(["ORDERED", "DELIVERY", ">TOTAL TTC"]);
    let mut table = Table::new(&headers);
    for o in orders {
        let mut row = vec![
            o.number.to_string(),
            o.state.to_string(),
            o.source.to_string(),
            sites.get(&o.site).cloned().unwrap_or_default(),
        ];
        if with_customer {
            row.push(people.get(&o.customer).cloned().unwrap_or_default());
        }
        row.extend([
            output::datetime(o.ordered_at),
            output::date(o.planned_delivery),
            output::money(o.total_ttc),
        ]);
        table.row(row);
    }
    Ok(table)
}

impl Filters {
    async fn query(&self, ctx: &Ctx<'_>, paging: Paging) -> Result<OrderQuery, CliError> {
        let customer = match &self.customer {
            Some(key) => Some(customers::resolve(ctx, key).await?),
            None => None,
        };
        let site = match &self.site {
            Some(code) => Some(
                ctx.app
                    .sites(&ctx.caller)
                    .await?
                    .into_iter()
                    .find(|s| s.site_code.as_ref() == Some(code))
                    .map(|s| s.id)
                    .ok_or_else(|| {
                        CliError::input(
                            "not_found",
                            format!(
                                "site {code} does not exist; list the sites with: oms-admin sites list"
                            ),
                        )
                    })?,
            ),
            None => None,
        };
        let midnight = |day: Date| OffsetDateTime::new_utc(day, Time::MIDNIGHT);
        Ok(OrderQuery {
            customer,
            state: self.state,
            source: self.source,
            site,
            placed_by: None,
            from: self.from.map(midnight),
            // The last day is included: the search runs until the next midnight.
            until: self.until.map(|day| midnight(day) + Duration::DAY),
            paging,
        })
    }
}

async fn search(args: &SearchArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let paging = Paging {
        offset: args.offset,
        limit: args.limit.clamp(1, Paging::MAX_LIMIT),
    };
    let query = args.filters.query(ctx, paging).await?;
    let page = ctx.app.search_orders(&ctx.caller, &query).await?;
    if ctx.json {
        return output::json(ctx.out, &PageView::from(page));
    }
    if page.items.is_empty() {
        writeln!(ctx.out, "No order found ({} match in all).", page.total)?;
        return Ok(());
    }
    let table = summaries_table(ctx, &page.items, true).await?;
    table.write(ctx.out, 0)?;
    writeln!(
        ctx.out,
        "\n{} to {} of {}, newest first.",
        args.offset + 1,
        args.offset + page.items.len() as u64,
        output::count(page.total, "order", "orders")
    )?;
    Ok(())
}

async fn export(args: &ExportArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let mut all: Vec<OrderSummary> = Vec::new();
    loop {
        let paging = Paging {
            offset: all.len() as u64,
            limit: Paging::MAX_LIMIT,
        };
        let query = args.filters.query(ctx, paging).await?;
        let page = ctx.app.search_orders(&ctx.caller, &query).await?;
        let done =
            page.items.is_empty() || all.len() as u64 + page.items.len() as u64 >= page.total;
        all.extend(page.items);
        if done {
            break;
        }
    }
    let sites = site_codes(ctx).await?;
    let people = names(ctx, all.iter().map(|o| o.customer)).await?;
    let write = |out: &mut dyn std::io::Write| -> Result<(), CliError> {
        let mut writer = csv::Writer::from_writer(out);
        let failed = |e: csv::Error| CliError::failure("io", format!("cannot write the CSV: {e}"));
        writer
            .write_record([
                "number",
                "state",
                "source",
                "site",
                "customer_id",
                "customer_name",
                "ordered_at",
                "planned_delivery",
                "total_ttc",
            ])
            .map_err(failed)?;
        for o in &all {
            let ordered_at = o
                .ordered_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            writer
                .write_record([
                    o.number.to_string(),
                    o.state.to_string(),
                    o.source.to_string(),
                    sites.get(&o.site).cloned().unwrap_or_default(),
                    o.customer.to_string(),
                    people.get(&o.customer).cloned().unwrap_or_default(),
                    ordered_at,
                    output::date(o.planned_delivery),
                    output::money(o.total_ttc),
                ])
                .map_err(failed)?;
        }
        writer.flush()?;
        Ok(())
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = std::fs::File::create(path).map_err(|e| {
                CliError::failure("io", format!("cannot create {}: {e}", path.display()))
            })?;
            write(&mut file)?;
            writeln!(
                ctx.err,
                "Exported {} to {}.",
                output::count(all.len() as u64, "order", "orders"),
                path.display()
            )?;
            Ok(())
        }
        _ => write(ctx.out),
    }
}

#[derive(Serialize)]
struct OrderView {
    order: Commande,
    payment: PaymentSummary,
    payments: Vec<Payment>,
    invoices: Vec<Invoice>,
    changes: Vec<ports::ChangeRecord>,
}

/// Shows an order: its parties, lines, totals, VAT breakdown, history, payments, invoices
/// and credit notes, and changes.
pub(crate) async fn show(number: &OrderNumber, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let seen = ctx.app.order_payments(&ctx.caller, number).await?;
    let invoices = ctx.app.order_invoices(&ctx.caller, number).await?;
    let changes = ctx
        .app
        .change_log(
            &ctx.caller,
            EntityKind::Commande,
            &seen.order.id().to_string(),
        )
        .await?;
    let view = OrderView {
        order: seen.order,
        payment: seen.summary,
        payments: seen.payments,
        invoices,
        changes,
    };
    if ctx.json {
        return output::json(ctx.out, &view);
    }
    write_order(ctx, &view.order).await?;
    write_payments(ctx, &view.payment, &view.payments)?;
    writeln!(ctx.out, "\nInvoices and credit notes:")?;
    write_or_none(ctx, &invoices::summaries(&view.invoices))?;
    writeln!(ctx.out, "\nChanges:")?;
    changes_table(ctx, &view.changes)
}

/// Writes an order's payment state and its payments.
fn write_payments(
    ctx: &mut Ctx<'_>,
    summary: &PaymentSummary,
    payments: &[Payment],
) -> Result<(), CliError> {
    writeln!(
        ctx.out,
        "\nPayments: {} (paid {}, pending {}, outstanding {})",
        summary.state.as_str(),
        output::money(summary.paid),
        output::money(summary.pending),
        output::money(summary.outstanding)
    )?;
    let mut table = Table::new(&[
        "AT",
        "METHOD",
        "STATUS",
        ">AMOUNT",
        "PROVIDER",
        "REFERENCE",
        "FAILURE",
    ]);
    for p in payments {
        table.row(vec![
            output::datetime(p.created_at),
            p.method.as_str().to_owned(),
            p.status.as_str().to_owned(),
            output::money(p.amount.value()),
            p.provider.clone(),
            output::opt(p.provider_reference.as_ref()),
            output::opt(p.failure_reason.as_ref()),
        ]);
    }
    write_or_none(ctx, &table)
}

/// An address on one line with its id, or its id alone if it cannot be read.
async fn address(ctx: &Ctx<'_>, id: domain::ids::AdresseId) -> String {
    match ctx.app.adresse(&ctx.caller, id).await {
        Ok(a) => format!("{} ({id})", a.details.one_line()),
        Err(_) => id.to_string(),
    }
}

/// Writes an order for a person to read.
pub(crate) async fn write_order(ctx: &mut Ctx<'_>, order: &Commande) -> Result<(), CliError> {
    let parties = order.parties();
    let people = names(
        ctx,
        [parties.customer, parties.payer, parties.recipient]
            .into_iter()
            .chain(order.taken_by()),
    )
    .await?;
    let person = |id: TiersId| format!("{} ({id})", people.get(&id).cloned().unwrap_or_default());
    let sites = site_codes(ctx).await?;
    let allowed: Vec<&str> = order
        .state()
        .allowed_actions()
        .into_iter()
        .map(|a| a.as_str())
        .collect();
    writeln!(ctx.out, "Order {}  {}", order.number(), order.state())?;
    let mut rows = vec![
        ("Customer", person(parties.customer)),
        ("Payer", person(parties.payer)),
        ("Recipient", person(parties.recipient)),
        (
            "Delivery address",
            address(ctx, parties.delivery_address).await,
        ),
        (
            "Billing address",
            match parties.billing_address {
                Some(id) => address(ctx, id).await,
                None => "the delivery address".to_owned(),
            },
        ),
        (
            "Site",
            sites.get(&order.site()).cloned().unwrap_or_default(),
        ),
        ("Source", order.source().to_string()),
    ];
    if let Some(taker) = order.taken_by() {
        rows.push(("Taken by", person(taker)));
    }
    rows.extend([
        ("Ordered", output::datetime(order.ordered_at())),
        ("Planned delivery", output::date(order.planned_delivery())),
        (
            "Actions now",
            if allowed.is_empty() {
                "none (closed)".to_owned()
            } else {
                allowed.join(", ")
            },
        ),
    ]);
    output::fields(ctx.out, &rows)?;

    let pricing = order.pricing();
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
    for (line, priced) in order.lines().iter().zip(&pricing.lines) {
        let c = &line.content;
        lines.row(vec![
            line.position.to_string(),
            c.reference.to_string(),
            c.designation.to_string(),
            c.quantity.to_string(),
            output::money(c.unit_price.value()),
            output::money(c.discount.value()),
            c.vat_rate.to_string(),
            output::money(priced.net),
        ]);
    }
    write_or_none(ctx, &lines)?;

    write_pricing(ctx, pricing, "Total to pay")?;

    writeln!(ctx.out, "\nHistory:")?;
    let mut history = Table::new(&["AT", "FROM", "TO", "BY", "REASON"]);
    for change in order.history() {
        history.row(vec![
            output::datetime(change.at),
            output::opt(change.from.as_ref()),
            change.to.to_string(),
            change.by.to_string(),
            output::opt(change.reason.as_ref()),
        ]);
    }
    write_or_none(ctx, &history)
}

/// The VAT breakdown and the totals of a priced order or of an invoice.
pub(crate) fn write_pricing(
    ctx: &mut Ctx<'_>,
    pricing: &domain::pricing::Pricing,
    total_label: &str,
) -> Result<(), CliError> {
    writeln!(ctx.out, "\nVAT breakdown:")?;
    let mut vat = Table::new(&[">RATE %", ">BASE", ">DISCOUNT", ">TAXABLE", ">VAT"]);
    for share in &pricing.vat_breakdown {
        vat.row(vec![
            share.rate.to_string(),
            output::money(share.base),
            output::money(share.discount),
            output::money(share.taxable),
            output::money(share.vat),
        ]);
    }
    write_or_none(ctx, &vat)?;

    writeln!(ctx.out, "\nTotals:")?;
    let mut totals = Table::new(&["", ">AMOUNT"]);
    for (label, amount) in [
        ("Total before tax", pricing.total_ht),
        ("Global discount", pricing.global_discount),
        ("Net before tax", pricing.total_ht_net),
        ("VAT", pricing.total_vat),
        (total_label, pricing.total_ttc),
    ] {
        totals.row(vec![label.to_owned(), output::money(amount)]);
    }
    totals.write(ctx.out, 2)?;
    Ok(())
}
