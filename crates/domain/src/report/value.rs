//! Cell values: a blank cell is not 0, and fees in 万元 are exact decimals.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// An exact decimal number (e.g. 96171.6 万元), normalised so that equal numbers compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// The text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是有效的数字")]
pub struct DecimalError(pub String);

const MAX_SCALE: u32 = 18;

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    /// `mantissa × 10^-scale`, normalised.
    pub fn new(mantissa: i128, scale: u32) -> Self {
        let mut d = Decimal { mantissa, scale };
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        if d.mantissa == 0 {
            d.scale = 0;
        }
        d
    }

    /// A whole number.
    pub fn from_int(n: i64) -> Self {
        Decimal::new(i128::from(n), 0)
    }

    /// The value if it is a whole number.
    pub fn as_int(self) -> Option<i64> {
        if self.scale == 0 { i64::try_from(self.mantissa).ok() } else { None }
    }

    /// Whether the number is below zero.
    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// Whether the number is zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    fn rescale(self, scale: u32) -> Option<i128> {
        self.mantissa.checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// Exact sum, `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        if self.scale == 0 && other.scale == 0 {
            // whole numbers, the common case: no rescaling, nothing to normalise
            return Some(Decimal { mantissa: self.mantissa.checked_add(other.mantissa)?, scale: 0 });
        }
        let scale = self.scale.max(other.scale);
        Some(Decimal::new(self.rescale(scale)?.checked_add(other.rescale(scale)?)?, scale))
    }

    /// Exact difference, `None` on overflow.
    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal { mantissa: other.mantissa.checked_neg()?, scale: other.scale })
    }

    /// An approximation for display-only computations (percentages).
    #[expect(clippy::cast_precision_loss, reason = "display-only approximation")]
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(i32::try_from(self.scale).unwrap_or(0))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescale(scale), other.rescale(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    /// Accepts `123`, `-185`, `+3`, `96171.6`, `0.00`, `1,234.5` (thousands separators).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DecimalError(s.to_owned());
        let t = s.trim();
        let (neg, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let mut mantissa: i128 = 0;
        let mut scale: u32 = 0;
        let mut seen_dot = false;
        let mut seen_digit = false;
        for b in digits.bytes() {
            match b {
                b'0'..=b'9' => {
                    seen_digit = true;
                    mantissa = mantissa.checked_mul(10).and_then(|m| m.checked_add(i128::from(b - b'0'))).ok_or_else(err)?;
                    if seen_dot {
                        scale += 1;
                        if scale > MAX_SCALE {
                            return Err(err());
                        }
                    }
                }
                b'.' if !seen_dot => seen_dot = true,
                b',' if !seen_dot && seen_digit => {}
                _ => return Err(err()),
            }
        }
        if !seen_digit {
            return Err(err());
        }
        Ok(Decimal::new(if neg { -mantissa } else { mantissa }, scale))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        let div = 10u128.pow(self.scale);
        write!(f, "{sign}{}.{:0width$}", abs / div, abs % div, width = self.scale as usize)
    }
}

/// One data cell of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// The cell is printed but empty (or holds only a dash-free blank). Read as 0 for arithmetic,
    /// with a BLANK_CELL finding.
    #[default]
    Blank,
    /// The report does not have this cell at all (a lost column). MISSING_ROW.
    Absent,
    /// A whole number.
    Int(i64),
    /// A decimal amount (table 二 fees).
    Dec(Decimal),
    /// Something that should be a number and is not (the text as printed). UNREADABLE_VALUE.
    Unreadable(String),
}

impl Value {
    /// The number this cell contributes to arithmetic: blank and absent count as 0, unreadable
    /// as `None`.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Value::Blank | Value::Absent => Some(Decimal::ZERO),
            Value::Int(n) => Some(Decimal::from_int(*n)),
            Value::Dec(d) => Some(*d),
            Value::Unreadable(_) => None,
        }
    }

    /// The whole number in the cell, if it holds one (blank = `None`).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Dec(d) => d.as_int(),
            _ => None,
        }
    }

    /// Whether the cell is blank.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Blank)
    }

    /// A number from a decimal, as `Int` when whole.
    pub fn from_decimal(d: Decimal) -> Self {
        match d.as_int() {
            Some(n) => Value::Int(n),
            None => Value::Dec(d),
        }
    }
}

impl fmt::Display for Value {
    /// As printed in a report: blank and absent print nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Blank | Value::Absent => Ok(()),
            Value::Int(n) => write!(f, "{n}"),
            Value::Dec(d) => write!(f, "{d}"),
            Value::Unreadable(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_normalise_and_add_exactly() {
        let a: Decimal = "96171.60".parse().unwrap();
        assert_eq!(a.to_string(), "96171.6");
        let b: Decimal = "0.4".parse().unwrap();
        assert_eq!(a.checked_add(b).unwrap().to_string(), "96172");
        assert_eq!(a.checked_add(b).unwrap().as_int(), Some(96172));
        assert_eq!("-185".parse::<Decimal>().unwrap().as_int(), Some(-185));
        assert_eq!("1,234.5".parse::<Decimal>().unwrap().to_string(), "1234.5");
        assert!("".parse::<Decimal>().is_err());
        assert!("1.2.3".parse::<Decimal>().is_err());
        assert!("12a".parse::<Decimal>().is_err());
        assert!("99999999999999999999999999999999999999999".parse::<Decimal>().is_err());
        assert_eq!("-0.05".parse::<Decimal>().unwrap().to_string(), "-0.05");
        assert!("0.1".parse::<Decimal>().unwrap() < "0.25".parse::<Decimal>().unwrap());
    }
}
