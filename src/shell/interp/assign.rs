//! Assignments: `NAME=VALUE`, `NAME+=VALUE`, `NAME[KEY]=VALUE` and array literals
//! `NAME=(…)` (with `[KEY]=VALUE` and `[KEY]+=VALUE` elements, for indexed and associative
//! arrays), through the variable's attributes — read-only refuses, `-i` evaluates the text as
//! arithmetic, `-l`/`-u` change its case — for bare assignments, prefix assignments and the
//! declaration builtins alike.

use super::arith;
use super::exec::{Interp, Io, Unwind};
use super::state::{Array, Assoc, Attributes, Key, ShellState, Value};
use brush_parser::ast::{Assignment, AssignmentName, AssignmentValue};
use std::collections::HashMap;

/// An assignment's expanded value, before it meets the variable it is stored in.
#[derive(Debug, Clone)]
pub(crate) enum Assigned {
    Text(String),
    /// An array literal's elements, in order.
    List(Vec<Element>),
}

/// One element of an array literal: `VALUE` (its fields), `[KEY]=VALUE` or `[KEY]+=VALUE`.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// The subscript's text, evaluated when the element is stored (an index of an indexed
    /// array is arithmetic that can read the elements stored before it).
    pub(crate) key: Option<String>,
    pub(crate) text: String,
    pub(crate) append: bool,
}

impl Assigned {
    /// The value as the declaration builtins show it in their argument (`NAME=VALUE`).
    pub(crate) fn text(&self) -> String {
        match self {
            Assigned::Text(text) => text.clone(),
            Assigned::List(items) => {
                let items: Vec<&str> = items.iter().map(|e| e.text.as_str()).collect();
                format!("({})", items.join(" "))
            }
        }
    }
}

/// Why an assignment was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    ReadOnly(String),
    /// `declare -A a` of an indexed array, `declare -a m` of an associative one.
    Conversion(String, &'static str),
    /// An index before the first element (`a[-1]=x` of an empty array).
    BadSubscript(String),
    /// `declare -n ref=1x`: a reference's value must name a variable.
    ReferenceName(String),
    /// `declare -n ref=ref`.
    SelfReference(String),
    /// `a[0]=(1 2)`: an element holds one text.
    ListToElement(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::ReadOnly(name) => write!(f, "{name}: readonly variable"),
            Refused::Conversion(name, what) => write!(f, "{name}: cannot convert {what}"),
            Refused::BadSubscript(element) => write!(f, "{element}: bad array subscript"),
            Refused::ReferenceName(value) => {
                write!(f, "`{value}': invalid variable name for name reference")
            }
            Refused::SelfReference(name) => {
                write!(f, "{name}: nameref variable self references not allowed")
            }
            Refused::ListToElement(element) => {
                write!(f, "{element}: cannot assign list to array member")
            }
        }
    }
}

/// `[KEY]=VALUE` or `[KEY]+=VALUE` as an array literal's element: the key's text, whether it
/// appends, and the value's text (the key may hold brackets: `[a[0]]=x`).
fn keyed_element(text: &str) -> Option<(&str, bool, &str)> {
    let inner = text.strip_prefix('[')?;
    let mut depth = 1usize;
    for (at, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    let rest = &inner[at + 1..];
                    if let Some(value) = rest.strip_prefix('=') {
                        return Some((&inner[..at], false, value));
                    }
                    return rest
                        .strip_prefix("+=")
                        .map(|value| (&inner[..at], true, value));
                }
            }
            _ => {}
        }
    }
    None
}

impl Interp<'_> {
    /// An assignment's value: a scalar's text expanded without field splitting, or an array
    /// literal's elements (plain ones split and globbed as words, keyed ones not).
    pub(crate) async fn assignment_value(
        &self,
        state: &mut ShellState,
        io: &Io,
        assignment: &Assignment,
    ) -> Result<Assigned, Unwind> {
        let assoc = state.is_assoc(&assignment_name(assignment));
        self.assignment_value_of(state, io, assignment, assoc).await
    }

    /// [`Self::assignment_value`] for a variable that is (or, by `declare -A`, becomes) an
    /// associative array when `assoc`.
    async fn assignment_value_of(
        &self,
        state: &mut ShellState,
        io: &Io,
        assignment: &Assignment,
        assoc: bool,
    ) -> Result<Assigned, Unwind> {
        let items = match &assignment.value {
            AssignmentValue::Scalar(word) => {
                if let Some(text) = tilde_after_colons(state, &word.value) {
                    return Ok(Assigned::Text(text));
                }
                return Ok(Assigned::Text(
                    self.expand_string(state, io, &word.value).await?,
                ));
            }
            AssignmentValue::Array(items) => items,
        };
        let mut elements = Vec::with_capacity(items.len());
        for (key, word) in items {
            let keyed = match key {
                Some(key) => Some((key.value.as_str(), false, word.value.as_str())),
                None => keyed_element(&word.value),
            };
            match keyed {
                Some((key, append, value)) => {
                    // `[k]=~:~` expands its tildes as an assignment does; an associative
                    // array's value keeps them (bash's own difference).
                    let text = match (assoc, tilde_after_colons(state, value)) {
                        (false, Some(text)) => text,
                        (true, _) if value.starts_with('~') => {
                            self.expand_string(state, io, &format!("\"\"{value}"))
                                .await?
                        }
                        _ => self.expand_string(state, io, value).await?,
                    };
                    elements.push(Element {
                        key: Some(key.to_string()),
                        text,
                        append,
                    })
                }
                None => {
                    let fields = self
                        .expand_words(state, io, std::slice::from_ref(word))
                        .await?;
                    elements.extend(fields.into_iter().map(|text| Element {
                        key: None,
                        text,
                        append: false,
                    }));
                }
            }
        }
        Ok(Assigned::List(elements))
    }

    /// An argument of a declaration builtin that is an assignment (`local a=(1 '2 3')`,
    /// `export E=$w`, `declare s+=x`): evaluated as an assignment (no field splitting, arrays
    /// kept), handed to the builtin as `NAME=VALUE` with the value beside it; `declares_assoc`
    /// when the builtin's options hold `-A`.
    pub(crate) async fn declaration(
        &self,
        state: &mut ShellState,
        io: &Io,
        assignment: &Assignment,
        declares_assoc: bool,
    ) -> Result<String, Unwind> {
        let AssignmentName::VariableName(name) = &assignment.name else {
            // `declare a[1]=x`: as text.
            let text = assignment.to_string();
            return self.expand_string(state, io, &text).await;
        };
        let assoc = declares_assoc || state.is_assoc(name);
        let value = self
            .assignment_value_of(state, io, assignment, assoc)
            .await?;
        let text = format!("{name}={}", value.text());
        state.declarations.push(super::state::Declaration {
            text: text.clone(),
            name: name.clone(),
            value,
            append: assignment.append,
        });
        Ok(text)
    }
}

/// `PATH=~/bin:~/x`, `x=foo:~`: in an assignment a `~` after each `:` expands too (for a
/// plain value, with no quotes or expansions; others expand as words do).
fn tilde_after_colons(state: &ShellState, text: &str) -> Option<String> {
    if !text.contains(":~") || text.contains(['\'', '"', '\\', '$', '`']) {
        return None;
    }
    colon_tildes_expanded(state, text)
}

/// `text` with the `~` starting each `:`-separated part expanded to `$HOME` (`None` when
/// `HOME` is unset).
fn colon_tildes_expanded(state: &ShellState, text: &str) -> Option<String> {
    let home = state.get("HOME").map(|v| v.scalar().to_string())?;
    let parts: Vec<String> = text
        .split(':')
        .map(|part| match part.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{home}{rest}"),
            _ => part.to_string(),
        })
        .collect();
    Some(parts.join(":"))
}

/// A word that looks like an assignment (`NAME=~/a:~/b`, plain text with a tilde) as bash
/// gives it to a command: each `~` after the `=` or a `:` expanded.
pub(crate) fn assignment_word_tildes(state: &ShellState, text: &str) -> Option<String> {
    let (name, value) = text.split_once('=')?;
    if !value.contains('~')
        || !super::state::is_name(name)
        || text.contains(['\'', '"', '\\', '$', '`', '*', '?', '[', '{'])
    {
        return None;
    }
    Some(format!("{name}={}", colon_tildes_expanded(state, value)?))
}

/// The variable an assignment names.
pub(crate) fn assignment_name(assignment: &Assignment) -> String {
    match &assignment.name {
        AssignmentName::VariableName(name) | AssignmentName::ArrayElementName(name, _) => {
            name.clone()
        }
    }
}

/// Stores an assignment's expanded value.
pub(crate) fn assign(
    state: &mut ShellState,
    assignment: &Assignment,
    value: Assigned,
) -> Result<(), Refused> {
    match &assignment.name {
        AssignmentName::VariableName(name) => {
            assign_value(state, name, value, assignment.append, None)
        }
        AssignmentName::ArrayElementName(name, subscript) => {
            writable(state, name)?;
            let key = match arith::element_key(state, name, subscript) {
                Ok(Some(key)) => key,
                // `a[-1]=x` of an empty array.
                Ok(None) => return Err(Refused::BadSubscript(format!("{name}[{subscript}]"))),
                // A subscript that does not evaluate names element 0.
                Err(_) => Key::Index(0),
            };
            let text = match value {
                Assigned::Text(text) => text,
                Assigned::List(_) => {
                    return Err(Refused::ListToElement(format!("{name}[{subscript}]")));
                }
            };
            let old = state.get(name).and_then(|v| v.at(&key)).map(str::to_string);
            let text = converted(state, name, old.as_deref(), text, assignment.append);
            state.set_element(name, key, text, false);
            Ok(())
        }
    }
}

/// Fails when `name` is read-only.
pub(crate) fn writable(state: &ShellState, name: &str) -> Result<(), Refused> {
    if state.attributes(name).readonly {
        return Err(Refused::ReadOnly(name.to_string()));
    }
    Ok(())
}

/// A text as a variable with `attributes` stores it: `-i` evaluates it (`+=` adds to `old`),
/// `-l`/`-u` change its case; otherwise `+=` appends it to `old`.
fn converted(
    state: &mut ShellState,
    name: &str,
    old: Option<&str>,
    text: String,
    append: bool,
) -> String {
    let attributes: Attributes = state.attributes(name);
    let text = if attributes.integer {
        let value = arith::evaluate(&text, state).unwrap_or(0);
        let old = match (append, old) {
            (true, Some(old)) => arith::evaluate(old, state).unwrap_or(0),
            _ => 0,
        };
        old.wrapping_add(value).to_string()
    } else {
        match (append, old) {
            (true, Some(old)) => format!("{old}{text}"),
            _ => text,
        }
    };
    if attributes.lowercase {
        text.to_lowercase()
    } else if attributes.uppercase {
        text.to_uppercase()
    } else {
        text
    }
}

/// `NAME=VALUE`, `NAME+=VALUE`, `NAME=(…)`: `as_assoc` says what kind of array a literal makes
/// (`Some(true)` for `declare -A`); without it the variable's own kind decides.
pub(crate) fn assign_value(
    state: &mut ShellState,
    name: &str,
    value: Assigned,
    append: bool,
    as_assoc: Option<bool>,
) -> Result<(), Refused> {
    writable(state, name)?;
    let assoc = as_assoc.unwrap_or(state.is_assoc(name));
    match value {
        Assigned::Text(text) => {
            match state.get(name) {
                // `a=x` sets an array's element 0 (an associative array's key "0").
                Some(Value::Array(_) | Value::Assoc(_)) => {
                    let key = if assoc {
                        Key::Name("0".to_string())
                    } else {
                        Key::Index(0)
                    };
                    let old = state.get(name).and_then(|v| v.at(&key)).map(str::to_string);
                    let text = converted(state, name, old.as_deref(), text, append);
                    state.set_element(name, key, text, false);
                }
                _ if assoc => {
                    let old = state.get(name).map(|v| v.scalar().to_string());
                    let text = converted(state, name, old.as_deref(), text, append);
                    let mut map = Assoc::default();
                    map.set("0".to_string(), text);
                    state.set(name, Value::Assoc(map));
                }
                old => {
                    let old = old.map(|v| v.scalar().to_string());
                    let text = converted(state, name, old.as_deref(), text, append);
                    state.set(name, Value::Scalar(text));
                }
            }
            Ok(())
        }
        Assigned::List(elements) if assoc => {
            let mut map = match (append, state.get(name)) {
                (true, Some(Value::Assoc(map))) => map.clone(),
                (true, Some(Value::Scalar(text))) => {
                    let mut map = Assoc::default();
                    map.set("0".to_string(), text.clone());
                    map
                }
                _ => Assoc::default(),
            };
            if elements.iter().all(|e| e.key.is_none()) {
                // `m=(k1 v1 k2 v2)`: keys and values in turn.
                let bytes: usize = elements.iter().map(|e| e.text.len()).sum();
                if state.budget.room(map.cost().saturating_add(bytes)).is_err() {
                    return Ok(());
                }
                let mut items = elements.into_iter().map(|e| e.text);
                while let Some(key) = items.next() {
                    let text = items.next().unwrap_or_default();
                    map.set(key, text);
                }
                state.set(name, Value::Assoc(map));
                return Ok(());
            }
            // `m=([k]+=v)`: `+=` appends to the value the array held before the literal
            // (only those values are kept aside).
            let mut before: HashMap<String, String> = HashMap::new();
            if !append {
                for element in elements.iter().filter(|e| e.append) {
                    let Some(key) = element
                        .key
                        .as_deref()
                        .and_then(|k| arith::assoc_key(k, state).ok())
                    else {
                        continue;
                    };
                    if let Some(value) = state.get(name).and_then(|v| v.at(&Key::Name(key.clone())))
                    {
                        before.insert(key, value.to_string());
                    }
                }
            }
            state.set(name, Value::Assoc(map));
            for element in elements {
                let Some(subscript) = element.key else {
                    continue;
                };
                let Ok(key) = arith::assoc_key(&subscript, state) else {
                    return Ok(());
                };
                let key = Key::Name(key);
                let old = match (&key, append || !element.append) {
                    (_, true) => state.get(name).and_then(|v| v.at(&key)).map(str::to_string),
                    (Key::Name(text), false) => before.get(text).cloned(),
                    (Key::Index(_), false) => None,
                };
                let text = converted(state, name, old.as_deref(), element.text, element.append);
                state.set_element(name, key, text, false);
            }
            Ok(())
        }
        Assigned::List(elements) => {
            let items = match (append, state.get(name)) {
                (true, Some(value)) => value.to_array(),
                _ => Array::default(),
            };
            let mut next = items.end();
            state.set(name, Value::Array(items));
            for element in elements {
                if let Some(subscript) = &element.key {
                    match arith::element_index_in(state, name, subscript) {
                        Ok(Some(index)) => next = index,
                        _ => continue,
                    }
                }
                let key = Key::Index(next);
                let old = state.get(name).and_then(|v| v.at(&key)).map(str::to_string);
                let text = converted(state, name, old.as_deref(), element.text, element.append);
                state.set_element(name, key, text, false);
                next = next.saturating_add(1);
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_elements_are_read_with_nested_brackets() {
        assert_eq!(keyed_element("[k]=v"), Some(("k", false, "v")));
        assert_eq!(keyed_element("[a[0]]=10"), Some(("a[0]", false, "10")));
        assert_eq!(keyed_element("[h]+=:3"), Some(("h", true, ":3")));
        assert_eq!(keyed_element("[abc]"), None);
        assert_eq!(keyed_element("x=[1]"), None);
    }
}
