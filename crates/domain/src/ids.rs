//! Typed identifiers. Each entity has its own id type, so an article id can never be
//! passed where an order id is expected. Ids are 128-bit values written as UUIDs
//! (`0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69`); the id source port decides how they are made
//! (time-ordered UUIDs in production, counters in tests).

use crate::ValueError;

/// Writes a 128-bit value as a hyphenated lower-case UUID.
fn format_uuid(value: u128, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let hex = format!("{value:032x}");
    write!(
        f,
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Reads a UUID, hyphenated or not, in either case.
pub(crate) fn parse_uuid(text: &str, what: &'static str) -> Result<u128, ValueError> {
    let hex: String = text.chars().filter(|&c| c != '-').collect();
    let well_formed = hex.len() == 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && (text.len() == 32 || hyphens_at_uuid_positions(text));
    if !well_formed {
        return Err(ValueError::malformed(
            what,
            text,
            "a UUID such as 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69",
        ));
    }
    u128::from_str_radix(&hex, 16).map_err(|_| ValueError::malformed(what, text, "a UUID"))
}

fn hyphens_at_uuid_positions(text: &str) -> bool {
    text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23))
}

macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(u128);

        impl $name {
            /// Wraps a 128-bit value.
            pub const fn from_u128(value: u128) -> Self {
                Self(value)
            }

            /// The 128-bit value.
            pub const fn as_u128(self) -> u128 {
                self.0
            }

            /// Reads the id from its UUID form.
            ///
            /// # Errors
            /// [`ValueError::Malformed`] when the text is not a UUID.
            pub fn parse(text: &str) -> Result<Self, ValueError> {
                parse_uuid(text, $what).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                format_uuid(self.0, f)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }
    };
}

define_id!(
    /// Identifies a [`Societe`](crate::party::Societe) (a company or a site).
    SocieteId,
    "a company id"
);
define_id!(
    /// Identifies a [`Tiers`](crate::party::Tiers) (a person).
    TiersId,
    "a person id"
);
define_id!(
    /// Identifies an [`Adresse`](crate::party::Adresse).
    AdresseId,
    "an address id"
);
define_id!(
    /// Identifies a link between two parties ([`crate::party::Link`]).
    LinkId,
    "a link id"
);
define_id!(
    /// Identifies an [`Article`](crate::catalogue::Article).
    ArticleId,
    "an article id"
);
define_id!(
    /// Identifies a [`Commande`](crate::order::Commande).
    CommandeId,
    "an order id"
);
define_id!(
    /// Identifies a [`Cart`](crate::cart::Cart).
    CartId,
    "a cart id"
);
define_id!(
    /// Identifies an [`Account`](crate::account::Account): a login to the product.
    AccountId,
    "an account id"
);
define_id!(
    /// Identifies a message waiting to be sent (an email, a notice to another program).
    MessageId,
    "a message id"
);
define_id!(
    /// Identifies a [`Payment`](crate::payment::Payment): one attempt to pay an order.
    PaymentId,
    "a payment id"
);
define_id!(
    /// Identifies an [`Invoice`](crate::billing::Invoice) or a credit note.
    InvoiceId,
    "an invoice id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let id = ArticleId::from_u128(0x0190_f5e2_7b1c_7c3e_9a55_2f1d_3c4b_5a69);
        assert_eq!(id.to_string(), "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69");
        assert_eq!(ArticleId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(
            ArticleId::parse("0190F5E27B1C7C3E9A552F1D3C4B5A69").unwrap(),
            id
        );
    }

    #[test]
    fn refuses_what_is_not_a_uuid() {
        for bad in [
            "",
            "42",
            "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a6",
            "0190f5e27-b1c-7c3e-9a55-2f1d3c4b5a69",
            "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a6z",
            "+190f5e27b1c7c3e9a552f1d3c4b5a69",
        ] {
            assert!(CommandeId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
