//! Commands that start other commands, and how to find what they start: `env`, `timeout`,
//! `nice`, `nohup`, `time`, `command`, `exec`, `builtin`, `xargs`, `find -exec`, the shells'
//! `-c` and script operands, `eval`, `source`, `trap`, and native wrappers (`sudo`, `doas`,
//! `su -c`, `stdbuf`, `setsid`, `ionice`, `taskset`, `chrt`, `flock`, `watch`, `strace`,
//! `ltrace`, `unbuffer`, `busybox`). Options are skipped as each program reads them, so
//! `timeout -s KILL 5 python3` finds `python3`.

use super::words::Field;

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

/// How one wrapper reads its arguments before the command it starts.
struct Spec {
    names: &'static [&'static str],
    /// Options followed by a value (`-n 5`); the attached form (`-n5`, `--signal=KILL`) is
    /// recognised too.
    with_value: &'static [&'static str],
    /// Operands before the command (timeout's duration, flock's file).
    operands: usize,
    /// The option whose value is shell text (`su -c TEXT`, `flock -c TEXT`).
    shell_text: &'static [&'static str],
    /// `NAME=VALUE` words before the command are settings (env).
    assignments: bool,
    /// The rest of the arguments are joined into shell text (watch).
    joins_text: bool,
}

const SPECS: &[Spec] = &[
    spec(
        &["env"],
        &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
        0,
    )
    .assignments(),
    spec(&["timeout"], &["-s", "--signal", "-k", "--kill-after"], 1),
    spec(&["nice"], &["-n", "--adjustment"], 0),
    spec(&["nohup", "unbuffer", "builtin", "setsid"], &[], 0),
    spec(&["command"], &[], 0),
    spec(&["exec"], &["-a"], 0),
    spec(&["time"], &["-f", "--format", "-o", "--output"], 0),
    spec(
        &["sudo"],
        &[
            "-u",
            "--user",
            "-g",
            "--group",
            "-C",
            "--close-from",
            "-D",
            "--chdir",
            "-h",
            "--host",
            "-p",
            "--prompt",
            "-r",
            "--role",
            "-t",
            "--type",
            "-U",
            "--other-user",
            "-T",
            "--command-timeout",
        ],
        0,
    ),
    spec(&["doas"], &["-u", "-C"], 0),
    spec(
        &["su", "runuser"],
        &["-s", "--shell", "-g", "--group", "-G", "-w"],
        0,
    )
    .shell_text(&["-c", "--command"]),
    spec(
        &["stdbuf"],
        &["-i", "-o", "-e", "--input", "--output", "--error"],
        0,
    ),
    spec(
        &["ionice"],
        &["-c", "--class", "-n", "--classdata", "-p", "-P", "-u"],
        0,
    ),
    spec(&["taskset"], &[], 1),
    spec(&["chrt"], &["-T", "-P", "-D"], 1),
    spec(
        &["flock"],
        &["-w", "--timeout", "-E", "--conflict-exit-code"],
        1,
    )
    .shell_text(&["-c", "--command"]),
    spec(&["watch"], &["-n", "--interval", "-d"], 0).joins(),
    spec(
        &["strace", "ltrace"],
        &[
            "-o", "-e", "-p", "-s", "-u", "-E", "-a", "-I", "-O", "-P", "-S", "-X", "-b", "-n",
        ],
        0,
    ),
    spec(&["busybox"], &[], 0),
];

const fn spec(
    names: &'static [&'static str],
    with_value: &'static [&'static str],
    operands: usize,
) -> Spec {
    Spec {
        names,
        with_value,
        operands,
        shell_text: &[],
        assignments: false,
        joins_text: false,
    }
}

impl Spec {
    const fn assignments(mut self) -> Spec {
        self.assignments = true;
        self
    }
    const fn shell_text(mut self, options: &'static [&'static str]) -> Spec {
        self.shell_text = options;
        self
    }
    const fn joins(mut self) -> Spec {
        self.joins_text = true;
        self
    }
}

/// Shells whose `-c TEXT` and script operands are routed as shell text.
const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "posh", "yash",
];

/// Whether `name` starts other commands.
pub(super) fn is_wrapper(name: &str) -> bool {
    SHELLS.contains(&name)
        || matches!(name, "xargs" | "find" | "eval" | "source" | "." | "trap")
        || SPECS.iter().any(|s| s.names.contains(&name))
}

/// What the wrapper `name` starts when given `args`. `more_args_follow` says that xargs or
/// `find -exec … +` will append arguments at run time: a wrapper with no command of its own
/// would then run one of them.
pub(super) fn inner(name: &str, args: &[Field], more_args_follow: bool) -> Vec<Inner> {
    let inner = match name {
        "xargs" => return xargs(args),
        "find" => return find(args),
        "eval" => eval(args),
        "source" | "." => args.first().map(|file| match &file.literal {
            Some(path) => Inner::ScriptFile(path.clone()),
            None => dynamic_operand(file, "the script to source"),
        }),
        "trap" => trap(args),
        "command" if args.first().is_some_and(|a| a.is("-v") || a.is("-V")) => return Vec::new(),
        shell if SHELLS.contains(&shell) => Some(shell_operands(args)),
        other => match SPECS.iter().find(|s| s.names.contains(&other)) {
            Some(spec) => after_options(spec, args),
            None => return Vec::new(),
        },
    };
    match inner {
        Some(inner) => vec![inner],
        None if more_args_follow => vec![Inner::Dynamic(format!(
            "{name} with no command of its own runs one from its appended arguments"
        ))],
        None => Vec::new(),
    }
}

fn dynamic_operand(field: &Field, what: &str) -> Inner {
    Inner::Dynamic(format!(
        "{what} `{}` is known only at run time",
        field.source
    ))
}

/// Skips options, settings and operands; the rest is the command (`None` when there is none).
fn after_options(spec: &Spec, args: &[Field]) -> Option<Inner> {
    let mut index = 0;
    while let Some(field) = args.get(index) {
        let Some(text) = field.literal.as_deref() else {
            return Some(dynamic_operand(field, "an argument before the command"));
        };
        if text == "--" {
            index += 1;
            break;
        }
        if spec.shell_text.contains(&text) {
            return Some(match args.get(index + 1) {
                Some(Field {
                    literal: Some(text),
                    ..
                }) => Inner::ShellText(text.clone()),
                Some(field) => dynamic_operand(field, "the shell text"),
                None => Inner::Dynamic("the shell text is missing".into()),
            });
        }
        if matches!(text, "-S" | "--split-string") || text.starts_with("--split-string=") {
            // env -S 'CMD ARGS': the string is split into the command and its arguments.
            let value = match text.split_once('=') {
                Some((_, value)) => Some(value.to_string()),
                None => args.get(index + 1).and_then(|f| f.literal.clone()),
            };
            return Some(match value {
                Some(value) => Inner::ShellText(value),
                None => Inner::Dynamic("env -S with a string known only at run time".into()),
            });
        }
        if text.starts_with('-') && text.len() > 1 {
            let takes_value = spec.with_value.contains(&text);
            index += if takes_value { 2 } else { 1 };
            continue;
        }
        if spec.assignments && text.contains('=') {
            index += 1;
            continue;
        }
        break;
    }
    let mut rest = args.get(index..).unwrap_or_default();
    for _ in 0..spec.operands {
        rest = rest.get(1..)?;
    }
    if rest.is_empty() {
        return None;
    }
    if spec.joins_text {
        return Some(join_literal(rest, "the watched command"));
    }
    Some(Inner::Command(rest.to_vec()))
}

/// Literal fields joined with spaces, as `eval` and `watch` join them, else dynamic.
fn join_literal(fields: &[Field], what: &str) -> Inner {
    let mut text = Vec::with_capacity(fields.len());
    for field in fields {
        match &field.literal {
            Some(literal) => text.push(literal.as_str()),
            None => return dynamic_operand(field, what),
        }
    }
    Inner::ShellText(text.join(" "))
}

fn eval(args: &[Field]) -> Option<Inner> {
    (!args.is_empty()).then(|| join_literal(args, "the text to eval"))
}

/// `trap TEXT SIGNAL…`: the text runs later, so it is routed now. `trap -p`, `trap -l` and
/// `trap SIGNAL` (reset) start nothing.
fn trap(args: &[Field]) -> Option<Inner> {
    let args = match args.first() {
        Some(first) if first.is("--") => &args[1..],
        _ => args,
    };
    if args.len() < 2
        || args[0]
            .literal
            .as_deref()
            .is_some_and(|t| t.starts_with('-'))
    {
        return None;
    }
    Some(match &args[0].literal {
        Some(text) => Inner::ShellText(text.clone()),
        None => dynamic_operand(&args[0], "the trap's command"),
    })
}

/// `sh [options] -c TEXT [name args…]`, `sh [options] FILE [args…]`, or `sh` reading stdin.
fn shell_operands(args: &[Field]) -> Inner {
    let mut command_text = false;
    let mut index = 0;
    while let Some(field) = args.get(index) {
        let Some(text) = field.literal.as_deref() else {
            return dynamic_operand(field, "a shell option");
        };
        if text == "--" || text == "-" {
            index += 1;
            break;
        }
        if !(text.starts_with('-') || text.starts_with('+')) || text.len() == 1 {
            break;
        }
        if text.starts_with("--") {
            index += 1;
            continue;
        }
        if text[1..].contains('s') && text.starts_with('-') {
            return Inner::Dynamic("the shell reads its commands from standard input".into());
        }
        if text[1..].contains('c') && text.starts_with('-') {
            command_text = true;
        }
        // -o NAME and +o NAME take the option's name.
        index += if text.ends_with('o') { 2 } else { 1 };
    }
    match args.get(index) {
        None if command_text => Inner::Dynamic("the text of -c is known only at run time".into()),
        None => Inner::Dynamic("the shell reads its commands from standard input".into()),
        Some(field) => match (&field.literal, command_text) {
            (Some(text), true) => Inner::ShellText(text.clone()),
            (Some(path), false) => Inner::ScriptFile(path.clone()),
            (None, true) => dynamic_operand(field, "the text of -c"),
            (None, false) => dynamic_operand(field, "the script"),
        },
    }
}

/// xargs options, its command (default `echo`), and the replace string that makes the
/// fields holding it dynamic.
fn xargs(args: &[Field]) -> Vec<Inner> {
    const WITH_VALUE: &[&str] = &[
        "-I",
        "-d",
        "-E",
        "-L",
        "-n",
        "-P",
        "-s",
        "-a",
        "--arg-file",
        "--delimiter",
        "--max-args",
        "--max-lines",
        "--max-procs",
        "--max-chars",
        "--eof",
        "--replace",
        "--process-slot-var",
    ];
    let mut replace: Option<String> = None;
    let mut index = 0;
    while let Some(field) = args.get(index) {
        let Some(text) = field.literal.as_deref() else {
            return vec![dynamic_operand(field, "an xargs option")];
        };
        if text == "--" {
            index += 1;
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        if text == "-I" || text == "--replace" {
            replace = args.get(index + 1).and_then(|f| f.literal.clone());
        } else if let Some(value) = text.strip_prefix("--replace=") {
            replace = Some(value.to_string());
        } else if let Some(value) = text.strip_prefix("-I") {
            replace = Some(value.to_string());
        } else if let Some(value) = text.strip_prefix("-i") {
            replace = Some(if value.is_empty() { "{}" } else { value }.to_string());
        }
        index += if WITH_VALUE.contains(&text) { 2 } else { 1 };
    }
    let mut command: Vec<Field> = args.get(index..).unwrap_or_default().to_vec();
    if command.is_empty() {
        command.push(Field {
            literal: Some("echo".into()),
            source: "echo".into(),
        });
    }
    if let Some(replace) = replace.filter(|r| !r.is_empty()) {
        mark_placeholders(&mut command, &replace);
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
    const ACTIONS: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];
    let mut found = Vec::new();
    let mut index = 0;
    while index < args.len() {
        if !ACTIONS.iter().any(|a| args[index].is(a)) {
            // A parameter could expand to -exec; a glob of file names is left alone.
            if args[index].literal.is_none() && args[index].source.contains(['$', '`']) {
                found.push(dynamic_operand(&args[index], "a find argument"));
                break;
            }
            index += 1;
            continue;
        }
        let start = index + 1;
        let end = args[start..]
            .iter()
            .position(|a| a.is(";") || a.is("+"))
            .map_or(args.len(), |p| start + p);
        let mut command = args[start..end].to_vec();
        mark_placeholders(&mut command, "{}");
        if !command.is_empty() {
            found.push(Inner::Command(command));
        }
        index = end + 1;
    }
    found
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
            first_command("timeout", &["-s", "KILL", "5", "python3"]),
            python
        );
        assert_eq!(
            first_command("timeout", &["--signal=KILL", "5s", "python3"]),
            python
        );
        assert_eq!(first_command("nice", &["-n", "5", "python3"]), python);
        assert_eq!(first_command("nice", &["-10", "python3"]), python);
        assert_eq!(
            first_command("sudo", &["-u", "root", "-E", "python3"]),
            python
        );
        assert_eq!(first_command("command", &["-p", "python3"]), python);
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
