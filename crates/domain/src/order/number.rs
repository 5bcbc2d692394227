use serde::{Deserialize, Serialize};

use crate::ValueError;

/// A site's code: 2 to 8 upper-case letters or digits, starting with a letter (`PAR`,
/// `LYON2`, `WEB`). It starts every order number of the site, so that sites that are not
/// connected to each other in real time never hand out the same number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteCode(String);

impl SiteCode {
    /// Builds a site code; lower-case letters are taken as upper case.
    ///
    /// # Errors
    /// [`ValueError::Malformed`] when it does not have the form above.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = (2..=8).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && code.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
        if !ok {
            return Err(ValueError::malformed(
                "a site code",
                raw,
                "2 to 8 letters or digits starting with a letter, such as PAR",
            ));
        }
        Ok(SiteCode(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SiteCode {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        SiteCode::new(&raw)
    }
}

impl From<SiteCode> for String {
    fn from(code: SiteCode) -> String {
        code.0
    }
}

impl std::fmt::Display for SiteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An order number: the site's code and a number unique within the site, written
/// `PAR-000042` (at least six digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderNumber {
    site: SiteCode,
    sequence: u64,
}

impl OrderNumber {
    /// The largest number within a site.
    pub const MAX_SEQUENCE: u64 = 9_999_999_999;

    /// Builds the number of the `sequence`-th order of a site.
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] when `sequence` is 0 or above [`Self::MAX_SEQUENCE`].
    pub fn new(site: SiteCode, sequence: u64) -> Result<Self, ValueError> {
        if sequence == 0 || sequence > Self::MAX_SEQUENCE {
            return Err(ValueError::out_of_range(
                "an order sequence number",
                sequence,
                "from 1 to 9999999999",
            ));
        }
        Ok(OrderNumber { site, sequence })
    }

    /// Reads a number written `SITE-000042` (case and leading zeros do not matter).
    ///
    /// # Errors
    /// [`ValueError::Malformed`] when it does not have that form.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let malformed = || {
            ValueError::malformed(
                "an order number",
                text,
                "a site code, '-' and a number, such as PAR-000042",
            )
        };
        let (site, sequence) = text.trim().rsplit_once('-').ok_or_else(malformed)?;
        let site = SiteCode::new(site).map_err(|_| malformed())?;
        if sequence.is_empty()
            || sequence.len() > 10
            || !sequence.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let sequence = sequence.parse::<u64>().map_err(|_| malformed())?;
        OrderNumber::new(site, sequence)
    }

    /// The site's code.
    pub fn site(&self) -> &SiteCode {
        &self.site
    }

    /// The number within the site.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:06}", self.site, self.sequence)
    }
}

impl TryFrom<String> for OrderNumber {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        OrderNumber::parse(&text)
    }
}

impl From<OrderNumber> for String {
    fn from(number: OrderNumber) -> String {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_and_read_back() {
        let n = OrderNumber::new(SiteCode::new("par").unwrap(), 42).unwrap();
        assert_eq!(n.to_string(), "PAR-000042");
        assert_eq!(OrderNumber::parse("PAR-000042").unwrap(), n);
        assert_eq!(OrderNumber::parse("par-42").unwrap(), n);
        let big = OrderNumber::new(SiteCode::new("WEB").unwrap(), 12_345_678).unwrap();
        assert_eq!(OrderNumber::parse(&big.to_string()).unwrap(), big);
    }

    #[test]
    fn bad_numbers_are_refused() {
        for bad in [
            "",
            "PAR",
            "PAR-",
            "-42",
            "PAR-0",
            "P-1",
            "1PAR-1",
            "PAR-4a",
            "PAR-99999999999",
            "PAR--1",
        ] {
            assert!(OrderNumber::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
