//! A rate limit kept in Redis and shared by every process that names the same key.
//!
//! Each send slot is reserved by one Lua script, which Redis runs atomically and on its own
//! clock: the key holds the time the next slot frees, a caller takes the later of that and
//! now, and pushes the key one interval further. Slots are so spaced `1 / rate` apart across
//! the whole fleet, first come first served, as the local limiter spaces them in one process.
//!
//! When Redis cannot be reached or fails, the process limits itself alone at the same rate,
//! warns once, and tries Redis again a second later; it says so when Redis answers again.

use super::{RateLimit, RateLimiter, SlotPastDeadline};
use futures::future::BoxFuture;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisError, Script};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Reserves one slot. KEYS[1]: the shared key. ARGV[1]: microseconds between slots. ARGV[2]:
/// the longest wait accepted in microseconds, or -1 for any. Returns the wait in microseconds,
/// or -1 (reserving nothing) when the slot lies past the longest wait. The key expires a
/// second after the last reserved slot has passed.
const RESERVE: &str = r"
local interval = tonumber(ARGV[1])
local longest = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = slot - now
if longest >= 0 and wait > longest then
  return -1
end
local next_free = slot + interval
local ttl = math.ceil((next_free - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_free), 'PX', ttl)
return wait
";

impl RateLimit for SharedLimiter {
    fn acquire(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> BoxFuture<'_, Result<(), SlotPastDeadline>> {
        Box::pin(SharedLimiter::acquire(
            self,
            deadline.map(Instant::from_std),
        ))
    }
}

/// The longest one Redis exchange (or connecting) takes before the local limiter is used.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long after a failure Redis is left alone.
const REDIS_REST: Duration = Duration::from_secs(1);

/// Send slots from Redis, with this process's own limiter to fall back on.
pub(crate) struct SharedLimiter {
    redis: redis::Client,
    key: String,
    interval: Duration,
    script: Script,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// Redis is not tried before this instant, after a failure.
    rest_until: Mutex<Option<Instant>>,
    /// Whether the last try of Redis failed (so the warning is logged once).
    degraded: AtomicBool,
    local: RateLimiter,
}

impl fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The Redis URL may hold a password: it is not shown.
        f.debug_struct("SharedLimiter")
            .field("key", &self.key)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl SharedLimiter {
    /// A limiter allowing `per_second` requests each second to all processes naming `key` in
    /// the Redis at `url`. Nothing is connected until the first call.
    pub(crate) fn new(url: &str, key: String, per_second: f64) -> Result<Self, RedisError> {
        Ok(SharedLimiter {
            redis: redis::Client::open(url)?,
            key,
            interval: Duration::from_secs_f64(1.0 / per_second),
            script: Script::new(RESERVE),
            connection: tokio::sync::Mutex::new(None),
            rest_until: Mutex::new(None),
            degraded: AtomicBool::new(false),
            local: RateLimiter::new(per_second),
        })
    }

    /// Waits for the next slot of the fleet; `Err(SlotPastDeadline)` at once, reserving nothing, when
    /// it comes after `deadline`.
    pub(crate) async fn acquire(&self, deadline: Option<Instant>) -> Result<(), SlotPastDeadline> {
        if self.resting() {
            return self.local.acquire(deadline).await;
        }
        let longest = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match self.reserve(longest).await {
            Ok(wait) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(key = %self.key, "shared rate limit: Redis answers again");
                }
                tokio::time::sleep(wait.ok_or(SlotPastDeadline)?).await;
                Ok(())
            }
            Err(error) => {
                *self.rest_until.lock().unwrap_or_else(|e| e.into_inner()) =
                    Instant::now().checked_add(REDIS_REST);
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        key = %self.key,
                        %error,
                        "shared rate limit: Redis failed; this process limits itself alone until \
                         it answers again"
                    );
                }
                self.local.acquire(deadline).await
            }
        }
    }

    /// Whether Redis is being left alone after a failure.
    fn resting(&self) -> bool {
        let rest_until = *self.rest_until.lock().unwrap_or_else(|e| e.into_inner());
        rest_until.is_some_and(|until| Instant::now() < until)
    }

    /// Reserves a slot no further away than `longest`: its wait, or `None` when it would be
    /// further.
    async fn reserve(&self, longest: Option<Duration>) -> Result<Option<Duration>, RedisError> {
        let micros = |d: Duration| i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        let mut connection = self.connection().await?;
        let reserved: Result<i64, RedisError> = self
            .script
            .key(&self.key)
            .arg(micros(self.interval))
            .arg(longest.map_or(-1, micros))
            .invoke_async(&mut connection)
            .await;
        match reserved {
            Ok(wait) => Ok(u64::try_from(wait).ok().map(Duration::from_micros)),
            Err(error) => {
                // The next try connects afresh.
                *self.connection.lock().await = None;
                Err(error)
            }
        }
    }

    /// The open connection, or a new one.
    async fn connection(&self) -> Result<MultiplexedConnection, RedisError> {
        let mut open = self.connection.lock().await;
        if let Some(connection) = open.as_ref() {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT));
        let connection = self
            .redis
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *open = Some(connection.clone());
        Ok(connection)
    }
}
