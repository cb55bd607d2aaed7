//! `compgen`: the words a completion would offer, printed one a line — from a word list
//! (`-W`), the shell's names (`-v -e -a -b -k -c`, `-A function`…), the files and directories
//! of the zones (`-f -d`) or a pattern (`-G`), those starting with the word given, less those
//! `-X` filters out, with `-P`/`-S` around each. A word list is split as bash splits it and
//! its words expanded, except that a command substitution in it is refused: the router only
//! sees commands in the line itself.

use super::exec::{Interp, Io, Status, Unwind};
use super::pattern;
use super::state::ShellState;
use super::type_of::BASH_BUILTINS;
use crate::shell::commands::TOOL_NAMES;
use crate::zones::normalize;

/// bash's reserved words in the order `compgen -k` lists them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
];

/// What one source of words names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Alias,
    Builtin,
    Command,
    Directory,
    Export,
    File,
    Function,
    Keyword,
    Variable,
}

impl Action {
    fn of_letter(letter: char) -> Option<Action> {
        Some(match letter {
            'a' => Action::Alias,
            'b' => Action::Builtin,
            'c' => Action::Command,
            'd' => Action::Directory,
            'e' => Action::Export,
            'f' => Action::File,
            'k' => Action::Keyword,
            'v' => Action::Variable,
            _ => return None,
        })
    }

    fn of_name(name: &str) -> Option<Action> {
        Some(match name {
            "alias" => Action::Alias,
            "builtin" => Action::Builtin,
            "command" => Action::Command,
            "directory" => Action::Directory,
            "export" => Action::Export,
            "file" => Action::File,
            "function" => Action::Function,
            "keyword" => Action::Keyword,
            "variable" => Action::Variable,
            _ => return None,
        })
    }
}

/// One call's options.
#[derive(Debug, Default)]
struct Call {
    actions: Vec<Action>,
    words: Option<String>,
    glob: Option<String>,
    filter: Option<String>,
    prefix: String,
    suffix: String,
    word: String,
}

fn read_call(args: &[String]) -> Result<Call, String> {
    let mut call = Call::default();
    let mut at = 0;
    while let Some(arg) = args.get(at) {
        at += 1;
        if arg == "--" {
            break;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            at -= 1;
            break;
        };
        for (index, letter) in letters.char_indices() {
            if let Some(action) = Action::of_letter(letter) {
                call.actions.push(action);
                continue;
            }
            if !"WAGXPSFCo".contains(letter) {
                return Err(format!("-{letter}: invalid option"));
            }
            // An option with a value: the rest of this argument or the next one.
            let rest = &letters[index + letter.len_utf8()..];
            let value = if rest.is_empty() {
                let value = args
                    .get(at)
                    .ok_or_else(|| format!("-{letter}: option requires an argument"))?;
                at += 1;
                value.clone()
            } else {
                rest.to_string()
            };
            match letter {
                'W' => call.words = Some(value),
                'G' => call.glob = Some(value),
                'X' => call.filter = Some(value),
                'P' => call.prefix = value,
                'S' => call.suffix = value,
                'A' => call.actions.push(
                    Action::of_name(&value)
                        .ok_or_else(|| format!("{value}: invalid action name"))?,
                ),
                'F' | 'C' => {
                    return Err(format!(
                        "-{letter}: completion functions and commands are not supported by \
                         the zonebox shell"
                    ));
                }
                _ => {}
            }
            break;
        }
    }
    if let Some(word) = args.get(at) {
        call.word = word.clone();
    }
    Ok(call)
}

/// The words of a `-W` list: split at IFS characters outside quotes, quotes kept for the
/// expansion that follows.
fn split_word_list(text: &str, ifs: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\\') | (Some('"'), '\\') => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(open), _) if c == open => {
                quote = None;
                current.push(c);
            }
            (None, _) if ifs.contains(c) => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a word list would start a command when expanded.
fn starts_command(text: &str) -> bool {
    text.contains("$(") || text.contains('`') || text.contains("<(") || text.contains(">(")
}

impl Interp<'_> {
    pub(crate) async fn compgen(&self, state: &mut ShellState, io: &Io, args: &[String]) -> Status {
        let call = match read_call(args) {
            Ok(call) => call,
            Err(message) => {
                io.report(&format!("sh: compgen: {message}\n"));
                return Ok(2);
            }
        };
        let mut found: Vec<String> = Vec::new();
        for action in &call.actions {
            self.check_limits()?;
            found.extend(self.action_words(state, *action, &call.word)?);
        }
        if let Some(list) = &call.words {
            if starts_command(list) {
                io.report(
                    "sh: compgen: -W: a command substitution in the word list is not run by \
                     the zonebox shell (the router sees only the line's own commands)\n",
                );
                return Ok(2);
            }
            self.room(list.len().saturating_mul(2))?;
            let words: Vec<brush_parser::ast::Word> = split_word_list(list, &state.ifs())
                .into_iter()
                .map(|value| brush_parser::ast::Word { value, loc: None })
                .collect();
            let expanded = self.expand_words(state, io, &words).await?;
            found.extend(expanded.into_iter().filter(|w| w.starts_with(&call.word)));
        }
        if let Some(glob) = &call.glob {
            found.extend(self.globbed(state, glob)?);
        }
        if let Some(filter) = &call.filter {
            let (keep_matching, pattern) = match filter.strip_prefix('!') {
                Some(pattern) => (true, pattern),
                None => (false, filter.as_str()),
            };
            found.retain(|word| pattern::matches(word, pattern) == keep_matching);
        }
        if found.is_empty() {
            return Ok(1);
        }
        let mut out = String::new();
        for word in &found {
            self.room(out.len() + word.len() + call.prefix.len() + call.suffix.len())?;
            out.push_str(&call.prefix);
            out.push_str(word);
            out.push_str(&call.suffix);
            out.push('\n');
        }
        let _ = io.stdout().write_all(out.as_bytes()).await;
        Ok(0)
    }

    /// The names one action offers that start with `word`.
    fn action_words(
        &self,
        state: &ShellState,
        action: Action,
        word: &str,
    ) -> Result<Vec<String>, Unwind> {
        let sorted = |names: Vec<&String>| {
            let mut names: Vec<String> = names.into_iter().cloned().collect();
            names.sort();
            names
        };
        let starts = |name: &&String| name.starts_with(word);
        let words = match action {
            Action::Alias => sorted(state.aliases.keys().filter(starts).collect()),
            Action::Function => sorted(state.functions.keys().filter(starts).collect()),
            Action::Variable | Action::Export => sorted(
                state
                    .vars
                    .iter()
                    .filter(|(_, v)| !v.attributes.unset)
                    .filter(|(_, v)| action == Action::Variable || v.exported)
                    .map(|(name, _)| name)
                    .filter(starts)
                    .collect(),
            ),
            Action::Keyword => listed(KEYWORDS, word),
            Action::Builtin => listed(BASH_BUILTINS, word),
            Action::Command => {
                let mut names = sorted(state.aliases.keys().filter(starts).collect());
                names.extend(listed(KEYWORDS, word));
                names.extend(sorted(state.functions.keys().filter(starts).collect()));
                names.extend(listed(BASH_BUILTINS, word));
                names.extend(listed(TOOL_NAMES, word));
                names
            }
            Action::File | Action::Directory => {
                self.paths(state, word, action == Action::Directory)?
            }
        };
        self.room(words.iter().map(String::len).sum())?;
        Ok(words)
    }

    /// The paths in the zones that start with `word`, in the directory's own order.
    fn paths(
        &self,
        state: &ShellState,
        word: &str,
        only_dirs: bool,
    ) -> Result<Vec<String>, Unwind> {
        let (dir, leaf) = match word.rfind('/') {
            Some(at) => (&word[..=at], &word[at + 1..]),
            None => ("", word),
        };
        let guest = normalize(&state.cwd, if dir.is_empty() { "." } else { dir });
        let mut paths = Vec::new();
        for name in self.zones.list(&guest) {
            self.check_limits()?;
            if !name.starts_with(leaf) || (leaf.is_empty() && (name == "." || name == "..")) {
                continue;
            }
            let path = format!("{dir}{name}");
            if only_dirs && !self.zones.is_dir(&normalize(&state.cwd, &path)) {
                continue;
            }
            paths.push(path);
        }
        Ok(paths)
    }

    /// `-G PATTERN`: the paths it matches.
    fn globbed(&self, state: &ShellState, glob: &str) -> Result<Vec<String>, Unwind> {
        let options = pattern::GlobOptions::of(&state.options);
        pattern::glob(&self.zones, &state.cwd, glob, options, &self.budget)
            .map_err(|stop| self.stopped_by(stop))
    }
}

/// The names of a fixed list that start with `word`, in its order.
fn listed(names: &[&str], word: &str) -> Vec<String> {
    names
        .iter()
        .filter(|name| name.starts_with(word))
        .map(|name| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_split_outside_quotes() {
        assert_eq!(
            split_word_list("a  'b c' \"d e\"\tf\\ g", " \t\n"),
            ["a", "'b c'", "\"d e\"", "f\\ g"]
        );
    }

    #[test]
    fn options_take_values_glued_or_apart() {
        let args: Vec<String> = ["-W", "a b", "-Pp", "-v", "x"].map(String::from).into();
        let call = read_call(&args).unwrap();
        assert_eq!(call.words.as_deref(), Some("a b"));
        assert_eq!(call.prefix, "p");
        assert_eq!(call.actions, [Action::Variable]);
        assert_eq!(call.word, "x");
        assert!(read_call(&["-z".to_string()]).is_err());
        assert!(read_call(&["-F".to_string(), "f".to_string()]).is_err());
    }
}
