//! The emulator's one clock: every time it stamps or compares (`created_at`, expiry of hosted
//! pages and sessions, event times, the idempotency window) is read from here. It ticks with
//! the wall clock, or stands still at a start time given in [`crate::Config::now`] (or
//! `--now`) so that runs are reproducible; either way it moves forward on demand and never
//! back.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The time the emulator lives at, in Unix seconds.
#[derive(Debug)]
pub struct Clock {
    reading: Mutex<Reading>,
}

#[derive(Debug, Clone, Copy)]
struct Reading {
    /// The time at `since`, or the time the clock stands at when `since` is `None`.
    at: i64,
    since: Option<Instant>,
    /// Where the clock started, or was last reset to.
    genesis: i64,
}

impl Reading {
    fn now(&self) -> i64 {
        let elapsed = self.since.map_or(0, |since| since.elapsed().as_secs());
        self.at
            .saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX))
    }
}

/// A move of the clock backwards, refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackwardsError {
    /// Where the clock was asked to go.
    pub to: i64,
    /// Where it stands.
    pub now: i64,
}

impl std::fmt::Display for BackwardsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the emulator's clock moves forward only: {} is before its time, {}",
            self.to, self.now
        )
    }
}

impl std::error::Error for BackwardsError {}

impl Clock {
    /// A clock standing still at `start`, or ticking from the wall clock's time without one.
    pub(crate) fn new(start: Option<i64>) -> Clock {
        let reading = match start {
            Some(at) => Reading {
                at,
                since: None,
                genesis: at,
            },
            None => {
                let at = wall_now();
                Reading {
                    at,
                    since: Some(Instant::now()),
                    genesis: at,
                }
            }
        };
        Clock {
            reading: Mutex::new(reading),
        }
    }

    fn reading(&self) -> std::sync::MutexGuard<'_, Reading> {
        self.reading
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The time now, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.reading().now()
    }

    /// Whether the clock stands still between moves (it was given a start time).
    pub fn is_frozen(&self) -> bool {
        self.reading().since.is_none()
    }

    /// Moves the clock to `to`, which must not be before its time; a ticking clock goes on
    /// ticking from there.
    pub fn set(&self, to: i64) -> Result<(), BackwardsError> {
        let mut reading = self.reading();
        let now = reading.now();
        if to < now {
            return Err(BackwardsError { to, now });
        }
        reading.at = to;
        if reading.since.is_some() {
            reading.since = Some(Instant::now());
        }
        Ok(())
    }

    /// Where the clock started, or was last reset to.
    pub fn genesis(&self) -> i64 {
        self.reading().genesis
    }

    /// Puts the clock at `to`, backwards too, and makes that its genesis: what the time
    /// machine's `start_afresh` does.
    pub fn reset(&self, to: i64) {
        let mut reading = self.reading();
        reading.at = to;
        reading.genesis = to;
        if reading.since.is_some() {
            reading.since = Some(Instant::now());
        }
    }

    /// Moves the clock forward by `by` (whole seconds; the rest is dropped).
    pub fn advance(&self, by: Duration) {
        let mut reading = self.reading();
        let seconds = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        reading.at = reading.at.saturating_add(seconds);
    }
}

/// The wall clock's time in Unix seconds.
fn wall_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_moves_only_when_told_and_only_forward() {
        let clock = Clock::new(Some(1_767_225_600));
        assert!(clock.is_frozen());
        assert_eq!(clock.now(), 1_767_225_600);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), 1_767_225_690);
        clock.set(1_767_312_000).unwrap();
        assert_eq!(clock.now(), 1_767_312_000);
        let refused = clock.set(1_767_311_999).unwrap_err();
        assert_eq!(
            refused,
            BackwardsError {
                to: 1_767_311_999,
                now: 1_767_312_000
            }
        );
        assert_eq!(clock.now(), 1_767_312_000, "a refused move changes nothing");
        assert_eq!(clock.genesis(), 1_767_225_600);
        clock.reset(1_700_000_000);
        assert_eq!(
            (clock.now(), clock.genesis()),
            (1_700_000_000, 1_700_000_000)
        );
    }

    #[test]
    fn a_ticking_clock_starts_at_the_wall_clock_and_can_be_moved_ahead() {
        let clock = Clock::new(None);
        assert!(!clock.is_frozen());
        let wall = wall_now();
        assert!((clock.now() - wall).abs() <= 1);
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() >= wall + 3600);
        assert!(clock.set(wall).is_err(), "an hour back is refused");
    }
}
