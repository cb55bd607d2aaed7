//! Brace expansion (`a{b,c}` → `ab ac`, `{1..3}`, `{a..e..2}`), the first step of word
//! expansion, for the interpreter and the router alike. Every sequence and cross product is
//! counted with checked arithmetic and its bytes taken from the budget's room before it is built,
//! so no word can ask for more memory than the budget (`{1..100000}{1..100000}` ends the line
//! instead of the process).

use super::budget::{Budget, Exceeded, ITEM_OVERHEAD};
use crate::shell::parser_options as options;
use crate::upstream::guarded;
use brush_parser::word::{BraceExpressionMember, BraceExpressionOrText};

/// The most `{` a word may hold and still be brace-expanded.
const MAX_BRACES: usize = 12;

/// The words a word's text expands to; the text itself when it has no brace expression.
pub(crate) fn brace_expand(text: &str, budget: &Budget) -> Result<Vec<String>, Exceeded> {
    // brush-parser's brace parser backtracks exponentially through unclosed braces (20 take a
    // second and a half): a word with more braces than any real brace expansion needs stays as
    // it is (quoted braces, as in a jq program, never expand anyway).
    let braces = text.bytes().filter(|&b| b == b'{').count();
    if braces == 0 || braces > MAX_BRACES {
        return Ok(vec![text.to_string()]);
    }
    match guarded(|| brush_parser::word::parse_brace_expansions(text, &options())) {
        Some(Ok(Some(parts))) => {
            // brush-parser keeps a sequence's numbers, not their text: the widths of `{01..10}`
            // come from the text, used when they are as many as the sequences parsed.
            let mut widths = sequence_widths(text);
            if widths.len() != count_sequences(&parts) {
                widths.clear();
            }
            let mut widths = widths.into_iter();
            let mut words = vec![String::new()];
            expand_parts(&parts, &mut words, &mut widths, budget)?;
            Ok(words)
        }
        _ => Ok(vec![text.to_string()]),
    }
}

/// The zero-padded width of each `{A..B}` / `{A..B..C}` number sequence in `text`, in order:
/// the longer operand's length when either has a leading zero (`{01..10}`), else 0.
fn sequence_widths(text: &str) -> Vec<usize> {
    let mut widths = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let inner = &rest[..close];
        let operands: Vec<&str> = inner.split("..").collect();
        let number = |t: &str| {
            let digits = t.strip_prefix('-').unwrap_or(t);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        if (2..=3).contains(&operands.len()) && operands.iter().all(|o| number(o)) {
            let padded = |t: &str| {
                let digits = t.strip_prefix('-').unwrap_or(t);
                digits.len() > 1 && digits.starts_with('0')
            };
            widths.push(if padded(operands[0]) || padded(operands[1]) {
                operands[0].len().max(operands[1].len())
            } else {
                0
            });
        }
    }
    widths
}

/// How many number sequences the parsed parts hold.
fn count_sequences(parts: &[BraceExpressionOrText]) -> usize {
    parts
        .iter()
        .map(|part| match part {
            BraceExpressionOrText::Text(_) => 0,
            BraceExpressionOrText::Expr(members) => members
                .iter()
                .map(|member| match member {
                    BraceExpressionMember::NumberSequence { .. } => 1,
                    BraceExpressionMember::CharSequence { .. } => 0,
                    BraceExpressionMember::Child(child) => count_sequences(child),
                })
                .sum(),
        })
        .sum()
}

fn expand_parts(
    parts: &[BraceExpressionOrText],
    words: &mut Vec<String>,
    widths: &mut std::vec::IntoIter<usize>,
    budget: &Budget,
) -> Result<(), Exceeded> {
    for part in parts {
        match part {
            BraceExpressionOrText::Text(text) => {
                budget.room(product_bytes(words, 1, text.len(), budget)?)?;
                words.iter_mut().for_each(|w| w.push_str(text));
            }
            BraceExpressionOrText::Expr(members) => {
                let mut alternatives = Vec::new();
                for member in members {
                    alternatives_of(member, &mut alternatives, widths, budget)?;
                }
                let alternative_bytes = alternatives
                    .iter()
                    .try_fold(0usize, |sum, a| sum.checked_add(a.len()))
                    .ok_or_else(|| budget.exceed())?;
                let needed = product_bytes(words, alternatives.len(), alternative_bytes, budget)?;
                budget.room(needed)?;
                let mut next = Vec::with_capacity(words.len() * alternatives.len());
                for word in words.iter() {
                    for alternative in &alternatives {
                        next.push(format!("{word}{alternative}"));
                    }
                }
                *words = next;
            }
        }
    }
    Ok(())
}

/// Bytes of every word followed by each of `count` alternatives of `alternative_bytes` bytes in
/// all, plus each new word's overhead; refused when it cannot even be counted.
fn product_bytes(
    words: &[String],
    count: usize,
    alternative_bytes: usize,
    budget: &Budget,
) -> Result<usize, Exceeded> {
    let word_bytes: usize = words.iter().map(String::len).sum();
    let total = (|| {
        let new_words = words.len().checked_mul(count)?;
        word_bytes
            .checked_mul(count)?
            .checked_add(alternative_bytes.checked_mul(words.len())?)?
            .checked_add(new_words.checked_mul(ITEM_OVERHEAD)?)
    })();
    total.ok_or_else(|| budget.exceed())
}

/// Appends the alternatives one member stands for (`1..9`, `a..e`, a nested expression).
fn alternatives_of(
    member: &BraceExpressionMember,
    alternatives: &mut Vec<String>,
    widths: &mut std::vec::IntoIter<usize>,
    budget: &Budget,
) -> Result<(), Exceeded> {
    match member {
        BraceExpressionMember::NumberSequence {
            start,
            end,
            increment,
        } => {
            let width = widths.next().unwrap_or(0).min(20);
            let (start, end) = (i128::from(*start), i128::from(*end));
            let step = i128::from(*increment).abs().max(1);
            let count = (end - start).abs() / step + 1;
            // Each number is at most 20 digits.
            let bytes = usize::try_from(count)
                .ok()
                .and_then(|c| c.checked_mul(20 + ITEM_OVERHEAD))
                .ok_or_else(|| budget.exceed())?;
            budget.room(bytes)?;
            let direction = if start <= end { step } else { -step };
            let mut n = start;
            for _ in 0..count {
                alternatives.push(format!("{n:0width$}"));
                n += direction;
            }
        }
        BraceExpressionMember::CharSequence {
            start,
            end,
            increment,
        } => {
            let (a, b) = (i64::from(u32::from(*start)), i64::from(u32::from(*end)));
            let step = increment.checked_abs().unwrap_or(i64::MAX).max(1);
            let count = (a - b).abs() / step + 1;
            budget.room((count as usize).saturating_mul(4 + ITEM_OVERHEAD))?;
            let direction = if a <= b { step } else { -step };
            let mut n = a;
            for _ in 0..count {
                if let Some(c) = u32::try_from(n).ok().and_then(char::from_u32) {
                    alternatives.push(c.to_string());
                }
                n += direction;
            }
        }
        BraceExpressionMember::Child(child) => {
            let mut sub = vec![String::new()];
            expand_parts(child, &mut sub, widths, budget)?;
            alternatives.extend(sub);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(text: &str) -> Result<Vec<String>, Exceeded> {
        brace_expand(text, &Budget::new(64 << 20))
    }

    #[test]
    fn expands_lists_sequences_and_products() {
        assert_eq!(expand("a{b,c}d").unwrap(), ["abd", "acd"]);
        assert_eq!(expand("{1..3}{x,y}").unwrap().len(), 6);
        assert_eq!(expand("{5..1..2}").unwrap(), ["5", "3", "1"]);
        assert_eq!(expand("{a..e..2}").unwrap(), ["a", "c", "e"]);
        assert_eq!(expand("{x,{1..2}}").unwrap(), ["x", "1", "2"]);
        assert_eq!(expand("plain").unwrap(), ["plain"]);
    }

    #[test]
    fn sizes_past_the_budget_or_past_64_bits_are_refused_not_built() {
        assert!(expand("{1..100000}{1..100000}").is_err());
        assert!(expand("{-9223372036854775807..9223372036854775807}").is_err());
        assert_eq!(
            expand("{9223372036854775806..9223372036854775807}").unwrap(),
            ["9223372036854775806", "9223372036854775807"]
        );
        // Unclosed braces are no exponential parse.
        let started = std::time::Instant::now();
        assert_eq!(expand(&("1{".repeat(40) + "1,2}")).unwrap().len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        // Numbers past 64 bits: the word stays as it is (the parser does not take them).
        let huge = expand("{1..99999999999999999999999}").unwrap_or_default();
        assert!(huge.len() <= 1);
    }
}
