//! `oms-admin demo-data`: a small, realistic data set to try the product with: VAT codes
//! at several rates, two sites and an order taker, a parent company and its subsidiary,
//! customers with phone numbers, a catalogue, and a few orders (validated and drafts).
//! Running it again creates only what is missing: VAT codes, sites and articles are
//! looked up by code and reference, people by phone number; orders are placed only for
//! customers created in the same run.

use std::fmt::Display;

use app::catalogue::ArticleKey;
use app::orders::{LineRequest, OrderRequest, ShortagePolicy};
use app::parties::{LinkInput, NewCustomer, SocieteInput};
use clap::Args;
use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
use domain::ids::{AdresseId, SocieteId, TiersId};
use domain::money::{parse_decimal, Amount, Quantity, UnitPrice};
use domain::order::{OrderSource, SiteCode};
use domain::party::{
    AddressLines, AdresseDetails, CompanyName, CountryCode, Email, PersonName, PhoneNumber,
    PostalCode, Role, TiersDetails, Town,
};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use domain::ValueError;
use serde::Serialize;

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output;

/// Load a small demo data set (safe to run twice: what exists is skipped).
#[derive(Debug, Args)]
#[command(
    long_about = "Load a small, realistic data set: VAT codes at 20, 10, 5.5 and 2.1 %, the \
                  sites PAR and LYO with an order taker, a parent company and its subsidiary, \
                  three customers with phone numbers, nine articles, and four orders (two \
                  validated, two drafts). What already exists (by VAT code, site code, \
                  reference, phone number) is skipped, so it can run twice.",
    after_help = "Example:\n  oms-admin demo-data && oms-admin orders search"
)]
pub(crate) struct DemoArgs {}

/// One thing demo-data created or found.
#[derive(Debug, Serialize)]
struct Item {
    kind: &'static str,
    key: String,
    created: bool,
}

#[derive(Debug, Default, Serialize)]
struct Report {
    items: Vec<Item>,
}

impl Report {
    fn note(&mut self, kind: &'static str, key: impl Display, created: bool) {
        self.items.push(Item {
            kind,
            key: key.to_string(),
            created,
        });
    }
}

fn ok<T>(value: Result<T, ValueError>) -> Result<T, CliError> {
    value.map_err(|e| CliError::failure("internal", format!("a demo value is invalid: {e}")))
}

fn decimal(text: &str) -> Result<rust_decimal::Decimal, CliError> {
    ok(parse_decimal(text, "a demo number"))
}

const VAT: [(&str, &str, &str, bool); 4] = [
    ("NORMAL", "Taux normal", "20", true),
    ("INTER", "Taux intermédiaire", "10", false),
    ("REDUIT", "Taux réduit", "5.5", false),
    ("PARTIC", "Taux particulier", "2.1", false),
];

const SITES: [(&str, &str, &str); 2] = [
    ("PAR", "Agence Paris Bastille", "agence.paris@example.fr"),
    ("LYO", "Agence Lyon Part-Dieu", "agence.lyon@example.fr"),
];

/// reference, designation, price, VAT code, minimum, maximum per order, stock.
type ArticleRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    u32,
    Option<u32>,
    u32,
);

const ARTICLES: [ArticleRow; 9] = [
    (
        "VIS-M6",
        "Vis M6 x 40, boîte de 100",
        "8.90",
        Some("NORMAL"),
        1,
        Some(50),
        250,
    ),
    (
        "PERC-18V",
        "Perceuse sans fil 18 V",
        "129.00",
        Some("NORMAL"),
        1,
        Some(5),
        12,
    ),
    (
        "GANTS-T9",
        "Gants de manutention, taille 9",
        "4.50",
        Some("NORMAL"),
        1,
        None,
        300,
    ),
    (
        "CASQUE-CH",
        "Casque de chantier",
        "19.90",
        Some("NORMAL"),
        1,
        None,
        40,
    ),
    (
        "LIVRE-BRICO",
        "Le guide du bricolage (livre)",
        "24.00",
        Some("REDUIT"),
        1,
        None,
        30,
    ),
    (
        "CAFE-1KG",
        "Café en grains, 1 kg",
        "15.60",
        Some("REDUIT"),
        1,
        Some(10),
        60,
    ),
    (
        "POSE-HEURE",
        "Pose et installation, l'heure",
        "45.00",
        Some("INTER"),
        2,
        None,
        1000,
    ),
    (
        "PRESSE-HEBDO",
        "Hebdomadaire du bâtiment",
        "3.20",
        Some("PARTIC"),
        1,
        None,
        100,
    ),
    (
        "SAC-CIMENT",
        "Ciment gris, sac de 35 kg",
        "9.80",
        None,
        2,
        Some(40),
        3,
    ),
];

/// first name, last name, mobile, email, company, address lines, postal code, town.
struct Person {
    first: &'static str,
    last: &'static str,
    mobile: &'static str,
    email: &'static str,
    company: Option<&'static str>,
    lines: &'static str,
    postal: &'static str,
    town: &'static str,
}

const ELODIE: Person = Person {
    first: "Élodie",
    last: "Durand",
    mobile: "06 12 34 56 78",
    email: "elodie.durand@example.fr",
    company: Some("Durand Bâtiment Sud"),
    lines: "12 rue de la République",
    postal: "13001",
    town: "Marseille",
};

const FRANCOIS: Person = Person {
    first: "François",
    last: "Lefèvre",
    mobile: "07 98 76 54 32",
    email: "francois.lefevre@example.fr",
    company: None,
    lines: "8 place Bellecour",
    postal: "69002",
    town: "Lyon",
};

const ZOE: Person = Person {
    first: "Zoé",
    last: "Nguyen",
    mobile: "06 55 44 33 22",
    email: "zoe.nguyen@example.fr",
    company: None,
    lines: "27 avenue Jean Jaurès\nBâtiment C",
    postal: "31000",
    town: "Toulouse",
};

const ORDER_TAKER: (&str, &str, &str, &str) = (
    "Camille",
    "Martin",
    "06 10 20 30 40",
    "camille.martin@example.fr",
);

pub(crate) async fn run(_args: &DemoArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let mut report = Report::default();
    vat_codes(ctx, &mut report).await?;
    let sites = sites(ctx, &mut report).await?;
    articles(ctx, &mut report).await?;
    order_taker(ctx, &mut report, sites.first().copied()).await?;

    let group = CompanyName::new("Groupe Durand Distribution");
    let elodie = customer(ctx, &mut report, &ELODIE).await?;
    if let Some((elodie, _)) = elodie {
        // The customer's company becomes the subsidiary of a group, which pays for it.
        let view = ctx.app.tiers(&ctx.caller, elodie).await?;
        if let Some((_, subsidiary)) = view.companies.first() {
            let parent = ctx
                .app
                .create_societe(
                    &ctx.caller,
                    &SocieteInput {
                        name: ok(group)?,
                        parent: None,
                        site_code: None,
                        email: Some(ok(Email::new("compta@durand-groupe.example.fr"))?),
                        siren: None,
                        vat_number: None,
                    },
                )
                .await?;
            report.note("company", &parent.name, true);
            let input = SocieteInput {
                parent: Some(parent.id),
                name: subsidiary.name.clone(),
                site_code: None,
                email: subsidiary.email.clone(),
                siren: None,
                vat_number: None,
            };
            ctx.app
                .update_societe(&ctx.caller, subsidiary.id, &input)
                .await?;
            report.note(
                "subsidiary",
                format!("{} of {}", subsidiary.name, parent.name),
                true,
            );
            ctx.app
                .link(
                    &ctx.caller,
                    LinkInput::SocieteTiers(parent.id, elodie),
                    Role::Payer,
                )
                .await?;
        }
    }
    let francois = customer(ctx, &mut report, &FRANCOIS).await?;
    let zoe = customer(ctx, &mut report, &ZOE).await?;

    if let Some((who, address)) = elodie {
        let lines = [
            ("VIS-M6", 10, "0"),
            ("GANTS-T9", 4, "2.00"),
            ("POSE-HEURE", 3, "0"),
        ];
        order(
            ctx,
            &mut report,
            who,
            address,
            &lines,
            Placement::Validated("PAR", OrderSource::Phone),
            "10.00",
        )
        .await?;
        let lines = [("SAC-CIMENT", 2, "0")];
        order(
            ctx,
            &mut report,
            who,
            address,
            &lines,
            Placement::Draft("PAR", OrderSource::Site),
            "0",
        )
        .await?;
    }
    if let Some((who, address)) = francois {
        let lines = [
            ("LIVRE-BRICO", 1, "0"),
            ("CAFE-1KG", 2, "0"),
            ("CASQUE-CH", 1, "0"),
        ];
        order(
            ctx,
            &mut report,
            who,
            address,
            &lines,
            Placement::Online,
            "0",
        )
        .await?;
    }
    if let Some((who, address)) = zoe {
        let lines = [("PERC-18V", 1, "0"), ("PRESSE-HEBDO", 2, "0")];
        order(
            ctx,
            &mut report,
            who,
            address,
            &lines,
            Placement::Draft("LYO", OrderSource::Phone),
            "0",
        )
        .await?;
    }
    write_report(ctx, &report)
}

async fn vat_codes(ctx: &mut Ctx<'_>, report: &mut Report) -> Result<(), CliError> {
    let existing = ctx.app.vat_codes().await?;
    for (code, label, rate, is_default) in VAT {
        let code = ok(VatCodeId::new(code))?;
        if existing.iter().any(|c| c.code == code) {
            report.note("VAT code", &code, false);
            continue;
        }
        let vat = VatCode {
            code: code.clone(),
            label: ok(VatLabel::new(label))?,
            rate: ok(VatRate::new(decimal(rate)?))?,
            is_default: is_default && !existing.iter().any(|c| c.is_default),
        };
        ctx.app.save_vat_code(&ctx.caller, &vat).await?;
        report.note("VAT code", format!("{code} ({rate} %)"), true);
    }
    Ok(())
}

async fn sites(ctx: &mut Ctx<'_>, report: &mut Report) -> Result<Vec<SocieteId>, CliError> {
    let existing = ctx.app.sites(&ctx.caller).await?;
    let mut ids = Vec::new();
    for (code, name, email) in SITES {
        let code = ok(SiteCode::new(code))?;
        if let Some(site) = existing
            .iter()
            .find(|s| s.site_code.as_ref() == Some(&code))
        {
            report.note("site", &code, false);
            ids.push(site.id);
            continue;
        }
        let input = SocieteInput {
            name: ok(CompanyName::new(name))?,
            parent: None,
            site_code: Some(code.clone()),
            email: Some(ok(Email::new(email))?),
            siren: None,
            vat_number: None,
        };
        let site = ctx.app.create_societe(&ctx.caller, &input).await?;
        report.note("site", format!("{code} {name}"), true);
        ids.push(site.id);
    }
    Ok(ids)
}

async fn articles(ctx: &mut Ctx<'_>, report: &mut Report) -> Result<(), CliError> {
    for (reference, designation, price, vat, min, max, stock) in ARTICLES {
        let reference = ok(ArticleReference::new(reference))?;
        let key = ArticleKey::Reference(reference.clone());
        match ctx.app.article(&key).await {
            Ok(_) => {
                report.note("article", &reference, false);
                continue;
            }
            Err(app::AppError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let details = ArticleDetails {
            reference: reference.clone(),
            designation: ok(Designation::new(designation))?,
            unit_price: ok(UnitPrice::new(decimal(price)?))?,
            vat_code: vat
                .map(VatCodeId::new)
                .transpose()
                .map_err(|e| CliError::failure("internal", e.to_string()))?,
            min_quantity: ok(Quantity::new(min))?,
            max_per_order: max
                .map(Quantity::new)
                .transpose()
                .map_err(|e| CliError::failure("internal", e.to_string()))?,
        };
        ctx.app.create_article(&ctx.caller, &details, stock).await?;
        report.note("article", &reference, true);
    }
    Ok(())
}

async fn order_taker(
    ctx: &mut Ctx<'_>,
    report: &mut Report,
    site: Option<SocieteId>,
) -> Result<(), CliError> {
    let (first, last, mobile, email) = ORDER_TAKER;
    let phone = ok(PhoneNumber::new(mobile))?;
    if !ctx
        .app
        .find_customers_by_phone(&ctx.caller, &phone)
        .await?
        .is_empty()
    {
        report.note("order taker", format!("{first} {last}"), false);
        return Ok(());
    }
    let details = TiersDetails {
        last_name: ok(PersonName::new(last))?,
        first_name: Some(ok(PersonName::new(first))?),
        mobile: Some(phone),
        email: Some(ok(Email::new(email))?),
    };
    let tiers = ctx.app.create_tiers(&ctx.caller, &details).await?;
    if let Some(site) = site {
        ctx.app
            .link(
                &ctx.caller,
                LinkInput::SocieteTiers(site, tiers.id),
                Role::Internal,
            )
            .await?;
    }
    report.note("order taker", format!("{first} {last} at PAR"), true);
    Ok(())
}

/// Registers a customer unless someone has their phone number; gives the new customer
/// and their address.
async fn customer(
    ctx: &mut Ctx<'_>,
    report: &mut Report,
    person: &Person,
) -> Result<Option<(TiersId, AdresseId)>, CliError> {
    let phone = ok(PhoneNumber::new(person.mobile))?;
    let name = format!("{} {}", person.first, person.last);
    if !ctx
        .app
        .find_customers_by_phone(&ctx.caller, &phone)
        .await?
        .is_empty()
    {
        report.note("customer", name, false);
        return Ok(None);
    }
    let new = NewCustomer {
        details: TiersDetails {
            last_name: ok(PersonName::new(person.last))?,
            first_name: Some(ok(PersonName::new(person.first))?),
            mobile: Some(phone),
            email: Some(ok(Email::new(person.email))?),
        },
        company: person
            .company
            .map(CompanyName::new)
            .transpose()
            .map_err(|e| CliError::failure("internal", e.to_string()))?,
        address: AdresseDetails {
            lines: ok(AddressLines::new(person.lines))?,
            postal_code: ok(PostalCode::new(person.postal))?,
            town: ok(Town::new(person.town))?,
            country: CountryCode::france(),
            access_notes: None,
            landline: None,
            bank_details: None,
        },
    };
    let registered = ctx.app.register_customer(&ctx.caller, &new).await?;
    report.note(
        "customer",
        format!("{name} ({})", registered.tiers.id),
        true,
    );
    Ok(Some((registered.tiers.id, registered.adresse.id)))
}

/// How a demo order is placed.
enum Placement {
    /// Placed online and validated at once.
    Online,
    /// Taken at a site and validated.
    Validated(&'static str, OrderSource),
    /// Taken at a site, left a draft.
    Draft(&'static str, OrderSource),
}

async fn order(
    ctx: &mut Ctx<'_>,
    report: &mut Report,
    customer: TiersId,
    address: AdresseId,
    lines: &[(&str, u32, &str)],
    placement: Placement,
    discount: &str,
) -> Result<(), CliError> {
    let mut requests = Vec::new();
    for (reference, quantity, line_discount) in lines {
        requests.push(LineRequest {
            article: ArticleKey::Reference(ok(ArticleReference::new(reference))?),
            quantity: ok(Quantity::new(*quantity))?,
            discount: ok(Amount::new(decimal(line_discount)?))?,
        });
    }
    let (site, source) = match placement {
        Placement::Online => (None, OrderSource::Online),
        Placement::Validated(site, source) | Placement::Draft(site, source) => {
            (Some(ok(SiteCode::new(site))?), source)
        }
    };
    let request = OrderRequest {
        customer,
        payer: None,
        recipient: None,
        delivery_address: address,
        billing_address: None,
        lines: requests,
        global_discount: ok(Amount::new(decimal(discount)?))?,
        source,
        site,
        on_shortage: ShortagePolicy::Refuse,
    };
    let order = match placement {
        Placement::Draft(..) => ctx.app.create_draft(&ctx.caller, &request).await?,
        Placement::Online | Placement::Validated(..) => {
            let placed = ctx.app.place_order(&ctx.caller, &request, None).await?;
            placed.order
        }
    };
    report.note(
        "order",
        format!(
            "{} {} ({})",
            order.number(),
            order.state(),
            output::money(order.pricing().total_ttc)
        ),
        true,
    );
    Ok(())
}

fn write_report(ctx: &mut Ctx<'_>, report: &Report) -> Result<(), CliError> {
    if ctx.json {
        return output::json(ctx.out, report);
    }
    let created = report.items.iter().filter(|i| i.created).count();
    writeln!(ctx.out, "Demo data in {}:", ctx.database)?;
    for item in &report.items {
        let what = if item.created { "created" } else { "exists " };
        writeln!(ctx.out, "  {what}  {} {}", item.kind, item.key)?;
    }
    writeln!(
        ctx.out,
        "{created} created, {} already there.\nTry: oms-admin orders search, oms-admin customers find 'elodie'",
        report.items.len() - created
    )?;
    Ok(())
}
