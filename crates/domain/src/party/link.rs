use serde::{Deserialize, Serialize};

use crate::ids::{AdresseId, LinkId, SocieteId, TiersId};

/// The role a link gives: a party is linked as internal (the supplier's own people and
/// sites), as a customer, as a payer or as a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The supplier's own: an order taker at a site, a site's address.
    Internal,
    /// Who orders.
    Customer,
    /// Who is invoiced.
    Payer,
    /// Who receives the delivery.
    Recipient,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 4] = [Role::Internal, Role::Customer, Role::Payer, Role::Recipient];

    /// The role's name, as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Internal => "internal",
            Role::Customer => "customer",
            Role::Payer => "payer",
            Role::Recipient => "recipient",
        }
    }

    /// Reads a role from its name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A many-to-many link between two parties, with its role. The same two parties may be
/// linked under several roles (a customer who is also the payer), once per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link<A, B> {
    /// The link's id.
    pub id: LinkId,
    /// One side.
    pub from: A,
    /// The other side.
    pub to: B,
    /// The role it gives.
    pub role: Role,
}

/// A person's place in a company.
pub type SocieteTiers = Link<SocieteId, TiersId>;
/// A person's address.
pub type TiersAdresse = Link<TiersId, AdresseId>;
/// A company's address.
pub type SocieteAdresse = Link<SocieteId, AdresseId>;
