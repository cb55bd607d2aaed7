//! The walk over a parsed line that finds every command it can start: simple commands in
//! pipelines, lists, compound commands and called functions; command substitutions in any
//! word, redirect or here-document; and what wrappers, `eval`, `sh -c`, `source`, aliases and
//! scripts in the zones start. Each is resolved once, in the order the line names it.

use super::resolve::{self, Resolution};
use super::words::{self, Field};
use super::wrappers::{self, Inner};
use super::{CommandClass, Context, Route, RoutedCommand};
use crate::policy::Policy;
use crate::shell::interp::Budget;
use crate::shell::parse::named_fd;
use crate::shell::script::{self, ScriptKind};
use crate::zones::{ScriptFiles, normalize};
use brush_parser::ast::{
    AndOrList, Assignment, AssignmentName, AssignmentValue, Command, CommandPrefixOrSuffixItem,
    CompoundCommand, CompoundList, ExtendedTestExpr, FunctionBody, IoFileRedirectKind,
    IoFileRedirectTarget, IoRedirect, Pipeline, ProcessSubstitutionKind, Program,
    SeparatorOperator, SimpleCommand,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Nesting of `eval`, `sh -c`, scripts, substitutions and function bodies the router follows.
const MAX_DEPTH: usize = 64;
/// The largest script the router reads (the shell's `source` reads no more either).
const MAX_SCRIPT_BYTES: u64 = 1 << 20;
/// Functions bash calls by itself; their bodies are routed where they are defined.
const HOOK_FUNCTIONS: &[&str] = &["command_not_found_handle"];

struct FunctionDef {
    body: Arc<FunctionBody>,
    /// Defined on every path to what follows (not inside a condition, loop or pipeline): the
    /// name is then surely the function, and the native program of that name is not run.
    certain: bool,
}

/// What one shell has defined, and which of it was routed already (each body once).
#[derive(Default)]
struct ShellNames {
    functions: HashMap<String, FunctionDef>,
    routed_functions: HashSet<String>,
    aliases: HashMap<String, String>,
    routed_aliases: HashSet<String>,
}

pub(super) struct Walker<'a> {
    policy: &'a Policy,
    files: &'a dyn ScriptFiles,
    /// Where the shell will be when the command being walked runs, as far as the line's `cd`s
    /// tell: `None` after a `cd` that may not run or goes somewhere known only at run time.
    cwd: Option<String>,
    /// The functions and aliases of the shell being walked.
    names: ShellNames,
    found: Vec<RoutedCommand>,
    /// What brace expansion may make of this line's words (fields past it stay dynamic).
    brace_budget: std::sync::Arc<Budget>,
    /// The commands that start the one being resolved, outermost first.
    via: Vec<String>,
    depth: usize,
}

/// How a list of fields is being run.
#[derive(Clone, Copy)]
struct Start {
    /// Functions and aliases of the shell apply (not for what `env`, `xargs`, … exec).
    shell_names: bool,
    /// Arguments are appended at run time (xargs, `find -exec … +`).
    more_args_follow: bool,
}

impl<'a> Walker<'a> {
    pub(super) fn new(policy: &'a Policy, context: &'a Context<'a>) -> Walker<'a> {
        let functions = context
            .functions
            .iter()
            .map(|(name, body)| {
                let def = FunctionDef {
                    body: body.clone(),
                    certain: true,
                };
                (name.clone(), def)
            })
            .collect();
        Walker {
            policy,
            files: context.files,
            cwd: Some(context.cwd.to_string()),
            names: ShellNames {
                functions,
                aliases: context.aliases.clone(),
                ..ShellNames::default()
            },
            found: Vec::new(),
            via: Vec::new(),
            depth: 0,
            brace_budget: Budget::new(words::BRACE_BYTES),
        }
    }

    pub(super) fn walk_program(mut self, program: &Program) -> Vec<RoutedCommand> {
        self.program(program, true);
        self.found
    }

    fn record(&mut self, name: &str, resolution: Resolution) {
        self.found.push(RoutedCommand {
            name: name.to_string(),
            class: resolution.class,
            route: resolution.route,
            rule: resolution.rule,
            via: self.via.clone(),
            reason: resolution.reason,
        });
    }

    fn record_dynamic(&mut self, shown: &str, why: &str) {
        let resolution = resolve::dynamic(self.policy, why);
        self.record(shown, resolution);
    }

    fn program(&mut self, program: &Program, certain: bool) {
        for list in &program.complete_commands {
            self.list(list, certain);
        }
    }

    fn list(&mut self, list: &CompoundList, certain: bool) {
        for item in &list.0 {
            let in_background = matches!(item.1, SeparatorOperator::Async);
            self.and_or(&item.0, certain && !in_background);
        }
    }

    fn and_or(&mut self, list: &AndOrList, certain: bool) {
        self.pipeline(&list.first, certain);
        // What follows `&&` or `||` may not run: a `cd` there leaves the directory unknown
        // after the list (within the list, what follows it runs there).
        self.conditional_cwd(|walker| {
            for next in &list.additional {
                let (brush_parser::ast::AndOr::And(pipeline)
                | brush_parser::ast::AndOr::Or(pipeline)) = next;
                walker.pipeline(pipeline, false);
            }
        });
    }

    fn pipeline(&mut self, pipeline: &Pipeline, certain: bool) {
        // Each stage of a longer pipeline runs in a subshell: its definitions do not last.
        let certain = certain && pipeline.seq.len() == 1;
        let walk = |walker: &mut Self| {
            for command in &pipeline.seq {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || walker.command(command, certain));
            }
        };
        if pipeline.seq.len() > 1 {
            self.isolated_cwd(walk);
        } else {
            walk(self);
        }
    }

    /// Walks what runs in a subshell: its `cd`s end with it.
    fn isolated_cwd(&mut self, walk: impl FnOnce(&mut Self)) {
        let outer = self.cwd.clone();
        walk(self);
        self.cwd = outer;
    }

    /// Walks what may or may not run (a branch, a loop body, what follows `&&`): if it moves
    /// the shell, where the shell is afterwards is not known.
    fn conditional_cwd(&mut self, walk: impl FnOnce(&mut Self)) {
        let outer = self.cwd.clone();
        walk(self);
        if self.cwd != outer {
            self.cwd = None;
        }
    }

    /// `cd DIR` in the shell being walked: the commands after it run in DIR.
    fn change_directory(&mut self, args: &[Field]) {
        let operands: Vec<&Field> = args
            .iter()
            .skip_while(|a| matches!(a.literal.as_deref(), Some("-L" | "-P" | "-e" | "-@")))
            .skip_while(|a| a.literal.as_deref() == Some("--"))
            .collect();
        self.cwd = match (operands.first(), &self.cwd) {
            (Some(target), Some(cwd)) => match target.literal.as_deref() {
                Some("-") | None => None,
                Some(dir) => Some(normalize(cwd, dir)),
            },
            // `cd` alone goes to $HOME, which the router does not read.
            _ => None,
        };
    }

    fn command(&mut self, command: &Command, certain: bool) {
        match command {
            Command::Simple(simple) => self.simple(simple),
            Command::Compound(compound, redirects) => {
                self.compound(compound, certain);
                for redirect in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(redirect, true);
                }
            }
            Command::Function(definition) => {
                let name = words::literal_text(&definition.fname.value)
                    .unwrap_or_else(|| definition.fname.value.clone());
                let body = Arc::new(definition.body.clone());
                self.names.routed_functions.remove(&name);
                if HOOK_FUNCTIONS.contains(&name.as_str()) {
                    self.function_body(&name, &body);
                }
                self.names
                    .functions
                    .insert(name, FunctionDef { body, certain });
            }
            Command::ExtendedTest(test, redirects) => {
                self.test_expr(&test.expr);
                for redirect in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(redirect, false);
                }
            }
        }
    }

    fn compound(&mut self, compound: &CompoundCommand, certain: bool) {
        match compound {
            CompoundCommand::Arithmetic(arithmetic) => self.word(&arithmetic.expr.value),
            CompoundCommand::ArithmeticForClause(clause) => {
                for expr in [&clause.initializer, &clause.condition, &clause.updater]
                    .into_iter()
                    .flatten()
                {
                    self.word(&expr.value);
                }
                self.conditional_cwd(|walker| walker.list(&clause.body.list, false));
            }
            CompoundCommand::BraceGroup(group) => self.list(&group.list, certain),
            CompoundCommand::Subshell(subshell) => {
                self.isolated_cwd(|walker| walker.list(&subshell.list, false))
            }
            CompoundCommand::ForClause(clause) => {
                for value in clause.values.iter().flatten() {
                    self.word(&value.value);
                }
                self.conditional_cwd(|walker| walker.list(&clause.body.list, false));
            }
            CompoundCommand::CaseClause(clause) => {
                self.word(&clause.value.value);
                for case in &clause.cases {
                    for pattern in &case.patterns {
                        self.word(&pattern.value);
                    }
                    if let Some(list) = &case.cmd {
                        self.conditional_cwd(|walker| walker.list(list, false));
                    }
                }
            }
            CompoundCommand::IfClause(clause) => {
                // The first condition always runs; the rest may not.
                self.list(&clause.condition, false);
                self.conditional_cwd(|walker| {
                    walker.list(&clause.then, false);
                });
                for branch in clause.elses.iter().flatten() {
                    self.conditional_cwd(|walker| {
                        if let Some(condition) = &branch.condition {
                            walker.list(condition, false);
                        }
                        walker.list(&branch.body, false);
                    });
                }
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                self.conditional_cwd(|walker| {
                    walker.list(&clause.0, false);
                    walker.list(&clause.1.list, false);
                });
            }
            CompoundCommand::Coprocess(coprocess) => {
                self.shell_feature("coproc");
                self.command(&coprocess.body, false);
            }
        }
    }

    /// Syntax only a full shell runs: the container when the policy has one.
    fn shell_feature(&mut self, what: &str) {
        let resolution = match &self.policy.container {
            Some(_) => Resolution::new(
                CommandClass::ShellFeature,
                Route::Container,
                format!("{what} runs in the container's shell (the wasm shell lacks it)"),
            ),
            None => Resolution::new(
                CommandClass::ShellFeature,
                Route::Wasm,
                format!("{what}: the wasm shell refuses it with a message (no [container])"),
            ),
        };
        self.record(what, resolution);
    }

    fn simple(&mut self, simple: &SimpleCommand) {
        // The same words, in the same order, as the shell's `run_simple` expands.
        let mut texts: Vec<&str> = Vec::new();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, _) => {
                    self.assignment(assignment)
                }
                // `{name}` of `{name}>file` is no word of the command.
                CommandPrefixOrSuffixItem::Word(word) if named_fd(&word.value).is_some() => {}
                CommandPrefixOrSuffixItem::Word(word) => texts.push(&word.value),
                other => self.redirect_item(other),
            }
        }
        if let Some(name) = &simple.word_or_name
            && named_fd(&name.value).is_none()
        {
            texts.push(&name.value);
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::Word(word) if named_fd(&word.value).is_some() => {}
                CommandPrefixOrSuffixItem::AssignmentWord(_, word)
                | CommandPrefixOrSuffixItem::Word(word) => texts.push(&word.value),
                other => self.redirect_item(other),
            }
        }
        for text in &texts {
            self.word(text);
        }
        let fields = words::all_fields(texts.iter().copied(), &self.brace_budget);
        if !fields.is_empty() {
            let start = Start {
                shell_names: true,
                more_args_follow: false,
            };
            self.argv(&fields, start);
        }
    }

    /// A redirect or process substitution among a simple command's words.
    fn redirect_item(&mut self, item: &CommandPrefixOrSuffixItem) {
        match item {
            CommandPrefixOrSuffixItem::IoRedirect(redirect) => self.redirect(redirect, true),
            // `<(cmd)` and `>(cmd)` are commands of the line, in a subshell.
            CommandPrefixOrSuffixItem::ProcessSubstitution(_, subshell) => {
                self.nested("process substitution", |walker| {
                    walker.list(&subshell.list, false)
                });
            }
            CommandPrefixOrSuffixItem::Word(_) | CommandPrefixOrSuffixItem::AssignmentWord(..) => {}
        }
    }

    fn assignment(&mut self, assignment: &Assignment) {
        if let AssignmentName::ArrayElementName(_, index) = &assignment.name {
            self.word(index);
        }
        match &assignment.value {
            AssignmentValue::Scalar(word) => self.word(&word.value),
            AssignmentValue::Array(items) => {
                for (index, value) in items {
                    if let Some(index) = index {
                        self.word(&index.value);
                    }
                    self.word(&value.value);
                }
            }
        }
    }

    /// A redirect's words and commands; `writes_substitute` where `> >(cmd)` runs in the wasm
    /// shell (a simple or compound command's redirects).
    fn redirect(&mut self, redirect: &IoRedirect, writes_substitute: bool) {
        match redirect {
            IoRedirect::File(_, _, target) => match target {
                IoFileRedirectTarget::Filename(word) | IoFileRedirectTarget::Duplicate(word) => {
                    self.word(&word.value)
                }
                IoFileRedirectTarget::Fd(_) => {}
                IoFileRedirectTarget::ProcessSubstitution(
                    ProcessSubstitutionKind::Read,
                    subshell,
                ) if matches!(redirect, IoRedirect::File(_, IoFileRedirectKind::Read, _)) => {
                    self.nested("process substitution", |walker| {
                        walker.list(&subshell.list, false)
                    });
                }
                // `> >(cmd)` of a simple or compound command: the shell runs `cmd` on what was
                // written.
                IoFileRedirectTarget::ProcessSubstitution(
                    ProcessSubstitutionKind::Write,
                    subshell,
                ) if writes_substitute
                    && matches!(
                        redirect,
                        IoRedirect::File(
                            _,
                            IoFileRedirectKind::Write
                                | IoFileRedirectKind::Append
                                | IoFileRedirectKind::Clobber,
                            _
                        )
                    ) =>
                {
                    self.nested("process substitution", |walker| {
                        walker.list(&subshell.list, false)
                    });
                }
                // Any other process substitution as a redirect: the wasm shell refuses it.
                IoFileRedirectTarget::ProcessSubstitution(_, subshell) => {
                    self.shell_feature("process substitution as a redirect");
                    self.list(&subshell.list, false);
                }
            },
            IoRedirect::HereDocument(_, heredoc) => {
                if heredoc.requires_expansion {
                    match words::heredoc_substitutions(&heredoc.doc.value) {
                        Ok(programs) => self.substituted(programs),
                        Err(_) => self.record_dynamic(
                            "<<here-document",
                            "a here-document whose substitutions cannot be read",
                        ),
                    }
                }
            }
            IoRedirect::HereString(_, word) | IoRedirect::OutputAndError(word, _) => {
                self.word(&word.value)
            }
        }
    }

    fn test_expr(&mut self, expr: &ExtendedTestExpr) {
        match expr {
            ExtendedTestExpr::And(a, b) | ExtendedTestExpr::Or(a, b) => {
                self.test_expr(a);
                self.test_expr(b);
            }
            ExtendedTestExpr::Not(inner) | ExtendedTestExpr::Parenthesized(inner) => {
                self.test_expr(inner)
            }
            ExtendedTestExpr::UnaryTest(_, word) => self.word(&word.value),
            ExtendedTestExpr::BinaryTest(_, left, right) => {
                self.word(&left.value);
                self.word(&right.value);
            }
        }
    }

    /// Routes the command substitutions in a word.
    fn word(&mut self, text: &str) {
        match words::substitutions(text) {
            Ok(programs) => self.substituted(programs),
            Err(_) => self.record_dynamic(text, "a word whose substitutions cannot be read"),
        }
    }

    fn substituted(&mut self, programs: Vec<String>) {
        for program in programs {
            self.isolated_cwd(|walker| {
                walker.nested("$(…)", |walker| walker.text(&program, false))
            });
        }
    }

    /// Runs `walk` one level deeper, with `label` added to the chain of starters.
    fn nested(&mut self, label: &str, walk: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.record_dynamic(
                label,
                &format!("commands nested more than {MAX_DEPTH} levels deep"),
            );
            return;
        }
        self.depth += 1;
        self.via.push(label.to_string());
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || walk(self));
        self.via.pop();
        self.depth -= 1;
    }

    /// Parses and routes shell text (`eval`, `sh -c`, a substitution, a script, an alias).
    /// `lasting`: what it defines stays defined for the rest of the line (`eval`, `source`).
    fn text(&mut self, text: &str, lasting: bool) {
        if text.trim().is_empty() {
            return;
        }
        match crate::shell::parse(text) {
            Ok(program) => self.program(&program, lasting),
            Err(error) => {
                let shown: String = text.chars().take(60).collect();
                self.record_dynamic(
                    &shown,
                    &format!("the shell text does not parse ({})", error.message),
                );
            }
        }
    }

    /// Routes a new shell's text: the current functions and aliases do not reach it.
    fn text_in_new_shell(&mut self, text: &str) {
        let outer = std::mem::take(&mut self.names);
        self.text(text, false);
        self.names = outer;
    }

    /// A function's body, routed once where it is first called: a `cd` in it leaves the
    /// directory unknown for what follows.
    fn function_body(&mut self, name: &str, body: &FunctionBody) {
        let label = format!("function {name}");
        self.conditional_cwd(|walker| {
            walker.nested(&label, |walker| {
                walker.compound(&body.0, false);
                for redirect in body.1.iter().flat_map(|r| r.0.iter()) {
                    walker.redirect(redirect, false);
                }
            })
        });
    }

    /// Resolves an expanded command (name and arguments) and what it starts.
    fn argv(&mut self, fields: &[Field], start: Start) {
        let first = &fields[0];
        let Some(name) = first.literal.clone() else {
            self.record_dynamic(
                &first.source,
                &format!(
                    "the command name `{}` is known only at run time",
                    first.source
                ),
            );
            return;
        };
        let mut aliased = false;
        if start.shell_names {
            if let Some(value) = self.names.aliases.get(&name).cloned() {
                aliased = true;
                if self.names.routed_aliases.insert(name.clone()) {
                    self.nested(&format!("alias {name}"), |walker| {
                        walker.text(&value, false)
                    });
                }
            }
            if let Some(def) = self.names.functions.get(&name) {
                let (body, certain) = (def.body.clone(), def.certain);
                let rule = if certain {
                    "shell function"
                } else {
                    "shell function (defined conditionally: the program of this name is \
                     routed too)"
                };
                self.record(
                    &name,
                    Resolution::new(CommandClass::Function, Route::Wasm, rule),
                );
                if self.names.routed_functions.insert(name.clone()) {
                    self.function_body(&name, &body);
                }
                if certain {
                    return;
                }
            }
        }
        if aliased {
            // Under `shopt -s expand_aliases` its routed value runs; without it the name is
            // looked up when it runs, and meets the deny rules there.
            self.record(
                &name,
                Resolution::new(
                    CommandClass::Alias,
                    Route::Wasm,
                    "shell alias (its value is routed where the alias is defined)",
                ),
            );
            return;
        }
        let lookup = if name.contains('/') {
            match self.path(&name) {
                Some(lookup) => lookup,
                None => return,
            }
        } else {
            name.clone()
        };
        let mut resolution = resolve::name(self.policy, &lookup);
        if lookup != name {
            resolution.rule = format!("{} (as {lookup})", resolution.rule);
        }
        self.record(&name, resolution);
        if start.shell_names && name == "alias" {
            self.define_aliases(&fields[1..]);
        }
        if start.shell_names && matches!(name.as_str(), "cd" | "pushd") {
            self.change_directory(&fields[1..]);
        }
        if start.shell_names && name == "popd" {
            self.cwd = None;
        }
        if wrappers::is_wrapper(&lookup) {
            self.wrapped(&lookup, &fields[1..], start);
        }
    }

    /// A command given as a path: inside a zone, its shebang or binary decides; elsewhere its
    /// basename. `None` when the path was routed here (a script or a binary).
    fn path(&mut self, path: &str) -> Option<String> {
        let guest = self.guest_path(path)?;
        let base = script::basename(path).to_string();
        let Some(head) = self.files.head(&guest, script::HEAD_BYTES) else {
            return Some(base);
        };
        match script::kind(&head) {
            ScriptKind::Shell => {
                self.record(
                    path,
                    Resolution::new(CommandClass::Script, Route::Wasm, "shell script in a zone"),
                );
                self.script_file(path, false);
                None
            }
            ScriptKind::Interpreter { name, .. } => Some(name),
            ScriptKind::Binary => {
                let resolution = resolve::native(self.policy, &base, " (a native executable)");
                let rule = format!("{} (native executable in a zone)", resolution.rule);
                self.record(path, Resolution { rule, ..resolution });
                None
            }
        }
    }

    /// A path as the guest will see it when the command runs; `None` (routed as dynamic) when it
    /// is relative and a `cd` left the directory unknown.
    fn guest_path(&mut self, path: &str) -> Option<String> {
        match &self.cwd {
            Some(cwd) => Some(normalize(cwd, path)),
            None if path.starts_with('/') => Some(normalize("/", path)),
            None => {
                self.record_dynamic(
                    path,
                    &format!(
                        "{path} is relative and the line's `cd` (one that may not run, or to a \
                         directory known only at run time) leaves the directory unknown when \
                         the line is routed"
                    ),
                );
                None
            }
        }
    }

    /// Reads a script from the zones and routes it (`sh FILE`, `source FILE`, `./run.sh`).
    fn script_file(&mut self, path: &str, shell_names: bool) {
        let Some(guest) = self.guest_path(path) else {
            return;
        };
        let label = format!("script {path}");
        match self.files.head(&guest, MAX_SCRIPT_BYTES + 1) {
            None => self.record_dynamic(
                path,
                &format!("the script {guest} is not in a zone when the line is routed (the line may write it)"),
            ),
            Some(bytes) if bytes.len() as u64 > MAX_SCRIPT_BYTES => self.record_dynamic(
                path,
                &format!("the script {guest} is larger than {MAX_SCRIPT_BYTES} bytes"),
            ),
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.nested(&label, |walker| {
                    if shell_names {
                        walker.text(&text, true);
                    } else {
                        walker.text_in_new_shell(&text);
                    }
                });
            }
        }
    }

    /// What a wrapper starts, each routed with the wrapper in its chain.
    fn wrapped(&mut self, name: &str, args: &[Field], start: Start) {
        let label = match name {
            "find" => "find -exec".to_string(),
            shell if !args.is_empty() && args.iter().any(|a| a.is("-c")) => format!("{shell} -c"),
            other => other.to_string(),
        };
        let runs_in_this_shell = wrappers::runs_in_this_shell(name);
        for inner in wrappers::inner(name, args, start.more_args_follow) {
            match inner {
                Inner::Command(fields) => {
                    let inner_start = Start {
                        shell_names: false,
                        more_args_follow: start.more_args_follow
                            || matches!(name, "xargs" | "find"),
                    };
                    self.nested(&label, |walker| walker.argv(&fields, inner_start));
                }
                Inner::ShellText(text) if runs_in_this_shell => {
                    self.nested(&label, |walker| walker.text(&text, true));
                }
                Inner::ShellText(text) => {
                    self.nested(&label, |walker| walker.text_in_new_shell(&text));
                }
                Inner::ScriptFile(path) => self.script_file(&path, runs_in_this_shell),
                Inner::Dynamic(why) => {
                    self.nested(&label, |walker| walker.record_dynamic(name, &why));
                }
            }
        }
    }

    /// `alias NAME=VALUE…`: later lines of a session may expand it, so its value is routed now.
    fn define_aliases(&mut self, args: &[Field]) {
        for field in args {
            match field.literal.as_deref().and_then(|t| t.split_once('=')) {
                Some((name, value)) => {
                    self.names
                        .aliases
                        .insert(name.to_string(), value.to_string());
                    self.names.routed_aliases.insert(name.to_string());
                    let value = value.to_string();
                    self.nested(&format!("alias {name}"), |walker| {
                        walker.text(&value, false)
                    });
                }
                None if field.literal.is_none() => {
                    self.record_dynamic(&field.source, "an alias defined at run time")
                }
                None => {}
            }
        }
    }
}
