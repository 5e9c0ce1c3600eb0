//! Portal sessions, as Chargebee documents them: `create` answers a session (`created`) for
//! a customer whose `access_url` opens the customer's portal page on the emulator once,
//! within the hour: opening it logs the session in (`logged_in`, `login_at`), and the link
//! cannot be used again. `activate` checks a session's `token`, as a `redirect_url` handler
//! does, and answers the session logged in; `logout` ends it (`logged_out`, `logout_at`;
//! for a session already logged out it changes nothing). `retrieve` reads a session.

use crate::billing::Call;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text};
use crate::pages;
use crate::store::Store;
use axum::http::StatusCode;
use axum::response::Response;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "portal_session.create",
    "portal_session.retrieve",
    "portal_session.activate",
    "portal_session.logout",
];

/// How long a session's access URL stays valid.
const SESSION_SECONDS: i64 = 3_600;

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one portal session operation.
pub fn run(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    let id = call.id.unwrap_or_default();
    match op.name.as_str() {
        "create" => create(op, call),
        "retrieve" => {
            Ok(json!({ "portal_session": crud::find(call.store, "portal_session", id)? }))
        }
        "activate" => activate(call.store, id, &call.params.values, call.now),
        "logout" => logout(call.store, id, call.now),
        other => Err(Failure::no_route("serve", other)),
    }
}

/// `create`: a session for `customer[id]`.
fn create(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    let Call {
        store,
        params,
        base_url,
        now,
        ..
    } = call;
    only_taken(
        &op.id,
        &params.values,
        &["customer", "redirect_url"],
        false,
        None,
    )?;
    let customer_id = params
        .values
        .get("customer")
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !crud::holds(store, "customer", customer_id) {
        return Err(Failure::missing("customer", customer_id, "customer[id]"));
    }
    let id = store.new_id("portal_session");
    let token = format!("token_{id}");
    let mut session = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("token", json!(token)),
        ("access_url", json!(format!("{base_url}/portal/{token}"))),
        ("status", json!("created")),
        ("created_at", json!(now)),
        ("expires_at", json!(now + SESSION_SECONDS)),
        ("customer_id", json!(customer_id)),
        ("object", json!("portal_session")),
    ] {
        session.insert(key.into(), value);
    }
    if let Some(url) = params.values.get("redirect_url") {
        session.insert("redirect_url".into(), url.clone());
    }
    store.put("portal_session", &id, &session);
    Ok(json!({ "portal_session": session }))
}

/// `activate`: session `id`, its `token` checked, logged in.
fn activate(
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    let mut session = crud::find(store, "portal_session", id)?;
    if text(values, "token") != text(&session, "token") {
        return Err(Failure::param(
            "token",
            "is not this portal session's token",
        ));
    }
    match text(&session, "status") {
        Some("logged_out") => {
            return Err(Failure::invalid_state(format!(
                "portal session {id} is logged_out"
            )))
        }
        Some("created") if int(&session, "expires_at").is_some_and(|at| at <= now) => {
            return Err(Failure::invalid_state(format!(
                "portal session {id} has expired"
            )))
        }
        _ => log_in(&mut session, now),
    }
    store.put("portal_session", id, &session);
    Ok(json!({ "portal_session": session }))
}

/// Marks `session` logged in at `now`, unless it was already.
fn log_in(session: &mut Map<String, Value>, now: i64) {
    if text(session, "status") != Some("logged_in") {
        session.insert("status".into(), json!("logged_in"));
        session.insert("login_at".into(), json!(now));
    }
}

/// `logout`: session `id` ended.
fn logout(store: &mut Store, id: &str, now: i64) -> Result<Value, Failure> {
    let mut session = crud::find(store, "portal_session", id)?;
    if text(&session, "status") != Some("logged_out") {
        session.insert("status".into(), json!("logged_out"));
        session.insert("logout_at".into(), json!(now));
        store.put("portal_session", id, &session);
    }
    Ok(json!({ "portal_session": session }))
}

/// The portal page a session's access URL (with `token`) opens at `now`: once, before it
/// expires, logging the session in.
pub fn open(store: &mut Store, token: &str, now: i64) -> Option<Response> {
    let mut session = store
        .all("portal_session")
        .into_iter()
        .find(|s| text(s, "token") == Some(token))?;
    let id = text(&session, "id").unwrap_or_default().to_string();
    let usable = text(&session, "status") == Some("created")
        && int(&session, "expires_at").is_none_or(|at| at > now);
    if !usable {
        let body = "<p>This portal link was used already, has expired or was logged out: \
                    create a new portal session.</p>";
        return Some(pages::document(StatusCode::GONE, "Customer portal", body));
    }
    log_in(&mut session, now);
    store.put("portal_session", &id, &session);
    let customer = text(&session, "customer_id").unwrap_or_default();
    let body = format!(
        "<p>The self-serve portal of customer {}.</p>",
        pages::escape(customer)
    );
    Some(pages::document(StatusCode::OK, "Customer portal", &body))
}
