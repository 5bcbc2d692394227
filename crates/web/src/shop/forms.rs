//! What the forms share: a field's error shown next to it, and the parsing of the values
//! the domain checks.

use domain::money::Quantity;

use crate::words;

/// An error to show next to a field of a form.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's name in the form.
    pub field: &'static str,
    /// What is wrong, in French.
    pub message: String,
}

/// The errors of a form, field by field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    /// Records an error for a field.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The error of a field, if any (askama calls it).
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Parses a field with the domain's constructor, keeping its error under its label.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        domain_name: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(err) => {
                self.add(
                    field,
                    format!("{} invalide ({err}).", words::field_label(domain_name)),
                );
                None
            }
        }
    }
}

/// A quantity typed in a form: a whole number of at least 1 (the domain's bounds).
pub fn quantity(text: &str) -> Option<Quantity> {
    text.trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| Quantity::new(n).ok())
}

/// A reference as part of an address: `/` and anything but letters, digits, `-`, `_`, `.`
/// percent-encoded.
pub fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A text for a query string (`q=`), percent-encoded.
pub fn query_value(text: &str) -> String {
    path_segment(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_segments() {
        assert_eq!(quantity(" 3 ").map(Quantity::get), Some(3));
        assert!(quantity("0").is_none());
        assert!(quantity("-1").is_none());
        assert!(quantity("2,5").is_none());
        assert_eq!(path_segment("VIS/M6 x"), "VIS%2FM6%20x");
    }
}
