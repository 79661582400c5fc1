//! Amounts of money: A/R balances, refund amounts and policy limits.
//!
//! SPEC §3: money is a `Decimal` in the code and integer cents in the
//! database, never a float. Input is parsed by hand from its digits, commas
//! and dot, so nothing ever passes through a binary floating-point number.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The largest amount the app accepts, in cents: $10,000,000.00 (SPEC §3).
const MAX_CENTS: i64 = 1_000_000_000;

/// An amount of dollars and cents, always held at scale 2, between
/// -$10,000,000.00 and $10,000,000.00. May be zero or negative (an A/R
/// balance in credit).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::BigInt)]
#[serde(try_from = "String", into = "String")]
pub struct Money(Decimal);

/// Why a typed amount was refused; the Display is the message shown next
/// to the form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Enter an amount, like 1,250.00")]
    Empty,
    #[error("Use at most 2 decimal places")]
    TooManyDecimals,
    #[error("Enter an amount in dollars and cents, like 1,250.00")]
    NotAnAmount,
    #[error("The amount must be at most $10,000,000.00")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Parses what a person typed: `1250`, `1250.5`, `1,250.00`,
    /// `$1,250.00`, `-50`, `-$50.00`, with surrounding whitespace.
    /// Commas are allowed only as thousands separators.
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let rest = rest.strip_prefix('$').unwrap_or(rest);
        let (whole, fraction) = match rest.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (rest, None),
        };
        let cents_part = match fraction {
            None => 0,
            Some(fraction) => parse_fraction(fraction)?,
        };
        let dollars = parse_whole_dollars(whole)?;
        let cents = dollars
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents_part))
            .filter(|c| *c <= MAX_CENTS)
            .ok_or(MoneyError::TooLarge)?;
        Ok(Money::in_range(if negative { -cents } else { cents }))
    }

    /// An amount from integer cents, as stored in the database; `None` when
    /// it is beyond $10,000,000.00 either way.
    pub fn from_cents(cents: i64) -> Option<Money> {
        (-MAX_CENTS..=MAX_CENTS)
            .contains(&cents)
            .then(|| Money::in_range(cents))
    }

    /// The amount in integer cents, for the database.
    pub fn to_cents(self) -> i64 {
        // Every constructor keeps scale 2 and |cents| <= MAX_CENTS.
        i64::try_from(self.0.mantissa()).expect("Money is at most $10,000,000.00")
    }

    /// The amount as a `Decimal` (scale 2).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// `1250.00`, `-50.00`: no symbol, no separators (for CSV).
    pub fn plain(&self) -> String {
        let (sign, dollars, cents) = self.parts();
        format!("{sign}{dollars}.{cents:02}")
    }

    pub fn is_positive(self) -> bool {
        self.to_cents() > 0
    }

    fn in_range(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    fn parts(self) -> (&'static str, u64, u64) {
        let cents = self.to_cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        (sign, abs / 100, abs % 100)
    }
}

/// Whole dollars: plain digits (`1250`) or digits grouped by thousands
/// (`1,250`, `12,345,678`).
fn parse_whole_dollars(whole: &str) -> Result<i64, MoneyError> {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let grouped = whole.contains(',');
    let first_ok = is_digits(first) && (!grouped || first.len() <= 3);
    if !first_ok || !groups.all(|group| group.len() == 3 && is_digits(group)) {
        return Err(MoneyError::NotAnAmount);
    }
    whole
        .bytes()
        .filter(u8::is_ascii_digit)
        .try_fold(0_i64, |total, digit| {
            total.checked_mul(10)?.checked_add(i64::from(digit - b'0'))
        })
        .ok_or(MoneyError::TooLarge)
}

/// The cents after the dot: one or two digits (`.5` is 50 cents).
fn parse_fraction(fraction: &str) -> Result<i64, MoneyError> {
    if !is_digits(fraction) {
        return Err(MoneyError::NotAnAmount);
    }
    let digits = fraction.as_bytes();
    match digits {
        [tens] => Ok(i64::from(tens - b'0') * 10),
        [tens, units] => Ok(i64::from(tens - b'0') * 10 + i64::from(units - b'0')),
        _ => Err(MoneyError::TooManyDecimals),
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `1234567` → `1,234,567`.
fn group_thousands(dollars: u64) -> String {
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// `$1,250.00`, `-$50.00`, `$0.00`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, dollars, cents) = self.parts();
        write!(f, "{sign}${}.{cents:02}", group_thousands(dollars))
    }
}

impl TryFrom<String> for Money {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Money::parse(&value)
    }
}

impl From<Money> for String {
    fn from(value: Money) -> Self {
        value.plain()
    }
}

/// A refund amount: money strictly more than $0.00 (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RefundAmount(Money);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundAmountError {
    #[error(transparent)]
    Invalid(#[from] MoneyError),
    #[error("The refund amount must be more than $0.00")]
    NotPositive,
}

impl RefundAmount {
    pub fn parse(input: &str) -> Result<RefundAmount, RefundAmountError> {
        RefundAmount::try_from(Money::parse(input)?)
    }

    /// A refund amount from integer cents, as stored; `None` unless it is
    /// between $0.01 and $10,000,000.00.
    pub fn from_cents(cents: i64) -> Option<RefundAmount> {
        Money::from_cents(cents).and_then(|money| RefundAmount::try_from(money).ok())
    }

    pub fn money(self) -> Money {
        self.0
    }

    pub fn to_cents(self) -> i64 {
        self.0.to_cents()
    }
}

impl TryFrom<Money> for RefundAmount {
    type Error = RefundAmountError;
    fn try_from(money: Money) -> Result<Self, Self::Error> {
        if money.is_positive() {
            Ok(RefundAmount(money))
        } else {
            Err(RefundAmountError::NotPositive)
        }
    }
}

impl TryFrom<String> for RefundAmount {
    type Error = RefundAmountError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RefundAmount::parse(&value)
    }
}

impl From<RefundAmount> for String {
    fn from(value: RefundAmount) -> Self {
        value.0.plain()
    }
}

impl fmt::Display for RefundAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn cents(input: &str) -> i64 {
        Money::parse(input)
            .unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
            .to_cents()
    }

    #[test]
    fn accepts_the_formats_people_type() {
        let cases = [
            ("1250", 125_000),
            ("1250.5", 125_050),
            ("1250.50", 125_050),
            ("1,250.00", 125_000),
            ("$1,250.00", 125_000),
            ("$1250", 125_000),
            ("  $1,250.00\t", 125_000),
            ("0", 0),
            ("0.00", 0),
            ("0.07", 7),
            ("999.99", 99_999),
            ("-50", -5_000),
            ("-$50.00", -5_000),
            ("-1,000.01", -100_001),
            ("-0", 0),
            ("1,234,567.89", 123_456_789),
            ("9,999,999.99", 999_999_999),
            ("10,000,000.00", MAX_CENTS),
            ("-$10,000,000", -MAX_CENTS),
            ("007", 700),
        ];
        for (input, expected) in cases {
            assert_eq!(cents(input), expected, "{input:?}");
            let money = Money::parse(input).unwrap();
            assert_eq!(
                Money::from_cents(money.to_cents()),
                Some(money),
                "{input:?}"
            );
            assert_eq!(money.as_decimal().scale(), 2, "{input:?}");
        }
    }

    #[test]
    fn parsed_amounts_are_exact_decimals() {
        assert_eq!(Money::parse("1,250.5").unwrap().as_decimal(), dec!(1250.50));
        assert_eq!(Money::parse("-$0.01").unwrap().as_decimal(), dec!(-0.01));
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        use MoneyError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("12.345", TooManyDecimals),
            ("12.300", TooManyDecimals),
            ("abc", NotAnAmount),
            ("1e5", NotAnAmount),
            ("1,25,0", NotAnAmount),
            ("1,25", NotAnAmount),
            ("1250,00", NotAnAmount),
            (",250", NotAnAmount),
            ("1,2500", NotAnAmount),
            ("1,,250", NotAnAmount),
            ("1,250,", NotAnAmount),
            ("NaN", NotAnAmount),
            ("nan", NotAnAmount),
            ("inf", NotAnAmount),
            ("-inf", NotAnAmount),
            ("Infinity", NotAnAmount),
            ("+-", NotAnAmount),
            ("+50", NotAnAmount),
            ("-", NotAnAmount),
            ("$", NotAnAmount),
            ("--5", NotAnAmount),
            ("$-50", NotAnAmount),
            ("- 50", NotAnAmount),
            ("1 250", NotAnAmount),
            (".5", NotAnAmount),
            ("5.", NotAnAmount),
            ("1.2.3", NotAnAmount),
            ("12.3a", NotAnAmount),
            ("١٢", NotAnAmount),
            ("10,000,000.01", TooLarge),
            ("-10,000,000.01", TooLarge),
            ("10000001", TooLarge),
            ("99999999999999999999999999999999", TooLarge),
        ];
        for (input, expected) in cases {
            assert_eq!(Money::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_messages_are_for_people() {
        assert_eq!(
            MoneyError::Empty.to_string(),
            "Enter an amount, like 1,250.00"
        );
        assert_eq!(
            MoneyError::TooManyDecimals.to_string(),
            "Use at most 2 decimal places"
        );
        assert_eq!(
            MoneyError::NotAnAmount.to_string(),
            "Enter an amount in dollars and cents, like 1,250.00"
        );
        assert_eq!(
            MoneyError::TooLarge.to_string(),
            "The amount must be at most $10,000,000.00"
        );
    }

    #[test]
    fn displays_as_dollars_with_thousands() {
        let cases = [
            (0, "$0.00", "0.00"),
            (5, "$0.05", "0.05"),
            (-5, "-$0.05", "-0.05"),
            (99_999, "$999.99", "999.99"),
            (100_000, "$1,000.00", "1000.00"),
            (125_000, "$1,250.00", "1250.00"),
            (-5_000, "-$50.00", "-50.00"),
            (-123_456_789, "-$1,234,567.89", "-1234567.89"),
            (MAX_CENTS, "$10,000,000.00", "10000000.00"),
            (10_000_000, "$100,000.00", "100000.00"),
        ];
        for (cents, shown, plain) in cases {
            let money = Money::from_cents(cents).unwrap();
            assert_eq!(money.to_string(), shown);
            assert_eq!(money.plain(), plain);
        }
        assert_eq!(Money::ZERO.to_string(), "$0.00");
        assert_eq!(Money::ZERO, Money::parse("0").unwrap());
    }

    #[test]
    fn from_cents_refuses_out_of_range() {
        assert_eq!(Money::from_cents(MAX_CENTS + 1), None);
        assert_eq!(Money::from_cents(-MAX_CENTS - 1), None);
        assert_eq!(Money::from_cents(i64::MIN), None);
        assert!(Money::from_cents(-MAX_CENTS).is_some());
    }

    #[test]
    fn orders_by_value() {
        let small = Money::parse("999.99").unwrap();
        let limit = Money::parse("1,000").unwrap();
        let over = Money::parse("$1,000.01").unwrap();
        assert!(small < limit && limit < over);
        assert!(Money::parse("-1").unwrap() < Money::ZERO);
    }

    #[test]
    fn refund_amount_must_be_positive() {
        assert_eq!(
            RefundAmount::parse("$250").unwrap().money(),
            Money::from_cents(25_000).unwrap()
        );
        assert_eq!(RefundAmount::parse("0.01").unwrap().to_cents(), 1);
        for input in ["0", "0.00", "-5", "-$0.01"] {
            let error = RefundAmount::parse(input).unwrap_err();
            assert_eq!(error, RefundAmountError::NotPositive, "{input:?}");
            assert_eq!(
                error.to_string(),
                "The refund amount must be more than $0.00"
            );
        }
        assert_eq!(
            RefundAmount::parse("12.345"),
            Err(RefundAmountError::Invalid(MoneyError::TooManyDecimals))
        );
        assert_eq!(
            RefundAmount::parse("").unwrap_err().to_string(),
            "Enter an amount, like 1,250.00"
        );
        assert_eq!(RefundAmount::from_cents(0), None);
        assert_eq!(RefundAmount::from_cents(MAX_CENTS + 1), None);
        assert_eq!(RefundAmount::from_cents(100).unwrap().to_string(), "$1.00");
    }

    #[test]
    fn string_conversions_for_serde_go_through_parse() {
        let money = Money::from_cents(-5_000).unwrap();
        let text: String = money.into();
        assert_eq!(text, "-50.00");
        assert_eq!(Money::try_from(text), Ok(money));
        assert!(Money::try_from("12.345".to_string()).is_err());
        assert!(RefundAmount::try_from("0".to_string()).is_err());
        let refund: String = RefundAmount::parse("1,250").unwrap().into();
        assert_eq!(refund, "1250.00");
    }

    proptest! {
        #[test]
        fn plain_and_display_parse_back(cents in -MAX_CENTS..=MAX_CENTS) {
            let money = Money::from_cents(cents).unwrap();
            prop_assert_eq!(money.to_cents(), cents);
            prop_assert_eq!(Money::parse(&money.plain()), Ok(money));
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn parse_never_panics(input in "\\PC{0,40}") {
            let _ = Money::parse(&input);
            let _ = RefundAmount::parse(&input);
        }

        #[test]
        fn parsed_amounts_stay_in_range(input in "-?\\$?[0-9,]{1,16}(\\.[0-9]{0,3})?") {
            if let Ok(money) = Money::parse(&input) {
                prop_assert!(money.to_cents().abs() <= MAX_CENTS);
                prop_assert_eq!(money.as_decimal().scale(), 2);
            }
        }
    }
}
