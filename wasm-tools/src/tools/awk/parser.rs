//! The awk grammar, by recursive descent: POSIX precedence, newlines as terminators where the
//! grammar allows them, `>` as redirection inside `print`, and names resolved to slots.

use super::ast::*;
use super::lexer::{Located, Token};
use std::collections::HashMap;
use std::rc::Rc;

/// Parses a program: a syntax error exits 1 and a call of an undefined function 2, as in gawk.
pub fn parse(tokens: Vec<Located>) -> Result<Program, crate::common::ToolError> {
    let mut parser = Parser {
        tokens,
        pos: 0,
        no_gt: false,
        no_in: false,
        depth: 0,
        globals: HashMap::new(),
        program: Program::default(),
        locals: None,
        array_uses: Vec::new(),
        function_names: HashMap::new(),
        calls: Vec::new(),
    };
    for name in SPECIALS {
        parser.global(name);
    }
    parser
        .program_items()
        .map_err(crate::common::ToolError::failure)?;
    parser
        .resolve_calls()
        .map_err(|e| crate::common::ToolError::usage(format!("fatal: {e}")))?;
    Ok(parser.program)
}

struct Parser {
    tokens: Vec<Located>,
    pos: usize,
    /// Inside `print` arguments, outside parentheses: `>` redirects.
    no_gt: bool,
    /// In the first clause of `for (`: `in` belongs to the loop.
    no_in: bool,
    /// How many expressions are being parsed inside one another.
    depth: usize,
    globals: HashMap<Rc<str>, usize>,
    program: Program,
    /// The parameters of the function being parsed.
    locals: Option<HashMap<Rc<str>, usize>>,
    /// Parameters used as arrays in the function being parsed.
    array_uses: Vec<bool>,
    function_names: HashMap<Rc<str>, usize>,
    /// Calls by name and line, checked when every function is known.
    calls: Vec<(Rc<str>, usize)>,
}

type Parsed<T> = Result<T, String>;

/// How deeply expressions may nest (parentheses, operands of operators).
const MAX_NESTING: usize = 200;

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos].token
    }

    fn peek_at(&self, offset: usize) -> &Token {
        let i = (self.pos + offset).min(self.tokens.len() - 1);
        &self.tokens[i].token
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.pos].token.clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn error<T>(&self) -> Parsed<T> {
        let line = self.tokens[self.pos].line;
        let near = match self.peek() {
            Token::Eof => "end of program".to_string(),
            Token::Newline => "end of line".to_string(),
            Token::Op(op) => format!("'{op}'"),
            Token::Keyword(k) | Token::Builtin(k) => format!("'{k}'"),
            Token::Name(n) | Token::FuncName(n) => format!("'{n}'"),
            Token::Number(n) => format!("'{n}'"),
            Token::Str(s) => format!("\"{s}\""),
            Token::Regex(r) => format!("/{r}/"),
        };
        Err(format!("syntax error at source line {line} near {near}"))
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Token::Op(o) if *o == op)
    }

    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Token::Keyword(k) if *k == keyword)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = self.is_op(op);
        if found {
            self.advance();
        }
        found
    }

    fn expect_op(&mut self, op: &str) -> Parsed<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            self.error()
        }
    }

    fn skip_newlines(&mut self) {
        while *self.peek() == Token::Newline {
            self.advance();
        }
    }

    fn skip_terminators(&mut self) {
        while matches!(self.peek(), Token::Newline | Token::Op(";")) {
            self.advance();
        }
    }

    fn global(&mut self, name: &str) -> usize {
        if let Some(&slot) = self.globals.get(name) {
            return slot;
        }
        let slot = self.program.globals.len();
        let name: Rc<str> = name.into();
        self.program.globals.push(name.clone());
        self.globals.insert(name, slot);
        slot
    }

    fn variable(&mut self, name: &str) -> Var {
        if let Some(slot) = self.locals.as_ref().and_then(|l| l.get(name)) {
            return Var::Local(*slot);
        }
        Var::Global(self.global(name))
    }

    fn note_array_use(&mut self, var: Var) {
        if let Var::Local(slot) = var {
            self.array_uses[slot] = true;
        }
    }

    fn program_items(&mut self) -> Parsed<()> {
        loop {
            self.skip_terminators();
            match self.peek().clone() {
                Token::Eof => return Ok(()),
                Token::Keyword("BEGIN") => {
                    self.advance();
                    self.skip_newlines();
                    let body = self.block()?;
                    self.program.begin.extend(body);
                }
                Token::Keyword("END") => {
                    self.advance();
                    self.skip_newlines();
                    let body = self.block()?;
                    self.program.end.extend(body);
                }
                Token::Keyword("function") => self.function()?,
                _ => self.rule()?,
            }
        }
    }

    fn rule(&mut self) -> Parsed<()> {
        let pattern = if self.is_op("{") {
            Pattern::All
        } else {
            let from = self.expr()?;
            if self.eat_op(",") {
                self.skip_newlines();
                let to = self.expr()?;
                self.program.ranges += 1;
                Pattern::Range(from, to, self.program.ranges - 1)
            } else {
                Pattern::Expr(from)
            }
        };
        let action = if self.is_op("{") {
            Some(self.block()?)
        } else {
            None
        };
        self.program.rules.push(Rule { pattern, action });
        Ok(())
    }

    fn function(&mut self) -> Parsed<()> {
        self.advance();
        let name = match self.advance() {
            Token::Name(n) | Token::FuncName(n) => n,
            _ => {
                self.pos -= 1;
                return self.error();
            }
        };
        if self.function_names.contains_key(&name) {
            return Err(format!("function '{name}' is defined twice"));
        }
        self.expect_op("(")?;
        let mut params = HashMap::new();
        while let Token::Name(param) = self.peek().clone() {
            self.advance();
            let slot = params.len();
            params.insert(param, slot);
            if !self.eat_op(",") {
                break;
            }
            self.skip_newlines();
        }
        self.expect_op(")")?;
        self.skip_newlines();
        let count = params.len();
        self.locals = Some(params);
        self.array_uses = vec![false; count];
        let body = self.block()?;
        self.locals = None;
        self.function_names
            .insert(name.clone(), self.program.functions.len());
        self.program.functions.push(Function {
            name,
            params: count,
            array_params: std::mem::take(&mut self.array_uses),
            body,
        });
        Ok(())
    }

    /// Every called function must be defined somewhere in the program.
    fn resolve_calls(&mut self) -> Parsed<()> {
        for (name, line) in &self.calls {
            if !self.function_names.contains_key(name) {
                return Err(format!(
                    "function '{name}' called at source line {line} is not defined"
                ));
            }
        }
        self.program.function_index = std::mem::take(&mut self.function_names);
        Ok(())
    }

    fn block(&mut self) -> Parsed<Vec<Stmt>> {
        self.expect_op("{")?;
        let mut body = Vec::new();
        loop {
            self.skip_terminators();
            if self.eat_op("}") {
                return Ok(body);
            }
            body.push(self.statement()?);
        }
    }

    /// A statement that may be empty (`;` alone), as loop bodies may be.
    fn body(&mut self) -> Parsed<Stmt> {
        if self.eat_op(";") {
            return Ok(Stmt::Block(Vec::new()));
        }
        self.skip_newlines();
        self.statement()
    }

    fn statement(&mut self) -> Parsed<Stmt> {
        self.nested(Self::statement_at_depth)
    }

    fn statement_at_depth(&mut self) -> Parsed<Stmt> {
        match self.peek().clone() {
            Token::Op("{") => Ok(Stmt::Block(self.block()?)),
            Token::Op(";") => {
                self.advance();
                Ok(Stmt::Block(Vec::new()))
            }
            Token::Keyword("if") => self.if_statement(),
            Token::Keyword("while") => {
                self.advance();
                let condition = self.condition()?;
                let body = self.body()?;
                Ok(Stmt::While(condition, Box::new(body)))
            }
            Token::Keyword("do") => {
                self.advance();
                self.skip_newlines();
                let body = self.statement()?;
                self.skip_terminators();
                if !self.is_keyword("while") {
                    return self.error();
                }
                self.advance();
                let condition = self.condition()?;
                self.end_simple()?;
                Ok(Stmt::DoWhile(Box::new(body), condition))
            }
            Token::Keyword("for") => self.for_statement(),
            _ => {
                let statement = self.simple_statement()?;
                self.end_simple()?;
                Ok(statement)
            }
        }
    }

    fn condition(&mut self) -> Parsed<Expr> {
        self.expect_op("(")?;
        let condition = self.expr()?;
        self.expect_op(")")?;
        Ok(condition)
    }

    fn if_statement(&mut self) -> Parsed<Stmt> {
        self.advance();
        let condition = self.condition()?;
        let then = self.body()?;
        let saved = self.pos;
        self.skip_terminators();
        if self.is_keyword("else") {
            self.advance();
            let otherwise = self.body()?;
            return Ok(Stmt::If(
                condition,
                Box::new(then),
                Some(Box::new(otherwise)),
            ));
        }
        self.pos = saved;
        Ok(Stmt::If(condition, Box::new(then), None))
    }

    fn for_statement(&mut self) -> Parsed<Stmt> {
        self.advance();
        self.expect_op("(")?;
        if let (Token::Name(key), Token::Keyword("in"), Token::Name(array), Token::Op(")")) = (
            self.peek().clone(),
            self.peek_at(1).clone(),
            self.peek_at(2).clone(),
            self.peek_at(3).clone(),
        ) {
            self.pos += 4;
            let key = LValue::Var(self.variable(&key));
            let array = self.variable(&array);
            self.note_array_use(array);
            let body = self.body()?;
            return Ok(Stmt::ForIn(key, array, Box::new(body)));
        }
        let init = if self.is_op(";") {
            None
        } else {
            self.no_in = true;
            let init = self.simple_statement();
            self.no_in = false;
            Some(Box::new(init?))
        };
        self.expect_op(";")?;
        self.skip_newlines();
        let condition = if self.is_op(";") {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect_op(";")?;
        self.skip_newlines();
        let step = if self.is_op(")") {
            None
        } else {
            Some(Box::new(self.simple_statement()?))
        };
        self.expect_op(")")?;
        let body = self.body()?;
        Ok(Stmt::For(init, condition, step, Box::new(body)))
    }

    fn end_simple(&mut self) -> Parsed<()> {
        match self.peek() {
            Token::Op(";") | Token::Newline => {
                self.advance();
                Ok(())
            }
            Token::Op("}") | Token::Eof => Ok(()),
            _ => self.error(),
        }
    }

    fn at_statement_end(&self) -> bool {
        matches!(
            self.peek(),
            Token::Op(";" | "}" | ">" | ">>" | "|") | Token::Newline | Token::Eof
        )
    }

    fn simple_statement(&mut self) -> Parsed<Stmt> {
        match self.peek().clone() {
            Token::Keyword("print") | Token::Keyword("printf") => self.print_statement(),
            Token::Keyword("next") => {
                self.advance();
                Ok(Stmt::Next)
            }
            Token::Keyword("nextfile") => {
                self.advance();
                Ok(Stmt::NextFile)
            }
            Token::Keyword("break") => {
                self.advance();
                Ok(Stmt::Break)
            }
            Token::Keyword("continue") => {
                self.advance();
                Ok(Stmt::Continue)
            }
            Token::Keyword("exit") => {
                self.advance();
                let code = if self.at_statement_end() {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(Stmt::Exit(code))
            }
            Token::Keyword("return") => {
                self.advance();
                if self.locals.is_none() {
                    return Err("syntax error: return outside a function".into());
                }
                let value = if self.at_statement_end() {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(Stmt::Return(value))
            }
            Token::Keyword("delete") => {
                self.advance();
                let name = match self.advance() {
                    Token::Name(n) => n,
                    _ => {
                        self.pos -= 1;
                        return self.error();
                    }
                };
                let array = self.variable(&name);
                self.note_array_use(array);
                let subscripts = if self.is_op("[") {
                    Some(self.subscripts()?)
                } else {
                    None
                };
                Ok(Stmt::Delete(array, subscripts))
            }
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    fn print_statement(&mut self) -> Parsed<Stmt> {
        let is_printf = self.advance() == Token::Keyword("printf");
        let mut args = Vec::new();
        if !self.at_statement_end() {
            args = self.print_arguments()?;
        }
        let redirect = match self.peek() {
            Token::Op(">") => {
                self.advance();
                Some(Redirect::Truncate(self.redirect_target()?))
            }
            Token::Op(">>") => {
                self.advance();
                Some(Redirect::Append(self.redirect_target()?))
            }
            Token::Op("|") => {
                self.advance();
                Some(Redirect::Pipe(self.redirect_target()?))
            }
            _ => None,
        };
        if is_printf {
            if args.is_empty() {
                return Err("syntax error: printf needs a format".into());
            }
            Ok(Stmt::Printf(args, redirect))
        } else {
            Ok(Stmt::Print(args, redirect))
        }
    }

    fn redirect_target(&mut self) -> Parsed<Expr> {
        let saved = self.no_gt;
        self.no_gt = true;
        let target = self.concatenation();
        self.no_gt = saved;
        target
    }

    /// `print a, b` or `print (a, b)`: a parenthesised list is the argument list only when the
    /// statement (or a redirection) follows it.
    fn print_arguments(&mut self) -> Parsed<Vec<Expr>> {
        if self.is_op("(") {
            let saved = self.pos;
            self.advance();
            let list = self.expression_list(")");
            if let Ok(list) = list
                && self.eat_op(")")
                && self.at_statement_end()
            {
                return Ok(list);
            }
            self.pos = saved;
        }
        let saved = self.no_gt;
        self.no_gt = true;
        let mut args = vec![self.expr()];
        while self.eat_op(",") {
            self.skip_newlines();
            args.push(self.expr());
        }
        self.no_gt = saved;
        args.into_iter().collect()
    }

    /// Comma-separated expressions up to (not including) `close`, with `>` meaning greater.
    fn expression_list(&mut self, close: &str) -> Parsed<Vec<Expr>> {
        let (saved_gt, saved_in) = (self.no_gt, self.no_in);
        self.no_gt = false;
        self.no_in = false;
        let mut list = Vec::new();
        self.skip_newlines();
        let result = (|| {
            if !self.is_op(close) {
                loop {
                    list.push(self.expr()?);
                    self.skip_newlines();
                    if !self.eat_op(",") {
                        break;
                    }
                    self.skip_newlines();
                }
            }
            Ok(())
        })();
        self.no_gt = saved_gt;
        self.no_in = saved_in;
        result.map(|()| list)
    }

    fn subscripts(&mut self) -> Parsed<Vec<Expr>> {
        self.expect_op("[")?;
        let list = self.expression_list("]")?;
        if list.is_empty() {
            return self.error();
        }
        self.expect_op("]")?;
        Ok(list)
    }

    /// Runs one level of the recursive descent, refusing nesting deeper than MAX_NESTING: each
    /// level recurses on the wasm stack, which has no guard page.
    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let line = self.tokens[self.pos].line;
            return Err(format!("program nested too deeply at source line {line}"));
        }
        let result = parse(self);
        self.depth -= 1;
        result
    }

    pub fn expr(&mut self) -> Parsed<Expr> {
        self.nested(Self::assignment)
    }

    fn assignment(&mut self) -> Parsed<Expr> {
        let left = self.ternary()?;
        let op = match self.peek() {
            Token::Op("=") => Some(None),
            Token::Op("+=") => Some(Some(BinOp::Add)),
            Token::Op("-=") => Some(Some(BinOp::Sub)),
            Token::Op("*=") => Some(Some(BinOp::Mul)),
            Token::Op("/=") => Some(Some(BinOp::Div)),
            Token::Op("%=") => Some(Some(BinOp::Mod)),
            Token::Op("^=") | Token::Op("**=") => Some(Some(BinOp::Pow)),
            _ => None,
        };
        match (op, left) {
            (Some(op), Expr::LValue(target)) => {
                self.advance();
                self.skip_newlines();
                let value = self.expr()?;
                Ok(Expr::Assign(target, op, Box::new(value)))
            }
            (_, left) => Ok(left),
        }
    }

    fn ternary(&mut self) -> Parsed<Expr> {
        let condition = self.or()?;
        if !self.eat_op("?") {
            return Ok(condition);
        }
        self.skip_newlines();
        let then = self.expr()?;
        self.skip_newlines();
        self.expect_op(":")?;
        self.skip_newlines();
        let otherwise = self.expr()?;
        Ok(Expr::Cond(
            Box::new(condition),
            Box::new(then),
            Box::new(otherwise),
        ))
    }

    fn or(&mut self) -> Parsed<Expr> {
        let mut left = self.and()?;
        while self.eat_op("||") {
            self.skip_newlines();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed<Expr> {
        let mut left = self.membership()?;
        while self.eat_op("&&") {
            self.skip_newlines();
            let right = self.membership()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn membership(&mut self) -> Parsed<Expr> {
        let mut left = self.matching()?;
        while !self.no_in && self.is_keyword("in") {
            self.advance();
            let array = self.array_name()?;
            left = Expr::In(vec![left], array);
        }
        Ok(left)
    }

    fn array_name(&mut self) -> Parsed<Var> {
        match self.advance() {
            Token::Name(name) => {
                let var = self.variable(&name);
                self.note_array_use(var);
                Ok(var)
            }
            _ => {
                self.pos -= 1;
                self.error()
            }
        }
    }

    fn matching(&mut self) -> Parsed<Expr> {
        let mut left = self.comparison()?;
        loop {
            let negate = match self.peek() {
                Token::Op("~") => false,
                Token::Op("!~") => true,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.comparison()?;
            left = Expr::Match {
                negate,
                subject: Box::new(left),
                pattern: Box::new(regex_operand(right)),
            };
        }
    }

    fn comparison(&mut self) -> Parsed<Expr> {
        let left = self.piped_getline()?;
        let op = match self.peek() {
            Token::Op("<") => CmpOp::Lt,
            Token::Op("<=") => CmpOp::Le,
            Token::Op("==") => CmpOp::Eq,
            Token::Op("!=") => CmpOp::Ne,
            Token::Op(">=") => CmpOp::Ge,
            Token::Op(">") if !self.no_gt => CmpOp::Gt,
            _ => return Ok(left),
        };
        self.advance();
        let right = self.piped_getline()?;
        Ok(Expr::Compare(op, Box::new(left), Box::new(right)))
    }

    /// `cmd | getline [var]`, which binds looser than concatenation.
    fn piped_getline(&mut self) -> Parsed<Expr> {
        let mut left = self.concatenation()?;
        while self.is_op("|") && *self.peek_at(1) == Token::Keyword("getline") {
            self.pos += 2;
            let target = self.optional_getline_target()?;
            left = Expr::Getline {
                source: GetlineSource::Command(Box::new(left)),
                target,
            };
        }
        Ok(left)
    }

    fn starts_concatenation_operand(&self) -> bool {
        match self.peek() {
            Token::Number(_)
            | Token::Str(_)
            | Token::Regex(_)
            | Token::Name(_)
            | Token::FuncName(_)
            | Token::Builtin(_) => true,
            Token::Op(op) => matches!(*op, "$" | "(" | "!" | "-" | "+" | "++" | "--"),
            _ => false,
        }
    }

    fn concatenation(&mut self) -> Parsed<Expr> {
        let mut left = self.additive()?;
        while self.starts_concatenation_operand()
            && !matches!(self.peek(), Token::Op("-" | "+" | "!"))
        {
            let right = self.additive()?;
            left = Expr::Concat(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Parsed<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Token::Op("+") => BinOp::Add,
                Token::Op("-") => BinOp::Sub,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.multiplicative()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Parsed<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Token::Op("*") => BinOp::Mul,
                Token::Op("/") => BinOp::Div,
                Token::Op("%") => BinOp::Mod,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Parsed<Expr> {
        self.nested(Self::unary_at_depth)
    }

    fn unary_at_depth(&mut self) -> Parsed<Expr> {
        match self.peek() {
            Token::Op("!") => {
                self.advance();
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Token::Op("-") => {
                self.advance();
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Token::Op("+") => {
                self.advance();
                Ok(Expr::UnaryPlus(Box::new(self.unary()?)))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Parsed<Expr> {
        let base = self.postfix()?;
        if self.eat_op("^") || self.eat_op("**") {
            // Right-associative, and the exponent may carry its own sign: 2^-1, 2^3^2.
            let exponent = match self.peek() {
                Token::Op("-") => {
                    self.advance();
                    Expr::Neg(Box::new(self.power()?))
                }
                Token::Op("+") => {
                    self.advance();
                    self.power()?
                }
                Token::Op("!") => {
                    self.advance();
                    Expr::Not(Box::new(self.power()?))
                }
                _ => self.power()?,
            };
            return Ok(Expr::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Parsed<Expr> {
        let operand = self.primary()?;
        if let Expr::LValue(target) = &operand {
            let delta = match self.peek() {
                Token::Op("++") => 1.0,
                Token::Op("--") => -1.0,
                _ => return Ok(operand),
            };
            self.advance();
            return Ok(Expr::IncDec {
                target: target.clone(),
                delta,
                prefix: false,
            });
        }
        Ok(operand)
    }

    fn primary(&mut self) -> Parsed<Expr> {
        match self.advance() {
            Token::Number(n) => Ok(Expr::Num(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Regex(r) => Ok(Expr::Regex(r)),
            Token::Op("$") => {
                let index = match self.peek() {
                    Token::Op("++" | "--") => self.primary()?,
                    Token::Op("-") => {
                        self.advance();
                        Expr::Neg(Box::new(self.primary()?))
                    }
                    _ => self.primary()?,
                };
                Ok(Expr::LValue(LValue::Field(Box::new(index))))
            }
            Token::Op(op @ ("++" | "--")) => {
                let target = match self.primary()? {
                    Expr::LValue(target) => target,
                    _ => return self.error(),
                };
                let delta = if op == "++" { 1.0 } else { -1.0 };
                Ok(Expr::IncDec {
                    target,
                    delta,
                    prefix: true,
                })
            }
            Token::Op("(") => {
                let list = self.expression_list(")")?;
                self.expect_op(")")?;
                match list.len() {
                    0 => self.error(),
                    1 => Ok(Expr::Group(Box::new(
                        list.into_iter().next().unwrap_or(Expr::Num(0.0)),
                    ))),
                    _ => {
                        if !self.is_keyword("in") {
                            return self.error();
                        }
                        self.advance();
                        let array = self.array_name()?;
                        Ok(Expr::In(list, array))
                    }
                }
            }
            Token::Op("-") => Ok(Expr::Neg(Box::new(self.unary()?))),
            Token::Op("+") => Ok(Expr::UnaryPlus(Box::new(self.unary()?))),
            Token::Op("!") => Ok(Expr::Not(Box::new(self.unary()?))),
            Token::Name(name) => {
                let var = self.variable(&name);
                if self.is_op("[") {
                    self.note_array_use(var);
                    let subscripts = self.subscripts()?;
                    Ok(Expr::LValue(LValue::Index(var, subscripts)))
                } else {
                    Ok(Expr::LValue(LValue::Var(var)))
                }
            }
            Token::FuncName(name) => {
                let line = self.tokens[self.pos - 1].line;
                self.expect_op("(")?;
                let args = self.expression_list(")")?;
                self.expect_op(")")?;
                self.calls.push((name.clone(), line));
                Ok(Expr::Call(name, args))
            }
            Token::Builtin(name) => self.builtin(name),
            Token::Keyword("getline") => {
                let target = self.optional_getline_target()?;
                let source = if self.is_op("<") {
                    self.advance();
                    GetlineSource::File(Box::new(self.primary_no_concat()?))
                } else {
                    GetlineSource::MainInput
                };
                Ok(Expr::Getline { source, target })
            }
            _ => {
                self.pos -= 1;
                self.error()
            }
        }
    }

    /// The file operand of `getline < file`: a primary, so `getline < "a" "b"` reads "a".
    fn primary_no_concat(&mut self) -> Parsed<Expr> {
        self.primary()
    }

    fn optional_getline_target(&mut self) -> Parsed<Option<LValue>> {
        if matches!(self.peek(), Token::Name(_) | Token::Op("$")) {
            if let Expr::LValue(target) = self.primary()? {
                return Ok(Some(target));
            }
            return self.error();
        }
        Ok(None)
    }

    fn builtin(&mut self, name: &'static str) -> Parsed<Expr> {
        if !self.is_op("(") {
            if name == "length" {
                return Ok(Expr::Builtin(name, Vec::new()));
            }
            return self.error();
        }
        self.advance();
        let mut args = self.expression_list(")")?;
        self.expect_op(")")?;
        // Arguments that are regexes, or arrays the builtin fills.
        let regex_arg = match name {
            "sub" | "gsub" | "match" | "gensub" => Some(if name == "match" { 1 } else { 0 }),
            "split" => Some(2),
            _ => None,
        };
        if let Some(i) = regex_arg
            && let Some(arg) = args.get_mut(i)
        {
            *arg = regex_operand(std::mem::replace(arg, Expr::Num(0.0)));
        }
        let array_arg = match name {
            "split" => Some(1),
            "match" => Some(2),
            "asort" | "asorti" => Some(0),
            _ => None,
        };
        if let Some(i) = array_arg
            && let Some(Expr::LValue(LValue::Var(var))) = args.get(i)
        {
            let var = *var;
            self.note_array_use(var);
        }
        if (name == "asorti" || name == "asort")
            && let Some(Expr::LValue(LValue::Var(var))) = args.get(1)
        {
            let var = *var;
            self.note_array_use(var);
        }
        Ok(Expr::Builtin(name, args))
    }
}

/// Right of `~` and in regex arguments, `/re/` is the regex itself, not a match against `$0`.
fn regex_operand(expr: Expr) -> Expr {
    match expr {
        Expr::Regex(r) => Expr::RegexLiteral(r),
        other => other,
    }
}
