use async_trait::async_trait;
use domain::order::Actor;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::StoreError;

/// The kinds of things whose changes are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A company.
    Societe,
    /// A person.
    Tiers,
    /// An address.
    Adresse,
    /// An article.
    Article,
    /// An order.
    Commande,
}

impl EntityKind {
    /// The kind's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Societe => "societe",
            EntityKind::Tiers => "tiers",
            EntityKind::Adresse => "adresse",
            EntityKind::Article => "article",
            EntityKind::Commande => "commande",
        }
    }

    /// Reads a kind from its name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Societe,
            Self::Tiers,
            Self::Adresse,
            Self::Article,
            Self::Commande,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// Who changed what, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The kind of thing changed.
    pub entity: EntityKind,
    /// Its id.
    pub entity_id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: Actor,
    /// What changed: one entry per field, `field: before → after`.
    pub changes: Vec<String>,
}

/// The record of changes to companies, people, addresses, articles and orders.
#[async_trait]
pub trait AuditStore: Send {
    /// Records a change.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn record_change(&mut self, change: &ChangeRecord) -> Result<(), StoreError>;

    /// The changes of one thing, oldest first.
    async fn changes_of(
        &mut self,
        entity: EntityKind,
        entity_id: &str,
    ) -> Result<Vec<ChangeRecord>, StoreError>;
}
