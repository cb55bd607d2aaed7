//! How head and tail read a count: `N`, `-N`, `+N`, with GNU's suffixes (b k K M G, kB MB GB, KiB MiB GiB).

use super::ToolError;

/// A count as written: which end it counts from, and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// `+N` (tail: start at N) or `-N` (head: all but the last N).
    pub marked: bool,
    pub amount: u64,
}

pub fn parse(text: &str, what: &str) -> Result<Count, ToolError> {
    let invalid = || ToolError::failure(format!("invalid number of {what}: '{text}'"));
    let (marked, rest) = match text.as_bytes().first() {
        Some(b'+') | Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let digits_end = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits_end == 0 {
        return Err(invalid());
    }
    let number: u64 = rest[..digits_end].parse().map_err(|_| invalid())?;
    let multiplier: u64 = match &rest[digits_end..] {
        "" => 1,
        "b" => 512,
        "kB" => 1000,
        "K" | "k" | "KiB" => 1024,
        "MB" => 1000 * 1000,
        "M" | "MiB" => 1024 * 1024,
        "GB" => 1000 * 1000 * 1000,
        "G" | "GiB" => 1024 * 1024 * 1024,
        _ => return Err(invalid()),
    };
    Ok(Count {
        marked,
        amount: number.saturating_mul(multiplier),
    })
}
