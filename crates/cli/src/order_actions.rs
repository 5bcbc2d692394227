//! Changing orders: create a draft at a site, validate, cancel, fulfil, delete a draft,
//! move the planned delivery date. Cancelling and deleting ask for confirmation.

use app::catalogue::ArticleKey;
use app::orders::{LineRequest, OrderRequest, ShortagePolicy};
use clap::Args;
use domain::ids::AdresseId;
use domain::money::Amount;
use domain::order::{Commande, OrderAction, OrderNumber, OrderSource, Reason, SiteCode};
use domain::party::Role;
use time::Date;

use crate::confirm::confirm;
use crate::context::Ctx;
use crate::customers;
use crate::errors::CliError;
use crate::output;
use crate::parse;

/// Create a draft order at a site (then validate it with orders validate).
#[derive(Debug, Args)]
#[command(
    long_about = "Create a draft order at a site, as an order taker does on the phone or at \
                  the counter: the customer, the site, and one --line REFERENCE:QUANTITY per \
                  article (REFERENCE:QUANTITY:DISCOUNT for a discount on the line). Prices, \
                  designations and VAT rates are copied from the catalogue now; stock is \
                  taken when the draft is validated. The delivery address is the customer's \
                  unless given.",
    after_help = "Example:\n  oms-admin orders create-draft --customer '06 12 34 56 78' --site PAR --source phone \\\n    --line VIS-M6:10 --line GANTS-T9:2:1.50"
)]
pub(crate) struct CreateDraftArgs {
    /// The customer: their id, mobile phone, email, or a name only they match.
    #[arg(long)]
    customer: String,
    /// The site's code.
    #[arg(long, value_parser = parse::site_code)]
    site: SiteCode,
    /// Where the order comes from: site (at the counter) or phone.
    #[arg(long, default_value = "site", value_parser = parse::source)]
    source: OrderSource,
    /// A line: REFERENCE:QUANTITY or REFERENCE:QUANTITY:DISCOUNT; once per line.
    #[arg(long = "line", required = true, value_parser = line)]
    lines: Vec<LineRequest>,
    /// A discount on the whole order, an amount such as 5.00.
    #[arg(long, value_parser = parse::amount)]
    discount: Option<Amount>,
    /// The delivery address's id; the customer's address when absent.
    #[arg(long, value_parser = parse::adresse_id)]
    delivery_address: Option<AdresseId>,
    /// The billing address's id; the delivery address when absent.
    #[arg(long, value_parser = parse::adresse_id)]
    billing_address: Option<AdresseId>,
}

fn line(text: &str) -> Result<LineRequest, String> {
    let mut parts = text.split(':');
    let (Some(reference), Some(quantity)) = (parts.next(), parts.next()) else {
        return Err("expected REFERENCE:QUANTITY, such as VIS-M6:10".to_owned());
    };
    let discount = match parts.next() {
        Some(discount) => parse::amount(discount)?,
        None => Amount::ZERO,
    };
    if parts.next().is_some() {
        return Err("expected REFERENCE:QUANTITY or REFERENCE:QUANTITY:DISCOUNT".to_owned());
    }
    Ok(LineRequest {
        article: ArticleKey::Reference(parse::reference(reference)?),
        quantity: parse::quantity(quantity)?,
        discount,
    })
}

/// Validate a draft: its stock is taken and the customer is sent a confirmation.
#[derive(Debug, Args)]
#[command(
    long_about = "Validate a draft: its stock is taken and the customer is sent a \
                  confirmation. When an article is short, nothing is done and every short \
                  article is listed with what is available, unless --take-available says to \
                  go on with what is available (short lines reduced, or dropped).",
    after_help = "Examples:\n  oms-admin orders validate PAR-000002\n  oms-admin orders validate PAR-000002 --take-available --reason 'accord client par téléphone'"
)]
pub(crate) struct ValidateArgs {
    /// The order's number.
    #[arg(value_parser = parse::order_number)]
    number: OrderNumber,
    /// Go on with what is available when an article is short.
    #[arg(long)]
    take_available: bool,
    /// Why, recorded in the order's history.
    #[arg(long, value_parser = parse::reason)]
    reason: Option<Reason>,
}

/// The order to act on, and why.
#[derive(Debug, Args)]
pub(crate) struct ReasonArgs {
    /// The order's number.
    #[arg(value_parser = parse::order_number)]
    number: OrderNumber,
    /// Why, recorded in the order's history.
    #[arg(long, value_parser = parse::reason)]
    reason: Option<Reason>,
}

/// Cancel a validated order: its stock goes back, the customer is told (asks for
/// confirmation).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin orders cancel PAR-000001 --reason 'client injoignable' --yes"
)]
pub(crate) struct CancelArgs {
    #[command(flatten)]
    order: ReasonArgs,
}

/// Mark a validated order as fulfilled: it has been processed, it is closed.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin orders fulfil PAR-000001")]
pub(crate) struct FulfilArgs {
    #[command(flatten)]
    order: ReasonArgs,
}

/// Delete a draft: it is never shown as an order again (asks for confirmation).
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin orders delete PAR-000002 --reason 'doublon' --yes")]
pub(crate) struct DeleteArgs {
    #[command(flatten)]
    order: ReasonArgs,
}

/// Move an order's planned delivery date (a draft or a validated order).
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin orders reschedule PAR-000001 2026-06-15")]
pub(crate) struct RescheduleArgs {
    /// The order's number.
    #[arg(value_parser = parse::order_number)]
    number: OrderNumber,
    /// The new planned delivery date, YYYY-MM-DD.
    #[arg(value_parser = parse::date)]
    date: Date,
}

pub(crate) async fn create_draft(args: CreateDraftArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let customer = customers::resolve(ctx, &args.customer).await?;
    let delivery_address = match args.delivery_address {
        Some(id) => id,
        None => {
            let view = ctx.app.tiers(&ctx.caller, customer).await?;
            let preferred = [Role::Recipient, Role::Customer, Role::Payer, Role::Internal];
            preferred
                .iter()
                .find_map(|role| {
                    view.addresses
                        .iter()
                        .find(|(r, _)| r == role)
                        .map(|(_, a)| a.id)
                })
                .ok_or_else(|| {
                    CliError::input(
                        "validation",
                        format!(
                            "{} has no address: give --delivery-address, or link one with oms-admin links add person-address",
                            view.tiers.full_name()
                        ),
                    )
                })?
        }
    };
    let request = OrderRequest {
        customer,
        payer: None,
        recipient: None,
        delivery_address,
        billing_address: args.billing_address,
        lines: args.lines,
        global_discount: args.discount.unwrap_or(Amount::ZERO),
        source: args.source,
        site: Some(args.site),
        on_shortage: ShortagePolicy::Refuse,
    };
    let order = ctx.app.create_draft(&ctx.caller, &request).await?;
    if ctx.json {
        return output::json(ctx.out, &order);
    }
    writeln!(
        ctx.out,
        "Created draft {} ({} to pay). Validate it with: oms-admin orders validate {}",
        order.number(),
        output::money(order.pricing().total_ttc),
        order.number()
    )?;
    Ok(())
}

pub(crate) async fn validate(args: ValidateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let policy = if args.take_available {
        ShortagePolicy::TakeAvailable
    } else {
        ShortagePolicy::Refuse
    };
    let validated = ctx
        .app
        .validate_order(&ctx.caller, &args.number, policy, args.reason)
        .await?;
    if ctx.json {
        return output::json(ctx.out, &validated);
    }
    writeln!(
        ctx.out,
        "Order {} is now {}: its stock is taken ({} to pay).",
        validated.order.number(),
        validated.order.state(),
        output::money(validated.order.pricing().total_ttc)
    )?;
    for short in &validated.reduced {
        writeln!(
            ctx.out,
            "  {}: {} asked, reduced to the {} available",
            short.reference, short.requested, short.available
        )?;
    }
    Ok(())
}

/// Checks the order exists before asking to confirm; an action its state forbids is
/// left to the use case to refuse, without asking.
async fn confirm_action(
    ctx: &mut Ctx<'_>,
    number: &OrderNumber,
    action: OrderAction,
    question: &str,
) -> Result<(), CliError> {
    let order = ctx.app.order(&ctx.caller, number).await?;
    if order.state().after(action).is_some() {
        confirm(ctx, question)?;
    }
    Ok(())
}

fn changed(ctx: &mut Ctx<'_>, order: &Commande, what: &str) -> Result<(), CliError> {
    if ctx.json {
        return output::json(ctx.out, order);
    }
    writeln!(
        ctx.out,
        "Order {} is now {}{what}.",
        order.number(),
        order.state()
    )?;
    Ok(())
}

pub(crate) async fn cancel(
    CancelArgs { order: args }: CancelArgs,
    ctx: &mut Ctx<'_>,
) -> Result<(), CliError> {
    let question = format!("Cancel order {}", args.number);
    confirm_action(ctx, &args.number, OrderAction::Cancel, &question).await?;
    let order = ctx
        .app
        .cancel_order(&ctx.caller, &args.number, args.reason)
        .await?;
    changed(
        ctx,
        &order,
        ": its stock went back and the customer is told",
    )
}

pub(crate) async fn fulfil(
    FulfilArgs { order: args }: FulfilArgs,
    ctx: &mut Ctx<'_>,
) -> Result<(), CliError> {
    let order = ctx
        .app
        .fulfil_order(&ctx.caller, &args.number, args.reason)
        .await?;
    changed(ctx, &order, ": it is closed")
}

pub(crate) async fn delete(
    DeleteArgs { order: args }: DeleteArgs,
    ctx: &mut Ctx<'_>,
) -> Result<(), CliError> {
    let question = format!("Delete draft {}", args.number);
    confirm_action(ctx, &args.number, OrderAction::Delete, &question).await?;
    let order = ctx
        .app
        .delete_order(&ctx.caller, &args.number, args.reason)
        .await?;
    changed(ctx, &order, ": it is never shown as an order again")
}

pub(crate) async fn reschedule(args: RescheduleArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let before = ctx.app.order(&ctx.caller, &args.number).await?;
    let order = ctx
        .app
        .reschedule_order(&ctx.caller, &args.number, args.date)
        .await?;
    if ctx.json {
        return output::json(ctx.out, &order);
    }
    writeln!(
        ctx.out,
        "Planned delivery of {}: {} -> {}.",
        order.number(),
        output::date(before.planned_delivery()),
        output::date(order.planned_delivery())
    )?;
    Ok(())
}
