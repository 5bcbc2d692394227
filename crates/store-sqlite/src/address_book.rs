//! Which addresses people may name, and their default addresses.

use domain::ids::{AdresseId, TiersId};
use ports::{AddressDefaults, StoreError};
use sqlx::SqliteConnection;

use crate::codec::Columns;
use crate::error::translate;

/// The addresses linked to these people, or to a company one of them is linked to.
pub(crate) async fn reachable_from(
    conn: &mut SqliteConnection,
    people: &[TiersId],
) -> Result<Vec<AdresseId>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
    let json = serde_json::to_string(&ids).map_err(|e| StoreError::Other(Box::new(e)))?;
    let rows = sqlx::query(
        "WITH p (id) AS (SELECT value FROM json_each(?1)) \
         SELECT adresse_id FROM tiers_adresses WHERE tiers_id IN (SELECT id FROM p) \
         UNION \
         SELECT sa.adresse_id FROM societe_tiers st \
         JOIN societe_adresses sa ON sa.societe_id = st.societe_id \
         WHERE st.tiers_id IN (SELECT id FROM p)",
    )
    .bind(json)
    .fetch_all(conn)
    .await
    .map_err(translate)?;
    rows.iter()
        .map(|row| Columns::new(row, "tiers_adresses").parse("adresse_id", AdresseId::parse))
        .collect()
}

pub(crate) async fn defaults(
    conn: &mut SqliteConnection,
    tiers: TiersId,
) -> Result<AddressDefaults, StoreError> {
    let row = sqlx::query(
        "SELECT delivery_address_id, billing_address_id FROM address_defaults WHERE tiers_id = ?",
    )
    .bind(tiers.to_string())
    .fetch_optional(conn)
    .await
    .map_err(translate)?;
    let Some(row) = row else {
        return Ok(AddressDefaults::default());
    };
    let c = Columns::new(&row, "address_defaults");
    Ok(AddressDefaults {
        delivery: c.opt_parse("delivery_address_id", AdresseId::parse)?,
        billing: c.opt_parse("billing_address_id", AdresseId::parse)?,
    })
}

pub(crate) async fn set_defaults(
    conn: &mut SqliteConnection,
    tiers: TiersId,
    defaults: &AddressDefaults,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO address_defaults (tiers_id, delivery_address_id, billing_address_id) \
         VALUES (?, ?, ?) \
         ON CONFLICT (tiers_id) DO UPDATE SET \
             delivery_address_id = excluded.delivery_address_id, \
             billing_address_id = excluded.billing_address_id",
    )
    .bind(tiers.to_string())
    .bind(defaults.delivery.map(|a| a.to_string()))
    .bind(defaults.billing.map(|a| a.to_string()))
    .execute(conn)
    .await
    .map_err(translate)?;
    Ok(())
}
