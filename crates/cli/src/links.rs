//! `oms-admin links`: link a person to a company, an address to a person or to a company,
//! each link with its role; remove a link.

use clap::{Args, Subcommand, ValueEnum};
use domain::party::Role;
use ports::LinkRecord;

use crate::confirm::confirm;
use crate::context::Ctx;
use crate::customers;
use crate::errors::CliError;
use crate::output;
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum LinksCommand {
    Add(LinkArgs),
    #[command(visible_alias = "rm")]
    Remove(RemoveArgs),
}

/// What is linked to what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Kind {
    /// A person in a company: FROM is the company's id, TO the person.
    CompanyPerson,
    /// A person's address: FROM is the person, TO the address's id.
    PersonAddress,
    /// A company's address: FROM is the company's id, TO the address's id.
    CompanyAddress,
}

/// Link two parties with a role (internal, customer, payer, recipient).
#[derive(Debug, Args)]
#[command(
    long_about = "Link two parties with a role: internal (the supplier's own people and \
                  sites: an order taker is a person linked to a site as internal), customer, \
                  payer or recipient. The same two parties may be linked once per role. A \
                  person is named by their id, mobile phone or email.",
    after_help = "Examples:\n  oms-admin links add company-person 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 '06 11 22 33 44' --role internal\n  oms-admin links add person-address elodie.durand@example.fr 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a6a --role recipient"
)]
pub(crate) struct LinkArgs {
    /// What is linked.
    #[arg(value_enum)]
    kind: Kind,
    /// The company (its id) or the person (id, mobile phone or email).
    from: String,
    /// The person (id, mobile phone or email) or the address (its id).
    to: String,
    /// The role of the link.
    #[arg(long, value_parser = parse::role)]
    role: Role,
}

/// Remove the link between two parties with a role (asks for confirmation).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin links remove company-person 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 '06 11 22 33 44' --role internal --yes"
)]
pub(crate) struct RemoveArgs {
    #[command(flatten)]
    link: LinkArgs,
}

pub(crate) async fn run(command: LinksCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        LinksCommand::Add(args) => {
            let input = resolve(&args, ctx).await?;
            let record = match ctx.app.link(&ctx.caller, input, args.role).await {
                Ok(record) => record,
                Err(app::AppError::Conflict { code, .. }) => {
                    return Err(CliError::input(
                        code,
                        format!(
                            "{} and {} are already linked as {}: nothing to do",
                            args.from, args.to, args.role
                        ),
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            report(ctx, "Linked", &record)
        }
        LinksCommand::Remove(RemoveArgs { link }) => {
            let input = resolve(&link, ctx).await?;
            confirm(
                ctx,
                &format!(
                    "Remove the {} link {} {} -> {}",
                    link.role,
                    kind_name(link.kind),
                    link.from,
                    link.to
                ),
            )?;
            let record = ctx
                .app
                .unlink_parties(&ctx.caller, input, link.role)
                .await?;
            report(ctx, "Removed", &record)
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::CompanyPerson => "company-person",
        Kind::PersonAddress => "person-address",
        Kind::CompanyAddress => "company-address",
    }
}

fn company(arg: &str, text: &str) -> Result<domain::ids::SocieteId, CliError> {
    parse::societe_id(text).map_err(|e| CliError::input("invalid_argument", format!("{arg}: {e}")))
}

fn address(arg: &str, text: &str) -> Result<domain::ids::AdresseId, CliError> {
    parse::adresse_id(text).map_err(|e| CliError::input("invalid_argument", format!("{arg}: {e}")))
}

async fn resolve(args: &LinkArgs, ctx: &Ctx<'_>) -> Result<app::parties::LinkInput, CliError> {
    use app::parties::LinkInput;
    Ok(match args.kind {
        Kind::CompanyPerson => LinkInput::SocieteTiers(
            company("FROM", &args.from)?,
            customers::resolve(ctx, &args.to).await?,
        ),
        Kind::PersonAddress => LinkInput::TiersAdresse(
            customers::resolve(ctx, &args.from).await?,
            address("TO", &args.to)?,
        ),
        Kind::CompanyAddress => {
            LinkInput::SocieteAdresse(company("FROM", &args.from)?, address("TO", &args.to)?)
        }
    })
}

fn report(ctx: &mut Ctx<'_>, verb: &str, record: &LinkRecord) -> Result<(), CliError> {
    let (kind, from, to, role) = match record {
        LinkRecord::SocieteTiers(l) => (
            "company-person",
            l.from.to_string(),
            l.to.to_string(),
            l.role,
        ),
        LinkRecord::TiersAdresse(l) => (
            "person-address",
            l.from.to_string(),
            l.to.to_string(),
            l.role,
        ),
        LinkRecord::SocieteAdresse(l) => (
            "company-address",
            l.from.to_string(),
            l.to.to_string(),
            l.role,
        ),
    };
    if ctx.json {
        return output::json(
            ctx.out,
            &serde_json::json!({
                "id": record.id(),
                "kind": kind,
                "from": from,
                "to": to,
                "role": role,
            }),
        );
    }
    writeln!(
        ctx.out,
        "{verb}: {kind} {from} -> {to} as {role} (link {}).",
        record.id()
    )?;
    Ok(())
}
