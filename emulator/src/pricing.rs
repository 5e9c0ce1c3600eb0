//! What an item price charges for a quantity, by its `pricing_model` as Chargebee documents
//! them, in the currency's minor unit:
//!
//! - `flat_fee`: the price, whatever the quantity (which must be 1);
//! - `per_unit`: the price for each unit beyond the price's `free_quantity`;
//! - `tiered`: each unit at the price of the tier it falls in;
//! - `volume`: every unit at the price of the tier the whole quantity falls in;
//! - `stairstep`: the price of the tier the whole quantity falls in, once.
//!
//! A tier charges per unit unless its `pricing_type` says `flat_fee` (its price once) or
//! `package` (its price per `package_size` units or part of them). A decimal quantity
//! (`quantity_in_decimal`) is priced per unit, the amount rounded once to the nearest minor
//! unit, halves up. Decimal prices, decimal quantities on other models, a free quantity on a
//! tiered price and a unit price replacing tiers are not modeled: they are refused by name.

use crate::decimal::Decimal;
use crate::failure::Failure;
use crate::fields::{int, text};
use serde_json::{Map, Value};

/// What one entry of a subscription's items costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// The price of one unit, for the models that have one (`flat_fee`, `per_unit`).
    pub unit_price: Option<i64>,
    pub amount: i64,
}

/// Where an entry came from, for errors that name it: the operation and the entry's index.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub operation: &'a str,
    pub index: usize,
}

impl Entry<'_> {
    fn param(&self, field: &str) -> String {
        format!("subscription_items[{field}][{}]", self.index)
    }

    /// `not_emulated` for `what`, a way of pricing the emulator does not model.
    pub fn not_modeled(&self, what: &str) -> Failure {
        Failure::not_emulated_option(
            self.operation,
            what,
            "use a per_unit, flat_fee, tiered, volume or stairstep price in whole units",
        )
    }
}

/// What `price` charges for `quantity` units, at `unit_price` instead of its own price when
/// one is given (`subscription_items[unit_price]`). A decimal quantity is priced per unit
/// only, rounded once to the nearest minor unit, halves up.
pub fn charge(
    price: &Map<String, Value>,
    quantity: Decimal,
    unit_price: Option<i64>,
    entry: Entry<'_>,
) -> Result<Charge, Failure> {
    for decimal in ["price_in_decimal", "free_quantity_in_decimal"] {
        if price.get(decimal).is_some_and(|v| !v.is_null()) {
            return Err(entry.not_modeled(&format!("an item price with `{decimal}`")));
        }
    }
    let model = text(price, "pricing_model").unwrap_or("flat_fee");
    let own = int(price, "price").unwrap_or(0);
    if model == "per_unit" {
        let free = Decimal::whole(int(price, "free_quantity").unwrap_or(0));
        let unit = unit_price.unwrap_or(own);
        return Ok(Charge {
            unit_price: Some(unit),
            amount: quantity.less(free).times(unit),
        });
    }
    let Some(quantity) = quantity.as_whole() else {
        return Err(entry.not_modeled(&format!(
            "a decimal quantity ({quantity}) on a {model} price"
        )));
    };
    match model {
        "flat_fee" => {
            if quantity != 1 {
                return Err(Failure::param(
                    &entry.param("quantity"),
                    format!(
                        "is {quantity}: a flat_fee item price is charged once, without a quantity"
                    ),
                ));
            }
            let unit = unit_price.unwrap_or(own);
            Ok(Charge {
                unit_price: Some(unit),
                amount: unit,
            })
        }
        "tiered" | "volume" | "stairstep" => {
            if unit_price.is_some() {
                return Err(
                    entry.not_modeled("a unit_price for a tiered, volume or stairstep price")
                );
            }
            if int(price, "free_quantity").unwrap_or(0) > 0 {
                return Err(
                    entry.not_modeled("a free quantity on a tiered, volume or stairstep price")
                );
            }
            let tiers = tiers(price, entry)?;
            let last_end = tiers.last().and_then(|t| t.end);
            if last_end.is_some_and(|end| quantity > end) {
                return Err(beyond(&tiers, quantity, entry));
            }
            // The whole quantity's tier; none for 0 units, which cost nothing.
            let tier = tiers.iter().find(|t| t.holds(quantity));
            let amount = match (model, tier) {
                ("tiered", _) => tiered(&tiers, quantity),
                ("stairstep", Some(tier)) => tier.price,
                (_, Some(tier)) => tier.cost(quantity),
                (_, None) => 0,
            };
            Ok(Charge {
                unit_price: None,
                amount,
            })
        }
        other => Err(entry.not_modeled(&format!("pricing_model `{other}`"))),
    }
}

/// One tier of a price: units `start..=end` (no end: every unit from `start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tier {
    start: i64,
    end: Option<i64>,
    price: i64,
    kind: TierKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TierKind {
    PerUnit,
    FlatFee,
    Package(i64),
}

impl Tier {
    fn holds(&self, unit: i64) -> bool {
        unit >= self.start && self.end.is_none_or(|end| unit <= end)
    }

    /// What `units` units in this tier cost.
    fn cost(&self, units: i64) -> i64 {
        match self.kind {
            TierKind::PerUnit => self.price * units,
            TierKind::FlatFee if units > 0 => self.price,
            TierKind::FlatFee => 0,
            TierKind::Package(size) => self.price * ((units + size - 1) / size),
        }
    }
}

/// Each unit up to `quantity` at its tier's price.
fn tiered(tiers: &[Tier], quantity: i64) -> i64 {
    tiers
        .iter()
        .map(|tier| {
            let last = tier.end.map_or(quantity, |end| end.min(quantity));
            tier.cost((last - tier.start + 1).max(0))
        })
        .sum()
}

/// The error for a quantity past the last tier's end.
fn beyond(tiers: &[Tier], quantity: i64, entry: Entry<'_>) -> Failure {
    let end = tiers.last().and_then(|t| t.end).unwrap_or(0);
    Failure::param(
        &entry.param("quantity"),
        format!("is {quantity}, beyond the price's last tier, which ends at {end}"),
    )
}

/// The tiers of `price`, in order, each starting where the one before ended.
fn tiers(price: &Map<String, Value>, entry: Entry<'_>) -> Result<Vec<Tier>, Failure> {
    let id = text(price, "id").unwrap_or_default();
    let malformed = |problem: String| {
        Failure::param(
            &entry.param("item_price_id"),
            format!("names item price {id}, whose tiers {problem}"),
        )
    };
    let listed = price
        .get("tiers")
        .and_then(Value::as_array)
        .filter(|tiers| !tiers.is_empty())
        .ok_or_else(|| malformed("are missing".into()))?;
    let mut tiers = Vec::with_capacity(listed.len());
    for (i, tier) in listed.iter().enumerate() {
        let tier = tier
            .as_object()
            .ok_or_else(|| malformed(format!("[{i}] is not an object")))?;
        let decimal = [
            "starting_unit_in_decimal",
            "ending_unit_in_decimal",
            "price_in_decimal",
        ];
        if decimal
            .iter()
            .any(|key| tier.get(*key).is_some_and(|v| !v.is_null()))
        {
            return Err(entry.not_modeled("tiers in decimal"));
        }
        let start = int(tier, "starting_unit")
            .ok_or_else(|| malformed(format!("[{i}] has no starting_unit")))?;
        let kind = match text(tier, "pricing_type").unwrap_or("per_unit") {
            "flat_fee" => TierKind::FlatFee,
            "package" => match int(tier, "package_size") {
                Some(size) if size > 0 => TierKind::Package(size),
                _ => {
                    return Err(malformed(format!(
                        "[{i}] is a package without a package_size"
                    )))
                }
            },
            _ => TierKind::PerUnit,
        };
        tiers.push(Tier {
            start,
            end: int(tier, "ending_unit"),
            price: int(tier, "price").unwrap_or(0),
            kind,
        });
    }
    tiers.sort_by_key(|t| t.start);
    let mut next = 1;
    for (i, tier) in tiers.iter().enumerate() {
        if tier.start != next {
            return Err(malformed(format!(
                "[{i}] starts at {}, not {next}",
                tier.start
            )));
        }
        match tier.end {
            Some(end) if end >= tier.start => next = end + 1,
            Some(end) => return Err(malformed(format!("[{i}] ends at {end}, before it starts"))),
            None if i + 1 < tiers.len() => {
                return Err(malformed(format!(
                    "[{i}] has no ending_unit but is not the last"
                )))
            }
            None => {}
        }
    }
    Ok(tiers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENTRY: Entry<'static> = Entry {
        operation: "subscription.create_with_items",
        index: 0,
    };

    fn price(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    /// Units 1–10 at 10.00, 11–20 at 8.00, 21 and up at 5.00.
    fn three_tiers(model: &str) -> Map<String, Value> {
        price(json!({"id": "seats", "pricing_model": model, "tiers": [
            {"starting_unit": 1, "ending_unit": 10, "price": 1_000},
            {"starting_unit": 11, "ending_unit": 20, "price": 800},
            {"starting_unit": 21, "price": 500},
        ]}))
    }

    fn amount(price: &Map<String, Value>, quantity: i64) -> i64 {
        charge(price, Decimal::whole(quantity), None, ENTRY)
            .unwrap()
            .amount
    }

    #[test]
    fn each_model_charges_as_documented() {
        // 25 units, tiered: 10 × 10.00 + 10 × 8.00 + 5 × 5.00.
        assert_eq!(amount(&three_tiers("tiered"), 25), 10_000 + 8_000 + 2_500);
        assert_eq!(amount(&three_tiers("tiered"), 10), 10_000);
        assert_eq!(amount(&three_tiers("tiered"), 11), 10_800);
        // Volume: all 25 at the third tier's 5.00; 11 at the second's 8.00.
        assert_eq!(amount(&three_tiers("volume"), 25), 12_500);
        assert_eq!(amount(&three_tiers("volume"), 11), 8_800);
        // Stairstep: the tier's price once.
        assert_eq!(amount(&three_tiers("stairstep"), 25), 500);
        assert_eq!(amount(&three_tiers("stairstep"), 3), 1_000);
        // Per unit beyond 2 free units: 3 × 15.00.
        let per_unit =
            price(json!({"pricing_model": "per_unit", "price": 1_500, "free_quantity": 2}));
        assert_eq!(amount(&per_unit, 5), 4_500);
        assert_eq!(amount(&per_unit, 1), 0);
        let flat = price(json!({"pricing_model": "flat_fee", "price": 4_900}));
        assert_eq!(
            charge(&flat, Decimal::whole(1), Some(3_900), ENTRY).unwrap(),
            Charge {
                unit_price: Some(3_900),
                amount: 3_900
            }
        );
    }

    #[test]
    fn tiers_can_charge_flat_or_by_package() {
        // 1–5 free of charge as a flat 0, 6 and up in packages of 10 at 20.00: 23 units are
        // 18 beyond the first tier, two packages.
        let packaged = price(json!({"id": "calls", "pricing_model": "tiered", "tiers": [
            {"starting_unit": 1, "ending_unit": 5, "price": 0, "pricing_type": "flat_fee"},
            {"starting_unit": 6, "price": 2_000, "pricing_type": "package", "package_size": 10},
        ]}));
        assert_eq!(amount(&packaged, 23), 4_000);
        assert_eq!(amount(&packaged, 16), 4_000);
        assert_eq!(amount(&packaged, 15), 2_000);
    }

    #[test]
    fn what_is_not_modeled_or_wrong_is_refused_by_name() {
        let refused = |price: &Map<String, Value>, quantity, unit_price| {
            charge(price, Decimal::whole(quantity), unit_price, ENTRY)
                .unwrap_err()
                .body
                .to_string()
        };
        let flat = price(json!({"pricing_model": "flat_fee", "price": 4_900}));
        assert!(refused(&flat, 2, None).contains("subscription_items[quantity][0]"));
        let capped = price(json!({"id": "seats", "pricing_model": "volume", "tiers": [
            {"starting_unit": 1, "ending_unit": 10, "price": 1_000},
        ]}));
        assert!(refused(&capped, 11, None).contains("last tier, which ends at 10"));
        assert!(refused(&three_tiers("tiered"), 2, Some(100)).contains("unit_price"));
        let gap = price(json!({"id": "seats", "pricing_model": "tiered", "tiers": [
            {"starting_unit": 1, "ending_unit": 10, "price": 1_000},
            {"starting_unit": 12, "price": 800},
        ]}));
        assert!(refused(&gap, 3, None).contains("starts at 12, not 11"));
        let decimal = price(json!({"pricing_model": "per_unit", "price_in_decimal": "0.015"}));
        assert!(refused(&decimal, 3, None).contains("price_in_decimal"));
        let half = Decimal::parse("2.5").unwrap();
        let tiered = charge(&three_tiers("tiered"), half, None, ENTRY).unwrap_err();
        assert!(tiered.body.to_string().contains("decimal quantity (2.5)"));
    }

    #[test]
    fn decimal_quantities_are_priced_per_unit_and_rounded_once() {
        // 2.5 units at 49.00: 122.50; 1.75 units at 0.99 beyond 1 free: 0.7425 → 0.74.
        let per_unit = price(json!({"pricing_model": "per_unit", "price": 4_900}));
        let d = |text: &str| Decimal::parse(text).unwrap();
        assert_eq!(
            charge(&per_unit, d("2.5"), None, ENTRY).unwrap().amount,
            12_250
        );
        let cheap = price(json!({"pricing_model": "per_unit", "price": 99, "free_quantity": 1}));
        assert_eq!(charge(&cheap, d("1.75"), None, ENTRY).unwrap().amount, 74);
        assert_eq!(charge(&cheap, d("0.5"), None, ENTRY).unwrap().amount, 0);
    }
}
