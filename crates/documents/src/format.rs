//! French formatting of amounts, quantities, rates, dates and identifiers, as printed on
//! the documents: `1 234,56 €`, `5,5 %`, `02/03/2026`, `732 829 320`.

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

/// Digits grouped by three with a space, e.g. `1234567` → `1 234 567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A decimal with exactly `places` decimal places, French style: `1 234,56`.
pub fn decimal(value: Decimal, places: u32) -> String {
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", group_thousands(int))
    } else {
        format!("{sign}{},{frac}", group_thousands(int))
    }
}

/// An amount in euros: `1 234,56 €`.
pub fn euros(value: Decimal) -> String {
    format!("{} €", decimal(value, 2))
}

/// A unit price in euros: 2 decimal places, or up to 4 when it has more, e.g. `0,1234 €`.
pub fn unit_price(value: Decimal) -> String {
    let places = value.normalize().scale().clamp(2, 4);
    format!("{} €", decimal(value, places))
}

/// A percentage without useless zeros: `20 %`, `5,5 %`, `12,15 %`.
pub fn percent(value: Decimal) -> String {
    let normalized = value.normalize();
    format!("{} %", decimal(normalized, normalized.scale()))
}

/// A date as `dd/mm/yyyy`.
pub fn date(value: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        value.day(),
        u8::from(value.month()),
        value.year()
    )
}

/// A SIREN (`732 829 320`) or SIRET (`732 829 320 00074`) grouped as usually printed.
pub fn company_id(id: &str) -> String {
    if id.len() == 9 || id.len() == 14 {
        let mut out = String::new();
        for (i, c) in id.chars().enumerate() {
            if i == 3 || i == 6 || i == 9 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    } else {
        id.to_owned()
    }
}

/// A phone number as French people write it: `+33 4 78 00 00 00`, `04 78 00 00 00`;
/// other numbers as given.
pub fn phone(value: &str) -> String {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let pairs = |digits: &str| {
        digits
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match (compact.strip_prefix("+33"), compact.len()) {
        (Some(rest), 12) if all_digits(rest) => {
            format!("+33 {} {}", &rest[..1], pairs(&rest[1..]))
        }
        (None, 10) if all_digits(&compact) && compact.starts_with('0') => pairs(&compact),
        _ => value.to_owned(),
    }
}

/// An IBAN in groups of four characters.
pub fn iban(value: &str) -> String {
    let compact: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn amounts_are_grouped_with_a_decimal_comma() {
        assert_eq!(euros(Decimal::new(123_456, 2)), "1 234,56 €");
        assert_eq!(euros(Decimal::new(5, 0)), "5,00 €");
        assert_eq!(euros(Decimal::new(123_456_789, 2)), "1 234 567,89 €");
        assert_eq!(euros(Decimal::new(-1500, 2)), "-15,00 €");
        assert_eq!(euros(Decimal::ZERO), "0,00 €");
        assert_eq!(euros(Decimal::new(50_000, 0)), "50 000,00 €");
    }

    #[test]
    fn unit_prices_keep_up_to_four_places() {
        assert_eq!(unit_price(Decimal::new(1250, 2)), "12,50 €");
        assert_eq!(unit_price(Decimal::new(1234, 4)), "0,1234 €");
        assert_eq!(unit_price(Decimal::new(125, 3)), "0,125 €");
        assert_eq!(unit_price(Decimal::new(12, 0)), "12,00 €");
    }

    #[test]
    fn rates_and_dates() {
        assert_eq!(percent(Decimal::new(55, 1)), "5,5 %");
        assert_eq!(percent(Decimal::new(2000, 2)), "20 %");
        assert_eq!(percent(Decimal::new(1215, 2)), "12,15 %");
        assert_eq!(date(date!(2026 - 03 - 02)), "02/03/2026");
        assert_eq!(company_id("732829320"), "732 829 320");
        assert_eq!(company_id("73282932000074"), "732 829 320 00074");
        assert_eq!(phone("+33478000000"), "+33 4 78 00 00 00");
        assert_eq!(phone("0478000000"), "04 78 00 00 00");
        assert_eq!(phone("+44 20 7946 0000"), "+44 20 7946 0000");
        assert_eq!(
            iban("FR7630006000011234567890189"),
            "FR76 3000 6000 0112 3456 7890 189"
        );
    }
}
