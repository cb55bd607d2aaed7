//! fmt: fill paragraphs to a width (-w N, -g goal, -u uniform spacing, -s split only, -c crown
//! margin, -t tagged paragraph, -p PREFIX).
//!
//! Paragraphs are runs of non-blank lines (with -s, each line is one) with the same indentation (with -c/-t the first line
//! may differ). Words keep the spacing they had inside an input line; a join of two input
//! lines gets one space, or two after a sentence end. Line breaks minimise a cost of our own:
//! each line's distance from the goal width, the raggedness between neighbouring lines, a bonus
//! for breaking at a sentence end and a penalty for leaving a sentence's first or last word
//! alone. Where two fillings cost about the same, ours may break elsewhere than GNU fmt.

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::BufRead;

const DEFAULT_WIDTH: usize = 75;
const TAB: usize = 8;
/// Cost of one column between a line and the goal (squared).
const SHORT_WEIGHT: i64 = 100;
/// Cost of one column of difference between neighbouring lines (squared).
const RAGGED_WEIGHT: i64 = 25;
const SENTENCE_END_BONUS: i64 = 400;
const LONE_SENTENCE_WORD_PENALTY: i64 = 2500;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Margin {
    /// Every line of a paragraph has the same indentation.
    Uniform,
    /// -c: the first line keeps its own indentation, the rest take the second line's.
    Crown,
    /// -t: like crown, but a first line indented like the second is a paragraph of its own.
    Tagged,
}

struct Options {
    width: usize,
    goal: usize,
    uniform_spacing: bool,
    split_only: bool,
    margin: Margin,
    prefix: String,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(args::expand_numeric_shorthand(argv, "-w"));
    let mut width = DEFAULT_WIDTH;
    let mut goal = None;
    let mut options = Options {
        width,
        goal: 0,
        uniform_spacing: false,
        split_only: false,
        margin: Margin::Uniform,
        prefix: String::new(),
    };
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('w') | Arg::Long("width") => width = columns(&mut parser)?,
            Arg::Short('g') | Arg::Long("goal") => goal = Some(columns(&mut parser)?),
            Arg::Short('u') | Arg::Long("uniform-spacing") => options.uniform_spacing = true,
            Arg::Short('s') | Arg::Long("split-only") => options.split_only = true,
            Arg::Short('c') | Arg::Long("crown-margin") => options.margin = Margin::Crown,
            Arg::Short('t') | Arg::Long("tagged-paragraph") => options.margin = Margin::Tagged,
            Arg::Short('p') | Arg::Long("prefix") => {
                options.prefix = args::value_text(&mut parser)?
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let goal = match goal {
        Some(goal) if goal > width => {
            return Err(ToolError::operand(format!(
                "invalid width: '{width}': goal {goal} is wider than the width"
            )));
        }
        Some(goal) => goal,
        None => width * 93 / 100,
    };
    options.width = width;
    options.goal = goal;
    each_input(tool, files, |_, input| format_input(input, &options))
}

fn columns(parser: &mut lexopt::Parser) -> Result<usize, ToolError> {
    let text = args::value_text(parser)?;
    text.parse()
        .ok()
        .filter(|&n: &usize| n <= 2500)
        .ok_or_else(|| ToolError::operand(format!("invalid width: '{text}'")))
}

/// One input line, split into what fmt keeps apart.
struct Line {
    /// Everything before the first word: the prefix and the indentation around it.
    lead: String,
    /// The indentation's width in columns (the prefix included).
    indent: usize,
    text: String,
}

fn format_input(input: &mut dyn BufRead, options: &Options) -> Result<(), ToolError> {
    let mut raw = Vec::new();
    input.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let mut paragraph: Vec<Line> = Vec::new();
    for raw_line in text.split_inclusive('\n') {
        let content = raw_line.strip_suffix('\n').unwrap_or(raw_line);
        let Some(line) = split_line(content, &options.prefix) else {
            flush(&mut paragraph, options)?;
            out(raw_line.as_bytes())?;
            continue;
        };
        if line.text.is_empty() {
            flush(&mut paragraph, options)?;
            out(format!("{}\n", line.lead.trim_end()).as_bytes())?;
            continue;
        }
        if !paragraph.is_empty() && !continues(&paragraph, &line, options.margin) {
            flush(&mut paragraph, options)?;
        }
        paragraph.push(line);
        if options.split_only {
            flush(&mut paragraph, options)?;
        }
    }
    flush(&mut paragraph, options)
}

/// Splits a line into its lead and text; `None` when the line lacks the -p prefix (such lines
/// pass through unchanged).
fn split_line(content: &str, prefix: &str) -> Option<Line> {
    let before = content.len() - content.trim_start_matches([' ', '\t']).len();
    let rest = &content[before..];
    let rest = rest.strip_prefix(prefix)?;
    let after = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let lead_len = content.len() - rest.len() + after;
    let lead = content[..lead_len].to_string();
    Some(Line {
        indent: display_width(&lead, 0),
        lead,
        text: rest[after..].trim_end_matches([' ', '\t']).to_string(),
    })
}

/// Whether `line` goes on the paragraph collected so far.
fn continues(paragraph: &[Line], line: &Line, margin: Margin) -> bool {
    let first = &paragraph[0];
    match (margin, paragraph.len()) {
        (Margin::Uniform, _) => line.lead == first.lead,
        (Margin::Crown, 1) => true,
        (Margin::Tagged, 1) => line.indent != first.indent,
        (_, _) => line.lead == paragraph[1].lead,
    }
}

/// A word and the spacing that follows it when the next word stays on the same output line.
struct Word {
    text: String,
    width: usize,
    /// The blanks written after the word (its own from the input, unless -u or a line end).
    gap: String,
    /// The columns `gap` takes where it stood in the input.
    space_after: usize,
    sentence_end: bool,
}

fn words_of(paragraph: &[Line], uniform_spacing: bool) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    for line in paragraph {
        let text = line.text.as_str();
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let word = &rest[..end];
            let after = &rest[end..];
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            let at_line_end = gap == after.len();
            let ends_sentence_mark = ends_with_sentence_mark(word);
            let sentence_end =
                ends_sentence_mark && (at_line_end || gap >= 2 || after.starts_with('\t'));
            let gap_text = if at_line_end || uniform_spacing {
                if sentence_end { "  " } else { " " }
            } else {
                &after[..gap]
            };
            let column =
                line.indent + display_width(&text[..text.len() - after.len()], line.indent);
            words.push(Word {
                text: word.to_string(),
                width: word.chars().count(),
                gap: gap_text.to_string(),
                space_after: display_width(gap_text, column),
                sentence_end,
            });
            rest = &after[gap..];
        }
    }
    words
}

fn ends_with_sentence_mark(word: &str) -> bool {
    word.trim_end_matches([')', ']', '"', '\''])
        .ends_with(['.', '?', '!'])
}

/// Writes the collected paragraph, filled, and empties it.
fn flush(paragraph: &mut Vec<Line>, options: &Options) -> Result<(), ToolError> {
    if paragraph.is_empty() {
        return Ok(());
    }
    let first_lead = paragraph[0].lead.clone();
    let rest_lead = match (options.margin, paragraph.get(1)) {
        (Margin::Uniform, _) | (Margin::Crown, None) => first_lead.clone(),
        (_, Some(second)) => second.lead.clone(),
        // A tagged paragraph of one line: its tag hangs out of an otherwise flush-left body,
        // or a flush-left first line hangs over a body indented by three.
        (Margin::Tagged, None) if paragraph[0].indent == 0 => "   ".to_string(),
        (Margin::Tagged, None) => String::new(),
    };
    let words = words_of(paragraph, options.uniform_spacing);
    paragraph.clear();
    let indents = [display_width(&first_lead, 0), display_width(&rest_lead, 0)];
    let breaks = optimal_breaks(&words, indents, options);
    let mut start = 0;
    for (number, &end) in breaks.iter().enumerate() {
        let mut text = if number == 0 {
            first_lead.clone()
        } else {
            rest_lead.clone()
        };
        for (index, word) in words[start..end].iter().enumerate() {
            if index > 0 {
                text.push_str(&words[start + index - 1].gap);
            }
            text.push_str(&word.text);
        }
        text.push('\n');
        out(text.as_bytes())?;
        start = end;
    }
    Ok(())
}

/// The width of `words[start..end]` on one line after an indentation of `indent` columns.
fn line_width(words: &[Word], start: usize, end: usize, indent: usize) -> usize {
    let spaces: usize = words[start..end - 1].iter().map(|w| w.space_after).sum();
    indent + spaces + words[start..end].iter().map(|w| w.width).sum::<usize>()
}

/// Line ends chosen to minimise the paragraph's cost, computed from the last word back so that
/// each line's raggedness is measured against the line chosen after it.
fn optimal_breaks(words: &[Word], indents: [usize; 2], options: &Options) -> Vec<usize> {
    let count = words.len();
    // best[i]: (cost of the paragraph's tail starting at word i, end of its first line, width).
    let mut best: Vec<(i64, usize, usize)> = vec![(0, count, 0); count + 1];
    for start in (0..count).rev() {
        let indent = indents[usize::from(start > 0)];
        let mut choice: Option<(i64, usize, usize)> = None;
        for end in start + 1..=count {
            let width = line_width(words, start, end, indent);
            if width > options.width && end > start + 1 {
                break;
            }
            let cost = line_cost(words, start, end, width, &best, options);
            if choice.is_none_or(|(best_cost, _, _)| cost < best_cost) {
                choice = Some((cost, end, width));
            }
        }
        best[start] = choice.unwrap_or((0, start + 1, 0));
    }
    let mut breaks = Vec::new();
    let mut start = 0;
    while start < count {
        start = best[start].1;
        breaks.push(start);
    }
    breaks
}

fn line_cost(
    words: &[Word],
    start: usize,
    end: usize,
    width: usize,
    best: &[(i64, usize, usize)],
    options: &Options,
) -> i64 {
    let count = words.len();
    let mut cost = best[end].0;
    let starts_sentence = |i: usize| i == 0 || words[i - 1].sentence_end;
    if end == count {
        // The last line may be short, but should not hold a sentence's last word alone.
        if end - start == 1 && !starts_sentence(start) {
            cost += LONE_SENTENCE_WORD_PENALTY;
        }
        return cost;
    }
    let short = options.goal as i64 - width as i64;
    cost += SHORT_WEIGHT * short * short;
    if end < count && best[end].1 < count {
        let ragged = width as i64 - best[end].2 as i64;
        cost += RAGGED_WEIGHT * ragged * ragged;
    }
    let last = &words[end - 1];
    if last.sentence_end {
        cost -= SENTENCE_END_BONUS;
    } else if starts_sentence(end - 1) && end - 1 > start {
        // The line ends with the first word of a sentence.
        cost += LONE_SENTENCE_WORD_PENALTY;
    }
    if words[end].sentence_end && !starts_sentence(end) && best[end].1 == end + 1 {
        // The next line starts with a sentence's last word alone... only when it is alone there.
        cost += LONE_SENTENCE_WORD_PENALTY;
    }
    cost
}

/// Columns taken by `text` written from column `start` (tabs to the next multiple of 8).
fn display_width(text: &str, start: usize) -> usize {
    text.chars().fold(start, |column, c| match c {
        '\t' => (column / TAB + 1) * TAB,
        _ => column + 1,
    }) - start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        let line = split_line(text, "").unwrap();
        words_of(&[line], false)
    }

    #[test]
    fn keeps_inner_spacing_and_marks_sentence_ends() {
        let words = words("Mr. Smith went.   Then end.");
        let spaces: Vec<usize> = words.iter().map(|w| w.space_after).collect();
        assert_eq!(spaces, [1, 1, 3, 1, 2]);
        let ends: Vec<bool> = words.iter().map(|w| w.sentence_end).collect();
        assert_eq!(ends, [false, false, true, false, true]);
    }

    #[test]
    fn optimal_fill_stays_within_the_width() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(6);
        let words = words(text.trim_end());
        let options = Options {
            width: 40,
            goal: 37,
            uniform_spacing: false,
            split_only: false,
            margin: Margin::Uniform,
            prefix: String::new(),
        };
        let breaks = optimal_breaks(&words, [0, 0], &options);
        let mut start = 0;
        for end in breaks {
            assert!(line_width(&words, start, end, 0) <= 40);
            start = end;
        }
        assert_eq!(start, words.len());
    }
}
