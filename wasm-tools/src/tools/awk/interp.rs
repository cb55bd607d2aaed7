//! Runs a parsed awk program: BEGIN, the record loop over ARGV, END; variables, arrays, fields,
//! function calls and control flow. Builtin functions live in `builtins`.

use super::ast::special::*;
use super::ast::*;
use super::records::{FieldSeparator, RecordReader, RecordSeparator, split_fields};
use super::streams::{OpenMode, Streams, no_commands};
use super::value::{Value, number_to_text};
use crate::common::ToolError;
use crate::common::io::describe;
use indexmap::IndexMap;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::BufReader;
use std::rc::Rc;

pub type Array = IndexMap<Rc<str>, Value>;
pub type Fallible<T> = Result<T, ToolError>;

/// Deep enough for real recursive awk, shallow enough to stay inside the wasm stack.
const MAX_CALL_DEPTH: usize = 400;

#[derive(Clone, Default)]
pub enum Cell {
    #[default]
    Uninit,
    Scalar(Value),
    Array(Rc<RefCell<Array>>),
}

/// How a statement ended.
pub enum Flow {
    Normal,
    Next,
    NextFile,
    Exit,
    Return(Value),
    Break,
    Continue,
}

/// `exit` inside a function unwinds through expression evaluation as this marker error.
fn exit_signal() -> ToolError {
    ToolError {
        code: -1,
        message: None,
    }
}

/// Turns the exit marker back into "the program is exiting".
fn exited(result: Fallible<bool>) -> Fallible<bool> {
    match result {
        Err(error) if error.code == -1 && error.message.is_none() => Ok(true),
        other => other,
    }
}

pub fn fatal(message: impl std::fmt::Display) -> ToolError {
    ToolError::usage(format!("fatal: {message}"))
}

struct MainInput {
    next_arg: usize,
    reader: Option<RecordReader>,
    opened_a_file: bool,
    finished: bool,
}

pub struct Interp<'p> {
    pub program: &'p Program,
    pub globals: Vec<Cell>,
    frames: Vec<Vec<Cell>>,
    record: Rc<str>,
    fields: Vec<Rc<str>>,
    fields_valid: bool,
    ranges_on: Vec<bool>,
    regexes: HashMap<Rc<str>, Rc<Regex>>,
    pub streams: Streams,
    main: MainInput,
    pub exit_code: i32,
    pub random: super::builtins::Random,
}

impl<'p> Interp<'p> {
    pub fn new(program: &'p Program, argv: Vec<String>) -> Self {
        let mut globals = vec![Cell::Uninit; program.globals.len()];
        let text = |s: &str| Cell::Scalar(Value::str(s));
        globals[FS] = text(" ");
        globals[OFS] = text(" ");
        globals[ORS] = text("\n");
        globals[RS] = text("\n");
        globals[SUBSEP] = text("\x1c");
        globals[CONVFMT] = text("%.6g");
        globals[OFMT] = text("%.6g");
        globals[NR] = Cell::Scalar(Value::Num(0.0));
        globals[FNR] = Cell::Scalar(Value::Num(0.0));
        globals[RSTART] = Cell::Scalar(Value::Num(0.0));
        globals[RLENGTH] = Cell::Scalar(Value::Num(-1.0));
        globals[FILENAME] = text("");
        let environ: Array = std::env::vars()
            .map(|(k, v)| (Rc::from(k), Value::from_input(v)))
            .collect();
        globals[ENVIRON] = Cell::Array(Rc::new(RefCell::new(environ)));
        globals[ARGC] = Cell::Scalar(Value::Num(argv.len() as f64));
        let args: Array = argv
            .into_iter()
            .enumerate()
            .map(|(i, a)| (Rc::from(i.to_string()), Value::from_input(a)))
            .collect();
        globals[ARGV] = Cell::Array(Rc::new(RefCell::new(args)));
        Interp {
            program,
            globals,
            frames: Vec::new(),
            record: "".into(),
            fields: Vec::new(),
            fields_valid: true,
            ranges_on: vec![false; program.ranges],
            regexes: HashMap::new(),
            streams: Streams::default(),
            main: MainInput {
                next_arg: 1,
                reader: None,
                opened_a_file: false,
                finished: false,
            },
            exit_code: 0,
            random: super::builtins::Random::default(),
        }
    }

    /// BEGIN, every record, END; the exit status. `exit` anywhere but END still runs END.
    pub fn run(&mut self) -> Fallible<i32> {
        let program = self.program;
        let exiting = exited(
            self.exec_block(&program.begin)
                .map(|f| matches!(f, Flow::Exit)),
        )?;
        if !exiting && (!program.rules.is_empty() || !program.end.is_empty()) {
            exited(self.record_loop())?;
        }
        exited(self.exec_block(&program.end).map(|_| false))?;
        self.streams.close_all()?;
        Ok(self.exit_code)
    }

    fn record_loop(&mut self) -> Fallible<bool> {
        let program = self.program;
        'records: while let Some(record) = self.next_main_record()? {
            self.count_record();
            self.set_record(record.into());
            for rule in &program.rules {
                if !self.rule_matches(rule)? {
                    continue;
                }
                let flow = match &rule.action {
                    Some(action) => self.exec_block(action)?,
                    None => {
                        self.print_record()?;
                        Flow::Normal
                    }
                };
                match flow {
                    Flow::Next => continue 'records,
                    Flow::NextFile => {
                        self.main.reader = None;
                        continue 'records;
                    }
                    Flow::Exit => return Ok(true),
                    _ => {}
                }
            }
        }
        Ok(false)
    }

    fn print_record(&mut self) -> Fallible<()> {
        let mut line = self.record.to_string();
        line.push_str(&self.special_text(ORS));
        crate::common::io::out(line.as_bytes())
    }

    fn rule_matches(&mut self, rule: &Rule) -> Fallible<bool> {
        match &rule.pattern {
            Pattern::All => Ok(true),
            Pattern::Expr(e) => Ok(self.eval(e)?.truthy()),
            Pattern::Range(from, to, index) => {
                if !self.ranges_on[*index] {
                    if !self.eval(from)?.truthy() {
                        return Ok(false);
                    }
                    self.ranges_on[*index] = true;
                }
                if self.eval(to)?.truthy() {
                    self.ranges_on[*index] = false;
                }
                Ok(true)
            }
        }
    }

    fn count_record(&mut self) {
        for slot in [NR, FNR] {
            let n = self.scalar(slot).to_num() + 1.0;
            self.globals[slot] = Cell::Scalar(Value::Num(n));
        }
    }

    fn scalar(&self, slot: usize) -> Value {
        match &self.globals[slot] {
            Cell::Scalar(v) => v.clone(),
            _ => Value::Uninit,
        }
    }

    pub fn special_text(&self, slot: usize) -> Rc<str> {
        let convfmt = self.convfmt();
        self.scalar(slot).to_text(&convfmt)
    }

    pub fn convfmt(&self) -> Rc<str> {
        match &self.globals[CONVFMT] {
            Cell::Scalar(Value::Str(s) | Value::StrNum(s)) => s.clone(),
            _ => "%.6g".into(),
        }
    }

    pub fn text(&self, value: &Value) -> Rc<str> {
        match value {
            Value::Num(_) => value.to_text(&self.convfmt()),
            other => other.to_text(""),
        }
    }

    /// The text `print` writes for a value: numbers by OFMT.
    fn output_text(&self, value: &Value) -> Rc<str> {
        match value {
            Value::Num(n) => number_to_text(*n, &self.special_text(OFMT)).into(),
            other => other.to_text(""),
        }
    }

    fn record_separator(&mut self) -> Fallible<RecordSeparator> {
        let rs = self.special_text(RS);
        let mut chars = rs.chars();
        Ok(match (chars.next(), chars.next()) {
            (None, _) => RecordSeparator::Paragraph,
            (Some(c), None) if c.is_ascii() => RecordSeparator::Byte(c as u8),
            _ => RecordSeparator::Regex(self.regex(&rs)?),
        })
    }

    fn field_separator(&mut self) -> Fallible<FieldSeparator> {
        let fs = self.special_text(FS);
        self.separator_from(&fs)
    }

    pub fn separator_from(&mut self, fs: &str) -> Fallible<FieldSeparator> {
        let mut chars = fs.chars();
        Ok(match (chars.next(), chars.next()) {
            (None, _) => FieldSeparator::EachChar,
            (Some(' '), None) => FieldSeparator::Blanks,
            (Some('\\'), None) => FieldSeparator::Char('\\'),
            (Some(c), None) => FieldSeparator::Char(c),
            _ => FieldSeparator::Regex(self.regex(fs)?),
        })
    }

    /// A compiled ERE, cached by its text.
    pub fn regex(&mut self, pattern: &str) -> Fallible<Rc<Regex>> {
        if let Some(regex) = self.regexes.get(pattern) {
            return Ok(regex.clone());
        }
        let regex = Rc::new(super::builtins::compile_regex(pattern)?);
        self.regexes.insert(pattern.into(), regex.clone());
        Ok(regex)
    }

    fn next_main_record(&mut self) -> Fallible<Option<String>> {
        loop {
            if self.main.finished {
                return Ok(None);
            }
            if self.main.reader.is_none() && !self.open_next_input()? {
                self.main.finished = true;
                return Ok(None);
            }
            let separator = self.record_separator()?;
            let reader = self.main.reader.as_mut().ok_or_else(|| fatal("no input"))?;
            match reader.read(&separator) {
                Ok(Some(record)) => return Ok(Some(record)),
                Ok(None) => self.main.reader = None,
                Err(e) => return Err(fatal(format!("error reading input: {}", describe(&e)))),
            }
        }
    }

    /// Opens the next file operand (doing `var=value` operands on the way); false at the end.
    fn open_next_input(&mut self) -> Fallible<bool> {
        let argv = self.array(Var::Global(ARGV))?;
        loop {
            let argc = self.scalar(ARGC).to_num().max(0.0) as usize;
            if self.main.next_arg >= argc {
                if self.main.opened_a_file {
                    return Ok(false);
                }
                self.main.opened_a_file = true;
                self.start_input("-".into())?;
                return Ok(true);
            }
            let key: Rc<str> = self.main.next_arg.to_string().into();
            self.main.next_arg += 1;
            let operand = argv
                .borrow()
                .get(&key)
                .map(|v| v.to_text(""))
                .unwrap_or_default();
            if operand.is_empty() {
                continue;
            }
            if let Some((name, value)) = assignment_operand(&operand) {
                let slot = self.program.globals.iter().position(|g| **g == *name);
                if let Some(slot) = slot {
                    self.globals[slot] = Cell::Scalar(Value::from_input(value));
                }
                continue;
            }
            self.main.opened_a_file = true;
            self.start_input(operand)?;
            return Ok(true);
        }
    }

    fn start_input(&mut self, name: Rc<str>) -> Fallible<()> {
        let reader: Box<dyn std::io::BufRead> = if &*name == "-" || &*name == "/dev/stdin" {
            Box::new(BufReader::with_capacity(64 * 1024, std::io::stdin()))
        } else {
            if std::path::Path::new(&*name).is_dir() {
                return Err(fatal(format!("cannot read '{name}': it is a directory")));
            }
            let file = std::fs::File::open(&*name).map_err(|e| {
                fatal(format!(
                    "cannot open file '{name}' for reading: {}",
                    describe(&e)
                ))
            })?;
            Box::new(BufReader::with_capacity(64 * 1024, file))
        };
        self.main.reader = Some(RecordReader::new(reader));
        let filename = if &*name == "-" { "".into() } else { name };
        self.globals[FILENAME] = Cell::Scalar(Value::Str(filename));
        self.globals[FNR] = Cell::Scalar(Value::Num(0.0));
        Ok(())
    }

    // ----- records and fields -----

    pub fn set_record(&mut self, text: Rc<str>) {
        self.record = text;
        self.fields_valid = false;
    }

    fn ensure_fields(&mut self) -> Fallible<()> {
        if !self.fields_valid {
            let separator = self.field_separator()?;
            let paragraph = self.special_text(RS).is_empty();
            self.fields = split_fields(&self.record, &separator, paragraph);
            self.fields_valid = true;
        }
        Ok(())
    }

    fn field(&mut self, index: usize) -> Fallible<Value> {
        if index == 0 {
            return Ok(Value::StrNum(self.record.clone()));
        }
        self.ensure_fields()?;
        Ok(match self.fields.get(index - 1) {
            Some(text) => Value::StrNum(text.clone()),
            None => Value::Uninit,
        })
    }

    fn set_field(&mut self, index: usize, text: Rc<str>) -> Fallible<()> {
        if index == 0 {
            self.set_record(text);
            return Ok(());
        }
        self.ensure_fields()?;
        if self.fields.len() < index {
            self.fields.resize(index, "".into());
        }
        self.fields[index - 1] = text;
        self.rebuild_record();
        Ok(())
    }

    fn set_nf(&mut self, nf: f64) -> Fallible<()> {
        if nf < 0.0 {
            return Err(fatal(format!("NF set to negative value {nf}")));
        }
        self.ensure_fields()?;
        self.fields.resize(nf as usize, "".into());
        self.rebuild_record();
        Ok(())
    }

    fn rebuild_record(&mut self) {
        let ofs = self.special_text(OFS);
        self.record = self.fields.join(&*ofs).into();
    }

    fn nf(&mut self) -> Fallible<usize> {
        self.ensure_fields()?;
        Ok(self.fields.len())
    }

    // ----- variables -----

    fn cell(&mut self, var: Var) -> &mut Cell {
        match var {
            Var::Global(slot) => &mut self.globals[slot],
            Var::Local(slot) => {
                let frame = self.frames.last_mut().map(|f| &mut f[slot]);
                frame.unwrap_or_else(|| unreachable!("locals exist only inside functions"))
            }
        }
    }

    fn name_of(&self, var: Var) -> String {
        match var {
            Var::Global(slot) => self.program.globals[slot].to_string(),
            Var::Local(slot) => format!("parameter #{}", slot + 1),
        }
    }

    pub fn array(&mut self, var: Var) -> Fallible<Rc<RefCell<Array>>> {
        let name = self.name_of(var);
        let cell = self.cell(var);
        match cell {
            Cell::Array(array) => Ok(array.clone()),
            Cell::Uninit => {
                let array = Rc::new(RefCell::new(Array::new()));
                *cell = Cell::Array(array.clone());
                Ok(array)
            }
            Cell::Scalar(_) => Err(fatal(format!("attempt to use scalar '{name}' as an array"))),
        }
    }

    fn read_var(&mut self, var: Var) -> Fallible<Value> {
        if var == Var::Global(NF) {
            return Ok(Value::Num(self.nf()? as f64));
        }
        let name = self.name_of(var);
        match self.cell(var) {
            Cell::Uninit => Ok(Value::Uninit),
            Cell::Scalar(v) => Ok(v.clone()),
            Cell::Array(_) => Err(fatal(format!(
                "attempt to use array '{name}' in a scalar context"
            ))),
        }
    }

    fn write_var(&mut self, var: Var, value: Value) -> Fallible<()> {
        if var == Var::Global(NF) {
            return self.set_nf(value.to_num());
        }
        if var == Var::Global(FS) {
            // The current record keeps the fields of the FS it was read with.
            self.ensure_fields()?;
        }
        let name = self.name_of(var);
        let cell = self.cell(var);
        if let Cell::Array(_) = cell {
            return Err(fatal(format!(
                "attempt to use array '{name}' in a scalar context"
            )));
        }
        *cell = Cell::Scalar(value);
        Ok(())
    }

    pub fn subscript(&mut self, subscripts: &[Expr]) -> Fallible<Rc<str>> {
        if let [single] = subscripts {
            let value = self.eval(single)?;
            return Ok(self.text(&value));
        }
        let subsep = self.special_text(SUBSEP);
        let mut parts = Vec::with_capacity(subscripts.len());
        for e in subscripts {
            let value = self.eval(e)?;
            parts.push(self.text(&value));
        }
        Ok(parts.join(&*subsep).into())
    }

    pub fn get(&mut self, target: &LValue) -> Fallible<Value> {
        match target {
            LValue::Var(var) => self.read_var(*var),
            LValue::Field(index) => {
                let index = self.field_index(index)?;
                self.field(index)
            }
            LValue::Index(var, subscripts) => {
                let key = self.subscript(subscripts)?;
                let array = self.array(*var)?;
                let mut array = array.borrow_mut();
                Ok(array.entry(key).or_default().clone())
            }
        }
    }

    pub fn set(&mut self, target: &LValue, value: Value) -> Fallible<()> {
        match target {
            LValue::Var(var) => self.write_var(*var, value),
            LValue::Field(index) => {
                let index = self.field_index(index)?;
                let text = self.text(&value);
                self.set_field(index, text)
            }
            LValue::Index(var, subscripts) => {
                let key = self.subscript(subscripts)?;
                let array = self.array(*var)?;
                array.borrow_mut().insert(key, value);
                Ok(())
            }
        }
    }

    fn field_index(&mut self, index: &Expr) -> Fallible<usize> {
        let n = self.eval(index)?.to_num();
        if n < 0.0 {
            return Err(fatal(format!("attempt to access field {n}")));
        }
        Ok(n as usize)
    }

    // ----- statements -----

    pub fn exec_block(&mut self, stmts: &[Stmt]) -> Fallible<Flow> {
        for stmt in stmts {
            let flow = self.exec(stmt)?;
            if !matches!(flow, Flow::Normal) {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, stmt: &Stmt) -> Fallible<Flow> {
        match stmt {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, redirect) => {
                let mut line = String::new();
                if args.is_empty() {
                    line.push_str(&self.record);
                } else {
                    let ofs = self.special_text(OFS);
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            line.push_str(&ofs);
                        }
                        let value = self.eval(arg)?;
                        line.push_str(&self.output_text(&value));
                    }
                }
                line.push_str(&self.special_text(ORS));
                self.emit(redirect, line.as_bytes())?;
            }
            Stmt::Printf(args, redirect) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg)?);
                }
                let text = super::builtins::sprintf(self, &values)?;
                self.emit(redirect, text.as_bytes())?;
            }
            Stmt::If(condition, then, otherwise) => {
                if self.eval(condition)?.truthy() {
                    return self.exec(then);
                } else if let Some(otherwise) = otherwise {
                    return self.exec(otherwise);
                }
            }
            Stmt::While(condition, body) => {
                while self.eval(condition)?.truthy() {
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::DoWhile(body, condition) => loop {
                match self.exec(body)? {
                    Flow::Break => break,
                    Flow::Normal | Flow::Continue => {}
                    other => return Ok(other),
                }
                if !self.eval(condition)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, condition, step, body) => {
                if let Some(init) = init {
                    self.exec(init)?;
                }
                loop {
                    if let Some(condition) = condition
                        && !self.eval(condition)?.truthy()
                    {
                        break;
                    }
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    if let Some(step) = step {
                        self.exec(step)?;
                    }
                }
            }
            Stmt::ForIn(key, array, body) => {
                let array = self.array(*array)?;
                let keys: Vec<Rc<str>> = array.borrow().keys().cloned().collect();
                for k in keys {
                    if !array.borrow().contains_key(&k) {
                        continue;
                    }
                    self.set(key, Value::StrNum(k))?;
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Block(stmts) => return self.exec_block(stmts),
            Stmt::Next => return Ok(Flow::Next),
            Stmt::NextFile => return Ok(Flow::NextFile),
            Stmt::Exit(code) => {
                if let Some(code) = code {
                    self.exit_code = self.eval(code)?.to_num() as i32;
                }
                return Ok(Flow::Exit);
            }
            Stmt::Return(value) => {
                let value = match value {
                    Some(e) => self.eval(e)?,
                    None => Value::Uninit,
                };
                return Ok(Flow::Return(value));
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Delete(var, subscripts) => {
                let array = self.array(*var)?;
                match subscripts {
                    None => array.borrow_mut().clear(),
                    Some(subscripts) => {
                        let key = self.subscript(subscripts)?;
                        array.borrow_mut().shift_remove(&key);
                    }
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn emit(&mut self, redirect: &Option<Redirect>, bytes: &[u8]) -> Fallible<()> {
        let (target, mode) = match redirect {
            None => return crate::common::io::out(bytes),
            Some(Redirect::Truncate(e)) => (e, OpenMode::Truncate),
            Some(Redirect::Append(e)) => (e, OpenMode::Append),
            Some(Redirect::Pipe(e)) => {
                let command = self.eval(e)?;
                return Err(no_commands(&self.text(&command)));
            }
        };
        let name = self.eval(target)?;
        let name = self.text(&name);
        self.streams.write(&name, mode, bytes)
    }

    // ----- expressions -----

    pub fn eval(&mut self, expr: &Expr) -> Fallible<Value> {
        let bool_value = |b: bool| Value::Num(if b { 1.0 } else { 0.0 });
        Ok(match expr {
            Expr::Num(n) => Value::Num(*n),
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Regex(pattern) | Expr::RegexLiteral(pattern) => {
                let regex = self.regex(pattern)?;
                bool_value(regex.is_match(&self.record))
            }
            Expr::LValue(target) => self.get(target)?,
            Expr::Assign(target, op, value) => {
                let value = self.eval(value)?;
                let value = match op {
                    None => value,
                    Some(op) => {
                        let current = self.get(target)?.to_num();
                        Value::Num(arithmetic(*op, current, value.to_num())?)
                    }
                };
                self.set(target, value.clone())?;
                value
            }
            Expr::Cond(condition, then, otherwise) => {
                if self.eval(condition)?.truthy() {
                    self.eval(then)?
                } else {
                    self.eval(otherwise)?
                }
            }
            Expr::And(a, b) => bool_value(self.eval(a)?.truthy() && self.eval(b)?.truthy()),
            Expr::Or(a, b) => bool_value(self.eval(a)?.truthy() || self.eval(b)?.truthy()),
            Expr::Not(a) => bool_value(!self.eval(a)?.truthy()),
            Expr::Neg(a) => Value::Num(-self.eval(a)?.to_num()),
            Expr::UnaryPlus(a) => Value::Num(self.eval(a)?.to_num()),
            Expr::Binary(op, a, b) => {
                let a = self.eval(a)?.to_num();
                let b = self.eval(b)?.to_num();
                Value::Num(arithmetic(*op, a, b)?)
            }
            Expr::Compare(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                let order = a.compare(&b, &self.convfmt());
                bool_value(match op {
                    CmpOp::Lt => order.is_lt(),
                    CmpOp::Le => order.is_le(),
                    CmpOp::Eq => order.is_eq(),
                    CmpOp::Ne => order.is_ne(),
                    CmpOp::Ge => order.is_ge(),
                    CmpOp::Gt => order.is_gt(),
                })
            }
            Expr::Match {
                negate,
                subject,
                pattern,
            } => {
                let subject = self.eval(subject)?;
                let subject = self.text(&subject);
                let regex = self.regex_of(pattern)?;
                bool_value(regex.is_match(&subject) != *negate)
            }
            Expr::Concat(a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                let mut text = self.text(&a).to_string();
                text.push_str(&self.text(&b));
                Value::str(text)
            }
            Expr::In(subscripts, array) => {
                let key = self.subscript(subscripts)?;
                let array = self.array(*array)?;
                bool_value(array.borrow().contains_key(&key))
            }
            Expr::IncDec {
                target,
                delta,
                prefix,
            } => {
                let old = self.get(target)?.to_num();
                self.set(target, Value::Num(old + delta))?;
                Value::Num(if *prefix { old + delta } else { old })
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Builtin(name, args) => super::builtins::call(self, name, args)?,
            Expr::Getline { source, target } => self.getline(source, target.as_ref())?,
            Expr::Group(e) => self.eval(e)?,
        })
    }

    /// The regex an operand stands for: a `/re/` literal, or the text of any other value.
    pub fn regex_of(&mut self, pattern: &Expr) -> Fallible<Rc<Regex>> {
        match pattern {
            Expr::RegexLiteral(p) | Expr::Regex(p) => self.regex(p),
            other => {
                let value = self.eval(other)?;
                let text = self.text(&value);
                self.regex(&text)
            }
        }
    }

    fn call(&mut self, name: &Rc<str>, args: &[Expr]) -> Fallible<Value> {
        let program = self.program;
        let index = program.function_index[name];
        let function = &program.functions[index];
        if args.len() > function.params {
            return Err(fatal(format!(
                "function '{}' called with {} arguments, declared with {}",
                function.name,
                args.len(),
                function.params
            )));
        }
        if self.frames.len() >= MAX_CALL_DEPTH {
            return Err(fatal(format!(
                "function calls nested deeper than {MAX_CALL_DEPTH} (in '{name}')"
            )));
        }
        let mut locals = Vec::with_capacity(function.params);
        for (i, arg) in args.iter().enumerate() {
            if let Expr::LValue(LValue::Var(var)) = arg {
                let by_reference = match self.cell(*var) {
                    Cell::Array(array) => Some(array.clone()),
                    Cell::Uninit if function.array_params[i] => Some(self.array(*var)?),
                    _ => None,
                };
                if let Some(array) = by_reference {
                    locals.push(Cell::Array(array));
                    continue;
                }
            }
            let value = self.eval(arg)?;
            locals.push(match value {
                Value::Uninit => Cell::Uninit,
                v => Cell::Scalar(v),
            });
        }
        locals.resize(function.params, Cell::Uninit);
        self.frames.push(locals);
        let flow = self.exec_block(&function.body);
        self.frames.pop();
        Ok(match flow? {
            Flow::Return(value) => value,
            Flow::Exit => return Err(exit_signal()),
            _ => Value::Uninit,
        })
    }

    fn getline(&mut self, source: &GetlineSource, target: Option<&LValue>) -> Fallible<Value> {
        let record = match source {
            GetlineSource::MainInput => match self.next_main_record()? {
                Some(record) => {
                    self.count_record();
                    record
                }
                None => return Ok(Value::Num(0.0)),
            },
            GetlineSource::File(name) => {
                let name = self.eval(name)?;
                let name = self.text(&name);
                let separator = self.record_separator()?;
                match self.streams.read_record(&name, &separator) {
                    Ok(Some(record)) => record,
                    Ok(None) => return Ok(Value::Num(0.0)),
                    Err(_) => return Ok(Value::Num(-1.0)),
                }
            }
            GetlineSource::Command(command) => {
                let command = self.eval(command)?;
                return Err(no_commands(&self.text(&command)));
            }
        };
        match target {
            Some(target) => self.set(target, Value::from_input(record))?,
            None => self.set_record(record.into()),
        }
        Ok(Value::Num(1.0))
    }
}

fn arithmetic(op: BinOp, a: f64, b: f64) -> Fallible<f64> {
    Ok(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return Err(fatal("division by zero attempted"));
            }
            a / b
        }
        BinOp::Mod => {
            if b == 0.0 {
                return Err(fatal("division by zero attempted in '%'"));
            }
            a % b
        }
        BinOp::Pow => a.powf(b),
    })
}

/// `name=value` operands assign when the record loop reaches them.
pub fn assignment_operand(operand: &str) -> Option<(String, String)> {
    let (name, value) = operand.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some((name.to_string(), super::builtins::unescape(value)))
}
