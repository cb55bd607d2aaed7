//! The builtins whose arguments are shell text or a script for this shell: `eval` (its
//! arguments joined), `source`/`.` (a file, then its parameters) and `trap` (text run later).

use super::arg::Arg;
use super::options::{Reading, join};

/// `eval ARGS…`: the arguments joined with spaces.
pub(crate) fn eval_text<A: Arg>(args: &[A]) -> Reading<'_, A> {
    join(after_double_dash(args), "the text to eval")
}

/// `source [--] FILE [ARGS…]`: the file.
pub(crate) fn source_file<A: Arg>(args: &[A]) -> Option<&A> {
    after_double_dash(args).first()
}

/// The arguments after a leading `--` (which `eval` and `source` accept and ignore).
pub(crate) fn after_double_dash<A: Arg>(args: &[A]) -> &[A] {
    match args.first() {
        Some(first) if first.is("--") => &args[1..],
        _ => args,
    }
}

/// `trap [--] TEXT SIGNAL…`: the text, which runs later. `trap -p`, `trap -l`, `trap SIGNAL`
/// (a reset) and `trap` alone start nothing.
pub(crate) fn trap_parts<A: Arg>(args: &[A]) -> Option<(&A, &[A])> {
    let args = match args.first() {
        Some(first) if first.is("--") => &args[1..],
        _ => args,
    };
    let (text, signals) = args.split_first()?;
    if signals.is_empty() || text.text().is_some_and(|t| t.starts_with('-') && t != "-") {
        return None;
    }
    Some((text, signals))
}

/// What `trap`'s arguments start, for the router (`-` resets: nothing).
pub(crate) fn trap_text<A: Arg>(args: &[A]) -> Reading<'_, A> {
    match trap_parts(args) {
        Some((text, _)) if text.is("-") => Reading::Nothing,
        Some((text, _)) => match text.text() {
            Some(known) => Reading::ShellText(known.to_string()),
            None => Reading::Unknown {
                arg: text,
                what: "the trap's command",
            },
        },
        None => Reading::Nothing,
    }
}
