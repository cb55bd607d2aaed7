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
    "[" => tools::test::main, "evaluate a conditional expression";
    "arch" => tools::identity::arch, "print the machine architecture";
    "awk" => tools::awk::main, "pattern scanning and text processing language (POSIX awk)";
    "b2sum" => tools::checksum::sum, "print or check BLAKE2b digests";
    "base32" => tools::checksum::encode, "encode or decode base32";
    "base64" => tools::checksum::encode, "encode or decode base64";
    "basename" => tools::basename::main, "strip directories and suffixes from names";
    "cat" => tools::cat::main, "concatenate files to standard output";
    "chgrp" => tools::chown::main, "change the group of files (the sandbox user's own)";
    "chmod" => tools::chmod::main, "change file permission bits (in read-write zones)";
    "chown" => tools::chown::main, "change the owner of files (the sandbox user's own)";
    "cksum" => tools::checksum::cksum, "print CRC checksums and byte counts";
    "cmp" => tools::cmp::main, "compare two files byte by byte";
    "column" => tools::column::main, "format input into a table or columns";
    "comm" => tools::comm::main, "compare two sorted files line by line";
    "cp" => tools::cp::main, "copy files and directories";
    "cut" => tools::cut::main, "select bytes, characters or fields of lines";
    "date" => tools::date::main, "print or format the date and time (UTC)";
    "df" => tools::df::main, "report the space of the zones' file systems";
    "diff" => tools::diff::main, "compare files line by line";
    "dirname" => tools::dirname::main, "strip the last component from names";
    "dos2unix" => tools::lineends::main, "convert CRLF line ends to LF";
    "du" => tools::du::main, "estimate file space usage";
    "echo" => tools::echo::main, "print arguments";
    "egrep" => tools::grep::main, "print lines matching extended regular expressions";
    "env" => tools::env::main, "print the environment";
    "expand" => tools::expand::expand, "convert tabs to spaces";
    "expr" => tools::expr::main, "evaluate expressions";
    "factor" => tools::numbers::factor, "print prime factors";
    "false" => tools::truth::main_false, "exit with status 1";
    "fgrep" => tools::grep::main, "print lines containing fixed strings";
    "file" => tools::file::main, "determine file type from content";
    "find" => tools::find::main, "search for files in a directory tree";
    "fold" => tools::fold::main, "wrap lines to a width";
    "fmt" => tools::fmt::main, "fill paragraphs to a width";
    "grep" => tools::grep::main, "print lines matching patterns";
    "groups" => tools::identity::groups, "print the sandbox user's groups";
    "gunzip" => tools::gzip::main, "expand gzip files";
    "gzip" => tools::gzip::main, "compress files";
    "hd" => tools::dump::hexdump, "hexdump -C";
    "head" => tools::head::main, "print the first lines or bytes of files";
    "hexdump" => tools::dump::hexdump, "display file contents in hexadecimal";
    "hostname" => tools::identity::hostname, "print the sandbox's host name";
    "id" => tools::identity::id, "print the sandbox's user and group ids";
    "join" => tools::join::main, "join lines of two files on a common field";
    "jq" => tools::jq::main, "filter and transform JSON (the jq language, by jaq)";
    "link" => tools::links::link, "make a hard link";
    "ln" => tools::ln::main, "make links";
    "logname" => tools::identity::logname, "print the sandbox user's login name";
    "ls" => tools::ls::main, "list directory contents";
    "md5sum" => tools::checksum::sum, "compute or check MD5 digests";
    "mkdir" => tools::mkdir::main, "make directories";
    "mktemp" => tools::mktemp::main, "create a unique temporary file or directory";
    "mv" => tools::mv::main, "move or rename files";
    "nl" => tools::nl::main, "number lines";
    "nproc" => tools::identity::nproc, "print the number of processors a program can use";
    "numfmt" => tools::numbers::numfmt, "convert numbers to and from human-readable sizes";
    "od" => tools::dump::od, "dump files in octal and other formats";
    "paste" => tools::paste::main, "join corresponding lines of files";
    "patch" => tools::patch::main, "apply a unified diff";
    "pathchk" => tools::paths::pathchk, "check whether file names are valid or portable";
    "printenv" => tools::identity::printenv, "print environment variables";
    "printf" => tools::printf::main, "format and print data";
    "pwd" => tools::pwd::main, "print the working directory";
    "readlink" => tools::paths::readlink, "print the target of a symbolic link, or a canonical path";
    "realpath" => tools::paths::realpath, "print canonical absolute paths";
    "rev" => tools::rev::main, "reverse the characters of each line";
    "rm" => tools::rm::main, "remove files and directories";
    "rmdir" => tools::rmdir::main, "remove empty directories";
    "sed" => tools::sed::main, "stream editor";
    "seq" => tools::seq::main, "print a sequence of numbers";
    "sha1sum" => tools::checksum::sum, "compute or check SHA-1 digests";
    "sha224sum" => tools::checksum::sum, "compute or check SHA-224 digests";
    "sha256sum" => tools::checksum::sum, "compute or check SHA-256 digests";
    "sha384sum" => tools::checksum::sum, "compute or check SHA-384 digests";
    "sha512sum" => tools::checksum::sum, "compute or check SHA-512 digests";
    "shuf" => tools::numbers::shuf, "random permutations of lines";
    "sleep" => tools::sleep::main, "wait for a time";
    "sort" => tools::sort::main, "sort lines";
    "split" => tools::split::main, "split a file into pieces";
    "stat" => tools::stat::main, "display file status";
    "strings" => tools::strings::strings, "print printable character runs in files";
    "sum" => tools::checksum::bsd_sum, "print BSD or System V checksums and block counts";
    "tac" => tools::tac::main, "print lines in reverse order";
    "tail" => tools::tail::main, "print the last lines or bytes of files";
    "tar" => tools::tar::main, "create, extract and list tar archives";
    "tee" => tools::tee::main, "copy standard input to files and standard output";
    "test" => tools::test::main, "evaluate a conditional expression";
    "touch" => tools::touch::main, "change file times, creating files";
    "tr" => tools::tr::main, "translate, squeeze or delete bytes";
    "tree" => tools::tree::main, "list a directory tree";
    "true" => tools::truth::main_true, "exit with status 0";
    "truncate" => tools::truncate::main, "shrink or extend files to a size";
    "tsort" => tools::strings::tsort, "topological sort";
    "tty" => tools::identity::tty, "print the terminal name (there is none)";
    "uname" => tools::identity::uname, "print system information (WASI)";
    "unexpand" => tools::expand::unexpand, "convert spaces to tabs";
    "uniq" => tools::uniq::main, "collapse adjacent equal lines";
    "unix2dos" => tools::lineends::main, "convert LF line ends to CRLF";
    "unlink" => tools::links::unlink, "remove one file";
    "wc" => tools::wc::main, "count lines, words, characters and bytes";
    "which" => tools::identity::which, "locate a command of the toolset";
    "whoami" => tools::identity::whoami, "print the sandbox's user name";
    "xxd" => tools::dump::xxd, "hex dump and reverse";
    "yes" => tools::yes::main, "print a line repeatedly";
    "zcat" => tools::gzip::main, "print gzip files expanded";
}

pub fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|tool| tool.name == name)
}
