use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::TiersId;
use crate::party::{Email, PhoneNumber};
use crate::text::{bounded_text, search_key};

bounded_text!(
    /// A person's last or first name.
    PersonName,
    "a name",
    100
);

/// What describes a person, as entered or changed by staff or by the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TiersDetails {
    /// Last name.
    pub last_name: PersonName,
    /// First name, if known.
    pub first_name: Option<PersonName>,
    /// Mobile phone: the customer's identifier at the counter.
    pub mobile: Option<PhoneNumber>,
    /// Email.
    pub email: Option<Email>,
}

/// A person (tiers): a customer, a payer, a recipient, or an order taker of the supplier.
/// A person belongs to several companies, and a company has several people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tiers {
    /// Its id.
    pub id: TiersId,
    /// Names and contact.
    #[serde(flatten)]
    pub details: TiersDetails,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Tiers {
    /// "First Last", or "Last" without a first name.
    pub fn full_name(&self) -> String {
        match &self.details.first_name {
            Some(first) => format!("{first} {}", self.details.last_name),
            None => self.details.last_name.to_string(),
        }
    }

    /// The key a name search matches against: both names, case and accents folded.
    pub fn name_key(&self) -> String {
        search_key(&self.full_name())
    }
}
