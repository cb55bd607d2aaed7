//! The shell's state: variables (scalars and sparse arrays, exported or not), functions,
//! positional parameters, options, the working directory and the last status. Values are
//! shared between a shell and its subshells and jobs (copied only when one of them changes a
//! value), and every stored value is charged to the state's memory [`Budget`].

use super::budget::{self, Budget, Charge, ENTRY_OVERHEAD};
use brush_parser::ast::FunctionBody;
use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An indexed array: sparse, as bash's (`a[1000000]=x` holds one element).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Array(BTreeMap<usize, String>);

impl Array {
    /// Elements at 0, 1, 2…
    pub(crate) fn from_values(values: Vec<String>) -> Array {
        Array(values.into_iter().enumerate().collect())
    }

    /// The elements in index order.
    pub(crate) fn values(&self) -> Vec<String> {
        self.0.values().cloned().collect()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&String> {
        self.0.get(&index)
    }

    /// The elements with their indices, in order.
    pub(crate) fn indexed(&self) -> impl Iterator<Item = (usize, &String)> {
        self.0.iter().map(|(index, value)| (*index, value))
    }

    /// The indices set, in order (`${!a[@]}`).
    pub(crate) fn keys(&self) -> Vec<String> {
        self.0.keys().map(usize::to_string).collect()
    }

    pub(crate) fn remove(&mut self, index: usize) -> Option<String> {
        self.0.remove(&index)
    }

    /// How many elements are set.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// One past the highest index set (where `+=` appends; negative indices count from it).
    pub(crate) fn end(&self) -> usize {
        self.0
            .last_key_value()
            .map_or(0, |(&i, _)| i.saturating_add(1))
    }

    pub(crate) fn set(&mut self, index: usize, text: String) {
        self.0.insert(index, text);
    }

    /// Bytes the elements hold on the host.
    pub(crate) fn cost(&self) -> usize {
        self.0.values().map(|v| budget::string_cost(v)).sum()
    }
}

/// An associative array (`declare -A`), listed in bash's own order: bash keeps the keys in a
/// hash table of 1024 buckets (FNV-1 of the key's bytes), walks the buckets in order and each
/// bucket newest first, and scripts and their expected outputs depend on that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Assoc {
    /// Each key's text and the sequence number of its insertion.
    entries: HashMap<String, (u64, String)>,
    inserted: u64,
}

/// The buckets of bash's associative arrays (`ASSOC_HASH_BUCKETS`).
const ASSOC_BUCKETS: u32 = 1024;

/// bash's `hash_string`: 32-bit FNV-1 over the key's bytes as C `char`s (signed on the
/// platforms bash is built for, so a byte past 0x7f is sign-extended).
fn bash_hash(key: &str) -> u32 {
    let mut hash: u32 = 2_166_136_261;
    for &byte in key.as_bytes() {
        hash = hash.wrapping_mul(16_777_619);
        hash ^= byte as i8 as i32 as u32;
    }
    hash
}

impl Assoc {
    pub(crate) fn get(&self, key: &str) -> Option<&String> {
        self.entries.get(key).map(|(_, text)| text)
    }

    /// Sets a key's text; a key already set keeps its place.
    pub(crate) fn set(&mut self, key: String, text: String) {
        match self.entries.get_mut(&key) {
            Some((_, old)) => *old = text,
            None => {
                self.inserted += 1;
                self.entries.insert(key, (self.inserted, text));
            }
        }
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<String> {
        self.entries.remove(key).map(|(_, text)| text)
    }

    /// The entries in bash's order.
    fn ordered(&self) -> Vec<(&String, &String)> {
        let mut entries: Vec<(u32, u64, &String, &String)> = self
            .entries
            .iter()
            .map(|(key, (seq, text))| (bash_hash(key) & (ASSOC_BUCKETS - 1), *seq, key, text))
            .collect();
        entries.sort_by_key(|&(bucket, seq, _, _)| (bucket, std::cmp::Reverse(seq)));
        entries.into_iter().map(|(_, _, k, t)| (k, t)).collect()
    }

    /// The keys in bash's order (`${!m[@]}`).
    pub(crate) fn keys(&self) -> Vec<String> {
        self.ordered().into_iter().map(|(k, _)| k.clone()).collect()
    }

    /// The values in bash's order (`${m[@]}`).
    pub(crate) fn values(&self) -> Vec<String> {
        self.ordered().into_iter().map(|(_, t)| t.clone()).collect()
    }

    /// Keys and values in bash's order (`declare -p`).
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        self.ordered()
            .into_iter()
            .map(|(k, t)| (k.clone(), t.clone()))
            .collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes the keys and values hold on the host.
    pub(crate) fn cost(&self) -> usize {
        self.entries
            .iter()
            .map(|(k, (_, t))| budget::string_cost(k) + budget::string_cost(t) + ENTRY_OVERHEAD)
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Scalar(String),
    Array(Array),
    Assoc(Assoc),
}

/// An element of an array: an index of an indexed array (a scalar is element 0) or a key of
/// an associative one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Index(usize),
    Name(String),
}

impl Value {
    /// The value as `$name` reads it: an array's element 0.
    pub(crate) fn scalar(&self) -> &str {
        match self {
            Value::Scalar(text) => text,
            Value::Array(items) => items.get(0).map_or("", String::as_str),
            Value::Assoc(map) => map.get("0").map_or("", String::as_str),
        }
    }

    /// The keys set, in order (`${!a[@]}`; a scalar is element 0).
    pub(crate) fn keys(&self) -> Vec<String> {
        match self {
            Value::Scalar(_) => vec!["0".to_string()],
            Value::Array(items) => items.keys(),
            Value::Assoc(map) => map.keys(),
        }
    }

    /// The element a key names.
    pub(crate) fn at(&self, key: &Key) -> Option<&str> {
        match (self, key) {
            (_, Key::Index(index)) => self.element(*index),
            (Value::Assoc(map), Key::Name(name)) => map.get(name).map(String::as_str),
            (_, Key::Name(_)) => None,
        }
    }

    /// The value's elements (a scalar is one).
    pub(crate) fn values(&self) -> Vec<String> {
        match self {
            Value::Scalar(text) => vec![text.clone()],
            Value::Array(items) => items.values(),
            Value::Assoc(map) => map.values(),
        }
    }

    /// The value as an array (a scalar is element 0; an associative array's values in order).
    pub(crate) fn to_array(&self) -> Array {
        match self {
            Value::Scalar(text) => Array::from_values(vec![text.clone()]),
            Value::Array(items) => items.clone(),
            Value::Assoc(map) => Array::from_values(map.values()),
        }
    }

    /// The element at `index` (a scalar is element 0).
    pub(crate) fn element(&self, index: usize) -> Option<&str> {
        match self {
            Value::Array(items) => items.get(index).map(String::as_str),
            Value::Scalar(text) => (index == 0).then_some(text.as_str()),
            Value::Assoc(map) => map.get(&index.to_string()).map(String::as_str),
        }
    }

    pub(crate) fn is_assoc(&self) -> bool {
        matches!(self, Value::Assoc(_))
    }

    /// Sets the element a key names (of an array; a scalar is left alone).
    fn put(&mut self, key: Key, text: String) {
        match (self, key) {
            (Value::Array(items), Key::Index(index)) => items.set(index, text),
            (Value::Array(items), Key::Name(_)) => items.set(0, text),
            (Value::Assoc(map), Key::Index(index)) => map.set(index.to_string(), text),
            (Value::Assoc(map), Key::Name(name)) => map.set(name, text),
            (Value::Scalar(_), _) => {}
        }
    }

    /// Removes the element a key names (of an array).
    fn remove(&mut self, key: &Key) -> Option<String> {
        match (self, key) {
            (Value::Array(items), Key::Index(index)) => items.remove(*index),
            (Value::Assoc(map), Key::Index(index)) => map.remove(&index.to_string()),
            (Value::Assoc(map), Key::Name(name)) => map.remove(name),
            _ => None,
        }
    }

    /// One past the highest index (a scalar is element 0).
    pub(crate) fn to_end(&self) -> usize {
        match self {
            Value::Scalar(_) => 1,
            Value::Array(items) => items.end(),
            Value::Assoc(map) => map.len(),
        }
    }

    /// Bytes the value holds on the host.
    pub(crate) fn cost(&self) -> usize {
        match self {
            Value::Scalar(text) => budget::string_cost(text),
            Value::Array(items) => items.cost(),
            Value::Assoc(map) => map.cost(),
        }
    }
}

/// A stored value, shared by the shells that have not changed it, and its charge.
#[derive(Debug, Clone)]
pub(crate) struct Stored(Arc<(Value, Charge)>);

impl Deref for Stored {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.0.0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Variable {
    pub(crate) value: Stored,
    pub(crate) exported: bool,
    pub(crate) attributes: Attributes,
}

/// What `declare -r -i -l -u` gave a variable: how later assignments treat it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Attributes {
    /// `-r`: assignments and `unset` fail.
    pub(crate) readonly: bool,
    /// `-i`: assigned text is evaluated as arithmetic (`+=` adds).
    pub(crate) integer: bool,
    /// `-l`, `-u`: assigned text is lowercased or uppercased.
    pub(crate) lowercase: bool,
    pub(crate) uppercase: bool,
    /// Declared (`declare x`, `local x`, `declare -A m`) but never given a value: reads see
    /// it unset, `declare -p` shows it, and its attributes hold for the first assignment.
    pub(crate) unset: bool,
    /// `-n`: a name reference — its value names the variable that reads, assignments,
    /// attributes and `unset` act on ([`ShellState::target`]).
    pub(crate) nameref: bool,
}

impl Attributes {
    /// The letters `declare -p` shows for a variable, in bash's order.
    pub(crate) fn letters(&self, value: &Value, exported: bool) -> String {
        [
            (matches!(value, Value::Array(_)), 'a'),
            (value.is_assoc(), 'A'),
            (self.integer, 'i'),
            (self.nameref, 'n'),
            (self.readonly, 'r'),
            (exported, 'x'),
            (self.lowercase, 'l'),
            (self.uppercase, 'u'),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect()
    }
}

/// The background jobs one shell started that still run: what its `wait` waits for (a job's
/// own `wait` waits for the jobs it started, not for itself).
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    running: AtomicUsize,
    ended: tokio::sync::Notify,
}

impl Jobs {
    pub(crate) fn started(&self) {
        self.running.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn ended(&self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.ended.notify_waiters();
    }

    /// Until every job of this shell has ended.
    pub(crate) async fn wait(&self) {
        loop {
            let ended = self.ended.notified();
            if self.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            ended.await;
        }
    }
}

/// `set` and `shopt` options (by name: [`super::options`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub(crate) errexit: bool,
    pub(crate) nounset: bool,
    pub(crate) pipefail: bool,
    pub(crate) xtrace: bool,
    pub(crate) noglob: bool,
    /// `shopt -s nullglob`: a pattern that matches nothing expands to nothing.
    pub(crate) nullglob: bool,
    /// `shopt -s dotglob`: `*` matches names that start with a dot.
    pub(crate) dotglob: bool,
    /// `set -a`: every variable set or changed is exported.
    pub(crate) allexport: bool,
    /// `set -C`: `>` does not overwrite an existing file (`>|` does).
    pub(crate) noclobber: bool,
    /// `set -n`: commands are read, not run.
    pub(crate) noexec: bool,
    /// `shopt -s cdable_vars`: `cd NAME` goes to `$NAME` when no directory NAME is there.
    pub(crate) cdable_vars: bool,
    /// `shopt -s expand_aliases`: a command's name that is an alias is replaced by its value.
    pub(crate) expand_aliases: bool,
    /// `shopt -s extglob`: listed only (the parser always reads `@(…)`, `!(…)`).
    pub(crate) extglob: bool,
    /// `shopt -s failglob`: a pattern that matches nothing is an error.
    pub(crate) failglob: bool,
    /// `shopt -s lastpipe`: a pipeline's last command runs in this shell.
    pub(crate) lastpipe: bool,
    /// `shopt -s globstar`: `**` matches any depth of directories.
    pub(crate) globstar: bool,
    /// `shopt -s nocaseglob`: pathname expansion ignores case.
    pub(crate) nocaseglob: bool,
    /// `set -E`: functions and subshells inherit the `ERR` trap.
    pub(crate) errtrace: bool,
    /// `set -T`: functions inherit the `DEBUG` and `RETURN` traps.
    pub(crate) functrace: bool,
    /// The options that only matter to a terminal, by their index in the option table, set
    /// when they differ from their default ([`super::options`]).
    pub(crate) flipped: u128,
}

pub(crate) struct ShellState {
    pub(crate) vars: HashMap<String, Variable>,
    pub(crate) functions: HashMap<String, Arc<FunctionBody>>,
    /// `alias NAME=VALUE`: kept and listed, expanded only under `shopt -s expand_aliases`
    /// (as in `bash -c`); the router routes their values where they are defined.
    pub(crate) aliases: HashMap<String, String>,
    /// The aliases whose expansion is running: a name is not expanded inside its own
    /// expansion (`alias ls='ls -l'`).
    pub(crate) expanding_aliases: Vec<String>,
    /// The aliases the running line defined, each with the line (`$LINENO`) it was defined
    /// on: bash has read a line before it runs it, so they apply from the next line on.
    pub(crate) new_aliases: Vec<(String, usize)>,
    /// `$0` and `$1…`.
    pub(crate) name: String,
    pub(crate) positional: Vec<String>,
    pub(crate) options: Options,
    /// The guest working directory (absolute, normalised).
    pub(crate) cwd: String,
    pub(crate) last_status: i32,
    /// `$?` when the current simple command began (a bare assignment's status is that of its
    /// last command substitution, else 0).
    pub(crate) last_status_before: i32,
    /// How many conditions (`if`, `while`, `&&` operands) enclose the running command: `set -e`
    /// ignores failures inside them.
    pub(crate) conditions: usize,
    /// How many function calls, `eval`s, sourced files, child shells and command
    /// substitutions enclose the running command.
    pub(crate) depth: usize,
    /// A copy running as a subshell (`( … )`, `$( … )`, a pipeline stage, a job), not a
    /// child shell: `set -u` ends it with 1 instead of 127.
    pub(crate) subshell: bool,
    /// How many loops enclose the running command in this shell, this function: what `break`
    /// and `continue` can leave (a subshell or a function call starts at none).
    pub(crate) loops: usize,
    /// How many function calls and sourced files enclose the running command: where `return`
    /// means something.
    pub(crate) returnable: usize,
    /// `trap ACTION CONDITION…`.
    pub(crate) traps: super::traps::Traps,
    /// Where `getopts` stopped inside a bundled argument.
    pub(crate) getopts: super::getopts::GetoptsPlace,
    /// `pushd`'s stack below the working directory, top first.
    pub(crate) dir_stack: Vec<String>,
    /// The running command's line (`$LINENO`), and what `eval` text's lines count on from.
    pub(crate) lineno: usize,
    pub(crate) line_base: usize,
    /// The functions and sourced files running, outermost first.
    pub(crate) frames: Vec<super::calls::Frame>,
    /// Saved values to restore when each active function returns (for `local`).
    pub(crate) locals: Vec<Vec<(String, Option<Variable>)>>,
    /// The background jobs this shell started.
    pub(crate) jobs: Arc<Jobs>,
    /// The descriptors `exec >file`, `exec 3<file`, `exec 3>&-` gave this shell for the rest
    /// of the line, and how many times they changed (lists pick them up after a change).
    pub(crate) exec_io: Option<super::redirect::Fds>,
    pub(crate) exec_changes: u64,
    /// The assignments of the running declaration builtin's arguments (`local a=(1 2)`,
    /// `declare s+=x`), evaluated as assignments are: the argument's text, the name, the
    /// value and whether it appends.
    pub(crate) declarations: Vec<Declaration>,
    /// The memory budget every value of this shell, its subshells and jobs is charged to.
    pub(crate) budget: Arc<Budget>,
    /// This state's own tables (the maps' entries, positional parameters, functions and
    /// aliases), charged apart from the shared values.
    tables: Charge,
    /// What the variables' names and entries cost, kept as they come and go (so that a new
    /// variable costs no walk over the others).
    names_bytes: usize,
}

/// An argument of a declaration builtin that is an assignment, evaluated as one.
#[derive(Debug, Clone)]
pub(crate) struct Declaration {
    /// The argument as the builtin receives it (`NAME=VALUE`).
    pub(crate) text: String,
    pub(crate) name: String,
    pub(crate) value: super::assign::Assigned,
    pub(crate) append: bool,
}

/// `NAME[SUBSCRIPT]` split into the name and the subscript text (`unset 'a[1]'`, `-v a[i]`).
pub(crate) fn element_name(text: &str) -> Option<(&str, &str)> {
    text.strip_suffix(']')?.split_once('[')
}

/// A name a variable can have: a letter or `_`, then letters, digits and `_`.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An element's new text: `text`, after what it held when appending.
fn element_text(old: Option<&str>, text: String, append: bool) -> String {
    match (append, old) {
        (true, Some(old)) => format!("{old}{text}"),
        _ => text,
    }
}

/// What one variable's entry costs in a state's table.
fn name_cost(name: &str) -> usize {
    name.len() + ENTRY_OVERHEAD
}

/// What a function's parsed body is counted as (its text was charged as the line or value it
/// came from; the tree brush-parser makes of it is a few hundred bytes a command).
const FUNCTION_COST: usize = 512;

/// How many name references a name is followed through before the chain is taken as a loop
/// (bash's limit).
const NAMEREF_HOPS: usize = 8;

impl Clone for ShellState {
    /// A subshell's or job's copy: the tables are copied (and charged, even past the budget:
    /// the interpreter ends the line at its next checkpoint), the values are shared.
    fn clone(&self) -> ShellState {
        let tables = self.budget.force(self.tables_cost());
        ShellState {
            vars: self.vars.clone(),
            functions: self.functions.clone(),
            aliases: self.aliases.clone(),
            expanding_aliases: self.expanding_aliases.clone(),
            new_aliases: self.new_aliases.clone(),
            name: self.name.clone(),
            positional: self.positional.clone(),
            options: self.options,
            cwd: self.cwd.clone(),
            last_status: self.last_status,
            last_status_before: self.last_status_before,
            conditions: self.conditions,
            depth: self.depth,
            subshell: true,
            loops: 0,
            returnable: self.returnable,
            traps: self
                .traps
                .for_subshell(self.options.errtrace, self.options.functrace),
            getopts: self.getopts.clone(),
            dir_stack: self.dir_stack.clone(),
            lineno: self.lineno,
            line_base: self.line_base,
            frames: self.frames.clone(),
            locals: self.locals.clone(),
            jobs: Arc::default(),
            exec_io: self.exec_io.clone(),
            exec_changes: self.exec_changes,
            declarations: Vec::new(),
            budget: self.budget.clone(),
            tables,
            names_bytes: self.names_bytes,
        }
    }
}

impl ShellState {
    /// A fresh shell: the environment exported, in `cwd`, its values charged to `budget`.
    pub(crate) fn new(env: &[(String, String)], cwd: &str, budget: Arc<Budget>) -> ShellState {
        let tables = budget.force(0);
        let mut state = ShellState {
            vars: HashMap::new(),
            functions: HashMap::new(),
            aliases: HashMap::new(),
            expanding_aliases: Vec::new(),
            new_aliases: Vec::new(),
            name: "sh".to_string(),
            positional: Vec::new(),
            options: Options::default(),
            cwd: String::new(),
            last_status: 0,
            last_status_before: 0,
            conditions: 0,
            depth: 0,
            subshell: false,
            loops: 0,
            returnable: 0,
            traps: Default::default(),
            getopts: Default::default(),
            dir_stack: Vec::new(),
            lineno: 0,
            line_base: 0,
            frames: Vec::new(),
            locals: Vec::new(),
            jobs: Arc::default(),
            exec_io: None,
            exec_changes: 0,
            declarations: Vec::new(),
            budget,
            tables,
            names_bytes: 0,
        };
        for (name, value) in env {
            state.set_scalar(name, value.clone());
            state.export(name);
        }
        for (name, value) in [("IFS", " \t\n"), ("PS4", "+ "), ("OPTIND", "1")] {
            if state.get(name).is_none() {
                state.set_scalar(name, value);
            }
        }
        state.set_cwd(cwd);
        state
    }

    /// What this state's own tables hold, apart from the shared values.
    fn tables_cost(&self) -> usize {
        let names = self.names_bytes;
        let functions: usize = self.functions.keys().map(|k| k.len() + FUNCTION_COST).sum();
        let aliases: usize = self
            .aliases
            .iter()
            .map(|(k, v)| k.len() + v.len() + ENTRY_OVERHEAD)
            .sum::<usize>()
            + self
                .new_aliases
                .iter()
                .map(|(k, _)| k.len() + ENTRY_OVERHEAD)
                .sum::<usize>();
        let positional: usize = self.positional.iter().map(|p| budget::string_cost(p)).sum();
        let dir_stack: usize = self.dir_stack.iter().map(|d| budget::string_cost(d)).sum();
        let frames = super::calls::frames_cost(&self.frames);
        names + functions + aliases + positional + dir_stack + frames + self.traps.cost()
    }

    /// Charges the tables again after they changed (a function or alias defined, positional
    /// parameters set); past the budget the budget is marked and the line ends at its next
    /// checkpoint.
    pub(crate) fn recharge_tables(&mut self) {
        let cost = self.tables_cost();
        if self.tables.resize(cost).is_err() {
            self.tables = self.budget.force(cost);
        }
    }

    /// The variable `name` stands for: itself, or the end of its chain of name references
    /// (`declare -n ref=var`); a reference without a value stands for itself.
    pub(crate) fn target<'a>(&'a self, name: &'a str) -> &'a str {
        let mut current = name;
        for _ in 0..NAMEREF_HOPS {
            match self.vars.get(current) {
                Some(v) if v.attributes.nameref && !v.attributes.unset => match &*v.value {
                    Value::Scalar(next) if !next.is_empty() => current = next,
                    _ => return current,
                },
                _ => return current,
            }
        }
        // Still a reference after as many hops: a loop (`declare -n a=b b=a`), which names
        // nothing (bash warns "circular name reference" and reads it as empty).
        match self.vars.get(current) {
            Some(v) if v.attributes.nameref && !v.attributes.unset => "",
            _ => current,
        }
    }

    /// [`Self::target`] as an owned name when it differs from `name` (what the methods that
    /// change a variable act on).
    fn followed(&self, name: &str) -> Option<String> {
        let target = self.target(name);
        (target != name).then(|| target.to_string())
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .get(self.target(name))
            .filter(|v| !v.attributes.unset)
            .map(|v| &*v.value)
    }

    /// A variable's attributes (of a declared one too).
    pub(crate) fn attributes(&self, name: &str) -> Attributes {
        self.vars
            .get(self.target(name))
            .map(|v| v.attributes)
            .unwrap_or_default()
    }

    /// Changes a variable's attributes; a name not set yet is declared (unset, holding `empty`).
    pub(crate) fn change_attributes(
        &mut self,
        name: &str,
        empty: Value,
        change: impl FnOnce(&mut Attributes),
    ) {
        let owned = self.followed(name);
        self.change_own_attributes(owned.as_deref().unwrap_or(name), empty, change);
    }

    /// [`Self::change_attributes`] of the name itself, a reference too (`declare -n`, `+n`).
    pub(crate) fn change_own_attributes(
        &mut self,
        name: &str,
        empty: Value,
        change: impl FnOnce(&mut Attributes),
    ) {
        if !self.vars.contains_key(name) {
            self.store(name, empty);
            if let Some(variable) = self.vars.get_mut(name) {
                variable.attributes.unset = true;
            }
        }
        if let Some(variable) = self.vars.get_mut(name) {
            change(&mut variable.attributes);
        }
    }

    /// Whether `name` is an associative array (declared or set).
    pub(crate) fn is_assoc(&self, name: &str) -> bool {
        self.declared(name).is_some_and(|v| v.value.is_assoc())
    }

    /// The value a variable holds even when only declared (an empty array of `declare -A m`).
    pub(crate) fn declared(&self, name: &str) -> Option<&Variable> {
        self.vars.get(self.target(name))
    }

    /// The variable of the name itself, a reference too (what `declare -p ref` shows).
    pub(crate) fn own_variable(&self, name: &str) -> Option<&Variable> {
        self.vars.get(name)
    }

    /// Stores a value; one that does not fit the memory budget is not stored, and the budget
    /// is marked (the line ends with `shell_memory`).
    pub(crate) fn set(&mut self, name: &str, value: Value) {
        let owned = self.followed(name);
        self.store(owned.as_deref().unwrap_or(name), value);
    }

    /// [`Self::set`] of the name itself, a reference too (`declare -n ref=var`, `for ref in`).
    pub(crate) fn store(&mut self, name: &str, value: Value) {
        // A loop of references names nothing to store into.
        if name.is_empty() {
            return;
        }
        let cost = value.cost();
        let Ok(charge) = self.budget.charge(cost) else {
            return;
        };
        let stored = Stored(Arc::new((value, charge)));
        let exported = self.options.allexport;
        match self.vars.get_mut(name) {
            Some(variable) => {
                variable.value = stored;
                variable.exported |= exported;
                variable.attributes.unset = false;
            }
            None => {
                if self.tables.grow(name_cost(name)).is_err() {
                    return;
                }
                self.names_bytes += name_cost(name);
                self.vars.insert(
                    name.to_string(),
                    Variable {
                        value: stored,
                        exported,
                        attributes: Attributes::default(),
                    },
                );
            }
        }
    }

    /// The evaluated assignment behind a declaration builtin's argument, if it is one.
    pub(crate) fn take_declaration(&mut self, arg: &str) -> Option<Declaration> {
        let at = self.declarations.iter().position(|d| d.text == arg)?;
        Some(self.declarations.remove(at))
    }

    pub(crate) fn set_scalar(&mut self, name: &str, value: impl Into<String>) {
        self.set(name, Value::Scalar(value.into()));
    }

    /// `name[key]=text` (appending to the element with `append`): changed in place when no
    /// other shell shares the array; a scalar becomes element 0 of an indexed array.
    pub(crate) fn set_element(&mut self, name: &str, key: Key, text: String, append: bool) {
        let owned = self.followed(name);
        let name = owned.as_deref().unwrap_or(name);
        if let Some(variable) = self.vars.get_mut(name)
            && !matches!(*variable.value, Value::Scalar(_))
            && let Some((value, charge)) = Arc::get_mut(&mut variable.value.0)
        {
            variable.attributes.unset = false;
            let old = value.at(&key);
            let old_cost = old.map_or(0, budget::string_cost);
            let kept = if append { old.map_or(0, str::len) } else { 0 };
            // A new key of an associative array costs its text and its entry.
            let key_cost = match (&key, value.is_assoc(), old) {
                (Key::Name(k), true, None) => budget::string_cost(k) + ENTRY_OVERHEAD,
                (Key::Index(i), true, None) => 24 + ENTRY_OVERHEAD + i.to_string().len(),
                _ => 0,
            };
            let new_cost = budget::string_cost(&text)
                .saturating_add(kept)
                .saturating_add(key_cost);
            if charge.resize(charge.bytes() - old_cost + new_cost).is_err() {
                return;
            }
            let text = element_text(value.at(&key), text, append);
            value.put(key, text);
            return;
        }
        let shared = self.get(name).map_or(0, Value::cost);
        if self.budget.room(shared.saturating_add(text.len())).is_err() {
            return;
        }
        let mut value = match self.get(name) {
            Some(Value::Assoc(map)) => Value::Assoc(map.clone()),
            Some(value) => Value::Array(value.to_array()),
            None if self.is_assoc(name) => Value::Assoc(Assoc::default()),
            None => Value::Array(Array::default()),
        };
        let text = element_text(value.at(&key), text, append);
        value.put(key, text);
        self.store(name, value);
    }

    /// `unset 'a[key]'`: removes one element (a scalar is element 0).
    pub(crate) fn unset_element(&mut self, name: &str, key: &Key) {
        let owned = self.followed(name);
        let name = owned.as_deref().unwrap_or(name);
        let Some(value) = self.get(name) else {
            return;
        };
        let mut value = match value {
            Value::Assoc(map) => Value::Assoc(map.clone()),
            value => Value::Array(value.to_array()),
        };
        if value.remove(key).is_some() {
            self.store(name, value);
        }
    }

    pub(crate) fn export(&mut self, name: &str) {
        let owned = self.followed(name);
        let name = owned.as_deref().unwrap_or(name);
        if !self.vars.contains_key(name) {
            self.set_scalar(name, String::new());
        }
        if let Some(variable) = self.vars.get_mut(name) {
            variable.exported = true;
        }
    }

    /// Keeps only the variables `keep` says (a child shell's environment).
    pub(crate) fn retain_vars(&mut self, keep: impl Fn(&Variable) -> bool) {
        self.vars.retain(|_, v| keep(v));
        self.names_bytes = self.vars.keys().map(|k| name_cost(k)).sum();
        self.recharge_tables();
    }

    pub(crate) fn unset(&mut self, name: &str) {
        let owned = self.followed(name);
        self.unset_own(owned.as_deref().unwrap_or(name));
    }

    /// [`Self::unset`] of the name itself, a reference too (`unset -n ref`, a local going).
    pub(crate) fn unset_own(&mut self, name: &str) {
        if self.vars.remove(name).is_some() {
            self.names_bytes -= name_cost(name);
            let _ = self
                .tables
                .resize(self.tables.bytes().saturating_sub(name_cost(name)));
        }
    }

    /// Makes `name` local to the innermost running function.
    pub(crate) fn make_local(&mut self, name: &str) {
        let saved = self.vars.get(name).cloned();
        if let Some(frame) = self.locals.last_mut()
            && !frame.iter().any(|(n, _)| n == name)
        {
            frame.push((name.to_string(), saved));
        }
    }

    /// The environment a command sees: exported variables, `PWD` the working directory.
    pub(crate) fn environment(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .vars
            .iter()
            // Arrays are not exported (bash has no way to).
            .filter(|(name, v)| {
                v.exported
                    && !v.attributes.unset
                    && matches!(*v.value, Value::Scalar(_))
                    && name.as_str() != "PWD"
            })
            .map(|(name, v)| (name.clone(), v.value.scalar().to_string()))
            .collect();
        env.push(("PWD".to_string(), self.cwd.clone()));
        env.sort();
        env
    }

    pub(crate) fn set_cwd(&mut self, cwd: &str) {
        let old = std::mem::replace(&mut self.cwd, cwd.to_string());
        if !old.is_empty() {
            self.set_scalar("OLDPWD", old);
            self.export("OLDPWD");
        }
        self.set_scalar("PWD", cwd);
        self.export("PWD");
    }

    /// `PIPESTATUS`: an ordinary array variable holding the last pipeline's statuses.
    pub(crate) fn set_pipestatus(&mut self, statuses: &[i32]) {
        let items = statuses.iter().map(i32::to_string).collect();
        self.set("PIPESTATUS", Value::Array(Array::from_values(items)));
    }

    /// `unset NAME` where NAME is local to a function that called the running one (bash's
    /// dynamic scope): that local goes, and the value it hid is seen again. `false` when the
    /// innermost local of NAME is the running function's own, or there is none.
    pub(crate) fn unset_callers_local(&mut self, name: &str) -> bool {
        let Some(innermost) = self
            .locals
            .iter()
            .rposition(|frame| frame.iter().any(|(n, _)| n == name))
        else {
            return false;
        };
        if innermost + 1 == self.locals.len() {
            return false;
        }
        let frame = &mut self.locals[innermost];
        let Some(at) = frame.iter().position(|(n, _)| n == name) else {
            return false;
        };
        let (name, saved) = frame.remove(at);
        self.restore(name, saved);
        true
    }

    /// Puts back a variable saved before a prefix assignment or a `local` (`None`: it was unset).
    pub(crate) fn restore(&mut self, name: String, saved: Option<Variable>) {
        match saved {
            Some(variable) => {
                let cost = name_cost(&name);
                if self.vars.insert(name, variable).is_none() {
                    // Put back even past the budget: the line ends at its next checkpoint.
                    self.names_bytes += cost;
                    if self.tables.grow(cost).is_err() {
                        self.recharge_tables();
                    }
                }
            }
            None => self.unset_own(&name),
        }
    }

    pub(crate) fn ifs(&self) -> String {
        self.get("IFS")
            .map_or(" \t\n".to_string(), |v| v.scalar().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_sparse_and_values_are_charged_and_shared() {
        let budget = Budget::new(1 << 20);
        let mut state = ShellState::new(&[], "/", budget.clone());
        let before = budget.used();
        state.set_element(
            "a",
            Key::Index(9_000_000_000_000_000_000),
            "x".into(),
            false,
        );
        let Some(Value::Array(items)) = state.get("a") else {
            panic!("not an array")
        };
        assert_eq!((items.len(), items.end()), (1, 9_000_000_000_000_000_001));
        assert!(budget.used() - before < 1024);
        state.set_scalar("big", "x".repeat(100_000));
        let with_big = budget.used();
        let copy = state.clone();
        assert!(budget.used() - with_big < 4096, "a copy shares the values");
        drop(copy);
        state.set_scalar("too_big", "x".repeat(2 << 20));
        assert!(budget.exceeded() && state.get("too_big").is_none());
        drop(state);
        assert_eq!(budget.used(), 0);
    }
}
