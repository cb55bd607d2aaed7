//! `getopts OPTSTRING NAME [ARG…]`: one option per call from the positional parameters (or the
//! ARGs), as bash's builtin: `OPTIND` names the next argument, `OPTARG` gets an option's value,
//! a leading `:` in OPTSTRING is silent mode (errors reported through NAME and OPTARG instead of
//! stderr). Where inside a bundled argument (`-abc`) the next call goes on is kept in the
//! shell's state and forgotten when a script sets `OPTIND` itself.

use super::exec::Io;
use super::state::{ShellState, is_name};

/// Where the last call stopped: the `OPTIND` it left and the character inside that argument.
#[derive(Debug, Clone, Default)]
pub(crate) struct GetoptsPlace {
    optind: String,
    character: usize,
}

/// What one call finds.
enum Found {
    /// No more options: OPTIND points at the first operand.
    End,
    /// An option (with its value when it takes one).
    Option(char, Option<String>),
    /// A letter OPTSTRING does not have.
    Illegal(char),
    /// An option that takes a value, with none left.
    MissingValue(char),
}

/// Runs `getopts`: 0 while it finds an option (even a wrong one), 1 at the end, 2 on misuse.
pub(crate) fn getopts(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let [optstring, name, rest @ ..] = args else {
        io.report("sh: getopts: usage: getopts optstring name [arg ...]\n");
        return 2;
    };
    if !is_name(name) {
        io.report(&format!("sh: getopts: `{name}': not a valid identifier\n"));
        return 1;
    }
    let (silent, letters) = match optstring.strip_prefix(':') {
        Some(letters) => (true, letters),
        None => (false, optstring.as_str()),
    };
    let optind_text = state
        .get("OPTIND")
        .map(|v| v.scalar().to_string())
        .unwrap_or_else(|| "1".to_string());
    let mut character = if optind_text == state.getopts.optind {
        state.getopts.character
    } else {
        0
    };
    let mut index = optind_text.trim().parse::<usize>().unwrap_or(1).max(1);
    let words = if rest.is_empty() {
        &state.positional
    } else {
        rest
    };
    let found = next_option(words, letters, &mut index, &mut character);
    let optind = index.to_string();
    state.getopts = GetoptsPlace {
        optind: optind.clone(),
        character,
    };
    state.set_scalar("OPTIND", optind);
    let program = state.name.clone();
    let (letter, optarg, status) = match found {
        Found::End => ('?', None, 1),
        Found::Option(letter, value) => (letter, value, 0),
        Found::Illegal(letter) if silent => ('?', Some(letter.to_string()), 0),
        Found::Illegal(letter) => {
            io.report(&format!("{program}: illegal option -- {letter}\n"));
            ('?', None, 0)
        }
        Found::MissingValue(letter) if silent => (':', Some(letter.to_string()), 0),
        Found::MissingValue(letter) => {
            io.report(&format!(
                "{program}: option requires an argument -- {letter}\n"
            ));
            ('?', None, 0)
        }
    };
    match optarg {
        Some(value) => state.set_scalar("OPTARG", value),
        None => state.unset("OPTARG"),
    }
    state.set_scalar(name, letter.to_string());
    status
}

/// Reads the option at `index` (1-based) and `character` inside it, moving both on.
fn next_option(words: &[String], letters: &str, index: &mut usize, character: &mut usize) -> Found {
    let Some(word) = words.get(*index - 1) else {
        *character = 0;
        return Found::End;
    };
    if *character == 0 {
        if word == "--" {
            *index += 1;
            return Found::End;
        }
        if !word.starts_with('-') || word == "-" {
            return Found::End;
        }
        *character = 1;
    }
    let chars: Vec<char> = word.chars().collect();
    let Some(&letter) = chars.get(*character) else {
        *index += 1;
        *character = 0;
        return next_option(words, letters, index, character);
    };
    *character += 1;
    let at_end = *character >= chars.len();
    let spec = letters.chars().position(|c| c == letter && c != ':');
    let Some(at) = spec else {
        if at_end {
            *index += 1;
            *character = 0;
        }
        return Found::Illegal(letter);
    };
    let takes_value = letters[letters
        .char_indices()
        .nth(at)
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(letters.len())..]
        .starts_with(':');
    if !takes_value {
        if at_end {
            *index += 1;
            *character = 0;
        }
        return Found::Option(letter, None);
    }
    let value: String = chars[*character..].iter().collect();
    *character = 0;
    *index += 1;
    if !at_end {
        return Found::Option(letter, Some(value));
    }
    match words.get(*index - 1) {
        Some(value) => {
            *index += 1;
            Found::Option(letter, Some(value.clone()))
        }
        None => Found::MissingValue(letter),
    }
}
