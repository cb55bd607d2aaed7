//! `find … -exec/-execdir/-ok/-okdir CMD {} ;|+`, run by the shell because it starts commands:
//! the toolset's `find` lists the matches (NUL-separated), then each command runs per match
//! (`;`) or per batch (`+`) with GNU's results. The actions must end the expression (the
//! usual shape); an action inside `-o` or parentheses is refused with a message.

use super::builtins::run_without_functions;
use super::exec::{Interp, Io, Status, status_of};
use super::state::ShellState;
use super::zonefs::normalize;

const ACTIONS: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];
/// The most matches one `+` command gets.
const BATCH: usize = 4096;
/// How much of find's listing is kept.
const MAX_LISTING: u64 = 64 << 20;

pub(crate) fn has_exec(args: &[String]) -> bool {
    args.iter().any(|a| ACTIONS.contains(&a.as_str()))
}

struct Action {
    in_dir: bool,
    ask: bool,
    batch: bool,
    template: Vec<String>,
}

fn split(args: &[String]) -> Result<(Vec<String>, Vec<Action>), String> {
    let first = args
        .iter()
        .position(|a| ACTIONS.contains(&a.as_str()))
        .unwrap_or(args.len());
    let mut actions = Vec::new();
    let mut index = first;
    while index < args.len() {
        let kind = args[index].as_str();
        if !ACTIONS.contains(&kind) {
            return Err(format!(
                "find: '{kind}' after {}: the zonebox shell runs -exec only at the end of the expression",
                args[first]
            ));
        }
        let start = index + 1;
        let end = args[start..]
            .iter()
            .position(|a| a == ";" || a == "+")
            .map(|p| start + p)
            .ok_or_else(|| format!("find: missing argument to `{kind}'"))?;
        let batch = args[end] == "+" && args[end - 1] == "{}";
        if start == end {
            return Err(format!("find: missing argument to `{kind}'"));
        }
        actions.push(Action {
            in_dir: kind.ends_with("dir"),
            ask: kind.starts_with("-ok"),
            batch,
            template: args[start..end].to_vec(),
        });
        index = end + 1;
    }
    Ok((args[..first].to_vec(), actions))
}

pub(crate) async fn run(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> Status {
    let (selection, actions) = match split(args) {
        Ok(parts) => parts,
        Err(message) => {
            io.report(&format!("{message}\n"));
            return Ok(1);
        }
    };
    // The listing is held while the actions run: no more of it than the budget has room for.
    let cap = MAX_LISTING.min(interp.budget.available() as u64 / 2);
    let (find_io, listing) = io.with_captured_stdout(cap);
    let mut argv = vec!["find".to_string()];
    argv.extend(selection);
    argv.push("-print0".to_string());
    let mut status = interp.run_tool(state, &find_io, &argv).await;
    let text = listing.text(cap);
    let Ok(_held) = interp.budget.charge(text.len()) else {
        return Err(interp.out_of_memory());
    };
    let paths: Vec<&str> = text.split('\0').filter(|p| !p.is_empty()).collect();
    for action in &actions {
        if action.batch {
            for chunk in paths.chunks(BATCH) {
                let mut argv: Vec<String> = action.template[..action.template.len() - 1].to_vec();
                argv.extend(chunk.iter().map(|p| p.to_string()));
                if run_one(interp, state, io, argv, None).await? != 0 {
                    status = 1;
                }
            }
            continue;
        }
        for path in &paths {
            let (cwd, shown) = if action.in_dir {
                let guest = normalize(&state.cwd, path);
                let (dir, name) = guest.rsplit_once('/').unwrap_or(("", &guest));
                (
                    Some(if dir.is_empty() {
                        "/".to_string()
                    } else {
                        dir.to_string()
                    }),
                    format!("./{name}"),
                )
            } else {
                (None, path.to_string())
            };
            let argv: Vec<String> = action
                .template
                .iter()
                .map(|w| w.replace("{}", &shown))
                .collect();
            if action.ask {
                io.report(&format!("< {} ... {shown} > ? ", action.template[0]));
                let answer = io
                    .stdin()
                    .read_until(b'\n', 4096)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if !matches!(answer.first(), Some(b'y' | b'Y')) {
                    continue;
                }
            }
            run_one(interp, state, io, argv, cwd).await?;
        }
    }
    Ok(status)
}

async fn run_one(
    interp: &Interp<'_>,
    state: &ShellState,
    io: &Io,
    argv: Vec<String>,
    cwd: Option<String>,
) -> Status {
    let mut child = state.clone();
    if let Some(cwd) = cwd {
        child.set_cwd(&cwd);
    }
    Ok(status_of(
        run_without_functions(interp, &mut child, io, argv).await,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    #[test]
    fn splits_selection_from_actions() {
        let (selection, actions) = split(&words(". -name *.rs -exec grep -l TODO {} +")).unwrap();
        assert_eq!(selection, words(". -name *.rs"));
        assert!(actions[0].batch);
        assert_eq!(actions[0].template, words("grep -l TODO {}"));
        assert!(split(&words(". -exec echo {} ; -print")).is_err());
        assert!(split(&words(". -exec echo {}")).is_err());
    }
}
