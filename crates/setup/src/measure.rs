//! What the measuring binaries (`oms-bench`, `oms-load`) seed and share: the catalogue and
//! customers orders are placed against, a run tag, and the pseudo-random picks that make
//! a run repeatable.

use app::parties::NewCustomer;
use app::{App, Caller};
use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
use domain::ids::{AdresseId, ArticleId, TiersId};
use domain::money::{Quantity, UnitPrice};
use domain::party::{
    AddressLines, AdresseDetails, CompanyName, CountryCode, Email, PersonName, PostalCode,
    TiersDetails, Town,
};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use rust_decimal::Decimal;

/// The stock each seeded article starts with: more than any run takes.
const STOCK: u32 = 1_000_000_000;

/// What orders are placed against.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The articles, in the order they were created.
    pub articles: Vec<ArticleId>,
    /// The customers, each with their address.
    pub customers: Vec<(TiersId, AdresseId)>,
}

/// A small pseudo-random generator (splitmix64): the measures must not depend on a crate
/// for picking articles, and the same number always picks the same ones.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A number of this run (0 to 999 999), different from one run to the next: names carry
/// it, so the same database can be measured again.
pub fn run_tag() -> u64 {
    mix(u64::from(std::process::id()) ^ now_nanos()) % 1_000_000
}

/// The clock's low bits, which vary from one call to the next.
pub fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            u64::try_from(d.as_nanos() % u128::from(u64::MAX)).unwrap_or(0)
        })
}

/// Seeds, through the use cases: the online site, two VAT rates, `articles` articles with
/// a huge stock (one in four at the reduced rate) and `customers` customers with an
/// address. References and emails carry `tag`.
///
/// # Errors
/// What the use cases refuse, as text.
pub async fn seed(app: &App, tag: &str, articles: u32, customers: u32) -> Result<Seeded, String> {
    let system = Caller::system();
    let e = |e: app::AppError| e.to_string();
    let v = |e: domain::ValueError| e.to_string();
    let site_name = CompanyName::new("Boutique en ligne").map_err(v)?;
    app.ensure_site(&system, &app.settings().online_site, &site_name)
        .await
        .map_err(e)?;
    for (code, rate, default) in [
        ("NORMAL", Decimal::from(20), true),
        ("REDUIT", Decimal::new(55, 1), false),
    ] {
        app.save_vat_code(
            &system,
            &VatCode {
                code: VatCodeId::new(code).map_err(v)?,
                label: VatLabel::new(code).map_err(v)?,
                rate: VatRate::new(rate).map_err(v)?,
                is_default: default,
            },
        )
        .await
        .map_err(e)?;
    }
    let mut seeded = Seeded {
        articles: Vec::new(),
        customers: Vec::new(),
    };
    for i in 0..articles {
        let details = ArticleDetails {
            reference: ArticleReference::new(&format!("{tag}-{i}")).map_err(v)?,
            designation: Designation::new(&format!("Article de mesure {i}")).map_err(v)?,
            unit_price: UnitPrice::new(Decimal::new(i64::from(100 + i * 7), 2)).map_err(v)?,
            vat_code: if i % 4 == 0 {
                Some(VatCodeId::new("REDUIT").map_err(v)?)
            } else {
                None
            },
            min_quantity: Quantity::new(1).map_err(v)?,
            max_per_order: None,
        };
        let article = app
            .create_article(&system, &details, STOCK)
            .await
            .map_err(e)?;
        seeded.articles.push(article.id);
    }
    for i in 0..customers {
        let registered = app
            .register_customer(
                &system,
                &NewCustomer {
                    details: TiersDetails {
                        last_name: PersonName::new(&format!("Client{i}")).map_err(v)?,
                        first_name: Some(PersonName::new("Mesure").map_err(v)?),
                        mobile: None,
                        email: Some(Email::new(&format!("client{i}-{tag}@example.fr")).map_err(v)?),
                    },
                    company: None,
                    address: AdresseDetails {
                        lines: AddressLines::new(&format!("{i} rue de la Mesure")).map_err(v)?,
                        postal_code: PostalCode::new("69003").map_err(v)?,
                        town: Town::new("Lyon").map_err(v)?,
                        country: CountryCode::france(),
                        access_notes: None,
                        landline: None,
                        bank_details: None,
                    },
                },
            )
            .await
            .map_err(e)?;
        seeded
            .customers
            .push((registered.tiers.id, registered.adresse.id));
    }
    Ok(seeded)
}
