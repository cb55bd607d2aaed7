//! `find … -exec/-execdir/-ok/-okdir CMD {} ;|+`, run by the shell because it starts commands:
//! its arguments read into the plan the router inspects ([`FindPlan`]), the toolset's `find`
//! lists the matches (NUL-separated), then each command runs per match (`;`) or per batch (`+`)
//! with GNU's results.

use super::exec::{Interp, Io, Status};
use super::state::ShellState;
use crate::shell::commands::{FIND_PLACEHOLDER, FindPlan};
use crate::zones::normalize;

/// The most matches one `+` command gets.
const BATCH: usize = 4096;
/// How much of find's listing is kept.
const MAX_LISTING: u64 = 64 << 20;

pub(crate) async fn run(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> Status {
    let plan = match FindPlan::read(args) {
        Ok(Some(plan)) => plan,
        // No action: the toolset's find runs it (the builtin is not called then).
        Ok(None) => {
            return Ok(interp
                .run_tool(state, io, &[&["find".to_string()], args].concat())
                .await);
        }
        Err(refusal) => return Ok(interp.refused(io, refusal)),
    };
    // The listing is held while the actions run: no more of it than the budget has room for.
    let cap = MAX_LISTING.min(interp.budget.available() as u64 / 2);
    let (find_io, listing) = io.with_captured_stdout(cap);
    let mut argv = vec!["find".to_string()];
    argv.extend(plan.selection.iter().cloned());
    argv.push("-print0".to_string());
    let mut status = interp.run_tool(state, &find_io, &argv).await;
    let text = listing.text(cap);
    let Ok(_held) = interp.budget.charge(text.len()) else {
        return Err(interp.out_of_memory());
    };
    let paths: Vec<&str> = text.split('\0').filter(|p| !p.is_empty()).collect();
    for action in &plan.actions {
        if action.batch {
            for chunk in paths.chunks(BATCH) {
                let mut argv: Vec<String> = action.template[..action.template.len() - 1].to_vec();
                argv.extend(chunk.iter().map(|p| p.to_string()));
                if interp.run_in_child(state, io, argv, None).await != 0 {
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
                .map(|w| w.replace(FIND_PLACEHOLDER, &shown))
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
            interp.run_in_child(state, io, argv, cwd).await;
        }
    }
    Ok(status)
}
