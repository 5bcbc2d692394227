use async_trait::async_trait;
use domain::ids::{AdresseId, LinkId, SocieteId, TiersId};
use domain::order::SiteCode;
use domain::party::{
    Adresse, Email, PhoneNumber, Societe, SocieteAdresse, SocieteTiers, Tiers, TiersAdresse,
};

use crate::StoreError;

/// The three kinds of links between parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// A person in a company.
    SocieteTiers,
    /// A person's address.
    TiersAdresse,
    /// A company's address.
    SocieteAdresse,
}

/// A link of any kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRecord {
    /// A person in a company.
    SocieteTiers(SocieteTiers),
    /// A person's address.
    TiersAdresse(TiersAdresse),
    /// A company's address.
    SocieteAdresse(SocieteAdresse),
}

impl LinkRecord {
    /// The link's id.
    pub fn id(&self) -> LinkId {
        match self {
            LinkRecord::SocieteTiers(l) => l.id,
            LinkRecord::TiersAdresse(l) => l.id,
            LinkRecord::SocieteAdresse(l) => l.id,
        }
    }

    /// The link's kind.
    pub fn kind(&self) -> LinkKind {
        match self {
            LinkRecord::SocieteTiers(_) => LinkKind::SocieteTiers,
            LinkRecord::TiersAdresse(_) => LinkKind::TiersAdresse,
            LinkRecord::SocieteAdresse(_) => LinkKind::SocieteAdresse,
        }
    }
}

/// The links of one party, by kind, each list ordered by role then by link id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyLinks {
    /// People in companies.
    pub societe_tiers: Vec<SocieteTiers>,
    /// People's addresses.
    pub tiers_adresses: Vec<TiersAdresse>,
    /// Companies' addresses.
    pub societe_adresses: Vec<SocieteAdresse>,
}

/// A person's default addresses, chosen among their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AddressDefaults {
    /// Where to deliver unless told otherwise.
    pub delivery: Option<AdresseId>,
    /// Where to bill unless told otherwise.
    pub billing: Option<AdresseId>,
}

/// Companies, people, addresses and the links between them.
#[async_trait]
pub trait PartyStore: Send {
    /// Stores a new company.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"site"`) when its site code is already a site's.
    async fn insert_societe(&mut self, societe: &Societe) -> Result<(), StoreError>;

    /// Replaces a stored company's name, parent, site code, email and modification date
    /// (its id and creation date never change).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not stored; [`StoreError::Duplicate`] as for
    /// [`PartyStore::insert_societe`].
    async fn update_societe(&mut self, societe: &Societe) -> Result<(), StoreError>;

    /// The company with this id.
    async fn get_societe(&mut self, id: SocieteId) -> Result<Option<Societe>, StoreError>;

    /// The site with this code.
    async fn find_site(&mut self, code: &SiteCode) -> Result<Option<Societe>, StoreError>;

    /// Every site, by code.
    async fn list_sites(&mut self) -> Result<Vec<Societe>, StoreError>;

    /// The companies whose parent is `id`, by name.
    async fn subsidiaries_of(&mut self, id: SocieteId) -> Result<Vec<Societe>, StoreError>;

    /// The parent of `id`, its parent, and so on to the top (nearest first). Stops, without
    /// looping, if the stored parents form a loop.
    async fn ancestors_of(&mut self, id: SocieteId) -> Result<Vec<SocieteId>, StoreError>;

    /// Stores a new person.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails. Phones and emails are not unique: two
    /// people may share a landline or a family email.
    async fn insert_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError>;

    /// Replaces a stored person's names, contact and modification date.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the person is not stored.
    async fn update_tiers(&mut self, tiers: &Tiers) -> Result<(), StoreError>;

    /// The person with this id.
    async fn get_tiers(&mut self, id: TiersId) -> Result<Option<Tiers>, StoreError>;

    /// The people with this mobile phone, by last name then first name.
    async fn find_tiers_by_phone(&mut self, phone: &PhoneNumber) -> Result<Vec<Tiers>, StoreError>;

    /// The people with this email, by last name then first name.
    async fn find_tiers_by_email(&mut self, email: &Email) -> Result<Vec<Tiers>, StoreError>;

    /// The people whose name matches `key`, a search key (`domain::text::search_key`):
    /// every word of the key appears somewhere in the person's name key (their first and
    /// last names, folded the same way); at most `limit`, by last name then first name.
    /// An empty key matches nobody.
    async fn search_tiers_by_name(
        &mut self,
        key: &str,
        limit: u32,
    ) -> Result<Vec<Tiers>, StoreError>;

    /// Stores a new address.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn insert_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError>;

    /// Replaces a stored address's content and modification date.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not stored.
    async fn update_adresse(&mut self, adresse: &Adresse) -> Result<(), StoreError>;

    /// The address with this id.
    async fn get_adresse(&mut self, id: AdresseId) -> Result<Option<Adresse>, StoreError>;

    /// Stores a link.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"link"`) when the same two parties are already
    /// linked with the same role; [`StoreError::NotFound`] when either party is not stored.
    async fn insert_link(&mut self, link: &LinkRecord) -> Result<(), StoreError>;

    /// Removes a link; `false` when there was none with this id and kind.
    async fn delete_link(&mut self, kind: LinkKind, id: LinkId) -> Result<bool, StoreError>;

    /// The links of a company: its people and its addresses (`tiers_adresses` is empty).
    async fn links_of_societe(&mut self, id: SocieteId) -> Result<PartyLinks, StoreError>;

    /// The links of a person: their companies and their addresses (`societe_adresses` is
    /// empty).
    async fn links_of_tiers(&mut self, id: TiersId) -> Result<PartyLinks, StoreError>;

    /// The addresses linked to these people or to a company one of them is linked to, in
    /// any order, each once: what an order naming them may use.
    async fn addresses_reachable_from(
        &mut self,
        people: &[TiersId],
    ) -> Result<Vec<AdresseId>, StoreError>;

    /// The person's default addresses (none when never set).
    async fn address_defaults(&mut self, tiers: TiersId) -> Result<AddressDefaults, StoreError>;

    /// Sets the person's default addresses, replacing those set before.
    async fn set_address_defaults(
        &mut self,
        tiers: TiersId,
        defaults: &AddressDefaults,
    ) -> Result<(), StoreError>;
}
