//! `select NAME [in WORDS]; do …; done`: the numbered menu and the `PS3` prompt on stderr, a
//! line read from standard input into `REPLY`, NAME set to the word its number picks (empty
//! for any other answer), the body run, again until `break` or the end of the input (status
//! 1). brush-parser reads no `select`: [`crate::shell::parse`] hands it a `for` whose name
//! carries [`SELECT_MARK`].

use super::compound::{AfterBody, after_body};
use super::exec::{Interp, Io, Status};
use super::state::ShellState;
use brush_parser::ast::CompoundList;

pub(crate) use crate::shell::parse::SELECT_MARK;

impl Interp<'_> {
    pub(super) async fn run_select(
        &self,
        state: &mut ShellState,
        io: &Io,
        name: &str,
        words: &[String],
        body: &CompoundList,
    ) -> Status {
        let menu = menu(words);
        let entry = state.exec_changes;
        let mut show_menu = true;
        loop {
            self.check_limits()?;
            if show_menu {
                io.report(&menu);
            }
            let prompt = state
                .get("PS3")
                .map_or_else(|| "#? ".to_string(), |v| v.scalar().to_string());
            io.report(&prompt);
            // At the end of the input bash ends the menu's line on standard output.
            // (An input ended by the line's limits ends it with them.)
            let at_end = || async {
                self.check_limits()?;
                let _ = io.stdout().write_all(b"\n").await;
                Ok(1)
            };
            let Some(input) = io.input_at(0) else {
                return at_end().await;
            };
            // The answer is a value of the shell: no longer than the budget has room for.
            let room = self.budget.available() / 3;
            let mut line = match input.read_until(b'\n', room).await {
                Ok(Some(line)) if line.last() == Some(&b'\n') => line,
                Ok(Some(line)) if line.len() >= room => return Err(self.out_of_memory()),
                // A last line without its newline ends the input, as `read` finds it.
                _ => return at_end().await,
            };
            line.pop();
            let reply = String::from_utf8_lossy(&line).into_owned();
            // An empty answer shows the menu again and runs nothing.
            show_menu = reply.is_empty();
            if show_menu {
                continue;
            }
            let chosen = reply
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| words.get(n.checked_sub(1)?))
                .cloned()
                .unwrap_or_default();
            state.set_scalar("REPLY", reply);
            state.set_scalar(name, chosen);
            match after_body(self.run_pass(state, io, body, entry).await)? {
                AfterBody::Break => return Ok(0),
                AfterBody::Next(_) | AfterBody::Continue => {}
            }
        }
    }
}

/// The menu: `N) WORD`, one a line.
fn menu(words: &[String]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(at, word)| format!("{}) {word}\n", at + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_menu_numbers_words_from_one() {
        assert_eq!(
            super::menu(&["a".to_string(), "b c".to_string()]),
            "1) a\n2) b c\n"
        );
    }
}
