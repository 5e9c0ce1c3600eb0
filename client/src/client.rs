//! The client and its builder: credentials, base URLs, connection, timeouts.

use crate::hooks::Hook;
use crate::limiter::{RateLimit, RateLimiter};
use crate::{Error, RetryPolicy};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Where gateway calls go unless overridden.
pub const GATEWAY_URL: &str = "https://gateway.maton.ai/chargebee";
/// Where connection management calls go unless overridden.
pub const CONTROL_URL: &str = "https://ctrl.maton.ai";
/// The environment variable with the Maton API key (gateway mode).
pub const API_KEY_VAR: &str = "MATON_API_KEY";
/// The environment variable with the Chargebee site name (direct mode).
pub const SITE_VAR: &str = "CHARGEBEE_SITE";
/// The environment variable with the Chargebee API key (direct mode).
pub const CHARGEBEE_API_KEY_VAR: &str = "CHARGEBEE_API_KEY";

/// The longest a call takes unless told otherwise: limiter queueing, attempts and waits.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest one HTTP exchange takes unless told otherwise.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests per second the gateway client allows itself unless told otherwise.
pub const DEFAULT_GATEWAY_RATE: f64 = 10.0;

/// The lowest rate limit accepted: one request a day.
const MIN_RATE: f64 = 1.0 / 86_400.0;
/// The largest response body read unless told otherwise: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 << 20;

/// A Chargebee client. Cloning is cheap: clones share one connection pool and one rate
/// limiter.
///
/// Reach operations through the resource accessors: `client.customers().list()`. The
/// `with_*` methods make handles that share the pool and limiter but call with another
/// connection, timeout or retry policy.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) settings: Arc<CallSettings>,
}

/// What one handle of a client calls with; [`Client`]'s `with_*` methods change it.
#[derive(Debug, Clone)]
pub(crate) struct CallSettings {
    /// The `Maton-Connection` header, if any.
    pub(crate) connection: Option<String>,
    pub(crate) retry: RetryPolicy,
    /// The longest a whole call takes.
    pub(crate) timeout: Duration,
    /// The longest one HTTP exchange takes.
    pub(crate) attempt_timeout: Duration,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) auth: Auth,
    /// The `user-agent` header every request carries.
    pub(crate) user_agent: reqwest::header::HeaderValue,
    /// Chargebee API root, ending in `/api/v2`.
    pub(crate) chargebee_base: String,
    /// Maton control API root; unset when `base_url` replaced the Chargebee root and
    /// `control_base_url` was not given, so control calls (which carry the Maton key) are
    /// refused rather than sent to the real control API.
    pub(crate) control_base: Result<String, ControlUnset>,
    /// Whether `base_url` replaced the default root (then subdomain hosts are not used).
    pub(crate) base_overridden: bool,
    pub(crate) limiter: Option<Arc<dyn RateLimit>>,
    pub(crate) max_response_bytes: usize,
    /// Told about every attempt.
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    /// Whether `http` is the caller's (which may follow redirects) rather than the
    /// client's own (which never does).
    pub(crate) caller_http: bool,
}

/// Why a client has no control API root: the Chargebee root was pointed at `base_host`, and
/// the control root was left at its default.
#[derive(Debug, Clone)]
pub(crate) struct ControlUnset {
    /// The host (and port) of the replaced Chargebee root.
    pub(crate) base_host: String,
}

impl ControlUnset {
    /// The error a control call of `operation` gets.
    pub(crate) fn error(&self, operation: &str) -> Error {
        Error::Config(format!(
            "{operation} uses the Maton control API, but only the Chargebee base URL was \
             replaced (host {}); it would go to {} with the Maton key. Set \
             control_base_url too (for the emulator, its root URL)",
            self.base_host,
            host_of(CONTROL_URL)
        ))
    }
}

/// How requests are authenticated.
pub(crate) enum Auth {
    /// Through the Maton gateway: `Authorization: Bearer <Maton API key>`.
    Gateway { key: Secret },
    /// Directly to `{site}.chargebee.com`: HTTP Basic with the Chargebee API key.
    Direct { site: String, key: Secret },
}

/// A credential that never shows in `Debug` or `Display`.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Client {
    /// A client with the credentials in the environment ([`ClientBuilder::from_env`]):
    /// through the gateway with `MATON_API_KEY`, else straight to Chargebee with
    /// `CHARGEBEE_SITE` and `CHARGEBEE_API_KEY`, the variables the `chargebee` command line
    /// reads.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A direct client with the site in `CHARGEBEE_SITE` and the key in
    /// `CHARGEBEE_API_KEY`, whatever `MATON_API_KEY` says.
    pub fn from_env_direct() -> Result<Client, Error> {
        match (env_value(SITE_VAR), env_value(CHARGEBEE_API_KEY_VAR)) {
            (Some(site), Some(key)) => Client::builder().direct(site, key).build(),
            _ => Err(Error::Config(format!(
                "{SITE_VAR} and {CHARGEBEE_API_KEY_VAR} must both be set (not empty) to call \
                 Chargebee directly"
            ))),
        }
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn is_gateway(&self) -> bool {
        matches!(self.inner.auth, Auth::Gateway { .. })
    }

    /// A handle that calls through the Maton connection `id` (the `Maton-Connection`
    /// header), sharing this client's pool and rate limiter.
    pub fn with_connection(&self, id: impl Into<String>) -> Result<Client, Error> {
        let id = id.into();
        check_connection(&id)?;
        Ok(self.with_settings(|s| s.connection = Some(id)))
    }

    /// A handle whose calls each end within `timeout`: time queued in the rate limiter,
    /// every attempt and every wait between attempts included.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.with_settings(|s| s.timeout = timeout)
    }

    /// A handle whose single HTTP exchanges each end within `timeout`, from connecting to
    /// the last byte of the body.
    pub fn with_attempt_timeout(&self, timeout: Duration) -> Client {
        self.with_settings(|s| s.attempt_timeout = timeout)
    }

    /// A handle that retries as `policy` says; a policy allowing no attempt is refused.
    pub fn with_retry(&self, policy: RetryPolicy) -> Result<Client, Error> {
        check_retry(&policy)?;
        Ok(self.with_settings(|s| s.retry = policy))
    }

    fn with_settings(&self, change: impl FnOnce(&mut CallSettings)) -> Client {
        let mut settings = CallSettings::clone(&self.settings);
        change(&mut settings);
        Client {
            inner: self.inner.clone(),
            settings: Arc::new(settings),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match &self.inner.auth {
            Auth::Gateway { .. } => "gateway".to_string(),
            Auth::Direct { site, .. } => format!("direct ({site})"),
        };
        f.debug_struct("Client")
            .field("mode", &mode)
            .field("chargebee_base", &self.inner.chargebee_base)
            .field("control_base", &self.inner.control_base.as_ref().ok())
            .field("connection", &self.settings.connection)
            .field("timeout", &self.settings.timeout)
            .field("attempt_timeout", &self.settings.attempt_timeout)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]; `build()` checks them.
#[derive(Default)]
pub struct ClientBuilder {
    auth: Option<Auth>,
    base_url: Option<String>,
    control_url: Option<String>,
    connection: Option<String>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<Option<f64>>,
    max_response_bytes: Option<usize>,
    proxy: Option<ProxySetting>,
    /// The caller's own limiter.
    rate_limiter: Option<Arc<dyn RateLimit>>,
    /// The Redis URL and key of a limit shared by processes.
    #[cfg(feature = "redis")]
    shared_rate_limit: Option<(String, String)>,
    /// The caller's own HTTP client.
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
}

/// Where https requests go through, if anywhere.
enum ProxySetting {
    /// This proxy URL.
    Url(String),
    /// The URL in `HTTPS_PROXY` (or `https_proxy`), read when the client is built.
    Environment,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("control_url", &self.control_url)
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

/// The value of environment variable `name`, unless it is unset or blank.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl ClientBuilder {
    /// A builder with the credentials in the environment, to add settings before `build()`:
    /// the Maton API key in `MATON_API_KEY` (through the gateway) when it is set, else the
    /// site and key in `CHARGEBEE_SITE` and `CHARGEBEE_API_KEY` (straight to Chargebee). A
    /// variable set to blanks counts as unset. With neither, [`Error::Config`] names the
    /// variables.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        match (
            env_value(API_KEY_VAR),
            env_value(SITE_VAR),
            env_value(CHARGEBEE_API_KEY_VAR),
        ) {
            (Some(key), _, _) => Ok(Client::builder().maton_api_key(key)),
            (None, Some(site), Some(key)) => Ok(Client::builder().direct(site, key)),
            _ => Err(Error::Config(format!(
                "no credentials in the environment: {API_KEY_VAR} is not set (through the \
                 Maton gateway), nor both {SITE_VAR} and {CHARGEBEE_API_KEY_VAR} (straight to \
                 Chargebee)"
            ))),
        }
    }

    /// Calls go through the Maton gateway with this Maton API key.
    pub fn maton_api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Some(Auth::Gateway {
            key: Secret(key.into()),
        });
        self
    }

    /// Calls go straight to `https://{site}.chargebee.com` with this Chargebee API key.
    pub fn direct(mut self, site: impl Into<String>, api_key: impl Into<String>) -> Self {
        self.auth = Some(Auth::Direct {
            site: site.into(),
            key: Secret(api_key.into()),
        });
        self
    }

    /// Replaces the root that `/api/v2/…` is appended to (a proxy, or a local test server).
    ///
    /// The URL is taken as written: whitespace, control characters or a user name and
    /// password in it are refused by `build()`. Once it is replaced, calls to the Maton control
    /// API (connections) need [`ClientBuilder::control_base_url`] too: without it they are
    /// refused with [`Error::Config`], so the key never reaches a host the caller did not
    /// name.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Replaces the Maton control API root (`https://ctrl.maton.ai`); checked as
    /// [`ClientBuilder::base_url`] is.
    pub fn control_base_url(mut self, url: impl Into<String>) -> Self {
        self.control_url = Some(url.into());
        self
    }

    /// Picks the Maton connection (the `Maton-Connection` header) when there are several.
    pub fn connection(mut self, id: impl Into<String>) -> Self {
        self.connection = Some(id.into());
        self
    }

    /// Sends through `client` instead of a client of the builder's own, to share a
    /// connection pool, a TLS setup or a proxy with the rest of an application. Build it
    /// with `redirect(reqwest::redirect::Policy::none())`: an answer that comes from another
    /// URL than the request went to (a redirect it followed) is refused with
    /// [`Error::Redirect`]. [`ClientBuilder::proxy`], [`ClientBuilder::proxy_from_env`] and
    /// [`ClientBuilder::connect_timeout`] set up the builder's own client and are refused
    /// beside it: set them on `client`. Timeouts per attempt and per call, retries, the rate
    /// limiter and redaction stay this client's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds `hook`, told about every attempt of every call ([`Hook`]).
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Sends https requests through this proxy (`http://proxy.internal:3128`), as a tunnel
    /// the proxy cannot read. Plain http (allowed only to a loopback host) never goes through a
    /// proxy. Without this or [`ClientBuilder::proxy_from_env`], no proxy is used, whatever the
    /// environment says.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(ProxySetting::Url(url.into()));
        self
    }

    /// Sends https requests through the proxy named by `HTTPS_PROXY` (or `https_proxy`) when
    /// the client is built, if it names one; `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are not
    /// read. Plain http never goes through a proxy.
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = Some(ProxySetting::Environment);
        self
    }

    /// The longest a call takes in all (default 60 s): time queued in the rate limiter,
    /// every attempt and every wait between attempts. When it passes, the call ends with
    /// [`Error::Deadline`]; a retry whose wait would end after it is not started, and the last
    /// attempt's error is returned at once. Each page of a `stream()` is one call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest one HTTP exchange takes, from connecting to the last byte of the body
    /// (default 30 s); an attempt cut short this way may be retried.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Limit on establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `chargebee-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How failed calls are retried (default: [`RetryPolicy::default`]); pass
    /// [`RetryPolicy::none`] to turn retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Requests per second this client and its clones send at most, or `None` for no limit.
    /// The default is 10 per second through the gateway and no limit in direct mode.
    pub fn rate_limit(mut self, per_second: Option<f64>) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Takes send slots from `limiter` instead of the built-in limiter, so the rate limit
    /// can live wherever the caller keeps it; [`ClientBuilder::rate_limit`] is then not used.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimit>) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }

    /// Shares the rate limit with every process (and client) that names the same `key` in
    /// the Redis at `redis_url` (`redis://[:password@]host[:port][/db]`), so a fleet together
    /// stays under the gateway's 10 requests per second per account. The rate is
    /// [`ClientBuilder::rate_limit`]'s (10 per second through the gateway by default); each
    /// process then takes send slots spaced `1 / rate` apart across the fleet, on Redis's clock.
    ///
    /// Redis is reached on the first call, not here. When it cannot be reached or fails, the
    /// process limits itself alone at the same rate (so a fleet of N may send N times the
    /// rate), logs a warning once, and tries Redis again a second later.
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit(
        mut self,
        redis_url: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        self.shared_rate_limit = Some((redis_url.into(), key.into()));
        self
    }

    /// The largest response body read; a larger one is an error (default 32 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(mut self) -> Result<Client, Error> {
        let auth = self.auth.take().ok_or_else(|| {
            Error::Config("no credentials: call maton_api_key(key) or direct(site, api_key)".into())
        })?;
        let default_base = match &auth {
            Auth::Gateway { key } => {
                check_key("the Maton API key", key)?;
                GATEWAY_URL.to_string()
            }
            Auth::Direct { site, key } => {
                check_key("the Chargebee API key", key)?;
                if site.is_empty() || !site.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(Error::Config(
                        "the site is not a Chargebee site name (letters, digits and `-`); it is \
                         not repeated here, as it may be a key given in the wrong place"
                            .into(),
                    ));
                }
                format!("https://{site}.chargebee.com")
            }
        };
        let base = checked_url(
            "base URL",
            self.base_url.as_deref().unwrap_or(&default_base),
        )?;
        let control = match (&self.control_url, &self.base_url) {
            (Some(url), _) => Ok(checked_url("control base URL", url)?),
            (None, Some(_)) => Err(ControlUnset {
                base_host: host_of(&base),
            }),
            (None, None) => Ok(CONTROL_URL.to_string()),
        };
        if let Some(c) = &self.connection {
            check_connection(c)?;
        }
        let retry = self.retry.unwrap_or_default();
        check_retry(&retry)?;
        let default_rate = matches!(auth, Auth::Gateway { .. }).then_some(DEFAULT_GATEWAY_RATE);
        let rate = self.rate_limit.unwrap_or(default_rate);
        if let Some(rate) = rate {
            check_rate(rate)?;
        }
        let limiter = self.limiter(rate)?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("chargebee-rust/{}", env!("CARGO_PKG_VERSION")));
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::Config("the user agent cannot travel in an HTTP header".into()))?;
        let caller_http = self.http_client.is_some();
        let http = match self.http_client.take() {
            Some(_) if self.proxy.is_some() || self.connect_timeout.is_some() => {
                return Err(Error::Config(
                    "http_client is set: set its proxy and connect timeout on that \
                     reqwest::Client, not on the builder"
                        .into(),
                ))
            }
            Some(http) => http,
            None => {
                let mut http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    // A redirect would carry the key, the body and the idempotency key to
                    // another origin; the transport reports it instead.
                    .redirect(reqwest::redirect::Policy::none())
                    .no_proxy();
                if let Some(proxy) = https_proxy(self.proxy)? {
                    http = http.proxy(proxy);
                }
                http.build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                user_agent,
                chargebee_base: format!("{base}/api/v2"),
                control_base: control,
                base_overridden: self.base_url.is_some(),
                limiter,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                hooks: self.hooks,
                caller_http,
            }),
            settings: Arc::new(CallSettings {
                connection: self.connection,
                retry,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            }),
        })
    }

    /// The limiter for `rate` requests per second: the caller's own, or shared through Redis
    /// when asked for, or local.
    fn limiter(&self, rate: Option<f64>) -> Result<Option<Arc<dyn RateLimit>>, Error> {
        if let Some(limiter) = &self.rate_limiter {
            #[cfg(feature = "redis")]
            if self.shared_rate_limit.is_some() {
                return Err(Error::Config(
                    "both rate_limiter and shared_rate_limit are set; choose one".into(),
                ));
            }
            return Ok(Some(limiter.clone()));
        }
        #[cfg(feature = "redis")]
        if let Some((url, key)) = &self.shared_rate_limit {
            let rate = rate.ok_or_else(|| {
                Error::Config(
                    "a shared rate limit needs a rate: rate_limit(None) turned it off".into(),
                )
            })?;
            if key.is_empty() {
                return Err(Error::Config("the shared rate limit's key is empty".into()));
            }
            let shared =
                crate::limiter::SharedLimiter::new(url, key.clone(), rate).map_err(|e| {
                    Error::Config(format!(
                        "the shared rate limit's Redis URL cannot be used ({:?}); it is not \
                         repeated here, as it may hold a password",
                        e.kind()
                    ))
                })?;
            return Ok(Some(Arc::new(shared)));
        }
        Ok(rate.map(|rate| Arc::new(RateLimiter::new(rate)) as Arc<dyn RateLimit>))
    }
}

/// The proxy for https requests that `setting` asks for: never used for plain http.
fn https_proxy(setting: Option<ProxySetting>) -> Result<Option<reqwest::Proxy>, Error> {
    let url = match setting {
        None => return Ok(None),
        Some(ProxySetting::Url(url)) => url,
        Some(ProxySetting::Environment) => {
            let named = ["HTTPS_PROXY", "https_proxy"]
                .iter()
                .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
            match named {
                Some(url) => url,
                None => return Ok(None),
            }
        }
    };
    let parsed = reqwest::Url::parse(&url).map_err(|_| {
        Error::Config(
            "the proxy is not a URL (it is not repeated here: it may hold a password)".into(),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err(Error::Config(format!(
            "the proxy's scheme `{}` is not http, https or socks5",
            parsed.scheme()
        )));
    }
    let proxy =
        reqwest::Proxy::custom(move |target| (target.scheme() == "https").then(|| parsed.clone()));
    Ok(Some(proxy))
}

fn check_connection(id: &str) -> Result<(), Error> {
    if id.is_empty() || reqwest::header::HeaderValue::from_str(id).is_err() {
        return Err(Error::Config(format!(
            "connection id `{}` cannot be sent as a header",
            id.escape_debug()
        )));
    }
    Ok(())
}

fn check_rate(rate: f64) -> Result<(), Error> {
    if !(rate.is_finite() && rate > 0.0) {
        return Err(Error::Config(format!(
            "rate limit {rate} is not a positive number of requests per second"
        )));
    }
    if rate < MIN_RATE {
        return Err(Error::Config(format!(
            "rate limit {rate} is below one request a day ({MIN_RATE:e} per second)"
        )));
    }
    Ok(())
}

fn check_retry(policy: &RetryPolicy) -> Result<(), Error> {
    if policy.max_attempts == 0 {
        return Err(Error::Config(
            "the retry policy must allow at least one attempt".into(),
        ));
    }
    Ok(())
}

fn check_key(what: &str, key: &Secret) -> Result<(), Error> {
    let k = key.expose();
    if k.trim().is_empty() {
        return Err(Error::Config(format!("{what} is empty")));
    }
    if k.bytes().any(|b| b.is_ascii_control()) {
        return Err(Error::Config(format!("{what} contains control characters")));
    }
    Ok(())
}

/// The host and port of a URL already checked, for messages (never its credentials).
fn host_of(url: &str) -> String {
    reqwest::Url::parse(url).map_or_else(|_| "an unnamed host".into(), |u| host_port(&u))
}

/// The host and port of `url`, for messages (never its credentials).
fn host_port(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => "an unnamed host".into(),
    }
}

/// An http(s) URL without a trailing slash; plain http only for loopback hosts. The URL is
/// taken as written: what a URL parser would quietly clean up (surrounding whitespace, tabs,
/// line breaks) is refused, as is a user name or password. Messages name the host at most.
fn checked_url(what: &str, url: &str) -> Result<String, Error> {
    if url.trim() != url {
        return Err(Error::Config(format!(
            "{what} has whitespace around it; give the URL alone"
        )));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::Config(format!(
            "{what} contains whitespace or a control character (tab, line break)"
        )));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::Config(format!(
            "{what} is not a URL ({e}); it is not repeated here, as it may hold a password"
        ))
    })?;
    let host = host_port(&parsed);
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "{what} (host {host}) has a user name or password in it; credentials go in \
             maton_api_key or direct, never in the URL"
        )));
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config(format!(
                "{what} (host {host}) uses plain http for a host that is not loopback"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "{what} (host {host}) has scheme `{other}`, not https"
            )))
        }
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "{what} (host {host}) must not have a query or fragment"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}
