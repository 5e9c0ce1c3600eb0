//! Coupons on subscriptions, as Chargebee documents them: `coupon_ids` at creation applies a
//! coupon that is `active`, within its `valid_from`/`valid_till` and below its
//! `max_redemptions` (its `redemptions` counts each subscription it is applied to). The
//! subscription lists it (`coupons`: `coupon_id`, `applied_count`, and `apply_till` for a
//! `limited_period` coupon, its `period` of `period_unit`s from when it was applied), and each
//! invoice raised for the subscription's terms takes it off the invoice amount: a
//! `percentage` of it (rounded to the nearest minor unit, halves up) or a `fixed_amount` in
//! the subscription's currency, at most the amount. A `one_time` coupon applies to one
//! invoice, a `forever` one to all, a `limited_period` one to invoices dated before its
//! `apply_till`. A coupon `apply_on: each_specified_item` takes its discount off each line of
//! an item price its `item_constraints` cover (`all` of an item type, or `specific` prices):
//! the line's `item_level_discount_amount`, a `line_item_discounts` entry, and an
//! `item_level_coupon` entry in `discounts`; one on the invoice amount is a
//! `document_level_coupon` entry (how Chargebee spreads it over the lines is not modeled).
//! Several coupons apply in Chargebee's documented order: fixed amounts on items,
//! percentages of items, fixed amounts on the invoice amount, percentages of it, each on
//! what the ones before left; two coupons of one type are refused (a site setting allows
//! them, off by default). `offer_quantity` coupons and `criteria` constraints are refused by
//! name. A coupon code (`coupon_codes`) in `coupon_ids` applies its coupon and is redeemed;
//! the entry names it (`coupon_code`).

use crate::calendar::{self, Unit};
use crate::coupon_codes;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, text, touch};
use crate::store::Store;
use serde_json::{json, Map, Value};

/// The `coupons` entries of a subscription created at `now` in `currency` with the coupons
/// `ids` names; each coupon's `redemptions` counted. Refused, naming `coupon_ids[i]`, when
/// a coupon cannot be applied; nothing is counted then.
pub fn apply(
    store: &mut Store,
    operation: &str,
    ids: &[Value],
    currency: Option<&str>,
    now: i64,
) -> Result<Vec<Value>, Failure> {
    let mut coupons: Vec<(Map<String, Value>, Option<&str>)> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let param = format!("coupon_ids[{i}]");
        let id = id.as_str().unwrap_or_default();
        // A coupon's id, or a coupon code standing for its coupon.
        let (coupon, code) = match crud::live(store, "coupon", id) {
            Some(coupon) => (coupon, None),
            None => {
                let coupon = coupon_codes::coupon_of(store, id)
                    .and_then(|coupon| crud::live(store, "coupon", &coupon))
                    .ok_or_else(|| Failure::missing("coupon", id, &param))?;
                coupon_codes::redeemable(store, id, &param)?;
                (coupon, Some(id))
            }
        };
        usable(operation, &coupon, &param, currency, now)?;
        // Two coupons of one type need a site setting that is off by default.
        let same = coupons.iter().find(|(other, _)| {
            other.get("apply_on") == coupon.get("apply_on")
                && other.get("discount_type") == coupon.get("discount_type")
        });
        if let Some((other, _)) = same {
            return Err(Failure::param(
                &param,
                format!(
                    "names a coupon of the same type as {} (multiple coupons of one type are \
                     a site setting, off by default)",
                    text(other, "id").unwrap_or_default()
                ),
            ));
        }
        coupons.push((coupon, code));
    }
    let mut entries = Vec::new();
    for (mut coupon, code) in coupons {
        let id = text(&coupon, "id").unwrap_or_default().to_string();
        let mut entry = json!({ "coupon_id": id, "applied_count": 0, "object": "coupon" });
        if let Some(code) = code {
            coupon_codes::redeem(store, code);
            entry["coupon_code"] = json!(code);
        }
        if text(&coupon, "duration_type") == Some("limited_period") {
            let unit = text(&coupon, "period_unit").and_then(Unit::parse);
            let period = int(&coupon, "period");
            if let (Some(unit), Some(period)) = (unit, period) {
                entry["apply_till"] = json!(calendar::term_end(now, 1, period, unit));
            }
        }
        let redemptions = int(&coupon, "redemptions").unwrap_or(0) + 1;
        coupon.insert("redemptions".into(), json!(redemptions));
        touch(&mut coupon, now);
        store.put("coupon", &id, &coupon);
        entries.push(entry);
    }
    Ok(entries)
}

/// Whether `coupon` can be applied at `now` to a subscription in `currency`; the refusal
/// names `param`.
fn usable(
    operation: &str,
    coupon: &Map<String, Value>,
    param: &str,
    currency: Option<&str>,
    now: i64,
) -> Result<(), Failure> {
    let status = text(coupon, "status").unwrap_or("active");
    if status != "active" {
        return Err(Failure::param(
            param,
            format!("names a coupon that is {status}"),
        ));
    }
    if int(coupon, "valid_from").is_some_and(|from| from > now) {
        return Err(Failure::param(param, "names a coupon not valid yet"));
    }
    if int(coupon, "valid_till").is_some_and(|till| till <= now) {
        return Err(Failure::param(param, "names a coupon that has expired"));
    }
    let redemptions = int(coupon, "redemptions").unwrap_or(0);
    if int(coupon, "max_redemptions").is_some_and(|max| redemptions >= max) {
        return Err(Failure::param(
            param,
            "names a coupon redeemed its max_redemptions times",
        ));
    }
    let by_criteria = coupon
        .get("item_constraints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["constraint"] == "criteria");
    if by_criteria {
        return Err(Failure::not_emulated_option(
            operation,
            "a coupon whose item constraint is `criteria`",
            "constrain the coupon to all or specific item prices",
        ));
    }
    match text(coupon, "discount_type") {
        Some("percentage") => {}
        Some("fixed_amount") => {
            if text(coupon, "currency_code") != currency {
                return Err(Failure::param(
                    param,
                    format!(
                        "names a fixed_amount coupon in {}, not the subscription's {}",
                        text(coupon, "currency_code").unwrap_or("no currency"),
                        currency.unwrap_or("no currency")
                    ),
                ));
            }
        }
        other => {
            return Err(Failure::not_emulated_option(
                operation,
                &format!("a coupon with discount_type {}", other.unwrap_or("unset")),
                "use a percentage or fixed_amount coupon",
            ))
        }
    }
    Ok(())
}

/// What an invoice line is, for the coupons: its item price, item type and amount.
pub struct Line {
    pub item_price_id: String,
    pub item_type: String,
    pub amount: i64,
}

impl Line {
    /// A subscription item (or one of its unbilled charges) costing `amount`.
    pub fn of(item: &Value, amount: i64) -> Line {
        Line {
            item_price_id: item["item_price_id"].as_str().unwrap_or_default().into(),
            item_type: item["item_type"].as_str().unwrap_or("plan").into(),
            amount,
        }
    }
}

/// What an item coupon takes off one line (by its position on the invoice).
pub struct LineDiscount {
    pub line: usize,
    pub coupon_id: String,
    pub amount: i64,
}

/// The coupons' discounts on one invoice: its `discounts` entries, and what item coupons
/// take off each line.
#[derive(Default)]
pub struct Discounts {
    pub entries: Vec<Value>,
    pub lines: Vec<LineDiscount>,
}

/// Where a coupon applies, in the order Chargebee applies coupons: fixed amounts on items,
/// percentages of items, fixed amounts on the invoice amount, percentages of it.
fn rank(coupon: &Map<String, Value>) -> u8 {
    let on_items = text(coupon, "apply_on") == Some("each_specified_item");
    let percentage = text(coupon, "discount_type") == Some("percentage");
    match (on_items, percentage) {
        (true, false) => 0,
        (true, true) => 1,
        (false, false) => 2,
        (false, true) => 3,
    }
}

/// Whether item coupon `coupon` applies to a line of `line`'s item price: its
/// `item_constraints` entry for the item type is `all`, or `specific` and lists the price.
fn covers(coupon: &Map<String, Value>, line: &Line) -> bool {
    let constraints = coupon.get("item_constraints").and_then(Value::as_array);
    let Some(entry) = constraints
        .into_iter()
        .flatten()
        .find(|c| c["item_type"] == line.item_type.as_str())
    else {
        return false;
    };
    match entry["constraint"].as_str() {
        Some("all") => true,
        Some("specific") => entry["item_price_ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == line.item_price_id.as_str())),
        _ => false,
    }
}

/// What `coupon` takes off `amount`: a `percentage` of it or its `fixed_amount`, at most the
/// amount.
fn off(coupon: &Map<String, Value>, amount: i64) -> i64 {
    match text(coupon, "discount_type") {
        Some("percentage") => {
            let percent = coupon
                .get("discount_percentage")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            percentage_of(amount, percent)
        }
        _ => int(coupon, "discount_amount").unwrap_or(0).min(amount),
    }
}

/// The discounts of `subscription`'s coupons on an invoice of `lines` dated `at`, in
/// Chargebee's order ([`rank`]); each coupon applied is counted (`applied_count`) on the
/// subscription. An item coupon takes its discount off each line it covers, an invoice
/// coupon off what the lines come to after the item coupons and the invoice coupons before.
pub fn discounts(
    store: &Store,
    subscription: &mut Map<String, Value>,
    lines: &[Line],
    at: i64,
) -> Discounts {
    let Some(entries) = subscription
        .get_mut("coupons")
        .and_then(Value::as_array_mut)
    else {
        return Discounts::default();
    };
    let mut applying: Vec<(u8, usize, Map<String, Value>)> = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        let Some(coupon) = entry["coupon_id"]
            .as_str()
            .and_then(|id| crud::live(store, "coupon", id))
        else {
            continue;
        };
        let applied = entry["applied_count"].as_i64().unwrap_or(0);
        let applies = match text(&coupon, "duration_type") {
            Some("one_time") => applied == 0,
            Some("limited_period") => entry["apply_till"].as_i64().is_some_and(|till| at < till),
            _ => true,
        };
        if applies {
            applying.push((rank(&coupon), position, coupon));
        }
    }
    applying.sort_by_key(|(rank, position, _)| (*rank, *position));
    let mut left: Vec<i64> = lines.iter().map(|line| line.amount).collect();
    let mut document_left: Option<i64> = None;
    let mut out = Discounts::default();
    for (rank, position, coupon) in applying {
        let coupon_id = text(&coupon, "id").unwrap_or_default().to_string();
        let amount = if rank < 2 {
            let mut taken = 0;
            for (i, line) in lines.iter().enumerate() {
                if left[i] <= 0 || !covers(&coupon, line) {
                    continue;
                }
                let amount = off(&coupon, left[i]);
                left[i] -= amount;
                taken += amount;
                out.lines.push(LineDiscount {
                    line: i,
                    coupon_id: coupon_id.clone(),
                    amount,
                });
            }
            taken
        } else {
            // What the item coupons left, less the invoice coupons before this one.
            let base = document_left.get_or_insert_with(|| left.iter().sum());
            let amount = off(&coupon, *base);
            *base -= amount;
            amount
        };
        if amount <= 0 {
            continue;
        }
        let entry = &mut entries[position];
        entry["applied_count"] = json!(entry["applied_count"].as_i64().unwrap_or(0) + 1);
        let description = text(&coupon, "invoice_name")
            .or(text(&coupon, "name"))
            .unwrap_or_default();
        let (entity_type, kind) = (
            if rank < 2 {
                "item_level_coupon"
            } else {
                "document_level_coupon"
            },
            if rank % 2 == 1 {
                "percentage"
            } else {
                "fixed_amount"
            },
        );
        out.entries.push(json!({
            "amount": amount,
            "description": description,
            "entity_type": entity_type,
            "entity_id": coupon_id,
            "discount_type": kind,
            "object": "discount",
        }));
    }
    out
}

/// `percent` % of `amount`, rounded to the nearest minor unit, halves up; the percentage
/// is read to the hundredth, as Chargebee takes it.
fn percentage_of(amount: i64, percent: f64) -> i64 {
    let hundredths = (percent * 100.0).round() as i128;
    let exact = i128::from(amount) * hundredths;
    let rounded = (2 * exact + 10_000).div_euclid(20_000);
    i64::try_from(rounded).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::percentage_of;

    #[test]
    fn percentages_round_to_the_nearest_minor_unit_halves_up() {
        // 12.5 % of 49.00 is 6.125 → 6.13; 10 % of 49.00 is 4.90 exactly.
        assert_eq!(percentage_of(4_900, 12.5), 613);
        assert_eq!(percentage_of(4_900, 10.0), 490);
        // 33.33 % of 1.00 is 0.3333 → 0.33; 100 % is all of it.
        assert_eq!(percentage_of(100, 33.33), 33);
        assert_eq!(percentage_of(4_900, 100.0), 4_900);
    }
}
