//! A client-side rate limiter shared by all clones of a client, so bursts queue instead of
//! drawing HTTP 429 from the gateway: kept in this process, in Redis for every process naming
//! the same key (feature `redis`), or anywhere a [`RateLimit`] of the caller's keeps it.

#[cfg(feature = "redis")]
mod shared;

use futures::future::BoxFuture;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[cfg(feature = "redis")]
pub(crate) use shared::SharedLimiter;

/// A source of send slots. The client asks it before every attempt, for calls of every clone
/// and handle. The built-in limiters (in this process, or in Redis) are two; give your own,
/// for a rate limit kept elsewhere (a database, a coordination service), to
/// [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter).
pub trait RateLimit: Send + Sync + fmt::Debug {
    /// Waits until the next request may be sent. When that would be after `deadline` (set
    /// by the call's timeout), returns `Err(SlotPastDeadline)` at once without taking the
    /// slot; the call then ends with [`Error::Deadline`](crate::Error::Deadline).
    fn acquire(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> BoxFuture<'_, Result<(), SlotPastDeadline>>;
}

/// Hands out send slots spaced `interval` apart, first come first served.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Duration,
    next_free: Mutex<Instant>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests each second (the client checks it is at least
    /// one a day, so the interval is representable).
    pub(crate) fn new(per_second: f64) -> Self {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next_free: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next free slot. When that slot comes after `deadline`, nothing is
    /// reserved and `Err(SlotPastDeadline)` comes back at once: waiting could not help.
    pub(crate) async fn acquire(&self, deadline: Option<Instant>) -> Result<(), SlotPastDeadline> {
        let slot = {
            let mut next = self.next_free.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            if deadline.is_some_and(|d| slot > d) {
                return Err(SlotPastDeadline);
            }
            *next = slot.checked_add(self.interval).unwrap_or(slot);
            slot
        };
        tokio::time::sleep_until(slot).await;
        Ok(())
    }
}

impl RateLimit for RateLimiter {
    fn acquire(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> BoxFuture<'_, Result<(), SlotPastDeadline>> {
        Box::pin(RateLimiter::acquire(self, deadline.map(Instant::from_std)))
    }
}

/// The next send slot comes after the call's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotPastDeadline;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_slot_past_the_deadline_is_refused_without_being_taken() {
        let limiter = RateLimiter::new(1.0);
        let start = Instant::now();
        assert_eq!(limiter.acquire(None).await, Ok(()));
        // The next slot is one second away: a deadline half a second out refuses it…
        let soon = Some(start + Duration::from_millis(500));
        assert_eq!(limiter.acquire(soon).await, Err(SlotPastDeadline));
        assert_eq!(Instant::now(), start, "the refusal did not wait");
        // …and did not take it: the next caller still gets the slot at one second.
        assert_eq!(limiter.acquire(None).await, Ok(()));
        assert_eq!(Instant::now(), start + Duration::from_secs(1));
    }
}
