//! French working days, for the planned delivery date: the order date plus the supplier's
//! lead time counted in working days, skipping weekends and French public holidays.
//!
//! The holidays are those of metropolitan France (Code du travail, L3133-1): 1 January,
//! Easter Monday, 1 May, 8 May, Ascension Thursday, Whit Monday, 14 July, 15 August,
//! 1 November, 11 November and 25 December.

use time::{Date, Duration, Month, Weekday};

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, also known as
/// Meeus/Jones/Butcher), for years 1583 to 9999.
pub fn easter_sunday(year: i32) -> Option<Date> {
    if !(1583..=9999).contains(&year) {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// The French public holidays of a year, in date order, with their names.
pub fn public_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let fixed = [
        (Month::January, 1, "Jour de l'an"),
        (Month::May, 1, "Fête du Travail"),
        (Month::May, 8, "Victoire 1945"),
        (Month::July, 14, "Fête nationale"),
        (Month::August, 15, "Assomption"),
        (Month::November, 1, "Toussaint"),
        (Month::November, 11, "Armistice 1918"),
        (Month::December, 25, "Noël"),
    ];
    let mut days: Vec<(Date, &'static str)> = fixed
        .into_iter()
        .filter_map(|(month, day, name)| {
            Date::from_calendar_date(year, month, day)
                .ok()
                .map(|d| (d, name))
        })
        .collect();
    if let Some(easter) = easter_sunday(year) {
        days.push((easter + Duration::days(1), "Lundi de Pâques"));
        days.push((easter + Duration::days(39), "Ascension"));
        days.push((easter + Duration::days(50), "Lundi de Pentecôte"));
    }
    days.sort();
    days
}

/// Whether `date` is a French public holiday.
pub fn is_public_holiday(date: Date) -> bool {
    public_holidays(date.year())
        .iter()
        .any(|(holiday, _)| *holiday == date)
}

/// Whether `date` is a working day: neither a Saturday, a Sunday nor a public holiday.
pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_public_holiday(date)
}

/// The planned delivery date of an order taken on `ordered_on` with a lead time of
/// `lead_days` working days: the `lead_days`-th working day after the order date. With a
/// lead time of 0, the order date itself when it is a working day, else the next one.
/// `None` only past the end of the calendar (year 9999).
pub fn planned_delivery(ordered_on: Date, lead_days: u16) -> Option<Date> {
    let mut date = ordered_on;
    if lead_days == 0 {
        while !is_working_day(date) {
            date = date.next_day()?;
        }
        return Some(date);
    }
    let mut remaining = lead_days;
    while remaining > 0 {
        date = date.next_day()?;
        if is_working_day(date) {
            remaining -= 1;
        }
    }
    Some(date)
}
