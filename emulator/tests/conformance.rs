//! Every Chargebee operation of the description, called through the typed client: by default
//! what the emulator does not model answers `not_emulated`; with synthesis on, every
//! operation answers with every key its answer requires.

use chargebee::enums::{ItemType, PeriodUnit};
use chargebee::subscription::CreateWithItemsSubscriptionItemsParams;
use chargebee_description::{Api, ApiBase};
use chargebee_emulator::{Config, Emulator, Synthesis};
use serde_json::{json, Value};

/// The id every path below names.
const SAMPLE_ID: &str = "sample_id";

/// The resources `seed` creates through the typed client, in this order, before the other
/// resources kept generically: a customer with a card, its catalog, and a subscription with
/// its invoice, paid by a charge to the card.
const SEEDED_FIRST: [&str; 9] = [
    "customer",
    "payment_source",
    "item_family",
    "item",
    "item_price",
    "subscription",
    "invoice",
    "transaction",
    "credit_note",
];

/// Every resource `seed` makes a sample object of: `SEEDED_FIRST`, then the other resources
/// kept generically.
fn seeded() -> impl Iterator<Item = &'static str> {
    SEEDED_FIRST.into_iter().chain(
        chargebee_emulator::KEPT_RESOURCES
            .iter()
            .copied()
            .filter(|r| !SEEDED_FIRST.contains(r)),
    )
}

/// Whether `op`'s path names an object of one of the `seeded()` resources by id (`{item_id}`,
/// or `{parent_item_id}` for the item an attached item belongs to).
fn names_seeded(op: &chargebee_description::Operation) -> bool {
    let Some(placeholder) = op.path_parameter() else {
        return false;
    };
    let named = placeholder.strip_suffix("_id").unwrap_or(placeholder);
    let named = named.strip_prefix("parent_").unwrap_or(named);
    seeded().any(|r| r == named)
}

/// Makes every kept resource a path can name hold an object `sample_id` (those of `seeded()`:
/// a customer, the catalog, a subscription and its invoice, …), and returns that state, to
/// restore before each call (calls delete and change what they name).
async fn seed(emulator: &Emulator) -> Value {
    let client = emulator.direct_client();
    client
        .customers()
        .create()
        .id(SAMPLE_ID)
        .send()
        .await
        .unwrap();
    let card = json!({"customer_id": SAMPLE_ID,
                      "card": {"number": "4111111111111111", "expiry_month": 12,
                               "expiry_year": 2099}});
    client
        .call("payment_source.create_card", None, card)
        .await
        .unwrap();
    client
        .item_families()
        .create(SAMPLE_ID, "Sample")
        .send()
        .await
        .unwrap();
    client
        .items()
        .create(SAMPLE_ID, "Sample", ItemType::Plan, SAMPLE_ID)
        .send()
        .await
        .unwrap();
    client
        .item_prices()
        .create(SAMPLE_ID, "Sample monthly", SAMPLE_ID)
        .price(1_000)
        .currency_code("USD")
        .period(1)
        .period_unit(PeriodUnit::Month)
        .send()
        .await
        .unwrap();
    client
        .subscriptions()
        .create_with_items(SAMPLE_ID)
        .id(SAMPLE_ID)
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(SAMPLE_ID)])
        .send()
        .await
        .unwrap();
    // A refundable credit note of part of what the paid invoice took.
    let invoices = client
        .call("invoice.list", None, json!({"limit": 1}))
        .await
        .unwrap();
    let note = json!({"reference_invoice_id": invoices["list"][0]["invoice"]["id"],
                      "type": "refundable", "total": 1});
    client.call("credit_note.create", None, note).await.unwrap();
    // The other kept resources through their create operations, in an order that creates
    // what each one refers to first; every reference names the sample objects.
    let api = Api::embedded();
    for resource in seeded().skip(SEEDED_FIRST.len()) {
        let op = api.operation(&format!("{resource}.create")).unwrap();
        let params = params_for(api, op, SAMPLE_ID);
        let id = op.path_parameter().is_some().then_some(SAMPLE_ID);
        client
            .call(&op.id, id, params)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
    }
    // A coupon code of the sample coupon, named by the sample id.
    let code = json!({"coupon_id": SAMPLE_ID, "coupon_set_name": "Sample codes",
                      "code": SAMPLE_ID});
    client.call("coupon_code.create", None, code).await.unwrap();
    // The invoice the subscription raised, and what was created without an `id` parameter,
    // under the sample id.
    let mut state = emulator.state();
    for resource in seeded() {
        let object = &mut state["collections"][resource][0];
        assert!(object.is_object(), "{resource} was created");
        object["id"] = json!(SAMPLE_ID);
    }
    // What names the renamed objects: the customer's primary card, the invoice's payment
    // and credit note, the credit note's invoice.
    state["collections"]["customer"][0]["primary_payment_source_id"] = json!(SAMPLE_ID);
    let invoice = &mut state["collections"]["invoice"][0];
    invoice["linked_payments"][0]["txn_id"] = json!(SAMPLE_ID);
    invoice["issued_credit_notes"][0]["cn_id"] = json!(SAMPLE_ID);
    state["collections"]["credit_note"][0]["reference_invoice_id"] = json!(SAMPLE_ID);
    state["collections"]["transaction"][0]["linked_invoices"][0]["invoice_id"] = json!(SAMPLE_ID);
    emulator.restore(&state).unwrap();
    state
}

/// How many Chargebee operations the README says answer `not_emulated`: the number in its
/// line "**Not emulated**: N of the 471 Chargebee operations …".
fn not_emulated_in_the_readme() -> usize {
    let readme = include_str!("../../README.md");
    let line = readme
        .lines()
        .find(|l| l.contains("**Not emulated**"))
        .expect("the README has a **Not emulated** line");
    let after = line.split("**Not emulated**:").nth(1).unwrap_or_default();
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"))
}

/// By default an operation the emulator does not model answers HTTP 501 `not_emulated`,
/// naming itself and the opt-in, never a made-up success (or 404 for an id that names nothing);
/// what it models answers, or 404 for an id it never created. The README's count of
/// operations not emulated is the code's.
#[tokio::test]
async fn operations_not_modeled_answer_not_emulated_by_default() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let seeded = seed(&emulator).await;
    let (mut modeled, mut not_emulated) = (Vec::new(), Vec::new());
    for op in api
        .operations
        .iter()
        .filter(|o| o.base == ApiBase::Chargebee)
    {
        let mut params = api.sample_params(op);
        emulator
            .restore(&ready_for(op, &seeded, &mut params))
            .unwrap();
        let id = op.path_parameter().is_some().then_some(SAMPLE_ID);
        let outcome = client.call(&op.id, id, params).await;
        if chargebee_emulator::models(&op.id) {
            assert!(answered_or_404(&outcome), "{}: {:?}", op.id, outcome.err());
            modeled.push(op.id.as_str());
            continue;
        }
        not_emulated.push(op.id.as_str());
        let e = outcome.expect_err(&op.id);
        let error = e.api_error().unwrap_or_else(|| panic!("{}: {e}", op.id));
        // Only a path naming a resource without a sample object (a quote, a coupon…) is 404.
        let seeded_path = names_seeded(op);
        if error.is_not_found() && id.is_some() && !seeded_path {
            continue;
        }
        assert!(error.is_not_emulated(), "{}: {e}", op.id);
        assert_eq!(error.status, 501, "{}", op.id);
        let message = error.message.as_deref().unwrap_or_default();
        assert!(
            message.starts_with(&format!("{} is not emulated", op.id))
                && message.contains(&format!("--synthesize-op {}", op.id)),
            "{message}"
        );
    }
    println!("modeled ({}): {}", modeled.len(), modeled.join(" "));
    assert_eq!(modeled.len() + not_emulated.len(), 471);
    assert_eq!(
        not_emulated.len(),
        not_emulated_in_the_readme(),
        "README.md's count of operations not emulated"
    );
    // Opting in one operation synthesizes that one only.
    let config = Config {
        synthesize: Synthesis::Operations(["quote.list".to_string()].into()),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    let quotes = api.sample_params(api.operation("quote.list").unwrap());
    assert!(client.call("quote.list", None, quotes).await.is_ok());
    let e = client
        .call("quote.retrieve", Some(SAMPLE_ID), json!({}))
        .await
        .unwrap_err();
    assert!(e.api_error().is_some_and(|a| a.is_not_emulated()), "{e}");
}

/// `op`'s sample parameters with every reference naming the sample objects, and `id` (when
/// it takes one) set to `id`.
fn params_for(api: &Api, op: &chargebee_description::Operation, id: &str) -> Value {
    let mut params = api.sample_params(op);
    for (key, value) in params.as_object_mut().unwrap() {
        if key == "id" {
            *value = json!(id);
        } else if key.ends_with("_id") && value.is_string() {
            *value = json!(SAMPLE_ID);
        } else if key == "entity_type" {
            *value = json!("customer");
        }
    }
    params
}

/// The scalar parameters of `params` that name a field of `resource`'s struct.
fn scalar_fields(api: &Api, resource: &str, params: &Value) -> Vec<(String, Value)> {
    let def = api
        .structs
        .values()
        .find(|s| s.object.as_deref() == Some(resource))
        .unwrap();
    params
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, value)| {
            !value.is_object() && !value.is_array() && def.fields.iter().any(|f| &f.name == *key)
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Every kept resource through its own operations, with every parameter each takes: create
/// stores every field it was sent, retrieve answers what create answered, list finds it,
/// update changes every field it is sent, and delete makes it unknown to retrieve and to
/// lists (lists that take `include_deleted` show it, marked deleted, when asked).
#[tokio::test]
async fn every_kept_resource_is_created_read_listed_updated_and_deleted() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let seeded = seed(&emulator).await;
    for resource in chargebee_emulator::KEPT_RESOURCES {
        emulator.restore(&seeded).unwrap();
        let op = |name: &str| api.operation(&format!("{resource}.{name}"));
        let path_id = |op: &chargebee_description::Operation, own: &str| {
            let placeholder = op.path_parameter()?;
            Some(if placeholder == format!("{resource}_id") {
                own.to_string()
            } else {
                SAMPLE_ID.to_string()
            })
        };
        let create = op("create").unwrap();
        let sent = params_for(api, create, "fresh");
        let created = client
            .call(&create.id, path_id(create, "").as_deref(), sent.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", create.id));
        let object = &created[*resource];
        let id = object["id"].as_str().unwrap().to_string();
        for (key, value) in scalar_fields(api, resource, &sent) {
            assert_eq!(object[&key], value, "{resource}.create stores `{key}`");
        }
        if let Some(retrieve) = op("retrieve") {
            let read = client
                .call(
                    &retrieve.id,
                    path_id(retrieve, &id).as_deref(),
                    params_for(api, retrieve, &id),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", retrieve.id));
            assert_eq!(&read[*resource], object, "{resource}.retrieve");
        }
        let list = op("list").unwrap();
        let listed = |params: Value| {
            let client = &client;
            let list_id = path_id(list, "");
            async move {
                let page = client
                    .call(&list.id, list_id.as_deref(), params)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", list.id));
                page["list"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|entry| entry[*resource].clone())
                    .collect::<Vec<Value>>()
            }
        };
        let found = listed(json!({"limit": 100})).await;
        assert!(
            found.iter().any(|o| o["id"] == id.as_str()),
            "{resource}.list"
        );
        if let Some(update) = op("update") {
            let changes = params_for(api, update, &id);
            let updated = client
                .call(&update.id, path_id(update, &id).as_deref(), changes.clone())
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", update.id));
            for (key, value) in scalar_fields(api, resource, &changes) {
                assert_eq!(
                    updated[*resource][&key], value,
                    "{resource}.update changes `{key}`"
                );
            }
        }
        let delete = op("delete").unwrap();
        client
            .call(
                &delete.id,
                path_id(delete, &id).as_deref(),
                params_for(api, delete, &id),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", delete.id));
        if let Some(retrieve) = op("retrieve") {
            let e = client
                .call(
                    &retrieve.id,
                    path_id(retrieve, &id).as_deref(),
                    params_for(api, retrieve, &id),
                )
                .await
                .unwrap_err();
            assert!(e.is_not_found(), "{resource} deleted: {e}");
        }
        let found = listed(json!({"limit": 100})).await;
        assert!(
            found.iter().all(|o| o["id"] != id.as_str()),
            "{resource}.list after delete"
        );
        if list.params.iter().any(|p| p.name == "include_deleted") {
            let found = listed(json!({"limit": 100, "include_deleted": true})).await;
            let kept = found.iter().find(|o| o["id"] == id.as_str());
            let kept = kept.unwrap_or_else(|| panic!("{resource}.list include_deleted"));
            assert!(
                kept["deleted"] == true || kept["status"] == "deleted",
                "{resource}: {kept}"
            );
        }
    }
}

/// README.md names exactly the resources kept generically, in the code's order: the
/// backticked names of its "**Kept in memory, generically**" paragraph, up to the first full
/// stop.
#[test]
fn the_readme_names_the_resources_kept_generically() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("**Kept in memory, generically**:")
        .expect("the README has the paragraph");
    let paragraph = &readme[start..];
    let names = &paragraph[..paragraph.find(". ").unwrap()];
    let named: Vec<&str> = names.split('`').skip(1).step_by(2).collect();
    assert_eq!(named, chargebee_emulator::KEPT_RESOURCES);
}

/// Whether a call answered, or answered Chargebee's 404.
/// The seeded state with the sample subscription in the state `op` starts from, and `op`'s
/// sample times in the future, so that a subscription's transition is carried out rather
/// than refused (each transition and its refusals are tested in `lifecycle.rs`).
fn ready_for(op: &chargebee_description::Operation, seeded: &Value, params: &mut Value) -> Value {
    // 2100-01-01T00:00:00Z.
    let later = 4_102_444_800_i64;
    let mut state = seeded.clone();
    let subscription = &mut state["collections"]["subscription"][0];
    match op.id.as_str() {
        "subscription.resume" | "subscription.remove_scheduled_resumption" => {
            subscription["status"] = json!("paused");
            subscription["resume_date"] = json!(later);
        }
        "subscription.reactivate" => subscription["status"] = json!("cancelled"),
        // A refundable note allocated to the invoice, to take off it.
        "invoice.remove_credit_note" => {
            let note = &mut state["collections"]["credit_note"][0];
            note["allocations"] = json!([{ "invoice_id": SAMPLE_ID, "allocated_amount": 1 }]);
            note["amount_allocated"] = json!(1);
            state["collections"]["invoice"][0]["credits_applied"] = json!(1);
            *params = json!({ "credit_note": { "id": SAMPLE_ID } });
        }
        // A payment is removed only from an invoice without refundable notes.
        "invoice.remove_payment" => {
            state["collections"]["invoice"][0]["issued_credit_notes"] = json!([]);
            *params = json!({ "transaction": { "id": SAMPLE_ID } });
        }
        "subscription.remove_scheduled_cancellation" => {
            subscription["status"] = json!("non_renewing");
            subscription["cancelled_at"] = json!(later);
        }
        "subscription.remove_scheduled_pause" => subscription["pause_date"] = json!(later),
        "subscription.remove_scheduled_changes"
        | "subscription.retrieve_with_scheduled_changes" => {
            subscription["has_scheduled_changes"] = json!(true);
            subscription["changes_scheduled_at"] = json!(later);
            let items = subscription["subscription_items"].clone();
            state["schedule"]["changes"][SAMPLE_ID] = json!({ "subscription_items": items });
        }
        _ => {}
    }
    // The item changes the emulator carries out, at the term end.
    if op.id == "subscription.update_for_items" {
        if let Some(params) = params.as_object_mut() {
            let taken = [
                "subscription_items",
                "replace_items_list",
                "po_number",
                "meta_data",
            ];
            params.retain(|key, _| taken.contains(&key.as_str()));
            params.insert("end_of_term".into(), json!(true));
        }
    }
    // A test card the emulator's gateway takes.
    if op.id == "payment_source.create_card" {
        if let Some(params) = params.as_object_mut() {
            params.retain(|key, _| !chargebee::is_custom_field(key));
        }
        if let Some(card) = params["card"].as_object_mut() {
            for unkept in [
                "gateway_account_id",
                "preferred_scheme",
                "additional_information",
            ] {
                card.remove(unkept);
            }
            card.insert("number".into(), json!("4111111111111111"));
            card.insert("expiry_month".into(), json!(12));
            card.insert("expiry_year".into(), json!(2099));
        }
    }
    // The invoice left due for what pays, adjusts, writes off, voids or deletes it; an
    // operation's comment is not kept.
    let on_due_invoice = [
        "invoice.record_payment",
        "invoice.collect_payment",
        "credit_note.create",
        "invoice.write_off",
        "invoice.void_invoice",
        "invoice.delete",
        "invoice.apply_credits",
        "invoice.apply_payments",
    ];
    if on_due_invoice.contains(&op.id.as_str()) {
        let invoice = &mut state["collections"]["invoice"][0];
        invoice["status"] = json!("payment_due");
        invoice["amount_due"] = invoice["total"].clone();
        invoice["amount_paid"] = json!(0);
        for held in ["linked_payments", "issued_credit_notes"] {
            invoice.as_object_mut().unwrap().remove(held);
        }
        if let Some(params) = params.as_object_mut() {
            params.remove("comment");
        }
    }
    // An adjustment of part of it, as a total.
    if op.id == "credit_note.create" {
        if let Some(params) = params.as_object_mut() {
            let taken = [
                "reference_invoice_id",
                "type",
                "reason_code",
                "create_reason_code",
            ];
            params.retain(|key, _| taken.contains(&key.as_str()));
            params.insert("type".into(), json!("adjustment"));
            params.insert("total".into(), json!(1));
        }
    }
    // A refund of 1 of the paid invoice's card payment, or of the refundable note; recorded,
    // dated the invoice's date.
    let refunds = [
        "invoice.refund",
        "invoice.record_refund",
        "credit_note.refund",
        "credit_note.record_refund",
    ];
    if refunds.contains(&op.id.as_str()) {
        let date = state["collections"]["invoice"][0]["date"].clone();
        if let Some(params) = params.as_object_mut() {
            for unkept in ["comment", "customer_notes"] {
                params.remove(unkept);
            }
            if params.contains_key("refund_amount") {
                params.insert("refund_amount".into(), json!(1));
            }
        }
        let transaction = params.get_mut("transaction").and_then(Value::as_object_mut);
        if let Some(transaction) = transaction {
            transaction.remove("custom_payment_method_id");
            transaction.remove("id");
            transaction.insert("amount".into(), json!(1));
            transaction.insert("date".into(), date);
        }
    }
    // An operation's internal comment is kept by none the emulator models.
    if let Some(params) = params.as_object_mut() {
        params.remove("comment");
    }
    // Pages for the sample subscription and customer, with the parameters modeled.
    let page = match op.id.as_str() {
        "hosted_page.checkout_existing_for_items" => Some(json!({
            "subscription": { "id": SAMPLE_ID },
            "subscription_items": [{ "item_price_id": SAMPLE_ID, "quantity": 2 }],
            "redirect_url": "https://example.com/done",
        })),
        "hosted_page.manage_payment_sources" => Some(json!({
            "customer": { "id": SAMPLE_ID },
            "redirect_url": "https://example.com/done",
        })),
        _ => None,
    };
    if let Some(page) = page {
        *params = page;
    }
    // Promotional credits of 1 changed, in whole minor units, for a customer holding some.
    let promotional = [
        "promotional_credit.add",
        "promotional_credit.deduct",
        "promotional_credit.set",
        "customer.add_promotional_credits",
        "customer.deduct_promotional_credits",
        "customer.set_promotional_credits",
    ];
    if promotional.contains(&op.id.as_str()) {
        state["collections"]["customer"][0]["promotional_credits"] = json!(10);
        if let Some(params) = params.as_object_mut() {
            params.remove("amount_in_decimal");
            params.insert("amount".into(), json!(1));
        }
    }
    // The sample refundable note, or 1 left unused of the sample payment, applied.
    if op.id == "invoice.apply_credits" {
        *params = json!({ "credit_notes": [{ "id": SAMPLE_ID }] });
    }
    if op.id == "invoice.apply_payments" {
        state["collections"]["transaction"][0]["amount_unused"] = json!(1);
        state["collections"]["customer"][0]["excess_payments"] = json!(1);
        *params = json!({ "transactions": [{ "id": SAMPLE_ID, "amount": 1 }] });
    }
    // A portal session goes to the portal's own page.
    if op.id == "portal_session.create" {
        if let Some(params) = params.as_object_mut() {
            params.remove("forward_url");
        }
    }
    // A checkout for the sample price, for a new customer and subscription, with the
    // parameters the emulator models.
    if op.id == "hosted_page.checkout_new_for_items" {
        if let Some(params) = params.as_object_mut() {
            let taken = [
                "subscription",
                "customer",
                "billing_address",
                "billing_cycles",
                "redirect_url",
                "cancel_url",
                "pass_thru_content",
                "layout",
            ];
            params.retain(|key, _| taken.contains(&key.as_str()));
            params.insert(
                "subscription_items".into(),
                json!([{ "item_price_id": SAMPLE_ID }]),
            );
            let subscription = json!({"trial_end": later, "auto_collection": "on"});
            params.insert("subscription".into(), subscription);
            if let Some(customer) = params.get_mut("customer").and_then(Value::as_object_mut) {
                customer.remove("id");
            }
        }
    }
    // A subscription of the sample price for the sample customer, with the parameters the
    // emulator carries out.
    if op.id == "subscription.create_with_items" {
        if let Some(params) = params.as_object_mut() {
            let taken = [
                "billing_cycles",
                "auto_collection",
                "po_number",
                "meta_data",
                "invoice_immediately",
            ];
            params
                .retain(|key, _| taken.contains(&key.as_str()) || chargebee::is_custom_field(key));
            params.insert(
                "subscription_items".into(),
                json!([{ "item_price_id": SAMPLE_ID }]),
            );
            params.insert("invoice_immediately".into(), json!(true));
        }
    }
    // Estimates with the parameters the emulator models, of the sample subscription and
    // price.
    let item = json!([{ "item_price_id": SAMPLE_ID }]);
    let estimate = match op.id.as_str() {
        "estimate.renewal_estimate" | "estimate.upcoming_invoices_estimate" => Some(json!({})),
        "estimate.create_sub_item_for_customer_estimate" | "estimate.create_sub_item_estimate" => {
            Some(json!({ "subscription_items": item }))
        }
        "estimate.cancel_subscription_for_items" => Some(json!({ "end_of_term": true })),
        "estimate.update_subscription_for_items" => Some(json!({
            "subscription": { "id": SAMPLE_ID },
            "subscription_items": item,
            "end_of_term": true,
        })),
        _ => None,
    };
    if let Some(estimate) = estimate {
        *params = estimate;
    }
    // Codes added to a set are distinct.
    if op.id == "coupon_set.add_coupon_codes" {
        *params = json!({ "code": ["SAMPLE-A", "SAMPLE-B"] });
    }
    // A payment as the emulator records it: the transaction's fields it keeps, dated now.
    if op.id == "invoice.record_payment" {
        if let Some(params) = params.as_object_mut() {
            params.retain(|key, _| key == "transaction");
            if let Some(transaction) = params["transaction"].as_object_mut() {
                transaction.remove("date");
                transaction.remove("custom_payment_method_id");
                transaction.insert("status".into(), json!("success"));
            }
        }
    }
    // A collection of part of the invoice left due, from the sample customer's primary card.
    if op.id == "invoice.collect_payment" {
        if let Some(params) = params.as_object_mut() {
            params.retain(|key, _| key == "amount" || key == "payment_initiator");
            params.insert("amount".into(), json!(1));
        }
    }
    // What a transition takes only as the emulator behaves, said so; what it does not model,
    // left out.
    let as_modeled = [
        ("credit_option_for_current_term_charges", Some("none")),
        ("account_receivables_handling", Some("no_action")),
        ("refundable_credits_handling", Some("no_action")),
        ("unbilled_charges_handling", Some("no_action")),
        ("invoice_dunning_handling", Some("continue")),
        ("unpaid_invoices_handling", Some("no_action")),
        ("unbilled_charges_option", None),
        ("contract_term_cancel_option", None),
        ("invoice_date", None),
        ("event_based_addons", None),
        ("include_cancellation_day_in_billing", None),
        ("decommissioned", None),
        ("trial_period_days", None),
        ("billing_alignment_mode", None),
        ("terms_to_charge", None),
        ("contract_term_billing_cycle_on_renewal", None),
        ("contract_term", None),
        ("statement_descriptor", None),
        ("payment_intent", None),
    ];
    let transitions = [
        "subscription.cancel",
        "subscription.cancel_for_items",
        "subscription.pause",
        "subscription.resume",
        "subscription.reactivate",
        "subscription.remove_scheduled_cancellation",
    ];
    if transitions.contains(&op.id.as_str()) {
        if let Some(params) = params.as_object_mut() {
            for (key, value) in as_modeled {
                match value {
                    Some(value) if params.contains_key(key) => {
                        params.insert(key.into(), json!(value));
                    }
                    _ => {
                        params.remove(key);
                    }
                }
            }
            if op.id == "subscription.cancel_for_items" {
                params.remove("subscription_items");
            }
        }
    }
    if op.resource == "subscription" {
        if let Some(params) = params.as_object_mut() {
            params.remove("reactivate_from");
            if op.id == "subscription.change_term_end" {
                params.insert("prorate".into(), json!(false));
            }
            for key in ["pause_date", "resume_date", "trial_end", "term_ends_at"] {
                if params.contains_key(key) {
                    params.insert(key.into(), json!(later));
                }
            }
        }
    }
    state
}

fn answered_or_404(outcome: &Result<Value, chargebee::Error>) -> bool {
    outcome
        .as_ref()
        .map_or_else(chargebee::Error::is_not_found, |_| true)
}

/// Every operation whose path names a kept object (one of `seeded()`) by id answers 404
/// `resource_not_found` for an id never created, modeled or not.
#[tokio::test]
async fn an_unknown_id_of_a_kept_resource_is_404_on_every_operation() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let mut checked = 0;
    for op in api
        .operations
        .iter()
        .filter(|o| o.base == ApiBase::Chargebee)
    {
        if !names_seeded(op) {
            continue;
        }
        let e = client
            .call(&op.id, Some("nobody"), api.sample_params(op))
            .await
            .unwrap_err();
        let error = e.api_error().unwrap_or_else(|| panic!("{}: {e}", op.id));
        assert_eq!(error.status, 404, "{}: {e}", op.id);
        assert!(error.is_not_found(), "{}: {e}", op.id);
        assert!(
            error
                .message
                .as_deref()
                .unwrap_or_default()
                .contains("nobody"),
            "{}: {e}",
            op.id
        );
        checked += 1;
    }
    assert!(checked > 140, "{checked} operations take such an id");
}

/// With synthesis switched on, every Chargebee operation of the description round-trips
/// through the typed client (`Client::call` reads the parameters into the operation's params
/// type and decodes the answer into its response type) with every parameter it takes: the
/// emulator accepts each request and answers with every key the operation's answer requires.
#[tokio::test]
async fn every_chargebee_operation_round_trips_through_the_typed_client() {
    let api = Api::embedded();
    let config = Config {
        synthesize: Synthesis::All,
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    let seeded = seed(&emulator).await;
    let (mut answered, mut not_found) = (0, 0);
    let mut failures = Vec::new();
    let mut checked_event_types = std::collections::BTreeSet::new();
    for op in api
        .operations
        .iter()
        .filter(|o| o.base == ApiBase::Chargebee)
    {
        let mut params = api.sample_params(op);
        emulator
            .restore(&ready_for(op, &seeded, &mut params))
            .unwrap();
        let id = op.path_parameter().is_some().then_some(SAMPLE_ID);
        match client.call(&op.id, id, params).await {
            Ok(answer) => {
                // A kept resource's list is empty until something is created.
                let entry = if op.paginated {
                    &answer["list"][0]
                } else {
                    &answer
                };
                for f in op.returns.iter().filter(|f| f.required && !entry.is_null()) {
                    if entry.get(&f.name).is_none() {
                        failures.push(format!("{}: answer lacks `{}`: {answer}", op.id, f.name));
                    }
                }
                answered += 1;
                let events = client
                    .call("event.list", None, json!({"limit": 100}))
                    .await
                    .unwrap();
                for problem in undocumented_content(api, &events, &mut checked_event_types) {
                    failures.push(format!("{}: {problem}", op.id));
                }
            }
            // Kept state: an id that was never created answers 404, as Chargebee does.
            Err(e) if e.is_not_found() => not_found += 1,
            Err(e) => failures.push(format!("{}: {e}", op.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        answered + not_found,
        471,
        "every Chargebee operation of the spec"
    );
    assert!(
        answered > 440,
        "most operations answer ({answered}; {not_found} not found)"
    );
    assert!(
        checked_event_types.len() >= 20,
        "the events raised cover many types: {checked_event_types:?}"
    );
}

/// The events of page `events` whose content carries a resource Chargebee does not list for
/// their type (`event_content` of the description); the types checked are added to `checked`.
fn undocumented_content(
    api: &Api,
    events: &Value,
    checked: &mut std::collections::BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for event in events["list"].as_array().into_iter().flatten() {
        let event = &event["event"];
        let kind = event["event_type"].as_str().unwrap_or_default();
        let Some(listed) = api.event_content.get(kind) else {
            continue;
        };
        checked.insert(kind.to_string());
        for key in event["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            if !listed.contains(key) {
                problems.push(format!(
                    "event `{kind}` carries `{key}`; Chargebee lists {listed:?}"
                ));
            }
        }
    }
    problems
}

#[tokio::test]
async fn dynamic_calls_refuse_what_the_params_type_refuses() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let e = client
        .call("customer.create", None, json!({"nickname": "x"}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nickname"), "{e}");
    let e = client
        .call("customer.retrieve", None, json!({}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("id"), "{e}");
    let e = client
        .call("customer.fly", None, json!({}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("customer.fly"), "{e}");
}
