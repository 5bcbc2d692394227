//! Invoice and credit note numbers: one continuous series per kind and year.

use serde::{Deserialize, Serialize};

use crate::ValueError;

/// What a document is: an invoice or a credit note cancelling one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// A facture.
    Invoice,
    /// An avoir: cancels all of an invoice.
    CreditNote,
}

impl InvoiceKind {
    /// The kind's name, as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
        }
    }

    /// Reads a kind from its name.
    pub fn parse(text: &str) -> Option<Self> {
        [InvoiceKind::Invoice, InvoiceKind::CreditNote]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    /// The prefix of its numbers.
    pub fn prefix(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "FA",
            InvoiceKind::CreditNote => "AV",
        }
    }

    /// The UNTDID 1001 document type code of EN 16931 (BT-3): 380 or 381.
    pub fn type_code(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "380",
            InvoiceKind::CreditNote => "381",
        }
    }

    /// Its title, in French.
    pub fn title(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "Facture",
            InvoiceKind::CreditNote => "Avoir",
        }
    }

    /// The number series a document of this kind issued in `year` takes its number from.
    /// A series per year keeps numbers chronological and continuous within the year, as
    /// French practice allows when the year is part of the number.
    pub fn series(self, year: i32) -> String {
        format!("{}-{year:04}", self.prefix())
    }
}

/// An invoice or credit note number, e.g. `FA-2026-000123`: at most 35 letters, digits
/// and `-` (EN 16931 and the French rules on invoice numbers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvoiceNumber(String);

impl InvoiceNumber {
    /// The longest number, in characters.
    pub const MAX_LEN: usize = 35;

    /// The `sequence`-th number of the series `kind` and `year`.
    pub fn format(kind: InvoiceKind, year: i32, sequence: u64) -> Self {
        InvoiceNumber(format!("{}-{sequence:06}", kind.series(year)))
    }

    /// Reads a number.
    ///
    /// # Errors
    /// [`ValueError`] when empty, longer than 35 characters, or holding anything but ASCII
    /// letters, digits and `-`.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(ValueError::Empty {
                what: "an invoice number",
            });
        }
        if value.len() > Self::MAX_LEN {
            return Err(ValueError::TooLong {
                what: "an invoice number",
                len: value.chars().count(),
                max: Self::MAX_LEN,
            });
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(ValueError::malformed(
                "an invoice number",
                value,
                "letters, digits and '-' only",
            ));
        }
        Ok(InvoiceNumber(value.to_ascii_uppercase()))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for InvoiceNumber {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        InvoiceNumber::new(&raw)
    }
}

impl From<InvoiceNumber> for String {
    fn from(number: InvoiceNumber) -> String {
        number.0
    }
}

impl std::fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
