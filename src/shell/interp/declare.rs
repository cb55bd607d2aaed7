//! The declaration builtins — `declare`/`typeset`, `local`, `readonly`, `export` — and the
//! listing they print with `-p` in bash's format (`declare -a a=([0]="x")`): they set
//! attributes (`-a -A -i -l -u -r -x -n`), declare names without values, make a function's
//! variables local, and store their assignments as assignment statements do.

use super::assign::{Assigned, Refused, assign_value};
use super::exec::Io;
use super::state::{Array, Assoc, Attributes, ShellState, Value, Variable, element_name, is_name};
use super::transform::double_quoted;

/// Which declaration builtin runs: they differ in their defaults, not in their reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declarer {
    Declare,
    Local,
    Readonly,
    Export,
}

impl Declarer {
    pub(crate) fn of(name: &str) -> Declarer {
        match name {
            "local" => Declarer::Local,
            "readonly" => Declarer::Readonly,
            "export" => Declarer::Export,
            _ => Declarer::Declare,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Declarer::Declare => "declare",
            Declarer::Local => "local",
            Declarer::Readonly => "readonly",
            Declarer::Export => "export",
        }
    }
}

/// The options of one call: `Some(true)` sets an attribute, `Some(false)` (`+x`) clears it.
#[derive(Debug, Default)]
struct Flags {
    indexed: bool,
    assoc: bool,
    integer: Option<bool>,
    lowercase: Option<bool>,
    uppercase: Option<bool>,
    readonly: Option<bool>,
    exported: Option<bool>,
    nameref: Option<bool>,
    global: bool,
    print: bool,
    functions: bool,
    function_names: bool,
}

fn read_flags(declarer: Declarer, args: &[String]) -> Result<(Flags, Vec<String>), String> {
    let mut flags = Flags::default();
    match declarer {
        Declarer::Readonly => flags.readonly = Some(true),
        Declarer::Export => flags.exported = Some(true),
        _ => {}
    }
    let mut names = Vec::new();
    let mut options_end = false;
    for arg in args {
        if options_end || !names.is_empty() {
            names.push(arg.clone());
            continue;
        }
        if arg == "--" {
            options_end = true;
            continue;
        }
        let (on, letters) = match (arg.strip_prefix('-'), arg.strip_prefix('+')) {
            (Some(letters), _) if !letters.is_empty() => (true, letters),
            (_, Some(letters)) if !letters.is_empty() => (false, letters),
            _ => {
                names.push(arg.clone());
                continue;
            }
        };
        for letter in letters.chars() {
            match (declarer, letter) {
                (Declarer::Export, 'n') => flags.exported = Some(false),
                (_, 'a') => flags.indexed = on,
                (_, 'A') => flags.assoc = on,
                (_, 'i') => flags.integer = Some(on),
                (_, 'l') => flags.lowercase = Some(on),
                (_, 'u') => flags.uppercase = Some(on),
                (_, 'r') => flags.readonly = Some(on),
                (_, 'x') => flags.exported = Some(on),
                (_, 'g') => flags.global = on,
                (_, 'p') => flags.print = true,
                (_, 'f') => flags.functions = true,
                (_, 'F') => flags.function_names = true,
                (_, 't') => {}
                (_, 'n') => flags.nameref = Some(on),
                (_, other) => return Err(format!("-{other}: invalid option")),
            }
        }
    }
    Ok((flags, names))
}

/// Runs a declaration builtin.
pub(crate) async fn declare(
    state: &mut ShellState,
    io: &Io,
    declarer: Declarer,
    args: &[String],
) -> i32 {
    let builtin = declarer.name();
    let (flags, names) = match read_flags(declarer, args) {
        Ok(read) => read,
        Err(message) => {
            io.report(&format!("sh: {builtin}: {message}\n"));
            return 2;
        }
    };
    if declarer == Declarer::Local && state.locals.is_empty() {
        io.report("sh: local: can only be used in a function\n");
        return 1;
    }
    if flags.functions || flags.function_names {
        return functions(state, io, &flags, &names).await;
    }
    if flags.print || names.is_empty() {
        return print(state, io, declarer, &flags, &names).await;
    }
    // `declare` in a function makes locals, as `local` does (unless `-g`).
    let local = declarer == Declarer::Local
        || (declarer == Declarer::Declare && !state.locals.is_empty() && !flags.global);
    let mut status = 0;
    for arg in &names {
        let (name, value, append) = match state.take_declaration(arg) {
            Some(declared) => (declared.name, Some(declared.value), declared.append),
            None => match arg.split_once('=') {
                Some((name, text)) => match name.strip_suffix('+') {
                    Some(name) => (name.to_string(), Some(Assigned::Text(text.into())), true),
                    None => (name.to_string(), Some(Assigned::Text(text.into())), false),
                },
                None => (arg.clone(), None, false),
            },
        };
        if !is_name(&name) {
            io.report(&format!("sh: {builtin}: `{arg}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        if let Err(refused) = declare_one(state, &flags, local, &name, value, append) {
            io.report(&format!("sh: {builtin}: {refused}\n"));
            status = 1;
        }
    }
    status
}

/// One name of a declaration builtin: made local, converted to the array kind asked for,
/// given its attributes, assigned, then made read-only or exported.
fn declare_one(
    state: &mut ShellState,
    flags: &Flags,
    local: bool,
    name: &str,
    value: Option<Assigned>,
    append: bool,
) -> Result<(), Refused> {
    if let Some(on) = flags.nameref {
        return declare_reference(state, flags, local, name, value, on);
    }
    let changes_attributes = flags.integer.is_some()
        || flags.lowercase.is_some()
        || flags.uppercase.is_some()
        || flags.readonly == Some(false);
    if (value.is_some() || changes_attributes || flags.indexed || flags.assoc)
        && state.attributes(name).readonly
    {
        return Err(Refused::ReadOnly(name.to_string()));
    }
    make_local(state, local, name);
    let kind = if flags.assoc {
        Some(true)
    } else if flags.indexed {
        Some(false)
    } else {
        None
    };
    // What the name holds now, by kind only (its value is copied only to convert a scalar).
    let (indexed, assoc) = state.declared(name).map_or((false, false), |v| {
        (matches!(*v.value, Value::Array(_)), v.value.is_assoc())
    });
    match kind {
        Some(true) if indexed => {
            return Err(Refused::Conversion(
                name.to_string(),
                "indexed to associative array",
            ));
        }
        Some(false) if assoc => {
            return Err(Refused::Conversion(
                name.to_string(),
                "associative to indexed array",
            ));
        }
        // `x=1; declare -a x`: the scalar becomes element 0.
        Some(to_assoc) if !indexed && !assoc => {
            if let Some(text) = state.get(name).map(|v| v.scalar().to_string()) {
                let value = if to_assoc {
                    let mut map = Assoc::default();
                    map.set("0".to_string(), text);
                    Value::Assoc(map)
                } else {
                    Value::Array(Array::from_values(vec![text]))
                };
                state.set(name, value);
            }
        }
        _ => {}
    }
    let empty = match kind {
        Some(true) => Value::Assoc(Assoc::default()),
        Some(false) => Value::Array(Array::default()),
        None => Value::Scalar(String::new()),
    };
    state.change_attributes(name, empty, |a| {
        let set = |field: &mut bool, change: Option<bool>| {
            if let Some(on) = change {
                *field = on;
            }
        };
        set(&mut a.integer, flags.integer);
        set(&mut a.lowercase, flags.lowercase);
        set(&mut a.uppercase, flags.uppercase);
        if flags.lowercase == Some(true) {
            a.uppercase = false;
        }
        if flags.uppercase == Some(true) {
            a.lowercase = false;
        }
    });
    if let Some(value) = value {
        assign_value(state, name, value, append, kind)?;
    }
    finish(state, flags, name);
    Ok(())
}

/// `local`, `declare` in a function: the name is saved to be restored when the function
/// returns, then unset (the name itself, a reference too).
fn make_local(state: &mut ShellState, local: bool, name: &str) {
    if local
        && !state
            .locals
            .last()
            .is_some_and(|f| f.iter().any(|(n, _)| n == name))
    {
        state.make_local(name);
        state.unset_own(name);
    }
}

/// The attributes given last: `-r` once the value is in, `-x`/`+x`.
fn finish(state: &mut ShellState, flags: &Flags, name: &str) {
    if flags.readonly.is_some() {
        state.change_attributes(name, Value::Scalar(String::new()), |a| {
            a.readonly = flags.readonly == Some(true)
        });
    }
    match flags.exported {
        Some(true) => state.export(name),
        Some(false) => {
            let target = state.target(name).to_string();
            if let Some(variable) = state.vars.get_mut(&target) {
                variable.exported = false;
            }
        }
        None => {}
    }
}

/// `declare -n ref[=var]` (`local -n`): the name itself becomes a reference whose value names
/// the variable it stands for; `declare +n ref` makes it an ordinary variable again, holding
/// that name.
fn declare_reference(
    state: &mut ShellState,
    flags: &Flags,
    local: bool,
    name: &str,
    value: Option<Assigned>,
    on: bool,
) -> Result<(), Refused> {
    if state
        .own_variable(name)
        .is_some_and(|v| v.attributes.readonly)
    {
        return Err(Refused::ReadOnly(name.to_string()));
    }
    make_local(state, local, name);
    let text = match value {
        Some(Assigned::Text(text)) => Some(text),
        // `declare -n r=(a b)`: bash keeps the literal's text as the name, which names nothing.
        Some(Assigned::List(_)) => return Err(Refused::ReferenceName(format!("{name}=(…)"))),
        None => None,
    };
    if on && let Some(text) = &text {
        if text == name {
            return Err(Refused::SelfReference(name.to_string()));
        }
        let names_variable =
            is_name(text) || element_name(text).is_some_and(|(array, _)| is_name(array));
        if !names_variable {
            return Err(Refused::ReferenceName(text.clone()));
        }
    }
    state.change_own_attributes(name, Value::Scalar(String::new()), |a| a.nameref = on);
    if let Some(text) = text {
        state.store(name, Value::Scalar(text));
    }
    finish(state, flags, name);
    Ok(())
}

/// `declare -f NAME`/`-F NAME`: whether the functions are defined (`-F` prints their names).
async fn functions(state: &ShellState, io: &Io, flags: &Flags, names: &[String]) -> i32 {
    let mut out = String::new();
    let mut status = 0;
    let mut listed: Vec<&String> = if names.is_empty() {
        state.functions.keys().collect()
    } else {
        names.iter().collect()
    };
    listed.sort();
    for name in listed {
        match state.functions.get(name.as_str()) {
            Some(_) if flags.function_names => out.push_str(&format!("{name}\n")),
            Some(body) => out.push_str(&format!("{name} () \n{body}\n")),
            None => status = 1,
        }
    }
    let _ = io.stdout().write_all(out.as_bytes()).await;
    status
}

/// `declare -p [NAME…]`, `export -p`, `readonly -p` and bare `declare`: each variable as a
/// `declare` line that recreates it.
async fn print(
    state: &ShellState,
    io: &Io,
    declarer: Declarer,
    flags: &Flags,
    names: &[String],
) -> i32 {
    let mut out = String::new();
    let mut status = 0;
    if names.is_empty() {
        let mut all: Vec<(&String, &Variable)> = state
            .vars
            .iter()
            .filter(|(_, v)| match declarer {
                Declarer::Export => v.exported,
                Declarer::Readonly => v.attributes.readonly,
                _ => {
                    (flags.exported != Some(true) || v.exported)
                        && (flags.readonly != Some(true) || v.attributes.readonly)
                        && (!flags.assoc || v.value.is_assoc())
                        && (!flags.indexed || matches!(*v.value, Value::Array(_)))
                        && (flags.nameref != Some(true) || v.attributes.nameref)
                }
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        for (name, variable) in all {
            // `declare -x`, `declare -n`… list in `declare` lines, as `-p` does.
            let filtered = flags.exported.is_some()
                || flags.readonly.is_some()
                || flags.nameref.is_some()
                || flags.assoc
                || flags.indexed;
            out.push_str(&declaration_line(
                name,
                variable,
                flags.print || filtered || declarer != Declarer::Declare,
            ));
        }
    } else {
        for name in names {
            match state.own_variable(name) {
                Some(variable) => out.push_str(&declaration_line(name, variable, true)),
                None => {
                    io.report(&format!("sh: {}: {name}: not found\n", declarer.name()));
                    status = 1;
                }
            }
        }
    }
    let _ = io.stdout().write_all(out.as_bytes()).await;
    status
}

/// One variable as `declare -p` prints it; bare `declare` prints `NAME=VALUE` instead.
pub(crate) fn declaration_line(name: &str, variable: &Variable, as_declare: bool) -> String {
    let value: &Value = &variable.value;
    let attributes: Attributes = variable.attributes;
    let text = match value {
        _ if attributes.unset => None,
        Value::Scalar(text) => Some(double_quoted(text)),
        Value::Array(items) => {
            let elements: Vec<String> = items
                .keys()
                .into_iter()
                .zip(items.values())
                .map(|(k, v)| format!("[{k}]={}", double_quoted(&v)))
                .collect();
            Some(format!("({})", elements.join(" ")))
        }
        Value::Assoc(map) if map.len() == 0 => Some("()".to_string()),
        Value::Assoc(map) => {
            let elements: String = map
                .pairs()
                .into_iter()
                .map(|(k, v)| format!("[{}]={} ", assoc_key_text(&k), double_quoted(&v)))
                .collect();
            Some(format!("({elements})"))
        }
    };
    if !as_declare {
        return match text {
            Some(text) => format!("{name}={text}\n"),
            None => format!("{name}\n"),
        };
    }
    let mut letters = attributes.letters(value, variable.exported);
    if letters.is_empty() {
        letters.push('-');
    }
    match text {
        Some(text) => format!("declare -{letters} {name}={text}\n"),
        None => format!("declare -{letters} {name}\n"),
    }
}

/// An associative array's key in a listing: bare unless it holds a character the shell
/// reads specially.
fn assoc_key_text(key: &str) -> String {
    let special = |c: char| " \t\n'\"\\|&;()<>!{}*[]?^$`~#=%".contains(c);
    if key.is_empty() || key.chars().any(special) {
        double_quoted(key)
    } else {
        key.to_string()
    }
}
