//! Times given as ISO 8601 where Chargebee takes Unix seconds: `2026-03-20` (midnight UTC),
//! `2026-03-20T12:30:00Z`, or with an offset, `2026-03-20T14:30:00+02:00`.

use chargebee_emulator::{days_from_civil, days_in_month};

/// Unix seconds of `text`: a whole number of seconds as is, or an ISO 8601 date or date and
/// time; `None` when it is neither.
pub fn unix_seconds(text: &str) -> Option<i64> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let days = days(date)?;
    let seconds = match time {
        None => 0,
        Some(time) => time_of_day(time)?,
    };
    Some(days * 86_400 + seconds)
}

/// Days from 1970-01-01 to `YYYY-MM-DD`.
fn days(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, u32, u32) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Seconds since midnight UTC of `HH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM`.
fn time_of_day(time: &str) -> Option<i64> {
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (clock, zone) = time.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = zone[1..].split_once(':')?;
        let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
        if hours > 23 || minutes > 59 {
            return None;
        }
        (clock, sign * (hours * 3600 + minutes * 60))
    };
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds: i64 = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds - offset)
}

#[cfg(test)]
mod tests {
    use super::unix_seconds;

    #[test]
    fn iso_dates_and_times_read_as_unix_seconds() {
        // Checked against `date -u -d … +%s`.
        assert_eq!(unix_seconds("1704067200"), Some(1_704_067_200));
        assert_eq!(unix_seconds("2024-01-01"), Some(1_704_067_200));
        assert_eq!(unix_seconds("2026-03-20T12:30:00Z"), Some(1_774_009_800));
        assert_eq!(
            unix_seconds("2026-03-20T14:30:00+02:00"),
            Some(1_774_009_800)
        );
        assert_eq!(
            unix_seconds("2026-03-20T07:30:00-05:00"),
            Some(1_774_009_800)
        );
        assert_eq!(
            unix_seconds("2024-02-29T00:00:00.250Z"),
            Some(1_709_164_800)
        );
        assert_eq!(unix_seconds("1969-12-31T23:59:59Z"), Some(-1));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-3-20",
            "2026-03-20T25:00:00Z",
            "2026-03-20T10:00",
            "soon",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }
}
