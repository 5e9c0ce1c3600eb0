//! Hosted pages that complete, as Chargebee's do. `checkout_new_for_items`,
//! `checkout_existing_for_items` and `manage_payment_sources` check and keep what the page is
//! for and answer a page (`state: created`) whose `url` opens a card form on the emulator.
//! Submitting the form with one of the emulator's test cards carries the page out:
//!
//! - a new checkout creates the customer (`customer[…]`, `billing_address[…]`), adds the card
//!   and creates the subscription with its items (`subscription[…]`, `billing_cycles`) and
//!   its first invoice, charged to the card;
//! - a checkout of an existing subscription (`subscription[id]`) adds the card as the
//!   customer's primary and changes the items as `update_for_items` does (at once and
//!   prorated, or as `change_option` says);
//! - managing payment sources (`customer[id]`) adds the card as the customer's primary.
//!
//! The page turns `succeeded` with that `content`, and the browser is sent to `redirect_url`
//! with the page's `id` and `state`. A declined card, a number that is not a test card, an
//! expired page or a change the subscription refuses shows the form again with the reason
//! and leaves everything as it was. `acknowledge` moves a `succeeded` page to
//! `acknowledged`.

use crate::billing::{self, Call};
use crate::changes;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::gateway::{self, Behaviour};
use crate::pages;
use crate::params::Params;
use crate::store::Store;
use axum::http::StatusCode;
use axum::response::Response;
use chargebee_description::{Api, Operation};
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "hosted_page.checkout_new_for_items",
    "hosted_page.checkout_existing_for_items",
    "hosted_page.manage_payment_sources",
    "hosted_page.acknowledge",
];

/// How long a hosted page stays valid.
const PAGE_SECONDS: i64 = 3 * 86_400;

/// Where what a checkout page is for is kept, by page id; no API operation reads it.
const REQUESTS: &str = "checkout_request";

/// The parameters a new checkout takes; any other is refused by name.
const NEW_TAKEN: [&str; 9] = [
    "subscription_items",
    "subscription",
    "customer",
    "billing_address",
    "billing_cycles",
    "redirect_url",
    "cancel_url",
    "pass_thru_content",
    "layout",
];

/// The parameters a checkout of an existing subscription takes.
const EXISTING_TAKEN: [&str; 9] = [
    "subscription",
    "subscription_items",
    "replace_items_list",
    "change_option",
    "changes_scheduled_at",
    "redirect_url",
    "cancel_url",
    "pass_thru_content",
    "layout",
];

/// The parameters a page managing payment sources takes.
const MANAGE_TAKEN: [&str; 2] = ["customer", "redirect_url"];

/// The `subscription[…]` fields a new checkout takes.
const SUBSCRIPTION: [&str; 5] = [
    "id",
    "trial_end",
    "start_date",
    "auto_collection",
    "po_number",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one hosted page operation.
pub fn run(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    match op.name.as_str() {
        "checkout_new_for_items" | "checkout_existing_for_items" | "manage_payment_sources" => {
            create(op, call)
        }
        "acknowledge" => acknowledge(call.store, call.id.unwrap_or_default(), call.now),
        other => Err(Failure::no_route("serve", other)),
    }
}

/// A hosted page, and what it is for kept until it is submitted.
fn create(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    let Call {
        store,
        params,
        base_url,
        now,
        ..
    } = call;
    let values = &params.values;
    let kind = match op.name.as_str() {
        "checkout_new_for_items" => {
            check_new(op, store, values)?;
            "checkout_new"
        }
        "checkout_existing_for_items" => {
            check_existing(op, store, values)?;
            "checkout_existing"
        }
        _ => {
            only_taken(&op.id, values, &MANAGE_TAKEN, false, None)?;
            let customer = values.get("customer").and_then(Value::as_object);
            let id = customer.and_then(|c| text(c, "id")).unwrap_or_default();
            crud::find(store, "customer", id)
                .map_err(|_| Failure::missing("customer", id, "customer[id]"))?;
            "manage_payment_sources"
        }
    };
    let id = store.new_id("hosted_page");
    let mut page = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("type", json!(kind)),
        (
            "url",
            json!(format!("{base_url}/hosted_pages/{id}/checkout")),
        ),
        ("state", json!("created")),
        ("embed", json!(false)),
        ("created_at", json!(now)),
        ("expires_at", json!(now + PAGE_SECONDS)),
        ("object", json!("hosted_page")),
    ] {
        page.insert(key.into(), value);
    }
    for key in ["pass_thru_content", "layout"] {
        if let Some(value) = values.get(key) {
            page.insert(key.into(), value.clone());
        }
    }
    touch(&mut page, now);
    store.put("hosted_page", &id, &page);
    let mut request = values.clone();
    request.insert("id".into(), json!(id));
    store.put(REQUESTS, &id, &request);
    Ok(json!({ "hosted_page": page }))
}

/// Checks a new checkout's parameters: its items priced, a customer or subscription id not
/// taken.
fn check_new(op: &Operation, store: &Store, values: &Map<String, Value>) -> Result<(), Failure> {
    only_taken(&op.id, values, &NEW_TAKEN, false, None)?;
    let object = |key: &str| fields::object(values, key);
    only_taken(
        &op.id,
        object("subscription"),
        &SUBSCRIPTION,
        true,
        Some("subscription"),
    )?;
    let requested = values
        .get("subscription_items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if requested.is_empty() {
        return Err(Failure::param(
            "subscription_items[item_price_id][0]",
            "cannot be blank",
        ));
    }
    billing::priced(store, &op.id, &requested)?;
    if let Some(id) = text(object("customer"), "id") {
        if store.get("customer", id).is_some() {
            return Err(Failure::duplicate("customer", id));
        }
    }
    if let Some(id) = text(object("subscription"), "id") {
        if store.get("subscription", id).is_some() {
            return Err(Failure::duplicate("subscription", id));
        }
    }
    Ok(())
}

/// Checks a checkout of an existing subscription: `subscription[id]` names one whose items
/// can change, and the item prices sent exist.
fn check_existing(
    op: &Operation,
    store: &Store,
    values: &Map<String, Value>,
) -> Result<(), Failure> {
    only_taken(&op.id, values, &EXISTING_TAKEN, false, None)?;
    let sent = fields::object(values, "subscription");
    only_taken(&op.id, sent, &["id"], false, Some("subscription"))?;
    let id = text(sent, "id").unwrap_or_default();
    let subscription = crud::live(store, "subscription", id)
        .ok_or_else(|| Failure::missing("subscription", id, "subscription[id]"))?;
    let status = text(&subscription, "status").unwrap_or_default();
    if !["future", "in_trial", "active", "non_renewing"].contains(&status) {
        return Err(Failure::invalid_state(format!(
            "subscription {id} is {status}: only a future, in_trial, active or non_renewing \
             subscription can be checked out again"
        )));
    }
    let items = values.get("subscription_items").and_then(Value::as_array);
    for (i, entry) in items.into_iter().flatten().enumerate() {
        let price = entry["item_price_id"].as_str().unwrap_or_default();
        if !crud::holds(store, "item_price", price) {
            return Err(Failure::missing(
                "item_price",
                price,
                &format!("subscription_items[item_price_id][{i}]"),
            ));
        }
    }
    Ok(())
}

/// `acknowledge`: a `succeeded` page, its content taken, is `acknowledged`.
fn acknowledge(store: &mut Store, id: &str, now: i64) -> Result<Value, Failure> {
    let mut page = crud::find(store, "hosted_page", id)?;
    let state = text(&page, "state").unwrap_or_default();
    if state != "succeeded" {
        return Err(Failure::invalid_state(format!(
            "hosted page {id} is {state}: only a succeeded page can be acknowledged"
        )));
    }
    page.insert("state".into(), json!("acknowledged"));
    touch(&mut page, now);
    store.put("hosted_page", id, &page);
    Ok(json!({ "hosted_page": page }))
}

/// What the card form sends: `card[number]`, `card[expiry_month]`, `card[expiry_year]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub number: String,
    pub expiry_month: String,
    pub expiry_year: String,
}

impl Form {
    /// The form in a URL-encoded `body`; a field left out is empty.
    pub fn parse(body: &[u8]) -> Form {
        let mut form = Form {
            number: String::new(),
            expiry_month: String::new(),
            expiry_year: String::new(),
        };
        for (key, value) in form_urlencoded::parse(body) {
            let slot = match key.as_ref() {
                "card[number]" => &mut form.number,
                "card[expiry_month]" => &mut form.expiry_month,
                "card[expiry_year]" => &mut form.expiry_year,
                _ => continue,
            };
            *slot = value.into_owned();
        }
        form
    }
}

/// A completed checkout: the calls it stands for (operation and answer, for their events),
/// and where the browser goes next.
pub struct Completed {
    pub calls: Vec<(&'static str, Value)>,
    pub redirect: Option<String>,
    pub page: Map<String, Value>,
}

/// Submits hosted page `id` with `form` at `now`: everything it creates, or nothing and the
/// reason.
pub fn complete(
    api: &Api,
    store: &mut Store,
    id: &str,
    form: &Form,
    base_url: &str,
    now: i64,
) -> Result<Completed, Failure> {
    let mut page = crud::find(store, "hosted_page", id)?;
    let state = text(&page, "state").unwrap_or_default();
    if state != "created" {
        return Err(Failure::invalid_state(format!(
            "hosted page {id} is {state}: it was submitted already"
        )));
    }
    if int(&page, "expires_at").is_some_and(|at| at <= now) {
        return Err(Failure::invalid_state(format!(
            "hosted page {id} has expired"
        )));
    }
    let request = store.get(REQUESTS, id).unwrap_or_default();
    let card = gateway::test_card(&form.number).ok_or_else(|| {
        Failure::param(
            "card[number]",
            "is not one of the emulator's test cards (4111111111111111 succeeds)",
        )
    })?;
    match card.behaviour {
        Behaviour::Succeeds => {}
        Behaviour::Declines | Behaviour::RefusedWhenAdded => {
            return Err(Failure::payment_declined("the card was declined"))
        }
        Behaviour::InsufficientFunds => {
            return Err(Failure::payment_declined(
                "the card was declined: insufficient funds",
            ))
        }
    }
    let (calls, content) = match text(&page, "type") {
        Some("checkout_existing") => complete_existing(api, store, &request, form, now)?,
        Some("manage_payment_sources") => {
            let customer_id = request["customer"]["id"].as_str().unwrap_or_default();
            let added = add_card(store, customer_id, form, now)?;
            let mut content = Map::new();
            content.insert("customer".into(), added["customer"].clone());
            (vec![("payment_source.create_card", added)], content)
        }
        _ => complete_new(api, store, &request, form, base_url, now)?,
    };
    page.insert("state".into(), json!("succeeded"));
    page.insert("content".into(), Value::Object(content));
    touch(&mut page, now);
    store.put("hosted_page", id, &page);
    store.remove(REQUESTS, id);
    let redirect = text(&request, "redirect_url").map(|url| {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("id", id)
            .append_pair("state", "succeeded")
            .finish();
        let joint = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joint}{query}")
    });
    Ok(Completed {
        calls,
        redirect,
        page,
    })
}

/// The calls a submitted page stands for (operation and answer), and its `content`.
type Done = (Vec<(&'static str, Value)>, Map<String, Value>);

/// Adds the form's card as customer `customer_id`'s primary payment source at `now`.
fn add_card(store: &mut Store, customer_id: &str, form: &Form, now: i64) -> Result<Value, Failure> {
    let values = json!({
        "customer_id": customer_id,
        "replace_primary_payment_source": true,
        "card": {
            "number": form.number,
            "expiry_month": form.expiry_month.trim().parse::<i64>().unwrap_or(0),
            "expiry_year": form.expiry_year.trim().parse::<i64>().unwrap_or(0),
        },
    });
    let values = values.as_object().cloned().unwrap_or_default();
    gateway::create_card(store, &values, now)
}

/// Takes back a card `added` for `customer` (as it was before).
fn remove_card(store: &mut Store, added: &Value, customer: &Map<String, Value>) {
    let source = added["payment_source"]["id"].as_str().unwrap_or_default();
    store.remove("payment_source", source);
    let id = text(customer, "id").unwrap_or_default().to_string();
    store.put("customer", &id, customer);
}

/// A new checkout carried out: the customer, the card, the subscription and its invoice.
fn complete_new(
    api: &Api,
    store: &mut Store,
    request: &Map<String, Value>,
    form: &Form,
    base_url: &str,
    now: i64,
) -> Result<Done, Failure> {
    let object = |key: &str| fields::object(request, key);
    // The customer, then the card, then the subscription: each undone if a later one fails.
    let mut customer_values = object("customer").clone();
    if let Some(address) = request.get("billing_address") {
        customer_values.insert("billing_address".into(), address.clone());
    }
    let create_customer = api
        .operation("customer.create")
        .expect("the spec has customer.create");
    let customer_params = Params {
        values: customer_values,
        ..Params::default()
    };
    let (created, _) = crud::run(api, store, create_customer, None, &customer_params, now)?;
    let customer_id = created["customer"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let added = match add_card(store, &customer_id, form, now) {
        Ok(added) => added,
        Err(failure) => {
            store.remove("customer", &customer_id);
            return Err(failure);
        }
    };
    let mut subscription_values = object("subscription").clone();
    for key in ["subscription_items", "billing_cycles"] {
        if let Some(value) = request.get(key) {
            subscription_values.insert(key.into(), value.clone());
        }
    }
    let subscription_params = Params {
        values: subscription_values,
        ..Params::default()
    };
    let call = Call {
        store,
        id: Some(&customer_id),
        params: &subscription_params,
        base_url,
        now,
    };
    let subscribed = match billing::create_subscription(call, &customer_id) {
        Ok(subscribed) => subscribed,
        Err(failure) => {
            let source = added["payment_source"]["id"].as_str().unwrap_or_default();
            store.remove("payment_source", source);
            store.remove("customer", &customer_id);
            return Err(failure);
        }
    };
    let mut content = Map::new();
    for key in ["customer", "subscription", "invoice"] {
        if let Some(value) = subscribed.get(key) {
            content.insert(key.into(), value.clone());
        }
    }
    let calls = vec![
        ("customer.create", created),
        ("payment_source.create_card", added),
        ("subscription.create_with_items", subscribed),
    ];
    Ok((calls, content))
}

/// A checkout of an existing subscription carried out: the card, then the item change.
fn complete_existing(
    api: &Api,
    store: &mut Store,
    request: &Map<String, Value>,
    form: &Form,
    now: i64,
) -> Result<Done, Failure> {
    let id = request["subscription"]["id"].as_str().unwrap_or_default();
    let subscription = crud::find(store, "subscription", id)?;
    let customer_id = text(&subscription, "customer_id").unwrap_or_default();
    let customer = crud::find(store, "customer", customer_id)?;
    let added = add_card(store, customer_id, form, now)?;
    let mut change = Map::new();
    let keys = [
        "subscription_items",
        "replace_items_list",
        "change_option",
        "changes_scheduled_at",
    ];
    for key in keys {
        if let Some(value) = request.get(key) {
            change.insert(key.into(), value.clone());
        }
    }
    let update = api
        .operation("subscription.update_for_items")
        .expect("the spec has subscription.update_for_items");
    let params = Params {
        values: change,
        ..Params::default()
    };
    let changed = match changes::run(update, store, id, &params, now) {
        Ok(changed) => changed,
        Err(failure) => {
            remove_card(store, &added, &customer);
            return Err(failure);
        }
    };
    let mut content = Map::new();
    for key in ["customer", "subscription", "invoice"] {
        if let Some(value) = changed.get(key) {
            content.insert(key.into(), value.clone());
        }
    }
    let calls = vec![
        ("payment_source.create_card", added),
        ("subscription.update_for_items", changed),
    ];
    Ok((calls, content))
}

/// The page's card form, with `problem` shown above it; a page no longer `created` says
/// where it stands instead.
pub fn form(page: &Map<String, Value>, problem: Option<&str>) -> Response {
    let id = text(page, "id").unwrap_or_default();
    let state = text(page, "state").unwrap_or_default();
    let title = format!("Checkout {id}");
    if state != "created" {
        let body = format!("<p>This checkout is {}.</p>", pages::escape(state));
        return pages::document(StatusCode::OK, &title, &body);
    }
    let status = match problem {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let shown = problem.map_or_else(String::new, |p| {
        format!("<p role=\"alert\">{}</p>", pages::escape(p))
    });
    let body = format!(
        "{shown}<p>A hosted checkout page of the Chargebee emulator: pay with one of its \
         test cards.</p><form method=\"post\" action=\"/hosted_pages/{id}/checkout\">\
         <label>Card number <input name=\"card[number]\" value=\"4111111111111111\"></label>\
         <label>Expiry month <input name=\"card[expiry_month]\" value=\"12\"></label>\
         <label>Expiry year <input name=\"card[expiry_year]\" value=\"2030\"></label>\
         <button type=\"submit\">Pay</button></form>",
        id = pages::escape(id),
    );
    pages::document(status, &title, &body)
}
