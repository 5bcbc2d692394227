//! The parties of an order (seed 003): companies and sites ([`Societe`]), people
//! ([`Tiers`]), addresses ([`Adresse`]), and the three many-to-many links between them, each
//! carrying a [`Role`].

mod adresse;
mod contact;
mod link;
mod societe;
mod tiers;

pub use adresse::{AddressLines, Adresse, AdresseDetails, CountryCode, PostalCode, Town};
pub use contact::{Email, PhoneNumber};
pub use link::{Link, Role, SocieteAdresse, SocieteTiers, TiersAdresse};
pub use societe::{would_create_cycle, CompanyName, Societe};
pub use tiers::{PersonName, Tiers, TiersDetails};
