//! Shell patterns (`*`, `?`, `[…]`, extglob): matching for `case`, `[[ == ]]` and `${x#p}`, and
//! pathname expansion against the zones. Patterns become regexes through brush-parser.

use super::zonefs::{ZoneFs, normalize};
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
            '*' | '?' | '[' | ']' | '\\' | '(' | ')' | '|' | '!' | '+' | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn body(pattern: &str) -> Option<String> {
    brush_parser::pattern::pattern_to_regex_str(pattern, true).ok()
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

/// `${x%p}` `${x%%p}` `${x#p}` `${x##p}`: removes the smallest or largest matching affix.
pub(crate) fn remove_affix(value: &str, pattern: &str, suffix: bool, largest: bool) -> String {
    let Some(whole) = body(pattern).and_then(|b| compile(&format!("^(?:{b})$"))) else {
        return value.to_string();
    };
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
    for &cut in candidates {
        let (affix, rest) = if suffix {
            (&value[cut..], &value[..cut])
        } else {
            (&value[..cut], &value[cut..])
        };
        if whole.is_match(affix) {
            return rest.to_string();
        }
    }
    value.to_string()
}

fn has_glob(component: &str) -> bool {
    brush_parser::pattern::pattern_has_glob_metacharacters(component, true)
}

/// Pathname expansion: the sorted paths in the zones matching `pattern` (relative patterns
/// from `cwd`, and the matches relative too); empty when nothing matches.
pub(crate) fn glob(zones: &ZoneFs, cwd: &str, pattern: &str, dotglob: bool) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let mut found: Vec<String> = vec![String::new()];
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let mut next = Vec::new();
        for prefix in &found {
            let shown = |name: &str| {
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
            let guest_dir = normalize(
                cwd,
                if prefix.is_empty() {
                    if absolute { "/" } else { "." }
                } else {
                    prefix
                },
            );
            if has_glob(component) {
                let Some(regex) = body(component).and_then(|b| compile(&format!("^(?:{b})$")))
                else {
                    return Vec::new();
                };
                let mut names = zones.list(&guest_dir);
                names.sort();
                for name in names {
                    let hidden_ok =
                        component.starts_with('.') || (dotglob && name != "." && name != "..");
                    if (name.starts_with('.') && !hidden_ok) || !regex.is_match(&name) {
                        continue;
                    }
                    let path = shown(&name);
                    let must_be_dir = !last || pattern.ends_with('/');
                    if !must_be_dir || zones.is_dir(&normalize(cwd, &path)) {
                        next.push(path);
                    }
                    if next.len() > MAX_GLOB_MATCHES {
                        return Vec::new();
                    }
                }
            } else {
                let literal = component.replace('\\', "");
                let path = shown(&literal);
                next.push(path);
            }
        }
        found = next;
    }
    if pattern.ends_with('/') {
        found.iter_mut().for_each(|p| p.push('/'));
    }
    found.sort();
    found
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
        assert_eq!(
            remove_affix("a/b/c.tar.gz", "*.", true, false),
            "a/b/c.tar.gz"
        );
        assert_eq!(remove_affix("c.tar.gz", ".*", true, false), "c.tar");
        assert_eq!(remove_affix("c.tar.gz", ".*", true, true), "c");
        assert_eq!(remove_affix("a/b/c", "*/", false, false), "b/c");
        assert_eq!(remove_affix("a/b/c", "*/", false, true), "c");
    }
}
