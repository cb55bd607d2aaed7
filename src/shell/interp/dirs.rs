//! The working directory's builtins: `cd`, and the directory stack of `pushd`, `popd` and
//! `dirs` (the stack's first entry is always the working directory; the rest is kept in the
//! shell's state and charged to its tables).

use super::budget::Charge;
use super::exec::{Interp, Io};
use super::state::{ShellState, is_name};
use crate::zones::normalize;

/// `cd [-L|-P] [DIR|-]`.
pub(crate) async fn cd(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> i32 {
    let operands: Vec<&String> = args
        .iter()
        .filter(|a| !matches!(a.as_str(), "-L" | "-P" | "--"))
        .collect();
    if operands.len() > 1 {
        io.report(
            "sh: cd: too many arguments
",
        );
        return 1;
    }
    let (target, mut announce) = match operands.first().map(|s| s.as_str()) {
        None => (
            state
                .get("HOME")
                .map_or("/".to_string(), |v| v.scalar().to_string()),
            false,
        ),
        Some("-") => match state.get("OLDPWD") {
            Some(old) => (old.scalar().to_string(), true),
            None => {
                io.report("sh: cd: OLDPWD not set\n");
                return 1;
            }
        },
        Some(dir) => (dir.to_string(), false),
    };
    let mut target = target;
    // `shopt -s cdable_vars`: a name that is no directory may name a variable holding one.
    if state.options.cdable_vars
        && !interp.zones.is_dir(&normalize(&state.cwd, &target))
        && let Some(value) = state.get(&target).filter(|_| is_name(&target))
    {
        // bash prints where it went, as for `cd -`.
        target = value.scalar().to_string();
        announce = true;
    }
    // `cd -P`: the directory with its symbolic links resolved (the last of -L and -P wins).
    let physical = args
        .iter()
        .take_while(|a| a.as_str() != "--")
        .filter(|a| matches!(a.as_str(), "-L" | "-P"))
        .last()
        .is_some_and(|a| a == "-P");
    if physical {
        target = interp.zones.physical(&normalize(&state.cwd, &target));
    }
    if !enter(interp, state, io, "cd", &target) {
        return 1;
    }
    if announce {
        let _ = io
            .stdout()
            .write_all(format!("{}\n", state.cwd).as_bytes())
            .await;
    }
    0
}

/// Makes `target` (relative to the working directory) the working directory, or says why not
/// as `who` (`cd`, `pushd`, `popd`).
fn enter(interp: &Interp<'_>, state: &mut ShellState, io: &Io, who: &str, target: &str) -> bool {
    // `dir/..` needs `dir` to be there, as the kernel's walk does.
    if target.split('/').any(|part| part == "..") {
        let mut walked = if target.starts_with('/') {
            String::from("/")
        } else {
            state.cwd.clone()
        };
        for part in target.split('/').filter(|p| !p.is_empty() && *p != ".") {
            if part == ".." && !interp.zones.is_dir(&walked) {
                io.report(&format!("sh: {who}: {target}: No such file or directory\n"));
                return false;
            }
            walked = normalize(&walked, part);
        }
    }
    let guest = normalize(&state.cwd, target);
    if !interp.zones.is_dir(&guest) {
        let reason = if interp.zones.metadata(&guest, true).is_ok() {
            "Not a directory"
        } else {
            "No such file or directory"
        };
        io.report(&format!("sh: {who}: {target}: {reason}\n"));
        return false;
    }
    state.set_cwd(&guest);
    true
}

/// A stack position as `+N` (from the top) or `-N` (from the bottom), checked against a stack
/// of `len` entries.
fn position(arg: &str, len: usize) -> Option<Result<usize, ()>> {
    let (from_top, digits) = match arg.as_bytes().first() {
        Some(b'+') => (true, &arg[1..]),
        Some(b'-') if arg.len() > 1 && arg[1..].bytes().all(|b| b.is_ascii_digit()) => {
            (false, &arg[1..])
        }
        _ => return None,
    };
    let Ok(n) = digits.parse::<usize>() else {
        return Some(Err(()));
    };
    Some(match (from_top, n < len) {
        (_, false) => Err(()),
        (true, true) => Ok(n),
        (false, true) => Ok(len - 1 - n),
    })
}

/// What a copy of the stack costs: charged before one is made.
fn stack_cost(state: &ShellState) -> usize {
    super::budget::string_cost(&state.cwd)
        + state
            .dir_stack
            .iter()
            .map(|d| super::budget::string_cost(d))
            .sum::<usize>()
}

/// A copy of the whole stack, the working directory first, with its charge (held as long as
/// the copy is).
fn stack(state: &ShellState) -> (Charge, Vec<String>) {
    let charge = state.budget.force(stack_cost(state));
    let entries = std::iter::once(state.cwd.clone())
        .chain(state.dir_stack.iter().cloned())
        .collect();
    (charge, entries)
}

/// Makes `entries` the stack: enters the first (unless `stay`) and keeps the rest.
fn set_stack(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    who: &str,
    mut entries: Vec<String>,
    stay: bool,
) -> bool {
    if entries.is_empty() {
        return true;
    }
    if !stay && entries[0] != state.cwd && !enter(interp, state, io, who, &entries[0]) {
        return false;
    }
    entries.remove(0);
    state.dir_stack = entries;
    state.recharge_tables();
    true
}

/// `pushd [-n] [DIR | +N | -N]`: pushes DIR (entering it), rotates the stack so its Nth entry
/// is on top, or swaps the top two; then prints the stack as `dirs` does.
pub(crate) async fn pushd(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> i32 {
    let stay = args.iter().any(|a| a == "-n");
    let operands: Vec<&String> = args.iter().filter(|a| *a != "-n" && *a != "--").collect();
    let (_copy, mut entries) = stack(state);
    match operands.first().map(|s| s.as_str()) {
        None => {
            if entries.len() < 2 {
                io.report("sh: pushd: no other directory\n");
                return 1;
            }
            entries.swap(0, 1);
        }
        Some(arg) => match position(arg, entries.len()) {
            Some(Ok(n)) => entries.rotate_left(n),
            Some(Err(())) => {
                io.report(&format!(
                    "sh: pushd: {arg}: directory stack index out of range\n"
                ));
                return 1;
            }
            // Kept as written, as bash keeps it.
            None if stay => entries.insert(1, arg.to_string()),
            None => {
                let old = state.cwd.clone();
                if !enter(interp, state, io, "pushd", arg) {
                    return 1;
                }
                entries[0] = old;
                entries.insert(0, state.cwd.clone());
            }
        },
    }
    if !set_stack(interp, state, io, "pushd", entries, stay) {
        return 1;
    }
    print_stack(state, io, Listing::default()).await
}

/// `popd [-n] [+N | -N]`: drops the top entry (entering the next) or the Nth; then prints the
/// stack as `dirs` does.
pub(crate) async fn popd(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> i32 {
    let stay = args.iter().any(|a| a == "-n");
    let (_copy, mut entries) = stack(state);
    if entries.len() < 2 {
        io.report("sh: popd: directory stack empty\n");
        return 1;
    }
    let at = match args.iter().find(|a| *a != "-n" && *a != "--") {
        None if stay => 1,
        None => 0,
        Some(arg) => match position(arg, entries.len()) {
            Some(Ok(n)) => n,
            Some(Err(())) => {
                io.report(&format!(
                    "sh: popd: {arg}: directory stack index out of range\n"
                ));
                return 1;
            }
            None => {
                io.report(&format!("sh: popd: {arg}: invalid argument\n"));
                return 2;
            }
        },
    };
    entries.remove(at);
    if !set_stack(interp, state, io, "popd", entries, stay && at == 0) {
        return 1;
    }
    print_stack(state, io, Listing::default()).await
}

/// How `dirs` lists the stack.
#[derive(Default, Clone, Copy)]
struct Listing {
    /// `-l`: full paths, no `~`.
    long: bool,
    /// `-p`: one entry per line.
    lines: bool,
    /// `-v`: one per line with its position.
    numbered: bool,
}

/// `dirs [-clpv] [+N | -N]`.
pub(crate) async fn dirs(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let mut listing = Listing::default();
    let mut only = None;
    let mut cleared = false;
    for arg in args {
        if let Some(found) = position(arg, state.dir_stack.len() + 1) {
            match found {
                Ok(n) => only = Some(n),
                Err(()) => {
                    io.report(&format!(
                        "sh: dirs: {arg}: directory stack index out of range\n"
                    ));
                    return 1;
                }
            }
            continue;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            io.report(&format!("sh: dirs: {arg}: invalid argument\n"));
            return 1;
        };
        for letter in letters.chars() {
            match letter {
                'c' => cleared = true,
                'l' => listing.long = true,
                'p' => listing.lines = true,
                'v' => listing.numbered = true,
                other => {
                    io.report(&format!("sh: dirs: -{other}: invalid option\n"));
                    return 2;
                }
            }
        }
    }
    if cleared {
        state.dir_stack.clear();
        state.recharge_tables();
        return 0;
    }
    match only {
        Some(n) => {
            let dir = if n == 0 {
                &state.cwd
            } else {
                &state.dir_stack[n - 1]
            };
            let entry = shown(state, dir, listing.long);
            write_text(io, format!("{entry}\n")).await
        }
        None => print_stack(state, io, listing).await,
    }
}

/// The stack as `dirs` prints it.
async fn print_stack(state: &ShellState, io: &Io, listing: Listing) -> i32 {
    // The entries, then the text made of them: charged before either is made.
    let (_copy, entries) = stack(state);
    let _shown = state.budget.force(stack_cost(state).saturating_mul(2));
    let entries: Vec<String> = entries
        .iter()
        .map(|dir| shown(state, dir, listing.long))
        .collect();
    let text = if listing.numbered {
        entries
            .iter()
            .enumerate()
            .map(|(n, dir)| format!("{n:2}  {dir}\n"))
            .collect()
    } else if listing.lines {
        entries.iter().map(|dir| format!("{dir}\n")).collect()
    } else {
        format!("{}\n", entries.join(" "))
    };
    write_text(io, text).await
}

/// `dir` with `$HOME` shown as `~` unless `long`.
fn shown(state: &ShellState, dir: &str, long: bool) -> String {
    let home = state.get("HOME").map(|v| v.scalar().to_string());
    match home.filter(|h| !long && !h.is_empty() && h != "/") {
        Some(home) if dir == home => "~".to_string(),
        Some(home) if dir.starts_with(&format!("{home}/")) => format!("~{}", &dir[home.len()..]),
        _ => dir.to_string(),
    }
}

async fn write_text(io: &Io, text: String) -> i32 {
    match io.stdout().write_all(text.as_bytes()).await {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
