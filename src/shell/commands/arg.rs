//! One argument as a reading of the table sees it: its text when that is known (always, for the
//! interpreter; before the line runs, only for literal words, for the router).

/// An argument of a command: the interpreter's expanded `String`s, or the router's fields.
pub(crate) trait Arg: Clone {
    /// The argument's text, when it is known.
    fn text(&self) -> Option<&str>;

    /// Whether the argument comes from an expansion that may make several words or any text
    /// (`$x`, `$(…)`): known only at run time, and able to become an option or an action.
    fn is_computed(&self) -> bool {
        false
    }

    /// Whether the argument's text is `text`.
    fn is(&self, text: &str) -> bool {
        self.text() == Some(text)
    }
}

impl Arg for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

/// Why a wrapper's arguments make no plan (xargs, `find -exec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal<'a, A> {
    /// The program refuses its arguments and runs nothing: the message it prints.
    Invalid(String),
    /// An argument known only at run time decides what runs.
    Unknown(&'a A),
}

/// The text of `arg`, or `Err(arg)` when it is known only at run time.
pub(super) fn known<A: Arg>(arg: &A) -> Result<&str, &A> {
    arg.text().ok_or(arg)
}
