use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::AdresseId;
use crate::party::PhoneNumber;
use crate::text::bounded_text;
use crate::ValueError;

bounded_text!(
    /// The street lines of an address (détail adresse), one or several lines.
    AddressLines,
    "the address lines",
    300
);
bounded_text!(
    /// A town (lieu postal).
    Town,
    "a town",
    100
);

/// A postal code: 2 to 10 letters, digits, spaces or hyphens; five digits in France.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);

impl PostalCode {
    /// Builds a postal code, in upper case.
    ///
    /// # Errors
    /// [`ValueError::Malformed`] when it does not have the form above.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = (2..=10).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
        if !ok {
            return Err(ValueError::malformed(
                "a postal code",
                raw,
                "2 to 10 letters or digits, such as 75001",
            ));
        }
        Ok(PostalCode(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PostalCode {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        PostalCode::new(&raw)
    }
}

impl From<PostalCode> for String {
    fn from(code: PostalCode) -> String {
        code.0
    }
}

impl std::fmt::Display for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A country as its ISO 3166-1 alpha-2 code (`FR`), as invoices need it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    /// Builds a country code from two letters, in either case.
    ///
    /// # Errors
    /// [`ValueError::Malformed`] unless it is two ASCII letters.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValueError::malformed(
                "a country code",
                raw,
                "two letters (ISO 3166-1), such as FR",
            ));
        }
        Ok(CountryCode(code))
    }

    /// France.
    pub fn france() -> Self {
        CountryCode("FR".to_owned())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        CountryCode::new(&raw)
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> String {
        code.0
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What describes an address, as entered or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdresseDetails {
    /// Street lines.
    pub lines: AddressLines,
    /// Postal code.
    pub postal_code: PostalCode,
    /// Town.
    pub town: Town,
    /// Country; France when not given.
    pub country: CountryCode,
    /// Access remarks (door code, floor, opening hours).
    pub access_notes: Option<AddressLines>,
    /// Landline at this address.
    pub landline: Option<PhoneNumber>,
    /// Bank details attached to the address (adresse bancaire).
    pub bank_details: Option<AddressLines>,
}

/// An address, shared many-to-many with companies and people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adresse {
    /// Its id.
    pub id: AdresseId,
    /// Its content.
    #[serde(flatten)]
    pub details: AdresseDetails,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl AdresseDetails {
    /// The address on one line, as shown in lists.
    pub fn one_line(&self) -> String {
        format!(
            "{}, {} {}",
            self.lines.as_str().replace('\n', ", "),
            self.postal_code,
            self.town
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_and_country_codes() {
        assert_eq!(PostalCode::new(" 75001 ").unwrap().as_str(), "75001");
        assert_eq!(PostalCode::new("sw1a 1aa").unwrap().as_str(), "SW1A 1AA");
        assert!(PostalCode::new("7").is_err());
        assert!(PostalCode::new("75001;DROP").is_err());
        assert_eq!(CountryCode::new("fr").unwrap(), CountryCode::france());
        assert!(CountryCode::new("FRA").is_err());
    }
}
