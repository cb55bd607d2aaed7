//! sort: sort lines (-b -d -f -g -h -i -M -n -r -V, -k KEYDEF, -t SEP, -u, -s, -c, -C, -o FILE,
//! -z, -m) the way GNU sort does in the C locale, last-resort comparison included. As in GNU,
//! trouble (a bad key, an unreadable file) exits 2 and disorder found by -c exits 1.

use crate::common::args::{self, Arg};
use crate::common::io::{chomp, describe, open_input, out, records, warn};
use crate::common::{ToolError, ToolResult};
use std::cmp::Ordering;
use std::ffi::OsString;

/// How one key (or the whole line) is compared.
#[derive(Clone, Copy, Default, PartialEq)]
struct Order {
    blanks: bool,
    dictionary: bool,
    fold: bool,
    general: bool,
    human: bool,
    month: bool,
    printable: bool,
    numeric: bool,
    reverse: bool,
    version: bool,
}

impl Order {
    /// Applies one option letter; false when the letter is not an ordering option.
    fn set(&mut self, letter: char) -> bool {
        match letter {
            'b' => self.blanks = true,
            'd' => self.dictionary = true,
            'f' => self.fold = true,
            'g' => self.general = true,
            'h' => self.human = true,
            'i' => self.printable = true,
            'M' => self.month = true,
            'n' => self.numeric = true,
            'r' => self.reverse = true,
            'V' => self.version = true,
            _ => return false,
        }
        true
    }
}

/// `-k F[.C][OPTS][,F[.C][OPTS]]`.
#[derive(Clone, Copy)]
struct Key {
    start_field: usize,
    start_char: usize,
    end_field: Option<usize>,
    end_char: usize,
    order: Order,
    /// Whether the key had ordering letters of its own (then the global ones do not apply).
    own_order: bool,
    start_blanks: bool,
    end_blanks: bool,
}

struct Sorter {
    keys: Vec<Key>,
    global: Order,
    separator: Option<u8>,
    stable: bool,
    unique: bool,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut global = Order::default();
    let mut key_texts = Vec::new();
    let mut separator = None;
    let (mut stable, mut unique, mut check, mut quiet_check) = (false, false, false, false);
    let mut output: Option<String> = None;
    let mut terminator = b'\n';
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short(letter) if global.set(letter) => {}
            Arg::Long("ignore-leading-blanks") => global.blanks = true,
            Arg::Long("dictionary-order") => global.dictionary = true,
            Arg::Long("ignore-case") => global.fold = true,
            Arg::Long("general-numeric-sort") => global.general = true,
            Arg::Long("human-numeric-sort") => global.human = true,
            Arg::Long("ignore-nonprinting") => global.printable = true,
            Arg::Long("month-sort") => global.month = true,
            Arg::Long("numeric-sort") => global.numeric = true,
            Arg::Long("reverse") => global.reverse = true,
            Arg::Long("version-sort") => global.version = true,
            Arg::Short('k') | Arg::Long("key") => key_texts.push(args::value_text(&mut parser)?),
            Arg::Short('t') | Arg::Long("field-separator") => {
                let text = args::value_text(&mut parser)?;
                separator = match text.as_bytes() {
                    [byte] => Some(*byte),
                    b"\\0" => Some(0),
                    _ => return Err(ToolError::usage(format!("multi-character tab '{text}'"))),
                };
            }
            Arg::Short('s') | Arg::Long("stable") => stable = true,
            Arg::Short('u') | Arg::Long("unique") => unique = true,
            Arg::Short('c') | Arg::Long("check") => check = true,
            Arg::Short('C') => {
                check = true;
                quiet_check = true;
            }
            Arg::Short('o') | Arg::Long("output") => output = Some(args::value_text(&mut parser)?),
            Arg::Short('z') | Arg::Long("zero-terminated") => terminator = 0,
            Arg::Short('m') | Arg::Long("merge") => {}
            Arg::Short('S' | 'T')
            | Arg::Long("buffer-size" | "temporary-directory" | "parallel") => {
                parser.value()?;
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let keys = key_texts
        .iter()
        .map(|text| parse_key(text, global))
        .collect::<Result<Vec<_>, _>>()?;
    let sorter = Sorter {
        keys,
        global,
        separator,
        stable,
        unique,
    };
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for name in crate::common::io::inputs_or_stdin(files) {
        let mut input = open_input(&name)
            .map_err(|e| ToolError::usage(format!("cannot read: {name}: {}", describe(&e))))?;
        lines.extend(
            records(&mut input, terminator)?
                .into_iter()
                .map(|r| chomp(&r, terminator).to_vec()),
        );
    }
    if check {
        for (index, pair) in lines.windows(2).enumerate() {
            let order = sorter.compare(&pair[0], &pair[1]);
            if order == Ordering::Greater || (unique && order == Ordering::Equal) {
                if !quiet_check {
                    warn(
                        tool,
                        format!(
                            "-:{}: disorder: {}",
                            index + 2,
                            String::from_utf8_lossy(&pair[1])
                        ),
                    );
                }
                return Ok(1);
            }
        }
        return Ok(0);
    }
    lines.sort_by(|a, b| sorter.compare(a, b));
    if unique {
        lines.dedup_by(|later, earlier| sorter.compare_keys(earlier, later) == Ordering::Equal);
    }
    let mut rendered = Vec::new();
    for line in &lines {
        rendered.extend_from_slice(line);
        rendered.push(terminator);
    }
    match output {
        Some(path) => std::fs::write(&path, rendered)
            .map_err(|e| ToolError::usage(format!("open failed: {path}: {}", describe(&e))))?,
        None => out(&rendered)?,
    }
    Ok(0)
}

fn parse_key(text: &str, global: Order) -> Result<Key, ToolError> {
    let invalid = || {
        ToolError::usage(format!(
            "invalid number at field start: invalid count at start of '{text}'"
        ))
    };
    let (start, end) = match text.split_once(',') {
        Some((start, end)) => (start, Some(end)),
        None => (text, None),
    };
    let mut key = Key {
        start_field: 0,
        start_char: 1,
        end_field: None,
        end_char: 0,
        order: Order::default(),
        own_order: false,
        start_blanks: false,
        end_blanks: false,
    };
    let mut parse_position = |part: &str, is_start: bool| -> Result<(usize, usize), ToolError> {
        let digits_end = part
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(part.len());
        let (position, letters) = part.split_at(digits_end);
        for letter in letters.chars() {
            if letter == 'b' {
                if is_start {
                    key.start_blanks = true
                } else {
                    key.end_blanks = true
                }
            }
            if !key.order.set(letter) {
                return Err(ToolError::usage(format!(
                    "invalid key option '{letter}' in '{text}'"
                )));
            }
            key.own_order = true;
        }
        let (field, character) = match position.split_once('.') {
            Some((field, character)) => (field, Some(character)),
            None => (position, None),
        };
        let field: usize = field.parse().map_err(|_| invalid())?;
        let character: usize = match character {
            Some(c) => c.parse().map_err(|_| invalid())?,
            None => {
                if is_start {
                    1
                } else {
                    0
                }
            }
        };
        if field == 0 || (is_start && character == 0) {
            return Err(ToolError::usage(format!(
                "field number is zero: invalid field specification '{text}'"
            )));
        }
        Ok((field, character))
    };
    (key.start_field, key.start_char) = parse_position(start, true)?;
    if let Some(end) = end {
        let (field, character) = parse_position(end, false)?;
        key.end_field = Some(field);
        key.end_char = character;
    }
    if !key.own_order {
        key.order = global;
        key.start_blanks = global.blanks;
        key.end_blanks = global.blanks;
    }
    Ok(key)
}

impl Sorter {
    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        let by_keys = self.compare_keys(a, b);
        if by_keys != Ordering::Equal || self.stable || self.unique {
            return by_keys;
        }
        // GNU's last resort: the whole lines, byte by byte, reversed with a global -r.
        let last = a.cmp(b);
        if self.global.reverse {
            last.reverse()
        } else {
            last
        }
    }

    fn compare_keys(&self, a: &[u8], b: &[u8]) -> Ordering {
        if self.keys.is_empty() {
            return compare_with(self.global, a, b);
        }
        for key in &self.keys {
            let order = compare_with(key.order, self.extract(key, a), self.extract(key, b));
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }

    /// The byte range of a key in a line, as GNU computes it.
    fn extract<'a>(&self, key: &Key, line: &'a [u8]) -> &'a [u8] {
        let fields = self.field_starts(line);
        let field_span = |index: usize| -> (usize, usize) {
            match fields.get(index) {
                Some(&(start, end)) => (start, end),
                None => (line.len(), line.len()),
            }
        };
        let (field_start, field_end) = field_span(key.start_field - 1);
        let mut start = field_start;
        if key.start_blanks {
            while start < field_end && is_blank(line[start]) {
                start += 1;
            }
        }
        start = (start + key.start_char - 1)
            .min(field_end.max(start))
            .min(line.len());
        let end = match key.end_field {
            None => line.len(),
            Some(end_field) => {
                let (end_start, end_end) = field_span(end_field - 1);
                if key.end_char == 0 {
                    end_end
                } else {
                    let mut from = end_start;
                    if key.end_blanks {
                        while from < end_end && is_blank(line[from]) {
                            from += 1;
                        }
                    }
                    (from + key.end_char).min(end_end)
                }
            }
        };
        if end <= start {
            &line[start..start]
        } else {
            &line[start..end]
        }
    }

    /// Each field's (start, end). Without -t a field is its leading blanks plus a run of non-blanks.
    fn field_starts(&self, line: &[u8]) -> Vec<(usize, usize)> {
        let mut fields = Vec::new();
        match self.separator {
            Some(separator) => {
                let mut start = 0;
                for (index, &byte) in line.iter().enumerate() {
                    if byte == separator {
                        fields.push((start, index));
                        start = index + 1;
                    }
                }
                fields.push((start, line.len()));
            }
            None => {
                let mut index = 0;
                while index < line.len() {
                    let start = index;
                    while index < line.len() && is_blank(line[index]) {
                        index += 1;
                    }
                    while index < line.len() && !is_blank(line[index]) {
                        index += 1;
                    }
                    fields.push((start, index));
                }
            }
        }
        fields
    }
}

fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn compare_with(order: Order, a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = if order.blanks {
        (trim_blanks(a), trim_blanks(b))
    } else {
        (a, b)
    };
    let result = if order.numeric {
        numeric(a)
            .partial_cmp(&numeric(b))
            .unwrap_or(Ordering::Equal)
    } else if order.general {
        general(a, b)
    } else if order.human {
        human(a).partial_cmp(&human(b)).unwrap_or(Ordering::Equal)
    } else if order.month {
        month(a).cmp(&month(b))
    } else if order.version {
        version(a, b)
    } else if order.dictionary || order.fold || order.printable {
        let keep = |byte: &&u8| {
            (!order.dictionary || byte.is_ascii_alphanumeric() || is_blank(**byte))
                && (!order.printable || byte.is_ascii_graphic() || **byte == b' ')
        };
        let fold = |byte: &u8| {
            if order.fold {
                byte.to_ascii_uppercase()
            } else {
                *byte
            }
        };
        a.iter()
            .filter(keep)
            .map(fold)
            .cmp(b.iter().filter(keep).map(fold))
    } else {
        a.cmp(b)
    };
    if order.reverse {
        result.reverse()
    } else {
        result
    }
}

fn trim_blanks(text: &[u8]) -> &[u8] {
    let start = text.iter().take_while(|b| is_blank(**b)).count();
    &text[start..]
}

/// GNU -n: optional blanks, an optional '-', digits with an optional decimal part; else 0.
fn numeric(text: &[u8]) -> f64 {
    let text = trim_blanks(text);
    let mut end = usize::from(text.first() == Some(&b'-'));
    end += text[end..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if text.get(end) == Some(&b'.') {
        end += 1 + text[end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    }
    std::str::from_utf8(&text[..end])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0)
}

/// GNU -g: the longest prefix that is a float; lines without one sort first.
fn general(a: &[u8], b: &[u8]) -> Ordering {
    let parse = |text: &[u8]| -> Option<f64> {
        let text = std::str::from_utf8(trim_blanks(text)).unwrap_or("");
        (1..=text.len())
            .rev()
            .find_map(|end| text.get(..end)?.parse::<f64>().ok())
    };
    match (parse(a), parse(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x
            .partial_cmp(&y)
            .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()).reverse()),
    }
}

/// GNU -M: JAN < FEB < … < DEC by the first three letters after leading blanks, any case;
/// anything else comes before JAN.
fn month(text: &[u8]) -> u8 {
    const MONTHS: [&[u8; 3]; 12] = [
        b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV",
        b"DEC",
    ];
    let text = trim_blanks(text);
    let Some(head) = text.get(..3) else {
        return 0;
    };
    let upper = head.to_ascii_uppercase();
    MONTHS
        .iter()
        .position(|m| m[..] == upper[..])
        .map_or(0, |i| i as u8 + 1)
}

/// GNU -h: the number scaled by its SI suffix (K M G T P E Z Y).
fn human(text: &[u8]) -> f64 {
    let value = numeric(text);
    let text = trim_blanks(text);
    let digits = text
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.' || **b == b'-')
        .count();
    let power = match text.get(digits) {
        Some(b'k' | b'K') => 1,
        Some(b'M') => 2,
        Some(b'G') => 3,
        Some(b'T') => 4,
        Some(b'P') => 5,
        Some(b'E') => 6,
        Some(b'Z') => 7,
        Some(b'Y') => 8,
        _ => 0,
    };
    value * 1000f64.powi(power)
}

/// Version order: Debian's verrevcmp, which GNU's version sort is built on. Non-digit runs
/// compare character by character (`~` first, then the end, then letters, then the rest);
/// digit runs compare as numbers.
fn version(a: &[u8], b: &[u8]) -> Ordering {
    let rank = |text: &[u8], index: usize| -> i32 {
        match text.get(index) {
            None => 0,
            Some(c) if c.is_ascii_digit() => 0,
            Some(c) if c.is_ascii_alphabetic() => i32::from(*c),
            Some(b'~') => -1,
            Some(c) => i32::from(*c) + 256,
        }
    };
    let digit = |text: &[u8], index: usize| text.get(index).is_some_and(u8::is_ascii_digit);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let order = rank(a, i).cmp(&rank(b, j));
            if order != Ordering::Equal {
                return order;
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_difference = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_difference == Ordering::Equal {
                first_difference = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_difference != Ordering::Equal {
            return first_difference;
        }
    }
    Ordering::Equal
}
