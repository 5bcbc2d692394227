//! `oms-admin customers`: find a customer by phone, name or email; show one with their
//! companies, addresses, roles, orders and changes; register one; change their details.

use clap::{ArgGroup, Args, Subcommand};
use domain::ids::TiersId;
use domain::party::{CompanyName, Email, PersonName, PhoneNumber, Tiers, TiersDetails};
use ports::{EntityKind, OrderQuery, Paging};
use serde::Serialize;

use crate::addresses::AddressFields;
use crate::context::Ctx;
use crate::errors::CliError;
use crate::orders::{summaries_table, PageView};
use crate::output::{self, Table};
use crate::parse;

#[derive(Debug, Subcommand)]
pub(crate) enum CustomersCommand {
    Find(FindArgs),
    #[command(visible_alias = "get")]
    Show(ShowArgs),
    Create(CreateArgs),
    Update(UpdateArgs),
}

/// Find customers by mobile phone, name or email.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("by").required(true).args(["text", "phone", "name", "email"])),
    long_about = "Find people by mobile phone (however it is written: 06 12 34 56 78, \
                  +33 6 12 34 56 78...), by name (whatever the case and accents; every word \
                  given must match) or by email. A text alone is taken for an email when it \
                  has an @, for a phone number when it has no letter, else for a name.",
    after_help = "Examples:\n  oms-admin customers find '06 12 34 56 78'\n  oms-admin customers find --name 'elodie durand'\n  oms-admin customers find --email elodie.durand@example.fr --json"
)]
pub(crate) struct FindArgs {
    /// A phone number, a name or an email.
    text: Option<String>,
    /// The mobile phone number.
    #[arg(long, value_parser = parse::phone)]
    phone: Option<PhoneNumber>,
    /// Words of the name.
    #[arg(long)]
    name: Option<String>,
    /// The email.
    #[arg(long, value_parser = parse::email)]
    email: Option<Email>,
    /// The most people to list (1 to 200).
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

/// Show a customer with their companies, addresses, roles, orders and changes.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin customers show '06 12 34 56 78'\n  oms-admin customers show 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --json"
)]
pub(crate) struct ShowArgs {
    /// The customer: their id, mobile phone, email, or a name only they match.
    customer: String,
    /// The most orders to list.
    #[arg(long, default_value_t = 20)]
    orders: u32,
}

/// Register a customer: the person, their company and their address, linked as
/// customer, payer and recipient.
#[derive(Debug, Args)]
#[command(
    long_about = "Register a customer in one go: the person, their company (a company of \
                  one person, named after them, for a private customer) and their address, \
                  linked to each other as customer, payer and recipient. With --person-only, \
                  only the person is created (an order taker, a contact to link to an \
                  existing company with oms-admin links add).",
    after_help = "Example:\n  oms-admin customers create --last-name Durand --first-name Élodie --mobile '06 12 34 56 78' \\\n    --email elodie.durand@example.fr --lines '12 rue de la Paix' --postal-code 75002 --town Paris"
)]
pub(crate) struct CreateArgs {
    /// Last name.
    #[arg(long, value_parser = parse::person_name)]
    last_name: PersonName,
    /// First name.
    #[arg(long, value_parser = parse::person_name)]
    first_name: Option<PersonName>,
    /// Mobile phone: the customer's identifier at the counter.
    #[arg(long, value_parser = parse::phone)]
    mobile: Option<PhoneNumber>,
    /// Email.
    #[arg(long, value_parser = parse::email)]
    email: Option<Email>,
    /// The company's name; the person's name for a private customer.
    #[arg(long, value_parser = parse::company_name)]
    company: Option<CompanyName>,
    #[command(flatten)]
    address: AddressFields,
    /// Create the person only: no company, no address, no link.
    #[arg(long)]
    person_only: bool,
}

/// Change a customer's names, mobile phone or email (an empty value clears it).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin customers update '06 12 34 56 78' --email elodie@durand.fr\n  oms-admin customers update 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69 --first-name ''"
)]
pub(crate) struct UpdateArgs {
    /// The customer: their id, mobile phone, email, or a name only they match.
    customer: String,
    /// New last name.
    #[arg(long, value_parser = parse::person_name)]
    last_name: Option<PersonName>,
    /// New first name; '' clears it.
    #[arg(long)]
    first_name: Option<String>,
    /// New mobile phone; '' clears it.
    #[arg(long)]
    mobile: Option<String>,
    /// New email; '' clears it.
    #[arg(long)]
    email: Option<String>,
}

pub(crate) async fn run(command: CustomersCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        CustomersCommand::Find(args) => find(&args, ctx).await,
        CustomersCommand::Show(args) => show(&args, ctx).await,
        CustomersCommand::Create(args) => create(&args, ctx).await,
        CustomersCommand::Update(args) => update(&args, ctx).await,
    }
}

/// How people are looked up.
enum Query {
    Phone(PhoneNumber),
    Email(Email),
    Name(String),
}

impl Query {
    /// A text as staff type it: an email when it has an @, a phone number when it has no
    /// letter and reads as one, else a name.
    fn guess(text: &str) -> Result<Query, CliError> {
        if text.contains('@') {
            return parse::email(text)
                .map(Query::Email)
                .map_err(|e| CliError::input("validation", e));
        }
        if !text.chars().any(char::is_alphabetic) {
            if let Ok(phone) = PhoneNumber::new(text) {
                return Ok(Query::Phone(phone));
            }
        }
        Ok(Query::Name(text.to_owned()))
    }

    fn describe(&self) -> String {
        match self {
            Query::Phone(p) => format!("the phone number {}", p.national()),
            Query::Email(e) => format!("the email {e}"),
            Query::Name(n) => format!("the name {n:?}"),
        }
    }
}

async fn lookup(ctx: &Ctx<'_>, query: &Query, limit: u32) -> Result<Vec<Tiers>, CliError> {
    let app = &ctx.app;
    Ok(match query {
        Query::Phone(phone) => app.find_customers_by_phone(&ctx.caller, phone).await?,
        Query::Email(email) => app.find_customers_by_email(&ctx.caller, email).await?,
        Query::Name(name) => app.find_customers_by_name(&ctx.caller, name, limit).await?,
    })
}

/// The one person a key names: an id, or a phone, email or name only they match.
pub(crate) async fn resolve(ctx: &Ctx<'_>, key: &str) -> Result<TiersId, CliError> {
    if let Ok(id) = TiersId::parse(key.trim()) {
        return Ok(id);
    }
    let query = Query::guess(key.trim())?;
    let mut found = lookup(ctx, &query, 20).await?;
    match found.len() {
        0 => Err(CliError::input(
            "not_found",
            format!(
                "no customer has {}; look people up with: oms-admin customers find",
                query.describe()
            ),
        )),
        1 => Ok(found.remove(0).id),
        n => {
            let names: Vec<String> = found
                .iter()
                .map(|t| format!("{} ({})", t.full_name(), t.id))
                .collect();
            Err(CliError::input(
                "ambiguous",
                format!(
                    "{n} people have {}: {}; give the id of the one you mean",
                    query.describe(),
                    names.join(", ")
                ),
            ))
        }
    }
}

/// People as a table.
pub(crate) fn people_table(people: &[Tiers]) -> Table {
    let mut table = Table::new(&["ID", "NAME", "MOBILE", "EMAIL"]);
    for t in people {
        table.row(vec![
            t.id.to_string(),
            t.full_name(),
            t.details
                .mobile
                .as_ref()
                .map_or_else(|| "-".to_owned(), PhoneNumber::national),
            output::opt(t.details.email.as_ref()),
        ]);
    }
    table
}

async fn find(args: &FindArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let query = match (&args.text, &args.phone, &args.name, &args.email) {
        (_, Some(phone), _, _) => Query::Phone(phone.clone()),
        (_, _, Some(name), _) => Query::Name(name.clone()),
        (_, _, _, Some(email)) => Query::Email(email.clone()),
        (Some(text), _, _, _) => Query::guess(text)?,
        (None, None, None, None) => {
            return Err(CliError::input(
                "usage",
                "give a phone number, a name or an email",
            ))
        }
    };
    let people = lookup(ctx, &query, args.limit).await?;
    if ctx.json {
        return output::json(ctx.out, &people);
    }
    if people.is_empty() {
        writeln!(ctx.out, "No customer has {}.", query.describe())?;
        return Ok(());
    }
    people_table(&people).write(ctx.out, 0)?;
    Ok(())
}

#[derive(Serialize)]
struct CustomerView {
    customer: app::parties::TiersView,
    orders: PageView<ports::OrderSummary>,
    changes: Vec<ports::ChangeRecord>,
}

async fn show(args: &ShowArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let id = resolve(ctx, &args.customer).await?;
    let view = ctx.app.tiers(&ctx.caller, id).await?;
    let query = OrderQuery {
        customer: Some(id),
        paging: Paging::first(args.orders),
        ..OrderQuery::default()
    };
    let orders = ctx.app.search_orders(&ctx.caller, &query).await?;
    let changes = ctx
        .app
        .change_log(&ctx.caller, EntityKind::Tiers, &id.to_string())
        .await?;
    let view = CustomerView {
        customer: view,
        orders: PageView::from(orders),
        changes,
    };
    if ctx.json {
        return output::json(ctx.out, &view);
    }
    let t = &view.customer.tiers;
    writeln!(ctx.out, "{}", t.full_name())?;
    output::fields(
        ctx.out,
        &[
            ("Id", t.id.to_string()),
            (
                "Mobile",
                t.details
                    .mobile
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), PhoneNumber::national),
            ),
            ("Email", output::opt(t.details.email.as_ref())),
            ("Created", output::datetime(t.created_at)),
            ("Changed", output::datetime(t.updated_at)),
        ],
    )?;
    writeln!(ctx.out, "\nCompanies:")?;
    let mut companies = Table::new(&["ROLES", "COMPANY", "ID"]);
    for (roles, societe) in by_party(&view.customer.companies, |s| s.id) {
        companies.row(vec![
            roles,
            societe.name.to_string(),
            societe.id.to_string(),
        ]);
    }
    write_or_none(ctx, &companies)?;
    writeln!(ctx.out, "\nAddresses:")?;
    let mut addresses = Table::new(&["ROLES", "ADDRESS", "ID"]);
    for (roles, adresse) in by_party(&view.customer.addresses, |a| a.id) {
        addresses.row(vec![
            roles,
            adresse.details.one_line(),
            adresse.id.to_string(),
        ]);
    }
    write_or_none(ctx, &addresses)?;
    writeln!(
        ctx.out,
        "\nOrders ({} in all, newest first):",
        view.orders.total
    )?;
    let orders = summaries_table(ctx, &view.orders.items, false).await?;
    write_or_none(ctx, &orders)?;
    writeln!(ctx.out, "\nChanges:")?;
    changes_table(ctx, &view.changes)
}

/// The parties of a list of links, each once with its roles joined ("customer, payer"),
/// in the order they first appear.
pub(crate) fn by_party<T, K: PartialEq>(
    links: &[(domain::party::Role, T)],
    key: impl Fn(&T) -> K,
) -> Vec<(String, &T)> {
    let mut grouped: Vec<(Vec<&str>, &T)> = Vec::new();
    for (role, party) in links {
        match grouped.iter_mut().find(|(_, p)| key(p) == key(party)) {
            Some((roles, _)) => roles.push(role.as_str()),
            None => grouped.push((vec![role.as_str()], party)),
        }
    }
    grouped
        .into_iter()
        .map(|(roles, party)| (roles.join(", "), party))
        .collect()
}

/// Writes a table indented, or "(none)".
pub(crate) fn write_or_none(ctx: &mut Ctx<'_>, table: &Table) -> Result<(), CliError> {
    if table.is_empty() {
        writeln!(ctx.out, "  (none)")?;
    } else {
        table.write(ctx.out, 2)?;
    }
    Ok(())
}

/// Writes the record of changes, oldest first.
pub(crate) fn changes_table(
    ctx: &mut Ctx<'_>,
    changes: &[ports::ChangeRecord],
) -> Result<(), CliError> {
    let mut table = Table::new(&["AT", "BY", "CHANGES"]);
    for change in changes {
        table.row(vec![
            output::datetime(change.at),
            change.by.to_string(),
            change.changes.join("; "),
        ]);
    }
    write_or_none(ctx, &table)
}

async fn create(args: &CreateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let details = TiersDetails {
        last_name: args.last_name.clone(),
        first_name: args.first_name.clone(),
        mobile: args.mobile.clone(),
        email: args.email.clone(),
    };
    if args.person_only {
        if args.company.is_some() || !args.address.is_empty() {
            return Err(CliError::input(
                "usage",
                "--person-only creates the person alone: leave out --company and the address",
            ));
        }
        let tiers = ctx.app.create_tiers(&ctx.caller, &details).await?;
        if ctx.json {
            return output::json(ctx.out, &tiers);
        }
        writeln!(ctx.out, "Created {} ({}).", tiers.full_name(), tiers.id)?;
        return Ok(());
    }
    let address = args.address.details()?;
    let new = app::parties::NewCustomer {
        details,
        company: args.company.clone(),
        address,
    };
    let registered = ctx.app.register_customer(&ctx.caller, &new).await?;
    if ctx.json {
        return output::json(ctx.out, &registered);
    }
    writeln!(
        ctx.out,
        "Registered {}: customer, payer and recipient.",
        registered.tiers.full_name()
    )?;
    output::fields(
        ctx.out,
        &[
            ("Person", registered.tiers.id.to_string()),
            (
                "Company",
                format!("{} ({})", registered.societe.name, registered.societe.id),
            ),
            (
                "Address",
                format!(
                    "{} ({})",
                    registered.adresse.details.one_line(),
                    registered.adresse.id
                ),
            ),
        ],
    )?;
    Ok(())
}

async fn update(args: &UpdateArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let first_name =
        parse::clearable("--first-name", args.first_name.as_ref(), parse::person_name)?;
    let mobile = parse::clearable("--mobile", args.mobile.as_ref(), parse::phone)?;
    let email = parse::clearable("--email", args.email.as_ref(), parse::email)?;
    if args.last_name.is_none() && first_name.is_none() && mobile.is_none() && email.is_none() {
        return Err(CliError::input(
            "usage",
            "nothing to change: give --last-name, --first-name, --mobile or --email",
        ));
    }
    let id = resolve(ctx, &args.customer).await?;
    let before = ctx.app.tiers(&ctx.caller, id).await?.tiers;
    let b = &before.details;
    let details = TiersDetails {
        last_name: args
            .last_name
            .clone()
            .unwrap_or_else(|| b.last_name.clone()),
        first_name: first_name.unwrap_or_else(|| b.first_name.clone()),
        mobile: mobile.unwrap_or_else(|| b.mobile.clone()),
        email: email.unwrap_or_else(|| b.email.clone()),
    };
    let after = ctx.app.update_tiers(&ctx.caller, id, &details).await?;
    if ctx.json {
        return output::json(ctx.out, &after);
    }
    if after.details == before.details {
        writeln!(
            ctx.out,
            "No change: {} already has these details.",
            after.full_name()
        )?;
    } else {
        writeln!(ctx.out, "Changed {} ({}).", after.full_name(), after.id)?;
    }
    people_table(std::slice::from_ref(&after)).write(ctx.out, 0)?;
    Ok(())
}
