//! The dispatch table: every tool of the toolset, by name. Adding a tool is one line here.

use crate::common::ToolMain;
use crate::tools;

/// One command of the toolset.
pub struct Tool {
    pub name: &'static str,
    pub main: ToolMain,
    pub summary: &'static str,
}

macro_rules! table {
    ($($name:literal => $main:path, $summary:literal;)*) => {
        pub const TOOLS: &[Tool] = &[$(Tool { name: $name, main: $main, summary: $summary }),*];
    };
}

table! {
    "basename" => tools::basename::main, "strip directories and suffixes from names";
    "cat" => tools::cat::main, "concatenate files to standard output";
    "comm" => tools::comm::main, "compare two sorted files line by line";
    "cp" => tools::cp::main, "copy files and directories";
    "cut" => tools::cut::main, "select bytes, characters or fields of lines";
    "dirname" => tools::dirname::main, "strip the last component from names";
    "echo" => tools::echo::main, "print arguments";
    "egrep" => tools::grep::main, "print lines matching extended regular expressions";
    "env" => tools::env::main, "print the environment";
    "false" => tools::truth::main_false, "exit with status 1";
    "fgrep" => tools::grep::main, "print lines containing fixed strings";
    "find" => tools::find::main, "search for files in a directory tree";
    "fold" => tools::fold::main, "wrap lines to a width";
    "grep" => tools::grep::main, "print lines matching patterns";
    "head" => tools::head::main, "print the first lines or bytes of files";
    "ls" => tools::ls::main, "list directory contents";
    "mkdir" => tools::mkdir::main, "make directories";
    "mv" => tools::mv::main, "move or rename files";
    "nl" => tools::nl::main, "number lines";
    "paste" => tools::paste::main, "join corresponding lines of files";
    "printf" => tools::printf::main, "format and print data";
    "pwd" => tools::pwd::main, "print the working directory";
    "rev" => tools::rev::main, "reverse the characters of each line";
    "rm" => tools::rm::main, "remove files and directories";
    "rmdir" => tools::rmdir::main, "remove empty directories";
    "seq" => tools::seq::main, "print a sequence of numbers";
    "sleep" => tools::sleep::main, "wait for a time";
    "sort" => tools::sort::main, "sort lines";
    "tac" => tools::tac::main, "print lines in reverse order";
    "tail" => tools::tail::main, "print the last lines or bytes of files";
    "tee" => tools::tee::main, "copy standard input to files and standard output";
    "touch" => tools::touch::main, "change file times, creating files";
    "tr" => tools::tr::main, "translate, squeeze or delete bytes";
    "true" => tools::truth::main_true, "exit with status 0";
    "uniq" => tools::uniq::main, "collapse adjacent equal lines";
    "wc" => tools::wc::main, "count lines, words, characters and bytes";
    "yes" => tools::yes::main, "print a line repeatedly";
}

pub fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|tool| tool.name == name)
}
