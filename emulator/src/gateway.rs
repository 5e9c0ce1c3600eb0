//! A simulated card gateway in place of Chargebee's test gateway: a customer's cards are
//! payment sources (`payment_source.create_card`), taken only from the emulator's own test
//! card numbers ([`TEST_CARDS`]), each of which behaves one fixed way when added or charged.
//! The first card a customer adds, or one added with `replace_primary_payment_source`,
//! becomes its primary payment source (`primary_payment_source_id`, `payment_method`,
//! `card_status: valid`); invoices of a customer collected automatically are charged to it
//! when they are raised ([`charge`]).

use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::store::Store;
use serde_json::{json, Map, Value};

/// What a test card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Every charge succeeds.
    Succeeds,
    /// Every charge is declined (`card_declined`).
    Declines,
    /// Every charge fails for want of funds (`insufficient_funds`).
    InsufficientFunds,
    /// The card is declined when added: it never becomes a payment source.
    RefusedWhenAdded,
}

/// One of the emulator's test cards.
#[derive(Debug, Clone, Copy)]
pub struct TestCard {
    pub number: &'static str,
    pub brand: &'static str,
    pub funding_type: &'static str,
    pub behaviour: Behaviour,
}

/// The card numbers the emulator's gateway takes, and what each does.
pub const TEST_CARDS: [TestCard; 6] = [
    TestCard {
        number: "4111111111111111",
        brand: "visa",
        funding_type: "credit",
        behaviour: Behaviour::Succeeds,
    },
    TestCard {
        number: "5555555555554444",
        brand: "mastercard",
        funding_type: "credit",
        behaviour: Behaviour::Succeeds,
    },
    TestCard {
        number: "378282246310005",
        brand: "american_express",
        funding_type: "credit",
        behaviour: Behaviour::Succeeds,
    },
    TestCard {
        number: "4000000000000341",
        brand: "visa",
        funding_type: "credit",
        behaviour: Behaviour::Declines,
    },
    TestCard {
        number: "4000000000009995",
        brand: "visa",
        funding_type: "debit",
        behaviour: Behaviour::InsufficientFunds,
    },
    TestCard {
        number: "4000000000000002",
        brand: "visa",
        funding_type: "credit",
        behaviour: Behaviour::RefusedWhenAdded,
    },
];

/// Operations this module serves.
const SERVED: [&str; 3] = [
    "payment_source.create_card",
    "payment_source.delete",
    "payment_source.delete_local",
];

/// Whether `op` is served here.
pub fn handles(op: &chargebee_description::Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// The `card[…]` fields the card keeps as sent.
const CARD_KEPT: [&str; 9] = [
    "first_name",
    "last_name",
    "billing_addr1",
    "billing_addr2",
    "billing_city",
    "billing_state_code",
    "billing_state",
    "billing_zip",
    "billing_country",
];

/// The `card[…]` fields read to add the card (the CVV is checked by no test card and, as
/// by any gateway, never kept); any other is refused by name.
const CARD_READ: [&str; 3] = ["number", "expiry_month", "expiry_year"];

/// The gateway's name on payment sources and transactions.
const GATEWAY: &str = "chargebee";

/// A customer's primary card, as a charge needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub source_id: String,
    pub masked_number: String,
    pub behaviour: Behaviour,
}

/// Serves one payment source operation (`id`: the source a delete names) at `now`.
pub fn run(
    op: &chargebee_description::Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    match op.name.as_str() {
        "create_card" => create_card(store, values, now),
        // The emulator keeps no gateway records, so a delete and a local delete are one.
        _ => {
            only_taken(&op.id, values, &[], false, None)?;
            delete(store, id, now)
        }
    }
}

/// Deletes payment source `id` at `now` (kept as `deleted: true`). When it was its
/// customer's primary one, the customer's most recently added other source becomes primary,
/// or, with none left, the customer has no payment method (`card_status: no_card`).
fn delete(store: &mut Store, id: &str, now: i64) -> Result<Value, Failure> {
    let mut source = crud::find(store, "payment_source", id)?;
    source.insert("deleted".into(), json!(true));
    touch(&mut source, now);
    store.put("payment_source", id, &source);
    let customer_id = text(&source, "customer_id").unwrap_or_default().to_string();
    let mut customer = crud::find(store, "customer", &customer_id)?;
    if text(&customer, "primary_payment_source_id") == Some(id) {
        let others: Vec<Map<String, Value>> = store
            .all("payment_source")
            .into_iter()
            .filter(|s| {
                text(s, "customer_id") == Some(customer_id.as_str())
                    && s.get("deleted") != Some(&json!(true))
            })
            .collect();
        match others.last() {
            Some(next) => make_primary(&mut customer, next),
            None => {
                for gone in ["primary_payment_source_id", "payment_method"] {
                    customer.remove(gone);
                }
                customer.insert("card_status".into(), json!("no_card"));
            }
        }
        touch(&mut customer, now);
        store.put("customer", &customer_id, &customer);
    }
    Ok(json!({ "customer": customer, "payment_source": source }))
}

/// Makes `source` `customer`'s primary payment source.
fn make_primary(customer: &mut Map<String, Value>, source: &Map<String, Value>) {
    let id = text(source, "id").unwrap_or_default();
    customer.insert("primary_payment_source_id".into(), json!(id));
    customer.insert("card_status".into(), json!("valid"));
    customer.insert(
        "payment_method".into(),
        json!({"type": "card", "reference_id": source.get("reference_id"), "gateway": GATEWAY,
               "status": "valid", "object": "payment_method"}),
    );
}

/// `payment_source.create_card` at `now`: the card kept as `customer_id`'s payment source,
/// answered with the customer as it now stands.
pub fn create_card(
    store: &mut Store,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    const OPERATION: &str = "payment_source.create_card";
    let top = ["customer_id", "replace_primary_payment_source", "card"];
    only_taken(OPERATION, values, &top, false, None)?;
    let customer_id = text(values, "customer_id").unwrap_or_default().to_string();
    let mut customer = crud::find(store, "customer", &customer_id)?;
    let card = fields::object(values, "card");
    let read: Vec<&str> = CARD_READ
        .iter()
        .chain(&CARD_KEPT)
        .chain(&["cvv"])
        .copied()
        .collect();
    only_taken(OPERATION, card, &read, false, Some("card"))?;
    let number: String = text(card, "number")
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let test_card = TEST_CARDS
        .iter()
        .find(|t| t.number == number)
        .ok_or_else(|| {
            let known: Vec<&str> = TEST_CARDS.iter().map(|t| t.number).collect();
            Failure::param(
                "card[number]",
                format!(
                    "is not one of the emulator's test cards: {}",
                    known.join(", ")
                ),
            )
        })?;
    let (month, year) = (int(card, "expiry_month"), int(card, "expiry_year"));
    let (Some(month), Some(year)) = (month, year) else {
        return Err(Failure::param(
            "card[expiry_month]",
            "and card[expiry_year] are required",
        ));
    };
    if !(1..=12).contains(&month) {
        return Err(Failure::param("card[expiry_month]", "must be 1 to 12"));
    }
    let (this_year, this_month, _) = crate::calendar::civil_from_days(now.div_euclid(86_400));
    if (year, month) < (this_year, i64::from(this_month)) {
        return Err(Failure::param(
            "card[expiry_year]",
            "with card[expiry_month], is in the past: the card has expired",
        ));
    }
    if test_card.behaviour == Behaviour::RefusedWhenAdded {
        return Err(Failure::payment_declined(
            "the card was declined by the gateway (test card 4000000000000002)",
        ));
    }
    let id = store.new_id("payment_source");
    let last4 = &number[number.len() - 4..];
    let mut card_view = json!({
        "iin": &number[..6],
        "last4": last4,
        "brand": test_card.brand,
        "funding_type": test_card.funding_type,
        "expiry_month": month,
        "expiry_year": year,
        "masked_number": format!("{}{last4}", "*".repeat(number.len() - 4)),
        "object": "card",
    });
    for key in CARD_KEPT {
        if let Some(value) = card.get(key) {
            card_view[key] = value.clone();
        }
    }
    let mut source = json!({
        "id": id,
        "customer_id": customer_id,
        "type": "card",
        "reference_id": format!("tok_{id}"),
        "status": "valid",
        "gateway": GATEWAY,
        "card": card_view,
        "created_at": now,
        "deleted": false,
        "object": "payment_source",
    });
    if let Some(map) = source.as_object_mut() {
        touch(map, now);
    }
    let source = source.as_object().cloned().unwrap_or_default();
    store.put("payment_source", &id, &source);

    let replace = values
        .get("replace_primary_payment_source")
        .and_then(Value::as_bool)
        == Some(true);
    if replace || text(&customer, "primary_payment_source_id").is_none() {
        make_primary(&mut customer, &source);
        touch(&mut customer, now);
        store.put("customer", &customer_id, &customer);
    }
    Ok(json!({ "customer": customer, "payment_source": source }))
}

/// The test card with `number` (spaces ignored), if it is one.
pub fn test_card(number: &str) -> Option<&'static TestCard> {
    let number: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    TEST_CARDS.iter().find(|t| t.number == number)
}

/// `customer`'s primary card, when it has a valid one from the test cards.
pub fn card_of(store: &Store, customer: &Map<String, Value>) -> Option<Card> {
    card(store, text(customer, "primary_payment_source_id")?)
}

/// Payment source `id`, when it is a valid card from the test cards.
pub fn card(store: &Store, id: &str) -> Option<Card> {
    let source = crud::live(store, "payment_source", id)?;
    if text(&source, "status") != Some("valid") {
        return None;
    }
    let card = source.get("card")?.as_object()?;
    let (iin, last4) = (text(card, "iin")?, text(card, "last4")?);
    let test_card = TEST_CARDS
        .iter()
        .find(|t| t.number.starts_with(iin) && t.number.ends_with(last4))?;
    Some(Card {
        source_id: id.to_string(),
        masked_number: text(card, "masked_number").unwrap_or_default().to_string(),
        behaviour: test_card.behaviour,
    })
}

/// A charge's outcome: the transaction kept for it, as text, and whether it succeeded.
#[derive(Debug, Clone)]
pub struct Charged {
    pub transaction_id: String,
    pub text: String,
    pub succeeded: bool,
}

/// What an invoice charge needs to know of the invoice.
pub struct Bill<'a> {
    pub invoice_id: &'a str,
    pub customer_id: &'a Value,
    pub subscription_id: &'a Value,
    pub currency_code: Option<&'a Value>,
    /// What is charged.
    pub amount: i64,
    /// The invoice's date, total, amount due and status before the charge.
    pub date: i64,
    pub total: i64,
    pub due: i64,
    pub status: &'a str,
}

/// Charges `bill` to `card` at `now` and keeps the transaction.
pub fn charge(store: &mut Store, card: &Card, bill: &Bill<'_>, now: i64) -> Charged {
    let id = store.new_id("transaction");
    let succeeded = card.behaviour == Behaviour::Succeeds;
    let invoice_status = if succeeded && bill.amount >= bill.due {
        "paid"
    } else {
        bill.status
    };
    let mut transaction = json!({
        "id": id,
        "customer_id": bill.customer_id,
        "subscription_id": bill.subscription_id,
        "payment_source_id": card.source_id,
        "payment_method": "card",
        "gateway": GATEWAY,
        "type": "payment",
        "date": now,
        "amount": bill.amount,
        "amount_unused": 0,
        "masked_card_number": card.masked_number,
        "status": if succeeded { "success" } else { "failure" },
        "linked_invoices": [{
            "invoice_id": bill.invoice_id,
            "applied_amount": if succeeded { bill.amount } else { 0 },
            "applied_at": now,
            "invoice_date": bill.date,
            "invoice_total": bill.total,
            "invoice_status": invoice_status,
        }],
        "updated_at": now,
        "resource_version": now * 1000,
        "deleted": false,
        "object": "transaction",
    });
    if let Some(currency) = bill.currency_code {
        transaction["currency_code"] = currency.clone();
    }
    let failure = match card.behaviour {
        Behaviour::Declines => Some(("card_declined", "The card was declined.")),
        Behaviour::InsufficientFunds => Some(("insufficient_funds", "Insufficient funds.")),
        Behaviour::Succeeds | Behaviour::RefusedWhenAdded => None,
    };
    if let Some((code, message)) = failure {
        transaction["error_code"] = json!(code);
        transaction["error_text"] = json!(message);
    }
    let text = crate::store::text(&transaction).into_string();
    store.put_text("transaction", &id, text.clone().into_boxed_str(), None);
    Charged {
        transaction_id: id,
        text,
        succeeded,
    }
}
