//! Shell arithmetic (`$(( ))`, `(( ))`, `for ((…))`): 64-bit integers, wrapping as bash's do,
//! with variables read and assigned in the shell's state.

use super::state::{Key, ShellState, Value};
use brush_parser::ast::{
    ArithmeticExpr, ArithmeticTarget, BinaryOperator, UnaryAssignmentOperator, UnaryOperator,
};

/// How deep variable references may nest (`a=b; b=a; $((a))` would loop forever otherwise).
const MAX_REFERENCE_DEPTH: usize = 64;

/// Parses and evaluates an arithmetic expression (already parameter-expanded).
pub(crate) fn evaluate(text: &str, state: &mut ShellState) -> Result<i64, String> {
    evaluate_at(text, state, 0, &mut 0)
}

/// How deeply an expression may nest: brush-parser's arithmetic parser recurses once per
/// parenthesis, prefix operator in a row, `?:` and assignment, on the host's stack.
const MAX_NESTING: usize = 200;

/// How deeply array subscripts may nest in an expression (`a[b[c[1]]]`): brush-parser's
/// arithmetic parser takes about fifteen times longer for each level (six take seconds).
const MAX_SUBSCRIPT_NESTING: usize = 3;

/// The most operators one expression may hold (a chain of them is a chain of tree nodes).
const MAX_OPERATORS: usize = 10_000;

/// An upper bound of the parser's recursion for `text` (the deepest parentheses, the longest
/// run of prefix operators `- ! ~ +`, and every `?` and `=`), how many operator characters it
/// holds, and how deeply its subscripts nest.
fn nesting(text: &str) -> (usize, usize, usize) {
    let (mut parens, mut deepest, mut run, mut longest, mut right) = (0usize, 0, 0, 0, 0usize);
    let (mut brackets, mut subscripts) = (0usize, 0usize);
    let operators = text.bytes().filter(u8::is_ascii_punctuation).count();
    for byte in text.bytes() {
        match byte {
            b'[' => {
                brackets += 1;
                subscripts = subscripts.max(brackets);
            }
            b']' => brackets = brackets.saturating_sub(1),
            b'(' => {
                parens += 1;
                deepest = deepest.max(parens);
            }
            b')' => parens = parens.saturating_sub(1),
            b'?' | b'=' => right += 1,
            b'-' | b'+' | b'!' | b'~' => {
                run += 1;
                longest = longest.max(run);
            }
            b' ' | b'\t' | b'\n' => {}
            _ => run = 0,
        }
    }
    (
        deepest.saturating_add(longest).saturating_add(right),
        operators,
        subscripts,
    )
}

/// The start of a long expression, for messages.
fn short(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Evaluation steps between two looks at the line's wall clock and memory budget.
const STEPS_PER_CHECK: u64 = 256;

/// The end of the message of a variable `set -u` finds unset: the shell exits 127.
pub(crate) const UNBOUND: &str = ": unbound variable";

/// What an evaluation that a limit stopped returns; the caller sees the limit and reports it.
pub(crate) const STOPPED: &str = "stopped by a limit";

/// What bash refuses in an expression as written, before its expansions: a single quote
/// outside a subscript (`$(('1' + 2))`; `m['k']` is a key) and a `#` after a blank (no
/// comments in arithmetic; `16#ff` is a base).
pub(crate) fn unquoted_error(written: &str) -> Option<String> {
    // Substitutions have quoting of their own: such an expression is left to the evaluation.
    if written.contains("$(") || written.contains("${") || written.contains('`') {
        return None;
    }
    let mut depth = 0usize;
    let mut previous = ' ';
    for (at, c) in written.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '\'' if depth == 0 => {
                return Some(format!(
                    "{}: syntax error: operand expected (error token is \"{}\")",
                    written.trim(),
                    &written[at..]
                ));
            }
            '#' if previous.is_whitespace() => {
                return Some(format!(
                    "{}: syntax error: invalid arithmetic operator (error token is \"{}\")",
                    written.trim(),
                    &written[at..]
                ));
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// Evaluates an array subscript where the shell cannot be changed (an expansion's read): a
/// plain number directly, anything else on a copy of the state (its assignments are dropped).
pub(crate) fn evaluate_index(text: &str, state: &ShellState) -> Result<i64, String> {
    match parse_number(text.trim()) {
        Some(n) => Ok(n),
        None => evaluate(&with_parameters(text, state), &mut state.clone()),
    }
}

/// The element `name[subscript]` names: the subscript evaluated, a negative one counted from
/// one past the highest index set (`a[-1]` is the last); `Ok(None)` when it reaches before 0.
pub(crate) fn element_index(
    state: &ShellState,
    name: &str,
    subscript: &str,
) -> Result<Option<usize>, String> {
    let index = evaluate_index(subscript, state)?;
    Ok(counted_from_end(state, name, index))
}

/// [`element_index`] evaluated on the shell itself, its assignments kept (the keys of an
/// array literal: `a=([i++]=x [i++]=y)`).
pub(crate) fn element_index_in(
    state: &mut ShellState,
    name: &str,
    subscript: &str,
) -> Result<Option<usize>, String> {
    let index = match parse_number(subscript.trim()) {
        Some(n) => n,
        None => {
            let text = with_parameters(subscript, state).into_owned();
            evaluate(&text, state)?
        }
    };
    Ok(counted_from_end(state, name, index))
}

/// An index of `name`, a negative one counted from one past its highest index; `None` when it
/// reaches before 0.
fn counted_from_end(state: &ShellState, name: &str, index: i64) -> Option<usize> {
    if index >= 0 {
        return usize::try_from(index).ok();
    }
    let end = state.get(name).map_or(0, Value::to_end);
    usize::try_from(end as i64 + index).ok()
}

/// The element `name[subscript]` names: a key of an associative array (the subscript's text,
/// its parameters expanded and its quotes removed), else an index as [`element_index`] reads
/// it; `Ok(None)` when an index reaches before 0.
pub(crate) fn element_key(
    state: &ShellState,
    name: &str,
    subscript: &str,
) -> Result<Option<Key>, String> {
    if state.is_assoc(name) {
        return Ok(Some(Key::Name(assoc_key(subscript, state)?)));
    }
    Ok(element_index(state, name, subscript)?.map(Key::Index))
}

/// An associative array's key as a subscript's text gives it: `$name`, `${name}` and `$N`
/// expanded (outside single quotes), then quotes and backslashes removed (`m["a b"]`, `m[$k]`,
/// `m['x']`); a key past the memory budget's room is refused.
pub(crate) fn assoc_key(subscript: &str, state: &ShellState) -> Result<String, String> {
    let mut key = String::with_capacity(subscript.len());
    let mut chars = subscript.char_indices().peekable();
    let mut quote = None;
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                if let Some((_, next)) = chars.next() {
                    key.push(next);
                }
            }
            (None | Some('"'), '$') => {
                let rest = &subscript[at + 1..];
                let (name, used) = parameter_reference(rest);
                if name.is_empty() {
                    key.push('$');
                    continue;
                }
                let value = parameter_text(name, state);
                if state
                    .budget
                    .room(key.len().saturating_add(value.len()))
                    .is_err()
                {
                    return Err(STOPPED.to_string());
                }
                key.push_str(value);
                for _ in 0..rest[..used].chars().count() {
                    chars.next();
                }
            }
            (_, c) => key.push(c),
        }
    }
    Ok(key)
}

/// The parameter named after a `$` (`name`, `{name}`, `N`) and the bytes its reference takes;
/// an empty name when none is.
fn parameter_reference(after: &str) -> (&str, usize) {
    match after.strip_prefix('{') {
        Some(braced) => match braced.find('}') {
            Some(end)
                if braced[..end]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                (&braced[..end], end + 2)
            }
            _ => ("", 0),
        },
        None => {
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        }
    }
}

/// `$name`'s or `$N`'s text as a subscript reads it.
fn parameter_text<'s>(name: &str, state: &'s ShellState) -> &'s str {
    match name.parse::<usize>() {
        Ok(0) => &state.name,
        Ok(n) => state.positional.get(n - 1).map_or("", String::as_str),
        Err(_) => state.get(name).map_or("", |v| v.scalar()),
    }
}

/// The longest subscript [`with_parameters`] makes: a subscript is a number or a short
/// expression; past this the text stays unexpanded (and fails to evaluate).
const MAX_SUBSTITUTED: usize = 4096;

/// A subscript the word parser left unexpanded (`${a[$i]}`): `$name`, `${name}` and `$N` are
/// replaced by their values, as the expansion before evaluation would.
fn with_parameters<'t>(text: &'t str, state: &ShellState) -> std::borrow::Cow<'t, str> {
    if !text.contains('$') || text.len() > MAX_SUBSTITUTED {
        return std::borrow::Cow::Borrowed(text);
    }
    let value = |name: &str| parameter_text(name, state);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, used) = parameter_reference(after);
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        let value = value(name);
        if out.len() + value.len() > MAX_SUBSTITUTED {
            return std::borrow::Cow::Borrowed(text);
        }
        out.push_str(value);
        rest = &after[used..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn evaluate_at(
    text: &str,
    state: &mut ShellState,
    depth: usize,
    steps: &mut u64,
) -> Result<i64, String> {
    if depth > MAX_REFERENCE_DEPTH {
        return Err(format!("{text}: expression recursion level exceeded"));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(0);
    }
    let (nested, operators, subscripts) = nesting(trimmed);
    if subscripts > MAX_SUBSCRIPT_NESTING {
        return Err(format!(
            "{}: array subscripts nest deeper than {MAX_SUBSCRIPT_NESTING} levels",
            short(trimmed)
        ));
    }
    if nested > MAX_NESTING {
        return Err(format!(
            "{}: expression nests deeper than {MAX_NESTING} levels",
            short(trimmed)
        ));
    }
    if operators > MAX_OPERATORS {
        return Err(format!(
            "{}: expression has more than {MAX_OPERATORS} operators",
            short(trimmed)
        ));
    }
    // Parsing, evaluating and dropping the tree all recurse along a chain of operators: on a
    // stack that is known to hold them.
    stacker::maybe_grow(256 * 1024, 8 * 1024 * 1024, || {
        parse_and_evaluate(trimmed, state, depth, steps)
    })
}

fn parse_and_evaluate(
    trimmed: &str,
    state: &mut ShellState,
    depth: usize,
    steps: &mut u64,
) -> Result<i64, String> {
    let expr = crate::upstream::guarded(|| brush_parser::arithmetic::parse(trimmed))
        .and_then(Result::ok)
        .ok_or_else(|| format!("{trimmed}: syntax error in expression"))?;
    Evaluator {
        state,
        depth,
        steps,
    }
    .eval(&expr)
}

struct Evaluator<'a> {
    state: &'a mut ShellState,
    depth: usize,
    /// Nodes evaluated so far by this expression and the references it read.
    steps: &'a mut u64,
}

impl Evaluator<'_> {
    /// Evaluates a node: on a stack that grows for deep expressions (`- - - … 1`), looking at
    /// the line's limits every [`STEPS_PER_CHECK`] nodes (references can make the work
    /// exponential in the text: `f='f+f'`).
    fn eval(&mut self, expr: &ArithmeticExpr) -> Result<i64, String> {
        *self.steps += 1;
        if self.steps.is_multiple_of(STEPS_PER_CHECK) && self.state.budget.check().is_err() {
            return Err(STOPPED.to_string());
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_node(expr))
    }

    fn eval_node(&mut self, expr: &ArithmeticExpr) -> Result<i64, String> {
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

    fn is_assoc(&self, name: &str) -> bool {
        self.state.is_assoc(name)
    }

    /// An index of `name`, a negative one counted from one past its highest index.
    fn index_from_end(&self, name: &str, index: i64) -> Result<usize, String> {
        counted_from_end(self.state, name, index)
            .ok_or_else(|| format!("{name}: bad array subscript"))
    }

    fn read(&mut self, target: &ArithmeticTarget) -> Result<i64, String> {
        // `set -u`: an unset variable read by arithmetic ends the shell, as `$x` does.
        if self.state.options.nounset {
            let (ArithmeticTarget::Variable(name) | ArithmeticTarget::ArrayElement(name, _)) =
                target;
            let set = match target {
                ArithmeticTarget::Variable(_) => self.state.get(name).is_some(),
                ArithmeticTarget::ArrayElement(..) => {
                    self.state.get(name).is_some_and(|v| v.to_end() > 0)
                }
            };
            if !set {
                return Err(format!("{name}{UNBOUND}"));
            }
        }
        let text = match target {
            ArithmeticTarget::Variable(name) => self
                .state
                .get(name)
                .map(|v| v.scalar().to_string())
                .unwrap_or_default(),
            ArithmeticTarget::ArrayElement(name, key) if self.is_assoc(name) => self
                .state
                .get(name)
                .and_then(|v| v.at(&Key::Name(assoc_key(&key.to_string(), self.state).ok()?)))
                .unwrap_or_default()
                .to_string(),
            ArithmeticTarget::ArrayElement(name, index) => {
                let index = self.eval(index)?;
                // Before the first element reads as 0 (bash says so and goes on).
                let Ok(index) = self.index_from_end(name, index) else {
                    return Ok(0);
                };
                match self.state.get(name) {
                    Some(Value::Array(items)) => items.get(index).cloned().unwrap_or_default(),
                    Some(Value::Scalar(text)) if index == 0 => text.clone(),
                    _ => String::new(),
                }
            }
        };
        if let Some(n) = parse_number(text.trim()) {
            return Ok(n);
        }
        evaluate_at(&text, self.state, self.depth + 1, self.steps)
    }

    fn write(&mut self, target: &ArithmeticTarget, value: i64) -> Result<(), String> {
        match target {
            ArithmeticTarget::Variable(name) => self.state.set_scalar(name, value.to_string()),
            ArithmeticTarget::ArrayElement(name, key) if self.is_assoc(name) => {
                let key = Key::Name(assoc_key(&key.to_string(), self.state)?);
                self.state.set_element(name, key, value.to_string(), false);
            }
            ArithmeticTarget::ArrayElement(name, index) => {
                let index = self.eval(index)?;
                let index = self.index_from_end(name, index)?;
                self.state
                    .set_element(name, Key::Index(index), value.to_string(), false);
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
        let mut state = ShellState::new(&[], "/", crate::shell::interp::Budget::unlimited());
        assert_eq!(evaluate("1 + 2 * 3", &mut state), Ok(7));
        assert_eq!(evaluate("x = 5, x += 2, x", &mut state), Ok(7));
        assert_eq!(evaluate("x++ + ++x", &mut state), Ok(16));
        assert_eq!(evaluate("0x10 + 010 + 2#11", &mut state), Ok(27));
        assert!(evaluate("1 / 0", &mut state).is_err());
    }

    #[test]
    fn self_reference_is_an_error_not_a_hang() {
        let mut state = ShellState::new(&[], "/", crate::shell::interp::Budget::unlimited());
        state.set_scalar("a", "b");
        state.set_scalar("b", "a");
        assert!(evaluate("a", &mut state).is_err());
    }

    #[test]
    fn deep_expressions_are_refused_and_long_flat_ones_evaluate() {
        let mut state = ShellState::new(&[], "/", crate::shell::interp::Budget::unlimited());
        for deep in [
            "- ".repeat(20_000) + "1",
            "!".repeat(20_000) + "1",
            "1?".repeat(20_000) + "1" + &":1".repeat(20_000),
            "a=".repeat(20_000) + "1",
            "(".repeat(300) + "1" + &")".repeat(300),
        ] {
            let error = evaluate(&deep, &mut state).unwrap_err();
            assert!(error.contains("nests deeper"), "{error}");
        }
        let nested = format!("{}1{}", "a[".repeat(6), "]".repeat(6));
        let started = std::time::Instant::now();
        assert!(
            evaluate(&nested, &mut state)
                .unwrap_err()
                .contains("subscripts nest")
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(evaluate("a[a[a[0]]]", &mut state), Ok(0));
        let flat = vec!["1"; 9_000].join("+");
        assert_eq!(evaluate(&flat, &mut state), Ok(9_000));
        let long = vec!["1"; 100_000].join("+");
        assert!(
            evaluate(&long, &mut state)
                .unwrap_err()
                .contains("operators")
        );
        assert_eq!(evaluate("- - 1", &mut state), Ok(1));
    }

    #[test]
    fn exponential_references_stop_at_the_deadline() {
        let budget = crate::shell::interp::Budget::unlimited();
        let mut state = ShellState::new(&[], "/", budget.clone());
        state.set_scalar("f", "n>0 ? (n-=1, t=f+f, n+=1, t) : 1");
        state.set_scalar("n", "40");
        budget.start_line(std::time::Instant::now() + std::time::Duration::from_millis(200));
        let started = std::time::Instant::now();
        assert_eq!(evaluate("f", &mut state), Err(STOPPED.to_string()));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
