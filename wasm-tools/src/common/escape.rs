//! Backslash escapes as `echo -e`, `printf %b` and printf formats read them.

/// Where the escapes come from: they differ only in how octal is spelled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EscapeStyle {
    /// `echo -e` as bash's builtin reads it: octal is only `\0NNN` (`\1` stays as written).
    Echo,
    /// `printf %b`: octal is `\0NNN` or `\NNN`.
    Argument,
    /// A printf format: octal is `\NNN`.
    Format,
}

/// The result of expanding escapes: the bytes, and whether `\c` asked to stop all output.
pub struct Expanded {
    pub bytes: Vec<u8>,
    pub stop: bool,
}

pub fn expand(text: &[u8], style: EscapeStyle) -> Expanded {
    let mut bytes = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c != b'\\' || i + 1 >= text.len() {
            bytes.push(c);
            i += 1;
            continue;
        }
        let next = text[i + 1];
        i += 2;
        match next {
            b'\\' => bytes.push(b'\\'),
            b'a' => bytes.push(7),
            b'b' => bytes.push(8),
            b'c' => return Expanded { bytes, stop: true },
            b'e' | b'E' => bytes.push(27),
            b'f' => bytes.push(12),
            b'n' => bytes.push(b'\n'),
            b'r' => bytes.push(b'\r'),
            b't' => bytes.push(b'\t'),
            b'v' => bytes.push(11),
            b'"' if style == EscapeStyle::Format => bytes.push(b'"'),
            b'x' => {
                let (value, used) = digits(&text[i..], 16, 2);
                if used == 0 {
                    bytes.extend_from_slice(b"\\x");
                } else {
                    bytes.push(value as u8);
                    i += used;
                }
            }
            b'u' | b'U' => {
                let (value, used) = digits(&text[i..], 16, if next == b'u' { 4 } else { 8 });
                match char::from_u32(value).filter(|_| used > 0) {
                    Some(ch) => {
                        bytes.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        i += used;
                    }
                    None => bytes.extend_from_slice(&[b'\\', next]),
                }
            }
            b'0' if style != EscapeStyle::Format => {
                let (value, used) = digits(&text[i..], 8, 3);
                bytes.push(value as u8);
                i += used;
            }
            b'1'..=b'7' if style == EscapeStyle::Echo => bytes.extend_from_slice(&[b'\\', next]),
            b'0'..=b'7' => {
                let (value, used) = digits(&text[i - 1..], 8, 3);
                bytes.push(value as u8);
                i += used - 1;
            }
            other => bytes.extend_from_slice(&[b'\\', other]),
        }
    }
    Expanded { bytes, stop: false }
}

/// Reads up to `max` digits in `radix`; returns the value and how many were used.
fn digits(text: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut used = 0;
    for &b in text.iter().take(max) {
        match (b as char).to_digit(radix) {
            Some(d) => {
                value = value * radix + d;
                used += 1;
            }
            None => break,
        }
    }
    (value, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_the_usual_escapes() {
        let e = expand(br"a\tb\n\x41\0101\c rest", EscapeStyle::Echo);
        assert_eq!(e.bytes, b"a\tb\nAA");
        assert!(e.stop);
        assert_eq!(expand(br"\101\q", EscapeStyle::Format).bytes, b"A\\q");
    }
}
