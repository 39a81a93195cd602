//! Money as the seed writes it: a string with two decimals (`"300.00"`).
//!
//! Amounts are exact decimals (`rust_decimal`), never floats, so that a price typed as
//! `"0.1"` is stored and shown as `"0.10"` and sums never drift.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest amount accepted: 100 million (well above any homemaking price).
const MAX_AMOUNT: i64 = 100_000_000;

/// A non-negative amount with at most two decimals, shown with exactly two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(Decimal);

impl Money {
    /// Parses `"300"`, `"300.5"` or `"300.00"`; anything else (negative, more than two
    /// decimals, exponent, not a number, too large) is refused with the reason.
    pub fn parse(text: &str) -> Result<Money, String> {
        let text = text.trim();
        let valid_chars = !text.is_empty()
            && text.chars().all(|c| c.is_ascii_digit() || c == '.')
            && text.matches('.').count() <= 1
            && !text.starts_with('.')
            && !text.ends_with('.');
        if !valid_chars {
            return Err("must be an amount like 300 or 300.00".to_owned());
        }
        let value: Decimal = text
            .parse()
            .map_err(|_| "must be an amount like 300 or 300.00".to_owned())?;
        if value.scale() > 2 {
            return Err("must have at most two decimals".to_owned());
        }
        if value > Decimal::from(MAX_AMOUNT) {
            return Err(format!("must be at most {MAX_AMOUNT}"));
        }
        Ok(Money(value))
    }

    /// The seed's text: exactly two decimals.
    pub fn to_text(self) -> String {
        format!("{:.2}", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Accepts the seed's string form; a JSON number is accepted too (clients differ) and
    /// goes through the same checks.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Text(text) => text,
            Raw::Number(number) => number.to_string(),
        };
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimals_out() {
        assert_eq!(Money::parse("300").unwrap().to_text(), "300.00");
        assert_eq!(Money::parse("0.1").unwrap().to_text(), "0.10");
        assert_eq!(Money::parse("20000.00").unwrap().to_text(), "20000.00");
        assert_eq!(Money::parse("0").unwrap().to_text(), "0.00");
    }

    #[test]
    fn refuses_what_is_not_money() {
        for bad in [
            "",
            "-1",
            "1.234",
            "1e3",
            "abc",
            ".5",
            "5.",
            "1.2.3",
            "100000001",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let money: Money = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(serde_json::to_string(&money).unwrap(), "\"12.50\"");
        let number: Money = serde_json::from_str("12").unwrap();
        assert_eq!(number.to_text(), "12.00");
        assert!(serde_json::from_str::<Money>("\"1.001\"").is_err());
    }
}
