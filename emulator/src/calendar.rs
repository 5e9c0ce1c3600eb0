//! Dates in the proleptic Gregorian calendar, UTC, as Unix seconds: reading a time given as
//! text.

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
    Ok(days_from_civil(year, month, day) * 86_400 + seconds)
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
