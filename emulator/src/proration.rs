//! Proration of a change at once to an active subscription's items (`update_for_items` with
//! `prorate` left out or true), as Chargebee prorates on a site that bills to the
//! millisecond, here at the emulator's one-second clock: an item whose price, quantity or
//! unit price changes is credited for what is left of the current term at its old amount and
//! charged for it at its new amount, each `amount × seconds left ÷ seconds in the term`,
//! rounded to the nearest minor unit (halves up). An item added is only charged, one removed
//! only credited, one unchanged neither. The credits are refundable credit notes
//! (`reason_code: subscription_change`) against the term's paid invoices, newest first, each
//! for up to what it was paid and has not yet credited; the charges one invoice raised at
//! once, which those credits pay first, the rest collected as any invoice is. Credits the
//! term's paid invoices cannot cover (an invoice still due) are refused by name.
//!
//! Moving a term's end (`change_term_end`) is prorated the same way ([`term_end_plan`]):
//! seconds added are charged at one billing period's rate from now, seconds taken off
//! credited at the current term's rate, as Chargebee documents for a changed billing date.
//! A change of billing period at once starts a new term now ([`new_term_plan`]): the new
//! items are charged in full, the old ones credited for what is left of the current term.

use crate::calendar;
use crate::credit_notes::{self, Note};
use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, text};
use crate::invoices::{self, Charge, Raised};
use crate::store::Store;
use crate::unbilled;
use serde_json::{json, Map, Value};

/// What a change credits and charges, each item with its prorated amount.
pub struct Plan {
    credits: Vec<(Value, i64)>,
    charges: Vec<(Value, i64)>,
    /// The term's paid invoices the credits are issued against, and how much against each.
    sources: Vec<(Map<String, Value>, i64)>,
    /// The period the charges pay for.
    charged_from: i64,
    term_end: i64,
}

/// `amount × left ÷ term`, rounded to the nearest minor unit, halves up.
fn prorated(amount: i64, left: i64, term: i64) -> i64 {
    let (amount, left, term) = (i128::from(amount), i128::from(left), i128::from(term));
    let exact = amount * left;
    let rounded = (2 * exact + term).div_euclid(2 * term);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Whether two subscription items bill the same: price, quantity, unit price and amount.
fn same(old: &Value, new: &Value) -> bool {
    [
        "item_price_id",
        "quantity",
        "quantity_in_decimal",
        "unit_price",
        "amount",
    ]
    .iter()
    .all(|key| old.get(*key) == new.get(*key))
}

/// What changing `subscription`'s items to `items` at `now` credits and charges; refused
/// (`operation` named) when there are credits and the term's invoice is not paid.
pub fn plan(
    store: &mut Store,
    operation: &str,
    subscription: &Map<String, Value>,
    items: &[Value],
    now: i64,
) -> Result<Plan, Failure> {
    let start = int(subscription, "current_term_start").unwrap_or(now);
    let end = int(subscription, "current_term_end").unwrap_or(now);
    let (left, term) = (end - now, end - start);
    let mut plan = Plan {
        credits: Vec::new(),
        charges: Vec::new(),
        sources: Vec::new(),
        charged_from: now,
        term_end: end,
    };
    if left <= 0 || term <= 0 {
        return Ok(plan);
    }
    refuse_coupons(operation, subscription)?;
    let old: &[Value] = subscription
        .get("subscription_items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let price_of = |item: &Value| item.get("item_price_id").cloned();
    // One-time charges were billed once; a change neither credits nor charges them.
    let old: Vec<&Value> = old.iter().filter(|i| !invoices::is_charge(i)).collect();
    let items: Vec<&Value> = items.iter().filter(|i| !invoices::is_charge(i)).collect();
    for item in old.iter().copied() {
        let kept = items.iter().find(|new| price_of(new) == price_of(item));
        if kept.is_none_or(|new| !same(item, new)) {
            let amount = prorated(int_of(item), left, term);
            if amount > 0 {
                plan.credits.push((item.clone(), amount));
            }
        }
    }
    for item in items.iter().copied() {
        let before = old.iter().find(|o| price_of(o) == price_of(item));
        if before.is_none_or(|o| !same(o, item)) {
            let amount = prorated(int_of(item), left, term);
            if amount > 0 {
                plan.charges.push((item.clone(), amount));
            }
        }
    }
    find_sources(store, operation, subscription, end, plan)
}

/// What moving `subscription`'s term end from its `current_term_end` to `new_end` at `now`
/// credits or charges, as Chargebee documents for a change of the next billing date: a later
/// end charges each recurring item `amount × seconds added ÷ seconds in one billing period
/// from now`, for the seconds added; an earlier end credits it `amount × seconds taken off
/// ÷ seconds in the current term`. Refused (`operation` named) as [`plan`] refuses.
pub fn term_end_plan(
    store: &mut Store,
    operation: &str,
    subscription: &Map<String, Value>,
    new_end: i64,
    now: i64,
) -> Result<Plan, Failure> {
    let start = int(subscription, "current_term_start").unwrap_or(now);
    let end = int(subscription, "current_term_end").unwrap_or(now);
    let mut plan = Plan {
        credits: Vec::new(),
        charges: Vec::new(),
        sources: Vec::new(),
        charged_from: end,
        term_end: new_end,
    };
    if new_end == end {
        return Ok(plan);
    }
    refuse_coupons(operation, subscription)?;
    let (length, unit) = crate::lifecycle::period(subscription);
    let (moved, base) = if new_end > end {
        (
            new_end - end,
            calendar::term_end(now, 1, length, unit) - now,
        )
    } else {
        (end - new_end, end - start)
    };
    let items = subscription
        .get("subscription_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| !invoices::is_charge(item));
    for item in items {
        let amount = prorated(int_of(item), moved, base);
        if amount > 0 {
            let side = if new_end > end {
                &mut plan.charges
            } else {
                &mut plan.credits
            };
            side.push((item.clone(), amount));
        }
    }
    find_sources(store, operation, subscription, end, plan)
}

/// What changing `subscription`'s billing period at once to `items` credits and charges, as
/// Chargebee documents: a new term starts now, to `new_end`, and the new items are charged
/// in full for it; with `prorate`, each old recurring item is credited for what is left of
/// the current term (`amount × seconds left ÷ seconds in the term`). Refused (`operation`
/// named) for a subscription with a coupon, or as [`plan`] refuses credits.
pub fn new_term_plan(
    store: &mut Store,
    operation: &str,
    subscription: &Map<String, Value>,
    items: &[Value],
    (new_end, prorate): (i64, bool),
    now: i64,
) -> Result<Plan, Failure> {
    refuse_coupons(operation, subscription)?;
    let start = int(subscription, "current_term_start").unwrap_or(now);
    let end = int(subscription, "current_term_end").unwrap_or(now);
    let (left, term) = (end - now, end - start);
    let recurring = |items: &[Value]| -> Vec<Value> {
        items
            .iter()
            .filter(|item| !invoices::is_charge(item))
            .cloned()
            .collect()
    };
    let old: &[Value] = subscription
        .get("subscription_items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let mut plan = Plan {
        credits: Vec::new(),
        charges: recurring(items)
            .into_iter()
            .map(|item| {
                let amount = int_of(&item);
                (item, amount)
            })
            .filter(|(_, amount)| *amount > 0)
            .collect(),
        sources: Vec::new(),
        charged_from: now,
        term_end: new_end,
    };
    if prorate && left > 0 && term > 0 {
        for item in recurring(old) {
            let amount = prorated(int_of(&item), left, term);
            if amount > 0 {
                plan.credits.push((item, amount));
            }
        }
    }
    find_sources(store, operation, subscription, end, plan)
}

/// Refuses (`operation` named) to prorate a subscription with a coupon.
fn refuse_coupons(operation: &str, subscription: &Map<String, Value>) -> Result<(), Failure> {
    let coupons = subscription.get("coupons").and_then(Value::as_array);
    if coupons.is_some_and(|c| !c.is_empty()) {
        return Err(Failure::not_emulated_option(
            operation,
            "proration of a subscription with a coupon",
            "send prorate=false, or end_of_term=true",
        ));
    }
    Ok(())
}

/// `plan` with the paid invoices of `subscription`'s term ending at `end` its credits are
/// issued against; refused (`operation` named) when they cannot cover them.
fn find_sources(
    store: &mut Store,
    operation: &str,
    subscription: &Map<String, Value>,
    end: i64,
    mut plan: Plan,
) -> Result<Plan, Failure> {
    if plan.credits.is_empty() {
        return Ok(plan);
    }
    let mut wanted: i64 = plan.credits.iter().map(|(_, amount)| amount).sum();
    let id = text(subscription, "id").unwrap_or_default();
    for invoice in term_invoices(store, id, end) {
        let part = credit_notes::refundable(&invoice).min(wanted);
        if part > 0 {
            plan.sources.push((invoice, part));
            wanted -= part;
        }
    }
    if wanted > 0 {
        return Err(Failure::not_emulated_option(
            operation,
            "proration credits beyond what the term's invoices were paid",
            "pay the term's invoice first, or send prorate=false, or end_of_term=true",
        ));
    }
    Ok(plan)
}

/// The amount of a subscription item.
fn int_of(item: &Value) -> i64 {
    item.get("amount").and_then(Value::as_i64).unwrap_or(0)
}

/// The paid invoices of subscription `id` for the term that ends at `end`, newest first.
fn term_invoices(store: &mut Store, id: &str, end: i64) -> Vec<Map<String, Value>> {
    let ids = store.owned("invoice", "subscription_id", id);
    ids.iter()
        .rev()
        .filter_map(|invoice| crud::live(store, "invoice", invoice))
        .filter(|invoice| {
            invoice["line_items"][0]["date_to"].as_i64() == Some(end)
                && text(invoice, "status") == Some("paid")
        })
        .collect()
}

/// What a carried-out plan made.
pub struct Prorated {
    pub credit_notes: Vec<Map<String, Value>>,
    pub invoice: Option<Raised>,
}

/// Carries out `plan` for `subscription`, its items already changed, at `now`: issues the
/// credit notes, then raises the invoice of the charges and counts it in the dues, or, not
/// `invoice_now`, keeps the charges unbilled.
pub fn carry_out(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    plan: Plan,
    invoice_now: bool,
    now: i64,
) -> Prorated {
    let reason = json!("subscription_change");
    let mut credit_notes = Vec::new();
    for (mut invoice, total) in plan.sources {
        let note = Note {
            kind: "refundable",
            total,
            reason_code: Some(&reason),
            create_reason_code: None,
            date: now,
            refunds: Vec::new(),
            lines: Vec::new(),
        };
        let id = store.new_id("credit_note");
        credit_notes.push(credit_notes::issue(store, &mut invoice, &note, id, now));
    }
    let charges: Vec<Charge> = plan
        .charges
        .iter()
        .map(|(item, amount)| Charge {
            item,
            amount: *amount,
            from: plan.charged_from,
            to: plan.term_end,
        })
        .collect();
    if !invoice_now {
        unbilled::keep(store, subscription, &charges, now);
        return Prorated {
            credit_notes,
            invoice: None,
        };
    }
    let invoice =
        (!charges.is_empty()).then(|| invoices::bill_charges(store, subscription, &charges, now));
    Prorated {
        credit_notes,
        invoice,
    }
}

#[cfg(test)]
mod tests {
    use super::prorated;

    #[test]
    fn prorations_round_to_the_nearest_minor_unit_halves_up() {
        // 49.00 for 10 of 30 days: 16.333… → 16.33.
        assert_eq!(prorated(4_900, 10, 30), 1_633);
        // 1.00 for 1 of 8 parts: 12.5 → 13; 3 of 8: 37.5 → 38.
        assert_eq!(prorated(100, 1, 8), 13);
        assert_eq!(prorated(100, 3, 8), 38);
        // A whole term is the whole amount; nothing left is nothing.
        assert_eq!(prorated(4_900, 2_678_400, 2_678_400), 4_900);
        assert_eq!(prorated(4_900, 0, 2_678_400), 0);
    }
}
