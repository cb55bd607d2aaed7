//! bc's tokens, read one at a time from one source (a file or stdin) so the driver can run each
//! line as soon as it is complete, as GNU bc does: numbers in any base (`0-9A-Z`, one `.`),
//! names, keywords, strings, operators, `/* */` and `#` comments, backslash-newline joins.

/// One token and the line it ends on.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Number(String),
    Name(String),
    Str(String),
    Keyword(Keyword),
    Op(&'static str),
    Newline,
    Eof,
    /// A character bc has no use for: reported, then skipped.
    Illegal(char),
    /// A comment the source ends inside.
    UnterminatedComment,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Keyword {
    Auto,
    Break,
    Continue,
    Define,
    Else,
    For,
    Halt,
    Ibase,
    If,
    Last,
    Length,
    Limits,
    Obase,
    Print,
    Quit,
    Read,
    Return,
    Scale,
    Sqrt,
    Void,
    Warranty,
    While,
}

fn keyword(name: &str) -> Option<Keyword> {
    Some(match name {
        "auto" => Keyword::Auto,
        "break" => Keyword::Break,
        "continue" => Keyword::Continue,
        "define" => Keyword::Define,
        "else" => Keyword::Else,
        "for" => Keyword::For,
        "halt" => Keyword::Halt,
        "ibase" => Keyword::Ibase,
        "if" => Keyword::If,
        "last" => Keyword::Last,
        "length" => Keyword::Length,
        "limits" => Keyword::Limits,
        "obase" => Keyword::Obase,
        "print" => Keyword::Print,
        "quit" => Keyword::Quit,
        "read" => Keyword::Read,
        "return" => Keyword::Return,
        "scale" => Keyword::Scale,
        "sqrt" => Keyword::Sqrt,
        "void" => Keyword::Void,
        "warranty" => Keyword::Warranty,
        "while" => Keyword::While,
        _ => return None,
    })
}

/// Operators, longest first so `+=` wins over `+`.
const OPERATORS: &[&str] = &[
    "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "&&", "||", "+", "-",
    "*", "/", "%", "^", "=", "<", ">", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".",
];

pub struct Lexer {
    text: Vec<u8>,
    at: usize,
    /// The line of the next character (1-based).
    pub line: usize,
}

impl Lexer {
    pub fn new(text: Vec<u8>) -> Lexer {
        Lexer {
            text,
            at: 0,
            line: 1,
        }
    }

    /// Where the lexer stands, to come back to after looking ahead.
    pub fn position(&self) -> (usize, usize) {
        (self.at, self.line)
    }

    pub fn restore(&mut self, (at, line): (usize, usize)) {
        self.at = at;
        self.line = line;
    }

    fn peek_byte(&self, ahead: usize) -> Option<u8> {
        self.text.get(self.at + ahead).copied()
    }

    /// The rest of the current line (for `read()`), consumed with its newline.
    pub fn take_line(&mut self) -> Option<String> {
        if self.at >= self.text.len() {
            return None;
        }
        let end = self.text[self.at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.text.len(), |p| self.at + p);
        let line = String::from_utf8_lossy(&self.text[self.at..end]).into_owned();
        self.at = (end + 1).min(self.text.len());
        self.line += 1;
        Some(line)
    }

    /// Drops the rest of the line (recovery after a syntax error).
    pub fn skip_line(&mut self) {
        while let Some(byte) = self.peek_byte(0) {
            self.at += 1;
            if byte == b'\n' {
                self.line += 1;
                return;
            }
        }
    }

    pub fn next_token(&mut self) -> Token {
        loop {
            match (self.peek_byte(0), self.peek_byte(1)) {
                (Some(b' ' | b'\t' | b'\r' | 0x0c), _) => self.at += 1,
                (Some(b'\\'), Some(b'\n')) => {
                    self.at += 2;
                    self.line += 1;
                }
                (Some(b'#'), _) => {
                    while self.peek_byte(0).is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.at += 2;
                    loop {
                        match (self.peek_byte(0), self.peek_byte(1)) {
                            (None, _) => return Token::UnterminatedComment,
                            (Some(b'*'), Some(b'/')) => {
                                self.at += 2;
                                break;
                            }
                            (Some(byte), _) => {
                                self.line += usize::from(byte == b'\n');
                                self.at += 1;
                            }
                        }
                    }
                }
                _ => break,
            }
        }
        let Some(byte) = self.peek_byte(0) else {
            return Token::Eof;
        };
        if byte == b'\n' {
            self.at += 1;
            self.line += 1;
            return Token::Newline;
        }
        if byte == b'"' {
            return self.string();
        }
        let next_is_digit = self
            .peek_byte(1)
            .is_some_and(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if byte.is_ascii_digit() || byte.is_ascii_uppercase() || (byte == b'.' && next_is_digit) {
            return self.number();
        }
        if byte.is_ascii_lowercase() {
            let start = self.at;
            while self
                .peek_byte(0)
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                self.at += 1;
            }
            let name = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
            return match keyword(&name) {
                Some(word) => Token::Keyword(word),
                None => Token::Name(name),
            };
        }
        for op in OPERATORS {
            if self.text[self.at..].starts_with(op.as_bytes()) {
                self.at += op.len();
                return Token::Op(op);
            }
        }
        // One whole character, for the message (a byte that is not UTF-8 alone).
        let (illegal, width) = (1..=4)
            .filter(|width| self.at + width <= self.text.len())
            .find_map(|width| {
                let text = std::str::from_utf8(&self.text[self.at..self.at + width]).ok()?;
                Some((text.chars().next()?, width))
            })
            .unwrap_or(('\u{fffd}', 1));
        self.at += width;
        Token::Illegal(illegal)
    }

    fn string(&mut self) -> Token {
        let line = self.line;
        self.at += 1;
        let start = self.at;
        while let Some(byte) = self.peek_byte(0) {
            self.at += 1;
            if byte == b'"' {
                let text = &self.text[start..self.at - 1];
                return Token::Str(String::from_utf8_lossy(text).into_owned());
            }
            self.line += usize::from(byte == b'\n');
        }
        // As GNU bc: the opening quote is an illegal character and the rest of the source is
        // gone with it.
        self.line = line;
        Token::Illegal('"')
    }

    fn number(&mut self) -> Token {
        let mut text = String::new();
        let mut seen_point = false;
        while let Some(byte) = self.peek_byte(0) {
            match byte {
                b'0'..=b'9' | b'A'..=b'Z' => text.push(byte as char),
                b'.' if !seen_point => {
                    seen_point = true;
                    text.push('.');
                }
                // A long number bc printed, split with backslash-newline, reads back whole.
                b'\\' if self.peek_byte(1) == Some(b'\n') => {
                    self.at += 1;
                    self.line += 1;
                }
                _ => break,
            }
            self.at += 1;
        }
        Token::Number(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        let mut lexer = Lexer::new(text.as_bytes().to_vec());
        let mut all = Vec::new();
        loop {
            let token = lexer.next_token();
            if token == Token::Eof {
                return all;
            }
            all.push(token);
        }
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            tokens("x+=1.5*.5 /* c */ # d\nFF."),
            vec![
                Token::Name("x".into()),
                Token::Op("+="),
                Token::Number("1.5".into()),
                Token::Op("*"),
                Token::Number(".5".into()),
                Token::Newline,
                Token::Number("FF.".into()),
            ]
        );
        assert_eq!(
            tokens("scale=2\\\n;."),
            vec![
                Token::Keyword(Keyword::Scale),
                Token::Op("="),
                Token::Number("2".into()),
                Token::Op(";"),
                Token::Op("."),
            ]
        );
        assert_eq!(tokens("12\\\n34"), vec![Token::Number("1234".into())]);
    }

    #[test]
    fn bad_input_is_a_token_not_a_panic() {
        assert_eq!(tokens("@"), vec![Token::Illegal('@')]);
        assert_eq!(tokens("\"abc\n1"), vec![Token::Illegal('"')]);
        assert_eq!(tokens("/* x"), vec![Token::UnterminatedComment]);
        assert_eq!(tokens("\u{e9}"), vec![Token::Illegal('\u{e9}')]);
        let mut lexer = Lexer::new(vec![0xff, b'1']);
        assert_eq!(lexer.next_token(), Token::Illegal('\u{fffd}'));
        assert_eq!(lexer.next_token(), Token::Number("1".into()));
    }
}
