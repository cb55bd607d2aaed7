//! The shell's state: variables (scalars and arrays, exported or not), functions, positional
//! parameters, options, the working directory and the last status. A subshell is a clone.

use brush_parser::ast::FunctionBody;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Scalar(String),
    Array(Vec<String>),
}

impl Value {
    /// The value as `$name` reads it: an array's first element.
    pub(crate) fn scalar(&self) -> &str {
        match self {
            Value::Scalar(text) => text,
            Value::Array(items) => items.first().map_or("", String::as_str),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Variable {
    pub(crate) value: Value,
    pub(crate) exported: bool,
}

/// `set` options the interpreter honours.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub(crate) errexit: bool,
    pub(crate) nounset: bool,
    pub(crate) pipefail: bool,
    pub(crate) xtrace: bool,
    pub(crate) noglob: bool,
    /// `shopt -s nullglob`: a pattern that matches nothing expands to nothing.
    pub(crate) nullglob: bool,
    /// `shopt -s dotglob`: `*` matches names that start with a dot.
    pub(crate) dotglob: bool,
}

#[derive(Clone)]
pub(crate) struct ShellState {
    pub(crate) vars: HashMap<String, Variable>,
    pub(crate) functions: HashMap<String, Arc<FunctionBody>>,
    /// `alias NAME=VALUE`: kept and listed, never expanded (as in `bash -c`); the router
    /// routes their values.
    pub(crate) aliases: HashMap<String, String>,
    /// `$0` and `$1…`.
    pub(crate) name: String,
    pub(crate) positional: Vec<String>,
    pub(crate) options: Options,
    /// The guest working directory (absolute, normalised).
    pub(crate) cwd: String,
    pub(crate) last_status: i32,
    /// `$?` when the current simple command began (a bare assignment's status is that of its
    /// last command substitution, else 0).
    pub(crate) last_status_before: i32,
    /// How many conditions (`if`, `while`, `&&` operands) enclose the running command: `set -e`
    /// ignores failures inside them.
    pub(crate) conditions: usize,
    /// How many function calls, `eval`s, sourced files, child shells and command
    /// substitutions enclose the running command.
    pub(crate) depth: usize,
    /// `trap CMD EXIT`: run when the line (or the session's line) ends.
    pub(crate) exit_trap: Option<String>,
    /// Saved values to restore when each active function returns (for `local`).
    pub(crate) locals: Vec<Vec<(String, Option<Variable>)>>,
}

impl ShellState {
    /// A fresh shell: the environment exported, in `cwd`.
    pub(crate) fn new(env: &[(String, String)], cwd: &str) -> ShellState {
        let mut vars: HashMap<String, Variable> = env
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    Variable {
                        value: Value::Scalar(value.clone()),
                        exported: true,
                    },
                )
            })
            .collect();
        for (name, value) in [("IFS", " \t\n"), ("PS4", "+ ")] {
            vars.entry(name.to_string()).or_insert(Variable {
                value: Value::Scalar(value.to_string()),
                exported: false,
            });
        }
        let mut state = ShellState {
            vars,
            functions: HashMap::new(),
            aliases: HashMap::new(),
            name: "sh".to_string(),
            positional: Vec::new(),
            options: Options::default(),
            cwd: String::new(),
            last_status: 0,
            last_status_before: 0,
            conditions: 0,
            depth: 0,
            exit_trap: None,
            locals: Vec::new(),
        };
        state.set_cwd(cwd);
        state
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name).map(|v| &v.value)
    }

    pub(crate) fn set(&mut self, name: &str, value: Value) {
        match self.vars.get_mut(name) {
            Some(variable) => variable.value = value,
            None => {
                self.vars.insert(
                    name.to_string(),
                    Variable {
                        value,
                        exported: false,
                    },
                );
            }
        }
    }

    pub(crate) fn set_scalar(&mut self, name: &str, value: impl Into<String>) {
        self.set(name, Value::Scalar(value.into()));
    }

    pub(crate) fn export(&mut self, name: &str) {
        self.vars
            .entry(name.to_string())
            .or_insert(Variable {
                value: Value::Scalar(String::new()),
                exported: false,
            })
            .exported = true;
    }

    pub(crate) fn unset(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// Makes `name` local to the innermost running function.
    pub(crate) fn make_local(&mut self, name: &str) {
        let saved = self.vars.get(name).cloned();
        if let Some(frame) = self.locals.last_mut()
            && !frame.iter().any(|(n, _)| n == name)
        {
            frame.push((name.to_string(), saved));
        }
    }

    /// The environment a command sees: exported variables, `PWD` the working directory.
    pub(crate) fn environment(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .vars
            .iter()
            .filter(|(name, v)| v.exported && name.as_str() != "PWD")
            .map(|(name, v)| (name.clone(), v.value.scalar().to_string()))
            .collect();
        env.push(("PWD".to_string(), self.cwd.clone()));
        env.sort();
        env
    }

    pub(crate) fn set_cwd(&mut self, cwd: &str) {
        let old = std::mem::replace(&mut self.cwd, cwd.to_string());
        if !old.is_empty() {
            self.set_scalar("OLDPWD", old);
        }
        self.set_scalar("PWD", cwd);
        self.export("PWD");
    }

    /// `PIPESTATUS`: an ordinary array variable holding the last pipeline's statuses.
    pub(crate) fn set_pipestatus(&mut self, statuses: &[i32]) {
        let items = statuses.iter().map(i32::to_string).collect();
        self.set("PIPESTATUS", Value::Array(items));
    }

    /// Puts back a variable saved before a prefix assignment or a `local` (`None`: it was unset).
    pub(crate) fn restore(&mut self, name: String, saved: Option<Variable>) {
        match saved {
            Some(variable) => {
                self.vars.insert(name, variable);
            }
            None => self.unset(&name),
        }
    }

    pub(crate) fn ifs(&self) -> String {
        self.get("IFS")
            .map_or(" \t\n".to_string(), |v| v.scalar().to_string())
    }
}
