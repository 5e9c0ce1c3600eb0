//! Hosted checkout pages that complete, as Chargebee's do. `checkout_new_for_items` checks
//! and keeps what the page is for and answers a page (`state: created`) whose `url` opens a
//! card form on the emulator. Submitting the form with one of the emulator's test cards
//! creates the customer (`customer[…]`, `billing_address[…]`), adds the card, and creates
//! the subscription with its items (`subscription[…]`, `billing_cycles`) and its first
//! invoice, charged to the card; the page turns `succeeded` with that `content`, and the
//! browser is sent to `redirect_url` with the page's `id` and `state`. A declined card, a
//! number that is not a test card or an expired page shows the form again with the reason
//! and creates nothing. `acknowledge` moves a `succeeded` page to `acknowledged`.

use crate::billing::{self, Call};
use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text, touch};
use crate::gateway::{self, Behaviour};
use crate::pages;
use crate::params::Params;
use crate::store::Store;
use axum::http::StatusCode;
use axum::response::Response;
use chargebee_description::{Api, Operation};
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 2] = [
    "hosted_page.checkout_new_for_items",
    "hosted_page.acknowledge",
];

/// How long a hosted page stays valid.
const PAGE_SECONDS: i64 = 3 * 86_400;

/// Where what a checkout page is for is kept, by page id; no API operation reads it.
const REQUESTS: &str = "checkout_request";

/// The parameters a checkout takes; any other is refused by name.
const TAKEN: [&str; 9] = [
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

/// The `subscription[…]` fields a checkout takes.
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
        "checkout_new_for_items" => create(op, call),
        "acknowledge" => acknowledge(call.store, call.id.unwrap_or_default(), call.now),
        other => Err(Failure::no_route("serve", other)),
    }
}

/// `checkout_new_for_items`: the page, and what it is for kept until it is submitted.
fn create(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    let Call {
        store,
        params,
        base_url,
        now,
        ..
    } = call;
    let values = &params.values;
    only_taken(&op.id, values, &TAKEN, false, None)?;
    let empty = Map::new();
    let object = |key: &str| values.get(key).and_then(Value::as_object).unwrap_or(&empty);
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
    let id = store.new_id("hosted_page");
    let mut page = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("type", json!("checkout_new")),
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
    let empty = Map::new();
    let object = |key: &str| {
        request
            .get(key)
            .and_then(Value::as_object)
            .unwrap_or(&empty)
    };

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
    let card_values = json!({
        "customer_id": customer_id,
        "card": {
            "number": form.number,
            "expiry_month": form.expiry_month.trim().parse::<i64>().unwrap_or(0),
            "expiry_year": form.expiry_year.trim().parse::<i64>().unwrap_or(0),
        },
    });
    let card_values = card_values.as_object().cloned().unwrap_or_default();
    let added = match gateway::create_card(store, &card_values, now) {
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
        calls: vec![
            ("customer.create", created),
            ("payment_source.create_card", added),
            ("subscription.create_with_items", subscribed),
        ],
        redirect,
        page,
    })
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
