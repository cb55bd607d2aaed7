//! Runs bc statements: variables, arrays and functions with bc's dynamic scope (a function's
//! parameters and `auto`s shadow the caller's names for everything it calls), scale, ibase,
//! obase and last with their bounds and warnings, output broken into lines as GNU bc breaks it.

use super::ast::*;
use super::mathlib;
use super::number::{ArithError, Number};
use crate::common::ToolError;
use crate::common::io::{flush_stdout, out};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The largest array index (GNU bc's BC_DIM_MAX).
const MAX_INDEX: i64 = 16_777_215;
/// How deep statements, expressions and calls may run inside one another: each level takes
/// wasm stack, which a run has 1 MiB of, so deeper recursion ends with an error, not a trap.
/// A call weighs CALL_WEIGHT levels (its frames are the heaviest): a simple recursive function
/// goes about 400 calls deep (measured: the stack itself holds about 700).
const MAX_DEPTH: usize = 3000;
const CALL_WEIGHT: usize = 4;
const MAX_SETTING: i64 = i32::MAX as i64;

type Array = BTreeMap<u32, Number>;

/// What ends a statement early.
pub enum Interrupt {
    /// A runtime error: reported, then bc goes on with the next line.
    Error(String),
    /// A runtime error and the function it happened in (added as the error leaves it).
    ErrorIn(String, String),
    /// `halt`: bc ends.
    Halt,
    /// Output failed (the reader went away): bc ends with this error.
    Output(ToolError),
}

impl From<ArithError> for Interrupt {
    fn from(error: ArithError) -> Interrupt {
        Interrupt::Error(error.message())
    }
}

impl From<ToolError> for Interrupt {
    fn from(error: ToolError) -> Interrupt {
        Interrupt::Output(error)
    }
}

type Run<T> = Result<T, Interrupt>;

/// How a statement ended.
enum Flow {
    Next,
    Break,
    Continue,
    Return(Option<Number>),
}

/// The text bc writes, broken before the line length (`\` then a newline), as GNU bc does for
/// numbers and strings alike.
struct Output {
    pending: String,
    column: usize,
    line_length: usize,
}

impl Output {
    fn write(&mut self, text: &str) {
        for ch in text.chars() {
            if ch == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
                if self.line_length != 0 && self.column == self.line_length - 1 {
                    self.pending.push_str("\\\n");
                    self.column = 1;
                }
            }
            self.pending.push(ch);
        }
    }

    fn flush(&mut self) -> Result<(), ToolError> {
        if !self.pending.is_empty() {
            out(self.pending.as_bytes())?;
            self.pending.clear();
        }
        Ok(())
    }
}

/// GNU bc's rule for BC_LINE_LENGTH: unset is 70, 0 is no breaking, other values below 3 are 70.
fn line_length() -> usize {
    match std::env::var("BC_LINE_LENGTH") {
        Err(_) => 70,
        Ok(text) => {
            let digits: String = text
                .trim_start()
                .chars()
                .enumerate()
                .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
                .map(|(_, c)| c)
                .collect();
            match digits.parse::<i64>().unwrap_or(0) {
                0 => 0,
                n if n < 3 => 70,
                n => usize::try_from(n).unwrap_or(usize::MAX),
            }
        }
    }
}

pub struct Interp {
    scalars: HashMap<String, Vec<Number>>,
    arrays: HashMap<String, Vec<Array>>,
    functions: HashMap<String, Rc<Function>>,
    math_library: bool,
    scale: usize,
    ibase: u32,
    obase: u64,
    last: Number,
    output: Output,
    /// The functions running, innermost last (for messages and the depth bound).
    calls: Vec<String>,
}

/// One statement's run: the interpreter and where `read()` takes its lines from.
struct Exec<'a> {
    interp: &'a mut Interp,
    read_line: &'a mut dyn FnMut() -> Option<String>,
    /// Statements and expressions running inside one another (bounded by MAX_DEPTH).
    depth: usize,
}

impl Interp {
    pub fn new(math_library: bool) -> Interp {
        Interp {
            scalars: HashMap::new(),
            arrays: HashMap::new(),
            functions: HashMap::new(),
            math_library,
            scale: if math_library { 20 } else { 0 },
            ibase: 10,
            obase: 10,
            last: Number::zero(),
            output: Output {
                pending: String::new(),
                column: 0,
                line_length: line_length(),
            },
            calls: Vec::new(),
        }
    }

    pub fn define(&mut self, function: Function) {
        self.functions
            .insert(function.name.clone(), Rc::new(function));
    }

    /// Runs one top-level statement.
    pub fn run(
        &mut self,
        statement: &Stmt,
        read_line: &mut dyn FnMut() -> Option<String>,
    ) -> Run<()> {
        self.calls.clear();
        let mut exec = Exec {
            interp: self,
            read_line,
            depth: 0,
        };
        let result = exec.statement(statement).map(|_| ());
        self.output.flush()?;
        result
    }

    /// Sends what is pending to stdout, ahead of a message on stderr.
    pub fn flush(&mut self) -> Result<(), ToolError> {
        self.output.flush()?;
        flush_stdout()
    }

    /// The function a warning names: `(main)` outside any.
    fn where_now(&self) -> String {
        self.calls
            .last()
            .cloned()
            .unwrap_or_else(|| "(main)".into())
    }

    fn warn(&mut self, message: &str) -> Run<()> {
        self.flush()?;
        eprintln!("Runtime warning (func={}): {message}", self.where_now());
        Ok(())
    }

    fn scalar(&self, name: &str) -> Number {
        self.scalars
            .get(name)
            .and_then(|stack| stack.last())
            .cloned()
            .unwrap_or_default()
    }

    fn set_scalar(&mut self, name: &str, value: Number) {
        let stack = self.scalars.entry(name.to_string()).or_default();
        match stack.last_mut() {
            Some(top) => *top = value,
            None => stack.push(value),
        }
    }

    fn array(&mut self, name: &str) -> &mut Array {
        let stack = self.arrays.entry(name.to_string()).or_default();
        if stack.is_empty() {
            stack.push(Array::new());
        }
        let top = stack.len() - 1;
        &mut stack[top]
    }

    fn special(&self, which: Special) -> Number {
        match which {
            Special::Scale => Number::from_integer(self.scale as i64),
            Special::Ibase => Number::from_integer(i64::from(self.ibase)),
            Special::Obase => Number::from_integer(self.obase as i64),
            Special::Last => self.last.clone(),
        }
    }

    /// Sets scale, ibase or obase, bounded as GNU bc bounds them (with its warnings).
    fn set_special(&mut self, which: Special, value: Number) -> Run<()> {
        if which == Special::Last {
            self.last = value;
            return Ok(());
        }
        let (name, low, high) = match which {
            Special::Scale => ("scale", 0, MAX_SETTING),
            Special::Ibase => ("ibase", 2, 36),
            _ => ("obase", 2, MAX_SETTING),
        };
        let wanted = value.to_i64().unwrap_or(if value.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        });
        let setting = if wanted < low {
            let message = if which == Special::Scale {
                "negative scale, set to 0".to_string()
            } else {
                format!("{name} too small, set to {low}")
            };
            self.warn(&message)?;
            low
        } else if wanted > high {
            self.warn(&format!("{name} too large, set to {high}"))?;
            high
        } else {
            wanted
        };
        match which {
            Special::Scale => self.scale = setting as usize,
            Special::Ibase => self.ibase = setting as u32,
            _ => self.obase = setting as u64,
        }
        Ok(())
    }

    fn print_number(&mut self, value: &Number) {
        let text = value.format(self.obase);
        self.output.write(&text);
    }
}

/// A print statement's string: `\a \b \f \n \q \r \t \\` are escapes, any other escape is dropped.
fn unescape(text: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            result.push(ch);
            continue;
        }
        match chars.next() {
            Some('a') => result.push('\u{7}'),
            Some('b') => result.push('\u{8}'),
            Some('f') => result.push('\u{c}'),
            Some('n') => result.push('\n'),
            Some('q') => result.push('"'),
            Some('r') => result.push('\r'),
            Some('t') => result.push('\t'),
            Some('\\') => result.push('\\'),
            _ => {}
        }
    }
    result
}

const LIMITS: &str = "BC_BASE_MAX     = 2147483647\nBC_DIM_MAX      = 16777215\n\
BC_SCALE_MAX    = 2147483647\nBC_STRING_MAX   = 2147483647\n\
MAX Exponent    = 9223372036854775807\nNumber of vars  = 32767\n";

const WARRANTY: &str = "zonebox bc, part of zonebox's toolset (Apache License 2.0).\n\
It comes with ABSOLUTELY NO WARRANTY, to the extent permitted by law.\n";

/// What a call binds to one parameter.
enum Bound {
    Value(Number),
    Array(Array),
}

impl Exec<'_> {
    /// Runs `step` `weight` levels deeper, refusing to go past MAX_DEPTH.
    fn deeper<T>(&mut self, weight: usize, step: impl FnOnce(&mut Self) -> Run<T>) -> Run<T> {
        if self.depth + weight > MAX_DEPTH {
            return Err(Interrupt::Error(format!(
                "recursion too deep: calls, statements and expressions nested more than \
                 {MAX_DEPTH} levels (a call counts {CALL_WEIGHT})"
            )));
        }
        self.depth += weight;
        let result = step(self);
        self.depth -= weight;
        result
    }

    fn statement(&mut self, statement: &Stmt) -> Run<Flow> {
        self.deeper(1, |exec| exec.statement_here(statement))
    }

    fn statement_here(&mut self, statement: &Stmt) -> Run<Flow> {
        match statement {
            Stmt::Empty => {}
            Stmt::Expr(expr) => self.expression_statement(expr)?,
            Stmt::Text(text) => self.interp.output.write(text),
            Stmt::Print(items) => self.print(items)?,
            Stmt::Block(statements) => return self.block(statements),
            Stmt::If(condition, then, otherwise) => {
                if self.value(condition)?.is_true() {
                    return self.statement(then);
                } else if let Some(otherwise) = otherwise {
                    return self.statement(otherwise);
                }
            }
            Stmt::While(condition, body) => return self.repeat(None, Some(condition), None, body),
            Stmt::For(start, test, step, body) => {
                return self.repeat(start.as_ref(), test.as_ref(), step.as_ref(), body);
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Halt => return Err(Interrupt::Halt),
            Stmt::Return(value) => {
                let value = match value {
                    Some(expr) => Some(self.value(expr)?),
                    None => None,
                };
                return Ok(Flow::Return(value));
            }
            Stmt::Limits => self.interp.output.write(LIMITS),
            Stmt::Warranty => self.interp.output.write(WARRANTY),
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn print(&mut self, items: &[PrintItem]) -> Run<()> {
        for item in items {
            match item {
                PrintItem::Text(text) => self.interp.output.write(&unescape(text)),
                PrintItem::Value(expr) => {
                    let value = self.value(expr)?;
                    self.interp.print_number(&value);
                    self.interp.last = value;
                }
            }
        }
        Ok(())
    }

    /// `while` (a test only) and `for` (each part optional; no test runs forever).
    #[inline(never)]
    fn repeat(
        &mut self,
        start: Option<&Expr>,
        test: Option<&Expr>,
        step: Option<&Expr>,
        body: &Stmt,
    ) -> Run<Flow> {
        if let Some(start) = start {
            self.value(start)?;
        }
        loop {
            if let Some(test) = test
                && !self.value(test)?.is_true()
            {
                return Ok(Flow::Next);
            }
            match self.statement(body)? {
                Flow::Break => return Ok(Flow::Next),
                Flow::Return(value) => return Ok(Flow::Return(value)),
                Flow::Next | Flow::Continue => {}
            }
            if let Some(step) = step {
                self.value(step)?;
            }
        }
    }

    fn block(&mut self, statements: &[Stmt]) -> Run<Flow> {
        for statement in statements {
            match self.statement(statement)? {
                Flow::Next => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Next)
    }

    /// An expression on its own prints its value (and becomes `last`), unless it is an
    /// assignment or a call of a void function.
    #[inline(never)]
    fn expression_statement(&mut self, expr: &Expr) -> Run<()> {
        if let Expr::Assign(..) = expr {
            self.value(expr)?;
            return Ok(());
        }
        let Some(value) = self.evaluate(expr)? else {
            return Ok(());
        };
        self.interp.print_number(&value);
        self.interp.output.write("\n");
        self.interp.last = value;
        Ok(())
    }

    /// An expression's value, where a value is needed.
    fn value(&mut self, expr: &Expr) -> Run<Number> {
        // A void function is refused before it runs.
        if let Expr::Call(name, _) = expr
            && self.interp.functions.get(name).is_some_and(|f| f.void)
        {
            return Err(Interrupt::Error("Assignment of a void expression".into()));
        }
        self.evaluate(expr)?
            .ok_or_else(|| Interrupt::Error("Assignment of a void expression".into()))
    }

    /// An expression's value: `None` only for a call of a void function.
    /// Kept small: it is on the path of every nested expression and call, and the wasm stack
    /// is short, so each case's work is in a function of its own.
    fn evaluate(&mut self, expr: &Expr) -> Run<Option<Number>> {
        self.deeper(1, |exec| exec.evaluate_here(expr))
    }

    fn evaluate_here(&mut self, expr: &Expr) -> Run<Option<Number>> {
        Ok(Some(match expr {
            Expr::Number(literal) => self.literal(literal)?,
            Expr::Value(place) => self.read(place)?,
            Expr::Group(inner) => return self.evaluate(inner),
            Expr::Negate(inner) => self.value(inner)?.negated(),
            Expr::Not(inner) => truth(!self.value(inner)?.is_true()),
            Expr::Arith(op, left, right) => self.arith_of(*op, left, right)?,
            Expr::Compare(relation, left, right) => self.compare(*relation, left, right)?,
            Expr::And(left, right) => {
                truth(self.value(left)?.is_true() && self.value(right)?.is_true())
            }
            Expr::Or(left, right) => {
                truth(self.value(left)?.is_true() || self.value(right)?.is_true())
            }
            Expr::Assign(place, op, value) => self.assign(place, *op, value)?,
            Expr::Step {
                place,
                increment,
                prefix,
            } => self.step(place, *increment, *prefix)?,
            Expr::Call(name, arguments) => return self.call(name, arguments),
            Expr::Length(inner) => Number::from_integer(self.value(inner)?.length() as i64),
            Expr::Sqrt(inner) => self.square_root(inner)?,
            Expr::ScaleOf(inner) => Number::from_integer(self.value(inner)?.scale() as i64),
            Expr::ReadNumber => self.read_number()?,
        }))
    }

    #[inline(never)]
    fn literal(&mut self, literal: &Literal) -> Run<Number> {
        Ok(match self.interp.ibase {
            10 => literal.decimal.clone(),
            base => Number::parse_literal(&literal.text, base)?,
        })
    }

    #[inline(never)]
    fn arith_of(&mut self, op: Arith, left: &Expr, right: &Expr) -> Run<Number> {
        let left = self.value(left)?;
        let right = self.value(right)?;
        self.arith(op, &left, &right)
    }

    #[inline(never)]
    fn compare(&mut self, relation: Relation, left: &Expr, right: &Expr) -> Run<Number> {
        let order = self.value(left)?.compare(&self.value(right)?);
        Ok(truth(match relation {
            Relation::Less => order.is_lt(),
            Relation::LessEqual => order.is_le(),
            Relation::Greater => order.is_gt(),
            Relation::GreaterEqual => order.is_ge(),
            Relation::Equal => order.is_eq(),
            Relation::NotEqual => order.is_ne(),
        }))
    }

    #[inline(never)]
    fn assign(&mut self, place: &Place, op: Option<Arith>, value: &Expr) -> Run<Number> {
        let mut value = self.value(value)?;
        if let Some(op) = op {
            let current = self.read(place)?;
            value = self.arith(op, &current, &value)?;
        }
        self.write(place, value.clone())?;
        Ok(value)
    }

    #[inline(never)]
    fn step(&mut self, place: &Place, increment: bool, prefix: bool) -> Run<Number> {
        let old = self.read(place)?;
        let one = Number::from_integer(1);
        let new = if increment {
            old.add(&one)?
        } else {
            old.sub(&one)?
        };
        self.write(place, new.clone())?;
        Ok(if prefix { new } else { old })
    }

    #[inline(never)]
    fn square_root(&mut self, inner: &Expr) -> Run<Number> {
        let scale = self.interp.scale;
        Ok(self.value(inner)?.sqrt(scale)?)
    }

    #[inline(never)]
    fn arith(&mut self, op: Arith, left: &Number, right: &Number) -> Run<Number> {
        let scale = self.interp.scale;
        Ok(match op {
            Arith::Add => left.add(right)?,
            Arith::Sub => left.sub(right)?,
            Arith::Mul => left.mul(right, scale)?,
            Arith::Div => left.div(right, scale)?,
            Arith::Rem => left.rem(right, scale)?,
            Arith::Pow => {
                let (value, dropped_fraction) = left.pow(right, scale)?;
                if dropped_fraction {
                    self.interp.warn("non-zero scale in exponent")?;
                }
                value
            }
        })
    }

    fn index(&mut self, name: &str, index: &Expr) -> Run<u32> {
        let index = self.value(index)?;
        match index.to_i64() {
            Some(i) if (0..=MAX_INDEX).contains(&i) => Ok(i as u32),
            _ => Err(Interrupt::Error(format!(
                "Array {name} subscript out of bounds."
            ))),
        }
    }

    #[inline(never)]
    fn read(&mut self, place: &Place) -> Run<Number> {
        Ok(match place {
            Place::Variable(name) => self.interp.scalar(name),
            Place::Element(name, index) => {
                let index = self.index(name, index)?;
                self.interp
                    .array(name)
                    .get(&index)
                    .cloned()
                    .unwrap_or_default()
            }
            Place::Special(which) => self.interp.special(*which),
        })
    }

    #[inline(never)]
    fn write(&mut self, place: &Place, value: Number) -> Run<()> {
        match place {
            Place::Variable(name) => self.interp.set_scalar(name, value),
            Place::Element(name, index) => {
                let index = self.index(name, index)?;
                self.interp.array(name).insert(index, value);
            }
            Place::Special(which) => self.interp.set_special(*which, value)?,
        }
        Ok(())
    }

    /// `read()`: a number from the next line of input, in the input base.
    #[inline(never)]
    fn read_number(&mut self) -> Run<Number> {
        let line = (self.read_line)()
            .ok_or_else(|| Interrupt::Error("read(): no more input to read".into()))?;
        let text = line.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text),
        };
        let well_formed = !digits.is_empty()
            && digits != "."
            && digits.matches('.').count() <= 1
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '.');
        if !well_formed {
            return Err(Interrupt::Error(format!(
                "read(): '{text}' is not a number"
            )));
        }
        let number = Number::parse_literal(digits, self.interp.ibase)?;
        Ok(if negative { number.negated() } else { number })
    }

    fn call(&mut self, name: &str, arguments: &[Argument]) -> Run<Option<Number>> {
        let Some(function) = self.interp.functions.get(name).cloned() else {
            if self.interp.math_library
                && let Some(math) = mathlib::find(name)
            {
                return self.call_math(math, arguments).map(Some);
            }
            return Err(Interrupt::Error(format!("Function {name} not defined.")));
        };
        if arguments.len() != function.parameters.len() {
            return Err(Interrupt::Error("Parameter number mismatch".into()));
        }
        let mut bound = Vec::with_capacity(arguments.len());
        for (parameter, argument) in function.parameters.iter().zip(arguments) {
            bound.push(match (parameter.array, argument) {
                (false, Argument::Value(expr)) => Bound::Value(self.value(expr)?),
                (true, Argument::Array(array)) => Bound::Array(self.interp.array(array).clone()),
                _ => {
                    return Err(Interrupt::Error(format!(
                        "Parameter type mismatch parameter {}.",
                        parameter.name
                    )));
                }
            });
        }
        for (parameter, value) in function.parameters.iter().zip(bound) {
            let name = parameter.name.clone();
            match value {
                Bound::Value(number) => self.interp.scalars.entry(name).or_default().push(number),
                Bound::Array(array) => self.interp.arrays.entry(name).or_default().push(array),
            }
        }
        for (auto, array) in &function.autos {
            if *array {
                let stack = self.interp.arrays.entry(auto.clone()).or_default();
                stack.push(Array::new());
            } else {
                let stack = self.interp.scalars.entry(auto.clone()).or_default();
                stack.push(Number::zero());
            }
        }
        self.interp.calls.push(name.to_string());
        let flow = self
            .deeper(CALL_WEIGHT, |exec| exec.block(&function.body))
            .map_err(|halt| match halt {
                Interrupt::Error(message) => Interrupt::ErrorIn(message, name.to_string()),
                other => other,
            });
        self.interp.calls.pop();
        for (auto, array) in function.autos.iter().rev() {
            self.unbind(auto, *array);
        }
        for (parameter, argument) in function.parameters.iter().zip(arguments).rev() {
            let local = self.unbind(&parameter.name, parameter.array);
            if let (true, Some(array), Argument::Array(caller)) =
                (parameter.by_reference, local, argument)
            {
                *self.interp.array(caller) = array;
            }
        }
        let returned = match flow? {
            Flow::Return(value) => value,
            _ => None,
        };
        Ok(if function.void {
            None
        } else {
            Some(returned.unwrap_or_default())
        })
    }

    /// Pops a name a call bound; an array's last value is handed back (for `*a[]`).
    #[inline(never)]
    fn unbind(&mut self, name: &str, array: bool) -> Option<Array> {
        if array {
            self.interp.arrays.get_mut(name).and_then(Vec::pop)
        } else {
            if let Some(stack) = self.interp.scalars.get_mut(name) {
                stack.pop();
            }
            None
        }
    }

    #[inline(never)]
    fn call_math(&mut self, math: mathlib::Function, arguments: &[Argument]) -> Run<Number> {
        if arguments.len() != math.parameters().len() {
            return Err(Interrupt::Error("Parameter number mismatch".into()));
        }
        let mut values = Vec::with_capacity(arguments.len());
        for (argument, parameter) in arguments.iter().zip(math.parameters()) {
            match argument {
                Argument::Value(expr) => values.push(self.value(expr)?),
                Argument::Array(_) => {
                    return Err(Interrupt::Error(format!(
                        "Parameter type mismatch parameter {parameter}."
                    )));
                }
            }
        }
        Ok(math.apply(&values, self.interp.scale)?)
    }
}

fn truth(value: bool) -> Number {
    Number::from_integer(i64::from(value))
}
