//! `oms-admin sites`: the supplier's sites, where orders are taken and numbered.

use clap::{Args, Subcommand};
use domain::order::SiteCode;
use domain::party::{CompanyName, Email};

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum SitesCommand {
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Create(CreateArgs),
}

/// List the sites, by code.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin sites list")]
pub(crate) struct ListArgs {}

/// Create a site: a company of the supplier whose code starts its order numbers.
#[derive(Debug, Args)]
#[command(
    long_about = "Create a site of the supplier: a company with a code (2 to 8 letters or \
                  digits, starting with a letter) that starts the numbers of the orders taken \
                  there (PAR-000001). The site's email receives its validated orders.",
    after_help = "Example:\n  oms-admin sites create LYO 'Agence Lyon Part-Dieu' --email agence.lyon@example.fr"
)]
pub(crate) struct CreateArgs {
    /// The site's code.
    #[arg(value_parser = parse::site_code)]
    code: SiteCode,
    /// The site's name.
    #[arg(value_parser = parse::company_name)]
    name: CompanyName,
    /// Where the site receives its validated orders.
    #[arg(long, value_parser = parse::email)]
    email: Option<Email>,
}

pub(crate) async fn run(command: SitesCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        SitesCommand::List(ListArgs {}) => {
            let sites = ctx.app.sites(&ctx.caller).await?;
            if ctx.json {
                return output::json(ctx.out, &sites);
            }
            let mut table = Table::new(&["CODE", "NAME", "EMAIL", "ID"]);
            for s in &sites {
                table.row(vec![
                    output::opt(s.site_code.as_ref()),
                    s.name.to_string(),
                    output::opt(s.email.as_ref()),
                    s.id.to_string(),
                ]);
            }
            table.write(ctx.out, 0)?;
            Ok(())
        }
        SitesCommand::Create(args) => {
            let input = app::parties::SocieteInput {
                name: args.name,
                parent: None,
                site_code: Some(args.code),
                email: args.email,
                siren: None,
                vat_number: None,
            };
            let site = ctx.app.create_societe(&ctx.caller, &input).await?;
            if ctx.json {
                return output::json(ctx.out, &site);
            }
            writeln!(
                ctx.out,
                "Created site {} {} ({}).",
                output::opt(site.site_code.as_ref()),
                site.name,
                site.id
            )?;
            Ok(())
        }
    }
}
