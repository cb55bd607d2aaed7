//! tr: translate, delete (-d) or squeeze (-s) bytes of standard input; -c complements SET1,
//! -t truncates it. Sets take ranges, [:classes:], [c*n] repeats and backslash escapes.

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut complement, mut delete, mut squeeze, mut truncate) = (false, false, false, false);
    let mut sets = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('c' | 'C') | Arg::Long("complement") => complement = true,
            Arg::Short('d') | Arg::Long("delete") => delete = true,
            Arg::Short('s') | Arg::Long("squeeze-repeats") => squeeze = true,
            Arg::Short('t') | Arg::Long("truncate-set1") => truncate = true,
            Arg::Value(value) => sets.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let wanted = if delete && squeeze {
        2
    } else if delete || (squeeze && sets.len() < 2) {
        1
    } else {
        2
    };
    if sets.len() < wanted {
        return Err(ToolError::operand(match sets.len() {
            0 => "missing operand".to_string(),
            _ => format!("missing operand after '{}'", sets[0]),
        }));
    }
    if sets.len() > wanted {
        return Err(ToolError::operand(format!(
            "extra operand '{}'",
            sets[wanted]
        )));
    }
    let mut set1 = expand_set(&sets[0], None)?;
    if complement {
        set1 = (0..=255u8).filter(|b| !set1.contains(b)).collect();
    }
    let set2 = match sets.get(1) {
        Some(text) => Some(expand_set(text, Some(set1.len()))?),
        None => None,
    };
    let mut map: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut in_set1 = [false; 256];
    for &b in &set1 {
        in_set1[b as usize] = true;
    }
    let mut squeeze_set = [false; 256];
    if !delete && let Some(set2) = &set2 {
        if set2.is_empty() && !set1.is_empty() {
            return Err(ToolError::operand(
                "when not truncating set1, string2 must be non-empty",
            ));
        }
        if truncate {
            set1.truncate(set2.len());
        }
        for (i, &from) in set1.iter().enumerate() {
            map[from as usize] = *set2.get(i).or(set2.last()).unwrap_or(&from);
        }
    }
    let squeeze_with = if delete || set2.is_none() {
        &set1
    } else {
        set2.as_ref().unwrap_or(&set1)
    };
    if squeeze {
        for &b in squeeze_with {
            squeeze_set[b as usize] = true;
        }
    }
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input)?;
    let mut output = Vec::with_capacity(input.len());
    let mut last: Option<u8> = None;
    for byte in input {
        if delete && in_set1[byte as usize] {
            continue;
        }
        let mapped = map[byte as usize];
        if squeeze && squeeze_set[mapped as usize] && last == Some(mapped) {
            continue;
        }
        output.push(mapped);
        last = Some(mapped);
    }
    out(&output)?;
    Ok(0)
}

/// Whether a byte belongs to a character class.
type ClassTest = fn(u8) -> bool;

const CLASSES: &[(&str, ClassTest)] = &[
    ("alnum", |b| b.is_ascii_alphanumeric()),
    ("alpha", |b| b.is_ascii_alphabetic()),
    ("blank", |b| b == b' ' || b == b'\t'),
    ("cntrl", |b| b.is_ascii_control()),
    ("digit", |b| b.is_ascii_digit()),
    ("graph", |b| b.is_ascii_graphic()),
    ("lower", |b| b.is_ascii_lowercase()),
    ("print", |b| b.is_ascii_graphic() || b == b' '),
    ("punct", |b| b.is_ascii_punctuation()),
    ("space", |b| b.is_ascii_whitespace() || b == 11),
    ("upper", |b| b.is_ascii_uppercase()),
    ("xdigit", |b| b.is_ascii_hexdigit()),
];

/// Expands a set to its bytes, in order. `fill` is SET1's length, for `[c*]` in SET2.
fn expand_set(text: &str, fill: Option<usize>) -> Result<Vec<u8>, ToolError> {
    let bytes = unescape(text.as_bytes());
    let mut set = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'['
            && bytes.get(i + 1) == Some(&b':')
            && let Some(end) = find(&bytes[i + 2..], b":]")
        {
            let name = String::from_utf8_lossy(&bytes[i + 2..i + 2 + end]).into_owned();
            let (_, test) = CLASSES
                .iter()
                .find(|(class, _)| *class == name)
                .ok_or_else(|| ToolError::operand(format!("invalid character class '{name}'")))?;
            set.extend((0..=255u8).filter(|&b| test(b)));
            i += end + 4;
            continue;
        }
        if bytes[i] == b'['
            && bytes.get(i + 2) == Some(&b'*')
            && let Some(end) = bytes[i + 3..].iter().position(|&b| b == b']')
        {
            let repeated = bytes[i + 1];
            let count_text = String::from_utf8_lossy(&bytes[i + 3..i + 3 + end]).into_owned();
            let count = if count_text.is_empty() {
                fill.unwrap_or(0).saturating_sub(set.len())
            } else {
                count_text.parse().map_err(|_| {
                    ToolError::operand(format!("invalid repeat count '{count_text}'"))
                })?
            };
            set.extend(std::iter::repeat_n(repeated, count));
            i += end + 4;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'-') && i + 2 < bytes.len() {
            let (from, to) = (bytes[i], bytes[i + 2]);
            if from > to {
                return Err(ToolError::operand(format!(
                    "range-endpoints of '{}-{}' are in reverse collating sequence order",
                    from as char, to as char
                )));
            }
            set.extend(from..=to);
            i += 3;
            continue;
        }
        set.push(bytes[i]);
        i += 1;
    }
    Ok(set)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Backslash escapes: \\n \\t \\\\ \\NNN and the rest of C's.
fn unescape(text: &[u8]) -> Vec<u8> {
    crate::common::escape::expand(text, crate::common::escape::EscapeStyle::Format).bytes
}
