//! The front doors a request comes through, and what each asks of it before its call is
//! served: the Maton gateway (`/chargebee/api/v2/…`: the Bearer key, at most
//! [`GATEWAY_RATE`] requests a second per key, a usable connection), Chargebee directly
//! (`/api/v2/…`: HTTP Basic with the API key as user name) and the control API
//! (`/connections…`: the Bearer key and its rate).

use crate::failure::Failure;
use crate::store::Connection;
use crate::Config;
use axum::http::{header, HeaderMap, StatusCode};
use base64::Engine;
use chargebee_description::ApiBase;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Requests per second the gateway allows one key (and the burst it allows at once).
pub const GATEWAY_RATE: f64 = 10.0;

/// Which front door a path comes through, with the path below that door's API root.
pub enum Door<'a> {
    Gateway(&'a str),
    Direct(&'a str),
    Control(&'a str),
    /// The emulator's own pages (hosted pages, PDFs, fault injection).
    Other,
}

impl<'a> Door<'a> {
    /// The door `path` comes through.
    pub fn of(path: &'a str) -> Self {
        if let Some(rest) = path.strip_prefix("/chargebee/api/v2") {
            Door::Gateway(rest)
        } else if let Some(rest) = path.strip_prefix("/api/v2") {
            Door::Direct(rest)
        } else if path == "/connections" || path.starts_with("/connections/") {
            Door::Control(path)
        } else {
            Door::Other
        }
    }

    /// The API a path calls (Chargebee's through either door, or the control API) and the
    /// path below that API's root; `None` for the emulator's own pages.
    pub fn api(path: &'a str) -> Option<(ApiBase, &'a str)> {
        match Door::of(path) {
            Door::Gateway(rest) | Door::Direct(rest) => Some((ApiBase::Chargebee, rest)),
            Door::Control(rest) => Some((ApiBase::Control, rest)),
            Door::Other => None,
        }
    }
}

/// The gateway key from `Authorization: Bearer …`, when it is the configured one.
pub fn bearer(config: &Config, headers: &HeaderMap) -> Result<String, Failure> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(key) if key == config.maton_api_key => Ok(key.to_string()),
        Some(_) => Err(Failure::gateway(
            StatusCode::UNAUTHORIZED,
            "invalid Maton API key",
        )),
        None => Err(Failure::gateway(
            StatusCode::UNAUTHORIZED,
            "missing Maton API key: send Authorization: Bearer <key>",
        )),
    }
}

/// Checks HTTP Basic with the Chargebee API key as user name (any key when none is
/// configured).
pub fn basic(config: &Config, headers: &HeaderMap) -> Result<(), Failure> {
    let user = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|pair| {
            pair.split_once(':')
                .map_or(pair.clone(), |(user, _)| user.to_string())
        });
    match (user, &config.chargebee_api_key) {
        (Some(user), Some(key)) if &user == key => Ok(()),
        (Some(user), None) if !user.is_empty() => Ok(()),
        _ => Err(Failure::direct_unauthorized()),
    }
}

/// Each gateway key's token bucket: tokens left, and when it was last filled.
#[derive(Default)]
pub struct RateLimits(Mutex<HashMap<String, (f64, Instant)>>);

impl RateLimits {
    /// Takes a token of `key`'s bucket, which holds [`GATEWAY_RATE`] and refills at
    /// [`GATEWAY_RATE`] a second; 429 when it is empty.
    pub fn take(&self, key: &str) -> Result<(), Failure> {
        let now = Instant::now();
        let mut buckets = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tokens, filled) = buckets
            .entry(key.to_string())
            .or_insert((GATEWAY_RATE, now));
        let refill = now.duration_since(*filled).as_secs_f64() * GATEWAY_RATE;
        *tokens = (*tokens + refill).min(GATEWAY_RATE);
        *filled = now;
        if *tokens < 1.0 {
            return Err(Failure::rate_limited(1));
        }
        *tokens -= 1.0;
        Ok(())
    }
}

/// The connection a gateway call uses: the one `Maton-Connection` names, else the oldest
/// active one; refused when there is none to use.
pub fn pick_connection(connections: &[Connection], headers: &HeaderMap) -> Result<(), Failure> {
    let active = |c: &&Connection| c.status == "ACTIVE";
    match headers
        .get("maton-connection")
        .map(|v| v.to_str().unwrap_or_default())
    {
        Some(id) => match connections.iter().find(|c| c.id == id) {
            Some(c) if active(&c) => Ok(()),
            Some(_) => Err(Failure::gateway(
                StatusCode::BAD_REQUEST,
                format!("connection {id} is not active"),
            )),
            None => Err(Failure::gateway(
                StatusCode::BAD_REQUEST,
                format!("unknown connection {id}"),
            )),
        },
        None if connections.iter().any(|c| active(&c)) => Ok(()),
        None => Err(Failure::gateway(
            StatusCode::BAD_REQUEST,
            "no active Chargebee connection: create one at /connections",
        )),
    }
}
