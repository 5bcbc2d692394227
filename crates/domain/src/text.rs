//! Bounded, trimmed texts and the search key used to find names regardless of case and
//! accents.

use crate::ValueError;

/// Cuts a value to a length fit for an error message.
pub(crate) fn excerpt(value: &str) -> String {
    const MAX: usize = 64;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

/// Trims `raw` and checks it is non-empty, at most `max` characters and free of control
/// characters. Shared by every text newtype.
pub(crate) fn bounded(raw: &str, what: &'static str, max: usize) -> Result<String, ValueError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(ValueError::Empty { what });
    }
    let len = value.chars().count();
    if len > max {
        return Err(ValueError::TooLong { what, len, max });
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValueError::malformed(
            what,
            value,
            "control characters are not allowed",
        ));
    }
    Ok(value.to_owned())
}

/// Declares a text newtype: trimmed, non-empty, bounded in length, immutable once built.
macro_rules! bounded_text {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The longest accepted value, in characters.
            pub const MAX_LEN: usize = $max;

            /// Builds the value from a text, trimmed.
            ///
            /// # Errors
            /// [`ValueError`](crate::ValueError) when the text is empty, too long or holds
            /// control characters.
            pub fn new(raw: &str) -> Result<Self, crate::ValueError> {
                crate::text::bounded(raw, $what, $max).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::ValueError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::new(&raw)
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
pub(crate) use bounded_text;

/// The key under which a name is searched: lower case, accents removed, runs of spaces,
/// hyphens and apostrophes folded into one space. "Léa  D'Argent-Müller" and
/// "lea d argent muller" have the same key.
pub fn search_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if !c.is_alphanumeric() {
            pending_space = true;
            continue;
        }
        if pending_space && !key.is_empty() {
            key.push(' ');
        }
        pending_space = false;
        match fold_accent(c) {
            Some(folded) => key.push_str(folded),
            None => key.push(c),
        }
    }
    key
}

/// The unaccented form of a lower-case accented letter of the Latin alphabets used in
/// France and its neighbours; `None` for any other character, which is kept as it is.
fn fold_accent(c: char) -> Option<&'static str> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_key_ignores_case_accents_and_punctuation() {
        assert_eq!(search_key("  Léa  D'Argent-Müller "), "lea d argent muller");
        assert_eq!(search_key("ÉLODIE Œuvray"), "elodie oeuvray");
        assert_eq!(search_key("François"), search_key("FRANCOIS"));
    }

    #[test]
    fn bounded_text_refuses_empty_long_and_control() {
        assert!(matches!(
            bounded("  ", "x", 5),
            Err(ValueError::Empty { .. })
        ));
        assert!(matches!(
            bounded("abcdef", "x", 5),
            Err(ValueError::TooLong { len: 6, .. })
        ));
        assert!(matches!(
            bounded("a\u{0}b", "x", 5),
            Err(ValueError::Malformed { .. })
        ));
        assert_eq!(bounded(" ab ", "x", 5).unwrap(), "ab");
    }
}
