//! `oms-admin companies`: create, change and show companies, with their parent, their
//! subsidiaries, their people and their addresses.

use clap::{Args, Subcommand};
use domain::billing::{Siren, VatNumber};
use domain::ids::SocieteId;
use domain::party::{CompanyName, Email, Societe};
use ports::EntityKind;
use serde::Serialize;

use crate::context::Ctx;
use crate::customers::{by_party, changes_table, write_or_none};
use crate::errors::CliError;
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum CompaniesCommand {
    Create(CreateArgs),
    Update(UpdateArgs),
    Show(ShowArgs),
}

/// Create a company, possibly the subsidiary of another.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin companies create 'Groupe Durand'\n  oms-admin companies create 'Durand Bâtiment Sud' --parent 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --email compta@durand-sud.fr"
)]
pub(crate) struct CreateArgs {
    /// The company's name.
    #[arg(value_parser = parse::company_name)]
    name: CompanyName,
    /// The parent company's id.
    #[arg(long, value_parser = parse::societe_id)]
    parent: Option<SocieteId>,
    /// The company's email.
    #[arg(long, value_parser = parse::email)]
    email: Option<Email>,
    /// Its SIREN (9 digits), for a French business: printed on its invoices.
    #[arg(long, value_parser = parse::siren)]
    siren: Option<Siren>,
    /// Its intra-community VAT number (FR + key + SIREN for a French business).
    #[arg(long, value_parser = parse::vat_number)]
    vat_number: Option<VatNumber>,
}

/// Change a company's name, parent or email ('' clears the parent or the email).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin companies update 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --name 'Durand BTP Sud'\n  oms-admin companies update 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --parent ''"
)]
pub(crate) struct UpdateArgs {
    /// The company's id.
    #[arg(value_parser = parse::societe_id)]
    id: SocieteId,
    /// New name.
    #[arg(long, value_parser = parse::company_name)]
    name: Option<CompanyName>,
    /// New parent company's id; '' makes it a company with no parent.
    #[arg(long)]
    parent: Option<String>,
    /// New email; '' clears it.
    #[arg(long)]
    email: Option<String>,
    /// New SIREN; '' clears it.
    #[arg(long)]
    siren: Option<String>,
    /// New VAT number; '' clears it.
    #[arg(long)]
    vat_number: Option<String>,
}

/// Show a company with its parent, subsidiaries, people, addresses and changes.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin companies show 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69")]
pub(crate) struct ShowArgs {
    /// The company's id.
    #[arg(value_parser = parse::societe_id)]
    id: SocieteId,
}

pub(crate) async fn run(command: CompaniesCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        CompaniesCommand::Create(args) => {
            let input = app::parties::SocieteInput {
                name: args.name,
                parent: args.parent,
                site_code: None,
                email: args.email,
                siren: args.siren,
                vat_number: args.vat_number,
            };
            let societe = ctx.app.create_societe(&ctx.caller, &input).await?;
            report(ctx, "Created", &societe)
        }
        CompaniesCommand::Update(args) => update(&args, ctx).await,
        CompaniesCommand::Show(args) => show(args.id, ctx).await,
    }
}

fn report(ctx: &mut Ctx<'_>, verb: &str, societe: &Societe) -> Result<(), CliError> {
    if ctx.json {
        return output::json(ctx.out, societe);
    }
    writeln!(ctx.out, "{verb} company {} ({}).", societe.name, societe.id)?;
    Ok(())
}

async fn update(args: &UpdateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let parent = parse::clearable("--parent", args.parent.as_ref(), parse::societe_id)?;
    let email = parse::clearable("--email", args.email.as_ref(), parse::email)?;
    let siren = parse::clearable("--siren", args.siren.as_ref(), parse::siren)?;
    let vat_number = parse::clearable("--vat-number", args.vat_number.as_ref(), parse::vat_number)?;
    if args.name.is_none()
        && parent.is_none()
        && email.is_none()
        && siren.is_none()
        && vat_number.is_none()
    {
        return Err(CliError::input(
            "usage",
            "nothing to change: give --name, --parent, --email, --siren or --vat-number",
        ));
    }
    let before = ctx.app.societe(&ctx.caller, args.id).await?.societe;
    let input = app::parties::SocieteInput {
        name: args.name.clone().unwrap_or_else(|| before.name.clone()),
        parent: parent.unwrap_or(before.parent),
        site_code: before.site_code.clone(),
        email: email.unwrap_or_else(|| before.email.clone()),
        siren: siren.unwrap_or_else(|| before.siren.clone()),
        vat_number: vat_number.unwrap_or_else(|| before.vat_number.clone()),
    };
    let after = ctx.app.update_societe(&ctx.caller, args.id, &input).await?;
    let verb = if after == before {
        "No change to"
    } else {
        "Changed"
    };
    report(ctx, verb, &after)
}

#[derive(Serialize)]
struct CompanyView {
    company: app::parties::SocieteView,
    parent: Option<Societe>,
    changes: Vec<ports::ChangeRecord>,
}

async fn show(id: SocieteId, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let company = ctx.app.societe(&ctx.caller, id).await?;
    let parent = match company.societe.parent {
        Some(parent) => Some(ctx.app.societe(&ctx.caller, parent).await?.societe),
        None => None,
    };
    let changes = ctx
        .app
        .change_log(&ctx.caller, EntityKind::Societe, &id.to_string())
        .await?;
    let view = CompanyView {
        company,
        parent,
        changes,
    };
    if ctx.json {
        return output::json(ctx.out, &view);
    }
    let s = &view.company.societe;
    writeln!(ctx.out, "{}", s.name)?;
    output::fields(
        ctx.out,
        &[
            ("Id", s.id.to_string()),
            (
                "Parent",
                view.parent
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |p| format!("{} ({})", p.name, p.id)),
            ),
            ("Site code", output::opt(s.site_code.as_ref())),
            ("Email", output::opt(s.email.as_ref())),
            ("SIREN", output::opt(s.siren.as_ref())),
            ("VAT number", output::opt(s.vat_number.as_ref())),
            ("Created", output::datetime(s.created_at)),
            ("Changed", output::datetime(s.updated_at)),
        ],
    )?;
    writeln!(ctx.out, "\nSubsidiaries:")?;
    let mut subsidiaries = Table::new(&["COMPANY", "ID"]);
    for sub in &view.company.subsidiaries {
        subsidiaries.row(vec![sub.name.to_string(), sub.id.to_string()]);
    }
    write_or_none(ctx, &subsidiaries)?;
    writeln!(ctx.out, "\nPeople:")?;
    let mut people = Table::new(&["ROLES", "NAME", "ID"]);
    for (roles, tiers) in by_party(&view.company.people, |t| *t) {
        let name = match ctx.app.tiers(&ctx.caller, *tiers).await {
            Ok(view) => view.tiers.full_name(),
            Err(_) => "?".to_owned(),
        };
        people.row(vec![roles, name, tiers.to_string()]);
    }
    write_or_none(ctx, &people)?;
    writeln!(ctx.out, "\nAddresses:")?;
    let mut addresses = Table::new(&["ROLES", "ADDRESS", "ID"]);
    for (roles, adresse) in by_party(&view.company.addresses, |a| *a) {
        let text = match ctx.app.adresse(&ctx.caller, *adresse).await {
            Ok(a) => a.details.one_line(),
            Err(_) => "?".to_owned(),
        };
        addresses.row(vec![roles, text, adresse.to_string()]);
    }
    write_or_none(ctx, &addresses)?;
    writeln!(ctx.out, "\nChanges:")?;
    changes_table(ctx, &view.changes)
}
