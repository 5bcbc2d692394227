//! The working-day calendar against the real French public holidays of several years.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::calendar::{easter_sunday, is_working_day, planned_delivery, public_holidays};
use time::macros::date;
use time::Date;

#[test]
fn easter_falls_on_its_real_dates() {
    for (year, easter) in [
        (2008, date!(2008 - 03 - 23)),
        (2019, date!(2019 - 04 - 21)),
        (2024, date!(2024 - 03 - 31)),
        (2025, date!(2025 - 04 - 20)),
        (2026, date!(2026 - 04 - 05)),
        (2027, date!(2027 - 03 - 28)),
        (2028, date!(2028 - 04 - 16)),
        (2038, date!(2038 - 04 - 25)),
        (2285, date!(2285 - 03 - 22)),
    ] {
        assert_eq!(easter_sunday(year), Some(easter), "{year}");
    }
    assert_eq!(easter_sunday(1200), None);
}

fn holidays(year: i32) -> Vec<Date> {
    public_holidays(year).into_iter().map(|(d, _)| d).collect()
}

#[test]
fn the_public_holidays_of_2024_2025_and_2026() {
    assert_eq!(
        holidays(2024),
        vec![
            date!(2024 - 01 - 01),
            date!(2024 - 04 - 01),
            date!(2024 - 05 - 01),
            date!(2024 - 05 - 08),
            date!(2024 - 05 - 09),
            date!(2024 - 05 - 20),
            date!(2024 - 07 - 14),
            date!(2024 - 08 - 15),
            date!(2024 - 11 - 01),
            date!(2024 - 11 - 11),
            date!(2024 - 12 - 25),
        ]
    );
    assert_eq!(
        holidays(2025),
        vec![
            date!(2025 - 01 - 01),
            date!(2025 - 04 - 21),
            date!(2025 - 05 - 01),
            date!(2025 - 05 - 08),
            date!(2025 - 05 - 29),
            date!(2025 - 06 - 09),
            date!(2025 - 07 - 14),
            date!(2025 - 08 - 15),
            date!(2025 - 11 - 01),
            date!(2025 - 11 - 11),
            date!(2025 - 12 - 25),
        ]
    );
    let h2026 = holidays(2026);
    assert_eq!(h2026.len(), 11);
    for day in [
        date!(2026 - 04 - 06),
        date!(2026 - 05 - 14),
        date!(2026 - 05 - 25),
    ] {
        assert!(h2026.contains(&day), "{day}");
    }
    // 2027: Easter Monday in March, Ascension on 6 May, Whit Monday on 17 May.
    for day in [
        date!(2027 - 03 - 29),
        date!(2027 - 05 - 06),
        date!(2027 - 05 - 17),
    ] {
        assert!(holidays(2027).contains(&day), "{day}");
    }
}

#[test]
fn weekends_and_holidays_are_not_working_days() {
    assert!(is_working_day(date!(2026 - 05 - 07))); // a Thursday
    assert!(!is_working_day(date!(2026 - 05 - 08))); // Victoire 1945, a Friday
    assert!(!is_working_day(date!(2026 - 05 - 09))); // Saturday
    assert!(!is_working_day(date!(2026 - 05 - 10))); // Sunday
    assert!(!is_working_day(date!(2026 - 07 - 14)));
}

#[test]
fn the_planned_delivery_date_skips_weekends_and_holidays() {
    // Thursday 7 May 2026, 2 days: Fri 8 (holiday), weekend, Mon 11, Tue 12.
    assert_eq!(
        planned_delivery(date!(2026 - 05 - 07), 2),
        Some(date!(2026 - 05 - 12))
    );
    // Wednesday 13 May 2026, 1 day: Thursday 14 is Ascension.
    assert_eq!(
        planned_delivery(date!(2026 - 05 - 13), 1),
        Some(date!(2026 - 05 - 15))
    );
    // Thursday 24 December 2026, 1 day: Christmas on Friday, then the weekend.
    assert_eq!(
        planned_delivery(date!(2026 - 12 - 24), 1),
        Some(date!(2026 - 12 - 28))
    );
    // Friday 26 March 2027, 1 day: weekend then Easter Monday.
    assert_eq!(
        planned_delivery(date!(2027 - 03 - 26), 1),
        Some(date!(2027 - 03 - 30))
    );
    // Across the new year: Thursday 31 December 2026, 1 day: 1 January is a holiday.
    assert_eq!(
        planned_delivery(date!(2026 - 12 - 31), 1),
        Some(date!(2027 - 01 - 04))
    );
    // Lead time 0: the same day when it is a working day, else the next working day.
    assert_eq!(
        planned_delivery(date!(2026 - 07 - 13), 0),
        Some(date!(2026 - 07 - 13))
    );
    assert_eq!(
        planned_delivery(date!(2026 - 07 - 14), 0),
        Some(date!(2026 - 07 - 15))
    );
    // Ten working days from Monday 2 March 2026: two full weeks.
    assert_eq!(
        planned_delivery(date!(2026 - 03 - 02), 10),
        Some(date!(2026 - 03 - 16))
    );
}

#[test]
fn every_planned_date_is_a_working_day_after_the_order() {
    let mut day = date!(2025 - 12 - 20);
    while day < date!(2027 - 01 - 10) {
        for lead in 1..=7 {
            let planned = planned_delivery(day, lead).unwrap();
            assert!(is_working_day(planned), "{day} + {lead} = {planned}");
            assert!(planned > day);
            let working_between = (1..=(planned - day).whole_days())
                .filter(|&n| is_working_day(day + time::Duration::days(n)))
                .count();
            assert_eq!(
                working_between,
                usize::from(lead),
                "{day} + {lead} = {planned}"
            );
        }
        day = day.next_day().unwrap();
    }
}
