use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::billing::{Siren, VatNumber};
use crate::ids::SocieteId;
use crate::order::SiteCode;
use crate::party::Email;
use crate::text::bounded_text;

bounded_text!(
    /// A company's name (raison sociale) or, for a private customer, the person's name.
    CompanyName,
    "a company name",
    200
);

/// A company (société). A private customer is a company of one person. A company has at
/// most one parent and any number of subsidiaries. The supplier's sites, where orders are
/// taken, are companies too: they carry a site code, which starts their order numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Societe {
    /// Its id.
    pub id: SocieteId,
    /// Its name.
    pub name: CompanyName,
    /// Its parent company, if it is a subsidiary.
    pub parent: Option<SocieteId>,
    /// For a site of the supplier: the code its order numbers start with.
    pub site_code: Option<SiteCode>,
    /// Where a site receives the orders it validates, for processing.
    pub email: Option<Email>,
    /// Its SIREN, for a French business: printed on its invoices, and what makes an
    /// invoice's buyer a business rather than a private person.
    #[serde(default)]
    pub siren: Option<Siren>,
    /// Its intra-community VAT number, printed on its invoices.
    #[serde(default)]
    pub vat_number: Option<VatNumber>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Societe {
    /// Whether this company is a site of the supplier, where orders are taken.
    pub fn is_site(&self) -> bool {
        self.site_code.is_some()
    }
}

/// Whether making `parent` the parent of `child` would close a loop. `ancestors_of_parent`
/// lists `parent`'s own parent, its parent's parent, and so on up to the top.
pub fn would_create_cycle(
    child: SocieteId,
    parent: SocieteId,
    ancestors_of_parent: &[SocieteId],
) -> bool {
    child == parent || ancestors_of_parent.contains(&child)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_cannot_descend_from_itself() {
        let (a, b, c) = (
            SocieteId::from_u128(1),
            SocieteId::from_u128(2),
            SocieteId::from_u128(3),
        );
        assert!(would_create_cycle(a, a, &[]));
        // c's parent is b, b's parent is a: a cannot become c's child.
        assert!(would_create_cycle(a, c, &[b, a]));
        assert!(!would_create_cycle(c, a, &[]));
    }
}
