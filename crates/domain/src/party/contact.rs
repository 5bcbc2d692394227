use serde::{Deserialize, Serialize};

use crate::ValueError;

/// An email address, kept in lower case so that lookups match however it was typed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Builds an email address: one `@`, a local part of 1 to 64 characters without spaces,
    /// a domain of dot-separated labels (letters, digits, hyphens), 254 characters at most.
    ///
    /// # Errors
    /// [`ValueError`] saying what is wrong.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "an email address";
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(ValueError::Empty { what: WHAT });
        }
        if email.chars().count() > 254 {
            return Err(ValueError::TooLong {
                what: WHAT,
                len: email.chars().count(),
                max: 254,
            });
        }
        let expected = "a single '@' between a name and a domain, such as marie.dupont@example.fr";
        let Some((local, domain)) = email.split_once('@') else {
            return Err(ValueError::malformed(WHAT, raw, expected));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[],;:\\\"".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(ValueError::malformed(WHAT, raw, expected));
        }
        Ok(Email(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Email::new(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number, kept in international form (E.164: `+33612345678`) so that a number
/// typed `06 12 34 56 78`, `06.12.34.56.78` or `+33 (0)6 12 34 56 78` is found as one.
/// French national numbers (ten digits starting with 0) are read as +33.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Builds a phone number from what a person typed.
    ///
    /// # Errors
    /// [`ValueError`] when it is not a French national number nor an international one
    /// (`+` or `00`, then 8 to 15 digits).
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "a phone number";
        let expected = "a French number such as 06 12 34 56 78, or an international one such as +32 2 123 45 67";
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValueError::Empty { what: WHAT });
        }
        // "+33 (0)6 ..." is a common way of writing the national prefix that is dropped.
        let without_trunk = trimmed.replace("(0)", "");
        let mut digits = String::new();
        let mut plus = false;
        for (i, c) in without_trunk.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                ' ' | '.' | '-' | '(' | ')' | '/' => {}
                _ => return Err(ValueError::malformed(WHAT, raw, expected)),
            }
        }
        let international = if plus {
            Some(digits.as_str())
        } else {
            digits.strip_prefix("00")
        };
        let e164 = match international {
            Some(rest) if (8..=15).contains(&rest.len()) && !rest.starts_with('0') => {
                format!("+{rest}")
            }
            None if digits.len() == 10 && digits.starts_with('0') => {
                format!("+33{}", &digits[1..])
            }
            _ => return Err(ValueError::malformed(WHAT, raw, expected)),
        };
        Ok(PhoneNumber(e164))
    }

    /// The number in international form, `+33612345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as French people write it (`06 12 34 56 78`) when it is French, else the
    /// international form.
    pub fn national(&self) -> String {
        match self.0.strip_prefix("+33") {
            Some(rest) if rest.len() == 9 => {
                let digits = format!("0{rest}");
                digits
                    .as_bytes()
                    .chunks(2)
                    .map(|pair| String::from_utf8_lossy(pair).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            _ => self.0.clone(),
        }
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        PhoneNumber::new(&raw)
    }
}

impl From<PhoneNumber> for String {
    fn from(phone: PhoneNumber) -> String {
        phone.0
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::new(" Marie.Dupont@Example.FR ").unwrap().as_str(),
            "marie.dupont@example.fr"
        );
        for bad in [
            "",
            "marie",
            "marie@",
            "@example.fr",
            "marie@example",
            "ma rie@example.fr",
            "marie@@example.fr",
            "marie@exa_mple.fr",
            "marie@-example.fr",
            ".m@example.fr",
        ] {
            assert!(Email::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phone_numbers_are_normalised() {
        for typed in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "0033612345678",
        ] {
            assert_eq!(
                PhoneNumber::new(typed).unwrap().as_str(),
                "+33612345678",
                "{typed}"
            );
        }
        assert_eq!(
            PhoneNumber::new("+32 2 123 45 67").unwrap().as_str(),
            "+3221234567"
        );
        assert_eq!(
            PhoneNumber::new("0612345678").unwrap().national(),
            "06 12 34 56 78"
        );
        for bad in [
            "",
            "12",
            "061234567",
            "06123456789",
            "+0612345678",
            "06 12 ab 56 78",
            "6+12345678",
        ] {
            assert!(PhoneNumber::new(bad).is_err(), "{bad:?} accepted");
        }
    }
}
