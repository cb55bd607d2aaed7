//! Mode changes as chmod and `mkdir -m` read them: an octal mode, or `[ugoa]*[+-=][rwxXst]*`
//! clauses (and `g=u` copies), applied to a file's current bits.

use super::ToolError;

/// The umask the sandbox applies to `+w` and friends when no `ugoa` is given, and to new files.
pub const UMASK: u32 = 0o022;

/// One `[ugoa]*[+-=]perms` clause, or an absolute octal mode.
pub enum Clause {
    Absolute(u32),
    Symbolic {
        who: u32,
        op: char,
        perms: String,
        copy_from: Option<char>,
    },
}

pub fn parse_mode(text: &str) -> Result<Vec<Clause>, ToolError> {
    let bad = || ToolError::operand(format!("invalid mode: '{text}'"));
    if !text.is_empty() && text.chars().all(|c| c.is_digit(8)) {
        let value = u32::from_str_radix(text, 8).map_err(|_| bad())?;
        if value > 0o7777 {
            return Err(bad());
        }
        return Ok(vec![Clause::Absolute(value)]);
    }
    let mut clauses = Vec::new();
    for part in text.split(',') {
        let mut chars = part.chars().peekable();
        let mut who = 0;
        while let Some(&c) = chars.peek() {
            who |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => break,
            };
            chars.next();
        }
        let mut any = false;
        while let Some(op) = chars.next() {
            if !matches!(op, '+' | '-' | '=') {
                return Err(bad());
            }
            let mut perms = String::new();
            let mut copy_from = None;
            while let Some(&c) = chars.peek() {
                match c {
                    'r' | 'w' | 'x' | 'X' | 's' | 't' => perms.push(c),
                    'u' | 'g' | 'o' if perms.is_empty() && copy_from.is_none() => {
                        copy_from = Some(c)
                    }
                    _ => break,
                }
                chars.next();
            }
            clauses.push(Clause::Symbolic {
                who,
                op,
                perms,
                copy_from,
            });
            any = true;
        }
        if !any {
            return Err(bad());
        }
    }
    Ok(clauses)
}

pub fn apply(clauses: &[Clause], mut mode: u32, is_dir: bool) -> u32 {
    for clause in clauses {
        match clause {
            Clause::Absolute(value) => mode = *value,
            Clause::Symbolic {
                who,
                op,
                perms,
                copy_from,
            } => {
                let (mask, respect_umask) = if *who == 0 {
                    (0o7777, true)
                } else {
                    (*who, false)
                };
                let mut bits = 0;
                if let Some(source) = copy_from {
                    let shift = match source {
                        'u' => 6,
                        'g' => 3,
                        _ => 0,
                    };
                    let rwx = (mode >> shift) & 7;
                    bits |= rwx << 6 | rwx << 3 | rwx;
                }
                for p in perms.chars() {
                    bits |= match p {
                        'r' => 0o444,
                        'w' => 0o222,
                        'x' => 0o111,
                        'X' if is_dir || mode & 0o111 != 0 => 0o111,
                        's' => 0o6000,
                        't' => 0o1000,
                        _ => 0,
                    };
                }
                let mut effective = bits & mask;
                if respect_umask {
                    effective &= !UMASK;
                }
                mode = match op {
                    '+' => mode | effective,
                    '-' => mode & !effective,
                    // `=` clears every bit of the named classes (all of them without `ugoa`).
                    _ => (mode & !mask) | effective,
                };
            }
        }
    }
    mode
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(text: &str, mode: u32) -> u32 {
        apply(&parse_mode(text).unwrap(), mode, false)
    }

    #[test]
    fn modes_change_as_gnu_chmod_changes_them() {
        assert_eq!(after("755", 0o644), 0o755);
        assert_eq!(after("+x", 0o644), 0o755);
        assert_eq!(after("u+x", 0o644), 0o744);
        assert_eq!(after("go-r", 0o644), 0o600);
        assert_eq!(after("a=r", 0o755), 0o444);
        assert_eq!(after("u=rw,go=", 0o777), 0o600);
        assert_eq!(
            after("+w", 0o444),
            0o644,
            "the umask keeps group and other writes out"
        );
        assert_eq!(after("g=u", 0o740), 0o770);
        assert!(parse_mode("z+x").is_err());
        assert!(parse_mode("99").is_err());
    }
}
