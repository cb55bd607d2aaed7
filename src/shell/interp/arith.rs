//! Shell arithmetic (`$(( ))`, `(( ))`, `for ((…))`): 64-bit integers, wrapping as bash's do,
//! with variables read and assigned in the shell's state.

use super::state::{ShellState, Value};
use brush_parser::ast::{
    ArithmeticExpr, ArithmeticTarget, BinaryOperator, UnaryAssignmentOperator, UnaryOperator,
};

/// How deep variable references may nest (`a=b; b=a; $((a))` would loop forever otherwise).
const MAX_REFERENCE_DEPTH: usize = 64;

/// Parses and evaluates an arithmetic expression (already parameter-expanded).
pub(crate) fn evaluate(text: &str, state: &mut ShellState) -> Result<i64, String> {
    evaluate_at(text, state, 0)
}

/// Evaluates an array subscript where the shell cannot be changed (an expansion's read): a
/// plain number directly, anything else on a copy of the state (its assignments are dropped).
pub(crate) fn evaluate_index(text: &str, state: &ShellState) -> Result<i64, String> {
    match parse_number(text.trim()) {
        Some(n) => Ok(n),
        None => evaluate(text, &mut state.clone()),
    }
}

fn evaluate_at(text: &str, state: &mut ShellState, depth: usize) -> Result<i64, String> {
    if depth > MAX_REFERENCE_DEPTH {
        return Err(format!("{text}: expression recursion level exceeded"));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(0);
    }
    let expr = brush_parser::arithmetic::parse(trimmed)
        .map_err(|_| format!("{trimmed}: syntax error in expression"))?;
    Evaluator { state, depth }.eval(&expr)
}

struct Evaluator<'a> {
    state: &'a mut ShellState,
    depth: usize,
}

impl Evaluator<'_> {
    fn eval(&mut self, expr: &ArithmeticExpr) -> Result<i64, String> {
        Ok(match expr {
            ArithmeticExpr::Literal(n) => *n,
            ArithmeticExpr::Reference(target) => self.read(target)?,
            ArithmeticExpr::UnaryOp(op, inner) => {
                let v = self.eval(inner)?;
                match op {
                    UnaryOperator::UnaryPlus => v,
                    UnaryOperator::UnaryMinus => v.wrapping_neg(),
                    UnaryOperator::BitwiseNot => !v,
                    UnaryOperator::LogicalNot => i64::from(v == 0),
                }
            }
            ArithmeticExpr::BinaryOp(BinaryOperator::LogicalAnd, a, b) => {
                i64::from(self.eval(a)? != 0 && self.eval(b)? != 0)
            }
            ArithmeticExpr::BinaryOp(BinaryOperator::LogicalOr, a, b) => {
                i64::from(self.eval(a)? != 0 || self.eval(b)? != 0)
            }
            ArithmeticExpr::BinaryOp(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                apply(op, a, b)?
            }
            ArithmeticExpr::Conditional(c, a, b) => {
                if self.eval(c)? != 0 {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            ArithmeticExpr::Assignment(target, value) => {
                let v = self.eval(value)?;
                self.write(target, v)?;
                v
            }
            ArithmeticExpr::BinaryAssignment(op, target, value) => {
                let v = apply(op, self.read(target)?, self.eval(value)?)?;
                self.write(target, v)?;
                v
            }
            ArithmeticExpr::UnaryAssignment(op, target) => {
                let old = self.read(target)?;
                let (new, result) = match op {
                    UnaryAssignmentOperator::PrefixIncrement => {
                        (old.wrapping_add(1), old.wrapping_add(1))
                    }
                    UnaryAssignmentOperator::PrefixDecrement => {
                        (old.wrapping_sub(1), old.wrapping_sub(1))
                    }
                    UnaryAssignmentOperator::PostfixIncrement => (old.wrapping_add(1), old),
                    UnaryAssignmentOperator::PostfixDecrement => (old.wrapping_sub(1), old),
                };
                self.write(target, new)?;
                result
            }
        })
    }

    fn read(&mut self, target: &ArithmeticTarget) -> Result<i64, String> {
        let text = match target {
            ArithmeticTarget::Variable(name) => self
                .state
                .get(name)
                .map(|v| v.scalar().to_string())
                .unwrap_or_default(),
            ArithmeticTarget::ArrayElement(name, index) => {
                let index = self.eval(index)?;
                match self.state.get(name) {
                    Some(Value::Array(items)) => usize::try_from(index)
                        .ok()
                        .and_then(|i| items.get(i).cloned())
                        .unwrap_or_default(),
                    Some(Value::Scalar(text)) if index == 0 => text.clone(),
                    _ => String::new(),
                }
            }
        };
        if let Some(n) = parse_number(text.trim()) {
            return Ok(n);
        }
        evaluate_at(&text, self.state, self.depth + 1)
    }

    fn write(&mut self, target: &ArithmeticTarget, value: i64) -> Result<(), String> {
        match target {
            ArithmeticTarget::Variable(name) => self.state.set_scalar(name, value.to_string()),
            ArithmeticTarget::ArrayElement(name, index) => {
                let index = usize::try_from(self.eval(index)?)
                    .map_err(|_| format!("{name}: bad array subscript"))?;
                let mut items = match self.state.get(name) {
                    Some(Value::Array(items)) => items.clone(),
                    Some(Value::Scalar(text)) => vec![text.clone()],
                    None => Vec::new(),
                };
                if items.len() <= index {
                    items.resize(index + 1, String::new());
                }
                items[index] = value.to_string();
                self.state.set(name, Value::Array(items));
            }
        }
        Ok(())
    }
}

/// A number as shell arithmetic reads it: decimal, `0x` hex, `0` octal, `BASE#digits`.
pub(crate) fn parse_number(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() {
        return None;
    }
    let value = if let Some(hex) = digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some((base, rest)) = digits.split_once('#') {
        i64::from_str_radix(rest, base.parse().ok().filter(|b| (2..=36).contains(b))?).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

fn apply(op: &BinaryOperator, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        BinaryOperator::Power => {
            if b < 0 {
                return Err("exponent less than 0".to_string());
            }
            a.wrapping_pow(u32::try_from(b).unwrap_or(u32::MAX))
        }
        BinaryOperator::Multiply => a.wrapping_mul(b),
        BinaryOperator::Divide | BinaryOperator::Modulo if b == 0 => {
            return Err("division by 0".to_string());
        }
        BinaryOperator::Divide => a.wrapping_div(b),
        BinaryOperator::Modulo => a.wrapping_rem(b),
        BinaryOperator::Comma => b,
        BinaryOperator::Add => a.wrapping_add(b),
        BinaryOperator::Subtract => a.wrapping_sub(b),
        BinaryOperator::ShiftLeft => a.wrapping_shl(b as u32),
        BinaryOperator::ShiftRight => a.wrapping_shr(b as u32),
        BinaryOperator::LessThan => i64::from(a < b),
        BinaryOperator::LessThanOrEqualTo => i64::from(a <= b),
        BinaryOperator::GreaterThan => i64::from(a > b),
        BinaryOperator::GreaterThanOrEqualTo => i64::from(a >= b),
        BinaryOperator::Equals => i64::from(a == b),
        BinaryOperator::NotEquals => i64::from(a != b),
        BinaryOperator::BitwiseAnd => a & b,
        BinaryOperator::BitwiseXor => a ^ b,
        BinaryOperator::BitwiseOr => a | b,
        BinaryOperator::LogicalAnd => i64::from(a != 0 && b != 0),
        BinaryOperator::LogicalOr => i64::from(a != 0 || b != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_and_assigns() {
        let mut state = ShellState::new(&[], "/");
        assert_eq!(evaluate("1 + 2 * 3", &mut state), Ok(7));
        assert_eq!(evaluate("x = 5, x += 2, x", &mut state), Ok(7));
        assert_eq!(evaluate("x++ + ++x", &mut state), Ok(16));
        assert_eq!(evaluate("0x10 + 010 + 2#11", &mut state), Ok(27));
        assert!(evaluate("1 / 0", &mut state).is_err());
    }

    #[test]
    fn self_reference_is_an_error_not_a_hang() {
        let mut state = ShellState::new(&[], "/");
        state.set_scalar("a", "b");
        state.set_scalar("b", "a");
        assert!(evaluate("a", &mut state).is_err());
    }
}
