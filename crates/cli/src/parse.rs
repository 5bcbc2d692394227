//! Reading command-line values into the domain's checked types. Each function is a clap
//! value parser: a value that does not fit is refused by clap with exit status 2, naming
//! the argument and saying what is accepted.

use domain::catalogue::{ArticleReference, Designation};
use domain::ids::{AdresseId, SocieteId};
use domain::money::{parse_decimal, Amount, Quantity, UnitPrice};
use domain::order::{OrderNumber, OrderSource, OrderState, Reason, SiteCode};
use domain::party::{
    AddressLines, CompanyName, CountryCode, Email, PersonName, PhoneNumber, PostalCode, Role, Town,
};
use domain::vat::{VatCodeId, VatLabel, VatRate};
use domain::ValueError;
use time::macros::format_description;
use time::Date;

use crate::errors::CliError;

fn checked<T>(result: Result<T, ValueError>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}

pub(crate) fn order_number(s: &str) -> Result<OrderNumber, String> {
    checked(OrderNumber::parse(s))
}

pub(crate) fn state(s: &str) -> Result<OrderState, String> {
    OrderState::parse(s)
        .ok_or_else(|| "expected one of draft, validated, fulfilled, cancelled, deleted".to_owned())
}

pub(crate) fn source(s: &str) -> Result<OrderSource, String> {
    OrderSource::parse(&s.trim().to_ascii_lowercase())
        .ok_or_else(|| "expected one of online, site, phone, api".to_owned())
}

pub(crate) fn role(s: &str) -> Result<Role, String> {
    Role::parse(&s.trim().to_ascii_lowercase())
        .ok_or_else(|| "expected one of internal, customer, payer, recipient".to_owned())
}

pub(crate) fn date(s: &str) -> Result<Date, String> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| "expected a date written YYYY-MM-DD, such as 2026-05-12".to_owned())
}

pub(crate) fn site_code(s: &str) -> Result<SiteCode, String> {
    checked(SiteCode::new(s))
}

pub(crate) fn reference(s: &str) -> Result<ArticleReference, String> {
    checked(ArticleReference::new(s))
}

pub(crate) fn designation(s: &str) -> Result<Designation, String> {
    checked(Designation::new(s))
}

pub(crate) fn price(s: &str) -> Result<UnitPrice, String> {
    checked(parse_decimal(s.trim(), "a unit price").and_then(UnitPrice::new))
}

pub(crate) fn amount(s: &str) -> Result<Amount, String> {
    checked(parse_decimal(s.trim(), "an amount").and_then(Amount::new))
}

pub(crate) fn quantity(s: &str) -> Result<Quantity, String> {
    let n: u32 = s
        .trim()
        .parse()
        .map_err(|_| "expected a whole number from 1 to 1000000".to_owned())?;
    checked(Quantity::new(n))
}

pub(crate) fn vat_code(s: &str) -> Result<VatCodeId, String> {
    checked(VatCodeId::new(s))
}

pub(crate) fn vat_label(s: &str) -> Result<VatLabel, String> {
    checked(VatLabel::new(s))
}

pub(crate) fn vat_rate(s: &str) -> Result<VatRate, String> {
    checked(parse_decimal(s.trim(), "a VAT rate").and_then(VatRate::new))
}

pub(crate) fn reason(s: &str) -> Result<Reason, String> {
    checked(Reason::new(s))
}

pub(crate) fn email(s: &str) -> Result<Email, String> {
    checked(Email::new(s))
}

pub(crate) fn siren(s: &str) -> Result<domain::billing::Siren, String> {
    checked(domain::billing::Siren::new(s))
}

pub(crate) fn vat_number(s: &str) -> Result<domain::billing::VatNumber, String> {
    checked(domain::billing::VatNumber::new(s))
}

pub(crate) fn phone(s: &str) -> Result<PhoneNumber, String> {
    checked(PhoneNumber::new(s))
}

pub(crate) fn person_name(s: &str) -> Result<PersonName, String> {
    checked(PersonName::new(s))
}

pub(crate) fn company_name(s: &str) -> Result<CompanyName, String> {
    checked(CompanyName::new(s))
}

pub(crate) fn address_lines(s: &str) -> Result<AddressLines, String> {
    // "12 rue de la Paix\nBâtiment B" can be typed as "12 rue de la Paix|Bâtiment B".
    checked(AddressLines::new(&s.replace('|', "\n")))
}

pub(crate) fn postal_code(s: &str) -> Result<PostalCode, String> {
    checked(PostalCode::new(s))
}

pub(crate) fn town(s: &str) -> Result<Town, String> {
    checked(Town::new(s))
}

pub(crate) fn country(s: &str) -> Result<CountryCode, String> {
    checked(CountryCode::new(s))
}

pub(crate) fn societe_id(s: &str) -> Result<SocieteId, String> {
    checked(SocieteId::parse(s.trim()))
}

pub(crate) fn adresse_id(s: &str) -> Result<AdresseId, String> {
    checked(AdresseId::parse(s.trim()))
}

/// An optional field given on the command line to change it: absent keeps the value,
/// an empty text clears it, anything else is parsed.
pub(crate) fn clearable<T>(
    arg: &str,
    raw: Option<&String>,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<Option<T>>, CliError> {
    match raw {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(Some(None)),
        Some(text) => parse(text)
            .map(|value| Some(Some(value)))
            .map_err(|e| CliError::input("invalid_argument", format!("{arg}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_normalised() {
        assert_eq!(order_number("web-42").unwrap().to_string(), "WEB-000042");
        assert_eq!(state("validated").unwrap(), OrderState::Validated);
        assert!(state("shipped").is_err());
        assert_eq!(date("2026-05-12").unwrap().to_string(), "2026-05-12");
        assert!(date("12/05/2026").is_err());
        assert!(price("12,50").is_err());
        assert_eq!(price("12.50").unwrap().value().to_string(), "12.50");
        assert!(quantity("0").is_err());
        assert_eq!(
            clearable("--email", Some(&String::new()), email).unwrap(),
            Some(None)
        );
        assert!(clearable("--email", Some(&"x".to_owned()), email).is_err());
    }
}
