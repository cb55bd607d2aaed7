//! Shell-style wildcard matching (`*`, `?`, `[...]`, `[!...]`, backslash escapes), as fnmatch
//! does it for grep's --include/--exclude and find's -name.

/// True when `name` matches `pattern`; `fold` ignores ASCII case.
pub fn matches(pattern: &[u8], name: &[u8], fold: bool) -> bool {
    let (mut p, mut n) = (0, 0);
    // Where the last `*` was, and how much of the name it has taken, to backtrack.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some((p, n));
                    p += 1;
                    continue;
                }
                b'?' => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, next)) = class(&pattern[p..], name[n], fold) {
                        if matched {
                            p += next;
                            n += 1;
                            continue;
                        }
                    } else if same(b'[', name[n], fold) {
                        p += 1;
                        n += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pattern.len() => {
                    if same(pattern[p + 1], name[n], fold) {
                        p += 2;
                        n += 1;
                        continue;
                    }
                }
                literal => {
                    if same(literal, name[n], fold) {
                        p += 1;
                        n += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((star_p, star_n)) => {
                p = star_p + 1;
                n = star_n + 1;
                star = Some((star_p, star_n + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

fn same(a: u8, b: u8, fold: bool) -> bool {
    if fold {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// Matches a bracket expression at the start of `pattern`; returns (matched, its length), or
/// `None` when the bracket is not closed (then `[` is literal).
fn class(pattern: &[u8], byte: u8, fold: bool) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pattern.len() {
        let c = pattern[i];
        if c == b']' && !first {
            return Some((matched != negated, i + 1));
        }
        first = false;
        if c == b'['
            && pattern.get(i + 1) == Some(&b':')
            && let Some(end) = pattern[i + 2..].windows(2).position(|w| w == b":]")
        {
            matched |= in_class(&pattern[i + 2..i + 2 + end], byte);
            i += end + 4;
            continue;
        }
        let low = if c == b'\\' && i + 1 < pattern.len() {
            i += 1;
            pattern[i]
        } else {
            c
        };
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
            let high = pattern[i + 2];
            matched |= (low..=high).contains(&byte)
                || (fold && (low..=high).contains(&byte.to_ascii_lowercase()));
            i += 3;
        } else {
            matched |= same(low, byte, fold);
            i += 1;
        }
    }
    None
}

fn in_class(name: &[u8], byte: u8) -> bool {
    match name {
        b"alpha" => byte.is_ascii_alphabetic(),
        b"digit" => byte.is_ascii_digit(),
        b"alnum" => byte.is_ascii_alphanumeric(),
        b"upper" => byte.is_ascii_uppercase(),
        b"lower" => byte.is_ascii_lowercase(),
        b"space" => byte.is_ascii_whitespace(),
        b"punct" => byte.is_ascii_punctuation(),
        b"xdigit" => byte.is_ascii_hexdigit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_like_fnmatch() {
        assert!(matches(b"*.rs", b"main.rs", false));
        assert!(!matches(b"*.rs", b"main.rsx", false));
        assert!(matches(b"a?c", b"abc", false));
        assert!(matches(b"[a-c]*", b"beta", false));
        assert!(!matches(b"[!a-c]*", b"beta", false));
        assert!(matches(b"*", b"", false));
        assert!(matches(b"*a*b*", b"xxaxxbxx", false));
        assert!(matches(b"\\*", b"*", false));
        assert!(matches(b"*.TXT", b"a.txt", true));
        assert!(matches(b"[[:digit:]]*", b"7up", false));
    }
}
