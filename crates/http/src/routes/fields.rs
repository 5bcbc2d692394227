//! Reading request fields into the domain's values, each error naming its field.

use app::catalogue::ArticleKey;
use domain::catalogue::ArticleReference;
use domain::ids::ArticleId;
use domain::money::{parse_decimal, Amount, Quantity};
use domain::ValueError;
use ports::Paging;

use crate::problem::Problem;

/// Turns a value error into a validation problem on `field`.
pub(crate) fn field<T>(result: Result<T, ValueError>, field: &str) -> Result<T, Problem> {
    result.map_err(|e| Problem::invalid(field, e.to_string()))
}

/// An amount written as a decimal string, 0 when absent.
pub(crate) fn amount(text: Option<&str>, name: &str) -> Result<Amount, Problem> {
    match text {
        None => Ok(Amount::ZERO),
        Some(text) => field(parse_decimal(text, "an amount").and_then(Amount::new), name),
    }
}

/// A quantity.
pub(crate) fn quantity(n: u32, name: &str) -> Result<Quantity, Problem> {
    field(Quantity::new(n), name)
}

/// An article named by its id (a UUID) or its reference.
pub(crate) fn article(text: &str, name: &str) -> Result<ArticleKey, Problem> {
    match ArticleId::parse(text) {
        Ok(id) => Ok(ArticleKey::Id(id)),
        Err(_) => field(ArticleReference::new(text), name).map(ArticleKey::Reference),
    }
}

/// A typed id from a body field.
pub(crate) fn id<T>(
    text: &str,
    name: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<T, Problem> {
    field(parse(text), name)
}

/// An article named in the path by its id or its reference; one that is neither names
/// nothing (the path extractor answers 404).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct ArticleInPath(pub ArticleKey);

impl TryFrom<String> for ArticleInPath {
    type Error = ValueError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match ArticleId::parse(&text) {
            Ok(id) => Ok(ArticleInPath(ArticleKey::Id(id))),
            Err(_) => ArticleReference::new(&text).map(|r| ArticleInPath(ArticleKey::Reference(r))),
        }
    }
}

/// A page of a list: `offset` items skipped, at most `i64::MAX` (what the databases count
/// in); `limit` items given, 50 by default, bounded to 1..=[`Paging::MAX_LIMIT`].
pub(crate) fn paging(offset: Option<u64>, limit: Option<u32>) -> Result<Paging, Problem> {
    let offset = offset.unwrap_or(0);
    if i64::try_from(offset).is_err() {
        return Err(Problem::invalid(
            "offset",
            format!("{offset} is out of range: at most {}", i64::MAX),
        ));
    }
    Ok(Paging {
        offset,
        limit: limit.unwrap_or(50).clamp(1, Paging::MAX_LIMIT),
    })
}

/// Whole numbers of request bodies, read from a JSON integer or from a number without a
/// fraction (`3.0`): JSON Schema's `integer`, which the OpenAPI document uses, takes both.
pub(crate) mod whole {
    use serde::de::{Deserializer, Error, Unexpected, Visitor};

    struct Whole;

    impl Visitor<'_> for Whole {
        type Value = i128;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<i128, E> {
            Ok(i128::from(v))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<i128, E> {
            Ok(i128::from(v))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<i128, E> {
            // Beyond 2^63 a float is out of every range read here anyway.
            if v.fract() == 0.0 && v.abs() < 9.2e18 {
                #[allow(clippy::cast_possible_truncation)]
                Ok(v as i128)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
    }

    fn read<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D, what: &str) -> Result<T, D::Error> {
        let value = d.deserialize_any(Whole)?;
        T::try_from(value)
            .map_err(|_| D::Error::invalid_value(Unexpected::Other(&value.to_string()), &what))
    }

    /// A `u32`.
    pub(crate) fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        read(d, "a whole number from 0 to 4294967295")
    }

    /// An optional `u32` (with `#[serde(default)]`).
    pub(crate) fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        struct Maybe;
        impl<'de> Visitor<'de> for Maybe {
            type Value = Option<u32>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number or null")
            }
            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                u32(d).map(Some)
            }
        }
        d.deserialize_option(Maybe)
    }

    /// An `i64`.
    pub(crate) fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        read(d, "a whole number")
    }
}
