//! `xargs`, run by the shell because it starts commands: its arguments read into the plan the
//! router inspects ([`XargsPlan`]), input split into items (blanks and quotes, `-0`, `-d`),
//! batched (`-n`, `-L`, `-I`), each batch run as a command with GNU's exit statuses (123 when a
//! command failed, 127 not found). `-P` batches run one after another.

use super::budget::{ITEM_OVERHEAD, string_cost};
use super::exec::{Interp, Io, Status};
use super::state::ShellState;
use crate::line::exit;
use crate::shell::commands::{XARGS_DEFAULT, XargsPlan};

/// The most input xargs reads (items beyond it would never fit a command anyway).
const MAX_INPUT: usize = 64 << 20;

/// Splits input the default way: blanks and newlines separate, quotes and backslashes group.
fn default_items(text: &str) -> Result<Vec<(String, usize)>, String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut started = false;
    let mut line = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if started {
                    items.push((std::mem::take(&mut current), line));
                    started = false;
                }
                if c == '\n' {
                    line += 1;
                }
            }
            '\'' | '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => {
                            return Err(format!(
                                "xargs: unmatched {} quote; by default quotes are special to xargs unless you use the -0 option",
                                if c == '"' { "double" } else { "single" }
                            ));
                        }
                        Some(other) => current.push(other),
                    }
                }
            }
            '\\' => {
                started = true;
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            other => {
                started = true;
                current.push(other);
            }
        }
    }
    if started {
        items.push((current, line));
    }
    Ok(items)
}

pub(crate) async fn run(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> Status {
    let plan = match XargsPlan::read(args) {
        Ok(plan) => plan,
        Err(refusal) => return Ok(interp.refused(io, refusal)),
    };
    let command: Vec<String> = if plan.command.is_empty() {
        vec![XARGS_DEFAULT.to_string()]
    } else {
        plan.command.to_vec()
    };
    let replace = plan.replace.clone().flatten();
    // The input, its text and the commands made of it are charged before they are made; input
    // that cannot fit the budget ends the line.
    let room = interp.budget.available().min(MAX_INPUT) / 2;
    let input = io.stdin().read_up_to(room.saturating_add(1)).await;
    if input.len() > room {
        return Err(interp.out_of_memory());
    }
    let text = String::from_utf8_lossy(&input).into_owned();
    drop(input);
    let Ok(mut held) = interp.budget.charge(text.len()) else {
        return Err(interp.out_of_memory());
    };
    let separators = match (&replace, plan.delimiter) {
        (Some(_), _) => text.bytes().filter(|&b| b == b'\n').count(),
        (None, Some(d)) => text.bytes().filter(|&b| b == d).count(),
        (None, None) => text.bytes().filter(u8::is_ascii_whitespace).count(),
    };
    let command_bytes: usize = command.iter().map(|w| string_cost(w)).sum();
    let estimate = match &replace {
        // Each input line makes one command, every `{}` in it replaced by the line.
        Some(replace) => {
            let uses: usize = command
                .iter()
                .map(|w| w.matches(replace.as_str()).count())
                .sum();
            text.len()
                .checked_mul(uses)
                .and_then(|b| b.checked_add(separators.checked_add(1)?.checked_mul(command_bytes)?))
        }
        // At most one item a separator, each in one command's arguments; one command unless
        // `-n` or `-L` cut them into several.
        None => {
            let items = separators.saturating_add(1);
            let commands = if plan.max_args.is_some() || plan.max_lines.is_some() {
                items
            } else {
                1
            };
            items
                .checked_mul(2 * ITEM_OVERHEAD)
                .and_then(|b| b.checked_add(text.len()))
                .and_then(|b| b.checked_add(command_bytes.checked_mul(commands)?))
        }
    };
    if estimate.is_none_or(|bytes| held.grow(bytes).is_err()) {
        return Err(interp.out_of_memory());
    }
    // `-E STR`: the input ends at the item (or, with `-I`, the line) that equals STR.
    let before_eof = |item: &str| plan.eof.as_deref() != Some(item);
    let batches: Vec<Vec<String>> = if let Some(replace) = &replace {
        text.split('\n')
            .map(|l| l.trim_start_matches([' ', '\t', '\x0b', '\x0c', '\r']))
            .take_while(|l| before_eof(l))
            .filter(|l| !l.is_empty())
            .map(|line| {
                command
                    .iter()
                    .map(|word| word.replace(replace.as_str(), line))
                    .collect()
            })
            .collect()
    } else {
        let items: Vec<(String, usize)> = match plan.delimiter {
            Some(d) => {
                let mut parts: Vec<&str> = text.split(d as char).collect();
                if parts.last() == Some(&"") {
                    parts.pop();
                }
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (p.to_string(), i))
                    .collect()
            }
            None => match default_items(&text) {
                Ok(items) => items,
                Err(message) => {
                    io.report(&format!("{message}\n"));
                    return Ok(1);
                }
            },
        };
        let mut batches: Vec<Vec<String>> = Vec::new();
        let mut batch: Vec<String> = Vec::new();
        let mut first_line = None;
        // `-s`: the bytes of the command line so far, each word with its NUL, as GNU counts.
        let command_size: usize = command.iter().map(|w| w.len() + 1).sum();
        let mut size = command_size;
        for (item, line) in items.into_iter().take_while(|(item, _)| before_eof(item)) {
            let line_start = *first_line.get_or_insert(line);
            if plan
                .max_chars
                .is_some_and(|max| command_size + item.len() + 1 > max)
            {
                io.report("xargs: argument line too long\n");
                return Ok(1);
            }
            let full = plan.max_args.is_some_and(|n| batch.len() >= n)
                || plan.max_lines.is_some_and(|n| line >= line_start + n)
                || plan
                    .max_chars
                    .is_some_and(|max| size + item.len() + 1 > max);
            if full && !batch.is_empty() {
                batches.push(std::mem::take(&mut batch));
                first_line = Some(line);
                size = command_size;
            }
            size += item.len() + 1;
            batch.push(item);
        }
        if !batch.is_empty() || (batches.is_empty() && !plan.no_run_if_empty) {
            batches.push(batch);
        }
        batches
            .into_iter()
            .map(|items| command.iter().cloned().chain(items).collect())
            .collect()
    };
    let mut status = 0;
    for argv in batches {
        if plan.trace {
            io.report(&format!("{}\n", argv.join(" ")));
        }
        match interp.run_in_child(state, io, argv, None).await {
            0 => {}
            exit::NOT_FOUND => return Ok(exit::NOT_FOUND),
            exit::CANNOT_RUN => return Ok(exit::CANNOT_RUN),
            255 => {
                io.report("xargs: command exited with status 255; aborting\n");
                return Ok(exit::XARGS_STOPPED);
            }
            s if s > 128 => return Ok(exit::WRAPPER_FAILED),
            _ => status = exit::XARGS_COMMAND_FAILED,
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_gnu_xargs() {
        let items: Vec<String> = default_items("a 'b c'\n\"d\" e\\ f\n")
            .unwrap()
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(items, ["a", "b c", "d", "e f"]);
        assert!(default_items("'open").is_err());
    }
}
