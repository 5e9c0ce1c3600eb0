//! Dates in the proleptic Gregorian calendar, UTC, as Unix seconds: billing terms counted in
//! calendar units, and reading a time given as text.

/// Seconds in a day.
const DAY: i64 = 86_400;

/// A billing period's unit, as item prices and subscriptions name it (`period_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    /// The unit a `period_unit` value names.
    pub fn parse(text: &str) -> Option<Unit> {
        Some(match text {
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            _ => return None,
        })
    }
}

/// The end of the `n`th term of `period` `unit`s counted from `anchor` (the 0th ends at
/// `anchor`). Months and years keep `anchor`'s day of the month and time of day; a month
/// without that day ends on its last day (from 31 January: 28 or 29 February, then 31 March),
/// as Chargebee bills from the activation date.
pub fn term_end(anchor: i64, n: i64, period: i64, unit: Unit) -> i64 {
    let steps = n.saturating_mul(period.max(1));
    match unit {
        Unit::Day => anchor.saturating_add(steps.saturating_mul(DAY)),
        Unit::Week => anchor.saturating_add(steps.saturating_mul(7 * DAY)),
        Unit::Month => add_months(anchor, steps),
        Unit::Year => add_months(anchor, steps.saturating_mul(12)),
    }
}

/// `t` moved by `months` calendar months: the same day of the month (or the month's last day
/// when it is shorter) and the same time of day.
fn add_months(t: i64, months: i64) -> i64 {
    let (year, month, day) = civil_from_days(t.div_euclid(DAY));
    let time = t.rem_euclid(DAY);
    let index = year * 12 + i64::from(month - 1) + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + time
}

/// The date `days` after 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to `year-month-day` (negative before it).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Years counted from March, so that the leap day ends a year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads a time given as Unix seconds (`1767225600`) or as a UTC date and time
/// (`2026-01-01T00:00:00Z`, or a date alone, `2026-01-01`, meaning its midnight).
pub fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    let wrong = || {
        format!(
            "`{text}` is not a time: give Unix seconds (1767225600) or a UTC date and time \
             (2026-01-01T00:00:00Z, or 2026-01-01)"
        )
    };
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z').ok_or_else(wrong)?)),
        None => (text, None),
    };
    let number = |part: &str, digits: usize| -> Result<i64, String> {
        if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong());
        }
        part.parse().map_err(|_| wrong())
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(wrong());
    };
    let (year, month, day) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    let month = u32::try_from(month)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(wrong)?;
    let day = u32::try_from(day)
        .ok()
        .filter(|d| (1..=days_in_month(year, month)).contains(d))
        .ok_or_else(wrong)?;
    let seconds = match time {
        None => 0,
        Some(time) => {
            let mut parts = time.split(':');
            let (Some(h), Some(mi), Some(s), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(wrong());
            };
            let (h, mi, s) = (number(h, 2)?, number(mi, 2)?, number(s, 2)?);
            if h > 23 || mi > 59 || s > 59 {
                return Err(wrong());
            }
            h * 3600 + mi * 60 + s
        }
    };
    Ok(days_from_civil(year, month, day) * DAY + seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_epoch() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 2000 is a leap year: 30 years of 365 days and 7 leap days (72..96) to 2000-01-01.
        assert_eq!(days_from_civil(2000, 1, 1), 30 * 365 + 7);
        assert_eq!(days_from_civil(2000, 3, 1), 30 * 365 + 7 + 31 + 29);
        // 2026-01-01: 56 years, 14 leap days (1972..2024).
        assert_eq!(days_from_civil(2026, 1, 1), 56 * 365 + 14);
    }

    #[test]
    fn dates_come_back_from_day_counts() {
        for (days, date) in [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (30 * 365 + 7 + 31 + 28, (2000, 2, 29)),
            (56 * 365 + 14, (2026, 1, 1)),
        ] {
            assert_eq!(civil_from_days(days), date);
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
        }
    }

    /// Each expected time is written as a date, checked by hand against a calendar.
    #[test]
    fn terms_follow_the_calendar() {
        let at = |text: &str| parse_time(text).unwrap();
        // Monthly from 31 January 2026, 10:30: the month's last day when it has no 31st.
        let anchor = at("2026-01-31T10:30:00Z");
        let ends: Vec<i64> = (1..=4)
            .map(|n| term_end(anchor, n, 1, Unit::Month))
            .collect();
        assert_eq!(
            ends,
            [
                at("2026-02-28T10:30:00Z"),
                at("2026-03-31T10:30:00Z"),
                at("2026-04-30T10:30:00Z"),
                at("2026-05-31T10:30:00Z"),
            ]
        );
        // In a leap year February has its 29th.
        assert_eq!(
            term_end(at("2028-01-31"), 1, 1, Unit::Month),
            at("2028-02-29")
        );
        // Yearly from 29 February 2028: 28 February until the next leap year.
        let leap = at("2028-02-29");
        assert_eq!(term_end(leap, 1, 1, Unit::Year), at("2029-02-28"));
        assert_eq!(term_end(leap, 4, 1, Unit::Year), at("2032-02-29"));
        // Every 3 months, across a year end.
        assert_eq!(
            term_end(at("2026-11-30"), 1, 3, Unit::Month),
            at("2027-02-28")
        );
        assert_eq!(
            term_end(at("2026-11-30"), 2, 3, Unit::Month),
            at("2027-05-30")
        );
        // Weeks and days are fixed lengths.
        assert_eq!(
            term_end(at("2026-12-28"), 1, 1, Unit::Week),
            at("2027-01-04")
        );
        assert_eq!(
            term_end(at("2026-12-28"), 3, 14, Unit::Day),
            at("2027-02-08")
        );
        assert_eq!(term_end(anchor, 0, 1, Unit::Month), anchor);
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap(2024) && is_leap(2000) && !is_leap(1900) && !is_leap(2026));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
        assert_eq!(days_in_month(2026, 4), 30);
        assert_eq!(days_in_month(2026, 12), 31);
    }

    #[test]
    fn times_read_as_seconds_or_utc_dates() {
        assert_eq!(parse_time("1767225600"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01T01:02:03Z"), Ok(1_767_225_600 + 3723));
        for wrong in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "soon",
            "",
        ] {
            let e = parse_time(wrong).unwrap_err();
            assert!(e.contains("is not a time"), "{wrong}: {e}");
        }
    }
}
