//! bc's grammar (POSIX with GNU's extensions): statements and function definitions read one at a
//! time from a [`Lexer`], with GNU bc's precedence — `||`, `&&`, `!`, relations, assignment,
//! `+ -`, `* / %`, `^` (right), unary `-`, `++ --` — where an assignment binds its name first
//! (`a = 3 < 5` is `(a = 3) < 5`). Nesting is bounded: the wasm stack has no guard page.

use super::ast::*;
use super::lexer::{Keyword, Lexer, Token};
use super::number::Number;

/// The deepest nesting of brackets, blocks and prefix operators a program may use.
const MAX_NESTING: usize = 200;

/// What stops the parse of one item.
#[derive(Debug, PartialEq)]
pub enum Stop {
    /// A syntax error: the message (without the source and line).
    Syntax(String),
    /// An error reported without the source and line.
    Bare(String),
    /// `quit`: bc ends when it reads it, wherever it stands.
    Quit,
}

type Parsed<T> = Result<T, Stop>;

/// One top-level unit: a statement to run now, or a function to define.
#[derive(Debug)]
pub enum Item {
    Statement(Stmt),
    Define(Function),
}

pub struct Parser {
    lexer: Lexer,
    peeked: Option<Token>,
    depth: usize,
    loops: usize,
    in_function: bool,
    /// The last token taken was a newline (recovery then has nothing left to drop).
    after_newline: bool,
    /// Illegal characters met, reported by the driver as they come.
    pub illegal: Vec<(usize, char)>,
}

fn syntax() -> Stop {
    Stop::Syntax("syntax error".into())
}

impl Parser {
    pub fn new(lexer: Lexer) -> Parser {
        Parser {
            lexer,
            peeked: None,
            depth: 0,
            loops: 0,
            in_function: false,
            after_newline: false,
            illegal: Vec::new(),
        }
    }

    /// The line the parser stands on, for messages.
    pub fn line(&self) -> usize {
        self.lexer.line
    }

    /// The next line of the source, for `read()` (the parser has not looked past the newline
    /// that ended the running statement).
    pub fn take_line(&mut self) -> Option<String> {
        if self.peeked.is_some() {
            return None;
        }
        self.lexer.take_line()
    }

    fn peek(&mut self) -> &Token {
        if self.peeked.is_none() {
            let token = loop {
                match self.lexer.next_token() {
                    Token::Illegal(c) => self.illegal.push((self.lexer.line, c)),
                    token => break token,
                }
            };
            self.peeked = Some(token);
        }
        self.peeked.as_ref().unwrap_or(&Token::Eof)
    }

    fn advance(&mut self) -> Token {
        self.peek();
        let token = self.peeked.take().unwrap_or(Token::Eof);
        self.after_newline = token == Token::Newline;
        token
    }

    fn at_op(&mut self, op: &str) -> bool {
        matches!(self.peek(), Token::Op(o) if *o == op)
    }

    fn at_keyword(&mut self, word: Keyword) -> bool {
        *self.peek() == Token::Keyword(word)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = self.at_op(op);
        if found {
            self.advance();
        }
        found
    }

    fn expect_op(&mut self, op: &str) -> Parsed<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&mut self) -> Stop {
        match self.peek() {
            Token::UnterminatedComment => Stop::Bare("EOF encountered in a comment.".into()),
            _ => syntax(),
        }
    }

    fn skip_newlines(&mut self) {
        while *self.peek() == Token::Newline {
            self.advance();
        }
    }

    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.depth = 0;
            return Err(Stop::Syntax(format!(
                "nesting deeper than {MAX_NESTING} levels"
            )));
        }
        let result = parse(self);
        self.depth = self.depth.saturating_sub(1);
        result
    }

    /// Recovery after an error: the rest of the line is dropped.
    pub fn recover(&mut self) {
        self.depth = 0;
        self.loops = 0;
        self.in_function = false;
        match self.peeked.take() {
            Some(Token::Newline) | Some(Token::Eof) => {}
            None if self.after_newline => {}
            _ => self.lexer.skip_line(),
        }
    }

    /// The next item of the source, and whether it ends its line (GNU bc runs a line's
    /// statements together once the line is read); `None` at the source's end.
    pub fn next_item(&mut self) -> Parsed<Option<(Item, bool)>> {
        loop {
            match self.peek() {
                Token::Eof => return Ok(None),
                Token::Newline | Token::Op(";") => {
                    self.advance();
                }
                _ => break,
            }
        }
        let item = if self.at_keyword(Keyword::Define) {
            Item::Define(self.define()?)
        } else {
            Item::Statement(self.statement()?)
        };
        let ends_line = self.end_of_item()?;
        Ok(Some((item, ends_line)))
    }

    /// A top-level item ends with `;`, a newline or the end (the last two end the line); a
    /// newline is taken so nothing past it is read before the line runs.
    fn end_of_item(&mut self) -> Parsed<bool> {
        match self.peek() {
            Token::Newline => {
                self.advance();
                Ok(true)
            }
            Token::Op(";") => {
                self.advance();
                Ok(false)
            }
            Token::Eof => Ok(true),
            _ => Err(self.unexpected()),
        }
    }

    fn define(&mut self) -> Parsed<Function> {
        self.advance();
        let void = self.at_keyword(Keyword::Void);
        if void {
            self.advance();
        }
        let Token::Name(name) = self.advance() else {
            return Err(syntax());
        };
        self.expect_op("(")?;
        let mut parameters = Vec::new();
        if !self.eat_op(")") {
            loop {
                let by_reference = self.eat_op("*") || self.eat_op("&");
                let Token::Name(param) = self.advance() else {
                    return Err(syntax());
                };
                let array = self.eat_op("[");
                if array {
                    self.expect_op("]")?;
                }
                if by_reference && !array {
                    return Err(syntax());
                }
                parameters.push(Parameter {
                    name: param,
                    array,
                    by_reference,
                });
                if self.eat_op(")") {
                    break;
                }
                self.expect_op(",")?;
            }
        }
        self.skip_newlines();
        self.expect_op("{")?;
        self.skip_newlines();
        let mut autos = Vec::new();
        if self.at_keyword(Keyword::Auto) {
            self.advance();
            loop {
                let Token::Name(auto) = self.advance() else {
                    return Err(syntax());
                };
                let array = self.eat_op("[");
                if array {
                    self.expect_op("]")?;
                }
                autos.push((auto, array));
                if !self.eat_op(",") {
                    break;
                }
            }
            match self.peek() {
                Token::Newline | Token::Op(";") => {
                    self.advance();
                }
                _ => return Err(syntax()),
            }
        }
        self.in_function = true;
        let body = self.statements_until_brace();
        self.in_function = false;
        Ok(Function {
            name,
            void,
            parameters,
            autos,
            body: body?,
        })
    }

    /// Statements up to and including the closing `}`.
    fn statements_until_brace(&mut self) -> Parsed<Vec<Stmt>> {
        let mut statements = Vec::new();
        loop {
            while matches!(self.peek(), Token::Newline | Token::Op(";")) {
                self.advance();
            }
            if self.eat_op("}") {
                return Ok(statements);
            }
            statements.push(self.statement()?);
            match self.peek() {
                Token::Newline | Token::Op(";") | Token::Op("}") => {}
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn statement(&mut self) -> Parsed<Stmt> {
        self.nested(Self::statement_at_depth)
    }

    fn statement_at_depth(&mut self) -> Parsed<Stmt> {
        let token = self.peek().clone();
        match token {
            Token::Newline | Token::Op(";") | Token::Eof | Token::Op("}") => Ok(Stmt::Empty),
            Token::Op("{") => {
                self.advance();
                Ok(Stmt::Block(self.statements_until_brace()?))
            }
            Token::Str(text) => {
                self.advance();
                Ok(Stmt::Text(text))
            }
            Token::Keyword(word) => self.keyword_statement(word),
            _ => Ok(Stmt::Expr(self.expression()?)),
        }
    }

    fn keyword_statement(&mut self, word: Keyword) -> Parsed<Stmt> {
        match word {
            Keyword::Quit => Err(Stop::Quit),
            Keyword::Print => {
                self.advance();
                let mut items = Vec::new();
                loop {
                    if let Token::Str(text) = self.peek().clone() {
                        self.advance();
                        items.push(PrintItem::Text(text));
                    } else {
                        items.push(PrintItem::Value(self.expression()?));
                    }
                    if !self.eat_op(",") {
                        return Ok(Stmt::Print(items));
                    }
                }
            }
            Keyword::If => {
                self.advance();
                let condition = self.condition()?;
                let then = self.statement()?;
                let otherwise = if self.at_keyword(Keyword::Else) {
                    self.advance();
                    self.skip_newlines();
                    Some(Box::new(self.statement()?))
                } else {
                    None
                };
                Ok(Stmt::If(condition, Box::new(then), otherwise))
            }
            Keyword::While => {
                self.advance();
                let condition = self.condition()?;
                let body = self.loop_body()?;
                Ok(Stmt::While(condition, Box::new(body)))
            }
            Keyword::For => {
                self.advance();
                self.expect_op("(")?;
                let start = self.optional_expression(";")?;
                self.expect_op(";")?;
                let test = self.optional_expression(";")?;
                self.expect_op(";")?;
                let step = self.optional_expression(")")?;
                self.expect_op(")")?;
                self.skip_newlines();
                let body = self.loop_body()?;
                Ok(Stmt::For(start, test, step, Box::new(body)))
            }
            Keyword::Break | Keyword::Continue => {
                self.advance();
                if self.loops == 0 {
                    return Err(Stop::Syntax(if word == Keyword::Break {
                        "Break outside a for/while".into()
                    } else {
                        "Continue outside a for".into()
                    }));
                }
                Ok(if word == Keyword::Break {
                    Stmt::Break
                } else {
                    Stmt::Continue
                })
            }
            Keyword::Halt => {
                self.advance();
                Ok(Stmt::Halt)
            }
            Keyword::Limits => {
                self.advance();
                Ok(Stmt::Limits)
            }
            Keyword::Warranty => {
                self.advance();
                Ok(Stmt::Warranty)
            }
            Keyword::Return => {
                self.advance();
                let value = match self.peek() {
                    Token::Newline | Token::Op(";") | Token::Op("}") | Token::Eof => None,
                    _ => Some(self.expression()?),
                };
                // Found where GNU bc finds it: at the end of the statement.
                if !self.in_function {
                    return Err(Stop::Syntax("Return outside of a function.".into()));
                }
                Ok(Stmt::Return(value))
            }
            _ => Ok(Stmt::Expr(self.expression()?)),
        }
    }

    fn condition(&mut self) -> Parsed<Expr> {
        self.expect_op("(")?;
        let condition = self.expression()?;
        self.expect_op(")")?;
        self.skip_newlines();
        Ok(condition)
    }

    fn loop_body(&mut self) -> Parsed<Stmt> {
        self.loops += 1;
        let body = self.statement();
        self.loops -= 1;
        body
    }

    fn optional_expression(&mut self, end: &str) -> Parsed<Option<Expr>> {
        if self.at_op(end) {
            Ok(None)
        } else {
            Ok(Some(self.expression()?))
        }
    }

    pub fn expression(&mut self) -> Parsed<Expr> {
        self.nested(Self::or)
    }

    fn or(&mut self) -> Parsed<Expr> {
        let mut left = self.and()?;
        while self.eat_op("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed<Expr> {
        let mut left = self.not()?;
        while self.eat_op("&&") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Parsed<Expr> {
        if self.eat_op("!") {
            return Ok(Expr::Not(Box::new(self.nested(Self::not)?)));
        }
        self.relational()
    }

    fn relational(&mut self) -> Parsed<Expr> {
        let mut left = self.additive()?;
        loop {
            let relation = match self.peek() {
                Token::Op("<") => Relation::Less,
                Token::Op("<=") => Relation::LessEqual,
                Token::Op(">") => Relation::Greater,
                Token::Op(">=") => Relation::GreaterEqual,
                Token::Op("==") => Relation::Equal,
                Token::Op("!=") => Relation::NotEqual,
                _ => return Ok(left),
            };
            self.advance();
            left = Expr::Compare(relation, Box::new(left), Box::new(self.additive()?));
        }
    }

    fn additive(&mut self) -> Parsed<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Token::Op("+") => Arith::Add,
                Token::Op("-") => Arith::Sub,
                _ => return Ok(left),
            };
            self.advance();
            left = Expr::Arith(op, Box::new(left), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Parsed<Expr> {
        let mut left = self.power()?;
        loop {
            let op = match self.peek() {
                Token::Op("*") => Arith::Mul,
                Token::Op("/") => Arith::Div,
                Token::Op("%") => Arith::Rem,
                _ => return Ok(left),
            };
            self.advance();
            left = Expr::Arith(op, Box::new(left), Box::new(self.power()?));
        }
    }

    fn power(&mut self) -> Parsed<Expr> {
        let base = self.unary()?;
        if self.eat_op("^") {
            let exponent = self.nested(Self::power)?;
            return Ok(Expr::Arith(Arith::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Parsed<Expr> {
        if self.eat_op("-") {
            return Ok(Expr::Negate(Box::new(self.nested(Self::unary)?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Parsed<Expr> {
        match self.advance() {
            Token::Number(text) => {
                let decimal = Number::parse_literal(&text, 10)
                    .map_err(|error| Stop::Syntax(error.message()))?;
                Ok(Expr::Number(Literal { text, decimal }))
            }
            Token::Op("(") => {
                let inner = self.expression()?;
                self.expect_op(")")?;
                Ok(Expr::Group(Box::new(inner)))
            }
            Token::Op(op @ ("++" | "--")) => {
                let place = self.place()?;
                Ok(Expr::Step {
                    place,
                    increment: op == "++",
                    prefix: true,
                })
            }
            Token::Keyword(word @ (Keyword::Length | Keyword::Sqrt)) => {
                self.expect_op("(")?;
                let inner = Box::new(self.expression()?);
                self.expect_op(")")?;
                Ok(if word == Keyword::Length {
                    Expr::Length(inner)
                } else {
                    Expr::Sqrt(inner)
                })
            }
            Token::Keyword(Keyword::Read) => {
                self.expect_op("(")?;
                self.expect_op(")")?;
                Ok(Expr::ReadNumber)
            }
            Token::Keyword(Keyword::Scale) if self.at_op("(") => {
                self.advance();
                let inner = Box::new(self.expression()?);
                self.expect_op(")")?;
                Ok(Expr::ScaleOf(inner))
            }
            Token::Name(name) if self.at_op("(") => {
                self.advance();
                let arguments = self.arguments()?;
                Ok(Expr::Call(name, arguments))
            }
            token => {
                let place = self.place_from(token)?;
                self.after_place(place)
            }
        }
    }

    /// A name, element or special variable after its first token.
    fn place_from(&mut self, token: Token) -> Parsed<Place> {
        Ok(match token {
            Token::Name(name) => {
                if self.eat_op("[") {
                    let index = self.expression()?;
                    self.expect_op("]")?;
                    Place::Element(name, Box::new(index))
                } else {
                    Place::Variable(name)
                }
            }
            Token::Keyword(Keyword::Scale) => Place::Special(Special::Scale),
            Token::Keyword(Keyword::Ibase) => Place::Special(Special::Ibase),
            Token::Keyword(Keyword::Obase) => Place::Special(Special::Obase),
            Token::Keyword(Keyword::Last) | Token::Op(".") => Place::Special(Special::Last),
            Token::UnterminatedComment => {
                return Err(Stop::Bare("EOF encountered in a comment.".into()));
            }
            _ => return Err(syntax()),
        })
    }

    fn place(&mut self) -> Parsed<Place> {
        let token = self.advance();
        self.place_from(token)
    }

    /// A place is read, assigned (the value parsed at assignment's precedence) or stepped.
    fn after_place(&mut self, place: Place) -> Parsed<Expr> {
        let op = match self.peek() {
            Token::Op("=") => None,
            Token::Op("+=") => Some(Arith::Add),
            Token::Op("-=") => Some(Arith::Sub),
            Token::Op("*=") => Some(Arith::Mul),
            Token::Op("/=") => Some(Arith::Div),
            Token::Op("%=") => Some(Arith::Rem),
            Token::Op("^=") => Some(Arith::Pow),
            Token::Op(step @ ("++" | "--")) => {
                let increment = *step == "++";
                self.advance();
                return Ok(Expr::Step {
                    place,
                    increment,
                    prefix: false,
                });
            }
            _ => return Ok(Expr::Value(place)),
        };
        self.advance();
        let value = self.nested(Self::additive)?;
        Ok(Expr::Assign(place, op, Box::new(value)))
    }

    fn arguments(&mut self) -> Parsed<Vec<Argument>> {
        let mut arguments = Vec::new();
        if self.eat_op(")") {
            return Ok(arguments);
        }
        loop {
            arguments.push(self.argument()?);
            if self.eat_op(")") {
                return Ok(arguments);
            }
            self.expect_op(",")?;
        }
    }

    /// `name[]` passes an array; anything else is a value.
    fn argument(&mut self) -> Parsed<Argument> {
        if let Token::Name(name) = self.peek().clone() {
            let saved = self.lexer.position();
            self.advance();
            if self.eat_op("[") && self.eat_op("]") {
                return Ok(Argument::Array(name));
            }
            self.peeked = None;
            self.lexer.restore(saved);
            self.peeked = Some(Token::Name(name));
        }
        Ok(Argument::Value(self.expression()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed<Vec<Item>> {
        let mut parser = Parser::new(Lexer::new(text.as_bytes().to_vec()));
        let mut items = Vec::new();
        while let Some((item, _)) = parser.next_item()? {
            items.push(item);
        }
        Ok(items)
    }

    fn shape(text: &str) -> String {
        format!("{:?}", parse(text).unwrap())
    }

    #[test]
    fn assignment_binds_its_name_first() {
        let tree = shape("a = 3 < 5");
        assert!(
            tree.starts_with("[Statement(Expr(Compare(Less, Assign(Variable(\"a\")"),
            "{tree}"
        );
        let tree = shape("3 + a = 5 * 2");
        assert!(tree.contains("Arith(Add, Number"), "{tree}");
        assert!(
            tree.contains("Assign(Variable(\"a\"), None, Arith(Mul"),
            "{tree}"
        );
    }

    #[test]
    fn unary_minus_binds_tighter_than_power() {
        let tree = shape("-2^2");
        assert!(tree.contains("Arith(Pow, Negate"), "{tree}");
    }

    #[test]
    fn errors_and_quit() {
        assert_eq!(parse("1 +").unwrap_err(), syntax());
        assert_eq!(
            parse("break").unwrap_err(),
            Stop::Syntax("Break outside a for/while".into())
        );
        assert_eq!(parse("if (0) quit").unwrap_err(), Stop::Quit);
        assert!(
            matches!(parse("define f(x) { return (x) }\nf(a[])"), Ok(items) if items.len() == 2)
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "(".repeat(100_000) + "1" + &")".repeat(100_000);
        assert!(matches!(parse(&deep), Err(Stop::Syntax(m)) if m.contains("nesting")));
        let negations = "- ".repeat(100_000) + "1";
        assert!(matches!(parse(&negations), Err(Stop::Syntax(m)) if m.contains("nesting")));
        let nots = "!".repeat(100_000) + "1";
        assert!(matches!(parse(&nots), Err(Stop::Syntax(m)) if m.contains("nesting")));
        let blocks = "{".repeat(100_000);
        assert!(matches!(parse(&blocks), Err(Stop::Syntax(m)) if m.contains("nesting")));
        let powers = "2^".repeat(100_000) + "1";
        assert!(matches!(parse(&powers), Err(Stop::Syntax(m)) if m.contains("nesting")));
    }
}
