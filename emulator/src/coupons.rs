//! Coupons on subscriptions, as Chargebee documents them: `coupon_ids` at creation applies a
//! coupon that is `active`, within its `valid_from`/`valid_till` and below its
//! `max_redemptions` (its `redemptions` counts each subscription it is applied to). The
//! subscription lists it (`coupons`: `coupon_id`, `applied_count`, and `apply_till` for a
//! `limited_period` coupon, its `period` of `period_unit`s from when it was applied), and each
//! invoice raised for the subscription's terms takes it off the invoice amount: a
//! `percentage` of it (rounded to the nearest minor unit, halves up) or a `fixed_amount` in
//! the subscription's currency, at most the amount. A `one_time` coupon applies to one
//! invoice, a `forever` one to all, a `limited_period` one to invoices dated before its
//! `apply_till`. The invoice shows it in `discounts` (`document_level_coupon`); how Chargebee
//! spreads a discount over the lines (`line_item_discounts`) is not modeled, nor are coupons
//! on an item (`apply_on: each_specified_item`), `offer_quantity` coupons or more than one
//! coupon on a subscription: each is refused by name. A coupon code (`coupon_codes`) in
//! `coupon_ids` applies its coupon and is redeemed; the entry names it (`coupon_code`).

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
    if ids.len() > 1 {
        return Err(Failure::not_emulated_option(
            operation,
            "more than one coupon in `coupon_ids`",
            "apply one coupon: how Chargebee combines coupons is not modeled",
        ));
    }
    let mut coupons = Vec::new();
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
    if text(coupon, "apply_on") == Some("each_specified_item") {
        return Err(Failure::not_emulated_option(
            operation,
            "a coupon applied on each specified item",
            "use a coupon with apply_on=invoice_amount",
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

/// The discounts of `subscription`'s coupons on an invoice of `sub_total` dated `at`, as
/// `discounts` entries; each coupon applied is counted (`applied_count`) on the subscription.
pub fn discounts(
    store: &Store,
    subscription: &mut Map<String, Value>,
    sub_total: i64,
    at: i64,
) -> Vec<Value> {
    let Some(entries) = subscription
        .get_mut("coupons")
        .and_then(Value::as_array_mut)
    else {
        return Vec::new();
    };
    let mut discounts = Vec::new();
    let mut left = sub_total;
    for entry in entries.iter_mut() {
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
        if !applies || left <= 0 {
            continue;
        }
        let (kind, amount) = match text(&coupon, "discount_type") {
            Some("percentage") => {
                let percent = coupon
                    .get("discount_percentage")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                ("percentage", percentage_of(left, percent))
            }
            _ => (
                "fixed_amount",
                int(&coupon, "discount_amount").unwrap_or(0).min(left),
            ),
        };
        entry["applied_count"] = json!(applied + 1);
        left -= amount;
        let description = text(&coupon, "invoice_name")
            .or(text(&coupon, "name"))
            .unwrap_or_default();
        discounts.push(json!({
            "amount": amount,
            "description": description,
            "entity_type": "document_level_coupon",
            "entity_id": coupon["id"],
            "discount_type": kind,
            "object": "discount",
        }));
    }
    discounts
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
