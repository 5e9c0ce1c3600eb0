//! The billing flows kept as state: subscriptions created with items for a customer; the
//! invoice each term of an active subscription raises, and its PDF; hosted pages (created by
//! `checkout`) retrieved. What calls do to a subscription later is
//! `transitions`'s, what happens to it over time `lifecycle`'s.

use crate::coupons;
use crate::crud;
use crate::decimal::Decimal;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text};
use crate::invoices;
use crate::lifecycle;
use crate::params::Params;
use crate::pricing;
use crate::store::Store;
use crate::unbilled;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 3] = [
    "subscription.create_with_items",
    "invoice.pdf",
    "hosted_page.retrieve",
];

/// The operation that creates a subscription with items.
const OPERATION: &str = "subscription.create_with_items";

/// The `create_with_items` parameters the emulator carries out (custom fields `cf_*` too);
/// any other is refused by name rather than dropped.
const CREATE_TAKEN: [&str; 10] = [
    "id",
    "subscription_items",
    "trial_end",
    "start_date",
    "billing_cycles",
    "auto_collection",
    "po_number",
    "meta_data",
    "invoice_immediately",
    "coupon_ids",
];

/// How long a download link stays valid.
const DOWNLOAD_SECONDS: i64 = 3_600;

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// What a call needs besides its parameters.
pub struct Call<'a> {
    pub store: &'a mut Store,
    pub id: Option<&'a str>,
    pub params: &'a Params,
    pub base_url: &'a str,
    pub now: i64,
}

/// Serves one billing operation (retrieving and listing what it keeps is `crud`'s).
pub fn run(op: &Operation, call: Call<'_>) -> Result<Value, Failure> {
    let id = call.id.unwrap_or_default();
    match op.id.as_str() {
        "subscription.create_with_items" => create_subscription(call, id),
        "invoice.pdf" => {
            crud::find(call.store, "invoice", id)?;
            Ok(json!({ "download": {
                "download_url": format!("{}/downloads/invoices/{id}.pdf", call.base_url),
                "valid_till": call.now + DOWNLOAD_SECONDS,
                "mime_type": "application/pdf",
                "object": "download",
            }}))
        }
        "hosted_page.retrieve" => {
            Ok(json!({ "hosted_page": crud::find(call.store, "hosted_page", id)? }))
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// `subscription.create_with_items` for customer `customer_id`: the subscription, the
/// customer, and the first invoice when it is billed now.
pub fn create_subscription(call: Call<'_>, customer_id: &str) -> Result<Value, Failure> {
    let Call {
        store, params, now, ..
    } = call;
    let customer = crud::find(store, "customer", customer_id)?;
    let values = &params.values;
    only_taken(OPERATION, values, &CREATE_TAKEN, true, None)?;
    let id = match text(values, "id") {
        Some(id) if store.get("subscription", id).is_some() => {
            return Err(Failure::duplicate("subscription", id))
        }
        Some(id) => id.to_string(),
        None => store.new_id("subscription"),
    };
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
    let Priced {
        items,
        currency,
        period,
        unit,
    } = priced(store, OPERATION, &requested)?;
    let start = match int(values, "start_date") {
        Some(start) if start < now => {
            return Err(Failure::param(
                "start_date",
                "is in the past: backdating is off on the emulated site",
            ))
        }
        start => start.unwrap_or(now),
    };
    let trial_end = match int(values, "trial_end") {
        Some(end) if end <= start => {
            return Err(Failure::param(
                "trial_end",
                "must be after the subscription's start",
            ))
        }
        end => end,
    };
    // A subscription billed now raises its charges now, or they would be lost.
    let billed_now = start <= now && trial_end.is_none();
    if !billed_now && items.iter().any(invoices::is_charge) {
        return Err(Failure::not_emulated_option(
            OPERATION,
            "a one-time charge item on a subscription not billed now",
            "add charge items to a subscription that starts now, without a trial",
        ));
    }
    let coupon_ids = values
        .get("coupon_ids")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let later = values.get("invoice_immediately").and_then(Value::as_bool) == Some(false);
    if later && !coupon_ids.is_empty() {
        return Err(Failure::not_emulated_option(
            OPERATION,
            "coupons on charges left unbilled (`invoice_immediately=false` with `coupon_ids`)",
            "invoice the first term now, or add no coupon",
        ));
    }
    let coupons = coupons::apply(store, OPERATION, coupon_ids, currency.as_deref(), now)?;
    let mrr = invoices::recurring_amount(&items);
    let mut subscription = json!({
        "id": id,
        "customer_id": customer_id,
        "billing_period": period,
        "billing_period_unit": unit,
        "subscription_items": items,
        "created_at": now,
        "updated_at": now,
        "resource_version": now * 1000,
        "due_invoices_count": 0,
        "mrr": mrr,
        "has_scheduled_changes": false,
        "deleted": false,
        "object": "subscription",
    });
    let fields = subscription.as_object_mut().expect("built as an object");
    // The plan's price names the currency; one without a currency makes none up.
    if let Some(currency) = currency {
        fields.insert("currency_code".into(), json!(currency));
    }
    if let Some(cycles) = int(values, "billing_cycles") {
        fields.insert("remaining_billing_cycles".into(), json!(cycles));
    }
    if !coupons.is_empty() {
        fields.insert("coupons".into(), json!(coupons));
    }
    for (key, value) in values {
        if chargebee::is_custom_field(key)
            || matches!(key.as_str(), "meta_data" | "po_number" | "auto_collection")
        {
            fields.insert(key.clone(), value.clone());
        }
    }
    if start > now {
        fields.insert("status".into(), json!("future"));
        fields.insert("start_date".into(), json!(start));
        if let Some(end) = trial_end {
            fields.insert("trial_end".into(), json!(end));
        }
    } else if let Some(end) = trial_end {
        fields.insert("status".into(), json!("in_trial"));
        fields.insert("started_at".into(), json!(now));
        fields.insert("trial_start".into(), json!(now));
        fields.insert("trial_end".into(), json!(end));
    } else {
        lifecycle::activate(store, fields, now);
    }
    let billed = matches!(text(fields, "status"), Some("active" | "non_renewing"));
    // `invoice_immediately=false` leaves the first term's charges unbilled.
    if billed && later {
        let (from, to) = (
            int(fields, "current_term_start").unwrap_or(now),
            int(fields, "current_term_end").unwrap_or(now),
        );
        let charges: Vec<invoices::Charge> = items
            .iter()
            .map(|item| invoices::Charge {
                item,
                amount: item["amount"].as_i64().unwrap_or(0),
                from,
                to,
            })
            .collect();
        unbilled::keep(store, fields, &charges, now);
    }
    let invoice = (billed && !later).then(|| {
        let terms = invoices::Terms::of(store, &customer);
        invoices::raise(store, fields, &terms, now, true)
    });
    lifecycle::save(store, fields);
    let mut answer = json!({ "subscription": fields, "customer": customer });
    if let Some(invoice) = invoice {
        answer["invoice"] = Value::Object(invoice.object());
    }
    Ok(answer)
}

/// A subscription's items as priced from the store, and the plan's currency and period.
pub struct Priced {
    pub items: Vec<Value>,
    pub currency: Option<String>,
    pub period: i64,
    pub unit: String,
}

/// Prices `requested` entries (`item_price_id`, optional `quantity` and `unit_price`) from the
/// stored item prices by their pricing models ([`pricing::charge`]), checked against the
/// rules Chargebee documents ([`check_items`]); `operation` is named by refusals.
pub fn priced(store: &Store, operation: &str, requested: &[Value]) -> Result<Priced, Failure> {
    let mut prices = Vec::new();
    for (i, entry) in requested.iter().enumerate() {
        let price_id = entry
            .get("item_price_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let price = crud::live(store, "item_price", price_id).ok_or_else(|| {
            Failure::missing(
                "item_price",
                price_id,
                &format!("subscription_items[item_price_id][{i}]"),
            )
        })?;
        prices.push((entry, price_id, price));
    }
    check_items(&prices.iter().map(|(_, _, price)| price).collect::<Vec<_>>())?;
    let mut items = Vec::new();
    let (mut currency, mut period, mut unit) = (None, 1, "month".to_string());
    for (index, (entry, price_id, price)) in prices.into_iter().enumerate() {
        let at = pricing::Entry { operation, index };
        if entry
            .get("unit_price_in_decimal")
            .is_some_and(|v| !v.is_null())
        {
            return Err(at.not_modeled("subscription_items[unit_price_in_decimal]"));
        }
        let item_type = text(&price, "item_type").unwrap_or("plan");
        if item_type == "addon" && price.get("period_unit").is_none_or(Value::is_null) {
            return Err(Failure::not_emulated_option(
                operation,
                &format!("a non-recurring addon item price (`{price_id}`)"),
                "use a charge item price for a one-time charge",
            ));
        }
        // What an entry may say beyond its price, quantity and unit price is not modeled:
        // refused by name rather than dropped (its item type only restated).
        let unmodeled = entry
            .as_object()
            .into_iter()
            .flatten()
            .find(|(key, value)| {
                let restated = key.as_str() == "item_type" && value.as_str() == Some(item_type);
                !value.is_null()
                    && !restated
                    && !matches!(
                        key.as_str(),
                        "item_price_id" | "quantity" | "quantity_in_decimal" | "unit_price"
                    )
            });
        if let Some((key, _)) = unmodeled {
            return Err(Failure::not_emulated_option(
                operation,
                &format!("`subscription_items[{key}][{index}]`"),
                "leave it out: the emulator does not model it",
            ));
        }
        let quantity = quantity_of(entry, index)?;
        let unit_price = entry.get("unit_price").and_then(Value::as_i64);
        let charge = pricing::charge(&price, quantity, unit_price, at)?;
        if item_type == "plan" || currency.is_none() {
            currency = text(&price, "currency_code").map(str::to_string);
            period = int(&price, "period").unwrap_or(1);
            unit = text(&price, "period_unit").unwrap_or("month").to_string();
        }
        let mut item = json!({
            "item_price_id": price_id,
            "item_type": item_type,
            "amount": charge.amount,
            "object": "subscription_item",
        });
        match quantity.as_whole() {
            Some(whole)
                if !entry
                    .get("quantity_in_decimal")
                    .is_some_and(Value::is_string) =>
            {
                item["quantity"] = json!(whole)
            }
            _ => item["quantity_in_decimal"] = json!(quantity.to_string()),
        }
        if let Some(unit_price) = charge.unit_price {
            item["unit_price"] = json!(unit_price);
        }
        items.push(item);
    }
    Ok(Priced {
        items,
        currency,
        period,
        unit,
    })
}

/// The quantity entry `index` asks for: `quantity` (1 when left out) or
/// `quantity_in_decimal`, not both; never negative.
fn quantity_of(entry: &Value, index: usize) -> Result<Decimal, Failure> {
    let param = |key: &str| format!("subscription_items[{key}][{index}]");
    let whole = entry.get("quantity").filter(|v| !v.is_null());
    let decimal = entry.get("quantity_in_decimal").filter(|v| !v.is_null());
    match (whole, decimal) {
        (Some(_), Some(_)) => Err(Failure::param(
            &param("quantity_in_decimal"),
            "cannot be sent with quantity: send one of them",
        )),
        (None, Some(text)) => text.as_str().and_then(Decimal::parse).ok_or_else(|| {
            Failure::param(
                &param("quantity_in_decimal"),
                format!(
                    "is {text}: a quantity is a decimal number of at most 9 decimals, not negative"
                ),
            )
        }),
        (Some(n), None) => match n.as_i64() {
            Some(n) if n >= 0 => Ok(Decimal::whole(n)),
            _ => Err(Failure::param(
                &param("quantity"),
                format!("is {n}: a quantity cannot be negative"),
            )),
        },
        (None, None) => Ok(Decimal::whole(1)),
    }
}

/// The rules Chargebee documents for a subscription's item prices: exactly one of a plan
/// item; every one in the plan's currency; an addon's recurring price billed every period the
/// plan's is. A broken rule names the entry (`subscription_items[item_price_id][1]`).
fn check_items(prices: &[&Map<String, Value>]) -> Result<(), Failure> {
    let param = |i: usize| format!("subscription_items[item_price_id][{i}]");
    let kind = |price: &Map<String, Value>| text(price, "item_type").map(str::to_string);
    let plans: Vec<usize> = (0..prices.len())
        .filter(|i| kind(prices[*i]).as_deref() == Some("plan"))
        .collect();
    let plan = match plans.as_slice() {
        [] => {
            return Err(Failure::param(
                "subscription_items[item_price_id]",
                "no item price of a plan item: a subscription needs exactly one",
            ))
        }
        [one] => prices[*one],
        [_, second, ..] => {
            return Err(Failure::param(
                &param(*second),
                "is a second plan item price: a subscription takes exactly one",
            ))
        }
    };
    let currency = text(plan, "currency_code");
    let billed = (int(plan, "period"), text(plan, "period_unit"));
    for (i, price) in prices.iter().enumerate() {
        if text(price, "currency_code") != currency {
            return Err(Failure::param(
                &param(i),
                format!(
                    "is priced in {}, the plan in {}: every item price of a subscription \
                     shares the plan's currency",
                    text(price, "currency_code").unwrap_or("no currency"),
                    currency.unwrap_or("no currency"),
                ),
            ));
        }
        let recurring_addon = kind(price).as_deref() == Some("addon")
            && price.get("period_unit").is_some_and(|u| !u.is_null());
        if recurring_addon && (int(price, "period"), text(price, "period_unit")) != billed {
            return Err(Failure::param(
                &param(i),
                "is an addon billed on another period than the plan's",
            ));
        }
    }
    Ok(())
}
