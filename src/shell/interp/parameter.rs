//! Parameter expansion: `$name`, `${name}`, the special parameters, `"$@"` and arrays, and every
//! operator (`:-`, `:=`, `:?`, `:+`, `#`, `%`, `/`, `:offset:length`, `^`, `,`, `!`, `@Q`),
//! each result's bytes charged to the shell memory budget before it is made.

use super::arith;
use super::budget::{Budget, Stop};
use super::exec::{Interp, Io, Unwind};
use super::expand::{Piece, concatenates, is_all, result_chunk};
use super::pattern;
use super::state::{Key, ShellState, Value};
use brush_parser::word::{
    Parameter, ParameterExpr, ParameterTestType, SpecialParameter, SubstringMatchKind,
};

impl Interp<'_> {
    /// A parameter that must be set and is not (`${x:?}`, `set -u`): bash exits 127 (a
    /// subshell 1).
    fn fail_parameter(&self, state: &ShellState, io: &Io, message: &str) -> Unwind {
        if let Err(unwind) = self.check_limits() {
            return unwind;
        }
        io.report(&format!("sh: {message}\n"));
        // bash ends with 127, but with 1 in a subshell or under `set -e`.
        Unwind::Exit(if state.subshell || state.options.errexit {
            1
        } else {
            127
        })
    }

    /// `set -u`: reading an unset parameter (other than `$@`, `${a[@]}`) ends the shell.
    fn bound(
        &self,
        state: &ShellState,
        io: &Io,
        parameter: &Parameter,
        found: Option<Vec<String>>,
    ) -> Result<Option<Vec<String>>, Unwind> {
        if found.is_none() && state.options.nounset && !is_all(parameter) {
            return Err(self.fail_parameter(
                state,
                io,
                &format!("{}: unbound variable", parameter_name(parameter)),
            ));
        }
        Ok(found)
    }

    /// The word of `${x:-word}` or `${x:+word}`: unquoted, its text is split on IFS like any
    /// expansion's result (`${u:-a b c}` is three words), its quoted parts are not.
    async fn expand_word_of_operator(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
        quoted: bool,
    ) -> Result<Vec<Piece>, Unwind> {
        let within_quotes;
        let text = match quoted {
            true => {
                within_quotes = as_in_double_quotes(text);
                within_quotes.as_deref().unwrap_or(text)
            }
            false => text,
        };
        let mut pieces = self.expand_text(state, io, text, quoted).await?;
        if !quoted {
            for piece in &mut pieces {
                if let Piece::Chunk(chunk) = piece
                    && !chunk.quoted
                {
                    chunk.splittable = true;
                }
            }
        }
        Ok(pieces)
    }

    pub(super) async fn expand_parameter(
        &self,
        state: &mut ShellState,
        io: &Io,
        expr: &ParameterExpr,
        quoted: bool,
    ) -> Result<Vec<Piece>, Unwind> {
        // Subscripts evaluated once, and `${!ref}` replaced by the parameter `ref` names.
        let by_reference = super::subscript::target(expr)
            .is_some_and(|(p, indirect)| indirect && reference_name(state, p).is_none());
        let resolved = self.resolved_expression(state, io, expr).await?;
        let expr = resolved.as_ref().unwrap_or(expr);
        // Every read copies the values: their bytes are taken from the budget's room first.
        let values = |state: &ShellState, p: &Parameter, indirect: bool| {
            if self.budget.room(parameter_cost(state, p)).is_err() {
                return None;
            }
            if !indirect {
                return parameter_values(state, p);
            }
            // `${!ref}` of a reference (`declare -n`) is the name it stands for (any other
            // `${!ref}` was replaced by what it names).
            reference_name(state, p).map(|name| vec![name])
        };
        // `$@` and `${a[@]}` with no values are unset; with values, null when they join (by
        // spaces, or `$*` by IFS's first character) to nothing.
        let is_null = |state: &ShellState,
                       v: &Option<Vec<String>>,
                       test: &ParameterTestType,
                       p: &Parameter| match v {
            None => true,
            Some(items) if is_all(p) && items.is_empty() => true,
            // `${!ref:-x}` with `ref='a[@]'`: bash tests only that `a` has elements.
            Some(_) if is_all(p) && by_reference => false,
            Some(items) if is_all(p) => {
                // `"${a[*]}"` joins by IFS's first character; unquoted, bash tests the
                // values joined by spaces.
                let separator: String = if concatenates(p) && quoted {
                    state.ifs().chars().take(1).collect()
                } else {
                    " ".to_string()
                };
                matches!(test, ParameterTestType::UnsetOrNull) && items.join(&separator).is_empty()
            }
            Some(items) => {
                matches!(test, ParameterTestType::UnsetOrNull) && items.iter().all(String::is_empty)
            }
        };
        let result: Option<Vec<String>> = match expr {
            ParameterExpr::Parameter {
                parameter,
                indirect,
            } => self.bound(state, io, parameter, values(state, parameter, *indirect))?,
            // The four operators that test the parameter first (`:-`, `:=`, `:?`, `:+`).
            ParameterExpr::UseDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value: text,
            }
            | ParameterExpr::AssignDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value: text,
            }
            | ParameterExpr::IndicateErrorIfNullOrUnset {
                parameter,
                indirect,
                test_type,
                error_message: text,
            }
            | ParameterExpr::UseAlternativeValue {
                parameter,
                indirect,
                test_type,
                alternative_value: text,
            } => {
                let found = values(state, parameter, *indirect);
                let null = is_null(state, &found, test_type, parameter);
                let text = text.as_deref();
                match expr {
                    ParameterExpr::UseDefaultValues { .. } if null => {
                        return self
                            .expand_word_of_operator(state, io, text.unwrap_or_default(), quoted)
                            .await;
                    }
                    ParameterExpr::AssignDefaultValues { .. } if null => {
                        let value = self
                            .expand_string(state, io, text.unwrap_or_default())
                            .await?;
                        if let Parameter::NamedWithIndex { name, index } = parameter
                            && !*indirect
                        {
                            // `${a[i]=v}`, `${m[k]=v}`: the element is assigned.
                            if let Ok(Some(key)) = arith::element_key(state, name, index) {
                                state.set_element(name, key, value.clone(), false);
                            }
                            return Ok(vec![result_chunk(value, quoted)]);
                        }
                        let Parameter::Named(name) = parameter else {
                            return Err(self.fail_expansion(
                                io,
                                &format!(
                                    "{}: cannot assign in this way",
                                    parameter_name(parameter)
                                ),
                            ));
                        };
                        // `${!ref:=v}` assigns to the variable `ref` names.
                        let target = if *indirect {
                            state.get(name).map(|v| v.scalar().to_string())
                        } else {
                            Some(name.clone())
                        };
                        match target {
                            Some(target) if super::state::is_name(&target) => {
                                state.set_scalar(&target, value.clone())
                            }
                            _ => {
                                return Err(self.fail_expansion(
                                    io,
                                    &format!("{name}: cannot assign in this way"),
                                ));
                            }
                        }
                        Some(vec![value])
                    }
                    ParameterExpr::IndicateErrorIfNullOrUnset { .. } if null => {
                        let message = match text {
                            Some(text) => self.expand_string(state, io, text).await?,
                            None => "parameter null or not set".to_string(),
                        };
                        return Err(self.fail_parameter(
                            state,
                            io,
                            &format!("{}: {message}", parameter_name(parameter)),
                        ));
                    }
                    ParameterExpr::UseAlternativeValue { .. } if null => Some(vec![]),
                    ParameterExpr::UseAlternativeValue { .. } => {
                        return self
                            .expand_word_of_operator(state, io, text.unwrap_or_default(), quoted)
                            .await;
                    }
                    _ => found,
                }
            }
            ParameterExpr::ParameterLength {
                parameter,
                indirect,
            } => {
                let found =
                    self.bound(state, io, parameter, values(state, parameter, *indirect))?;
                let found = found.unwrap_or_default();
                let length = if is_all(parameter) {
                    found.len()
                } else {
                    found.first().map_or(0, |v| v.chars().count())
                };
                Some(vec![length.to_string()])
            }
            ParameterExpr::RemoveSmallestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveLargestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveSmallestPrefixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveLargestPrefixPattern {
                parameter,
                indirect,
                pattern,
            } => {
                let found = values(state, parameter, *indirect);
                let pattern_text = self
                    .expand_pattern(state, io, pattern.as_deref().unwrap_or(""))
                    .await?;
                let (suffix, largest) = match expr {
                    ParameterExpr::RemoveSmallestSuffixPattern { .. } => (true, false),
                    ParameterExpr::RemoveLargestSuffixPattern { .. } => (true, true),
                    ParameterExpr::RemoveSmallestPrefixPattern { .. } => (false, false),
                    _ => (false, true),
                };
                found
                    .map(|items| {
                        items
                            .iter()
                            .map(|v| {
                                pattern::remove_affix(
                                    v,
                                    &pattern_text,
                                    suffix,
                                    largest,
                                    &self.budget,
                                )
                            })
                            .collect::<Result<Vec<String>, Stop>>()
                    })
                    .transpose()
                    .map_err(|stop| self.stopped_by(stop))?
            }
            ParameterExpr::Substring {
                parameter,
                indirect,
                offset,
                length,
            } => {
                let found = self
                    .bound(state, io, parameter, values(state, parameter, *indirect))?
                    .unwrap_or_default();
                let offset_text = self.expand_string(state, io, &offset.value).await?;
                let offset = arith::evaluate(&offset_text, state)
                    .map_err(|e| self.fail_expansion(io, &e))?;
                let length = match length {
                    Some(expr) => {
                        let text = self.expand_string(state, io, &expr.value).await?;
                        Some(
                            arith::evaluate(&text, state)
                                .map_err(|e| self.fail_expansion(io, &e))?,
                        )
                    }
                    None => None,
                };
                if is_all(parameter) {
                    if let Some(length) = length.filter(|l| *l < 0) {
                        return Err(
                            self.fail_expansion(io, &format!("{length}: substring expression < 0"))
                        );
                    }
                    // Offsets count indices, not positions: `${@:n}` counts `$0` as 0 (so
                    // `${@:1}` is "$@"), and a sparse array's gaps count.
                    let indexed: Vec<(usize, String)> = match parameter {
                        Parameter::Special(SpecialParameter::AllPositionalParameters {
                            ..
                        }) => std::iter::once(state.name.clone())
                            .chain(found)
                            .enumerate()
                            .collect(),
                        Parameter::NamedWithAllIndices { name, .. } => match state.get(name) {
                            Some(Value::Array(items)) => items
                                .indexed()
                                .map(|(index, value)| (index, value.clone()))
                                .collect(),
                            _ => found.into_iter().enumerate().collect(),
                        },
                        _ => found.into_iter().enumerate().collect(),
                    };
                    Some(slice(indexed, offset, length))
                } else {
                    let text = found.first().map_or("", String::as_str);
                    Some(vec![substring(text, offset, length)])
                }
            }
            ParameterExpr::ReplaceSubstring {
                parameter,
                indirect,
                pattern,
                replacement,
                match_kind,
            } => {
                let found =
                    self.bound(state, io, parameter, values(state, parameter, *indirect))?;
                // `${x////c}` and `${x///}`: bash reads the `/` after `//` as the pattern,
                // which brush-parser leaves in the replacement.
                let (pattern, replacement) = match (pattern.as_str(), replacement.as_deref()) {
                    ("", Some(rest)) if rest.starts_with('/') => ("/", Some(&rest[1..])),
                    ("", Some("")) => ("/", None),
                    (pattern, replacement) => (pattern, replacement),
                };
                let pattern_text = self.expand_pattern(state, io, pattern).await?;
                let replacement = match replacement {
                    Some(text) => self.expand_string(state, io, text).await?,
                    None => String::new(),
                };
                found
                    .map(|items| {
                        items
                            .iter()
                            .map(|v| {
                                replace(v, &pattern_text, &replacement, match_kind, &self.budget)
                            })
                            .collect::<Result<Vec<String>, Stop>>()
                    })
                    .transpose()
                    .map_err(|stop| self.stopped_by(stop))?
            }
            ParameterExpr::UppercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::UppercasePattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::LowercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::LowercasePattern {
                parameter,
                indirect,
                ..
            } => {
                let found = values(state, parameter, *indirect);
                // Case mapping can triple a text's bytes.
                let bytes: usize = found.iter().flatten().map(String::len).sum();
                self.room(bytes.saturating_mul(3))?;
                // `${x,,A}`: only the characters the pattern matches change.
                let pattern = match expr {
                    ParameterExpr::UppercaseFirstChar { pattern, .. }
                    | ParameterExpr::UppercasePattern { pattern, .. }
                    | ParameterExpr::LowercaseFirstChar { pattern, .. }
                    | ParameterExpr::LowercasePattern { pattern, .. } => pattern.as_deref(),
                    _ => None,
                };
                let pattern = match pattern.filter(|p| !p.is_empty()) {
                    Some(text) => Some(self.expand_pattern(state, io, text).await?),
                    None => None,
                };
                found.map(|items| {
                    items
                        .iter()
                        .map(|v| change_case(v, expr, pattern.as_deref()))
                        .collect()
                })
            }
            ParameterExpr::MemberKeys { variable_name, .. } => Some(
                state
                    .get(variable_name)
                    .map(Value::keys)
                    .unwrap_or_default(),
            ),
            ParameterExpr::VariableNames { prefix, .. } => {
                let mut names: Vec<String> = state
                    .vars
                    .keys()
                    .filter(|name| name.starts_with(prefix.as_str()))
                    .cloned()
                    .collect();
                names.sort();
                Some(names)
            }
            ParameterExpr::Transform {
                parameter,
                indirect,
                op,
            } => {
                let found =
                    self.bound(state, io, parameter, values(state, parameter, *indirect))?;
                // Quoting can quadruple a text's bytes (`$'\001'`).
                let bytes: usize = found.iter().flatten().map(String::len).sum();
                self.room(bytes.saturating_mul(4).saturating_add(64))?;
                super::transform::transform(state, parameter, found, op)
            }
        };
        let items = result.unwrap_or_default();
        // `$*` and `${a[*]}` unquoted with an empty IFS are not joined: their values stay
        // fields, as `$@`'s do.
        let unjoined = |parameter: &Parameter| {
            is_all(parameter) && (!concatenates(parameter) || (!quoted && state.ifs().is_empty()))
        };
        let keeps_fields = matches!(
            expr,
            ParameterExpr::Parameter { parameter, indirect: false } if unjoined(parameter)
        ) || matches!(expr, ParameterExpr::UseDefaultValues { parameter, .. }
            | ParameterExpr::AssignDefaultValues { parameter, .. }
            | ParameterExpr::IndicateErrorIfNullOrUnset { parameter, .. }
            | ParameterExpr::UseAlternativeValue { parameter, .. }
            if unjoined(parameter))
            || matches!(expr, ParameterExpr::RemoveSmallestSuffixPattern { parameter, .. }
            | ParameterExpr::RemoveLargestSuffixPattern { parameter, .. }
            | ParameterExpr::RemoveSmallestPrefixPattern { parameter, .. }
            | ParameterExpr::RemoveLargestPrefixPattern { parameter, .. }
            | ParameterExpr::ReplaceSubstring { parameter, .. }
            | ParameterExpr::Substring { parameter, .. }
            | ParameterExpr::Transform { parameter, .. }
            if unjoined(parameter))
            || matches!(
                expr,
                ParameterExpr::MemberKeys {
                    concatenate: false,
                    ..
                } | ParameterExpr::VariableNames {
                    concatenate: false,
                    ..
                }
            );
        if keeps_fields {
            let mut pieces = Vec::new();
            // No values: no field (unlike an empty value).
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    pieces.push(Piece::FieldBreak);
                }
                pieces.push(result_chunk(item, quoted));
            }
            return Ok(pieces);
        }
        let separator = match state.ifs().chars().next() {
            Some(first) => first.to_string(),
            // bash joins `${!a[*]}` with a space even then.
            None if matches!(expr, ParameterExpr::MemberKeys { .. }) => " ".to_string(),
            None => String::new(),
        };
        Ok(vec![result_chunk(items.join(&separator), quoted)])
    }
}

/// The word of an operator inside double quotes (`"${u:-'$v'}"`, `"${u-\}}"`) read as bash
/// reads it there: single quotes are plain characters (what they hold still expands) and
/// `\}` is `}`. `None` when nothing changes, or when the word holds double quotes or
/// substitutions, whose own quoting is left alone.
fn as_in_double_quotes(text: &str) -> Option<String> {
    if !text.contains(['\'', '\\'])
        || text.contains('"')
        || text.contains("$(")
        || text.contains("${")
        || text.contains('`')
    {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push_str("\"'\""),
            '\\' => match chars.next() {
                Some('}') => out.push('}'),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// The name a reference (`declare -n ref=var`) holds, when `parameter` is one.
pub(super) fn reference_name(state: &ShellState, parameter: &Parameter) -> Option<String> {
    let Parameter::Named(name) = parameter else {
        return None;
    };
    let variable = state.own_variable(name)?;
    (variable.attributes.nameref && !variable.attributes.unset)
        .then(|| variable.value.scalar().to_string())
}

pub(super) fn parameter_name(parameter: &Parameter) -> String {
    parameter
        .to_string()
        .trim_start_matches('$')
        .trim_matches(['{', '}'])
        .to_string()
}

/// Bytes reading a parameter's values copies (at most: `${a[1]}` is counted as all of `a`).
fn parameter_cost(state: &ShellState, parameter: &Parameter) -> usize {
    match parameter {
        Parameter::Positional(n) => state
            .positional
            .get((*n as usize).wrapping_sub(1))
            .map_or(0, |v| super::budget::string_cost(v)),
        Parameter::Special(SpecialParameter::AllPositionalParameters { .. }) => state
            .positional
            .iter()
            .map(|v| super::budget::string_cost(v))
            .sum(),
        Parameter::Named(name)
        | Parameter::NamedWithIndex { name, .. }
        | Parameter::NamedWithAllIndices { name, .. } => state.get(name).map_or(0, Value::cost),
        Parameter::Special(_) => 64,
    }
}

/// A parameter's values: `None` when unset.
pub(super) fn parameter_values(state: &ShellState, parameter: &Parameter) -> Option<Vec<String>> {
    let one = |text: String| Some(vec![text]);
    match parameter {
        Parameter::Positional(0) => one(state.name.clone()),
        Parameter::Positional(n) => state
            .positional
            .get(*n as usize - 1)
            .cloned()
            .map(|v| vec![v]),
        Parameter::Special(special) => match special {
            SpecialParameter::AllPositionalParameters { .. } => Some(state.positional.clone()),
            SpecialParameter::PositionalParameterCount => one(state.positional.len().to_string()),
            SpecialParameter::LastExitStatus => one(state.last_status.to_string()),
            SpecialParameter::CurrentOptionFlags => {
                // In bash's order; `h` and `B` are always on, `c`: commands from `-c`.
                let o = state.options;
                let verbose = o.get(super::options::Family::Set, "verbose") == Some(true);
                let flags: String = [
                    (o.allexport, 'a'),
                    (o.errexit, 'e'),
                    (o.noglob, 'f'),
                    (true, 'h'),
                    (o.nounset, 'u'),
                    (verbose, 'v'),
                    (o.xtrace, 'x'),
                    (true, 'B'),
                    (o.noclobber, 'C'),
                    (true, 'c'),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, c)| *c)
                .collect();
                one(flags)
            }
            SpecialParameter::ProcessId => one(super::exec::SHELL_PID.to_string()),
            SpecialParameter::LastBackgroundProcessId => {
                state.get("!").map(|v| vec![v.scalar().to_string()])
            }
            SpecialParameter::ShellName => one(state.name.clone()),
        },
        Parameter::Named(name) => match name.as_str() {
            "RANDOM" => one((rand_u15()).to_string()),
            // An array without element 0 reads as unset.
            _ => state
                .get(name)
                .and_then(|v| v.at(&Key::Index(0)))
                .map(|v| vec![v.to_string()]),
        },
        Parameter::NamedWithIndex { name, index } => {
            let key = arith::element_key(state, name, index).ok()??;
            one(state.get(name)?.at(&key)?.to_string())
        }
        Parameter::NamedWithAllIndices { name, .. } => {
            Some(state.get(name).map(Value::values).unwrap_or_default())
        }
    }
}

fn rand_u15() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() & 0x7fff) as u32
}

/// The part `offset` and `length` select of `count` items, as `${x:offset:length}` counts them
/// (a negative offset from the end; a negative length stops that far from the end).
fn span(count: i64, offset: i64, length: Option<i64>) -> std::ops::Range<usize> {
    let start = if offset < 0 {
        (count + offset).max(0)
    } else {
        offset.min(count)
    };
    let end = match length {
        None => count,
        Some(l) if l < 0 => (count + l).max(start),
        Some(l) => start.saturating_add(l).min(count),
    };
    start as usize..end.max(start) as usize
}

/// `${@:offset:length}` and `${a[@]:offset:length}` of values at their indices: from the
/// first at or past `offset` (a negative one counts back from one past the last index, and
/// selects nothing when it reaches before 0), `length` of them.
fn slice(indexed: Vec<(usize, String)>, offset: i64, length: Option<i64>) -> Vec<String> {
    let end = indexed.last().map_or(0, |(i, _)| *i as i64 + 1);
    let start = if offset < 0 { end + offset } else { offset };
    if start < 0 {
        return Vec::new();
    }
    let take = length.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(0));
    indexed
        .into_iter()
        .filter(|(i, _)| *i as i64 >= start)
        .take(take)
        .map(|(_, value)| value)
        .collect()
}

/// `${x/p/r}` and its kinds: the result is built piece by piece, each piece taken from the
/// budget's room first (`${x//a/$x}` squares a value), with the wall clock checked as it goes.
fn replace(
    value: &str,
    pattern_text: &str,
    replacement: &str,
    kind: &SubstringMatchKind,
    budget: &Budget,
) -> Result<String, Stop> {
    /// Matches replaced between two looks at the line's limits.
    const MATCHES_PER_CHECK: usize = 256;
    let Some(regex) = pattern::regex(pattern_text, kind) else {
        return Ok(value.to_string());
    };
    let mut out = String::new();
    let mut last = 0;
    for (count, found) in regex.find_iter(value).enumerate() {
        if found.is_empty()
            && !matches!(
                kind,
                SubstringMatchKind::Prefix | SubstringMatchKind::Suffix
            )
        {
            // bash replaces nothing for an empty match inside the text.
            continue;
        }
        if count % MATCHES_PER_CHECK == MATCHES_PER_CHECK - 1 {
            budget.check()?;
        }
        let piece = found.start() - last + replacement.len();
        budget.room(out.len().saturating_add(piece))?;
        out.push_str(&value[last..found.start()]);
        out.push_str(replacement);
        last = found.end();
        if !matches!(kind, SubstringMatchKind::Anywhere) {
            break;
        }
    }
    budget.room(out.len().saturating_add(value.len() - last))?;
    out.push_str(&value[last..]);
    Ok(out)
}

/// `${x:offset:length}` of one value, counted in characters, without copying the value.
fn substring(text: &str, offset: i64, length: Option<i64>) -> String {
    let chars = span(text.chars().count() as i64, offset, length);
    let byte_at = |n: usize| text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    let from = byte_at(chars.start);
    let to = if chars.is_empty() {
        from
    } else {
        byte_at(chars.end)
    };
    text[from..to].to_string()
}

/// `${x^}`, `${x^^}`, `${x,}`, `${x,,}`: the first or every character changed, when it
/// matches `pattern` (every character does without one).
fn change_case(value: &str, expr: &ParameterExpr, pattern: Option<&str>) -> String {
    let upper = matches!(
        expr,
        ParameterExpr::UppercaseFirstChar { .. } | ParameterExpr::UppercasePattern { .. }
    );
    let first_only = matches!(
        expr,
        ParameterExpr::UppercaseFirstChar { .. } | ParameterExpr::LowercaseFirstChar { .. }
    );
    let mut out = String::with_capacity(value.len());
    for (index, c) in value.chars().enumerate() {
        let changes = (!first_only || index == 0)
            && pattern.is_none_or(|p| pattern::matches(c.encode_utf8(&mut [0; 4]), p));
        match (changes, upper) {
            (false, _) => out.push(c),
            (true, true) => out.extend(c.to_uppercase()),
            (true, false) => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_and_replacements() {
        assert_eq!(substring("héllo", 1, Some(3)), "éll");
        assert_eq!(substring("hello", -3, None), "llo");
        assert_eq!(substring("hello", 2, Some(-1)), "ll");
        assert_eq!(substring("hello", 9, None), "");
        let budget = Budget::unlimited();
        let kind = |k| replace("a.b.c", ".", "-", &k, &budget).unwrap();
        assert_eq!(kind(SubstringMatchKind::Anywhere), "a-b-c");
        assert_eq!(kind(SubstringMatchKind::FirstOccurrence), "a-b.c");
        assert_eq!(
            replace("abc", "", "y", &SubstringMatchKind::Prefix, &budget).unwrap(),
            "yabc"
        );
        assert_eq!(
            replace("abc", "", "y", &SubstringMatchKind::Anywhere, &budget).unwrap(),
            "abc"
        );
        let small = Budget::new(1 << 20);
        let squared = replace(
            &"a".repeat(4096),
            "a",
            &"a".repeat(4096),
            &SubstringMatchKind::Anywhere,
            &small,
        );
        assert_eq!(squared.err(), Some(Stop::Memory));
    }
}
