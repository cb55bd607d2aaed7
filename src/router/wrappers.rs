//! What the commands that start other commands start, as the router sees them before the line
//! runs. The shell's command table ([`crate::shell::commands`]) says which commands start others
//! and reads their arguments — the very reading the interpreter runs — and this turns each
//! reading into what the walker routes: a command, shell text, a script file, or a reason why it
//! is known only at run time.

use super::words::Field;
use crate::shell::commands::{
    self, Arg, FindPlan, Reading, Refusal, ShellCall, ShellSource, Starts, XargsPlan,
};

/// What a wrapper starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Inner {
    /// A command: its name and arguments.
    Command(Vec<Field>),
    /// Shell text to parse and route (`sh -c TEXT`, `eval`, `trap`, `su -c`, `watch`).
    ShellText(String),
    /// A shell script to read from the zones and route (`sh FILE`, `source FILE`).
    ScriptFile(String),
    /// Something known only at run time, and why.
    Dynamic(String),
}

impl Arg for Field {
    fn text(&self) -> Option<&str> {
        self.literal.as_deref()
    }

    fn is_computed(&self) -> bool {
        self.literal.is_none() && self.source.contains(['$', '`'])
    }
}

/// Whether `name` starts other commands.
pub(super) fn is_wrapper(name: &str) -> bool {
    commands::starts(name).is_some()
}

/// Whether what `name` starts runs in this shell (its functions and aliases apply).
pub(super) fn runs_in_this_shell(name: &str) -> bool {
    matches!(
        commands::starts(name),
        Some(Starts::Eval | Starts::Source | Starts::Trap)
    )
}

/// What the wrapper `name` starts when given `args`. `more_args_follow` says that xargs or
/// `find -exec … +` will append arguments at run time: a wrapper with no command of its own
/// would then run one of them.
pub(super) fn inner(name: &str, args: &[Field], more_args_follow: bool) -> Vec<Inner> {
    let Some(starts) = commands::starts(name) else {
        return Vec::new();
    };
    let reading = match starts {
        Starts::Nothing => return Vec::new(),
        Starts::Xargs => return xargs(args),
        Starts::FindExec => return find(args),
        Starts::Shell => return vec![shell(args)],
        Starts::Source => match commands::source_file(args) {
            Some(file) => match &file.literal {
                Some(path) => return vec![Inner::ScriptFile(path.clone())],
                None => return vec![dynamic_operand(file, "the script to source")],
            },
            None => Reading::Nothing,
        },
        Starts::Eval => commands::eval_text(args),
        Starts::Trap => commands::trap_text(args),
        Starts::AfterOptions(options) => options.read(args),
    };
    match reading {
        Reading::Command { command, .. } => vec![Inner::Command(command.to_vec())],
        Reading::ShellText(text) => vec![Inner::ShellText(text)],
        Reading::Unknown { arg, what } => vec![dynamic_operand(arg, what)],
        Reading::Nothing if more_args_follow => vec![Inner::Dynamic(format!(
            "{name} with no command of its own runs one from its appended arguments"
        ))],
        Reading::Nothing => Vec::new(),
    }
}

fn dynamic_operand(field: &Field, what: &str) -> Inner {
    Inner::Dynamic(format!(
        "{what} `{}` is known only at run time",
        field.source
    ))
}

/// A shell's `-c TEXT`, script file, or standard input.
fn shell(args: &[Field]) -> Inner {
    match ShellCall::read(args).source {
        ShellSource::Text(field) => match &field.literal {
            Some(text) => Inner::ShellText(text.clone()),
            None => dynamic_operand(field, "the text of -c"),
        },
        ShellSource::File(field) => match &field.literal {
            Some(path) => Inner::ScriptFile(path.clone()),
            None => dynamic_operand(field, "the script"),
        },
        ShellSource::Stdin => {
            Inner::Dynamic("the shell reads its commands from standard input".into())
        }
        ShellSource::MissingText => {
            Inner::Dynamic("the text of -c is known only at run time".into())
        }
        ShellSource::Unknown(field) => dynamic_operand(field, "a shell option"),
    }
}

/// xargs' command (default `echo`); the fields that hold its replace string are known only
/// at run time (all of them when the replace string itself is).
fn xargs(args: &[Field]) -> Vec<Inner> {
    let plan = match XargsPlan::read(args) {
        Ok(plan) => plan,
        // xargs refuses its options and runs nothing.
        Err(Refusal::Invalid(_)) => return Vec::new(),
        Err(Refusal::Unknown(field)) => return vec![dynamic_operand(field, "an xargs option")],
    };
    let mut command: Vec<Field> = plan.command.to_vec();
    if command.is_empty() {
        command.push(Field {
            literal: Some(commands::XARGS_DEFAULT.into()),
            source: commands::XARGS_DEFAULT.into(),
        });
    }
    match &plan.replace {
        Some(Some(replace)) => mark_placeholders(&mut command, replace),
        Some(None) => command.iter_mut().for_each(|field| field.literal = None),
        None => {}
    }
    vec![Inner::Command(command)]
}

/// Fields that hold a placeholder (`{}`) get their text at run time.
fn mark_placeholders(fields: &mut [Field], placeholder: &str) {
    for field in fields {
        if field
            .literal
            .as_deref()
            .is_some_and(|t| t.contains(placeholder))
        {
            field.literal = None;
        }
    }
}

/// `find … -exec CMD … ;|+` (and -execdir, -ok, -okdir): each action's command.
fn find(args: &[Field]) -> Vec<Inner> {
    match FindPlan::read(args) {
        // No action, or an expression find refuses: nothing starts.
        Ok(None) | Err(Refusal::Invalid(_)) => Vec::new(),
        Err(Refusal::Unknown(field)) => vec![dynamic_operand(field, "a find argument")],
        Ok(Some(plan)) => plan
            .actions
            .iter()
            .map(|action| {
                let mut command = action.template.to_vec();
                mark_placeholders(&mut command, commands::FIND_PLACEHOLDER);
                Inner::Command(command)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::{BRACE_BYTES, all_fields};
    use super::*;
    use crate::shell::interp::Budget;

    fn test_budget() -> std::sync::Arc<Budget> {
        Budget::new(BRACE_BYTES)
    }

    fn first_command(name: &str, line: &[&str]) -> Option<String> {
        match inner(
            name,
            &all_fields(line.iter().copied(), &test_budget()),
            false,
        )
        .first()
        {
            Some(Inner::Command(fields)) => fields[0].literal.clone(),
            Some(other) => Some(format!("{other:?}")),
            None => None,
        }
    }

    #[test]
    fn options_are_skipped_as_each_program_reads_them() {
        let python = Some("python3".to_string());
        assert_eq!(
            first_command("env", &["-i", "A=1", "-u", "B", "python3"]),
            python
        );
        assert_eq!(
            first_command("timeout", &["--signal=KILL", "5s", "python3"]),
            python
        );
        assert_eq!(first_command("nice", &["-10", "python3"]), python);
        assert_eq!(first_command("command", &["-v", "python3"]), None);
        assert_eq!(first_command("env", &[]), None);
        assert_eq!(
            first_command("xargs", &["-0", "-n", "1"]).as_deref(),
            Some("echo")
        );
        assert_eq!(first_command("xargs", &["-I{}", "python3", "{}"]), python);
    }

    #[test]
    fn shells_give_their_text_or_script() {
        let fields = all_fields(["-e", "-c", "python3 x", "name"], &test_budget());
        assert_eq!(
            inner("bash", &fields, false),
            [Inner::ShellText("python3 x".into())]
        );
        let fields = all_fields(["-o", "pipefail", "run.sh"], &test_budget());
        assert_eq!(
            inner("sh", &fields, false),
            [Inner::ScriptFile("run.sh".into())]
        );
        assert!(matches!(inner("sh", &[], false)[0], Inner::Dynamic(_)));
        assert!(matches!(
            inner("sh", &all_fields(["-c"], &test_budget()), false)[0],
            Inner::Dynamic(_)
        ));
    }

    #[test]
    fn placeholders_are_dynamic() {
        let fields = all_fields(["-I{}", "sh", "-c", "echo {}"], &test_budget());
        let [Inner::Command(command)] = &inner("xargs", &fields, false)[..] else {
            panic!()
        };
        assert_eq!(command[2].literal, None);
        let fields = all_fields(
            [".", "-name", "*.py", "-exec", "python3", "{}", ";"],
            &test_budget(),
        );
        let [Inner::Command(command)] = &inner("find", &fields, false)[..] else {
            panic!()
        };
        assert!(command[0].is("python3") && command[1].literal.is_none());
        assert!(matches!(inner("env", &[], true)[0], Inner::Dynamic(_)));
    }
}
