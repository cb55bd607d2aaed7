//! Shell patterns (`*`, `?`, `[…]`, extglob): matching for `case`, `[[ == ]]` and `${x#p}`, and
//! pathname expansion against the zones. Patterns become regexes through brush-parser.

use super::budget::{self, Budget, Stop};
use crate::upstream::guarded;
use crate::zones::{ZoneFs, normalize};
use brush_parser::word::SubstringMatchKind;
use regex::Regex;

/// The most paths one glob may produce.
const MAX_GLOB_MATCHES: usize = 100_000;

/// Makes text match itself literally inside a pattern.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '?' | '[' | ']' | '\\' | '(' | ')' | '|' | '!' | '+' | '@' | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How many extended-glob groups (`@(` `*(` `+(` `?(` `!(`) a pattern may open: brush-parser's
/// pattern parser backtracks through unclosed ones exponentially (24 take seconds).
const MAX_EXTGLOB_GROUPS: usize = 8;

/// Whether brush-parser may be given `pattern` (it can come from a variable at run time); a
/// pattern past the bound is matched as literal text.
fn tame(pattern: &str) -> bool {
    let groups = pattern
        .as_bytes()
        .windows(2)
        .filter(|pair| matches!(pair[0], b'@' | b'*' | b'+' | b'?' | b'!') && pair[1] == b'(')
        .count();
    groups <= MAX_EXTGLOB_GROUPS
}

fn body(pattern: &str) -> Option<String> {
    if !tame(pattern) {
        return Some(regex::escape(pattern));
    }
    let pattern = leading_brackets_escaped(pattern);
    guarded(|| brush_parser::pattern::pattern_to_regex_str(&pattern, true))?.ok()
}

/// `[]z]` and `[!]z]`: a `]` first in a bracket expression is one of its members (POSIX),
/// which brush-parser reads as the bracket's end; it is given escaped.
fn leading_brackets_escaped(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains("]") {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 2);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => out.extend(chars.next()),
            '[' => {
                let negated = chars.peek().is_some_and(|c| matches!(c, '!' | '^'));
                if negated {
                    out.extend(chars.next());
                }
                // bash reads `[^]]` and `[!]]` as no bracket expression at all.
                let mut ahead = chars.clone();
                if ahead.next() == Some(']') && !(negated && ahead.next() == Some(']')) {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            _ => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

fn compile(regex: &str) -> Option<Regex> {
    regex::RegexBuilder::new(regex)
        .dot_matches_new_line(true)
        .size_limit(1 << 22)
        .build()
        .ok()
}

/// True when the whole of `text` matches the pattern.
pub(crate) fn matches(text: &str, pattern: &str) -> bool {
    body(pattern)
        .and_then(|b| compile(&format!("^(?:{b})$")))
        .is_some_and(|r| r.is_match(text))
}

/// The regex for `${x/p/r}` of each kind.
pub(crate) fn regex(pattern: &str, kind: &SubstringMatchKind) -> Option<Regex> {
    let b = body(pattern)?;
    let anchored = match kind {
        SubstringMatchKind::Prefix => format!("^(?:{b})"),
        SubstringMatchKind::Suffix => format!("(?:{b})$"),
        SubstringMatchKind::FirstOccurrence | SubstringMatchKind::Anywhere => format!("(?:{b})"),
    };
    compile(&anchored)
}

/// Candidate cuts tried between two looks at the line's limits.
const CUTS_PER_CHECK: usize = 64;

/// `${x%p}` `${x%%p}` `${x#p}` `${x##p}`: removes the smallest or largest matching affix. Each
/// cut is one match of the affix, so the work is quadratic in the value: the line's wall clock
/// is checked as it goes.
pub(crate) fn remove_affix(
    value: &str,
    pattern: &str,
    suffix: bool,
    largest: bool,
    budget: &Budget,
) -> Result<String, Stop> {
    // A pattern without wildcards has one affix to try, and needs no regex.
    if !has_glob(pattern) {
        let literal = unescape(pattern);
        let rest = if suffix {
            value.strip_suffix(literal.as_str())
        } else {
            value.strip_prefix(literal.as_str())
        };
        return Ok(rest.unwrap_or(value).to_string());
    }
    let Some(whole) = body(pattern).and_then(|b| compile(&format!("^(?:{b})$"))) else {
        return Ok(value.to_string());
    };
    budget.room(value.len().saturating_mul(std::mem::size_of::<usize>()))?;
    let cuts: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(value.len()))
        .collect();
    let candidates: Box<dyn Iterator<Item = &usize>> = match (suffix, largest) {
        (false, false) => Box::new(cuts.iter()),
        (false, true) => Box::new(cuts.iter().rev()),
        (true, false) => Box::new(cuts.iter().rev()),
        (true, true) => Box::new(cuts.iter()),
    };
    for (tried, &cut) in candidates.enumerate() {
        if tried % CUTS_PER_CHECK == CUTS_PER_CHECK - 1 {
            budget.check()?;
        }
        let (affix, rest) = if suffix {
            (&value[cut..], &value[..cut])
        } else {
            (&value[..cut], &value[cut..])
        };
        if whole.is_match(affix) {
            return Ok(rest.to_string());
        }
    }
    Ok(value.to_string())
}

/// A pattern without wildcards as the text it matches (its escapes removed).
fn unescape(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn has_glob(component: &str) -> bool {
    let component = leading_brackets_escaped(component);
    tame(&component)
        && guarded(|| brush_parser::pattern::pattern_has_glob_metacharacters(&component, true))
            .unwrap_or(true)
}

/// How pathname expansion reads its patterns (`shopt` options).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GlobOptions {
    /// `dotglob`: `*` matches names that start with a dot.
    pub(crate) dotglob: bool,
    /// `globstar`: `**` as a whole component matches any depth of directories.
    pub(crate) globstar: bool,
    /// `nocaseglob`: letters match either case.
    pub(crate) nocase: bool,
    /// `globskipdots` off: a pattern starting with `.` matches `.` and `..` too.
    pub(crate) dot_entries: bool,
}

impl GlobOptions {
    /// The glob options the shell's `shopt` options give.
    pub(crate) fn of(options: &super::state::Options) -> GlobOptions {
        use super::options::Family;
        GlobOptions {
            dotglob: options.dotglob,
            globstar: options.globstar,
            nocase: options.nocaseglob,
            dot_entries: options.get(Family::Shopt, "globskipdots") == Some(false),
        }
    }
}

/// Pathname expansion: the sorted paths in the zones matching `pattern` (relative patterns
/// from `cwd`, and the matches relative too); empty when nothing matches. Each directory read
/// looks at the line's limits, and the names read are taken from the budget's room.
pub(crate) fn glob(
    zones: &ZoneFs,
    cwd: &str,
    pattern: &str,
    options: GlobOptions,
    budget: &Budget,
) -> Result<Vec<String>, Stop> {
    let absolute = pattern.starts_with('/');
    let mut found: Vec<String> = vec![String::new()];
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut kept = 0usize;
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let must_be_dir = !last || pattern.ends_with('/');
        let mut next = Vec::new();
        let shown = |prefix: &str, name: &str| {
            if prefix.is_empty() {
                if absolute {
                    format!("/{name}")
                } else {
                    name.to_string()
                }
            } else {
                format!("{prefix}/{name}")
            }
        };
        let guest_dir = |prefix: &str| {
            normalize(
                cwd,
                match (prefix.is_empty(), absolute) {
                    (false, _) => prefix,
                    (true, true) => "/",
                    (true, false) => ".",
                },
            )
        };
        if options.globstar && *component == "**" {
            for prefix in &found {
                // No directory at all: the prefix itself (shown `a/` when last, as bash does).
                if !last {
                    next.push(prefix.clone());
                } else if !prefix.is_empty() && !must_be_dir {
                    next.push(format!("{prefix}/"));
                }
                let mut pending = vec![prefix.clone()];
                while let Some(dir) = pending.pop() {
                    budget.check()?;
                    let names = zones.list(&guest_dir(&dir));
                    let listed: usize = names.iter().map(|n| budget::string_cost(n)).sum();
                    budget.room(listed.saturating_add(kept))?;
                    for name in names {
                        if name == "."
                            || name == ".."
                            || (name.starts_with('.') && !options.dotglob)
                        {
                            continue;
                        }
                        let path = shown(&dir, &name);
                        let guest = normalize(cwd, &path);
                        // Symbolic links to directories are listed, not walked (bash ≥ 4.3).
                        let is_dir = zones.metadata(&guest, false).is_ok_and(|m| m.is_dir());
                        if is_dir {
                            pending.push(path.clone());
                        }
                        if is_dir || (last && !must_be_dir) {
                            kept = kept.saturating_add(budget::string_cost(&path));
                            next.push(path);
                        }
                        if next.len() > MAX_GLOB_MATCHES {
                            return Ok(Vec::new());
                        }
                    }
                }
            }
        } else if has_glob(component) {
            let case = if options.nocase { "(?i)" } else { "" };
            let Some(regex) = body(component).and_then(|b| compile(&format!("{case}^(?:{b})$")))
            else {
                return Ok(Vec::new());
            };
            for prefix in &found {
                budget.check()?;
                let mut names = zones.list(&guest_dir(prefix));
                if options.dot_entries && component.starts_with('.') {
                    names.extend([".".to_string(), "..".to_string()]);
                }
                let listed: usize = names.iter().map(|n| budget::string_cost(n)).sum();
                budget.room(listed.saturating_add(kept))?;
                names.sort();
                for name in names {
                    let hidden_ok = component.starts_with('.')
                        || (options.dotglob && name != "." && name != "..");
                    if (name.starts_with('.') && !hidden_ok) || !regex.is_match(&name) {
                        continue;
                    }
                    let path = shown(prefix, &name);
                    if !must_be_dir || zones.is_dir(&normalize(cwd, &path)) {
                        kept = kept.saturating_add(budget::string_cost(&path));
                        next.push(path);
                    }
                    if next.len() > MAX_GLOB_MATCHES {
                        return Ok(Vec::new());
                    }
                }
            }
        } else {
            // A literal part matches only what is there, as the kernel's walk would find it.
            let literal = component.replace('\\', "");
            for prefix in &found {
                let path = shown(prefix, &literal);
                let guest = normalize(cwd, &path);
                let there = if must_be_dir {
                    zones.is_dir(&guest)
                } else {
                    zones.metadata(&guest, false).is_ok()
                };
                if there {
                    next.push(path);
                }
            }
        }
        found = next;
    }
    if pattern.ends_with('/') {
        found.iter_mut().for_each(|p| {
            if !p.ends_with('/') {
                p.push('/')
            }
        });
    }
    found.sort();
    found.dedup();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_patterns() {
        assert!(matches("main.rs", "*.rs"));
        assert!(!matches("main.rs", "*.txt"));
        assert!(matches("a", "[abc]"));
        assert!(matches("*x", &format!("{}x", escape("*"))));
        assert!(!matches("ax", &format!("{}x", escape("*"))));
    }

    #[test]
    fn removes_affixes() {
        let budget = Budget::unlimited();
        let cut = |v: &str, p: &str, suffix, largest| {
            remove_affix(v, p, suffix, largest, &budget).unwrap()
        };
        assert_eq!(cut("a/b/c.tar.gz", "*.", true, false), "a/b/c.tar.gz");
        assert_eq!(cut("c.tar.gz", ".*", true, false), "c.tar");
        assert_eq!(cut("c.tar.gz", ".*", true, true), "c");
        assert_eq!(cut("a/b/c", "*/", false, false), "b/c");
        assert_eq!(cut("a/b/c", "*/", false, true), "c");
        assert_eq!(cut("file.txt", ".txt", true, false), "file");
        assert_eq!(cut("a*b", "a\\*", false, true), "b");
    }

    #[test]
    fn patterns_with_many_extglob_groups_are_literal_text_not_a_backtracking_parse() {
        let wild = "@(a|".repeat(30) + "a";
        let started = std::time::Instant::now();
        assert!(!matches("a", &wild));
        assert!(matches(&wild, &wild));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(matches("ab", "@(a|b)b") && matches("x.rs", "*.@(rs|toml)"));
    }

    #[test]
    fn a_quadratic_removal_stops_at_the_deadline() {
        let budget = Budget::unlimited();
        budget.start_line(std::time::Instant::now());
        let value = "a".repeat(1 << 16);
        assert_eq!(
            remove_affix(&value, "*b", true, true, &budget),
            Err(Stop::WallClock)
        );
    }
}
