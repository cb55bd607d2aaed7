//! Array subscripts as bash evaluates them where a line writes them (`${a[$(cmd)]}`,
//! `${a[i++]}`, `a[${i[1]}]=v`) and where `${!ref}` names an element: the subscript is expanded
//! (parameters, arithmetic, command substitutions, quotes removed), then an indexed array's is
//! evaluated as arithmetic on the shell's own state, so its assignments stay. The result is a
//! canonical subscript (a number, or an associative key with every character escaped) that the
//! readers in `arith` take as they stand.

use super::arith;
use super::exec::{Interp, Io, Unwind};
use super::state::ShellState;
use crate::policy::Fallback;
use brush_parser::ast::{Assignment, AssignmentName};
use brush_parser::word::{Parameter, ParameterExpr};

/// The longest `${!ref}` value read as `name[subscript]` (a reference names a parameter).
const MAX_REFERENCE: usize = 4096;

impl Interp<'_> {
    /// `name[subscript]`'s subscript, evaluated once, in canonical form.
    pub(super) async fn resolve_subscript(
        &self,
        state: &mut ShellState,
        io: &Io,
        name: &str,
        subscript: &str,
    ) -> Result<String, Unwind> {
        if matches!(subscript, "@" | "*") || arith::parse_number(subscript.trim()).is_some() {
            return Ok(subscript.to_string());
        }
        let expands = subscript.contains(['$', '`', '\'', '"', '\\']);
        // A subscript has no tilde expansion (`a[~+]` is an arithmetic error).
        let guarded;
        let subscript = match expands && subscript.starts_with('~') {
            true => {
                guarded = format!("\"\"{subscript}");
                guarded.as_str()
            }
            false => subscript,
        };
        if state.is_assoc(name) {
            if !expands {
                return Ok(subscript.to_string());
            }
            let key = self.expand_string(state, io, subscript).await?;
            return Ok(escaped(&key));
        }
        let text = if expands {
            self.expand_string(state, io, subscript).await?
        } else {
            subscript.to_string()
        };
        if text.trim().is_empty() {
            return Err(
                self.fail_expansion(io, &format!("{name}[{subscript}]: bad array subscript"))
            );
        }
        match arith::evaluate(&text, state) {
            Ok(index) => Ok(index.to_string()),
            Err(message) => Err(self.fail_expansion(io, &message)),
        }
    }

    /// `name[subscript]=value` with its subscript evaluated; `None` when nothing changes.
    pub(super) async fn resolved_assignment(
        &self,
        state: &mut ShellState,
        io: &Io,
        assignment: &Assignment,
    ) -> Result<Option<Assignment>, Unwind> {
        let AssignmentName::ArrayElementName(name, subscript) = &assignment.name else {
            return Ok(None);
        };
        let canonical = self.resolve_subscript(state, io, name, subscript).await?;
        if &canonical == subscript {
            return Ok(None);
        }
        let mut assignment = assignment.clone();
        assignment.name = AssignmentName::ArrayElementName(name.clone(), canonical);
        Ok(Some(assignment))
    }

    /// The expansion with its parameter's subscript evaluated, and `${!ref}` replaced by the
    /// parameter `ref` names (a reference made by `declare -n` stays: `${!ref}` is its name).
    /// `None` when nothing changes.
    pub(super) async fn resolved_expression(
        &self,
        state: &mut ShellState,
        io: &Io,
        expr: &ParameterExpr,
    ) -> Result<Option<ParameterExpr>, Unwind> {
        let Some((parameter, indirect)) = target(expr) else {
            return Ok(None);
        };
        let nameref = super::parameter::reference_name(state, parameter).is_some();
        let mut resolved = match (indirect, nameref) {
            (true, false) => Some(self.indirect_target(state, io, parameter).await?),
            _ => None,
        };
        let current = resolved.as_ref().unwrap_or(parameter);
        if let Parameter::NamedWithIndex { name, index } = current {
            let canonical = self.resolve_subscript(state, io, name, index).await?;
            if &canonical != index {
                resolved = Some(Parameter::NamedWithIndex {
                    name: name.clone(),
                    index: canonical,
                });
            }
        }
        let Some(resolved) = resolved else {
            return Ok(None);
        };
        let mut expr = expr.clone();
        if let Some((parameter, indirect)) = target_mut(&mut expr) {
            *parameter = resolved;
            if !nameref {
                *indirect = false;
            }
        }
        Ok(Some(expr))
    }

    /// The parameter `${!ref}` names: bash's "invalid indirect expansion" when `ref` is unset,
    /// "invalid variable name" when its value names no parameter. A subscript with a command
    /// substitution in it is code from a value: it runs only where `routing.dynamic` lets
    /// such code run.
    async fn indirect_target(
        &self,
        state: &mut ShellState,
        io: &Io,
        parameter: &Parameter,
    ) -> Result<Parameter, Unwind> {
        let shown = super::parameter::parameter_name(parameter);
        let Some(values) = super::parameter::parameter_values(state, parameter) else {
            // An array without element 0 reads as unset, as `$a` reads it.
            if let Parameter::Named(name) = parameter
                && state.get(name).is_some()
            {
                return Ok(parameter.clone());
            }
            return Err(self.fail_expansion(io, &format!("{shown}: invalid indirect expansion")));
        };
        let value = values.join(" ");
        let invalid = || format!("{value}: invalid variable name");
        if value.is_empty() || value.len() > MAX_REFERENCE {
            return Err(self.fail_expansion(io, &invalid()));
        }
        if let Some((name, subscript)) = super::state::element_name(&value) {
            if !super::state::is_name(name) {
                return Err(self.fail_expansion(io, &invalid()));
            }
            if (subscript.contains("$(") || subscript.contains('`'))
                && self.policy.routing.dynamic == Fallback::Deny
            {
                return Err(self.fail_expansion(
                    io,
                    &format!(
                        "{value}: a command substitution in a reference's subscript is code \
                         from a value, which this policy does not run (routing.dynamic = \"deny\")"
                    ),
                ));
            }
            return Ok(match subscript {
                "@" | "*" => Parameter::NamedWithAllIndices {
                    name: name.to_string(),
                    concatenate: subscript == "*",
                },
                _ => Parameter::NamedWithIndex {
                    name: name.to_string(),
                    index: subscript.to_string(),
                },
            });
        }
        if value.contains(['$', '{', '}', '(', '`', '[', ']']) {
            return Err(self.fail_expansion(io, &invalid()));
        }
        crate::upstream::guarded(|| {
            brush_parser::word::parse_parameter(&value, &crate::shell::parser_options())
        })
        .and_then(Result::ok)
        .ok_or_else(|| self.fail_expansion(io, &invalid()))
    }
}

/// An associative key as `arith::assoc_key` reads it back unchanged.
fn escaped(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 2);
    for c in key.chars() {
        out.push('\\');
        out.push(c);
    }
    out
}

/// The parameter of an expansion and its `!` (by reference or by value, as `$expr` is).
macro_rules! parameter_of {
    ($expr:expr) => {
        match $expr {
            ParameterExpr::Parameter {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::UseDefaultValues {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::AssignDefaultValues {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::IndicateErrorIfNullOrUnset {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::UseAlternativeValue {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::ParameterLength {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::RemoveSmallestSuffixPattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::RemoveLargestSuffixPattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::RemoveSmallestPrefixPattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::RemoveLargestPrefixPattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::Substring {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::Transform {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::UppercaseFirstChar {
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
            }
            | ParameterExpr::ReplaceSubstring {
                parameter,
                indirect,
                ..
            } => Some((parameter, indirect)),
            ParameterExpr::VariableNames { .. } | ParameterExpr::MemberKeys { .. } => None,
        }
    };
}

/// The parameter an expansion reads and whether it is indirect (`${!p…}`).
pub(super) fn target(expr: &ParameterExpr) -> Option<(&Parameter, bool)> {
    parameter_of!(expr).map(|(parameter, indirect)| (parameter, *indirect))
}

/// [`target`], to change.
fn target_mut(expr: &mut ParameterExpr) -> Option<(&mut Parameter, &mut bool)> {
    parameter_of!(expr)
}
