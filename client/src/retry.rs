//! When and how long to wait before trying a call again.
//!
//! A failed attempt is retried when the failure is transient (a connection that could not be
//! made or broke, a timeout, HTTP 429, 500, 502, 503, 504) and retrying cannot apply the call
//! twice: reads and deletes always qualify, and POSTs carrying an idempotency key do. A POST
//! without one is retried only when Chargebee cannot have processed it (no connection was
//! made, or HTTP 429). Delays grow exponentially with full jitter; a `Retry-After` header
//! (seconds or HTTP date) replaces the computed delay, clamped to `max_delay`. Attempts are
//! capped here, and the client's timeout bounds each call's whole time: no call retries
//! forever.

use std::time::{Duration, SystemTime};

/// How a client retries failed calls. Start from [`RetryPolicy::default`] or
/// [`RetryPolicy::none`] and change what differs:
///
/// ```
/// use chargebee::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(6)
///     .max_delay(Duration::from_secs(4));
/// assert_eq!(policy.max_attempts, 6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 turns retries off).
    pub max_attempts: u32,
    /// The backoff before the first retry, doubled for each one after.
    pub base_delay: Duration,
    /// The longest single wait, also the cap on `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 250 ms base delay, 8 s longest wait.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the attempts in all, the first included (the client refuses 0).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the backoff before the first retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest single wait, also the cap on `Retry-After`.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The wait before retry number `retry` (1 for the first), honouring `retry_after`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exp = self.base_delay.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let ceiling = exp.min(self.max_delay);
        // Full jitter; `try_` because a ceiling near `Duration::MAX` does not survive the trip
        // through f64 exactly.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * fastrand::f64()).unwrap_or(ceiling)
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection was made: the request was never sent.
    Connect,
    /// The connection broke or timed out after the request may have been sent.
    Interrupted,
    /// An HTTP status.
    Status(u16),
}

/// Whether an attempt that failed this way may be tried again.
pub(crate) fn retryable(failure: Failure, replay_safe: bool) -> bool {
    match failure {
        Failure::Connect | Failure::Status(429) => true,
        Failure::Interrupted | Failure::Status(500 | 502 | 503 | 504) => replay_safe,
        Failure::Status(_) => false,
    }
}

/// Reads a `Retry-After` value: whole seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn delays_grow_are_jittered_and_capped() {
        // Reproducible draws; 400 per retry make each bound below fail by chance with a
        // probability under 1e-40.
        fastrand::seed(7);
        let policy = RetryPolicy::default();
        // The documented default: 250 ms doubling per retry, waits up to 8 s.
        let ceilings_ms = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000];
        let (mut previous_ceiling, mut previous_longest) = (Duration::ZERO, Duration::ZERO);
        for (retry, ceiling_ms) in (1..).zip(ceilings_ms) {
            let ceiling = Duration::from_millis(ceiling_ms);
            let delays: Vec<Duration> = (0..400).map(|_| policy.delay(retry, None)).collect();
            let shortest = *delays.iter().min().unwrap();
            let longest = *delays.iter().max().unwrap();
            let mean = delays.iter().sum::<Duration>() / 400;
            assert!(
                longest <= ceiling,
                "retry {retry}: {longest:?} > {ceiling:?}"
            );
            // Full jitter: spread over the whole range, centred on its middle.
            assert!(
                shortest < ceiling / 4,
                "retry {retry}: shortest {shortest:?}"
            );
            assert!(
                longest > ceiling * 3 / 4,
                "retry {retry}: longest {longest:?}"
            );
            assert!(
                mean > ceiling * 2 / 5 && mean < ceiling * 3 / 5,
                "retry {retry}: mean {mean:?} of up to {ceiling:?}"
            );
            // Growth: until the cap, each retry's waits reach past all of the one before.
            if ceiling > previous_ceiling {
                assert!(longest > previous_longest * 3 / 2, "retry {retry}");
            }
            (previous_ceiling, previous_longest) = (ceiling, longest);
        }
        for retry in [9, 31, 32, 40, u32::MAX] {
            assert!(
                policy.delay(retry, None) <= policy.max_delay,
                "retry {retry}"
            );
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            policy.max_delay
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn only_safe_failures_are_retried() {
        assert!(retryable(Failure::Connect, false));
        assert!(retryable(Failure::Status(429), false));
        assert!(!retryable(Failure::Status(503), false));
        assert!(retryable(Failure::Status(503), true));
        assert!(!retryable(Failure::Interrupted, false));
        assert!(retryable(Failure::Interrupted, true));
        assert!(!retryable(Failure::Status(400), true));
        assert!(!retryable(Failure::Status(501), true));
    }
}
