//! Records and fields: reading a record by RS (newline, one character, paragraphs, or a regex)
//! and splitting it by FS (blanks, one literal character, or a regex).

use regex::Regex;
use std::io::{self, BufRead};
use std::rc::Rc;

/// How records end, from the value of RS.
pub enum RecordSeparator {
    Byte(u8),
    /// RS = "": blank lines separate records.
    Paragraph,
    Regex(Rc<Regex>),
}

pub struct RecordReader {
    input: Box<dyn BufRead>,
    /// What a regex separator has read ahead.
    buffer: Vec<u8>,
    exhausted: bool,
}

impl RecordReader {
    pub fn new(input: Box<dyn BufRead>) -> Self {
        RecordReader {
            input,
            buffer: Vec::new(),
            exhausted: false,
        }
    }

    pub fn read(&mut self, separator: &RecordSeparator) -> io::Result<Option<String>> {
        let bytes = match separator {
            RecordSeparator::Byte(byte) => self.read_until(*byte)?,
            RecordSeparator::Paragraph => self.read_paragraph()?,
            RecordSeparator::Regex(regex) => self.read_by_regex(regex)?,
        };
        Ok(bytes.map(|b| match String::from_utf8(b) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }))
    }

    fn read_until(&mut self, byte: u8) -> io::Result<Option<Vec<u8>>> {
        let mut record = std::mem::take(&mut self.buffer);
        if let Some(at) = record.iter().position(|&b| b == byte) {
            self.buffer = record.split_off(at + 1);
            record.pop();
            return Ok(Some(record));
        }
        let read = self.input.read_until(byte, &mut record)?;
        if read == 0 && record.is_empty() {
            return Ok(None);
        }
        if record.last() == Some(&byte) {
            record.pop();
        }
        Ok(Some(record))
    }

    fn read_paragraph(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut record: Vec<u8> = Vec::new();
        loop {
            let Some(line) = self.read_until(b'\n')? else {
                return Ok((!record.is_empty()).then_some(record));
            };
            if line.is_empty() {
                if record.is_empty() {
                    continue;
                }
                return Ok(Some(record));
            }
            if !record.is_empty() {
                record.push(b'\n');
            }
            record.extend_from_slice(&line);
        }
    }

    fn read_by_regex(&mut self, regex: &Regex) -> io::Result<Option<Vec<u8>>> {
        if !self.exhausted {
            self.input.read_to_end(&mut self.buffer)?;
            self.exhausted = true;
        }
        if self.buffer.is_empty() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&self.buffer).into_owned();
        match regex.find(&text).filter(|m| !m.is_empty()) {
            Some(m) => {
                let record = text.as_bytes()[..m.start()].to_vec();
                self.buffer = text.as_bytes()[m.end()..].to_vec();
                Ok(Some(record))
            }
            None => {
                let mut record = std::mem::take(&mut self.buffer);
                if record.last() == Some(&b'\n') {
                    record.pop();
                }
                Ok(Some(record))
            }
        }
    }
}

/// How fields are found, from the value of FS.
pub enum FieldSeparator {
    Blanks,
    Char(char),
    EachChar,
    Regex(Rc<Regex>),
}

/// Splits a record into its fields. In paragraph mode a newline also separates fields.
pub fn split_fields(record: &str, separator: &FieldSeparator, paragraph: bool) -> Vec<Rc<str>> {
    if record.is_empty() {
        return Vec::new();
    }
    match separator {
        FieldSeparator::Blanks => record
            .split([' ', '\t', '\n'])
            .filter(|f| !f.is_empty())
            .map(Rc::from)
            .collect(),
        FieldSeparator::Char(c) if paragraph => record.split([*c, '\n']).map(Rc::from).collect(),
        FieldSeparator::Char(c) => record.split(*c).map(Rc::from).collect(),
        FieldSeparator::EachChar => record.chars().map(|c| Rc::from(c.to_string())).collect(),
        FieldSeparator::Regex(regex) => {
            let mut fields = Vec::new();
            let mut start = 0;
            for m in regex.find_iter(record).filter(|m| !m.is_empty()) {
                fields.push(Rc::from(&record[start..m.start()]));
                start = m.end();
            }
            fields.push(Rc::from(&record[start..]));
            if paragraph {
                fields = fields
                    .into_iter()
                    .flat_map(|f: Rc<str>| f.split('\n').map(Rc::from).collect::<Vec<Rc<str>>>())
                    .collect();
            }
            fields
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(text: &'static str) -> RecordReader {
        RecordReader::new(Box::new(text.as_bytes()))
    }

    fn all(mut reader: RecordReader, separator: RecordSeparator) -> Vec<String> {
        std::iter::from_fn(|| reader.read(&separator).unwrap()).collect()
    }

    #[test]
    fn records_by_newline_paragraph_and_regex() {
        assert_eq!(
            all(reader("a\nb\n"), RecordSeparator::Byte(b'\n')),
            ["a", "b"]
        );
        assert_eq!(
            all(reader("a\nb"), RecordSeparator::Byte(b'\n')),
            ["a", "b"]
        );
        assert_eq!(
            all(reader("\n\na\nb\n\n\nc\n"), RecordSeparator::Paragraph),
            ["a\nb", "c"]
        );
        let regex = Rc::new(Regex::new("[,;]+").unwrap());
        assert_eq!(
            all(reader("a,b;;c\n"), RecordSeparator::Regex(regex)),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn fields_by_blanks_char_and_regex() {
        let texts = |fields: Vec<Rc<str>>| fields.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        assert_eq!(
            texts(split_fields("  a  b\tc ", &FieldSeparator::Blanks, false)),
            ["a", "b", "c"]
        );
        assert_eq!(
            texts(split_fields("a,,b", &FieldSeparator::Char(','), false)),
            ["a", "", "b"]
        );
        let regex = Rc::new(Regex::new("[0-9]+").unwrap());
        assert_eq!(
            texts(split_fields("a1b22c", &FieldSeparator::Regex(regex), false)),
            ["a", "b", "c"]
        );
        assert!(split_fields("", &FieldSeparator::Char(','), false).is_empty());
    }
}
