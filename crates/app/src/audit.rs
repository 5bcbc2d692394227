//! The record of who changed what: a list of `field: before → after` entries.

use ports::{AuditStore, ChangeRecord, EntityKind};

use crate::{AppError, Caller};

/// The changes found between two versions of a thing.
#[derive(Debug, Default)]
pub(crate) struct Diff(Vec<String>);

impl Diff {
    /// Notes a field when its value changed.
    pub(crate) fn field<T: PartialEq + std::fmt::Debug>(
        &mut self,
        name: &str,
        before: &T,
        after: &T,
    ) -> &mut Self {
        if before != after {
            self.0
                .push(format!("{name}: {} → {}", show(before), show(after)));
        }
        self
    }

    /// Notes a change described in words.
    pub(crate) fn note(&mut self, change: String) -> &mut Self {
        self.0.push(change);
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the changes, if any, under the caller's name.
    pub(crate) async fn record(
        self,
        store: &mut (dyn AuditStore + '_),
        entity: EntityKind,
        id: impl ToString,
        caller: &Caller,
        at: time::OffsetDateTime,
    ) -> Result<(), AppError> {
        if self.0.is_empty() {
            return Ok(());
        }
        store
            .record_change(&ChangeRecord {
                entity,
                entity_id: id.to_string(),
                at,
                by: caller.actor.clone(),
                changes: self.0,
            })
            .await?;
        Ok(())
    }
}

/// A value as a person reads it: `Some("x")` as `"x"`, `None` as `-`.
fn show<T: std::fmt::Debug>(value: &T) -> String {
    let text = format!("{value:?}");
    if text == "None" {
        return "-".to_owned();
    }
    let inner = text
        .strip_prefix("Some(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(&text);
    // Newtypes print as Name("value"): keep the value only.
    match (inner.find("(\""), inner.ends_with("\")")) {
        (Some(open), true) => inner[open + 1..inner.len() - 1].to_owned(),
        _ => inner.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_noted_readably() {
        let mut diff = Diff::default();
        diff.field("name", &"Dupont", &"Dupond")
            .field("city", &"Paris", &"Paris")
            .field("email", &None::<String>, &Some("a@b.fr".to_owned()));
        assert_eq!(
            diff.0,
            vec!["name: \"Dupont\" → \"Dupond\"", "email: - → \"a@b.fr\""]
        );
    }
}
