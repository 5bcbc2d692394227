//! The admin command line (`oms-admin`): a thin driver that reads its input, calls the
//! use cases of the `app` crate (or, for `price`, the business core alone), and writes the
//! result. Every command writes its result on standard output (a table, or JSON with
//! `--json`) and its errors on standard error, and ends with a documented exit status
//! ([`ExitStatus`]).

mod accounts;
mod addresses;
mod articles;
mod catalogue_csv;
mod companies;
mod confirm;
mod context;
mod customers;
mod demo;
mod errors;
mod invoices;
mod links;
mod order_actions;
mod orders;
mod outbox;
mod output;
mod parse;
mod price;
mod sites;
mod vat;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::{Args, Parser, Subcommand};

use crate::context::Ctx;
use crate::errors::CliError;

/// The exit statuses of `oms-admin`, documented in `docs/cli.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done.
    Success = 0,
    /// 1: a failure that is not the input's fault (the database cannot be reached, a file
    /// that cannot be read, a broken output pipe).
    Failure = 1,
    /// 2: the input or the command line is wrong, or the action is refused (unknown
    /// number, illegal state change, conflict, no confirmation); nothing was changed.
    BadInput = 2,
}

/// The standard streams a command works with, so tests can run commands in memory.
#[derive(Debug)]
pub struct Streams<I, O, E> {
    /// Standard input.
    pub stdin: I,
    /// Standard output.
    pub stdout: O,
    /// Standard error.
    pub stderr: E,
    /// Whether standard input is a terminal a person can answer a confirmation on.
    pub interactive: bool,
}

#[derive(Debug, Parser)]
#[command(
    name = "oms-admin",
    version,
    about = "Administer the order management system from a terminal.",
    long_about = "Administer the order management system from a terminal: customers, \
                  companies, addresses, VAT codes, sites, the catalogue and its stock, \
                  orders, invoices and the outbox, on the database the API uses \
                  (DATABASE_URL; a SQLite file in data/ by default).",
    after_help = "Examples:\n  oms-admin demo-data\n  oms-admin orders search --state validated\n  oms-admin customers find '06 12 34 56 78'\n\nExit status: 0 done, 1 failure (database, I/O), 2 bad input, usage or refused action; see docs/cli.md."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The options every command takes.
#[derive(Debug, Clone, Copy, Args)]
struct Global {
    /// Print the result as JSON, for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// Do not ask for confirmation before a destructive action.
    #[arg(long, short = 'y', global = true)]
    yes: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    Migrate(MigrateArgs),
    CreateAdmin(accounts::CreateAdminArgs),
    DemoData(demo::DemoArgs),
    Price(price::PriceArgs),
    /// Customers: find by phone, name or email; show; register; change details.
    #[command(
        subcommand,
        after_help = "Examples:\n  oms-admin customers find '06 12 34 56 78'\n  oms-admin customers show elodie.durand@example.fr"
    )]
    Customers(customers::CustomersCommand),
    /// Companies: create, change (name, parent, email), show with their people.
    #[command(
        subcommand,
        after_help = "Example:\n  oms-admin companies create 'Groupe Durand' --email compta@durand.fr"
    )]
    Companies(companies::CompaniesCommand),
    /// Addresses: create, change, show.
    #[command(
        subcommand,
        after_help = "Example:\n  oms-admin addresses create --lines '3 place Bellecour' --postal-code 69002 --town Lyon"
    )]
    Addresses(addresses::AddressesCommand),
    /// Links between companies, people and addresses, each with a role.
    #[command(
        subcommand,
        after_help = "Example:\n  oms-admin links add company-person COMPANY_ID '06 10 20 30 40' --role internal"
    )]
    Links(links::LinksCommand),
    /// VAT codes and their rates.
    #[command(
        subcommand,
        after_help = "Example:\n  oms-admin vat set REDUIT --rate 5.5 --label 'Taux réduit'"
    )]
    Vat(vat::VatCommand),
    /// The supplier's sites, where orders are taken and numbered.
    #[command(
        subcommand,
        after_help = "Example:\n  oms-admin sites create LYO 'Agence Lyon Part-Dieu'"
    )]
    Sites(sites::SitesCommand),
    /// The catalogue and its stock; CSV import and export.
    #[command(
        subcommand,
        after_help = "Examples:\n  oms-admin articles show VIS-M6\n  oms-admin articles adjust VIS-M6 +50 --reason 'réception'\n  oms-admin articles export > catalogue.csv"
    )]
    Articles(articles::ArticlesCommand),
    /// Orders: find, search, show, export; create a draft; validate, cancel, fulfil,
    /// delete, reschedule; the delivery note.
    #[command(
        subcommand,
        after_help = "Examples:\n  oms-admin orders search --state draft\n  oms-admin orders show PAR-000001\n  oms-admin orders cancel PAR-000001 --yes\n  oms-admin orders delivery-note PAR-000001 --out BL.pdf"
    )]
    Orders(orders::OrdersCommand),
    /// Invoices and credit notes: list, show, write the Factur-X PDF or the XML.
    #[command(
        subcommand,
        after_help = "Examples:\n  oms-admin invoices list --kind invoice\n  oms-admin invoices show FA-2026-000001\n  oms-admin invoices pdf FA-2026-000001 --out FA-2026-000001.pdf"
    )]
    Invoices(invoices::InvoicesCommand),
    /// Messages waiting to be sent, sent or given up on; retry one; run the worker that
    /// issues invoices and sends emails.
    #[command(
        subcommand,
        after_help = "Examples:\n  oms-admin outbox list --status failed\n  oms-admin outbox retry MESSAGE_ID\n  oms-admin outbox deliver"
    )]
    Outbox(outbox::OutboxCommand),
}

/// Apply the database migrations (the API also applies them at start).
#[derive(Debug, Args)]
#[command(
    long_about = "Open the configured database (DATABASE_URL), create it if it is a SQLite \
                  file that does not exist yet, and apply the migrations it lacks.",
    after_help = "Example:\n  DATABASE_URL=postgres://oms@db.internal:5432/oms oms-admin migrate"
)]
struct MigrateArgs {}

/// Parses `args` (the program name first) and runs the command.
pub fn run<I: Read, O: Write, E: Write>(
    args: impl IntoIterator<Item = OsString>,
    streams: &mut Streams<I, O, E>,
) -> ExitStatus {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let status = if err.use_stderr() {
                ExitStatus::BadInput
            } else {
                ExitStatus::Success
            };
            // --help and --version go to standard output, usage errors to standard error.
            let rendered = err.render().to_string();
            let written = if err.use_stderr() {
                streams.stderr.write_all(rendered.as_bytes())
            } else {
                streams.stdout.write_all(rendered.as_bytes())
            };
            return if written.is_ok() {
                status
            } else {
                ExitStatus::Failure
            };
        }
    };
    match cli.command {
        // Pricing needs no database: none is opened.
        Command::Price(args) => price::run(&args, streams),
        command => {
            let outcome = with_database(cli.global, command, streams);
            match outcome {
                Ok(()) => ExitStatus::Success,
                Err(err) => {
                    // If even standard error is gone there is no one left to tell; the
                    // status still says it.
                    if err.code != errors::BROKEN_PIPE {
                        let _ = writeln!(streams.stderr, "error: {}: {}", err.code, err.message);
                    }
                    err.status
                }
            }
        }
    }
}

fn with_database<I: Read, O: Write, E: Write>(
    global: Global,
    command: Command,
    streams: &mut Streams<I, O, E>,
) -> Result<(), CliError> {
    let config = setup::Config::from_env().map_err(CliError::from_config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure("internal", format!("cannot start: {e}")))?;
    runtime.block_on(async {
        let app = setup::build_app(&config)
            .await
            .map_err(CliError::from_config)?;
        let mut ctx = Ctx {
            app,
            database: setup::redact(&config.database_url),
            caller: context::caller_from_env(),
            json: global.json,
            yes: global.yes,
            interactive: streams.interactive,
            input: &mut streams.stdin,
            out: &mut streams.stdout,
            err: &mut streams.stderr,
        };
        dispatch(command, &mut ctx).await
    })
}

async fn dispatch(command: Command, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        Command::Migrate(MigrateArgs {}) => migrate(ctx),
        Command::CreateAdmin(args) => accounts::create_admin(args, ctx).await,
        Command::Outbox(c) => outbox::run(c, ctx).await,
        Command::DemoData(args) => demo::run(&args, ctx).await,
        Command::Customers(c) => customers::run(c, ctx).await,
        Command::Companies(c) => companies::run(c, ctx).await,
        Command::Addresses(c) => addresses::run(c, ctx).await,
        Command::Links(c) => links::run(c, ctx).await,
        Command::Vat(c) => vat::run(c, ctx).await,
        Command::Sites(c) => sites::run(c, ctx).await,
        Command::Articles(c) => articles::run(c, ctx).await,
        Command::Orders(c) => orders::run(c, ctx).await,
        Command::Invoices(c) => invoices::run(c, ctx).await,
        // Handled before a database is opened.
        Command::Price(_) => Ok(()),
    }
}

/// The database was opened and migrated on the way here: say so.
fn migrate(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let kind = ctx.app.database().kind();
    if ctx.json {
        output::json(
            ctx.out,
            &serde_json::json!({ "database": ctx.database, "kind": kind, "migrated": true }),
        )
    } else {
        writeln!(
            ctx.out,
            "{} ({kind}) is up to date: every migration is applied.",
            ctx.database
        )?;
        Ok(())
    }
}
