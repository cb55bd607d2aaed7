//! Parameter transformations `${x@Q}`, `@E`, `@P`, `@A`, `@K`, `@k`, `@a`, `@u`, `@U`, `@L`,
//! and the quoting they share with `declare -p`: what each makes of a parameter's values.

use super::expand::ansi_c;
use super::state::{ShellState, Value};
use brush_parser::word::{Parameter, ParameterTransformOp};

/// A text quoted so that the shell reads it back as itself: in single quotes, or as `$'…'`
/// when it holds control characters (bash's `${x@Q}`).
pub(crate) fn quoted(text: &str) -> String {
    if text.chars().any(|c| c.is_control()) {
        let mut out = String::from("$'");
        for c in text.chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0b' => out.push_str("\\v"),
                '\x0c' => out.push_str("\\f"),
                '\x1b' => out.push_str("\\E"),
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A text in double quotes, as bash's listings quote values (`declare -p`, `${a[@]@K}`).
pub(crate) fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The variable a parameter reads, if it is one.
fn variable_name(parameter: &Parameter) -> Option<&str> {
    match parameter {
        Parameter::Named(name)
        | Parameter::NamedWithIndex { name, .. }
        | Parameter::NamedWithAllIndices { name, .. } => Some(name),
        _ => None,
    }
}

/// What `op` makes of a parameter's values (`None`: unset, as the values were).
pub(crate) fn transform(
    state: &ShellState,
    parameter: &Parameter,
    values: Option<Vec<String>>,
    op: &ParameterTransformOp,
) -> Option<Vec<String>> {
    let each =
        |f: &dyn Fn(&str) -> String| values.as_ref().map(|v| v.iter().map(|t| f(t)).collect());
    match op {
        ParameterTransformOp::Quoted => each(&quoted),
        ParameterTransformOp::ExpandEscapeSequences => each(&ansi_c),
        ParameterTransformOp::PromptExpand => values,
        ParameterTransformOp::ToUpperCase => each(&str::to_uppercase),
        ParameterTransformOp::ToLowerCase => each(&str::to_lowercase),
        ParameterTransformOp::CapitalizeInitial => each(&|t: &str| {
            let mut chars = t.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }),
        ParameterTransformOp::ToAttributeFlags => {
            let variable = variable_name(parameter).and_then(|n| state.declared(n));
            let letters = variable
                .map(|v| v.attributes.letters(&v.value, v.exported))
                .unwrap_or_default();
            let count = match parameter {
                Parameter::NamedWithAllIndices { .. } => values.as_ref().map_or(1, Vec::len),
                _ => 1,
            };
            Some(vec![letters; count])
        }
        ParameterTransformOp::ToAssignmentLogic => {
            let Some(name) = variable_name(parameter) else {
                return each(&quoted);
            };
            let variable = state.declared(name)?;
            if let Parameter::NamedWithAllIndices { .. } = parameter {
                let line = super::declare::declaration_line(name, variable, true);
                return Some(vec![line.trim_end().to_string()]);
            }
            let letters = variable
                .attributes
                .letters(&variable.value, variable.exported);
            let value = values.as_ref().and_then(|v| v.first());
            let assignment = match value {
                Some(text) => format!("{name}={}", quoted(text)),
                None => name.to_string(),
            };
            Some(vec![if letters.is_empty() {
                assignment
            } else {
                format!("declare -{letters} {assignment}")
            }])
        }
        ParameterTransformOp::PossiblyQuoteWithArraysExpanded { separate_words } => {
            let all = matches!(parameter, Parameter::NamedWithAllIndices { .. });
            let value = variable_name(parameter).and_then(|n| state.get(n));
            match value {
                Some(value @ (Value::Array(_) | Value::Assoc(_))) if all => {
                    let pairs = value.keys().into_iter().zip(value.values());
                    if *separate_words {
                        Some(pairs.flat_map(|(k, v)| [k, v]).collect())
                    } else {
                        let words: Vec<String> = pairs
                            .map(|(k, v)| format!("{k} {}", double_quoted(&v)))
                            .collect();
                        Some(vec![words.join(" ")])
                    }
                }
                _ => each(&quoted),
            }
        }
    }
}
