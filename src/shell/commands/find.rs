//! `find … -exec/-execdir/-ok/-okdir CMD … ;|+`, read once into a plan: the selection (what the
//! toolset's find lists) and the actions, each a command template run per match (`;`) or per
//! batch (`+` after `{}`). The actions must end the expression (the usual shape): an action
//! inside `-o` or parentheses, or anything after the actions, is refused with a message.

use super::arg::{Arg, Refusal};

/// What an action's template holds in place of the match.
pub(crate) const FIND_PLACEHOLDER: &str = "{}";

/// The actions that start commands.
const ACTIONS: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];

/// One action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FindAction<'a, A> {
    /// `-execdir`/`-okdir`: run in the match's directory, with `./NAME`.
    pub(crate) in_dir: bool,
    /// `-ok`/`-okdir`: ask on stderr, read the answer from stdin.
    pub(crate) ask: bool,
    /// Ends with `{} +`: the matches are appended in batches.
    pub(crate) batch: bool,
    /// The command template, `{}` standing for the match (for a batch, ending with the `{}`
    /// that the batch of matches replaces).
    pub(crate) template: &'a [A],
}

/// What `find` with actions will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FindPlan<'a, A> {
    /// The paths and tests before the first action.
    pub(crate) selection: &'a [A],
    pub(crate) actions: Vec<FindAction<'a, A>>,
}

/// Whether `args` hold an action (else the toolset's `find` runs them whole).
pub(crate) fn has_actions<A: Arg>(args: &[A]) -> bool {
    args.iter().any(is_action)
}

fn is_action<A: Arg>(arg: &A) -> bool {
    arg.text().is_some_and(|text| ACTIONS.contains(&text))
}

impl<'a, A: Arg> FindPlan<'a, A> {
    /// Reads find's arguments (after its name). `Ok(None)`: no action, the toolset's find.
    pub(crate) fn read(args: &'a [A]) -> Result<Option<FindPlan<'a, A>>, Refusal<'a, A>> {
        let first = args.iter().position(is_action).unwrap_or(args.len());
        if let Some(computed) = args[..first].iter().find(|a| a.is_computed()) {
            return Err(Refusal::Unknown(computed));
        }
        if first == args.len() {
            return Ok(None);
        }
        let mut actions = Vec::new();
        let mut index = first;
        while index < args.len() {
            let kind = args[index].text().unwrap_or_default();
            if !ACTIONS.contains(&kind) {
                if args[index].is_computed() {
                    return Err(Refusal::Unknown(&args[index]));
                }
                return Err(Refusal::Invalid(format!(
                    "find: '{kind}' after {}: the zonebox shell runs -exec only at the end of \
                     the expression",
                    args[first].text().unwrap_or_default()
                )));
            }
            let start = index + 1;
            let missing = || Refusal::Invalid(format!("find: missing argument to `{kind}'"));
            let end = args[start..]
                .iter()
                .position(|a| a.is(";") || a.is("+"))
                .map(|p| start + p)
                .ok_or_else(missing)?;
            if start == end {
                return Err(missing());
            }
            let batch = args[end].is("+") && args[end - 1].is(FIND_PLACEHOLDER);
            actions.push(FindAction {
                in_dir: kind.ends_with("dir"),
                ask: kind.starts_with("-ok"),
                batch,
                template: &args[start..end],
            });
            index = end + 1;
        }
        Ok(Some(FindPlan {
            selection: &args[..first],
            actions,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    #[test]
    fn splits_selection_from_actions() {
        let args = words(". -name *.rs -exec grep -l TODO {} +");
        let plan = FindPlan::read(&args).unwrap().unwrap();
        assert_eq!(plan.selection, &words(". -name *.rs")[..]);
        assert!(plan.actions[0].batch);
        assert_eq!(plan.actions[0].template, &words("grep -l TODO {}")[..]);
        assert!(FindPlan::read(&words(". -exec echo {} ; -print")).is_err());
        assert!(FindPlan::read(&words(". -exec echo {}")).is_err());
        assert_eq!(FindPlan::read(&words(". -name x")), Ok(None));
    }
}
