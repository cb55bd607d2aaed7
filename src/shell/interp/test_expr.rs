//! `[[ … ]]`: bash's extended test, with patterns, `=~` regexes (setting `BASH_REMATCH`),
//! string and integer comparisons, and file tests answered from the zones; and the `test`
//! and `[` builtins, whose words are already expanded and whose integers are plain numbers.

use super::arith;
use super::exec::{Interp, Io, Status, Unwind};
use super::state::{Array, ShellState, Value};
use crate::zones::normalize;
use brush_parser::ast::{BinaryPredicate, ExtendedTestExpr, TestExpr, UnaryPredicate};
use std::future::Future;
use std::pin::Pin;

type Evaluation<'f> = Pin<Box<dyn Future<Output = Result<bool, Failed>> + 'f>>;

/// Why a test gave no answer: an unwinding, or an expression that is an error (status 2).
enum Failed {
    Unwind(Unwind),
    Invalid,
}

impl From<Unwind> for Failed {
    fn from(unwind: Unwind) -> Failed {
        Failed::Unwind(unwind)
    }
}

/// Runs `[[ expr ]]`: 0 when true, 1 when false, 2 for a bad expression.
pub(crate) async fn extended(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    expr: &ExtendedTestExpr,
) -> Status {
    match evaluate(interp, state, io, expr).await {
        Ok(true) => Ok(0),
        Ok(false) => Ok(1),
        Err(Failed::Invalid) => Ok(2),
        Err(Failed::Unwind(unwind)) => Err(unwind),
    }
}

fn evaluate<'f>(
    interp: &'f Interp<'_>,
    state: &'f mut ShellState,
    io: &'f Io,
    expr: &'f ExtendedTestExpr,
) -> Evaluation<'f> {
    Box::pin(async move {
        Ok(match expr {
            ExtendedTestExpr::And(a, b) => {
                evaluate(interp, state, io, a).await? && evaluate(interp, state, io, b).await?
            }
            ExtendedTestExpr::Or(a, b) => {
                evaluate(interp, state, io, a).await? || evaluate(interp, state, io, b).await?
            }
            ExtendedTestExpr::Not(inner) => !evaluate(interp, state, io, inner).await?,
            ExtendedTestExpr::Parenthesized(inner) => evaluate(interp, state, io, inner).await?,
            ExtendedTestExpr::UnaryTest(predicate, word) => {
                let operand = interp.expand_string(state, io, &word.value).await?;
                unary(interp, state, predicate, &operand)
            }
            ExtendedTestExpr::BinaryTest(predicate, left, right) => {
                let left = interp.expand_string(state, io, &left.value).await?;
                match predicate {
                    BinaryPredicate::StringExactlyMatchesPattern
                    | BinaryPredicate::StringDoesNotExactlyMatchPattern => {
                        let pattern = interp.expand_pattern(state, io, &right.value).await?;
                        let matched = super::pattern::matches(&left, &pattern);
                        matched == matches!(predicate, BinaryPredicate::StringExactlyMatchesPattern)
                    }
                    BinaryPredicate::StringMatchesRegex => {
                        let pattern = interp.expand_regex(state, io, &right.value).await?;
                        // A regex that does not compile: status 2, as bash's.
                        regex_match(state, &left, &pattern).ok_or(Failed::Invalid)?
                    }
                    _ => {
                        let right = interp.expand_string(state, io, &right.value).await?;
                        binary(interp, state, predicate, &left, &right)
                    }
                }
            }
        })
    })
}

fn regex_match(state: &mut ShellState, text: &str, pattern: &str) -> Option<bool> {
    let regex = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 22)
        .build()
        .ok()?;
    match regex.captures(text) {
        Some(captures) => {
            let groups = captures
                .iter()
                .map(|m| m.map_or(String::new(), |m| m.as_str().to_string()))
                .collect();
            state.set("BASH_REMATCH", Value::Array(Array::from_values(groups)));
            Some(true)
        }
        None => {
            state.set("BASH_REMATCH", Value::Array(Array::default()));
            Some(false)
        }
    }
}

/// A file test on a guest path, answered from the zones.
pub(crate) fn unary(
    interp: &Interp<'_>,
    state: &ShellState,
    predicate: &UnaryPredicate,
    operand: &str,
) -> bool {
    use cap_std::fs::{FileTypeExt, PermissionsExt};
    let guest = normalize(&state.cwd, operand);
    let follow = !matches!(predicate, UnaryPredicate::FileExistsAndIsSymlink);
    let metadata = || {
        if operand.is_empty() {
            None
        } else {
            interp.zones.metadata(&guest, follow).ok()
        }
    };
    match predicate {
        UnaryPredicate::StringHasZeroLength => operand.is_empty(),
        UnaryPredicate::StringHasNonZeroLength => !operand.is_empty(),
        UnaryPredicate::ShellVariableIsSetAndAssigned => variable_is_set(state, operand),
        UnaryPredicate::ShellOptionEnabled => state
            .options
            .get(super::options::Family::Set, operand)
            .unwrap_or(false),
        UnaryPredicate::FileExists | UnaryPredicate::FileExistsAndIsReadable => {
            metadata().is_some()
        }
        UnaryPredicate::FileExistsAndIsDir => metadata().is_some_and(|m| m.is_dir()),
        UnaryPredicate::FileExistsAndIsRegularFile => metadata().is_some_and(|m| m.is_file()),
        UnaryPredicate::FileExistsAndIsSymlink => metadata().is_some_and(|m| m.is_symlink()),
        UnaryPredicate::FileExistsAndIsNotZeroLength => metadata().is_some_and(|m| m.len() > 0),
        UnaryPredicate::FileExistsAndIsWritable => {
            metadata().is_some() && interp.zones.writable(&guest)
        }
        UnaryPredicate::FileExistsAndIsExecutable => {
            metadata().is_some_and(|m| m.is_dir() || m.permissions().mode() & 0o111 != 0)
                || is_tool_path(&guest)
        }
        UnaryPredicate::FileExistsAndOwnedByEffectiveUserId
        | UnaryPredicate::FileExistsAndOwnedByEffectiveGroupId => metadata().is_some(),
        UnaryPredicate::FileExistsAndHasStickyBit => {
            metadata().is_some_and(|m| m.permissions().mode() & 0o1000 != 0)
        }
        UnaryPredicate::FileExistsAndIsSetgid => {
            metadata().is_some_and(|m| m.permissions().mode() & 0o2000 != 0)
        }
        UnaryPredicate::FileExistsAndIsSetuid => {
            metadata().is_some_and(|m| m.permissions().mode() & 0o4000 != 0)
        }
        UnaryPredicate::FileExistsAndIsFifo => metadata().is_some_and(|m| m.file_type().is_fifo()),
        UnaryPredicate::FileExistsAndIsSocket => {
            metadata().is_some_and(|m| m.file_type().is_socket())
        }
        UnaryPredicate::FileExistsAndIsCharSpecialFile => {
            metadata().is_some_and(|m| m.file_type().is_char_device())
        }
        UnaryPredicate::FileExistsAndIsBlockSpecialFile => {
            metadata().is_some_and(|m| m.file_type().is_block_device())
        }
        _ => false,
    }
}

/// `/bin/NAME` and `/usr/bin/NAME` of a toolset command: where `which` and `command -v`
/// say the toolset's commands are, so `[ -x /bin/ls ]` holds.
fn is_tool_path(guest: &str) -> bool {
    guest
        .strip_prefix("/bin/")
        .or_else(|| guest.strip_prefix("/usr/bin/"))
        .is_some_and(crate::shell::commands::is_tool)
}

/// The most words `test` evaluates, and the most `!` and `(` among them: the expression is
/// parsed by recursion, which must stay shallow on the host's stack.
const MAX_TEST_WORDS: usize = 512;
const MAX_TEST_NESTING: usize = 64;

/// `test EXPR` and `[ EXPR ]`: 0 when true, 1 when false, 2 for a bad expression.
pub(crate) fn test(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    name: &str,
    args: &[String],
) -> i32 {
    let words = if name == "[" {
        match args.split_last() {
            Some((last, words)) if last == "]" => words,
            _ => {
                io.report("sh: [: missing `]'\n");
                return 2;
            }
        }
    } else {
        args
    };
    let nesting = words
        .iter()
        .filter(|w| matches!(w.as_str(), "!" | "("))
        .count();
    if words.len() > MAX_TEST_WORDS || nesting > MAX_TEST_NESTING {
        io.report(&format!(
            "sh: {name}: expression too long (zonebox evaluates at most {MAX_TEST_WORDS} words, {MAX_TEST_NESTING} of them `!` or `(`)\n"
        ));
        return 2;
    }
    let parsed = crate::upstream::guarded(|| brush_parser::test_command::parse(words));
    let Some(Ok(expr)) = parsed else {
        io.report(&format!("sh: {name}: syntax error in expression\n"));
        return 2;
    };
    match evaluate_test(interp, state, &expr) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(message) => {
            io.report(&format!("sh: {name}: {message}\n"));
            2
        }
    }
}

fn evaluate_test(
    interp: &Interp<'_>,
    state: &mut ShellState,
    expr: &TestExpr,
) -> Result<bool, String> {
    Ok(match expr {
        TestExpr::False => false,
        TestExpr::Literal(text) => !text.is_empty(),
        TestExpr::And(a, b) => evaluate_test(interp, state, a)? && evaluate_test(interp, state, b)?,
        TestExpr::Or(a, b) => evaluate_test(interp, state, a)? || evaluate_test(interp, state, b)?,
        TestExpr::Not(inner) => !evaluate_test(interp, state, inner)?,
        TestExpr::Parenthesized(inner) => evaluate_test(interp, state, inner)?,
        TestExpr::UnaryTest(predicate, operand) => unary(interp, state, predicate, operand),
        TestExpr::BinaryTest(predicate, left, right) => match predicate {
            // `test`'s `=` and `==` compare strings, never patterns.
            BinaryPredicate::StringExactlyMatchesPattern => left == right,
            BinaryPredicate::StringDoesNotExactlyMatchPattern => left != right,
            BinaryPredicate::ArithmeticEqualTo
            | BinaryPredicate::ArithmeticNotEqualTo
            | BinaryPredicate::ArithmeticLessThan
            | BinaryPredicate::ArithmeticLessThanOrEqualTo
            | BinaryPredicate::ArithmeticGreaterThan
            | BinaryPredicate::ArithmeticGreaterThanOrEqualTo => {
                compare(predicate, integer(left)?, integer(right)?)
            }
            other => binary(interp, state, other, left, right),
        },
    })
}

/// An integer operand of `test`: decimal, blanks around it allowed.
fn integer(text: &str) -> Result<i64, String> {
    let trimmed = text.trim_matches([' ', '\t', '\n']);
    let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text}: integer expression expected"));
    }
    trimmed
        .parse()
        .map_err(|_| format!("{text}: integer expression out of range"))
}

fn binary(
    interp: &Interp<'_>,
    state: &mut ShellState,
    predicate: &BinaryPredicate,
    left: &str,
    right: &str,
) -> bool {
    let number = |state: &mut ShellState, text: &str| arith::evaluate(text, state).unwrap_or(0);
    let modified = |path: &str| {
        interp
            .zones
            .metadata(&normalize(&state.cwd, path), true)
            .ok()
            .and_then(|m| m.modified().ok())
    };
    match predicate {
        BinaryPredicate::StringExactlyMatchesString => left == right,
        BinaryPredicate::StringDoesNotExactlyMatchString => left != right,
        BinaryPredicate::StringContainsSubstring => left.contains(right),
        BinaryPredicate::LeftSortsBeforeRight => left < right,
        BinaryPredicate::LeftSortsAfterRight => left > right,
        BinaryPredicate::LeftFileIsNewerOrExistsWhenRightDoesNot => {
            match (modified(left), modified(right)) {
                (Some(a), Some(b)) => a > b,
                (Some(_), None) => true,
                _ => false,
            }
        }
        BinaryPredicate::LeftFileIsOlderOrDoesNotExistWhenRightDoes => {
            match (modified(left), modified(right)) {
                (Some(a), Some(b)) => a < b,
                (None, Some(_)) => true,
                _ => false,
            }
        }
        BinaryPredicate::FilesReferToSameDeviceAndInodeNumbers => {
            use cap_std::fs::MetadataExt;
            let identity = |path: &str| {
                interp
                    .zones
                    .metadata(&normalize(&state.cwd, path), true)
                    .ok()
                    .map(|m| (m.dev(), m.ino()))
            };
            matches!((identity(left), identity(right)), (Some(a), Some(b)) if a == b)
        }
        arithmetic => {
            let (a, b) = (number(state, left), number(state, right));
            compare(arithmetic, a, b)
        }
    }
}

/// An integer comparison (`-eq`, `-ne`, `-lt`, `-le`, `-gt`, `-ge`).
fn compare(predicate: &BinaryPredicate, a: i64, b: i64) -> bool {
    match predicate {
        BinaryPredicate::ArithmeticEqualTo => a == b,
        BinaryPredicate::ArithmeticNotEqualTo => a != b,
        BinaryPredicate::ArithmeticLessThan => a < b,
        BinaryPredicate::ArithmeticLessThanOrEqualTo => a <= b,
        BinaryPredicate::ArithmeticGreaterThan => a > b,
        BinaryPredicate::ArithmeticGreaterThanOrEqualTo => a >= b,
        _ => false,
    }
}

/// `-v NAME` or `-v NAME[INDEX]`: whether the variable (or that element) is set.
fn variable_is_set(state: &ShellState, operand: &str) -> bool {
    let Some((name, index)) = super::state::element_name(operand) else {
        return state.get(operand).is_some();
    };
    let Some(value) = state.get(name) else {
        return false;
    };
    if index == "@" || index == "*" {
        return value.to_end() > 0;
    }
    match super::arith::element_key(state, name, index) {
        Ok(Some(key)) => value.at(&key).is_some(),
        _ => false,
    }
}
