//! What the cases share: opening and ending transactions, checking errors, retrying a
//! transaction the database gave up on, and a small world of stored parties and articles
//! for orders to refer to.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use domain::catalogue::ArticleReference;
use domain::ids::{AdresseId, ArticleId, CommandeId, SocieteId, TiersId};
use domain::order::{Commande, OrderParties};
use domain::party::{Adresse, Societe, Tiers};

use crate::contract::fixtures::{self, Ids};
use crate::{Database, StockError, StoreError, Transaction, TxMode};

/// How long a case that runs transactions concurrently may take before it is taken for a
/// deadlock or a lost wake-up.
pub const CONCURRENCY_TIME_LIMIT: Duration = Duration::from_secs(120);

/// How long a single step (opening a transaction, a query) may take.
pub const STEP_TIME_LIMIT: Duration = Duration::from_secs(30);

/// How many times a transaction the database gave up on is tried in all.
pub const ATTEMPTS: u32 = 200;

/// Opens a transaction, failing the case if the database refuses.
pub async fn begin(db: &Arc<dyn Database>, mode: TxMode) -> Box<dyn Transaction> {
    match tokio::time::timeout(STEP_TIME_LIMIT, db.begin(mode)).await {
        Ok(Ok(tx)) => tx,
        Ok(Err(e)) => panic!("Database::begin({mode:?}) must open a transaction on an idle database: {e:?}"),
        Err(_) => panic!(
            "Database::begin({mode:?}) did not return within {STEP_TIME_LIMIT:?} on an idle database (is a transaction that was committed, rolled back or dropped still holding a connection or a lock?)"
        ),
    }
}

/// Opens a write transaction.
pub async fn write(db: &Arc<dyn Database>) -> Box<dyn Transaction> {
    begin(db, TxMode::Write).await
}

/// Opens a read transaction.
pub async fn read(db: &Arc<dyn Database>) -> Box<dyn Transaction> {
    begin(db, TxMode::Read).await
}

/// Commits, failing the case if the database refuses.
pub async fn commit(tx: Box<dyn Transaction>) {
    if let Err(e) = tx.commit().await {
        panic!("Transaction::commit must store what was written when nothing conflicts: {e:?}");
    }
}

/// Rolls back, failing the case if the database refuses.
pub async fn rollback(tx: Box<dyn Transaction>) {
    if let Err(e) = tx.rollback().await {
        panic!("Transaction::rollback must succeed, also after a refused write: {e:?}");
    }
}

/// Checks that `result` is a [`StoreError::Duplicate`], of `entity` and `key` when given.
pub fn assert_duplicate<T: Debug>(
    result: Result<T, StoreError>,
    entity: Option<&str>,
    key: Option<&str>,
    contract: &str,
) {
    match result {
        Err(StoreError::Duplicate {
            entity: got_entity,
            key: got_key,
        }) => {
            if let Some(entity) = entity {
                assert_eq!(
                    got_entity, entity,
                    "{contract}: StoreError::Duplicate must name the entity {entity:?}"
                );
            }
            if let Some(key) = key {
                assert_eq!(
                    got_key, key,
                    "{contract}: StoreError::Duplicate must give the key that clashed"
                );
            }
        }
        other => panic!("{contract}: expected StoreError::Duplicate, got {other:?}"),
    }
}

/// Checks that `result` is a [`StoreError::NotFound`].
pub fn assert_not_found<T: Debug>(result: Result<T, StoreError>, contract: &str) {
    match result {
        Err(StoreError::NotFound { .. }) => {}
        other => panic!("{contract}: expected StoreError::NotFound, got {other:?}"),
    }
}

/// Whether a stock error is the database giving up on a conflict.
pub fn stock_error_is_retryable(error: &StockError) -> bool {
    matches!(error, StockError::Store(e) if e.is_retryable())
}

/// An error and every cause under it, in one line, to tell a deadlock from another conflict.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A short, growing pause before trying a transaction again.
pub async fn back_off(attempt: u32) {
    let millis = u64::from(attempt.min(20)) * 2 + 1;
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

/// Runs a whole case (or a part of it) within [`CONCURRENCY_TIME_LIMIT`].
pub async fn within_time_limit<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(CONCURRENCY_TIME_LIMIT, future).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} did not finish within {CONCURRENCY_TIME_LIMIT:?}: transactions are waiting for each other for ever (a deadlock, or a lock kept after its transaction ended)"
        ),
    }
}

/// Runs one step within [`STEP_TIME_LIMIT`].
pub async fn step<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(STEP_TIME_LIMIT, future).await {
        Ok(output) => output,
        Err(_) => panic!("{what} did not return within {STEP_TIME_LIMIT:?}"),
    }
}

/// Stored parties and articles for orders to refer to: two sites, an order taker, three
/// customers, a payer, a recipient, three addresses and five articles.
#[derive(Debug, Clone)]
pub struct World {
    /// The site PAR.
    pub par: Societe,
    /// The site LYON.
    pub lyon: Societe,
    /// An order taker at PAR.
    pub taker: Tiers,
    /// A customer.
    pub customer: Tiers,
    /// Another customer.
    pub customer2: Tiers,
    /// A payer, neither customer.
    pub payer: Tiers,
    /// A recipient, neither customer.
    pub recipient: Tiers,
    /// A delivery address.
    pub delivery: Adresse,
    /// A billing address.
    pub billing: Adresse,
    /// Another address.
    pub other_address: Adresse,
    /// The articles, id and reference.
    pub articles: Vec<(ArticleId, ArticleReference)>,
}

impl World {
    /// Builds the world with new ids.
    pub fn new(ids: &mut Ids) -> Self {
        let articles = ["VIS-M6", "ECROU-M6", "RONDELLE-6", "CHEVILLE-8", "CLOU-40"]
            .into_iter()
            .map(|r| (ids.article(), fixtures::reference(r)))
            .collect();
        World {
            par: fixtures::site(ids.societe(), "Agence de Paris", "PAR"),
            lyon: fixtures::site(ids.societe(), "Agence de Lyon", "LYON"),
            taker: fixtures::tiers(ids.tiers(), "Vendeur", Some("Paul")),
            customer: fixtures::tiers_with_contact(
                ids.tiers(),
                "Dupont",
                Some("Marie"),
                "06 12 34 56 78",
                "marie.dupont@example.fr",
            ),
            customer2: fixtures::tiers(ids.tiers(), "Durand", Some("Luc")),
            payer: fixtures::tiers(ids.tiers(), "Comptable", Some("Anne")),
            recipient: fixtures::tiers(ids.tiers(), "Destinataire", Some("Jean")),
            delivery: fixtures::adresse(ids.adresse()),
            billing: fixtures::full_adresse(ids.adresse()),
            other_address: fixtures::adresse(ids.adresse()),
            articles,
        }
    }

    /// Stores every party and article of the world, in one committed transaction.
    pub async fn store(&self, db: &Arc<dyn Database>) {
        let mut tx = write(db).await;
        for s in [&self.par, &self.lyon] {
            tx.insert_societe(s)
                .await
                .expect("insert_societe of a new site must succeed");
        }
        for t in [
            &self.taker,
            &self.customer,
            &self.customer2,
            &self.payer,
            &self.recipient,
        ] {
            tx.insert_tiers(t)
                .await
                .expect("insert_tiers of a new person must succeed");
        }
        for a in [&self.delivery, &self.billing, &self.other_address] {
            tx.insert_adresse(a)
                .await
                .expect("insert_adresse of a new address must succeed");
        }
        for (id, reference) in &self.articles {
            tx.insert_article(*id, &fixtures::article_details(reference.as_str()))
                .await
                .expect("insert_article of a new reference must succeed");
        }
        commit(tx).await;
    }

    /// An order of the world's customer alone at the Paris site, numbered PAR-`sequence`,
    /// `n` of each of its first articles (see [`fixtures::commande`]).
    pub fn par_order(
        &self,
        id: CommandeId,
        sequence: u64,
        n: usize,
        ordered_at: OffsetDateTime,
    ) -> Commande {
        fixtures::commande(
            id,
            fixtures::order_number("PAR", sequence),
            self.customer_only(self.customer.id),
            self.par.id,
            &self.articles,
            n,
            ordered_at,
        )
    }

    /// The customer alone, delivered at the delivery address.
    pub fn customer_only(&self, customer: TiersId) -> OrderParties {
        OrderParties::customer_only(customer, self.delivery.id)
    }

    /// The customer, with the world's payer and recipient and both addresses.
    pub fn all_parties(&self) -> OrderParties {
        OrderParties {
            customer: self.customer.id,
            payer: self.payer.id,
            recipient: self.recipient.id,
            delivery_address: self.delivery.id,
            billing_address: Some(self.billing.id),
        }
    }

    /// The id of a site by its code, PAR or LYON.
    pub fn site_id(&self, code: &str) -> SocieteId {
        match code {
            "PAR" => self.par.id,
            "LYON" => self.lyon.id,
            other => panic!("the world has no site {other}"),
        }
    }

    /// One of the world's addresses.
    pub fn address(&self, n: usize) -> AdresseId {
        [self.delivery.id, self.billing.id, self.other_address.id][n % 3]
    }
}
