//! What placing an order reads before it writes, and what it writes after taking the
//! stock, each asked for at once.
//!
//! Placing an order reads its site, its people, its addresses, its articles, the VAT codes
//! and its idempotency key before it takes stock, then writes the order, its messages and
//! its idempotency key. Asked one by one, that is nine round trips inside the write
//! transaction; a store that can answer each group together (one statement) shortens the
//! time the transaction holds its locks, which is what bounds how many orders per second
//! one database takes.

use async_trait::async_trait;
use domain::catalogue::Article;
use domain::ids::{AdresseId, ArticleId, SocieteId, TiersId};
use domain::order::{Commande, SiteCode};
use domain::party::{Adresse, Societe, Tiers};
use domain::vat::VatCode;

use crate::{
    CatalogueStore, IdempotencyRecord, IdempotencyStore, OrderStore, OutboxMessage, OutboxStore,
    PartyStore, SequenceStore, StockError, StockMovement, StockStore, StoreError,
};

/// Which site an order is placed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKey<'a> {
    /// The company with this id (an order taker's own site).
    Id(SocieteId),
    /// The site with this code.
    Code(&'a SiteCode),
}

/// What to read for one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacementQuery<'a> {
    /// Its site.
    pub site: SiteKey<'a>,
    /// Its people: customer, payer, recipient.
    pub people: &'a [TiersId],
    /// Its delivery and billing addresses.
    pub addresses: &'a [AdresseId],
    /// The articles its lines name by id.
    pub articles: &'a [ArticleId],
    /// Its idempotency key (scoped by caller), when it has one.
    pub idempotency_key: Option<&'a str>,
    /// Whether to take the site's next order number too (as
    /// [`crate::SequenceStore::next_order_number`] does), when the site is found, is a
    /// site, and the idempotency key was not used before.
    pub take_order_number: bool,
}

/// What was read for one order: what exists of what the query named (what does not exist
/// is simply absent), and every VAT code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlacementContext {
    /// The site, when it exists.
    pub site: Option<Societe>,
    /// The people that exist, in any order.
    pub people: Vec<Tiers>,
    /// The addresses that exist, in any order.
    pub addresses: Vec<Adresse>,
    /// The articles that exist, in any order.
    pub articles: Vec<Article>,
    /// Every VAT code, by code.
    pub vat_codes: Vec<VatCode>,
    /// The record of the idempotency key, when it was used before.
    pub idempotency: Option<IdempotencyRecord>,
    /// The order number taken, when one was asked for and could be taken.
    pub order_number: Option<u64>,
}

/// What placing an order writes: the stock it takes, then the order, its messages and its
/// idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct PlacementWrites<'a> {
    /// The movements taking its stock (none for a draft, or when they were applied
    /// already), applied first, as [`StockStore::apply_movements`] does.
    pub movements: &'a [StockMovement],
    /// The new order, with its lines and history.
    pub order: &'a Commande,
    /// The messages it sends.
    pub messages: &'a [OutboxMessage],
    /// Its idempotency key, when it has one.
    pub idempotency: Option<&'a IdempotencyRecord>,
}

/// The reads and the writes of an order placement, each together.
#[async_trait]
pub trait PlacementStore:
    PartyStore
    + CatalogueStore
    + IdempotencyStore
    + OrderStore
    + OutboxStore
    + SequenceStore
    + StockStore
    + Send
{
    /// Everything [`PlacementQuery`] names, as the other stores' reads give it, inside the
    /// same transaction, and the order number when asked for. The default asks each store
    /// in turn; a store overrides it to ask in one round trip.
    async fn placement_context(
        &mut self,
        query: &PlacementQuery<'_>,
    ) -> Result<PlacementContext, StoreError> {
        let site = match query.site {
            SiteKey::Id(id) => self.get_societe(id).await?,
            SiteKey::Code(code) => self.find_site(code).await?,
        };
        let mut people = Vec::with_capacity(query.people.len());
        for &id in query.people {
            if people.iter().any(|t: &Tiers| t.id == id) {
                continue;
            }
            if let Some(tiers) = self.get_tiers(id).await? {
                people.push(tiers);
            }
        }
        let mut addresses = Vec::with_capacity(query.addresses.len());
        for &id in query.addresses {
            if addresses.iter().any(|a: &Adresse| a.id == id) {
                continue;
            }
            if let Some(adresse) = self.get_adresse(id).await? {
                addresses.push(adresse);
            }
        }
        let articles = if query.articles.is_empty() {
            Vec::new()
        } else {
            self.get_articles(query.articles).await?
        };
        let vat_codes = self.list_vat_codes().await?;
        let idempotency = match query.idempotency_key {
            Some(key) => self.find_idempotency(key).await?,
            None => None,
        };
        let site_code = site.as_ref().and_then(|s| s.site_code.as_ref());
        let order_number = match site_code {
            Some(code) if query.take_order_number && idempotency.is_none() => {
                Some(self.next_order_number(code).await?)
            }
            _ => None,
        };
        Ok(PlacementContext {
            site,
            people,
            addresses,
            articles,
            vat_codes,
            idempotency,
            order_number,
        })
    }

    /// Applies the movements, then stores the new order, its messages and its idempotency
    /// key, as [`StockStore::apply_movements`], [`OrderStore::insert_order`],
    /// [`OutboxStore::enqueue_all`] and [`IdempotencyStore::save_idempotency`] do one
    /// after the other. The default does exactly that; a store overrides it to write them
    /// in one round trip.
    ///
    /// # Errors
    /// What [`StockStore::apply_movements`] refuses ([`StockError::Short`] with every
    /// short article, [`StockError::UnknownArticle`], [`StockError::TooLarge`]), with
    /// nothing written; [`StoreError::Duplicate`] (as [`StockError::Store`]) as each of the
    /// others gives it (entity `"order"`, `"message"` or `"idempotency key"`), after which
    /// the transaction is to be rolled back.
    async fn record_placement(&mut self, writes: &PlacementWrites<'_>) -> Result<(), StockError> {
        if !writes.movements.is_empty() {
            self.apply_movements(writes.movements).await?;
        }
        self.insert_order(writes.order).await?;
        self.enqueue_all(writes.messages).await?;
        if let Some(record) = writes.idempotency {
            self.save_idempotency(record).await?;
        }
        Ok(())
    }
}
