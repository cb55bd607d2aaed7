//! The router: reads a parsed line and decides, under the policy's `[routing]`, whether it runs
//! in wasm, in the container runtime, or not at all — and says why, command by command.
//!
//! Every simple command of the line is found ([`walk`]): in pipelines, lists, loops, functions
//! (when called), command substitutions, here-documents, and the commands that wrappers start
//! (`env`, `timeout`, `xargs`, `find -exec`, `sh -c`, `eval`, `sudo`, … in [`wrappers`]). Each
//! name is resolved as the shell would ([`resolve`]): function, builtin, toolset command, or
//! native program, a path by its basename or, inside a zone, by its shebang line. Names known
//! only at run time follow `routing.dynamic`. Deny beats container beats wasm.

#[cfg(test)]
mod agreement;
mod resolve;
mod walk;
mod words;
mod wrappers;

use crate::policy::Policy;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

crate::named_enum::named_enum! {
    /// Where a line runs.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Route {
        /// In the wasm toolset, by zonebox's shell.
        Wasm = "wasm",
        /// Whole, in the policy's container runtime.
        Container = "container",
        /// Nowhere: a command is denied.
        Deny = "deny",
    }
}

crate::named_enum::named_enum! {
    /// What a command name turned out to be.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum CommandClass {
        /// Run by zonebox's shell itself (cd, export, eval, …).
        Builtin = "builtin",
        /// A command of the wasm toolset.
        Toolset = "toolset",
        /// A shell function of the line or session.
        Function = "function",
        /// An alias of the line or session (its value is routed where it is defined).
        Alias = "alias",
        /// A shell script in a zone (a shebang naming sh/bash, or none), run by the shell.
        Script = "script",
        /// A native program (python3, git, …) or executable file.
        Native = "native",
        /// A name computed at run time (`$cmd`, `$(…)`, `eval "$x"`).
        Dynamic = "dynamic",
        /// Shell syntax the wasm shell does not run (process substitution, coproc).
        ShellFeature = "shell_feature",
    }
}

/// One command found in the line, with how it was classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoutedCommand {
    /// The name as resolved (quotes removed), or the source text of a dynamic name.
    pub name: String,
    pub class: CommandClass,
    /// What this command needs: wasm, container, or deny.
    pub route: Route,
    /// The rule that classified it (`toolset`, `routing.container["python3"]`, …).
    pub rule: String,
    /// The commands that start it, outermost first (`sh -c`, `find -exec`), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// For a denied command: why, as the agent is told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The router's decision for one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub route: Route,
    /// Every command found, in the order the line names them.
    pub commands: Vec<RoutedCommand>,
}

impl Decision {
    /// The first denied command, when the line is denied.
    pub fn denied(&self) -> Option<&RoutedCommand> {
        self.commands.iter().find(|c| c.route == Route::Deny)
    }

    /// One sentence for a denied line: the command, the rule and the reason.
    pub fn denial_message(&self) -> Option<String> {
        self.denied().map(|command| {
            let via = if command.via.is_empty() {
                String::new()
            } else {
                format!(" (via {})", command.via.join(" → "))
            };
            format!(
                "denied: {}{via}: {} [{}]",
                command.name,
                command.reason.as_deref().unwrap_or("denied by policy"),
                command.rule
            )
        })
    }
}

impl fmt::Display for Decision {
    /// The explanation `zonebox route` prints: the decision, then one line per command (the
    /// reasons are in [`Decision::denial_message`] and the JSON form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.route.as_str())?;
        for command in &self.commands {
            write!(
                f,
                "  {:<9} {:<12} {}  [{}]",
                command.route.as_str(),
                command.class.as_str(),
                command.name.escape_debug(),
                command.rule
            )?;
            if !command.via.is_empty() {
                write!(f, " via {}", command.via.join(" → "))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// What the router knows beyond the line: a session's functions and aliases, its working
/// directory, and how to read scripts in the zones.
pub(crate) struct Context<'a> {
    pub(crate) functions: &'a HashMap<String, Arc<brush_parser::ast::FunctionBody>>,
    pub(crate) aliases: &'a HashMap<String, String>,
    pub(crate) cwd: &'a str,
    pub(crate) files: &'a dyn crate::zones::ScriptFiles,
}

/// Where a line runs under `policy`, as a fresh shell in the policy's working directory sees
/// it; no engine or sandbox is needed. [`crate::Session::route`] also knows a session's
/// functions, aliases and directory.
pub fn route_line(policy: &Policy, line: &str) -> crate::Result<Decision> {
    let program = crate::shell::parse(line)?;
    let mounts = crate::zones::ZoneMounts::without_scratch(&policy.zones)?;
    let files = crate::zones::ZoneFs::new(&mounts);
    let none = HashMap::new();
    let context = Context {
        functions: &none,
        aliases: &HashMap::new(),
        cwd: &policy.workdir,
        files: &files,
    };
    Ok(route(policy, &program, &context))
}

/// Decides where a parsed line runs.
pub(crate) fn route(
    policy: &Policy,
    program: &brush_parser::ast::Program,
    context: &Context<'_>,
) -> Decision {
    let mut commands = walk::Walker::new(policy, context).walk_program(program);
    let mut route = commands
        .iter()
        .map(|c| c.route)
        .max()
        .unwrap_or(Route::Wasm);
    if route == Route::Container {
        // A name the policy says is not found must not be found in the container the rest
        // of the line needs: it is denied there.
        for command in &mut commands {
            if command.rule == resolve::NOT_FOUND_RULE {
                command.route = Route::Deny;
                command.reason = Some(format!(
                    "{} is not in the wasm toolset and not in routing.container; this line \
                     runs in a container, where a program of that name must not run \
                     [routing.unknown = \"not-found\"]",
                    command.name
                ));
                route = Route::Deny;
            }
        }
    }
    Decision { route, commands }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_are_the_json_names() {
        for class in [
            CommandClass::Builtin,
            CommandClass::Toolset,
            CommandClass::Function,
            CommandClass::Script,
            CommandClass::Native,
            CommandClass::Dynamic,
            CommandClass::ShellFeature,
        ] {
            assert_eq!(serde_json::to_value(class).unwrap(), class.as_str());
        }
        use crate::policy::RuntimeChoice;
        for runtime in [
            RuntimeChoice::Docker,
            RuntimeChoice::Podman,
            RuntimeChoice::Apple,
            RuntimeChoice::Auto,
            RuntimeChoice::Native,
        ] {
            assert_eq!(serde_json::to_value(runtime).unwrap(), runtime.as_str());
        }
    }
}
