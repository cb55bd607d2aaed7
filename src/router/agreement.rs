//! The router and the interpreter read every wrapper alike: for each command of the shell's
//! table that starts other commands, lines (with odd option spellings) go through the router's
//! reading and through the interpreter, whose toolset commands a recording runner keeps; both
//! must name the same commands with the same arguments. A routing hole is a difference here.

use super::words::{BRACE_BYTES, Field, all_fields};
use super::wrappers::{Inner, inner};
use crate::line::{LineBudget, ToolCall, ToolOutcome, ToolRunner, tool_runner};
use crate::policy::Policy;
use crate::shell::commands::{COMMANDS, Runs, Starts, is_builtin, is_tool};
use crate::shell::interp::{Budget, Fds, Interp, ShellState};
use crate::stdio::{CapturedOutput, Input, Output};
use crate::zones::{ZoneFs, ZoneMounts};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the recording runner's `find` lists.
const MATCHES: [&str; 2] = ["./a.txt", "./b.txt"];

/// Keeps each toolset command it is given; `find … -print0` lists [`MATCHES`].
#[derive(Default)]
struct RecordingRunner {
    calls: Mutex<Vec<Vec<String>>>,
}

impl ToolRunner for RecordingRunner {
    fn run<'a>(&'a self, call: ToolCall<'a>) -> tool_runner::Running<'a> {
        Box::pin(async move {
            if call.argv[0] == "find" && call.argv.last().is_some_and(|a| a == "-print0") {
                let listing: String = MATCHES.iter().map(|m| format!("{m}\0")).collect();
                let _ = call.stdout.write_all(listing.as_bytes()).await;
            } else {
                self.calls.lock().unwrap().push(call.argv.to_vec());
            }
            Ok(ToolOutcome {
                exit_code: 0,
                stopped: None,
                fuel_used: 0,
            })
        })
    }
}

/// The toolset commands the interpreter ran for `words` (quoted, so both sides see them as
/// given), with `stdin`.
fn interpreted(policy: &Policy, words: &[&str], stdin: &str) -> Vec<Vec<String>> {
    let line: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    let program = crate::shell::parse(&line.join(" ")).unwrap();
    let mounts = ZoneMounts::without_scratch(&[]).unwrap();
    let runner = RecordingRunner::default();
    let budget = LineBudget::new(&policy.limits, Instant::now() + Duration::from_secs(10));
    let shell_memory = Budget::new(64 << 20);
    let interp = Interp::new(
        &runner,
        policy,
        ZoneFs::new(&mounts),
        &budget,
        shell_memory.clone(),
    );
    let mut state = ShellState::new(&[], "/workspace", shell_memory);
    let stderr = CapturedOutput::new("stderr", 1 << 20);
    let io = Fds::new(
        Input::bytes(stdin.as_bytes().to_vec()),
        Output::null(),
        Output::capture(stderr.clone()),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let _ = interp.run_program(&mut state, &io, &program).await;
        interp.fire_exit(&mut state, &io).await;
    });
    let (errors, _) = stderr.finish(1 << 20);
    // Only xargs -t and find -ok (which show each command on stderr) may write there.
    assert!(
        errors.is_empty() || words.contains(&"-t") || words.contains(&"-ok"),
        "{words:?}: {}",
        String::from_utf8_lossy(&errors)
    );
    runner.calls.into_inner().unwrap()
}

/// A toolset command as the router expects it: its words, `None` where the text is known
/// only at run time, and whether more arguments are appended then.
#[derive(Debug)]
struct Expected {
    words: Vec<Option<String>>,
    appended: bool,
}

/// The toolset commands the router finds behind `words`, following wrappers and shell text.
fn routed(words: &[&str]) -> Vec<Expected> {
    let budget = Budget::new(BRACE_BYTES);
    let fields = all_fields(words.iter().copied(), &budget);
    let mut found = Vec::new();
    follow(&fields, false, &mut found);
    found
}

fn follow(fields: &[Field], appended: bool, found: &mut Vec<Expected>) {
    let Some(name) = fields.first().and_then(|f| f.literal.clone()) else {
        panic!("a command name known only at run time: {fields:?}");
    };
    let started = inner(&name, &fields[1..], appended);
    if started.is_empty() {
        // A toolset command, unless the shell answers the name itself (`pwd`); `env`, `find`
        // and `printf` are the toolset's when they start nothing.
        let builtin_only = is_builtin(&name) && !matches!(name.as_str(), "env" | "find" | "printf");
        if is_tool(&name) && !builtin_only {
            found.push(Expected {
                words: fields.iter().map(|f| f.literal.clone()).collect(),
                appended,
            });
        }
        return;
    }
    let appends = appended || appends_arguments(&name, &fields[1..]);
    for started in started {
        match started {
            Inner::Command(command) => follow(&command, appends, found),
            Inner::ShellText(text) => {
                let words: Vec<&str> = text.split_whitespace().collect();
                let budget = Budget::new(BRACE_BYTES);
                follow(&all_fields(words, &budget), appended, found);
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// xargs without a replace string and `find -exec … {} +` append arguments to their command.
fn appends_arguments(name: &str, args: &[Field]) -> bool {
    let has = |text: &str| args.iter().any(|a| a.is(text));
    match name {
        "xargs" => {
            !(args.iter().any(|a| {
                a.literal.as_deref().is_some_and(|t| {
                    t.starts_with("-I") || t.starts_with("-i") || t.starts_with("--replace")
                })
            }))
        }
        "find" => has("+"),
        _ => false,
    }
}

fn agrees(expected: &Expected, ran: &[String]) -> bool {
    let same_length = if expected.appended {
        ran.len() >= expected.words.len()
    } else {
        ran.len() == expected.words.len()
    };
    same_length
        && expected
            .words
            .iter()
            .zip(ran)
            .all(|(want, got)| want.as_ref().is_none_or(|want| want == got))
}

/// Lines for every wrapper the shell runs, and the input they read.
const CASES: &[(&[&str], &str)] = &[
    (&["env", "-i", "A=1", "-u", "B", "grep", "-n", "x", "f"], ""),
    (&["env", "-", "A=1", "grep", "x"], ""),
    (&["env", "--", "grep", "x"], ""),
    (&["timeout", "-s", "KILL", "5", "grep", "x", "f"], ""),
    (&["timeout", "--signal=KILL", "5s", "grep", "x"], ""),
    (&["timeout", "-k", "1", "5", "wc", "-l"], ""),
    (&["nice", "-n", "5", "grep", "x"], ""),
    (&["nice", "-10", "--", "grep", "x"], ""),
    (&["nohup", "grep", "x"], ""),
    (&["command", "-p", "grep", "x"], ""),
    (&["command", "grep", "-v", "x"], ""),
    (&["command", "-v", "grep"], ""),
    (&["builtin", "pwd"], ""),
    (&["exec", "grep", "x"], ""),
    (&["exec", "-a", "name", "grep", "x"], ""),
    (&["sh", "-c", "grep x f"], ""),
    (&["bash", "-ec", "grep x f"], ""),
    (&["sh", "-o", "pipefail", "-c", "wc -l", "name", "arg"], ""),
    (&["bash", "--norc", "-c", "grep x"], ""),
    (&["eval", "grep", "x", "f"], ""),
    (&["trap", "grep x f", "EXIT"], ""),
    (&["trap", "--", "grep x f", "EXIT"], ""),
    (
        &["xargs", "-I{}", "grep", "-n", "{}", "f"],
        "a.txt\nb.txt\n",
    ),
    (&["xargs", "-I", "{}", "grep", "{}"], "a.txt\n"),
    (&["xargs", "-i", "grep", "x{}y"], "a.txt\n"),
    (&["xargs", "--replace", "grep", "{}"], "a.txt\n"),
    (&["xargs", "--replace=R", "grep", "R"], "a.txt\n"),
    (&["xargs", "-iR", "grep", "R"], "a.txt\n"),
    (&["xargs", "-0", "-n1", "grep", "x"], "a.txt\0b.txt\0"),
    (&["xargs", "-0rn", "1", "--", "wc", "-l"], "a.txt\0"),
    (&["xargs", "--max-args", "2", "-t", "grep", "x"], "a b c\n"),
    (&["xargs", "grep", "x"], "a.txt b.txt\n"),
    (&["xargs"], "a b\n"),
    (&["xargs", "-d", "\\n", "-L", "1", "wc"], "a b\nc\n"),
    (
        &[
            "find", ".", "-name", "*.txt", "-exec", "grep", "-l", "TODO", "{}", "+",
        ],
        "",
    ),
    (&["find", ".", "-exec", "grep", "x", "{}", ";"], ""),
    (
        &["find", ".", "-type", "f", "-execdir", "wc", "-l", "{}", ";"],
        "",
    ),
    (&["find", ".", "-ok", "wc", "{}", ";"], "y\ny\n"),
    (&["find", ".", "-name", "x"], ""),
    (&["env", "timeout", "5", "grep", "x"], ""),
    (
        &["timeout", "5", "xargs", "-I{}", "grep", "{}", "f"],
        "a.txt\n",
    ),
    (&["xargs", "sh", "-c", "grep x"], "a\n"),
    (&["nice", "env", "A=1", "sh", "-c", "wc -l"], ""),
];

/// Wrappers the interpreter runs that these lines do not cover, and why.
const NOT_RUN_HERE: &[(&str, &str)] = &[
    (
        "source",
        "reads a script from a zone: routed as a script file (tests/routing)",
    ),
    (
        ".",
        "reads a script from a zone: routed as a script file (tests/routing)",
    ),
];

#[test]
fn every_wrapper_starts_what_the_router_routes() {
    let policy = Policy::default_policy().unwrap();
    for &(words, stdin) in CASES {
        let expected = routed(words);
        let ran = interpreted(&policy, words, stdin);
        let shown = format!("{words:?}: the router expects {expected:?}, the shell ran {ran:?}");
        // xargs and find run their command once for each batch or match.
        assert!(!ran.is_empty() || expected.is_empty(), "{shown}");
        for call in &ran {
            assert!(
                expected.iter().any(|e| agrees(e, call)),
                "{shown}: {call:?} was not routed"
            );
        }
        for want in &expected {
            assert!(
                ran.iter().any(|call| agrees(want, call)),
                "{shown}: {want:?} did not run"
            );
        }
    }
}

#[test]
fn every_wrapper_of_the_table_is_covered() {
    for command in COMMANDS {
        if matches!(command.starts, Starts::Nothing) {
            continue;
        }
        let covered = match command.runs {
            Runs::Shell(_) => {
                CASES.iter().any(|(words, _)| words[0] == command.name)
                    || NOT_RUN_HERE.iter().any(|(name, _)| *name == command.name)
            }
            // The shell cannot run a native wrapper; the router must still find its command.
            Runs::Native => {
                let budget = Budget::new(BRACE_BYTES);
                let args = match command.starts {
                    Starts::Shell => vec!["-c", "grep x"],
                    _ if matches!(command.name, "taskset" | "chrt" | "flock") => {
                        vec!["1", "grep", "x"]
                    }
                    _ if matches!(command.name, "watch") => vec!["grep", "x"],
                    _ => vec!["grep", "x"],
                };
                let found = inner(command.name, &all_fields(args, &budget), false);
                matches!(&found[..], [Inner::Command(c)] if c[0].is("grep"))
                    || matches!(&found[..], [Inner::ShellText(t)] if t == "grep x")
            }
        };
        assert!(covered, "{}: no case shows what it starts", command.name);
    }
}
