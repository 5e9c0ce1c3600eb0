//! Decimal quantities as Chargebee's API sends them, in text (`quantity_in_decimal`:
//! `"2.5"`): read exactly, never through floating point, so a price times a quantity is
//! rounded once, to a whole number of minor units.

/// A non-negative decimal number: `digits ÷ 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    digits: i128,
    scale: u32,
}

/// The most digits after the point a quantity may have (Chargebee's `quantity_in_decimal`
/// holds at most 33 characters; this keeps every product within `i128`).
const MAX_SCALE: u32 = 9;

impl Decimal {
    /// `text` read as a decimal (`12`, `2.5`, `0.125`), or `None` when it is not one: a sign,
    /// an exponent, more than nine digits after the point or more than eighteen before it.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (whole, fraction) = match text.split_once('.') {
            Some((_, "")) => return None,
            Some(parts) => parts,
            None => (text, ""),
        };
        let plain = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 18 || !plain(whole) || !plain(fraction) {
            return None;
        }
        let scale = u32::try_from(fraction.len())
            .ok()
            .filter(|s| *s <= MAX_SCALE)?;
        let digits = format!("{whole}{fraction}").parse().ok()?;
        Some(Decimal { digits, scale })
    }

    /// The whole number `n`.
    pub fn whole(n: i64) -> Decimal {
        Decimal {
            digits: i128::from(n),
            scale: 0,
        }
    }

    /// This less `other`, or zero when `other` is more.
    pub fn less(self, other: Decimal) -> Decimal {
        let scale = self.scale.max(other.scale);
        let digits = self.at(scale) - other.at(scale);
        Decimal {
            digits: digits.max(0),
            scale,
        }
    }

    /// Whether it is a whole number (`3`, `3.0`).
    pub fn is_whole(self) -> bool {
        self.digits % 10_i128.pow(self.scale) == 0
    }

    /// It as a whole number when it is one.
    pub fn as_whole(self) -> Option<i64> {
        self.is_whole()
            .then(|| i64::try_from(self.digits / 10_i128.pow(self.scale)).ok())
            .flatten()
    }

    /// `amount` (minor units) times this, rounded to the nearest minor unit, halves up.
    pub fn times(self, amount: i64) -> i64 {
        let exact = i128::from(amount) * self.digits;
        let unit = 10_i128.pow(self.scale);
        let rounded = (2 * exact + unit).div_euclid(2 * unit);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    }

    /// Its digits at `scale` (at least its own).
    fn at(self, scale: u32) -> i128 {
        self.digits * 10_i128.pow(scale - self.scale)
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = 10_i128.pow(self.scale);
        let (whole, fraction) = (self.digits / unit, self.digits % unit);
        if self.scale == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{fraction:0width$}", width = self.scale as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    #[test]
    fn decimals_are_read_exactly_and_rounded_once_halves_up() {
        let d = |text: &str| Decimal::parse(text).unwrap();
        // 49.00 × 2.5 = 122.50; 0.99 × 1.5 = 1.485 → 1.49; 0.99 × 0.5 = 0.495 → 0.50.
        assert_eq!(d("2.5").times(4_900), 12_250);
        assert_eq!(d("1.5").times(99), 149);
        assert_eq!(d("0.5").times(99), 50);
        assert_eq!(d("0.125").less(d("0.1")).to_string(), "0.025");
        assert_eq!(d("1").less(d("2.5")).to_string(), "0.0");
        assert_eq!(d("3.0").as_whole(), Some(3));
        assert_eq!(d("3.01").as_whole(), None);
        assert_eq!(d("2.50").to_string(), "2.50");
        for bad in ["", "-1", "1e3", "1.", ".5", "1.0000000001", "one", "1,5"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }
}
