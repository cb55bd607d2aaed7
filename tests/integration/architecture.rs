//! The layers of the README's "Architecture" section, checked against the tree's imports: a
//! module may use only the layers below its own. A new import that breaks a rule fails here,
//! naming the file and the line.

use std::path::{Path, PathBuf};

/// Each folder (or file) of `src/`, and the modules of the crate it must not use.
const RULES: &[(&str, &[&str])] = &[
    // The policy is read before anything runs: it knows nothing of what runs it.
    (
        "policy",
        &[
            "backend", "cli", "line", "output", "router", "sandbox", "session", "shell", "stdio",
            "zones",
        ],
    ),
    // Zones and stdio are shared ground: policy and errors only.
    (
        "zones",
        &[
            "backend", "cli", "line", "output", "router", "sandbox", "session", "shell",
        ],
    ),
    (
        "stdio",
        &[
            "backend", "cli", "line", "output", "policy", "router", "sandbox", "session", "shell",
            "zones",
        ],
    ),
    // The line's limits, exit statuses and tool runner: below the shell and the backends.
    (
        "line",
        &[
            "backend", "cli", "output", "router", "sandbox", "session", "shell", "zones",
        ],
    ),
    // The shell runs a line through a tool runner: it never sees a backend or the sandbox.
    (
        "shell",
        &["backend", "cli", "output", "router", "sandbox", "session"],
    ),
    // The router decides; it runs nothing.
    (
        "router",
        &["backend", "cli", "output", "sandbox", "session"],
    ),
    // Backends run what they are given; the shell is not theirs to know.
    ("backend", &["cli", "router", "sandbox", "session", "shell"]),
];

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The crate modules a line of code names (`crate::shell::…`, `use crate::{a, b}`).
fn named_modules(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut named = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inside = group.split('}').next().unwrap_or_default();
            for part in inside.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                named.push(name);
            }
        } else {
            named.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    named
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (layer, forbidden) in RULES {
        let mut files = Vec::new();
        let dir = src.join(layer);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        } else {
            files.push(src.join(format!("{layer}.rs")));
        }
        assert!(!files.is_empty(), "src/{layer} is gone: update RULES");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (number, line) in text.lines().enumerate() {
                for module in named_modules(line) {
                    if forbidden.contains(&module.as_str()) {
                        broken.push(format!(
                            "{}:{}: {layer} uses crate::{module}",
                            file.strip_prefix(&src).unwrap().display(),
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports across layers:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_rules_see_imports() {
    assert_eq!(
        named_modules("use crate::{shell, zones::ZoneFs}; // crate::backend"),
        ["shell", "zones"]
    );
    assert_eq!(
        named_modules("let x = crate::backend::wasm::x();"),
        ["backend"]
    );
}
