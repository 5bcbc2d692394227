//! How numbers, amounts and dates are written on the pages, the French way.

use rust_decimal::Decimal;

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An amount in euros: `1 234,50 €` (a narrow no-break space between thousands).
pub fn euros(value: Decimal) -> String {
    let rounded = value.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    format!(
        "{}{grouped},{cents}\u{a0}€",
        if negative { "−" } else { "" }
    )
}

/// A VAT rate in percent: `20 %`, `5,5 %`.
pub fn percent(value: Decimal) -> String {
    format!("{}\u{a0}%", value.normalize().to_string().replace('.', ","))
}

/// A date: `07/12/2026`.
pub fn date(day: time::Date) -> String {
    format!(
        "{:02}/{:02}/{}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn euros_are_written_the_french_way() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(euros(d("0")), "0,00\u{a0}€");
        assert_eq!(euros(d("12.5")), "12,50\u{a0}€");
        assert_eq!(euros(d("1234.56")), "1\u{202f}234,56\u{a0}€");
        assert_eq!(euros(d("1234567")), "1\u{202f}234\u{202f}567,00\u{a0}€");
        assert_eq!(euros(d("-3.10")), "−3,10\u{a0}€");
        assert_eq!(percent(d("5.50")), "5,5\u{a0}%");
        assert_eq!(percent(d("20")), "20\u{a0}%");
    }
}
