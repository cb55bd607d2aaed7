//! `[[ … ]]`: bash's extended test, with patterns, `=~` regexes (setting `BASH_REMATCH`),
//! string and integer comparisons, and file tests answered from the zones.

use super::arith;
use super::exec::{Interp, Io, Status};
use super::state::{Array, ShellState, Value};
use crate::zones::normalize;
use brush_parser::ast::{BinaryPredicate, ExtendedTestExpr, UnaryPredicate};
use std::future::Future;
use std::pin::Pin;

type Evaluation<'f> = Pin<Box<dyn Future<Output = Result<bool, super::exec::Unwind>> + 'f>>;

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
        Err(unwind) => Err(unwind),
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
                        let pattern = interp.expand_string(state, io, &right.value).await?;
                        regex_match(state, &left, &pattern)
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

fn regex_match(state: &mut ShellState, text: &str, pattern: &str) -> bool {
    let Ok(regex) = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 22)
        .build()
    else {
        return false;
    };
    match regex.captures(text) {
        Some(captures) => {
            let groups = captures
                .iter()
                .map(|m| m.map_or(String::new(), |m| m.as_str().to_string()))
                .collect();
            state.set("BASH_REMATCH", Value::Array(Array::from_values(groups)));
            true
        }
        None => {
            state.set("BASH_REMATCH", Value::Array(Array::default()));
            false
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
    use cap_std::fs::PermissionsExt;
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
        UnaryPredicate::ShellOptionEnabled => match operand {
            "errexit" => state.options.errexit,
            "nounset" => state.options.nounset,
            "pipefail" => state.options.pipefail,
            "xtrace" => state.options.xtrace,
            "noglob" => state.options.noglob,
            _ => false,
        },
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
        }
        UnaryPredicate::FileExistsAndOwnedByEffectiveUserId
        | UnaryPredicate::FileExistsAndOwnedByEffectiveGroupId => metadata().is_some(),
        _ => false,
    }
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
            normalize(&state.cwd, left) == normalize(&state.cwd, right)
        }
        arithmetic => {
            let (a, b) = (number(state, left), number(state, right));
            match arithmetic {
                BinaryPredicate::ArithmeticEqualTo => a == b,
                BinaryPredicate::ArithmeticNotEqualTo => a != b,
                BinaryPredicate::ArithmeticLessThan => a < b,
                BinaryPredicate::ArithmeticLessThanOrEqualTo => a <= b,
                BinaryPredicate::ArithmeticGreaterThan => a > b,
                BinaryPredicate::ArithmeticGreaterThanOrEqualTo => a >= b,
                _ => false,
            }
        }
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
