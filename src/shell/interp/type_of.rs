//! What a name is to the shell — `type [-tapPf] NAME…`, `command -v NAME…` and
//! `command -V NAME…`: an alias, a keyword, a function, a builtin (bash's builtins, whether
//! this shell or the toolset runs them), a toolset command at `/bin/NAME`, or an executable
//! file in a zone named by its path.

use super::exec::Io;
use super::state::ShellState;
use crate::shell::commands::{is_builtin, is_tool};
use crate::zones::{ZoneFs, normalize};

/// bash's reserved words.
const KEYWORDS: &[&str] = &[
    "!", "[[", "]]", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for",
    "function", "if", "in", "select", "then", "time", "until", "while", "{", "}",
];

/// Names bash runs as builtins, including those the toolset runs here (`echo`, `printf`,
/// `kill`, …): scripts ask `type` to tell builtins from programs.
pub(crate) const BASH_BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "echo",
    "enable",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "getopts",
    "hash",
    "help",
    "history",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "wait",
];

/// What a name is, first match first (as bash looks them up).
enum Kind {
    Alias(String),
    Keyword,
    Function,
    Builtin,
    File(String),
}

/// Every kind a name has (`type -a`), in bash's order.
fn kinds(state: &ShellState, zones: &ZoneFs, name: &str, functions: bool) -> Vec<Kind> {
    let mut kinds = Vec::new();
    // Aliases are listed only where they expand (`shopt -s expand_aliases`, which this shell
    // refuses); `bash -c` does not report them either.
    if state.options.expand_aliases
        && let Some(value) = state.aliases.get(name)
    {
        kinds.push(Kind::Alias(value.clone()));
    }
    if KEYWORDS.contains(&name) {
        kinds.push(Kind::Keyword);
    }
    if functions && state.functions.contains_key(name) {
        kinds.push(Kind::Function);
    }
    if BASH_BUILTINS.contains(&name) || is_builtin(name) && !is_tool(name) {
        kinds.push(Kind::Builtin);
    }
    if is_tool(name) {
        kinds.push(Kind::File(format!("/bin/{name}")));
    } else if name.contains('/') && is_program_file(state, zones, name) {
        kinds.push(Kind::File(name.to_string()));
    }
    kinds
}

/// A path that names a program: a toolset command's own path (`/bin/NAME`, `/usr/bin/NAME`),
/// or an executable regular file in a zone (not a directory).
fn is_program_file(state: &ShellState, zones: &ZoneFs, path: &str) -> bool {
    use cap_std::fs::PermissionsExt;
    let guest = normalize(&state.cwd, path);
    if let Some(tool) = guest
        .strip_prefix("/bin/")
        .or_else(|| guest.strip_prefix("/usr/bin/"))
    {
        return is_tool(tool);
    }
    zones
        .metadata(&guest, true)
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How `type` (or `command -v` / `-V`) reports names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Report {
    /// `type`, `command -V`: a sentence per name.
    Sentence,
    /// `type -t`: a word per name.
    Word,
    /// `type -p`/`-P`: the file, if the name is one.
    Path { force: bool },
    /// `command -v`: the name, or the file's path, or the alias as a command.
    Short,
}

/// `type [-afptP] NAME…`: the report and the names; `Err` for an unknown option.
pub(crate) fn type_options(args: &[String]) -> Result<(Report, bool, bool, &[String]), String> {
    let (mut report, mut all, mut functions) = (Report::Sentence, false, true);
    let mut index = 0;
    while let Some(letters) = args.get(index).and_then(|a| a.strip_prefix('-')) {
        index += 1;
        if letters == "-" {
            break;
        }
        for letter in letters.chars() {
            match letter {
                'a' => all = true,
                'f' => functions = false,
                't' => report = Report::Word,
                'p' => report = Report::Path { force: false },
                'P' => report = Report::Path { force: true },
                other => return Err(format!("-{other}: invalid option")),
            }
        }
    }
    Ok((report, all, functions, &args[index..]))
}

/// Reports each name; 1 when any is not found (`command -v`: when none is found).
pub(crate) async fn report_names(
    state: &ShellState,
    zones: &ZoneFs,
    io: &Io,
    names: &[String],
    report: Report,
    all: bool,
    functions: bool,
) -> i32 {
    let mut out = String::new();
    let mut status = 0;
    let mut found_any = false;
    for name in names {
        let mut kinds = kinds(state, zones, name, functions);
        if let Report::Path { force: true } = report {
            kinds.retain(|k| matches!(k, Kind::File(_)));
        }
        if !all {
            kinds.truncate(1);
        }
        if kinds.is_empty() {
            status = 1;
            if matches!(report, Report::Sentence) {
                io.report(&format!("sh: type: {name}: not found\n"));
            }
            continue;
        }
        found_any = true;
        for kind in kinds {
            let line = match (report, kind) {
                (Report::Sentence, Kind::Alias(value)) => {
                    format!("{name} is aliased to `{value}'")
                }
                (Report::Sentence, Kind::Keyword) => format!("{name} is a shell keyword"),
                (Report::Sentence, Kind::Function) => format!("{name} is a function"),
                (Report::Sentence, Kind::Builtin) => format!("{name} is a shell builtin"),
                (Report::Sentence, Kind::File(path)) => format!("{name} is {path}"),
                (Report::Word, Kind::Alias(_)) => "alias".to_string(),
                (Report::Word, Kind::Keyword) => "keyword".to_string(),
                (Report::Word, Kind::Function) => "function".to_string(),
                (Report::Word, Kind::Builtin) => "builtin".to_string(),
                (Report::Word, Kind::File(_)) => "file".to_string(),
                (Report::Path { .. }, Kind::File(path)) => path,
                (Report::Path { .. }, _) => continue,
                (Report::Short, Kind::Alias(value)) => format!("alias {name}='{value}'"),
                (Report::Short, Kind::File(path)) => path,
                (Report::Short, _) => name.clone(),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    let _ = io.stdout().write_all(out.as_bytes()).await;
    if report == Report::Short {
        i32::from(!found_any)
    } else {
        status
    }
}
