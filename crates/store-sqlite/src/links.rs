//! The three kinds of links between parties, each in its own table with the same shape:
//! `id`, the two parties, `role`, and UNIQUE(the two parties, role).

use domain::ids::{AdresseId, LinkId, SocieteId, TiersId};
use domain::party::{Link, Role};
use domain::ValueError;
use ports::{LinkKind, LinkRecord, PartyLinks, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::SqliteConnection;

use crate::codec::Columns;
use crate::error::{is_foreign_key_violation, is_unique_violation, translate, violated_columns};

/// One side of a link: its column, the table its party lives in, and the party's entity
/// name for errors.
type Side = (&'static str, &'static str, &'static str);

/// A kind's table and its two sides.
struct Shape {
    table: &'static str,
    from: Side,
    to: Side,
}

fn shape(kind: LinkKind) -> Shape {
    const SOCIETE: Side = ("societe_id", "societes", "societe");
    const TIERS: Side = ("tiers_id", "tiers", "tiers");
    const ADRESSE: Side = ("adresse_id", "adresses", "adresse");
    match kind {
        LinkKind::SocieteTiers => Shape {
            table: "societe_tiers",
            from: SOCIETE,
            to: TIERS,
        },
        LinkKind::TiersAdresse => Shape {
            table: "tiers_adresses",
            from: TIERS,
            to: ADRESSE,
        },
        LinkKind::SocieteAdresse => Shape {
            table: "societe_adresses",
            from: SOCIETE,
            to: ADRESSE,
        },
    }
}

/// The link's id, parties (as stored) and role.
fn parts(link: &LinkRecord) -> (LinkId, String, String, Role) {
    match link {
        LinkRecord::SocieteTiers(l) => (l.id, l.from.to_string(), l.to.to_string(), l.role),
        LinkRecord::TiersAdresse(l) => (l.id, l.from.to_string(), l.to.to_string(), l.role),
        LinkRecord::SocieteAdresse(l) => (l.id, l.from.to_string(), l.to.to_string(), l.role),
    }
}

pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    link: &LinkRecord,
) -> Result<(), StoreError> {
    let shape = shape(link.kind());
    let (id, from, to, role) = parts(link);
    let sql = format!(
        "INSERT INTO {} (id, {}, {}, role) VALUES (?, ?, ?, ?)",
        shape.table, shape.from.0, shape.to.0
    );
    let result = sqlx::query(&sql)
        .bind(id.to_string())
        .bind(&from)
        .bind(&to)
        .bind(role.as_str())
        .execute(&mut *conn)
        .await;
    let Err(err) = result else {
        return Ok(());
    };
    if is_unique_violation(&err) {
        let id_clash = violated_columns(&err) == [format!("{}.id", shape.table)];
        let key = if id_clash {
            id.to_string()
        } else {
            format!("{from} {to} {role}")
        };
        return Err(StoreError::Duplicate {
            entity: "link",
            key,
        });
    }
    if is_foreign_key_violation(&err) {
        // SQLite does not say which reference failed: look for the missing party.
        for ((_, table, entity), key) in [(shape.from, from), (shape.to, to)] {
            let sql = format!("SELECT 1 FROM {table} WHERE id = ?");
            let found = sqlx::query(&sql)
                .bind(&key)
                .fetch_optional(&mut *conn)
                .await
                .map_err(translate)?;
            if found.is_none() {
                return Err(StoreError::NotFound { entity, key });
            }
        }
    }
    Err(translate(err))
}

pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    kind: LinkKind,
    id: LinkId,
) -> Result<bool, StoreError> {
    let sql = format!("DELETE FROM {} WHERE id = ?", shape(kind).table);
    let done = sqlx::query(&sql)
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(translate)?;
    Ok(done.rows_affected() > 0)
}

/// The links of one kind where the column `by` holds `party`, by role then id.
async fn links_by<A, B>(
    conn: &mut SqliteConnection,
    kind: LinkKind,
    by: &str,
    party: String,
    read_from: fn(&str) -> Result<A, ValueError>,
    read_to: fn(&str) -> Result<B, ValueError>,
) -> Result<Vec<Link<A, B>>, StoreError> {
    let shape = shape(kind);
    let sql = format!(
        "SELECT id, {} AS from_id, {} AS to_id, role FROM {} WHERE {by} = ?",
        shape.from.0, shape.to.0, shape.table
    );
    let rows = sqlx::query(&sql)
        .bind(party)
        .fetch_all(conn)
        .await
        .map_err(translate)?;
    let mut links = rows
        .iter()
        .map(|row| link(row, shape.table, read_from, read_to))
        .collect::<Result<Vec<_>, _>>()?;
    // The roles' own order (internal, customer, payer, recipient), not their names'.
    links.sort_by_key(|l| (l.role, l.id));
    Ok(links)
}

fn link<A, B>(
    row: &SqliteRow,
    table: &'static str,
    read_from: fn(&str) -> Result<A, ValueError>,
    read_to: fn(&str) -> Result<B, ValueError>,
) -> Result<Link<A, B>, StoreError> {
    let c = Columns::new(row, table);
    Ok(Link {
        id: c.parse("id", LinkId::parse)?,
        from: c.parse("from_id", read_from)?,
        to: c.parse("to_id", read_to)?,
        role: c.name("role", Role::parse)?,
    })
}

pub(crate) async fn of_societe(
    conn: &mut SqliteConnection,
    id: SocieteId,
) -> Result<PartyLinks, StoreError> {
    let key = id.to_string();
    let societe_tiers = links_by(
        conn,
        LinkKind::SocieteTiers,
        "societe_id",
        key.clone(),
        SocieteId::parse,
        TiersId::parse,
    )
    .await?;
    let societe_adresses = links_by(
        conn,
        LinkKind::SocieteAdresse,
        "societe_id",
        key,
        SocieteId::parse,
        AdresseId::parse,
    )
    .await?;
    Ok(PartyLinks {
        societe_tiers,
        tiers_adresses: Vec::new(),
        societe_adresses,
    })
}

pub(crate) async fn of_tiers(
    conn: &mut SqliteConnection,
    id: TiersId,
) -> Result<PartyLinks, StoreError> {
    let key = id.to_string();
    let societe_tiers = links_by(
        conn,
        LinkKind::SocieteTiers,
        "tiers_id",
        key.clone(),
        SocieteId::parse,
        TiersId::parse,
    )
    .await?;
    let tiers_adresses = links_by(
        conn,
        LinkKind::TiersAdresse,
        "tiers_id",
        key,
        TiersId::parse,
        AdresseId::parse,
    )
    .await?;
    Ok(PartyLinks {
        societe_tiers,
        tiers_adresses,
        societe_adresses: Vec::new(),
    })
}
