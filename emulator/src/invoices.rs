//! The invoice a subscription's term raises: one line per subscription item at its price and
//! quantity, no tax. The customer's refundable credits (`credits`) pay what they can first,
//! then its excess payments (`excess`). The rest, collected automatically
//! (`auto_collection: on`) from the customer's primary card, is charged at once through the
//! emulator's gateway: `paid` when the charge succeeds, `payment_due` when it fails.
//! Otherwise it is `posted` until its due date when the customer has Net D payment terms
//! (`net_term_days`), then `payment_due`, or `payment_due` at once without them. Written
//! straight to JSON text, since a year of renewals raises hundreds of thousands.

use crate::coupons::{self, Discounts, Line};
use crate::credits;
use crate::crud;
use crate::dunning;
use crate::excess;
use crate::failure::Failure;
use crate::fields::{self, int};
use crate::gateway::{self, Card, Charged};
use crate::promotions;
use crate::store::Store;
use crate::unbilled;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// An invoice as stored: its JSON text, and the charge of its amount, if it was charged.
pub struct Raised {
    pub text: String,
    pub charged: Option<Charged>,
    /// What the subscription owes for it: its amount due when it is `payment_due`, else 0.
    pub owed: i64,
}

impl Raised {
    /// The invoice as an object, for an answer that carries it.
    pub fn object(&self) -> Map<String, Value> {
        serde_json::from_str(&self.text).expect("the invoice is a JSON object")
    }
}

#[derive(Serialize)]
struct Invoice<'a> {
    id: &'a str,
    customer_id: &'a Value,
    subscription_id: &'a Value,
    recurring: bool,
    status: &'static str,
    date: i64,
    due_date: i64,
    price_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency_code: Option<&'a Value>,
    tax: i64,
    sub_total: i64,
    total: i64,
    amount_paid: i64,
    amount_due: i64,
    amount_adjusted: i64,
    credits_applied: i64,
    first_invoice: bool,
    term_finalized: bool,
    is_gifted: bool,
    generated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    paid_at: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    linked_payments: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    applied_credits: Vec<Value>,
    #[serde(skip_serializing_if = "<[Value]>::is_empty")]
    discounts: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    line_item_discounts: Vec<Value>,
    /// `dunning_status`, `next_retry_at` and `dunning_attempts`, once a charge failed.
    #[serde(flatten)]
    dunning: Map<String, Value>,
    updated_at: i64,
    resource_version: i64,
    line_items: Vec<LineItem<'a>>,
    deleted: bool,
    object: &'static str,
}

#[derive(Serialize)]
struct LineItem<'a> {
    id: String,
    subscription_id: &'a Value,
    date_from: i64,
    date_to: i64,
    unit_amount: &'a Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    quantity: &'a Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    quantity_in_decimal: &'a Value,
    amount: i64,
    discount_amount: i64,
    item_level_discount_amount: i64,
    is_taxed: bool,
    tax_amount: i64,
    description: &'a Value,
    entity_type: String,
    entity_id: &'a Value,
    customer_id: &'a Value,
    object: &'static str,
}

/// Refuses, by name, a call that asks to leave the charges it raises unbilled
/// (`invoice_immediately=false`, `charges_handling=add_to_unbilled_charges`) where the
/// emulator does not keep them unbilled: dropping the charges would be a success Chargebee
/// does not give.
pub fn refuse_unbilled(operation: &str, values: &Map<String, Value>) -> Result<(), Failure> {
    let text = |key: &str| values.get(key).and_then(Value::as_str);
    if text("charges_handling") == Some("add_to_unbilled_charges") {
        return Err(Failure::not_emulated_option(
            operation,
            "charges_handling=add_to_unbilled_charges",
            "this operation's charges are not kept unbilled; send \
             charges_handling=invoice_immediately",
        ));
    }
    if values.get("invoice_immediately").and_then(Value::as_bool) == Some(false) {
        return Err(Failure::not_emulated_option(
            operation,
            "invoice_immediately=false",
            "this operation's charges are not kept unbilled; leave invoice_immediately out \
             to invoice now",
        ));
    }
    Ok(())
}

/// How a customer pays its invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Whether invoices are collected automatically (`auto_collection: on`).
    pub auto_collection: bool,
    /// The valid primary card charged for them, if the customer has one.
    pub card: Option<Card>,
    /// Days an uncollected invoice stays `posted` before it is due (Net D); 0 for none.
    pub net_term_days: i64,
    /// The customer's `refundable_credits`, applied to each new invoice first.
    pub credits: i64,
    /// The customer's `excess_payments`, applied to each new invoice after its credits.
    pub excess: i64,
    /// The customer's `promotional_credits`, taken off each new invoice before all else.
    pub promotional: i64,
}

impl Terms {
    /// `customer`'s terms, its card read from `store`.
    pub fn of(store: &Store, customer: &Map<String, Value>) -> Terms {
        let text = |key: &str| customer.get(key).and_then(Value::as_str);
        Terms {
            auto_collection: text("auto_collection") != Some("off"),
            card: gateway::card_of(store, customer),
            net_term_days: customer
                .get("net_term_days")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            credits: customer
                .get("refundable_credits")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            excess: customer
                .get("excess_payments")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            promotional: customer
                .get("promotional_credits")
                .and_then(Value::as_i64)
                .unwrap_or(0),
        }
    }
}

/// [`raise`] on the terms of `subscription`'s customer as stored.
pub fn raise_for_customer(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    now: i64,
    first: bool,
) -> Raised {
    let customer_id = fields::text(subscription, "customer_id").unwrap_or_default();
    let customer = crud::live(store, "customer", customer_id).unwrap_or_default();
    let terms = Terms::of(store, &customer);
    raise(store, subscription, &terms, now, first)
}

/// Whether a subscription item is a one-time charge (`item_type: charge`).
pub fn is_charge(item: &Value) -> bool {
    item["item_type"] == "charge"
}

/// What a subscription's recurring items cost a term (its `mrr`), one-time charges left out.
pub fn recurring_amount(items: &[Value]) -> i64 {
    items
        .iter()
        .filter(|item| !is_charge(item))
        .filter_map(|item| item["amount"].as_i64())
        .sum()
}

/// One charge of an invoice: a subscription item, what it costs, and the period it pays for.
pub struct Charge<'a> {
    pub item: &'a Value,
    pub amount: i64,
    pub from: i64,
    pub to: i64,
}

/// Raises and stores the invoice for `subscription`'s current term at `now` (`first`: its
/// first invoice), paid or not as the customer's `terms` (and the subscription's own
/// `auto_collection`, when it has one) say, and counts it in the subscription's dues.
pub fn raise(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    terms: &Terms,
    now: i64,
    first: bool,
) -> Raised {
    // One-time charges are billed on a subscription's first invoice only; charges left
    // unbilled before come with the term.
    let billed = |item: &Value| first || !is_charge(item);
    let id = fields::text(subscription, "id")
        .unwrap_or_default()
        .to_string();
    let pending = unbilled::take(store, &id, now);
    let has_coupons = subscription
        .get("coupons")
        .and_then(Value::as_array)
        .is_some_and(|coupons| !coupons.is_empty());
    let discounts = if has_coupons {
        let lines: Vec<Line> = subscription
            .get("subscription_items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|item| billed(item))
            .map(|item| Line::of(item, item["amount"].as_i64().unwrap_or(0)))
            .chain(pending.iter().map(|p| Line::of(&p.item, p.amount)))
            .collect();
        coupons::discounts(store, subscription, &lines, now)
    } else {
        Discounts::default()
    };
    let raised = {
        let int = |key: &str| subscription.get(key).and_then(Value::as_i64);
        let (from, to) = (
            int("current_term_start").unwrap_or(now),
            int("current_term_end").unwrap_or(now),
        );
        let items: &[Value] = subscription
            .get("subscription_items")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let charges: Vec<Charge> = items
            .iter()
            .filter(|item| billed(item))
            .map(|item| Charge {
                item,
                amount: item["amount"].as_i64().unwrap_or(0),
                from,
                to,
            })
            .chain(pending.iter().map(unbilled::Pending::charge))
            .collect();
        bill(store, subscription, &charges, &discounts, terms, now, first)
    };
    if raised.owed > 0 {
        owe(subscription, raised.owed, now);
    }
    raised
}

/// Raises and stores an invoice of `charges` alone (no coupons: prorated or unbilled
/// charges) for `subscription` at `now`, on its customer's terms, and counts what the
/// subscription owes for it.
pub fn bill_charges(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    charges: &[Charge<'_>],
    now: i64,
) -> Raised {
    let customer_id = fields::text(subscription, "customer_id").unwrap_or_default();
    let customer = crud::live(store, "customer", customer_id).unwrap_or_default();
    let terms = Terms::of(store, &customer);
    let discounts = Discounts::default();
    let raised = bill(store, subscription, charges, &discounts, &terms, now, false);
    if raised.owed > 0 {
        owe(subscription, raised.owed, now);
    }
    raised
}

/// Raises and stores an invoice of `charges` less the coupons' `discounts` for
/// `subscription` at `now` (`first`: its first invoice), paid or not as the customer's
/// `terms` (and the subscription's own `auto_collection`, when it has one) say. An invoice
/// left `posted` is put on the schedule for its due date; what the subscription owes for it
/// is the caller's to count.
pub fn bill(
    store: &mut Store,
    subscription: &Map<String, Value>,
    charges: &[Charge<'_>],
    discounts: &Discounts,
    terms: &Terms,
    now: i64,
    first: bool,
) -> Raised {
    let id = store.new_id("invoice");
    let null = Value::Null;
    let field = |key: &str| subscription.get(key).unwrap_or(&null);
    let line_item_discounts: Vec<Value> = discounts
        .lines
        .iter()
        .map(|d| {
            json!({
                "line_item_id": format!("li_{id}_{}", d.line),
                "discount_type": "item_level_coupon",
                "coupon_id": d.coupon_id,
                "entity_id": d.coupon_id,
                "discount_amount": d.amount,
                "object": "line_item_discount",
            })
        })
        .collect();
    let line_items: Vec<LineItem> = charges
        .iter()
        .enumerate()
        .map(|(i, charge)| {
            let item_field = |key: &str| charge.item.get(key).unwrap_or(&null);
            let kind = item_field("item_type").as_str().unwrap_or("plan");
            let item_discount: i64 = discounts
                .lines
                .iter()
                .filter(|d| d.line == i)
                .map(|d| d.amount)
                .sum();
            LineItem {
                discount_amount: item_discount,
                item_level_discount_amount: item_discount,
                id: format!("li_{id}_{i}"),
                subscription_id: field("id"),
                date_from: charge.from,
                date_to: charge.to,
                unit_amount: item_field("unit_price"),
                quantity: item_field("quantity"),
                quantity_in_decimal: item_field("quantity_in_decimal"),
                amount: charge.amount,
                is_taxed: false,
                tax_amount: 0,
                description: item_field("item_price_id"),
                entity_type: format!("{kind}_item_price"),
                entity_id: item_field("item_price_id"),
                customer_id: field("customer_id"),
                object: "line_item",
            }
        })
        .collect();
    let sub_total: i64 = charges.iter().map(|c| c.amount).sum();
    let discounted: i64 = discounts
        .entries
        .iter()
        .filter_map(|d| d["amount"].as_i64())
        .sum();
    let mut total = sub_total - discounted;
    let mut discounts = discounts.entries.clone();
    // The customer's promotional credits come off first, as a discount.
    if let (true, Some(customer_id)) = (terms.promotional > 0, field("customer_id").as_str()) {
        let currency = subscription.get("currency_code").and_then(Value::as_str);
        if let Some(promotion) = promotions::apply(store, customer_id, currency, &id, total, now) {
            total -= promotion["amount"].as_i64().unwrap_or(0);
            discounts.push(promotion);
        }
    }
    // The customer's refundable credits go first; the rest is collected.
    let taken = match (
        terms.credits > 0 && total > 0,
        field("customer_id").as_str(),
    ) {
        (true, Some(customer_id)) => {
            credits::take(store, customer_id, subscription.get("currency_code"), total)
        }
        _ => Vec::new(),
    };
    let credited: i64 = taken.iter().map(|t| t.amount).sum();
    // Then what the customer paid beyond earlier invoices.
    let unused = match (
        terms.excess > 0 && total > credited,
        field("customer_id").as_str(),
    ) {
        (true, Some(customer_id)) => excess::take(
            store,
            customer_id,
            subscription.get("currency_code"),
            total - credited,
        ),
        _ => Vec::new(),
    };
    let prepaid: i64 = unused.iter().map(|t| t.amount).sum();
    let due = total - credited - prepaid;
    let auto_collection = match subscription.get("auto_collection").and_then(Value::as_str) {
        Some(setting) => setting != "off",
        None => terms.auto_collection,
    };
    let card = terms.card.as_ref().filter(|_| auto_collection && due > 0);
    let charged = card.map(|card| {
        let bill = gateway::Bill {
            invoice_id: &id,
            customer_id: field("customer_id"),
            subscription_id: field("id"),
            currency_code: subscription.get("currency_code"),
            amount: due,
            date: now,
            total,
            due,
            status: "payment_due",
        };
        gateway::charge(store, card, &bill, now)
    });
    let failed = charged.as_ref().filter(|c| !c.succeeded);
    let dunning = failed.map_or_else(Map::new, |c| dunning::start(store, &id, c, due, now));
    let paid = due == 0 || charged.as_ref().is_some_and(|c| c.succeeded);
    // A failed charge leaves the invoice due at once; without a charge Net D terms post it.
    let posted = !paid && charged.is_none() && terms.net_term_days > 0;
    let mut linked_payments: Vec<Value> = charged
        .iter()
        .map(|c| {
            let payment = LinkedPayment {
                transaction_id: &c.transaction_id,
                succeeded: c.succeeded,
                applied: if c.succeeded { due } else { 0 },
                amount: due,
                date: now,
            };
            payment.entry(now)
        })
        .collect();
    let due_date = if posted {
        now + terms.net_term_days * 86_400
    } else {
        now
    };
    let status = match (paid, posted) {
        (true, _) => "paid",
        (false, true) => "posted",
        (false, false) => "payment_due",
    };
    let applied_credits = credits::allocate(store, taken, &id, now, status, now);
    let mut paid_before = excess::apply(store, unused, &id, (now, total, status), now);
    paid_before.append(&mut linked_payments);
    let linked_payments = paid_before;
    let invoice = Invoice {
        id: &id,
        customer_id: field("customer_id"),
        subscription_id: field("id"),
        recurring: true,
        status,
        date: now,
        due_date,
        price_type: "tax_exclusive",
        currency_code: subscription.get("currency_code"),
        tax: 0,
        sub_total,
        total,
        amount_paid: prepaid + if paid { due } else { 0 },
        amount_due: if paid { 0 } else { due },
        amount_adjusted: 0,
        credits_applied: credited,
        first_invoice: first,
        term_finalized: true,
        is_gifted: false,
        generated_at: now,
        paid_at: paid.then_some(now),
        linked_payments,
        applied_credits,
        discounts,
        line_item_discounts,
        dunning,
        updated_at: now,
        resource_version: now * 1000,
        line_items,
        deleted: false,
        object: "invoice",
    };
    let mut bytes = Vec::with_capacity(2048);
    serde_json::to_writer(&mut bytes, &invoice).expect("an invoice serializes");
    let text = String::from_utf8(bytes).expect("serde_json writes UTF-8");
    store.put_text("invoice", &id, text.clone().into_boxed_str(), None);
    if posted {
        store.schedule.plan_invoice(&id, due_date);
    }
    let owed = if status == "payment_due" { due } else { 0 };
    Raised {
        text,
        charged,
        owed,
    }
}

/// A payment as an invoice lists it (`linked_payments`).
#[derive(Debug, Clone, Copy)]
pub struct LinkedPayment<'a> {
    pub transaction_id: &'a str,
    pub succeeded: bool,
    /// What the payment took off the invoice.
    pub applied: i64,
    /// The transaction's amount and date.
    pub amount: i64,
    pub date: i64,
}

impl LinkedPayment<'_> {
    /// The entry, applied at `at`.
    pub fn entry(&self, at: i64) -> Value {
        json!({
            "txn_id": self.transaction_id,
            "applied_amount": self.applied,
            "applied_at": at,
            "txn_status": if self.succeeded { "success" } else { "failure" },
            "txn_date": self.date,
            "txn_amount": self.amount,
        })
    }

    /// Adds the entry, applied at `at`, to `invoice`'s `linked_payments`.
    pub fn link(&self, invoice: &mut Map<String, Value>, at: i64) {
        fields::append(invoice, "linked_payments", vec![self.entry(at)]);
    }
}

/// Takes `amount` (a payment, an adjustment, a write-off) off `invoice`'s `amount_due` at
/// `now`: at zero the invoice is `paid` (`paid_at`: `paid_at`) and its dunning stopped. The
/// subscription of an invoice that was due owes that much less ([`settle`]); the caller
/// stores the invoice.
pub fn reduce(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    amount: i64,
    paid_at: i64,
    now: i64,
) {
    let due = int(invoice, "amount_due").unwrap_or(0);
    let was_due = fields::text(invoice, "status") != Some("posted");
    invoice.insert("amount_due".into(), json!(due - amount));
    if due == amount {
        invoice.insert("status".into(), json!("paid"));
        invoice.insert("paid_at".into(), json!(paid_at));
        dunning::stop(invoice);
    }
    let subscription_id = fields::text(invoice, "subscription_id");
    let subscription = subscription_id.and_then(|s| crud::live(store, "subscription", s));
    if let (true, Some(mut subscription)) = (was_due && amount > 0, subscription) {
        settle(&mut subscription, amount, due == amount);
        fields::touch(&mut subscription, now);
        crate::lifecycle::save(store, &subscription);
    }
}

/// Makes `amount` of `invoice` due again at `now` (a payment or credit taken back off it),
/// with `status`: its subscription owes it again, counted as a due invoice when the invoice
/// was `paid`; a `posted` invoice is put back on the schedule for its due date. The caller
/// stores the invoice.
pub fn reopen(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    amount: i64,
    status: &str,
    now: i64,
) {
    let was_paid = fields::text(invoice, "status") == Some("paid");
    let due = int(invoice, "amount_due").unwrap_or(0) + amount;
    invoice.insert("amount_due".into(), json!(due));
    invoice.insert("status".into(), json!(status));
    invoice.remove("paid_at");
    let id = fields::text(invoice, "id").unwrap_or_default().to_string();
    if status == "posted" {
        if let Some(due_date) = int(invoice, "due_date") {
            store.schedule.plan_invoice(&id, due_date);
        }
        return;
    }
    let subscription_id = fields::text(invoice, "subscription_id").unwrap_or_default();
    if let Some(mut subscription) = crud::live(store, "subscription", subscription_id) {
        if was_paid {
            owe(&mut subscription, amount, now);
        } else {
            let owed = int(&subscription, "total_dues").unwrap_or(0) + amount;
            subscription.insert("total_dues".into(), json!(owed));
        }
        fields::touch(&mut subscription, now);
        crate::lifecycle::save(store, &subscription);
    }
}

/// The status `invoice` has once `amount` more of it is paid: `paid` when that is all it
/// owes, else the one it has.
pub fn status_once_paid(invoice: &Map<String, Value>, amount: i64) -> String {
    if int(invoice, "amount_due") == Some(amount) {
        "paid".to_string()
    } else {
        fields::text(invoice, "status")
            .unwrap_or_default()
            .to_string()
    }
}

/// Credits or earlier payments applied to an invoice already raised: the `entries` for its
/// `list` (`applied_credits`, `linked_payments`) and the `amount` for its `counter`
/// (`credits_applied`, `amount_paid`).
pub struct Applied {
    pub entries: Vec<Value>,
    pub list: &'static str,
    pub counter: &'static str,
    pub amount: i64,
}

impl Applied {
    /// Records it on `invoice` at `now`, takes it off what is due ([`reduce`]) and stores the
    /// invoice.
    pub fn record(self, store: &mut Store, invoice: &mut Map<String, Value>, now: i64) {
        let counted = int(invoice, self.counter).unwrap_or(0) + self.amount;
        invoice.insert(self.counter.into(), json!(counted));
        fields::append(invoice, self.list, self.entries);
        reduce(store, invoice, self.amount, now, now);
        fields::touch(invoice, now);
        let id = fields::text(invoice, "id").unwrap_or_default().to_string();
        store.put("invoice", &id, invoice);
    }
}

/// Counts an invoice of `amount` that fell due at `at` in `subscription`'s dues:
/// `due_invoices_count`, `total_dues`, and `due_since` (the oldest due invoice's time).
pub fn owe(subscription: &mut Map<String, Value>, amount: i64, at: i64) {
    let count = int(subscription, "due_invoices_count").unwrap_or(0) + 1;
    let total = int(subscription, "total_dues").unwrap_or(0) + amount;
    subscription.insert("due_invoices_count".into(), json!(count));
    subscription.insert("total_dues".into(), json!(total));
    subscription.entry("due_since").or_insert(json!(at));
}

/// Takes `paid` off `subscription`'s dues; `settled`: the invoice is paid off, and no longer
/// counts. With no due invoice left, `due_since` and `total_dues` go.
pub fn settle(subscription: &mut Map<String, Value>, paid: i64, settled: bool) {
    let count = int(subscription, "due_invoices_count").unwrap_or(0) - i64::from(settled);
    let total = int(subscription, "total_dues").unwrap_or(0) - paid;
    subscription.insert("due_invoices_count".into(), json!(count.max(0)));
    if count <= 0 {
        subscription.remove("due_since");
        subscription.remove("total_dues");
    } else {
        subscription.insert("total_dues".into(), json!(total.max(0)));
    }
}
