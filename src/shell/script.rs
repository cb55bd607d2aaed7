//! What an executable file in a zone is, by its first bytes: a shell script (a shebang naming
//! sh or bash, or plain text, which sh runs as a script), a script for another interpreter
//! (`#!/usr/bin/env python3`, `#!/usr/bin/awk -f`), or a native binary. The router and the
//! shell read it the same way, so a path routes as it will run.

/// How many bytes of a file decide its kind.
pub(crate) const HEAD_BYTES: u64 = 512;

/// Shells whose scripts zonebox's shell runs itself.
const OWN_SHELLS: &[&str] = &["sh", "bash"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScriptKind {
    /// A script for sh or bash (or text without a shebang).
    Shell,
    /// A script for another interpreter: its basename and its one optional argument.
    Interpreter { name: String, arg: Option<String> },
    /// A native executable (ELF, Mach-O) or other binary.
    Binary,
}

/// Classifies a file by its first bytes.
pub(crate) fn kind(head: &[u8]) -> ScriptKind {
    let Some(rest) = head.strip_prefix(b"#!") else {
        return if head.contains(&0) || head.starts_with(b"\x7fELF") {
            ScriptKind::Binary
        } else {
            ScriptKind::Shell
        };
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let Some(path) = words.next() else {
        return ScriptKind::Shell;
    };
    let mut name = basename(path).to_string();
    let mut arg = words.next().map(str::to_string);
    if name == "env" {
        // `#!/usr/bin/env [-S] [NAME=VALUE…] prog args`: the program is the first plain word.
        let mut rest = line.split_whitespace().skip(1);
        let program = rest.find(|w| !w.starts_with('-') && !w.contains('='));
        name = program.map(|p| basename(p).to_string()).unwrap_or_default();
        arg = rest.next().map(str::to_string);
    }
    if OWN_SHELLS.contains(&name.as_str()) {
        ScriptKind::Shell
    } else {
        ScriptKind::Interpreter { name, arg }
    }
}

/// The last component of a path (`/usr/bin/python3` → `python3`).
pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs_and_binaries() {
        assert_eq!(kind(b"#!/bin/sh\necho hi\n"), ScriptKind::Shell);
        assert_eq!(kind(b"#!/usr/bin/env bash\n"), ScriptKind::Shell);
        assert_eq!(kind(b"echo no shebang\n"), ScriptKind::Shell);
        assert_eq!(
            kind(b"#!/usr/bin/env -S python3 -u\n"),
            ScriptKind::Interpreter {
                name: "python3".into(),
                arg: Some("-u".into())
            }
        );
        assert_eq!(
            kind(b"#!/usr/bin/awk -f\n"),
            ScriptKind::Interpreter {
                name: "awk".into(),
                arg: Some("-f".into())
            }
        );
        assert_eq!(kind(b"\x7fELF\x02\x01\x01\0"), ScriptKind::Binary);
    }
}
