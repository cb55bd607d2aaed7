//! awk values: numbers, strings and the "numeric strings" that input gives, with awk's rules for
//! turning one into the other and for comparing them.

use crate::common::cformat;
use std::cmp::Ordering;
use std::rc::Rc;

#[derive(Debug, Clone, Default)]
pub enum Value {
    #[default]
    Uninit,
    Num(f64),
    Str(Rc<str>),
    /// Text from input (fields, getline, ARGV, -v): compares as a number when it looks like one.
    StrNum(Rc<str>),
}

impl Value {
    pub fn from_input(text: impl Into<Rc<str>>) -> Value {
        Value::StrNum(text.into())
    }

    pub fn str(text: impl Into<Rc<str>>) -> Value {
        Value::Str(text.into())
    }

    pub fn to_num(&self) -> f64 {
        match self {
            Value::Uninit => 0.0,
            Value::Num(n) => *n,
            Value::Str(s) | Value::StrNum(s) => leading_number(s),
        }
    }

    /// The text of the value; numbers that are not integers use `format` (CONVFMT or OFMT).
    pub fn to_text(&self, format: &str) -> Rc<str> {
        match self {
            Value::Uninit => "".into(),
            Value::Num(n) => number_to_text(*n, format).into(),
            Value::Str(s) | Value::StrNum(s) => s.clone(),
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Value::Uninit => false,
            Value::Num(n) => *n != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::StrNum(s) => {
                if looks_numeric(s) {
                    leading_number(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }

    /// Input text that reads as a number in full.
    pub fn looks_like_number(&self) -> bool {
        matches!(self, Value::StrNum(s) if looks_numeric(s))
    }

    /// Numbers, unset values and numeric-looking input compare as numbers.
    fn is_numeric(&self) -> bool {
        match self {
            Value::Uninit | Value::Num(_) => true,
            Value::Str(_) => false,
            Value::StrNum(s) => looks_numeric(s),
        }
    }

    pub fn compare(&self, other: &Value, convfmt: &str) -> Ordering {
        if self.is_numeric() && other.is_numeric() {
            let (a, b) = (self.to_num(), other.to_num());
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        } else {
            self.to_text(convfmt).cmp(&other.to_text(convfmt))
        }
    }
}

/// An integer prints as one, however large; anything else through the format.
pub fn number_to_text(n: f64, format: &str) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "+nan" }.into();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "+inf" }.into();
    }
    if n == 0.0 {
        // gawk prints negative zero as 0.
        return "0".into();
    }
    if n == n.trunc() {
        return format!("{n:.0}");
    }
    sprintf_number(format, n)
}

/// One `%` conversion of a number, as CONVFMT and OFMT are used.
fn sprintf_number(format: &str, n: f64) -> String {
    let bytes = format.as_bytes();
    if let Some(at) = bytes.iter().position(|&b| b == b'%')
        && let Some(parsed) = cformat::parse(&bytes[at + 1..])
    {
        let spec = parsed.written_spec();
        let body = match spec.conversion {
            b'd' | b'i' | b'o' | b'x' | b'X' | b'u' => cformat::integer(&spec, n as i128),
            b'c' | b's' => cformat::text(&spec, &format!("{n}")),
            _ => cformat::float(&spec, n),
        };
        let tail = &format[at + 1 + parsed.length..];
        return format!("{}{body}{tail}", &format[..at]);
    }
    format.to_string()
}

/// The number at the start of the text, as strtod reads it (0 when there is none).
pub fn leading_number(text: &str) -> f64 {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
        i += 1;
    }
    let start = i;
    if i < bytes.len() && matches!(bytes[i], b'+' | b'-') {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - digits_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let fraction_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - fraction_start;
    }
    if digits == 0 {
        return special_number(&text[start..]).unwrap_or(0.0);
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        let mut j = i + 1;
        if j < bytes.len() && matches!(bytes[j], b'+' | b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    text[start..i].parse().unwrap_or(0.0)
}

/// gawk reads `+inf`, `-inf`, `+nan` and `-nan` (with their sign) as the special values.
fn special_number(text: &str) -> Option<f64> {
    let lower = text.get(..4)?.to_ascii_lowercase();
    match lower.as_str() {
        "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "+nan" => Some(f64::NAN),
        "-nan" => Some(-f64::NAN),
        _ => None,
    }
}

/// Whether input text is a number in full (blanks around it allowed), so it compares as one.
pub fn looks_numeric(text: &str) -> bool {
    let trimmed = text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if trimmed.is_empty() {
        return false;
    }
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    let digits_ok = whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if digits_ok && exponent_ok {
        return true;
    }
    matches!(
        trimmed.to_ascii_lowercase().as_str(),
        "+inf" | "-inf" | "+nan" | "-nan"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_awk_prints_them() {
        assert_eq!(number_to_text(3.0, "%.6g"), "3");
        assert_eq!(number_to_text(1e20, "%.6g"), "100000000000000000000");
        assert_eq!(number_to_text(0.1 + 0.2, "%.6g"), "0.3");
        assert_eq!(number_to_text(1234567.8, "%.6g"), "1.23457e+06");
        assert_eq!(number_to_text(1.23456, "%.2f"), "1.23");
    }

    #[test]
    fn strings_read_as_their_leading_number() {
        assert_eq!(leading_number("42abc"), 42.0);
        assert_eq!(leading_number("  -3.5e2x"), -350.0);
        assert_eq!(leading_number("abc"), 0.0);
        assert_eq!(leading_number("0x10"), 0.0);
        assert_eq!(leading_number(".5"), 0.5);
    }

    #[test]
    fn input_compares_as_number_only_when_it_is_one() {
        assert!(looks_numeric(" 10 "));
        assert!(looks_numeric("1e3"));
        assert!(!looks_numeric("10a"));
        assert!(!looks_numeric(""));
        let ten = Value::from_input("10");
        let nine = Value::from_input("9");
        assert_eq!(ten.compare(&nine, "%.6g"), Ordering::Greater);
        assert_eq!(
            Value::str("10").compare(&Value::str("9"), "%.6g"),
            Ordering::Less
        );
    }
}
