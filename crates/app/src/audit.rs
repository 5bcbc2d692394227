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

/// A value as a person reads it: `Some("x")` as `"x"`, `None` as `-`, and the wrappers of
/// the domain's value types left out (`UnitPrice(10.50)` as `10.50`).
fn show<T: std::fmt::Debug>(value: &T) -> String {
    let mut text = format!("{value:?}");
    if text == "None" {
        return "-".to_owned();
    }
    // Peel `Some(...)` and `TypeName(...)` wrappers, outermost first.
    while let Some(inner) = unwrap_once(&text) {
        text = inner.to_owned();
    }
    text
}

/// The inside of `Name(inside)` when the text is exactly one such wrapper.
fn unwrap_once(text: &str) -> Option<&str> {
    let open = text.find('(')?;
    let name = &text[..open];
    let is_wrapper = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    let inner = text[open + 1..].strip_suffix(')')?;
    // The closing parenthesis must be the opening one's partner.
    let mut depth = 0i32;
    for c in inner.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return None;
        }
    }
    (is_wrapper && depth == 0).then_some(inner)
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

    #[test]
    fn value_types_are_shown_without_their_wrappers() {
        let price =
            |cents| domain::money::UnitPrice::new(rust_decimal::Decimal::new(cents, 2)).unwrap();
        assert_eq!(show(&price(1050)), "10.50");
        assert_eq!(show(&Some(price(1100))), "11.00");
        let email = domain::party::Email::new("a@b.fr").unwrap();
        assert_eq!(show(&Some(email)), "\"a@b.fr\"");
        assert_eq!(show(&(1, 2)), "(1, 2)");
        assert_eq!(show(&None::<u32>), "-");
    }
}
