//! `oms-admin vat`: the VAT codes and their rates. A change of rate never changes an
//! order already registered: its lines keep the rate they copied.

use clap::{Args, Subcommand};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum VatCommand {
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Set(SetArgs),
}

/// List the VAT codes and their rates.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin vat list")]
pub(crate) struct ListArgs {}

/// Create a VAT code, or change its rate, label or whether it is the default.
#[derive(Debug, Args)]
#[command(
    long_about = "Create a VAT code, or change an existing one. The default code's rate \
                  applies to articles without a code (20 % when no code is the default); \
                  making a code the default makes the others not.",
    after_help = "Examples:\n  oms-admin vat set REDUIT --rate 5.5 --label 'Taux réduit'\n  oms-admin vat set NORMAL --rate 20 --label 'Taux normal' --default"
)]
pub(crate) struct SetArgs {
    /// The code (letters, digits, '-', '_', '.').
    #[arg(value_parser = parse::vat_code)]
    code: VatCodeId,
    /// The rate in percent, such as 20 or 5.5.
    #[arg(long, value_parser = parse::vat_rate)]
    rate: VatRate,
    /// The label; required for a new code.
    #[arg(long, value_parser = parse::vat_label)]
    label: Option<VatLabel>,
    /// Make it the default code.
    #[arg(long)]
    default: bool,
}

pub(crate) async fn run(command: VatCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        VatCommand::List(ListArgs {}) => {
            let codes = ctx.app.vat_codes().await?;
            if ctx.json {
                return output::json(ctx.out, &codes);
            }
            if codes.is_empty() {
                writeln!(
                    ctx.out,
                    "No VAT code yet: every article is at 20 %. Add one with: oms-admin vat set"
                )?;
                return Ok(());
            }
            let mut table = Table::new(&["CODE", ">RATE %", "LABEL", "DEFAULT"]);
            for c in &codes {
                table.row(vec![
                    c.code.to_string(),
                    c.rate.to_string(),
                    c.label.to_string(),
                    if c.is_default { "yes" } else { "" }.to_owned(),
                ]);
            }
            table.write(ctx.out, 0)?;
            Ok(())
        }
        VatCommand::Set(args) => {
            let codes = ctx.app.vat_codes().await?;
            let existing = codes.iter().find(|c| c.code == args.code);
            let label = match (&args.label, existing) {
                (Some(label), _) => label.clone(),
                (None, Some(c)) => c.label.clone(),
                (None, None) => {
                    return Err(CliError::input(
                        "usage",
                        format!("{} is a new VAT code: give its --label", args.code),
                    ))
                }
            };
            let code = VatCode {
                code: args.code.clone(),
                label,
                rate: args.rate,
                is_default: args.default || existing.is_some_and(|c| c.is_default),
            };
            ctx.app.save_vat_code(&ctx.caller, &code).await?;
            if ctx.json {
                return output::json(ctx.out, &code);
            }
            let verb = if existing.is_some() {
                "Changed"
            } else {
                "Created"
            };
            writeln!(
                ctx.out,
                "{verb} VAT code {} ({}): {} %{}.",
                code.code,
                code.label,
                code.rate,
                if code.is_default { ", the default" } else { "" }
            )?;
            Ok(())
        }
    }
}
