//! The identifiers French invoices carry: SIREN, SIRET and intra-community VAT number, and
//! the selling company's legal identity.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ValueError;

/// Whether a string of digits passes the Luhn check, as SIREN and SIRET numbers do.
fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Digits only, with the spaces people write between groups removed.
fn compact(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

macro_rules! identifier {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The identifier, without spaces.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                $name::new(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// A company's SIREN: 9 digits passing the Luhn check.
    Siren
);

impl Siren {
    /// Reads a SIREN; spaces are ignored.
    ///
    /// # Errors
    /// [`ValueError`] unless 9 digits passing the Luhn check.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let value = compact(raw);
        if value.len() != 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::malformed("a SIREN", raw, "9 digits"));
        }
        if !luhn_ok(&value) {
            return Err(ValueError::malformed(
                "a SIREN",
                raw,
                "its check digit is wrong (Luhn)",
            ));
        }
        Ok(Siren(value))
    }
}

identifier!(
    /// An establishment's SIRET: its company's SIREN then 5 digits, passing the Luhn check.
    Siret
);

impl Siret {
    /// Reads a SIRET; spaces are ignored.
    ///
    /// # Errors
    /// [`ValueError`] unless 14 digits passing the Luhn check.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let value = compact(raw);
        if value.len() != 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::malformed("a SIRET", raw, "14 digits"));
        }
        if !luhn_ok(&value) {
            return Err(ValueError::malformed(
                "a SIRET",
                raw,
                "its check digit is wrong (Luhn)",
            ));
        }
        Ok(Siret(value))
    }

    /// The SIREN of the company the establishment belongs to.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

identifier!(
    /// An intra-community VAT number: a 2-letter country prefix and 2 to 13 letters or
    /// digits; a French one is `FR`, a 2-character key, then the SIREN.
    VatNumber
);

impl VatNumber {
    /// Reads a VAT number; spaces are ignored, letters are upper-cased.
    ///
    /// # Errors
    /// [`ValueError`] when the form is wrong, or for a French number, when its key does not
    /// match its SIREN.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "2 letters of a country then 2 to 13 letters or digits";
        let value = compact(raw).to_ascii_uppercase();
        let (country, rest) = value.split_at(value.len().min(2));
        if !country.bytes().all(|b| b.is_ascii_uppercase())
            || country.len() != 2
            || !(2..=13).contains(&rest.len())
            || !rest.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(ValueError::malformed("a VAT number", raw, EXPECTED));
        }
        if country == "FR" {
            let siren = rest.get(2..).unwrap_or_default();
            let key = rest.get(..2).unwrap_or_default();
            let numeric_key = key.parse::<u64>().ok();
            let siren_ok = Siren::new(siren).is_ok();
            let expected_key = siren.parse::<u64>().ok().map(|s| (12 + 3 * (s % 97)) % 97);
            // Keys with letters (new companies) are not checkable; numeric ones are.
            if !siren_ok || rest.len() != 11 {
                return Err(ValueError::malformed(
                    "a VAT number",
                    raw,
                    "a French one is FR, a 2-character key and the 9-digit SIREN",
                ));
            }
            if numeric_key.is_some() && numeric_key != expected_key {
                return Err(ValueError::malformed(
                    "a VAT number",
                    raw,
                    "its key does not match its SIREN",
                ));
            }
        }
        Ok(VatNumber(value))
    }

    /// The French VAT number of a SIREN: `FR`, the key `(12 + 3 x (SIREN mod 97)) mod 97`
    /// on two digits, and the SIREN.
    pub fn french(siren: &Siren) -> Self {
        let number: u64 = siren.0.parse().unwrap_or_default();
        VatNumber(format!("FR{:02}{}", (12 + 3 * (number % 97)) % 97, siren.0))
    }
}

/// A postal address as printed on a document: a snapshot, not a link to the address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    /// Street lines, at least one.
    pub lines: Vec<String>,
    /// Postal code.
    pub postal_code: String,
    /// Town.
    pub town: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

impl PostalAddress {
    /// The snapshot of an address of the address book.
    pub fn of(details: &crate::party::AdresseDetails) -> Self {
        PostalAddress {
            lines: details
                .lines
                .as_str()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            postal_code: details.postal_code.to_string(),
            town: details.town.to_string(),
            country: details.country.to_string(),
        }
    }
}

/// The selling company as its invoices name it: the legal mentions French law requires
/// (Code de commerce L441-9, CGI annexe II art. 242 nonies A), from configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    /// Its name (raison sociale).
    pub name: String,
    /// Its legal form (SAS, SARL, ...).
    pub legal_form: String,
    /// Its share capital, in euros.
    pub share_capital: Decimal,
    /// Its SIREN.
    pub siren: Siren,
    /// The SIRET of the establishment that invoices.
    pub siret: Siret,
    /// Its intra-community VAT number.
    pub vat_number: VatNumber,
    /// The town of its trade register (RCS), e.g. "Lyon".
    pub rcs_town: String,
    /// Its registered address.
    pub address: PostalAddress,
    /// The address customers write to, also the sender of its emails.
    pub email: String,
    /// Its phone number, if printed.
    pub phone: Option<String>,
    /// Its bank account (IBAN) for transfers, if printed.
    pub iban: Option<String>,
    /// Days between the issue of an invoice on account and its due date.
    pub payment_terms_days: u16,
    /// The yearly late-payment penalty rate, in percent (at least three times the legal
    /// interest rate).
    pub late_penalty_rate: Decimal,
}
