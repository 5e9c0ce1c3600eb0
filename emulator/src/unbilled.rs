//! Unbilled charges, as Chargebee documents them: the charges of a subscription created, or
//! of an item change prorated, with `invoice_immediately=false` are kept as unbilled charges
//! (`unbilled_charge.list`) instead of an invoice. The subscription's next invoice bills them
//! with its term, or `invoice_unbilled_charges` bills them at once, one invoice for each
//! subscription; billed, they are kept only as deleted (`include_deleted`). `delete` drops
//! one unbilled.

use crate::crud;
use crate::failure::Failure;
use crate::fields::{only_taken, text, touch};
use crate::invoices::{self, Charge};
use crate::lifecycle;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 2] = [
    "unbilled_charge.invoice_unbilled_charges",
    "unbilled_charge.delete",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one unbilled charge operation (`id`: the charge a delete names) at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let values = &params.values;
    match op.name.as_str() {
        "delete" => {
            only_taken(&op.id, values, &[], false, None)?;
            let charge = crud::find(store, "unbilled_charge", id)?;
            let charge = mark_deleted(store, id, charge, now);
            Ok(json!({ "unbilled_charge": charge }))
        }
        "invoice_unbilled_charges" => {
            only_taken(
                &op.id,
                values,
                &["subscription_id", "customer_id"],
                false,
                None,
            )?;
            invoice_now(store, values, now)
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// Keeps `charges` of `subscription` as unbilled charges at `now`.
pub fn keep(
    store: &mut Store,
    subscription: &Map<String, Value>,
    charges: &[Charge<'_>],
    now: i64,
) {
    for charge in charges {
        let id = store.new_id("unbilled_charge");
        let item = charge.item;
        let kind = item["item_type"].as_str().unwrap_or("plan");
        let mut kept = Map::new();
        for (key, value) in [
            ("id", json!(id)),
            ("customer_id", json!(subscription.get("customer_id"))),
            ("subscription_id", json!(subscription.get("id"))),
            ("date_from", json!(charge.from)),
            ("date_to", json!(charge.to)),
            ("unit_amount", item["unit_price"].clone()),
            ("quantity", item["quantity"].clone()),
            ("quantity_in_decimal", item["quantity_in_decimal"].clone()),
            ("amount", json!(charge.amount)),
            ("currency_code", json!(subscription.get("currency_code"))),
            ("discount_amount", json!(0)),
            ("description", item["item_price_id"].clone()),
            ("entity_type", json!(format!("{kind}_item_price"))),
            ("entity_id", item["item_price_id"].clone()),
            ("is_voided", json!(false)),
            ("created_at", json!(now)),
            ("deleted", json!(false)),
            ("object", json!("unbilled_charge")),
        ] {
            if !value.is_null() {
                kept.insert(key.into(), value);
            }
        }
        touch(&mut kept, now);
        store.put("unbilled_charge", &id, &kept);
    }
}

/// A subscription's unbilled charge, ready to bill: the item it charges (as a subscription
/// item), its amount and period.
pub struct Pending {
    pub item: Value,
    pub amount: i64,
    pub from: i64,
    pub to: i64,
}

impl Pending {
    /// The invoice charge it becomes.
    pub fn charge(&self) -> Charge<'_> {
        Charge {
            item: &self.item,
            amount: self.amount,
            from: self.from,
            to: self.to,
        }
    }
}

/// Takes subscription `id`'s unbilled charges to bill them at `now`: each is kept only as
/// deleted.
pub fn take(store: &mut Store, id: &str, now: i64) -> Vec<Pending> {
    let mut pending = Vec::new();
    for charge_id in store.owned("unbilled_charge", "subscription_id", id) {
        let Some(charge) = crud::live(store, "unbilled_charge", &charge_id) else {
            continue;
        };
        let kind = text(&charge, "entity_type")
            .and_then(|t| t.strip_suffix("_item_price"))
            .unwrap_or("plan")
            .to_string();
        let int = |key: &str| charge.get(key).and_then(Value::as_i64).unwrap_or(0);
        pending.push(Pending {
            item: json!({
                "item_price_id": charge.get("entity_id"),
                "item_type": kind,
                "quantity": charge.get("quantity"),
                "quantity_in_decimal": charge.get("quantity_in_decimal"),
                "unit_price": charge.get("unit_amount"),
            }),
            amount: int("amount"),
            from: int("date_from"),
            to: int("date_to"),
        });
        mark_deleted(store, &charge_id, charge, now);
    }
    pending
}

/// `invoice_unbilled_charges` for `subscription_id`, or for each subscription of
/// `customer_id`: an invoice of each one's unbilled charges.
fn invoice_now(store: &mut Store, values: &Map<String, Value>, now: i64) -> Result<Value, Failure> {
    let subscriptions: Vec<String> =
        match (text(values, "subscription_id"), text(values, "customer_id")) {
            (Some(id), customer) => {
                let subscription = crud::find(store, "subscription", id)
                    .map_err(|_| Failure::missing("subscription", id, "subscription_id"))?;
                if customer.is_some_and(|c| text(&subscription, "customer_id") != Some(c)) {
                    return Err(Failure::param(
                        "customer_id",
                        format!("is not subscription {id}'s customer"),
                    ));
                }
                vec![id.to_string()]
            }
            (None, Some(customer)) => {
                crud::find(store, "customer", customer)
                    .map_err(|_| Failure::missing("customer", customer, "customer_id"))?;
                store.owned("subscription", "customer_id", customer)
            }
            (None, None) => {
                return Err(Failure::param(
                    "subscription_id",
                    "or customer_id is required",
                ))
            }
        };
    let mut raised = Vec::new();
    for id in subscriptions {
        let Some(mut subscription) = crud::live(store, "subscription", &id) else {
            continue;
        };
        let Some(invoice) = bill(store, &mut subscription, now) else {
            continue;
        };
        if invoice.owed > 0 {
            touch(&mut subscription, now);
            lifecycle::save(store, &subscription);
        }
        raised.push(Value::Object(invoice.object()));
    }
    Ok(json!({ "invoices": raised }))
}

/// Bills `subscription`'s unbilled charges at `now` on one invoice, if it has any, and
/// counts what it owes for it; saving the subscription is the caller's.
pub fn bill(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    now: i64,
) -> Option<invoices::Raised> {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    let pending = take(store, &id, now);
    if pending.is_empty() {
        return None;
    }
    let charges: Vec<Charge> = pending.iter().map(Pending::charge).collect();
    Some(invoices::bill_charges(store, subscription, &charges, now))
}

/// Deletes subscription `id`'s unbilled charges at `now`, unbilled.
pub fn delete_all(store: &mut Store, id: &str, now: i64) {
    for charge_id in store.owned("unbilled_charge", "subscription_id", id) {
        if let Some(charge) = crud::live(store, "unbilled_charge", &charge_id) {
            mark_deleted(store, &charge_id, charge, now);
        }
    }
}

/// Keeps unbilled charge `charge` (`id`) only as deleted from `now`; returns it.
fn mark_deleted(
    store: &mut Store,
    id: &str,
    mut charge: Map<String, Value>,
    now: i64,
) -> Map<String, Value> {
    charge.insert("deleted".into(), json!(true));
    touch(&mut charge, now);
    store.put("unbilled_charge", id, &charge);
    charge
}
