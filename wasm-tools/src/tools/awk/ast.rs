//! The parsed awk program: variables already resolved to global or local slots.

use std::rc::Rc;

/// Where a variable lives: a global slot, or a parameter of the running function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Var {
    Global(usize),
    Local(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

#[derive(Debug, Clone)]
pub enum LValue {
    Var(Var),
    Field(Box<Expr>),
    Index(Var, Vec<Expr>),
}

/// Where `getline` reads from.
#[derive(Debug, Clone)]
pub enum GetlineSource {
    MainInput,
    File(Box<Expr>),
    Command(Box<Expr>),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Num(f64),
    Str(Rc<str>),
    /// A bare `/re/`: matches `$0`.
    Regex(Rc<str>),
    /// `/re/` where a regex is taken as such (right of `~`, argument of sub, split, match).
    RegexLiteral(Rc<str>),
    LValue(LValue),
    Assign(LValue, Option<BinOp>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    UnaryPlus(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    Match {
        negate: bool,
        subject: Box<Expr>,
        pattern: Box<Expr>,
    },
    Concat(Box<Expr>, Box<Expr>),
    In(Vec<Expr>, Var),
    IncDec {
        target: LValue,
        delta: f64,
        prefix: bool,
    },
    /// A user function, by name (the program's `function_index` finds it).
    Call(Rc<str>, Vec<Expr>),
    Builtin(&'static str, Vec<Expr>),
    Getline {
        source: GetlineSource,
        target: Option<LValue>,
    },
    /// A parenthesised expression (kept so `print (a) > f` and `(a, b) in x` parse right).
    Group(Box<Expr>),
}

/// Where `print` output goes.
#[derive(Debug, Clone)]
pub enum Redirect {
    Truncate(Expr),
    Append(Expr),
    Pipe(Expr),
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<Redirect>),
    Printf(Vec<Expr>, Option<Redirect>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(LValue, Var, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    NextFile,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(Var, Option<Vec<Expr>>),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    All,
    Expr(Expr),
    /// `from, to`, with the index of its on/off flag.
    Range(Expr, Expr, usize),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub pattern: Pattern,
    /// `None` prints the record.
    pub action: Option<Vec<Stmt>>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: Rc<str>,
    pub params: usize,
    /// Which parameters the body uses as arrays (an unset argument then becomes an array).
    pub array_params: Vec<bool>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Default)]
pub struct Program {
    pub begin: Vec<Stmt>,
    pub end: Vec<Stmt>,
    pub rules: Vec<Rule>,
    pub functions: Vec<Function>,
    pub globals: Vec<Rc<str>>,
    pub function_index: std::collections::HashMap<Rc<str>, usize>,
    pub ranges: usize,
}

/// The special variables, in the first global slots in this order.
pub const SPECIALS: &[&str] = &[
    "NR", "NF", "FNR", "FS", "OFS", "ORS", "RS", "FILENAME", "SUBSEP", "RSTART", "RLENGTH",
    "CONVFMT", "OFMT", "ENVIRON", "ARGC", "ARGV",
];

pub mod special {
    pub const NR: usize = 0;
    pub const NF: usize = 1;
    pub const FNR: usize = 2;
    pub const FS: usize = 3;
    pub const OFS: usize = 4;
    pub const ORS: usize = 5;
    pub const RS: usize = 6;
    pub const FILENAME: usize = 7;
    pub const SUBSEP: usize = 8;
    pub const RSTART: usize = 9;
    pub const RLENGTH: usize = 10;
    pub const CONVFMT: usize = 11;
    pub const OFMT: usize = 12;
    pub const ENVIRON: usize = 13;
    pub const ARGC: usize = 14;
    pub const ARGV: usize = 15;
}
