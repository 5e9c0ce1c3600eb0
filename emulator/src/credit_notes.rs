//! Credit notes against an invoice, as Chargebee documents them (`credit_note.create`). An
//! `adjustment` note takes part of what is still due off a `payment_due`, `posted` or
//! `not_paid` invoice (`amount_adjusted`; the invoice is `paid` at zero); it is `adjusted`
//! and allocated to the invoice at once. A `refundable` note gives back part of what was
//! paid: it is `refund_due`, its `amount_available` kept as the customer's
//! `refundable_credits`. Writing an invoice off (`invoice.write_off`) settles what is due
//! with an adjustment note (`reason_code: write_off`) and sets `write_off_amount`.
//!
//! A note is issued for a `total` (it then carries no `line_items`: how Chargebee spreads a
//! total over an invoice's lines is not modeled) or by line (`line_items`: each an invoice
//! line and the amount of it credited, the total their sum). `void_credit_note` and `delete`
//! withdraw what a note did.

use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::invoices;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "credit_note.create",
    "invoice.write_off",
    "credit_note.void_credit_note",
    "credit_note.delete",
];

/// The parameters `credit_note.create` takes; any other is refused by name.
const TAKEN: [&str; 8] = [
    "line_items",
    "reference_invoice_id",
    "customer_id",
    "total",
    "type",
    "reason_code",
    "create_reason_code",
    "date",
];

/// Invoice statuses an adjustment note (and a write-off) applies to.
const ADJUSTABLE: [&str; 3] = ["payment_due", "posted", "not_paid"];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one credit note operation (`id`: the invoice a write-off names, the note a void
/// names) at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: Option<&str>,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    match op.id.as_str() {
        "credit_note.create" => create(op, store, &params.values, now),
        "invoice.write_off" => write_off(op, store, id.unwrap_or_default(), &params.values, now),
        "credit_note.void_credit_note" => {
            only_taken(&op.id, &params.values, &[], false, None)?;
            void(store, id.unwrap_or_default(), now)
        }
        "credit_note.delete" => {
            only_taken(&op.id, &params.values, &[], false, None)?;
            delete(store, id.unwrap_or_default(), now)
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// What a credit note is issued for.
pub struct Note<'a> {
    /// `adjustment` or `refundable`.
    pub kind: &'static str,
    pub total: i64,
    pub reason_code: Option<&'a Value>,
    pub create_reason_code: Option<&'a Value>,
    pub date: i64,
    /// A refundable note's refunds made with it (`linked_refunds` entries): refunded whole,
    /// it is `refunded` at once.
    pub refunds: Vec<Value>,
    /// The invoice lines it credits, by line (`line_items`); none for a note for a total.
    pub lines: Vec<Value>,
}

/// `credit_note.create` against the invoice `reference_invoice_id` names.
fn create(
    op: &Operation,
    store: &mut Store,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    only_taken(&op.id, values, &TAKEN, false, None)?;
    let kind = match text(values, "type").unwrap_or_default() {
        "adjustment" => "adjustment",
        "refundable" => "refundable",
        other => {
            return Err(Failure::not_emulated_option(
                &op.id,
                &format!("type `{other}`"),
                "issue an adjustment or a refundable credit note",
            ))
        }
    };
    let Some(invoice_id) = text(values, "reference_invoice_id") else {
        if kind == "refundable" && values.contains_key("customer_id") {
            return Err(Failure::not_emulated_option(
                &op.id,
                "a refundable note without `reference_invoice_id`",
                "standalone credit notes are not modeled; name the invoice it credits",
            ));
        }
        return Err(Failure::param(
            "reference_invoice_id",
            format!("is required for a {kind} credit note"),
        ));
    };
    let mut invoice = crud::live(store, "invoice", invoice_id)
        .ok_or_else(|| Failure::missing("invoice", invoice_id, "reference_invoice_id"))?;
    let customer_id = text(&invoice, "customer_id").unwrap_or_default();
    if let Some(sent) = text(values, "customer_id").filter(|sent| *sent != customer_id) {
        return Err(Failure::param(
            "customer_id",
            format!("is {sent}, but invoice {invoice_id} is customer {customer_id}'s"),
        ));
    }
    let lines = match values.get("line_items").and_then(Value::as_array) {
        Some(sent) => {
            if values.contains_key("total") {
                return Err(Failure::param(
                    "total",
                    "cannot be sent with line_items: the note's total is their sum",
                ));
            }
            credited_lines(op, store, &invoice, sent)?
        }
        None => Vec::new(),
    };
    let total = if lines.is_empty() {
        int(values, "total").unwrap_or(0)
    } else {
        lines.iter().filter_map(|l| l["amount"].as_i64()).sum()
    };
    if total < 1 {
        return Err(Failure::param(
            "total",
            "is required (or line_items) and must be at least 1",
        ));
    }
    let date = int(values, "date").unwrap_or(now);
    if date > now {
        return Err(Failure::param("date", "is in the future"));
    }
    if date < int(&invoice, "date").unwrap_or(date) {
        return Err(Failure::param(
            "date",
            format!("is before invoice {invoice_id}'s date"),
        ));
    }
    let status = text(&invoice, "status").unwrap_or_default().to_string();
    if kind == "adjustment" {
        if !ADJUSTABLE.contains(&status.as_str()) {
            return Err(Failure::invalid_state(format!(
                "invoice {invoice_id} is {status}: an adjustment credit note applies only to a \
                 payment_due, posted or not_paid invoice"
            )));
        }
        let due = int(&invoice, "amount_due").unwrap_or(0);
        if total > due {
            return Err(Failure::param(
                "total",
                format!("is more than invoice {invoice_id}'s amount_due, {due}"),
            ));
        }
    } else {
        if !["paid", "payment_due", "posted", "not_paid"].contains(&status.as_str()) {
            return Err(Failure::invalid_state(format!(
                "invoice {invoice_id} is {status}: a refundable credit note needs a paid, \
                 payment_due, posted or not_paid invoice"
            )));
        }
        let refundable = refundable(&invoice);
        if total > refundable {
            return Err(Failure::param(
                "total",
                format!(
                    "is more than invoice {invoice_id}'s refundable amount, {refundable} (what \
                     was paid less the refundable credit notes issued for it)"
                ),
            ));
        }
    }
    let note = Note {
        kind,
        total,
        reason_code: values.get("reason_code"),
        create_reason_code: values.get("create_reason_code"),
        date,
        refunds: Vec::new(),
        lines,
    };
    if kind == "adjustment" {
        let adjusted = int(&invoice, "amount_adjusted").unwrap_or(0) + total;
        invoice.insert("amount_adjusted".into(), json!(adjusted));
        invoices::reduce(store, &mut invoice, total, now, now);
    }
    let id = store.new_id("credit_note");
    let credit_note = issue(store, &mut invoice, &note, id, now);
    Ok(json!({ "credit_note": credit_note, "invoice": invoice }))
}

/// The lines a note crediting `invoice` by line (`line_items` as `sent`) carries: each names
/// a line of the invoice (`reference_line_item_id`) and credits `amount` of it, at most what
/// the notes issued for it (neither voided nor deleted) have not credited yet; the whole of
/// that when no amount is sent.
fn credited_lines(
    op: &Operation,
    store: &mut Store,
    invoice: &Map<String, Value>,
    sent: &[Value],
) -> Result<Vec<Value>, Failure> {
    let invoice_id = text(invoice, "id").unwrap_or_default();
    let mut credited: Vec<(String, i64)> = Vec::new();
    for note_id in store.owned("credit_note", "reference_invoice_id", invoice_id) {
        let Some(note) = crud::live(store, "credit_note", &note_id) else {
            continue;
        };
        if text(&note, "status") == Some("voided") {
            continue;
        }
        for line in note
            .get("line_items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(id), Some(amount)) = (
                line["reference_line_item_id"].as_str(),
                line["amount"].as_i64(),
            ) {
                credited.push((id.to_string(), amount));
            }
        }
    }
    let lines = invoice
        .get("line_items")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut out = Vec::with_capacity(sent.len());
    for (i, entry) in sent.iter().enumerate() {
        let empty = Map::new();
        let entry = entry.as_object().unwrap_or(&empty);
        let taken = ["reference_line_item_id", "amount"];
        only_taken(&op.id, entry, &taken, false, Some("line_items"))?;
        let param = |key: &str| format!("line_items[{key}][{i}]");
        let reference = text(entry, "reference_line_item_id")
            .ok_or_else(|| Failure::param(&param("reference_line_item_id"), "cannot be blank"))?;
        let line = lines
            .iter()
            .find(|line| line["id"] == reference)
            .ok_or_else(|| {
                Failure::param(
                    &param("reference_line_item_id"),
                    format!("names no line of invoice {invoice_id}"),
                )
            })?;
        let already: i64 = credited
            .iter()
            .filter(|(id, _)| id == reference)
            .map(|(_, amount)| amount)
            .sum();
        let left = line["amount"].as_i64().unwrap_or(0) - already;
        let amount = int(entry, "amount").unwrap_or(left);
        if amount < 1 || amount > left {
            return Err(Failure::param(
                &param("amount"),
                format!("must be 1 to what line {reference} has left to credit, {left}"),
            ));
        }
        credited.push((reference.to_string(), amount));
        let mut credited_line = json!({
            "reference_line_item_id": reference,
            "amount": amount,
            "object": "line_item",
        });
        for key in [
            "date_from",
            "date_to",
            "description",
            "entity_type",
            "entity_id",
            "subscription_id",
            "customer_id",
        ] {
            if let Some(value) = line.get(key).filter(|v| !v.is_null()) {
                credited_line[key] = value.clone();
            }
        }
        out.push(credited_line);
    }
    Ok(out)
}

/// What of `invoice` a refundable note can still give back: its successful payments, less
/// the refundable notes issued for it that are not voided.
pub fn refundable(invoice: &Map<String, Value>) -> i64 {
    let entries = |key: &str| {
        invoice
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let paid: i64 = entries("linked_payments")
        .iter()
        .filter(|p| p["txn_status"] == "success")
        .filter_map(|p| p["applied_amount"].as_i64())
        .sum();
    let credited: i64 = entries("issued_credit_notes")
        .iter()
        .filter(|n| n["cn_status"] != "voided")
        .filter_map(|n| n["cn_total"].as_i64())
        .sum();
    paid - credited
}

/// `invoice.write_off`: what invoice `id` still owes is settled by an adjustment credit note
/// (`reason_code: write_off`, `create_reason_code: Write Off`); the invoice is `paid`, its
/// `write_off_amount` that amount.
fn write_off(
    op: &Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    only_taken(&op.id, values, &[], false, None)?;
    let mut invoice = crud::find(store, "invoice", id)?;
    let status = text(&invoice, "status").unwrap_or_default();
    if !ADJUSTABLE.contains(&status) {
        return Err(Failure::invalid_state(format!(
            "invoice {id} is {status}: only a payment_due, posted or not_paid invoice can be \
             written off"
        )));
    }
    let due = int(&invoice, "amount_due").unwrap_or(0);
    let (reason_code, create_reason_code) = (json!("write_off"), json!("Write Off"));
    let note = Note {
        kind: "adjustment",
        total: due,
        reason_code: Some(&reason_code),
        create_reason_code: Some(&create_reason_code),
        date: now,
        refunds: Vec::new(),
        lines: Vec::new(),
    };
    invoice.insert("write_off_amount".into(), json!(due));
    invoices::reduce(store, &mut invoice, due, now, now);
    let id = store.new_id("credit_note");
    let credit_note = issue(store, &mut invoice, &note, id, now);
    Ok(json!({ "credit_note": credit_note, "invoice": invoice }))
}

/// Issues `note` as credit note `id` against `invoice` at `now`, whose amounts the caller
/// has already changed: keeps the credit note, lists it on the invoice
/// (`adjustment_credit_notes` or `issued_credit_notes`) and stores the invoice; what a
/// refundable note leaves unrefunded joins the customer's `refundable_credits`. Returns the
/// credit note.
pub fn issue(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    note: &Note<'_>,
    id: String,
    now: i64,
) -> Map<String, Value> {
    let invoice_id = text(invoice, "id").unwrap_or_default().to_string();
    let adjustment = note.kind == "adjustment";
    let refunded: i64 = note
        .refunds
        .iter()
        .filter_map(|r| r["applied_amount"].as_i64())
        .sum();
    let available = if adjustment { 0 } else { note.total - refunded };
    let status = match (adjustment, available) {
        (true, _) => "adjusted",
        (false, 0) => "refunded",
        (false, _) => "refund_due",
    };
    let allocations = if adjustment {
        json!([{
            "invoice_id": invoice_id,
            "allocated_amount": note.total,
            "allocated_at": now,
            "invoice_date": invoice.get("date"),
            "invoice_status": invoice.get("status"),
        }])
    } else {
        json!([])
    };
    let lines: Vec<Value> = note
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut line = line.clone();
            line["id"] = json!(format!("li_{id}_{i}"));
            line
        })
        .collect();
    let lines = Value::Array(lines);
    let mut credit_note = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("customer_id", json!(invoice.get("customer_id"))),
        ("reference_invoice_id", json!(invoice_id)),
        ("type", json!(note.kind)),
        ("status", json!(status)),
        ("date", json!(note.date)),
        ("price_type", json!(invoice.get("price_type"))),
        ("total", json!(note.total)),
        ("sub_total", json!(note.total)),
        (
            "amount_allocated",
            json!(if adjustment { note.total } else { 0 }),
        ),
        ("amount_refunded", json!(refunded)),
        ("amount_available", json!(available)),
        ("round_off_amount", json!(0)),
        ("fractional_correction", json!(0)),
        ("generated_at", json!(now)),
        ("allocations", allocations),
        ("linked_refunds", json!(note.refunds)),
        ("line_items", lines),
        ("deleted", json!(false)),
        ("object", json!("credit_note")),
    ] {
        credit_note.insert(key.into(), value);
    }
    for key in ["subscription_id", "currency_code"] {
        if let Some(value) = invoice.get(key).filter(|v| !v.is_null()) {
            credit_note.insert(key.into(), value.clone());
        }
    }
    if let Some(code) = note.reason_code {
        credit_note.insert("reason_code".into(), code.clone());
    }
    if let Some(code) = note.create_reason_code {
        credit_note.insert("create_reason_code".into(), code.clone());
    }
    if status == "refunded" {
        credit_note.insert("refunded_at".into(), json!(now));
    }
    touch(&mut credit_note, now);
    store.put("credit_note", &id, &credit_note);

    let mut entry = json!({
        "cn_id": id,
        "cn_date": note.date,
        "cn_total": note.total,
        "cn_status": status,
    });
    if let Some(code) = note.reason_code {
        entry["cn_reason_code"] = code.clone();
    }
    if let Some(code) = note.create_reason_code {
        entry["cn_create_reason_code"] = code.clone();
    }
    let list = if adjustment {
        "adjustment_credit_notes"
    } else {
        "issued_credit_notes"
    };
    fields::append(invoice, list, vec![entry]);
    touch(invoice, now);
    store.put("invoice", &invoice_id, invoice);

    if available > 0 {
        let customer_id = text(invoice, "customer_id").unwrap_or_default().to_string();
        add_credits(store, &customer_id, available, now);
    }
    credit_note
}

/// `void_credit_note`: note `id` is `voided` ([`withdraw`]); the invoice lists it voided.
fn void(store: &mut Store, id: &str, now: i64) -> Result<Value, Failure> {
    let mut note = crud::find(store, "credit_note", id)?;
    withdraw(store, &note, now)?;
    note.insert("status".into(), json!("voided"));
    note.insert("voided_at".into(), json!(now));
    touch(&mut note, now);
    store.put("credit_note", id, &note);
    list_on_invoice(store, &note, Some("voided"), now);
    Ok(json!({ "credit_note": note }))
}

/// `credit_note.delete`: note `id` is kept only as deleted, its effects withdrawn as a
/// void withdraws them ([`withdraw`]; a voided note has none left); the invoice no longer
/// lists it.
fn delete(store: &mut Store, id: &str, now: i64) -> Result<Value, Failure> {
    let mut note = crud::find(store, "credit_note", id)?;
    if text(&note, "status") != Some("voided") {
        withdraw(store, &note, now)?;
    }
    note.insert("deleted".into(), json!(true));
    touch(&mut note, now);
    store.put("credit_note", id, &note);
    list_on_invoice(store, &note, None, now);
    Ok(json!({ "credit_note": note }))
}

/// Withdraws what `note` did at `now`, or refuses: a `refunded` or `voided` note, or a
/// refundable note allocated or refunded, cannot be withdrawn. What a refundable note had
/// available leaves the customer's credits; an adjustment note's amount is due again on its
/// invoice, which is `not_paid` (less its write-off, for a write-off's note). The caller
/// stores the note.
fn withdraw(store: &mut Store, note: &Map<String, Value>, now: i64) -> Result<(), Failure> {
    let id = text(note, "id").unwrap_or_default();
    let status = text(note, "status").unwrap_or_default();
    if matches!(status, "refunded" | "voided") {
        return Err(Failure::invalid_state(format!(
            "credit note {id} is {status}: it cannot be voided or deleted"
        )));
    }
    let adjustment = text(note, "type") == Some("adjustment");
    let used = int(note, "amount_allocated").unwrap_or(0) > 0
        || note
            .get("linked_refunds")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
    if !adjustment && used {
        return Err(Failure::invalid_state(format!(
            "credit note {id} is allocated to invoices or refunded: remove those first"
        )));
    }
    if adjustment {
        let invoice_id = text(note, "reference_invoice_id").unwrap_or_default();
        if let Some(mut invoice) = crud::live(store, "invoice", invoice_id) {
            undo_adjustment(store, &mut invoice, note, now);
            touch(&mut invoice, now);
            store.put("invoice", invoice_id, &invoice);
        }
    } else {
        let customer_id = text(note, "customer_id").unwrap_or_default().to_string();
        let available = int(note, "amount_available").unwrap_or(0);
        if available > 0 {
            add_credits(store, &customer_id, -available, now);
        }
    }
    Ok(())
}

/// Shows `note` on the invoice it was issued for (`adjustment_credit_notes` or
/// `issued_credit_notes`) with `status`, or, with none, takes it off the list.
fn list_on_invoice(store: &mut Store, note: &Map<String, Value>, status: Option<&str>, now: i64) {
    let id = text(note, "id").unwrap_or_default();
    let invoice_id = text(note, "reference_invoice_id").unwrap_or_default();
    let Some(mut invoice) = crud::live(store, "invoice", invoice_id) else {
        return;
    };
    let list = if text(note, "type") == Some("adjustment") {
        "adjustment_credit_notes"
    } else {
        "issued_credit_notes"
    };
    if let Some(entries) = invoice.get_mut(list).and_then(Value::as_array_mut) {
        match status {
            Some(status) => {
                for entry in entries.iter_mut().filter(|e| e["cn_id"] == id) {
                    entry["cn_status"] = json!(status);
                }
            }
            None => entries.retain(|e| e["cn_id"] != id),
        }
    }
    touch(&mut invoice, now);
    store.put("invoice", invoice_id, &invoice);
}

/// Makes what adjustment `note` took off `invoice` due again at `now`: the invoice is
/// `not_paid`, its subscription owes it again.
fn undo_adjustment(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    note: &Map<String, Value>,
    now: i64,
) {
    let total = int(note, "total").unwrap_or(0);
    let (adjusted, written_off) = if text(note, "reason_code") == Some("write_off") {
        ("write_off_amount", true)
    } else {
        ("amount_adjusted", false)
    };
    let left = int(invoice, adjusted).unwrap_or(0) - total;
    invoice.insert(adjusted.into(), json!(left.max(0)));
    if written_off && left <= 0 {
        invoice.remove("write_off_amount");
    }
    invoices::reopen(store, invoice, total, "not_paid", now);
}

/// Copies a credit note's `reason_code` and `create_reason_code` (from `note`, or from what
/// was sent for one) into `entry`, an invoice's or transaction's list entry for it, as
/// `cn_reason_code` and `cn_create_reason_code`.
pub fn copy_reason_codes(entry: &mut Value, note: &Map<String, Value>) {
    for (field, key) in [
        ("cn_reason_code", "reason_code"),
        ("cn_create_reason_code", "create_reason_code"),
    ] {
        if let Some(value) = note.get(key) {
            entry[field] = value.clone();
        }
    }
}

/// Adds `amount` (takes it, when negative) to customer `customer_id`'s `refundable_credits`.
pub fn add_credits(store: &mut Store, customer_id: &str, amount: i64, now: i64) {
    if let Some(mut customer) = crud::live(store, "customer", customer_id) {
        let credits = int(&customer, "refundable_credits").unwrap_or(0) + amount;
        customer.insert("refundable_credits".into(), json!(credits));
        touch(&mut customer, now);
        store.put("customer", customer_id, &customer);
    }
}

/// Sets the status credit note `note` has on the invoice it was issued for
/// (`issued_credit_notes`) to `status`, at `now`.
pub fn show_status(store: &mut Store, note: &Map<String, Value>, status: &str, now: i64) {
    let (Some(id), Some(invoice_id)) = (text(note, "id"), text(note, "reference_invoice_id"))
    else {
        return;
    };
    let Some(mut invoice) = crud::live(store, "invoice", invoice_id) else {
        return;
    };
    if let Some(issued) = invoice
        .get_mut("issued_credit_notes")
        .and_then(Value::as_array_mut)
    {
        for entry in issued.iter_mut().filter(|e| e["cn_id"] == id) {
            entry["cn_status"] = json!(status);
        }
        touch(&mut invoice, now);
        store.put("invoice", invoice_id, &invoice);
    }
}
