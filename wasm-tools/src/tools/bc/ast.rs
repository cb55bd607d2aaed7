//! The shape of a bc program after parsing: statements, expressions, function definitions.

use super::number::Number;

/// A number literal: its text (read in the input base current when it runs) and its value in
/// base ten, read once.
#[derive(Debug)]
pub struct Literal {
    pub text: String,
    pub decimal: Number,
}

/// scale, ibase, obase and last: variables with rules of their own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Special {
    Scale,
    Ibase,
    Obase,
    Last,
}

/// What an assignment, `++` or `--` writes to.
#[derive(Debug)]
pub enum Place {
    Variable(String),
    Element(String, Box<Expr>),
    Special(Special),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Relation {
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
}

#[derive(Debug)]
pub enum Argument {
    Value(Expr),
    Array(String),
}

#[derive(Debug)]
pub enum Expr {
    Number(Literal),
    Value(Place),
    /// `( … )`: an assignment in parentheses prints its value as a statement.
    Group(Box<Expr>),
    Negate(Box<Expr>),
    Not(Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    Compare(Relation, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Assign(Place, Option<Arith>, Box<Expr>),
    Step {
        place: Place,
        increment: bool,
        prefix: bool,
    },
    Call(String, Vec<Argument>),
    Length(Box<Expr>),
    Sqrt(Box<Expr>),
    ScaleOf(Box<Expr>),
    ReadNumber,
}

#[derive(Debug)]
pub enum PrintItem {
    Text(String),
    Value(Expr),
}

#[derive(Debug)]
pub enum Stmt {
    Empty,
    Expr(Expr),
    /// A string on its own: printed as written, without a newline.
    Text(String),
    Print(Vec<PrintItem>),
    Block(Vec<Stmt>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    For(Option<Expr>, Option<Expr>, Option<Expr>, Box<Stmt>),
    Break,
    Continue,
    Halt,
    Return(Option<Expr>),
    Limits,
    Warranty,
}

/// A parameter: a value, an array copied in, or (`*a[]`) an array shared with the caller.
#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    pub array: bool,
    pub by_reference: bool,
}

#[derive(Debug)]
pub struct Function {
    pub name: String,
    pub void: bool,
    pub parameters: Vec<Parameter>,
    /// `auto` names: (name, is an array).
    pub autos: Vec<(String, bool)>,
    pub body: Vec<Stmt>,
}
