//! The record of changes ([`AuditStore`]).

use async_trait::async_trait;
use domain::order::Actor;
use ports::{AuditStore, ChangeRecord, EntityKind, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::codec::{micros, Columns};
use crate::error::translate;
use crate::tx::SqliteTx;

fn change(row: &SqliteRow) -> Result<ChangeRecord, StoreError> {
    let c = Columns::new(row, "change_log");
    Ok(ChangeRecord {
        entity: c.name("entity", EntityKind::parse)?,
        entity_id: c.text("entity_id")?.to_owned(),
        at: c.instant("at")?,
        by: c.parse("actor", Actor::new)?,
        changes: c.parse("changes", |t| serde_json::from_str::<Vec<String>>(t))?,
    })
}

#[async_trait]
impl AuditStore for SqliteTx {
    async fn record_change(&mut self, change: &ChangeRecord) -> Result<(), StoreError> {
        let changes =
            serde_json::to_string(&change.changes).map_err(|e| StoreError::Other(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO change_log (entity, entity_id, at, actor, changes) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(change.entity.as_str())
        .bind(&change.entity_id)
        .bind(micros(change.at))
        .bind(change.by.as_str())
        .bind(changes)
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn changes_of(
        &mut self,
        entity: EntityKind,
        entity_id: &str,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT entity, entity_id, at, actor, changes FROM change_log \
             WHERE entity = ? AND entity_id = ? ORDER BY at, id",
        )
        .bind(entity.as_str())
        .bind(entity_id)
        .fetch_all(self.conn().await?)
        .await
        .map_err(translate)?;
        rows.iter().map(change).collect()
    }
}
