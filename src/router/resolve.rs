//! Resolving one command name under the policy, as the shell will: deny rules first, then
//! builtins and the toolset (as the shell's command table lists them), `routing.container`,
//! and `routing.unknown` for any other native name.
//! Names with control or non-ASCII characters are refused (look-alikes of allowed names).

use super::{CommandClass, Route};
use crate::policy::{Fallback, Policy};
use crate::shell::commands::{is_builtin, is_tool};

/// How a name was classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolution {
    pub(super) class: CommandClass,
    pub(super) route: Route,
    pub(super) rule: String,
    pub(super) reason: Option<String>,
}

impl Resolution {
    pub(super) fn new(class: CommandClass, route: Route, rule: impl Into<String>) -> Self {
        Resolution {
            class,
            route,
            rule: rule.into(),
            reason: None,
        }
    }

    pub(super) fn denied(class: CommandClass, rule: impl Into<String>, reason: String) -> Self {
        Resolution {
            class,
            route: Route::Deny,
            rule: rule.into(),
            reason: Some(reason),
        }
    }
}

/// A plain command name (no `/`), not a function.
pub(super) fn name(policy: &Policy, name: &str) -> Resolution {
    if name.is_empty() {
        // `''` runs nothing: the shell says "command not found" (127), as bash does.
        return Resolution::new(CommandClass::Builtin, Route::Wasm, "an empty command name");
    }
    let class = if is_builtin(name) {
        CommandClass::Builtin
    } else if is_tool(name) {
        CommandClass::Toolset
    } else {
        CommandClass::Native
    };
    if let Some(refused) = refusal(policy, name, class) {
        return refused;
    }
    match class {
        CommandClass::Builtin => Resolution::new(class, Route::Wasm, "shell builtin"),
        CommandClass::Toolset => Resolution::new(class, Route::Wasm, "toolset"),
        _ => outside_wasm(policy, name, ""),
    }
}

/// A native program (by name, or the basename of an executable in a zone): the container when
/// a rule or `routing.unknown` sends it there, else denied.
pub(super) fn native(policy: &Policy, name: &str, what: &str) -> Resolution {
    refusal(policy, name, CommandClass::Native).unwrap_or_else(|| outside_wasm(policy, name, what))
}

/// A malformed name, or one a deny rule covers.
fn refusal(policy: &Policy, name: &str, class: CommandClass) -> Option<Resolution> {
    malformed(name).or_else(|| {
        policy
            .routing
            .denial(name)
            .map(|(rule, reason)| Resolution::denied(class, rule, reason))
    })
}

/// Where a native program that passed the checks goes: `routing.container`, then
/// `routing.unknown`.
fn outside_wasm(policy: &Policy, name: &str, what: &str) -> Resolution {
    if let Some(pattern) = policy.routing.container_rule(name) {
        return Resolution::new(
            CommandClass::Native,
            Route::Container,
            format!("routing.container[{:?}]", pattern.text),
        );
    }
    match policy.routing.unknown {
        Fallback::Container | Fallback::Wasm => Resolution::new(
            CommandClass::Native,
            Route::Container,
            "routing.unknown = \"container\"",
        ),
        Fallback::NotFound => Resolution {
            class: CommandClass::Native,
            route: Route::Wasm,
            rule: NOT_FOUND_RULE.into(),
            reason: Some(format!(
                "{name}{what} is not in the wasm toolset (see `zonebox tools`) and this policy \
                 runs no native programs: it fails with status 127 (command not found) where \
                 the line reaches it; policies/agent.toml runs them in a container"
            )),
        },
        Fallback::Deny => Resolution::denied(
            CommandClass::Native,
            "routing.unknown = \"deny\"",
            format!(
                "{name}{what} is not in the wasm toolset (see `zonebox tools`) and this policy \
                 runs no native programs; policies/agent.toml runs them in a container"
            ),
        ),
    }
}

/// The rule of a native name that runs nowhere and fails as bash's "command not found".
pub(super) const NOT_FOUND_RULE: &str = "routing.unknown = \"not-found\"";

/// A name computed at run time, under `routing.dynamic`.
pub(super) fn dynamic(policy: &Policy, why: &str) -> Resolution {
    match policy.routing.dynamic {
        Fallback::Wasm => Resolution {
            class: CommandClass::Dynamic,
            route: Route::Wasm,
            rule: "routing.dynamic = \"wasm\"".into(),
            reason: Some(format!(
                "{why}: the shell resolves it when the line runs, under the same deny rules; \
                 a native program cannot run in wasm"
            )),
        },
        Fallback::Container => Resolution {
            class: CommandClass::Dynamic,
            route: Route::Container,
            rule: "routing.dynamic = \"container\"".into(),
            reason: Some(why.to_string()),
        },
        Fallback::Deny | Fallback::NotFound => Resolution::denied(
            CommandClass::Dynamic,
            "routing.dynamic = \"deny\"",
            format!("{why}, so the router cannot check it; write the command name literally"),
        ),
    }
}

/// Names no policy may run: control characters (a newline smuggles a second command into a
/// log line) and non-ASCII look-alikes (`pythоn3` with a Cyrillic о).
fn malformed(name: &str) -> Option<Resolution> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(Resolution::denied(
            CommandClass::Native,
            "built-in rule",
            format!("the command name holds the control character {c:?}"),
        ));
    }
    if let Some(c) = name.chars().find(|c| !c.is_ascii()) {
        return Some(Resolution::denied(
            CommandClass::Native,
            "built-in rule",
            format!(
                "the command name holds the non-ASCII character {c:?} (U+{:04X}); command \
                 names are ASCII, and look-alikes of allowed names are refused",
                c as u32
            ),
        ));
    }
    None
}
