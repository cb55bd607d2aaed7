//! bc's numbers: arbitrary-precision decimals that carry a scale (how many digits follow the
//! point), the rules POSIX bc gives each operation for its result's scale (results are truncated,
//! never rounded, as GNU bc's are), number literals in any input base and output in any base.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// The most digits one number may hold: a bound on what a short line can make the toolset
/// allocate (`scale=10^9; 1/3`), met with an error instead of an out-of-memory trap.
pub const MAX_DIGITS: usize = 10_000_000;

/// Why an operation has no result.
#[derive(Debug, PartialEq)]
pub enum ArithError {
    DivideByZero,
    ModuloByZero,
    NegativeSquareRoot,
    ExponentTooLarge,
    TooLong,
}

impl ArithError {
    pub fn message(&self) -> String {
        match self {
            ArithError::DivideByZero => "Divide by zero".into(),
            ArithError::ModuloByZero => "Modulo by zero".into(),
            ArithError::NegativeSquareRoot => "Square root of a negative number".into(),
            ArithError::ExponentTooLarge => "exponent too large in raise".into(),
            ArithError::TooLong => {
                format!("number too long: zonebox's bc holds at most {MAX_DIGITS} digits")
            }
        }
    }
}

pub type Arith<T> = Result<T, ArithError>;

/// `value / 10^scale`.
#[derive(Clone, Debug, Default)]
pub struct Number {
    value: BigInt,
    scale: usize,
}

/// `10^exponent`, refused past [`MAX_DIGITS`].
pub fn power_of_ten(exponent: usize) -> Arith<BigInt> {
    if exponent > MAX_DIGITS {
        return Err(ArithError::TooLong);
    }
    Ok(num_traits::pow(BigInt::from(10u8), exponent))
}

impl Number {
    pub fn zero() -> Number {
        Number::default()
    }

    pub fn from_integer(n: i64) -> Number {
        Number {
            value: BigInt::from(n),
            scale: 0,
        }
    }

    /// `value / 10^scale` exactly.
    pub fn from_parts(value: BigInt, scale: usize) -> Number {
        Number { value, scale }
    }

    pub fn value(&self) -> &BigInt {
        &self.value
    }

    pub fn scale(&self) -> usize {
        self.scale
    }

    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.value.is_negative()
    }

    /// The same value with `scale` digits after the point: truncated, or padded with zeros.
    pub fn with_scale(&self, scale: usize) -> Arith<Number> {
        Ok(match scale.cmp(&self.scale) {
            Ordering::Equal => self.clone(),
            Ordering::Greater => Number {
                value: &self.value * power_of_ten(scale - self.scale)?,
                scale,
            },
            Ordering::Less => Number {
                value: &self.value / power_of_ten(self.scale - scale)?,
                scale,
            },
        })
    }

    /// The integer part (truncated toward zero).
    pub fn truncated(&self) -> BigInt {
        match self.scale {
            0 => self.value.clone(),
            scale => &self.value / num_traits::pow(BigInt::from(10u8), scale),
        }
    }

    /// The integer part as an i64, when it fits.
    pub fn to_i64(&self) -> Option<i64> {
        self.truncated().to_i64()
    }

    pub fn negated(&self) -> Number {
        Number {
            value: -&self.value,
            scale: self.scale,
        }
    }

    pub fn add(&self, other: &Number) -> Arith<Number> {
        let scale = self.scale.max(other.scale);
        Ok(Number {
            value: self.with_scale(scale)?.value + other.with_scale(scale)?.value,
            scale,
        })
    }

    pub fn sub(&self, other: &Number) -> Arith<Number> {
        self.add(&other.negated())
    }

    /// The product to `min(a.scale + b.scale, max(scale, a.scale, b.scale))` digits.
    pub fn mul(&self, other: &Number, scale: usize) -> Arith<Number> {
        let full = self.scale + other.scale;
        let wanted = full.min(scale.max(self.scale).max(other.scale));
        Number {
            value: &self.value * &other.value,
            scale: full,
        }
        .with_scale(wanted)
    }

    /// The quotient to `scale` digits.
    pub fn div(&self, other: &Number, scale: usize) -> Arith<Number> {
        if other.is_zero() {
            return Err(ArithError::DivideByZero);
        }
        let numerator = &self.value * power_of_ten(scale + other.scale)?;
        let denominator = &other.value * power_of_ten(self.scale)?;
        Ok(Number {
            value: numerator / denominator,
            scale,
        })
    }

    /// `a - (a / b) * b`, the quotient taken to `scale` digits and the remainder to
    /// `max(a.scale, b.scale + scale)`.
    pub fn rem(&self, other: &Number, scale: usize) -> Arith<Number> {
        if other.is_zero() {
            return Err(ArithError::ModuloByZero);
        }
        let quotient = self.div(other, scale)?;
        let result_scale = self.scale.max(other.scale + scale);
        let product = quotient.mul(other, result_scale)?;
        self.sub(&product)?.with_scale(result_scale)
    }

    /// `self ^ exponent` for an integer exponent (a fraction in the exponent is dropped; the
    /// second value says it was there, for bc's warning).
    pub fn pow(&self, exponent: &Number, scale: usize) -> Arith<(Number, bool)> {
        // GNU bc warns for any digits after the point, zeros too (`2 ^ 1.0`).
        let dropped_fraction = exponent.scale > 0;
        let power = exponent.truncated();
        if power.is_zero() {
            return Ok((Number::from_integer(1), dropped_fraction));
        }
        let negative = power.is_negative();
        let magnitude = power.abs();
        let result = if self.is_zero() {
            if negative {
                return Err(ArithError::DivideByZero);
            }
            Number::zero()
        } else if self.value.abs().is_one() && self.scale == 0 {
            let odd = magnitude.is_odd();
            let sign = if self.is_negative() && odd { -1 } else { 1 };
            Number::from_integer(sign)
        } else {
            let times = magnitude.to_usize().ok_or(ArithError::ExponentTooLarge)?;
            let bits = self.value.bits().max(1) as u128 * times as u128;
            // 3.33 bits a digit: past the digit bound, refuse before computing.
            if bits / 3 > MAX_DIGITS as u128 * 2 {
                return Err(ArithError::ExponentTooLarge);
            }
            let exact = Number {
                value: num_traits::pow(self.value.clone(), times),
                scale: self.scale.checked_mul(times).ok_or(ArithError::TooLong)?,
            };
            if exact.scale > MAX_DIGITS * 2 {
                return Err(ArithError::TooLong);
            }
            if negative {
                Number::from_integer(1).div(&exact, scale)?
            } else {
                let wanted = exact.scale.min(scale.max(self.scale));
                exact.with_scale(wanted)?
            }
        };
        Ok((result, dropped_fraction))
    }

    /// The square root to `max(scale, self.scale)` digits.
    pub fn sqrt(&self, scale: usize) -> Arith<Number> {
        if self.is_negative() {
            return Err(ArithError::NegativeSquareRoot);
        }
        let wanted = scale.max(self.scale);
        let widened = &self.value * power_of_ten(2 * wanted - self.scale)?;
        Ok(Number {
            value: widened.sqrt(),
            scale: wanted,
        })
    }

    /// bc's `length`: the significant decimal digits (leading zeros of a number below 1 do not
    /// count, the digits after the point all do).
    pub fn length(&self) -> usize {
        if self.value.is_zero() {
            return self.scale.max(1);
        }
        let digits = self.value.magnitude().to_string().len();
        digits.max(self.scale)
    }

    /// True when `self` is 0, used for conditions.
    pub fn is_true(&self) -> bool {
        !self.is_zero()
    }

    pub fn compare(&self, other: &Number) -> Ordering {
        let scale = self.scale.max(other.scale);
        let widen = |n: &Number| &n.value * num_traits::pow(BigInt::from(10u8), scale - n.scale);
        widen(self).cmp(&widen(other))
    }

    /// A number literal as bc reads it in input base `base` (2..=36): digits `0-9` and `A-Z`; a
    /// lone integer digit keeps its own value whatever the base (`A` is 10, and with ibase=2
    /// `2.1` is 2.5), elsewhere a digit past the base counts as `base - 1`; a fraction keeps as
    /// many digits as were written.
    pub fn parse_literal(text: &str, base: u32) -> Arith<Number> {
        let digit_value = |c: char| c.to_digit(36).unwrap_or(0);
        let clamp = |c: char| digit_value(c).min(base - 1);
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.len() + fraction.len() > MAX_DIGITS {
            return Err(ArithError::TooLong);
        }
        let integer = if whole.len() == 1 {
            BigInt::from(whole.chars().next().map_or(0, digit_value))
        } else if base == 10 && whole.bytes().all(|b| b.is_ascii_digit()) {
            whole.parse::<BigInt>().unwrap_or_default()
        } else {
            let mut integer = BigInt::zero();
            for c in whole.chars() {
                integer = integer * base + clamp(c);
            }
            integer
        };
        let mut result = Number {
            value: integer,
            scale: 0,
        };
        if fraction.is_empty() {
            return Ok(result);
        }
        if base == 10 {
            let digits: String = fraction
                .chars()
                .map(|c| char::from_digit(clamp(c), 10).unwrap_or('0'))
                .collect();
            let part = Number {
                value: digits.parse::<BigInt>().unwrap_or_default(),
                scale: fraction.len(),
            };
            return result.add(&part);
        }
        let mut numerator = BigInt::zero();
        let mut denominator = BigInt::one();
        for c in fraction.chars() {
            numerator = numerator * base + clamp(c);
            denominator *= base;
        }
        let part = Number::from_parts(numerator, 0)
            .div(&Number::from_parts(denominator, 0), fraction.len())?;
        result = result.add(&part)?;
        Ok(result)
    }

    /// The number's text in output base `base` (2 or more), without line breaks: decimal as
    /// `-12.50` / `.5` / `0`; bases up to 16 with digits `0-9A-F`; larger bases as
    /// space-separated decimal groups of fixed width (` 01 10`).
    pub fn format(&self, base: u64) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut text = String::new();
        if self.is_negative() {
            text.push('-');
        }
        let magnitude = Number {
            value: self.value.abs(),
            scale: self.scale,
        };
        let integer = magnitude.truncated();
        if base == 10 {
            if !integer.is_zero() {
                text.push_str(&integer.to_string());
            }
            if self.scale > 0 {
                let digits = magnitude.value.to_string();
                let fraction = if digits.len() >= self.scale {
                    digits[digits.len() - self.scale..].to_string()
                } else {
                    format!("{digits:0>width$}", width = self.scale)
                };
                text.push('.');
                text.push_str(&fraction);
            }
            return text;
        }
        let width = (base - 1).to_string().len();
        let push_digit = |text: &mut String, digit: u64, spaced: bool| {
            if base <= 16 {
                text.push(
                    char::from_digit(digit as u32, 16).map_or('?', |c| c.to_ascii_uppercase()),
                );
            } else {
                if spaced {
                    text.push(' ');
                }
                text.push_str(&format!("{digit:0width$}"));
            }
        };
        let big_base = BigInt::from(base);
        let mut integer_digits = Vec::new();
        let mut rest = integer.clone();
        while !rest.is_zero() {
            let (quotient, digit) = rest.div_rem(&big_base);
            integer_digits.push(digit.to_u64().unwrap_or(0));
            rest = quotient;
        }
        for &digit in integer_digits.iter().rev() {
            push_digit(&mut text, digit, true);
        }
        if self.scale > 0 {
            text.push('.');
            let one = num_traits::pow(BigInt::from(10u8), self.scale);
            let mut fraction = &magnitude.value - &integer * &one;
            // As many digits as it takes for base^k to have more integer digits than the scale.
            let mut reach = BigInt::one();
            let mut first = true;
            while reach.to_string().len() <= self.scale {
                fraction *= base;
                let (digit, left) = fraction.div_rem(&one);
                push_digit(&mut text, digit.to_u64().unwrap_or(0), !first);
                first = false;
                fraction = left;
                reach *= base;
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let number = Number::parse_literal(digits, 10).unwrap();
        if negative { number.negated() } else { number }
    }

    #[test]
    fn decimal_text_drops_a_lone_leading_zero() {
        assert_eq!(n("0.5").format(10), ".5");
        assert_eq!(n("-0.5").format(10), "-.5");
        assert_eq!(n("0.000").format(10), "0");
        assert_eq!(n("1.50").format(10), "1.50");
        assert_eq!(n("0.0012").format(10), ".0012");
    }

    #[test]
    fn scales_follow_posix() {
        assert_eq!(n("1.5").mul(&n("1.25"), 0).unwrap().format(10), "1.87");
        assert_eq!(n("1").div(&n("3"), 3).unwrap().format(10), ".333");
        assert_eq!(n("-1").div(&n("3"), 3).unwrap().format(10), "-.333");
        assert_eq!(n("7.5").rem(&n("2"), 2).unwrap().format(10), "0");
        assert_eq!(n("7").rem(&n("3"), 0).unwrap().format(10), "1");
        assert_eq!(
            n("2").sqrt(30).unwrap().format(10),
            "1.414213562373095048801688724209"
        );
    }

    #[test]
    fn powers() {
        let p = |a: &str, b: &str, s| n(a).pow(&n(b), s).unwrap().0.format(10);
        assert_eq!(p("2", "100", 0), "1267650600228229401496703205376");
        assert_eq!(p("2", "-3", 5), ".12500");
        assert_eq!(p("1.5", "3", 5), "3.375");
        assert_eq!(p("-2", "3", 0), "-8");
        assert!(n("2").pow(&n("0.5"), 0).unwrap().1);
        assert_eq!(
            n("0").pow(&n("-1"), 0).unwrap_err(),
            ArithError::DivideByZero
        );
        assert_eq!(
            n("7").pow(&n("100000000000"), 0).unwrap_err(),
            ArithError::ExponentTooLarge
        );
    }

    #[test]
    fn other_bases() {
        assert_eq!(
            Number::parse_literal("FF.8", 16).unwrap().format(10),
            "255.5"
        );
        assert_eq!(Number::parse_literal("12", 2).unwrap().format(10), "3");
        assert_eq!(Number::parse_literal("A", 10).unwrap().format(10), "10");
        assert_eq!(Number::parse_literal("1A", 10).unwrap().format(10), "19");
        assert_eq!(Number::parse_literal("2.1", 2).unwrap().format(10), "2.5");
        assert_eq!(Number::parse_literal("12.1", 2).unwrap().format(10), "3.5");
        assert_eq!(Number::parse_literal(".2", 2).unwrap().format(10), ".5");
        assert_eq!(Number::parse_literal(".F", 16).unwrap().format(10), ".9");
        assert_eq!(n("255").format(16), "FF");
        assert_eq!(n("-20.5").format(17), "- 01 03.08");
        assert_eq!(n("123456789").format(1000), " 123 456 789");
        assert_eq!(n("1").div(&n("3"), 2).unwrap().format(2), ".0101010");
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(
            n("1").div(&n("3"), MAX_DIGITS + 1).unwrap_err(),
            ArithError::TooLong
        );
        assert_eq!(n("0.001").length(), 3);
        assert_eq!(n("123.450").length(), 6);
        assert_eq!(n("0").length(), 1);
        assert_eq!(n("0.01").length(), 2);
    }
}
