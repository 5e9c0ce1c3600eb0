//! Every request, from its arrival to its answer: injected faults first, then the front door
//! it comes through lets it in (`doors`), it is routed to its operation and its parameters
//! are checked, an idempotency key replays an earlier answer, and the module that models the
//! operation serves it (`dispatch`), or it is refused as `not_emulated` (synthesized only
//! when the configuration asks); its events are recorded and delivered.

use crate::clock::Clock;
use crate::doors::{self, Door, RateLimits};
use crate::failure::Failure;
use crate::faults::{self, Fault, FaultKind, Faults};
use crate::params::{self, Params};
use crate::routes::Routes;
use crate::store::{self, Connection, Replay, Store};
use crate::webhooks::{self, Delivery};
use crate::{checkout, crud, dispatch, events, lifecycle, pages, time_machine, Config};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chargebee_description::{Api, ApiBase, BodyKind, HttpMethod, Operation};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::mpsc;

/// Where faults can be injected over HTTP.
pub const FAULTS_PATH: &str = "/_emulator/faults";

/// The header that replays an answer for a reused idempotency key.
const REPLAYED: &str = "chargebee-idempotency-replayed";

/// The header that carries an idempotency key.
const IDEMPOTENCY_KEY: &str = "chargebee-idempotency-key";

/// How long Chargebee remembers an idempotency key: 30 minutes, in seconds.
const IDEMPOTENCY_WINDOW: i64 = 30 * 60;

/// The longest idempotency key Chargebee takes, in characters.
const IDEMPOTENCY_KEY_MAX: usize = 100;

/// The text of an idempotency key header, or a 400 naming it when it is not text or longer
/// than Chargebee takes.
fn idempotency_key(value: &HeaderValue) -> Result<&str, Failure> {
    let key = value
        .to_str()
        .map_err(|_| Failure::param(IDEMPOTENCY_KEY, "is not visible ASCII text"))?;
    if key.chars().count() > IDEMPOTENCY_KEY_MAX {
        return Err(Failure::param(
            IDEMPOTENCY_KEY,
            format!("cannot be more than {IDEMPOTENCY_KEY_MAX} characters"),
        ));
    }
    Ok(key)
}

/// What every request handler shares.
pub struct Shared {
    pub api: &'static Api,
    routes: Routes,
    pub config: Config,
    pub store: Mutex<Store>,
    /// Each gateway key's token bucket.
    rate_limits: RateLimits,
    /// Where the emulator listens (`http://127.0.0.1:port`), for URLs in answers.
    pub base_url: String,
    faults: Mutex<Faults>,
    /// Queue of events to POST to the configured webhook.
    webhook: Option<mpsc::UnboundedSender<Delivery>>,
    pub clock: Clock,
}

impl Shared {
    /// The shared state of an emulator; `me` is where it will live, for the webhook task to
    /// report deliveries to.
    pub fn new(config: Config, base_url: String, me: Weak<Shared>) -> Self {
        let api = Api::embedded();
        let clock = Clock::new(config.now);
        let mut store = Store::default();
        store.dunning = config.dunning.clone();
        store.connections.push(Connection {
            id: "conn_emulator".into(),
            app: "chargebee".into(),
            status: "ACTIVE".into(),
            created: clock.now(),
        });
        let webhook = config.webhook.clone().map(|w| webhooks::start(w, me));
        Shared {
            api,
            routes: Routes::new(api),
            config,
            store: Mutex::new(store),
            rate_limits: RateLimits::default(),
            base_url,
            faults: Mutex::new(Faults::default()),
            webhook,
            clock,
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What the store keeps, as JSON.
    pub fn snapshot(&self) -> Value {
        self.store().snapshot()
    }

    /// Replaces the store with `state`, keeping it when `state` is malformed.
    pub fn restore(&self, state: &Value) -> Result<(), String> {
        let mut restored = Store::restore(state)?;
        restored.dunning = self.config.dunning.clone();
        *self.store() = restored;
        Ok(())
    }

    /// Runs every lifecycle action and webhook retry due by the clock's time, and delivers
    /// their events.
    pub fn catch_up(&self) {
        let deliveries = self.fall_due(&mut self.store(), self.clock.now());
        self.deliver(deliveries);
    }

    /// Runs, in `store`, every lifecycle action due by `now`; returns their deliveries and
    /// the webhook retries due by then.
    fn fall_due(&self, store: &mut Store, now: i64) -> Vec<Delivery> {
        let mut deliveries = lifecycle::catch_up(store, now, self.webhook.is_some());
        deliveries.extend(store.due_retries(now));
        deliveries
    }

    /// Sends `deliveries` to the configured webhook, in order.
    fn deliver(&self, deliveries: Vec<Delivery>) {
        if let Some(webhook) = &self.webhook {
            for delivery in deliveries {
                // The delivery task lives as long as the emulator; a send cannot fail before.
                let _ = webhook.send(delivery);
            }
        }
    }

    /// Records how a delivery went: the event's `webhook_status`, and its next attempt on
    /// Chargebee's retry schedule after a failure.
    pub fn delivered(&self, delivery: &Delivery, ok: bool) {
        let now = self.clock.now();
        let mut store = self.store();
        let retry_in = webhooks::RETRY_DELAYS.get(delivery.attempt as usize - 1);
        let status = match (ok, retry_in) {
            (true, _) => "succeeded",
            (false, Some(delay)) => {
                store.plan_retry(now + delay, &delivery.event_id, delivery.attempt + 1);
                "re_scheduled"
            }
            (false, None) => "failed",
        };
        store.set_webhook_status(&delivery.event_id, status);
    }

    /// Adds a fault for the next calls.
    pub fn inject(&self, fault: Fault) {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .add(fault);
    }

    /// Whether the next time travel fails, an injected fault used up by one.
    fn take_travel_failure(&self) -> bool {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take_travel_failure()
    }

    /// Takes one of `key`'s gateway requests, unless the configuration turns the rate limit
    /// off.
    fn rate_limit(&self, key: &str) -> Result<(), Failure> {
        if self.config.rate_limit {
            self.rate_limits.take(key)
        } else {
            Ok(())
        }
    }

    /// The injected fault a call of `method` on `path` gets, if any (API calls only).
    fn fault_for(&self, method: &Method, path: &str) -> Option<FaultKind> {
        let (base, rest) = Door::api(path)?;
        let operation = HttpMethod::parse(method.as_str())
            .and_then(|m| self.routes.find(self.api, base, m, rest))
            .map(|route| route.op.id.as_str());
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take(operation)
    }
}

/// Every request lands here.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(kind) = shared.fault_for(&method, uri.path()) {
        return faults::answer(kind).await;
    }
    match serve(&shared, &method, &uri, &headers, &body) {
        Ok(response) => response,
        Err(failure) => failure.into_response(),
    }
}

fn serve(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Failure> {
    let path = uri.path();
    if method == Method::POST && path == FAULTS_PATH {
        return inject_over_http(shared, body);
    }
    let Some(method) = HttpMethod::parse(method.as_str()) else {
        return Err(match Door::api(path) {
            Some((base, rest)) if shared.routes.knows(shared.api, base, rest) => {
                Failure::method_not_allowed(method.as_str(), path)
            }
            _ => Failure::no_route(method.as_str(), path),
        });
    };
    match Door::of(path) {
        Door::Gateway(rest) => {
            let key = doors::bearer(&shared.config, headers)?;
            shared.rate_limit(&key)?;
            doors::pick_connection(&shared.store().connections, headers)?;
            call(shared, ApiBase::Chargebee, method, rest, uri, headers, body)
        }
        Door::Direct(rest) => {
            doors::basic(&shared.config, headers)?;
            call(shared, ApiBase::Chargebee, method, rest, uri, headers, body)
        }
        Door::Control(rest) => {
            let key = doors::bearer(&shared.config, headers)?;
            shared.rate_limit(&key)?;
            call(shared, ApiBase::Control, method, rest, uri, headers, body)
        }
        Door::Other if method == HttpMethod::Post => match checkout_path(path) {
            Some(id) => Ok(submit_checkout(shared, id, body)),
            None => Err(Failure::no_route(method.as_str(), path)),
        },
        Door::Other => (method == HttpMethod::Get)
            .then(|| pages::serve(&mut shared.store(), path, shared.clock.now()))
            .flatten()
            .ok_or_else(|| Failure::no_route(method.as_str(), path)),
    }
}

/// The hosted page id of a checkout form's path, `/hosted_pages/{id}/checkout`.
fn checkout_path(path: &str) -> Option<&str> {
    let id = path
        .strip_prefix("/hosted_pages/")?
        .strip_suffix("/checkout")?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

/// A checkout form submitted for hosted page `id`: what it created, with their events,
/// and the browser sent on (303 to the page's `redirect_url`, or a page saying it is done);
/// or the form again with what is wrong.
fn submit_checkout(shared: &Shared, id: &str, body: &Bytes) -> Response {
    let form = checkout::Form::parse(body);
    match shared.complete_checkout(id, &form) {
        Err(None) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Ok(done) => match done.redirect {
            Some(url) => match HeaderValue::from_str(&url) {
                Ok(location) => {
                    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
                }
                Err(_) => checkout::form(&done.page, None),
            },
            None => checkout::form(&done.page, None),
        },
        Err(Some(failure)) => {
            let problem = failure.body["message"].as_str().unwrap_or("refused");
            let page = shared.store().get("hosted_page", id).unwrap_or_default();
            checkout::form(&page, Some(problem))
        }
    }
}

impl Shared {
    /// Completes hosted page `id` with `form`: what it created, its events recorded and
    /// delivered; `Err(None)` when there is no such page, else the reason it was refused.
    pub fn complete_checkout(
        &self,
        id: &str,
        form: &checkout::Form,
    ) -> Result<checkout::Completed, Option<Failure>> {
        self.catch_up();
        let now = self.clock.now();
        let mut store = self.store();
        if store.get("hosted_page", id).is_none() {
            return Err(None);
        }
        let api = self.api;
        let done =
            checkout::complete(api, &mut store, id, form, &self.base_url, now).map_err(Some)?;
        let delivered = self.webhook.is_some();
        let mut deliveries = Vec::new();
        for (operation, answer) in &done.calls {
            if let Some(op) = api.operation(operation) {
                deliveries.extend(events::record(api, &mut store, op, answer, now, delivered));
            }
        }
        drop(store);
        self.deliver(deliveries);
        Ok(done)
    }
}

/// `POST /_emulator/faults` with `{"kind": "reset", "count": 2, "operation":
/// "customer.create"}` (`operation` optional): the over-HTTP form of [`Emulator::inject`].
///
/// [`Emulator::inject`]: crate::Emulator::inject
fn inject_over_http(shared: &Shared, body: &Bytes) -> Result<Response, Failure> {
    let request: Value =
        serde_json::from_slice(body).map_err(|_| Failure::param("body", "is not a JSON object"))?;
    let kind = request["kind"]
        .as_str()
        .and_then(FaultKind::from_name)
        .ok_or_else(|| {
            Failure::param(
                "kind",
                "is not one of: rate_limited, unavailable, timeout, reset, travel_fails",
            )
        })?;
    let count = request["count"].as_u64().unwrap_or(1) as usize;
    let mut fault = Fault::new(kind, count);
    if let Some(operation) = request["operation"].as_str() {
        if shared.api.operation(operation).is_none() {
            return Err(Failure::param(
                "operation",
                format!("`{operation}` is not an operation of the spec"),
            ));
        }
        fault = fault.for_operation(operation);
    }
    shared.inject(fault);
    Ok(text_response(StatusCode::OK, "{}".into()))
}

/// Routes, checks and serves one API call.
fn call(
    shared: &Shared,
    base: ApiBase,
    method: HttpMethod,
    path: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Failure> {
    let api = shared.api;
    let route = shared.routes.find(api, base, method, path).ok_or_else(|| {
        if shared.routes.knows(api, base, path) {
            Failure::method_not_allowed(method.as_str(), path)
        } else {
            Failure::no_route(method.as_str(), path)
        }
    })?;
    let op = route.op;
    let params = read_params(api, op, uri, body)?;
    let replay_key = match headers.get(IDEMPOTENCY_KEY) {
        Some(key) if method == HttpMethod::Post => {
            Some(format!("{}:{}", op.id, idempotency_key(key)?))
        }
        _ => None,
    };
    let id = route.id.as_deref();
    // What a key replays: only calls that send one pay for writing it down.
    let request = replay_key
        .as_ref()
        .map(|_| store::text(&json!({"id": id, "params": &params.values})));
    // What fell due since the last call happens first, each at its own time.
    shared.catch_up();
    let now = shared.clock.now();
    let mut store = shared.store();
    let delivered = shared.webhook.is_some();
    let mut events = Vec::new();
    if let (Some(key), Some(request)) = (&replay_key, &request) {
        // A key is remembered for Chargebee's window; after it, the call runs anew.
        let remembered = store
            .replays
            .get(key)
            .filter(|r| now - r.at < IDEMPOTENCY_WINDOW);
        if let Some(replay) = remembered {
            if replay.request != *request {
                return Err(Failure::idempotency_key_reused(&op.id));
            }
            let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
            let mut response = text_response(status, replay.body.to_string());
            response
                .headers_mut()
                .insert(REPLAYED, HeaderValue::from_static("true"));
            return Ok(response);
        }
    }
    // An id of a kept resource that the store does not hold names nothing, whatever the
    // operation (modeled or not).
    let unknown = id
        .zip(crud::path_resource(op))
        .filter(|(id, resource)| !crud::holds(&store, resource, id));
    let mut call = dispatch::Call {
        api,
        store: &mut store,
        id,
        params: &params,
        base_url: &shared.base_url,
        now,
        clock: &shared.clock,
        // Only a travel that runs uses up an injected failure.
        travel_fails: unknown.is_none()
            && op.name == "travel_forward"
            && shared.take_travel_failure(),
        removed: Vec::new(),
    };
    let answer = match unknown {
        Some((id, resource)) => Err(Failure::not_found(resource, id)),
        None => dispatch::serve(op, &mut call).unwrap_or_else(|| synthesized(shared, op)),
    };
    let removed = call.removed;
    match &answer {
        Ok(body) => events.extend(events::record(api, &mut store, op, body, now, delivered)),
        Err(failure) => {
            for (kind, content) in &failure.events {
                let content = content.clone();
                let kind = kind.to_string();
                events.extend(events::put_event(&mut store, kind, content, now, delivered));
            }
        }
    }
    // A time machine that travelled runs what fell due on the way.
    if time_machine::handles(op) {
        events.extend(shared.fall_due(&mut store, shared.clock.now()));
    }
    // What a delete removed with its object, after the object's own event.
    for gone in &removed {
        events.extend(events::record_removed(
            api, &mut store, gone, now, delivered,
        ));
    }
    shared.deliver(events);
    let (status, body) = match answer {
        Ok(body) => (StatusCode::OK, body),
        Err(failure) => (failure.status, failure.body),
    };
    let text = store::text(&body);
    if let (Some(key), Some(request)) = (replay_key, request) {
        let replay = Replay {
            status: status.as_u16(),
            body: text.clone(),
            request,
            at: now,
        };
        store.remember(key, replay, now - IDEMPOTENCY_WINDOW);
    }
    Ok(text_response(status, text.into()))
}

/// A synthesized answer for `op`, which the emulator does not model, when the configuration
/// allows one; otherwise `not_emulated`.
fn synthesized(shared: &Shared, op: &Operation) -> Result<Value, Failure> {
    if shared.config.synthesize.allows(&op.id) {
        Ok(shared.api.sample_answer(op))
    } else {
        Err(Failure::not_emulated(&op.id))
    }
}

fn read_params(api: &Api, op: &Operation, uri: &Uri, body: &Bytes) -> Result<Params, Failure> {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    match op.body {
        BodyKind::Json => {
            if !pairs.is_empty() {
                return Err(Failure::param(&pairs[0].0, "belongs in the JSON body"));
            }
            params::from_json(api, op, body)
        }
        BodyKind::Form => {
            pairs.extend(form_urlencoded::parse(body).into_owned());
            params::from_pairs(api, op, pairs)
        }
        BodyKind::Query => params::from_pairs(api, op, pairs),
    }
}

/// A JSON answer from its text.
fn text_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
