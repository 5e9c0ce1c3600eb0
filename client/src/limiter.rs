//! A client-side rate limiter shared by all clones of a client, so bursts queue instead of
//! drawing HTTP 429 from the gateway.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

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

    /// Waits for the next free slot.
    pub(crate) async fn acquire(&self) {
        let slot = {
            let mut next = self.next_free.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot.checked_add(self.interval).unwrap_or(slot);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}
