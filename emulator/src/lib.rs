//! A local Chargebee API v2 and Maton gateway for tests, served from the API description the
//! spec generates (`chargebee-description`): every operation of the spec is routed, and its
//! parameters are checked as Chargebee checks them.
//!
//! - **Stateful**: create, retrieve, update, delete and list of the [`KEPT_RESOURCES`]
//!   (customers, the product catalog of both versions, coupons, comments, …; custom fields
//!   kept; documented defaults for what a create leaves out, nothing made up; references
//!   checked; list filters, `sort_by`, `limit`, `offset` paging and `include_deleted`);
//!   subscriptions created with items for a customer, listed, retrieved, deleted, and
//!   moved between states as Chargebee allows (cancel, pause, resume, reactivate, a new term
//!   end, item changes at once or scheduled; a transition the state does not allow answers
//!   409 `invalid_state_for_request`), and their life over time (future starts, trial ends,
//!   renewals on calendar terms, billing cycles running out, scheduled pauses, resumptions,
//!   changes and cancellations, and the reminders ahead of trial ends, renewals and
//!   cancellations); the invoice each term raises (paid, posted under Net D terms, or due),
//!   priced by each item price's pricing model, less a coupon, then paid by the customer's
//!   promotional credits, refundable credits and excess payments before its card is
//!   charged, and its PDF (`invoice.pdf` links to a real PDF); item changes at once
//!   prorated to the second, or left unbilled; payments recorded against invoices or
//!   collected from cards, and their transactions; credit notes that adjust or credit an
//!   invoice; refunds by card or recorded; invoices written off, voided or deleted;
//!   estimates worked out by the same engine on a copy of the state; Chargebee's time
//!   machine over the emulator's clock; hosted pages whose card form, submitted, creates
//!   the customer, card, subscription and invoice, changes a subscription or adds a card;
//!   portal sessions whose URLs open the portal once, activated and logged out; the Maton
//!   connections of the control API.
//! - **Not emulated**: every other operation answers HTTP 501 with Chargebee's error JSON and
//!   `api_error_code: "not_emulated"`, after its parameters are checked, never a made-up
//!   success. [`Config::synthesize`] opts in to synthesized answers (every field present,
//!   placeholder values, nothing kept) for all of them or for some.
//! - **Front doors**: the gateway (`/chargebee/api/v2/…`, `Authorization: Bearer <key>`, an
//!   optional `Maton-Connection`, 10 requests per second per key), Chargebee directly
//!   (`/api/v2/…`, HTTP Basic with the API key as user name) and the control API
//!   (`/connections`).
//! - **Events**: state changes are recorded (`event.list`) and, with [`Config::webhook`],
//!   POSTed in order with HTTP Basic, a failed delivery retried on Chargebee's schedule on
//!   the emulator's clock.
//! - **Faults** on demand ([`Emulator::inject`]): the next calls answer 429 or 503, never
//!   answer, or lose their connection; or the next time travel fails.
//! - **Idempotency**: a POST that repeats a `chargebee-idempotency-key` with the same path id
//!   and parameters within 30 minutes gets the first answer again, marked
//!   `chargebee-idempotency-replayed: true`; with other parameters it is refused (400
//!   `invalid_request`).
//! - **One clock** ([`Emulator::clock`]): ticking with the wall clock, or standing still at
//!   [`Config::now`] until moved forward.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = chargebee_emulator::Emulator::start().await?;
//! let client = emulator.client();
//! let created = client.customers().create().email("ada@example.com").send().await?;
//! assert_eq!(created.customer.email.as_deref(), Some("ada@example.com"));
//! # Ok(()) }
//! ```

mod billing;
mod calendar;
mod changes;
mod checkout;
mod clock;
mod control;
mod coupon_codes;
mod coupons;
mod credit_notes;
mod credits;
mod crud;
mod decimal;
mod defaults;
mod dispatch;
mod doors;
mod dunning;
mod estimates;
mod events;
mod excess;
mod failure;
mod faults;
mod fields;
mod filter;
mod gateway;
mod ids;
mod invoices;
mod lifecycle;
mod pages;
mod params;
mod payments;
mod portal;
mod pricing;
mod promotions;
mod proration;
mod refunds;
mod removals;
mod routes;
mod schedule;
mod server;
mod store;
mod time_machine;
mod transitions;
mod unbilled;
mod voiding;
mod webhooks;

pub use calendar::{days_from_civil, days_in_month, parse_time};
pub use clock::BackwardsError;
pub use faults::{Fault, FaultKind};
use server::Shared;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
pub use store::STATE_VERSION;
use tokio::sync::oneshot;

/// Whether the emulator models `operation` (`resource.operation`, such as `customer.create`):
/// keeps or changes its state for it. Every other operation answers `not_emulated` (HTTP 501),
/// or 404 when its path names an id of a kept resource that does not exist.
pub fn models(operation: &str) -> bool {
    let api = chargebee_description::Api::embedded();
    api.operation(operation)
        .is_some_and(|op| dispatch::models(api, op))
}

/// The resources kept generically: their create, retrieve, update, delete and list
/// operations keep and read objects in the emulator's state, and do nothing else.
pub const KEPT_RESOURCES: &[&str] = &crud::KEPT;

/// The Maton API key an emulator accepts unless configured otherwise.
pub const DEFAULT_MATON_API_KEY: &str = "emulator-maton-key";

/// How an emulator authenticates and limits callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The Maton API key gateway and control calls must send as `Bearer`.
    pub maton_api_key: String,
    /// The Chargebee API key direct calls must send; `None` accepts any non-empty key.
    pub chargebee_api_key: Option<String>,
    /// Whether the gateway answers 429 past 10 requests per second per key.
    pub rate_limit: bool,
    /// Where events are POSTed, if anywhere.
    pub webhook: Option<Webhook>,
    /// Which operations the emulator does not model answer a made-up body instead of
    /// `not_emulated`: none unless asked for.
    pub synthesize: Synthesis,
    /// The time, in Unix seconds, the emulator's clock ([`Emulator::clock`]) starts at and
    /// stands still at until it is moved (reproducible runs); `None` ticks with the wall
    /// clock.
    pub now: Option<i64>,
    /// How a failed automatic charge is retried, and what happens when retries run out.
    pub dunning: Dunning,
}

/// The site's dunning settings: after an invoice's automatic charge fails, it is charged
/// again after each delay in `retry_after_days` (each counted from the attempt before), on
/// the emulator's clock. When every retry has failed the invoice is `not_paid`, and with
/// `cancel_subscription` its subscription is cancelled (`cancel_reason: not_paid`).
///
/// The default, three retries 3 days apart, then cancellation: three retries is Chargebee's
/// number for its first dunning version; the delays are a site setting Chargebee leaves to
/// each site, so set them to your site's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dunning {
    pub retry_after_days: Vec<u32>,
    pub cancel_subscription: bool,
}

impl Default for Dunning {
    fn default() -> Self {
        Dunning {
            retry_after_days: vec![3, 3, 3],
            cancel_subscription: true,
        }
    }
}

/// Whether operations the emulator does not model answer a synthesized body: every field of
/// the answer present with the description's sample values (`Api::sample_answer`: text
/// `sample-text`, numbers 3, each enum's last value), nothing kept, nothing checked beyond
/// the parameters. Such an answer is not
/// Chargebee's behaviour; a test that passes against it proves only that the call's shape
/// decodes. Without it, such an operation answers HTTP 501 with Chargebee's error JSON and
/// `api_error_code: "not_emulated"`, naming the operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Synthesis {
    /// No operation: each that is not modeled answers `not_emulated` (the default).
    #[default]
    Off,
    /// Every operation that is not modeled.
    All,
    /// These operations (`resource.operation`, such as `coupon.create`) when not modeled.
    Operations(BTreeSet<String>),
}

impl Synthesis {
    /// Whether the operation `id` may answer a synthesized body.
    pub fn allows(&self, id: &str) -> bool {
        match self {
            Synthesis::Off => false,
            Synthesis::All => true,
            Synthesis::Operations(ids) => ids.contains(id),
        }
    }
}

/// A webhook endpoint: events are POSTed to `url` with HTTP Basic, in the order they happen.
/// An answer outside HTTP 2XX is a failure, retried on Chargebee's schedule (2 minutes, 6
/// minutes, 30 minutes, 1 hour, 5 hours, 1 day and 2 days apart) on the emulator's clock;
/// each event's `webhook_status` says how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub username: String,
    pub password: String,
    /// Deliver each event twice, and each new event before the one raised just before it,
    /// as retries and concurrency can make Chargebee's deliveries arrive: for testing a
    /// receiver's handling of duplicates and order. Off by default.
    pub disorder: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            maton_api_key: DEFAULT_MATON_API_KEY.into(),
            chargebee_api_key: None,
            rate_limit: true,
            webhook: None,
            synthesize: Synthesis::Off,
            now: None,
            dunning: Dunning::default(),
        }
    }
}

/// The clock of a running emulator ([`Emulator::clock`]), in Unix seconds.
pub struct EmulatorClock<'a> {
    shared: &'a Shared,
}

impl EmulatorClock<'_> {
    /// The emulator's time now.
    pub fn now(&self) -> i64 {
        self.shared.clock.now()
    }

    /// Whether the clock stands still between moves ([`Config::now`] was given).
    pub fn is_frozen(&self) -> bool {
        self.shared.clock.is_frozen()
    }

    /// Moves the clock to `to`, not before its time, and runs what fell due on the way.
    pub fn set(&self, to: i64) -> Result<(), BackwardsError> {
        self.shared.clock.set(to)?;
        self.shared.catch_up();
        Ok(())
    }

    /// Moves the clock forward by `by` (whole seconds) and runs what fell due on the way.
    pub fn advance(&self, by: std::time::Duration) {
        self.shared.clock.advance(by);
        self.shared.catch_up();
    }
}

/// Why a state could not be restored: what in it is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(String);

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "emulator state: {}", self.0)
    }
}

impl std::error::Error for StateError {}

/// Why a hosted page could not be completed: the reason its form would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutError(String);

impl std::fmt::Display for CheckoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hosted page not completed: {}", self.0)
    }
}

impl std::error::Error for CheckoutError {}

/// A running emulator; it stops when dropped.
pub struct Emulator {
    address: SocketAddr,
    config: Config,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
}

impl Emulator {
    /// Starts an emulator with the default [`Config`] on an ephemeral port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::start_with(Config::default(), 0).await
    }

    /// Starts an emulator with `config` on `port` of 127.0.0.1 (0 picks a free one).
    /// Keys must be non-empty and free of control characters (a client could not send them
    /// otherwise); anything else is refused as `InvalidInput`.
    pub async fn start_with(config: Config, port: u16) -> std::io::Result<Emulator> {
        let sendable = |key: &str| !key.trim().is_empty() && !key.chars().any(char::is_control);
        let keys = std::iter::once(&config.maton_api_key).chain(&config.chargebee_api_key);
        if !keys.into_iter().all(|k| sendable(k)) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "emulator keys must be non-empty and free of control characters",
            ));
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let shared = Arc::new_cyclic(|me| Shared::new(config.clone(), base_url, me.clone()));
        let router = axum::Router::new()
            .fallback(server::handle)
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            // Serving only ends on shutdown; an accept error is retried inside axum.
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(Emulator {
            address,
            config,
            shared,
            stop: Some(stop),
        })
    }

    /// The root URL: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Makes the next calls fail as `fault` says: `Fault::new(FaultKind::Unavailable, 2)`
    /// answers the next two calls with 503; `.for_operation("customer.create")` counts only
    /// that operation's calls. Over HTTP: `POST /_emulator/faults` with
    /// `{"kind": "unavailable", "count": 2, "operation": "customer.create"}`.
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(fault);
    }

    /// The emulator's clock: every time it stamps or compares reads it. Moving it with
    /// [`EmulatorClock::set`] or [`EmulatorClock::advance`] (forward only) runs what falls
    /// due on the way, in time order, as if that much time had passed.
    pub fn clock(&self) -> EmulatorClock<'_> {
        EmulatorClock {
            shared: &self.shared,
        }
    }

    /// Everything the emulator keeps, as JSON: stored objects by resource, connections, the
    /// id counter and the answers kept for idempotency keys (not the clock's time).
    pub fn state(&self) -> serde_json::Value {
        self.shared.snapshot()
    }

    /// Replaces everything the emulator keeps with `state`, as [`Emulator::state`] gave it.
    /// Malformed state is refused whole, and what was kept stays.
    pub fn restore(&self, state: &serde_json::Value) -> Result<(), StateError> {
        self.shared.restore(state).map_err(StateError)
    }

    /// Completes hosted page `id` (a checkout or a page managing payment sources) as its
    /// customer submitting the page's card form would, without a browser or HTTP: test card
    /// `card_number`, expiring 12/2099. What the form creates is created, with its events;
    /// the answer is where the browser would be sent on (`redirect_url` with `id` and
    /// `state=succeeded`), when the page has a `redirect_url`. Refused, creating nothing, as
    /// the form refuses (a declining card, a page submitted or expired), or when there is no
    /// such page.
    pub fn complete_hosted_page(
        &self,
        id: &str,
        card_number: &str,
    ) -> Result<Option<String>, CheckoutError> {
        let form = checkout::Form {
            number: card_number.to_string(),
            expiry_month: "12".to_string(),
            expiry_year: "2099".to_string(),
        };
        match self.shared.complete_checkout(id, &form) {
            Ok(done) => Ok(done.redirect),
            Err(None) => Err(CheckoutError(format!("there is no hosted page {id}"))),
            Err(Some(failure)) => Err(CheckoutError(
                failure.body["message"]
                    .as_str()
                    .unwrap_or("refused")
                    .to_string(),
            )),
        }
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A client that calls the emulator through its gateway front door, with the client's
    /// default settings (retries, and the gateway's 10 requests per second).
    pub fn client(&self) -> chargebee::Client {
        self.client_builder()
            .build()
            .expect("the emulator's URLs and key are valid")
    }

    /// A builder set up for the gateway front door, to change other settings before `build()`.
    pub fn client_builder(&self) -> chargebee::ClientBuilder {
        chargebee::Client::builder()
            .maton_api_key(self.config.maton_api_key.clone())
            .base_url(format!("{}/chargebee", self.url()))
            .control_base_url(self.url())
    }

    /// A client that calls the emulator as Chargebee directly (HTTP Basic), with no rate limit.
    pub fn direct_client(&self) -> chargebee::Client {
        let key = self
            .config
            .chargebee_api_key
            .clone()
            .unwrap_or_else(|| "emulator-site-key".into());
        chargebee::Client::builder()
            .direct("emulator", key)
            .base_url(self.url())
            .build()
            .expect("the emulator's URL and key are valid")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
