//! A card number as typed by a customer: checked for its form, passed on to the card
//! processor, never stored and never printed whole.

use crate::ValueError;

/// A card number (PAN): 12 to 19 digits passing the Luhn check, typed with or without
/// spaces and hyphens. Its `Debug` and `Display` show only its last four digits, so that a
/// log line or an error message never carries a whole card number.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    /// Reads a card number, ignoring spaces and hyphens between digits.
    ///
    /// # Errors
    /// [`ValueError::Malformed`] when it holds anything else than digits, has fewer than 12
    /// or more than 19 of them, or fails the Luhn check (a digit mistyped). The message
    /// never repeats the number.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let malformed = |expected| ValueError::Malformed {
            what: "a card number",
            value: String::from("(not shown)"),
            expected,
        };
        let digits: String = raw
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed("only digits, spaces and hyphens"));
        }
        if !(12..=19).contains(&digits.len()) {
            return Err(malformed("12 to 19 digits"));
        }
        if !luhn(&digits) {
            return Err(malformed(
                "a card number whose check digit matches (a digit may be mistyped)",
            ));
        }
        Ok(CardNumber(digits))
    }

    /// The digits, for the card processor only.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The last four digits, which may be shown.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

/// The Luhn check every card number passes.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber(**** {})", self.last4())
    }
}

impl std::fmt::Display for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "**** {}", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_as_typed() {
        let card = CardNumber::new(" 4242 4242-4242 4242 ").unwrap();
        assert_eq!(card.digits(), "4242424242424242");
        assert_eq!(card.last4(), "4242");
        assert!(CardNumber::new("4000000000000002").is_ok());
    }

    #[test]
    fn refuses_what_is_not_a_card_number_without_repeating_it() {
        for bad in [
            "",
            "4242",
            "4242424242424241",
            "4242x42424242424",
            "42424242424242424242",
        ] {
            let err = CardNumber::new(bad).unwrap_err();
            assert!(!err.to_string().contains("4242424"), "{err}");
        }
    }

    #[test]
    fn never_prints_the_whole_number() {
        let card = CardNumber::new("4242424242424242").unwrap();
        assert_eq!(card.to_string(), "**** 4242");
        assert_eq!(format!("{card:?}"), "CardNumber(**** 4242)");
    }
}
