//! Generated ids in the shapes Chargebee and the Maton gateway give them: invoices and credit
//! notes numbered in sequence (Chargebee's default numbering, without a site prefix), events
//! `ev_` and transactions `txn_` before 16 letters and digits, Maton connections a UUID, every other object 16 letters
//! and digits. Ids derive from the store's sequence number, so a run is reproducible, and
//! two sequence numbers never give the same id.

/// The shape of the ids a resource's generated objects take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// `1`, `2`, …: the resource's own running number.
    Number,
    /// 16 letters and digits after a prefix.
    Token(&'static str),
    /// A UUID in its hyphenated lowercase form.
    Uuid,
}

/// How `resource`'s generated ids look.
pub fn shape(resource: &str) -> Shape {
    match resource {
        "invoice" | "credit_note" => Shape::Number,
        "event" => Shape::Token("ev_"),
        "transaction" => Shape::Token("txn_"),
        "payment_source" => Shape::Token("pm_"),
        "connection" => Shape::Uuid,
        _ => Shape::Token(""),
    }
}

/// The id of shape `shape` for sequence number `n`; `number` is the resource's running
/// number, used by [`Shape::Number`].
pub fn format(shape: Shape, n: u64, number: u64) -> String {
    match shape {
        Shape::Number => number.to_string(),
        Shape::Token(prefix) => token(prefix, n),
        Shape::Uuid => {
            let (high, low) = (scramble(n), scramble(!n));
            let hex = format!("{high:016x}{low:016x}");
            // Version 4 and the RFC 4122 variant, as random UUIDs carry them.
            format!(
                "{}-{}-4{}-{}{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[13..16],
                ["8", "9", "a", "b"][(low >> 62) as usize],
                &hex[17..20],
                &hex[20..32]
            )
        }
    }
}

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// 16 letters and digits: five from a second mix of `n`, then `scramble(n)` in 11 base-62
/// digits, which tell every `n` apart.
fn token(prefix: &str, n: u64) -> String {
    let mut out = Vec::with_capacity(prefix.len() + 16);
    out.extend_from_slice(prefix.as_bytes());
    push_base62(
        &mut out,
        scramble(n ^ 0x5bd1_e995_a5a5_a5a5) % 62u64.pow(5),
        5,
    );
    push_base62(&mut out, scramble(n), 11);
    String::from_utf8(out).expect("the prefix and the alphabet are UTF-8")
}

/// Appends `value` as exactly `digits` base-62 digits, most significant first.
fn push_base62(out: &mut Vec<u8>, mut value: u64, digits: usize) {
    let start = out.len();
    for _ in 0..digits {
        out.push(ALPHABET[(value % 62) as usize]);
        value /= 62;
    }
    out[start..].reverse();
}

/// A bijection of `u64` that spreads neighbouring numbers apart (the SplitMix64 finalizer).
fn scramble(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_sixteen_letters_and_digits_and_never_repeat() {
        let mut seen = HashSet::new();
        for n in 1..=200_000 {
            let id = format(shape("customer"), n, 0);
            assert_eq!(id.len(), 16, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
            assert!(seen.insert(id), "sequence number {n} repeats an id");
        }
        // u64::MAX needs all 11 digits: 62^11 > 2^64 > 62^10.
        assert_eq!(token("", u64::MAX).len(), 16);
    }

    #[test]
    fn each_resource_takes_its_shape() {
        assert_eq!(format(shape("invoice"), 9, 3), "3");
        assert_eq!(format(shape("credit_note"), 9, 12), "12");
        let event = format(shape("event"), 9, 0);
        assert!(event.starts_with("ev_") && event.len() == 19, "{event}");
        let transaction = format(shape("transaction"), 9, 0);
        assert!(
            transaction.starts_with("txn_") && transaction.len() == 20,
            "{transaction}"
        );
        let uuid = format(shape("connection"), 9, 0);
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{uuid}");
        assert_eq!(&uuid[14..15], "4", "{uuid}");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
        assert_ne!(uuid, format(shape("connection"), 10, 0));
    }

    #[test]
    fn base62_digits_are_most_significant_first() {
        let mut out = Vec::new();
        push_base62(&mut out, 62 * 3 + 11, 4);
        assert_eq!(out, b"003B");
    }
}
