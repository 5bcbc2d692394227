//! `oms-admin addresses`: create, change and show addresses (linked to companies and
//! people with `oms-admin links`).

use clap::{Args, Subcommand};
use domain::ids::AdresseId;
use domain::party::{AddressLines, Adresse, AdresseDetails, CountryCode, PostalCode, Town};
use ports::EntityKind;
use serde::Serialize;

use crate::context::Ctx;
use crate::customers::changes_table;
use crate::errors::CliError;
use crate::output;
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum AddressesCommand {
    Create(CreateArgs),
    Update(UpdateArgs),
    Show(ShowArgs),
}

/// The fields of an address on the command line.
#[derive(Debug, Clone, Args)]
pub(crate) struct AddressFields {
    /// The street lines; separate lines with '|'.
    #[arg(long, visible_alias = "address", value_parser = parse::address_lines)]
    lines: Option<AddressLines>,
    /// The postal code.
    #[arg(long, value_parser = parse::postal_code)]
    postal_code: Option<PostalCode>,
    /// The town.
    #[arg(long, value_parser = parse::town)]
    town: Option<Town>,
    /// The country, two letters (FR when not given).
    #[arg(long, value_parser = parse::country)]
    country: Option<CountryCode>,
    /// Access remarks (door code, floor, hours); '' clears them.
    #[arg(long)]
    access_notes: Option<String>,
    /// The landline at this address; '' clears it.
    #[arg(long)]
    landline: Option<String>,
    /// Bank details attached to the address; '' clears them.
    #[arg(long)]
    bank_details: Option<String>,
}

impl AddressFields {
    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        self.lines.is_none()
            && self.postal_code.is_none()
            && self.town.is_none()
            && self.country.is_none()
            && self.access_notes.is_none()
            && self.landline.is_none()
            && self.bank_details.is_none()
    }

    /// A new address: the street lines, postal code and town are required.
    pub fn details(&self) -> Result<AdresseDetails, CliError> {
        let (Some(lines), Some(postal_code), Some(town)) =
            (&self.lines, &self.postal_code, &self.town)
        else {
            return Err(CliError::input(
                "usage",
                "an address needs --lines, --postal-code and --town",
            ));
        };
        Ok(AdresseDetails {
            lines: lines.clone(),
            postal_code: postal_code.clone(),
            town: town.clone(),
            country: self.country.clone().unwrap_or_else(CountryCode::france),
            access_notes: self.optional("--access-notes", self.access_notes.as_ref())?,
            landline: parse::clearable("--landline", self.landline.as_ref(), parse::phone)?
                .flatten(),
            bank_details: self.optional("--bank-details", self.bank_details.as_ref())?,
        })
    }

    /// An address changed by the fields given.
    pub fn merged(&self, before: &AdresseDetails) -> Result<AdresseDetails, CliError> {
        let lines_or = |value: Option<Option<AddressLines>>, old: &Option<AddressLines>| {
            value.unwrap_or_else(|| old.clone())
        };
        Ok(AdresseDetails {
            lines: self.lines.clone().unwrap_or_else(|| before.lines.clone()),
            postal_code: self
                .postal_code
                .clone()
                .unwrap_or_else(|| before.postal_code.clone()),
            town: self.town.clone().unwrap_or_else(|| before.town.clone()),
            country: self
                .country
                .clone()
                .unwrap_or_else(|| before.country.clone()),
            access_notes: lines_or(
                parse::clearable(
                    "--access-notes",
                    self.access_notes.as_ref(),
                    parse::address_lines,
                )?,
                &before.access_notes,
            ),
            landline: parse::clearable("--landline", self.landline.as_ref(), parse::phone)?
                .unwrap_or_else(|| before.landline.clone()),
            bank_details: lines_or(
                parse::clearable(
                    "--bank-details",
                    self.bank_details.as_ref(),
                    parse::address_lines,
                )?,
                &before.bank_details,
            ),
        })
    }

    fn optional(&self, arg: &str, raw: Option<&String>) -> Result<Option<AddressLines>, CliError> {
        Ok(parse::clearable(arg, raw, parse::address_lines)?.flatten())
    }
}

/// Create an address.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin addresses create --lines '3 place Bellecour|Bâtiment B' --postal-code 69002 --town Lyon --access-notes 'code 4521'"
)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    fields: AddressFields,
}

/// Change an address (only the fields given; '' clears an optional one).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  oms-admin addresses update 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --access-notes 'code 7788, 2e étage'"
)]
pub(crate) struct UpdateArgs {
    /// The address's id.
    #[arg(value_parser = parse::adresse_id)]
    id: AdresseId,
    #[command(flatten)]
    fields: AddressFields,
}

/// Show an address and its changes.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin addresses show 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69")]
pub(crate) struct ShowArgs {
    /// The address's id.
    #[arg(value_parser = parse::adresse_id)]
    id: AdresseId,
}

pub(crate) async fn run(command: AddressesCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        AddressesCommand::Create(args) => {
            let details = args.fields.details()?;
            let adresse = ctx.app.create_adresse(&ctx.caller, &details).await?;
            report(ctx, "Created", &adresse)
        }
        AddressesCommand::Update(args) => {
            if args.fields.is_empty() {
                return Err(CliError::input(
                    "usage",
                    "nothing to change: give at least one field, such as --town",
                ));
            }
            let before = ctx.app.adresse(&ctx.caller, args.id).await?;
            let details = args.fields.merged(&before.details)?;
            let adresse = ctx
                .app
                .update_adresse(&ctx.caller, args.id, &details)
                .await?;
            let verb = if adresse.details == before.details {
                "No change to"
            } else {
                "Changed"
            };
            report(ctx, verb, &adresse)
        }
        AddressesCommand::Show(args) => show(args.id, ctx).await,
    }
}

fn report(ctx: &mut Ctx<'_>, verb: &str, adresse: &Adresse) -> Result<(), CliError> {
    if ctx.json {
        return output::json(ctx.out, adresse);
    }
    writeln!(ctx.out, "{verb} address {}.", adresse.id)?;
    write_fields(ctx, adresse)
}

fn write_fields(ctx: &mut Ctx<'_>, adresse: &Adresse) -> Result<(), CliError> {
    let d = &adresse.details;
    output::fields(
        ctx.out,
        &[
            ("Lines", d.lines.to_string()),
            ("Postal code", d.postal_code.to_string()),
            ("Town", d.town.to_string()),
            ("Country", d.country.to_string()),
            ("Access notes", output::opt(d.access_notes.as_ref())),
            (
                "Landline",
                d.landline
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |p| p.national()),
            ),
            ("Bank details", output::opt(d.bank_details.as_ref())),
        ],
    )?;
    Ok(())
}

#[derive(Serialize)]
struct AddressView {
    address: Adresse,
    changes: Vec<ports::ChangeRecord>,
}

async fn show(id: AdresseId, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let address = ctx.app.adresse(&ctx.caller, id).await?;
    let changes = ctx
        .app
        .change_log(&ctx.caller, EntityKind::Adresse, &id.to_string())
        .await?;
    let view = AddressView { address, changes };
    if ctx.json {
        return output::json(ctx.out, &view);
    }
    writeln!(ctx.out, "Address {}", view.address.id)?;
    write_fields(ctx, &view.address)?;
    writeln!(ctx.out, "\nChanges:")?;
    changes_table(ctx, &view.changes)
}
