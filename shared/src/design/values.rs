//! Numbers of design requests that cannot hold bad values.

use serde::{Deserialize, Serialize};

/// Largest amount of money accepted (a bound that keeps every amount exact in `f64`).
const MAX_MONEY_CENTS: u64 = 100_000_000_000;

/// An amount of money as a string with two decimals ("20000.00"). Accepts a decimal
/// string with at most two decimals, from 0 to 1,000,000,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Money(u64);

impl Money {
    /// The amount in cents.
    pub fn cents(&self) -> u64 {
        self.0
    }
}

impl TryFrom<String> for Money {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let invalid = || "must be an amount like \"1200\" or \"1200.50\"".to_owned();
        let text = value.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 10 || fraction.len() > 2 || !digits(whole) {
            return Err(invalid());
        }
        if !digits(fraction) || (text.contains('.') && fraction.is_empty()) {
            return Err(invalid());
        }
        let whole: u64 = whole.parse().map_err(|_| invalid())?;
        let fraction: u64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let cents = whole * 100 + fraction;
        if cents > MAX_MONEY_CENTS {
            return Err("must be at most 1000000000".to_owned());
        }
        Ok(Money(cents))
    }
}

impl From<Money> for String {
    fn from(money: Money) -> String {
        format!("{}.{:02}", money.0 / 100, money.0 % 100)
    }
}

/// A number from 0.01 to 1,000,000,000 (areas, amounts). The floor keeps every value
/// storable: DynamoDB refuses numbers smaller than 1e-130, and nothing smaller than a
/// cent or a hundredth of a square metre means anything here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct PositiveNumber(f64);

impl PositiveNumber {
    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for PositiveNumber {
    type Error = String;

    fn try_from(value: f64) -> Result<Self, String> {
        if value.is_finite() && (0.01..=1e9).contains(&value) {
            Ok(PositiveNumber(value))
        } else {
            Err("must be a number from 0.01 to 1000000000".to_owned())
        }
    }
}

impl From<PositiveNumber> for f64 {
    fn from(number: PositiveNumber) -> f64 {
        number.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Result<String, String> {
        Money::try_from(text.to_owned()).map(String::from)
    }

    #[test]
    fn money_strings() {
        assert_eq!(money("20000").unwrap(), "20000.00");
        assert_eq!(money("0.5").unwrap(), "0.50");
        assert_eq!(money("12.34").unwrap(), "12.34");
        for bad in ["", "-1", "1.", "1.234", "abc", "1e3", "99999999999", ".5"] {
            assert!(money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positive_numbers() {
        assert!(PositiveNumber::try_from(0.1).is_ok());
        assert!(PositiveNumber::try_from(0.0).is_err());
        assert!(PositiveNumber::try_from(-2.0).is_err());
        assert!(PositiveNumber::try_from(f64::INFINITY).is_err());
        assert!(PositiveNumber::try_from(0.01).is_ok());
        assert!(PositiveNumber::try_from(5e-324).is_err());
        assert!(PositiveNumber::try_from(0.009).is_err());
    }
}
