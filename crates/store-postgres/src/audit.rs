//! The record of changes.

use async_trait::async_trait;
use domain::order::Actor;
use ports::{AuditStore, ChangeRecord, EntityKind, StoreError};

use crate::codec::{name, Cols};
use crate::db::PostgresTransaction;

#[async_trait]
impl AuditStore for PostgresTransaction {
    async fn record_change(&mut self, change: &ChangeRecord) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO change_log (entity, entity_id, at, actor, changes) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(change.entity.as_str())
        .bind(&change.entity_id)
        .bind(change.at)
        .bind(change.by.as_str())
        .bind(&change.changes)
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(())
    }

    async fn changes_of(
        &mut self,
        entity: EntityKind,
        entity_id: &str,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        let r = sqlx::query(
            "SELECT entity, entity_id, at, actor, changes FROM change_log \
             WHERE entity = $1 AND entity_id = $2 ORDER BY at, id",
        )
        .bind(entity.as_str())
        .bind(entity_id)
        .fetch_all(self.conn())
        .await;
        self.done(r)?
            .iter()
            .map(|row| {
                let c = Cols::new(row, "change_log");
                Ok(ChangeRecord {
                    entity: c.parse("entity", name(EntityKind::parse, "an entity kind"))?,
                    entity_id: c.get("entity_id")?,
                    at: c.get("at")?,
                    by: c.parse("actor", Actor::new)?,
                    changes: c.get("changes")?,
                })
            })
            .collect()
    }
}
