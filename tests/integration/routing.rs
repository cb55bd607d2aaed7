//! The router: the table in tests/routing/cases.txt under the bundled policies, hostile lines,
//! sessions, `zonebox route` and `zonebox run` applying a decision.

use crate::support::{Host, TestLimits, cache_dir, expect_status, text, zonebox};
use std::path::{Path, PathBuf};
use zonebox::{Policy, PolicyOverrides, Route, Sandbox};

fn routing_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing")
}

/// A bundled policy with the routing fixture as its `.`.
fn bundled(name: &str) -> Policy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policies/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    Policy::from_toml_with(
        &text,
        &path.display().to_string(),
        &PolicyOverrides::default(),
        &routing_dir().join("fixture"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

struct Case {
    number: usize,
    route: Route,
    policy: String,
    line: String,
    blamed: Option<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(routing_dir().join("cases.txt")).unwrap();
    let mut cases = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let (body, blamed) = match raw.split_once(" ## ") {
            Some((body, name)) => (body, Some(name.trim().to_string())),
            None if raw.trim_end().ends_with(" ##") => {
                (raw.trim_end().trim_end_matches("##"), Some(String::new()))
            }
            None => (raw, None),
        };
        let mut parts = body.splitn(2, char::is_whitespace);
        let route = match parts.next().unwrap() {
            "wasm" => Route::Wasm,
            "container" => Route::Container,
            "deny" => Route::Deny,
            other => panic!("cases.txt:{}: unknown route {other}", index + 1),
        };
        let rest = parts.next().unwrap().trim_start();
        let (policy, line) = rest.split_once(char::is_whitespace).unwrap();
        cases.push(Case {
            number: index + 1,
            route,
            policy: policy.to_string(),
            line: line.trim().replace('⏎', "\n"),
            blamed,
        });
    }
    cases
}

/// The bundled policy that denies native names instead of failing them at run time.
const STRICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/strict.toml");

#[test]
fn the_routing_table_holds_under_the_bundled_policies() {
    let policies: Vec<(String, Policy)> = ["default", "agent", "strict"]
        .iter()
        .map(|name| (name.to_string(), bundled(name)))
        .collect();
    let cases = cases();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let policy = &policies.iter().find(|(n, _)| *n == case.policy).unwrap().1;
        let decision = match zonebox::router::route_line(policy, &case.line) {
            Ok(decision) => decision,
            Err(error) => {
                failures.push(format!("line {}: {:?}: {error}", case.number, case.line));
                continue;
            }
        };
        let blamed = decision
            .commands
            .iter()
            .find(|c| c.route == decision.route)
            .map(|c| c.name.replace('\n', "\\n"));
        let name_ok = case.blamed.is_none() || case.blamed == blamed;
        if decision.route != case.route || !name_ok {
            failures.push(format!(
                "line {}: {:?} under {}: expected {:?} blaming {:?}, got {:?} blaming {:?}\n{decision}",
                case.number, case.line, case.policy, case.route, case.blamed, decision.route, blamed
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} routing cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_command_says_its_class_rule_and_chain() {
    let policy = bundled("agent");
    let decision =
        zonebox::router::route_line(&policy, "find . -exec sh -c 'python3 x | wc -l' \\;").unwrap();
    let summary: Vec<String> = decision
        .commands
        .iter()
        .map(|c| format!("{}:{:?}:{}:{}", c.name, c.class, c.rule, c.via.join(">")))
        .collect();
    assert_eq!(
        summary,
        [
            "find:Builtin:shell builtin:",
            "sh:Builtin:shell builtin:find -exec",
            "python3:Native:routing.container[\"python3\"]:find -exec>sh -c",
            "wc:Toolset:toolset:find -exec>sh -c",
        ]
    );
    let decision = zonebox::router::route_line(&bundled("default"), "ls; sudo ls").unwrap();
    assert_eq!(
        decision.denial_message().unwrap(),
        "denied: sudo: privilege escalation is never allowed in the sandbox [routing.deny[\"sudo\"]]"
    );
}

#[test]
fn hostile_lines_are_refused_or_routed_without_harm() {
    // The strict policy denies native names, so that each one found shows.
    let policy = bundled("strict");
    let route = |line: &str| zonebox::router::route_line(&policy, line);
    // A NUL byte cannot be in a shell word: a parse error, not a decision.
    assert!(matches!(
        route("python3\0 -V"),
        Err(zonebox::Error::CommandLine(_))
    ));
    // A long line of toolset commands (5,000 of them, 30,000 tokens) routes (to wasm), and one
    // native name in it is found.
    let command = "echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | wc -c; ";
    let long = command.repeat(5_000);
    assert_eq!(route(&long).unwrap().route, Route::Wasm);
    assert_eq!(
        route(&format!("{long}python3 -V")).unwrap().route,
        Route::Deny
    );
    // Past 32,768 words and operators a line is refused before parsing (brush-parser holds
    // about a kilobyte a token): a megabyte of commands is an error, never a decision.
    let huge = command.repeat(14_000);
    assert!(huge.len() > 1_000_000);
    assert!(matches!(
        route(&format!("{huge}python3 -V")),
        Err(zonebox::Error::CommandLine(_))
    ));
    // Substitutions nested past what the router follows are dynamic, never skipped.
    let deep = format!("{}python3{}", "$(echo ".repeat(100), ")".repeat(100));
    let decision = route(&deep).unwrap();
    assert_eq!(decision.route, Route::Deny, "{decision}");
    // eval of eval of … python3: followed as deep as the router goes, then dynamic.
    for depth in [3, 70] {
        let chain = format!("{}python3", "eval ".repeat(depth));
        let decision = route(&chain).unwrap();
        assert_eq!(decision.route, Route::Deny, "{decision}");
    }
    let mut quoted = "python3 -V".to_string();
    for _ in 0..6 {
        quoted = format!("sh -c '{}'", quoted.replace('\'', "'\\''"));
    }
    let decision = route(&quoted).unwrap();
    assert_eq!(decision.denied().unwrap().name, "python3", "{decision}");
    // A function that calls itself is routed once.
    assert_eq!(route("f() { f; ls; }; f").unwrap().route, Route::Wasm);
    assert_eq!(
        route("f() { g; }; g() { f; python3; }; f").unwrap().route,
        Route::Deny
    );
}

#[test]
fn a_session_routes_with_its_functions_and_directory() {
    let host = Host::new();
    let sub = host.workspace().join("routed");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("run.sh"), "#!/bin/sh\nwc -l run.sh\n").unwrap();
    let sandbox = host.sandbox_with(&TestLimits::default());
    let mut session = sandbox.session().unwrap();
    assert_eq!(session.route("deploy").unwrap().route, Route::Deny);
    session.run("deploy() { ls /workspace; }").unwrap();
    let decision = session.route("deploy").unwrap();
    assert_eq!(decision.route, Route::Wasm, "{decision}");
    // The script is found from the session's directory.
    session.run("cd /workspace/routed").unwrap();
    assert_eq!(session.route("sh run.sh").unwrap().route, Route::Wasm);
    // From the policy's workdir there is no such script: its content is unknown (dynamic).
    let fresh = sandbox.route("sh run.sh").unwrap();
    assert_eq!(
        fresh.commands[1].class,
        zonebox::CommandClass::Dynamic,
        "{fresh}"
    );
    // A denied line in a session: 126 with the reason, and $? says so.
    let output = session.run("python3 -V").unwrap();
    assert_eq!(output.exit_code, 126);
    assert!(output.stderr_text().contains("denied: python3"));
    assert_eq!(session.run("echo $?").unwrap().stdout_text(), "126\n");
}

#[test]
fn deny_rules_hold_for_names_that_exist_only_at_run_time() {
    let host = Host::new();
    let limits = TestLimits::default();
    let text = host.policy_toml(&limits).replace(
        "[routing]\n",
        "[routing.deny]\nrm = \"this policy keeps files\"\n[routing]\n",
    );
    let policy = Policy::from_toml(&text, "deny-rm").unwrap();
    let sandbox = Sandbox::builder(policy)
        .cache_dir(cache_dir())
        .build()
        .unwrap();
    assert_eq!(sandbox.route("rm /out/x").unwrap().route, Route::Deny);
    std::fs::write(host.out().join("x"), "keep").unwrap();
    // dynamic = "wasm" in the test policy: the shell checks the name when it has it.
    let output = sandbox.run("c=rm; $c /out/x; echo status $?").unwrap();
    assert_eq!(output.stdout_text(), "status 126\n");
    assert!(
        output
            .stderr_text()
            .contains("zonebox: denied: rm: this policy keeps files"),
        "{}",
        output.stderr_text()
    );
    let output = sandbox.run("c=rm; echo /out/x | xargs $c").unwrap();
    assert_eq!(output.exit_code, 126, "{}", output.stderr_text());
    assert!(host.out().join("x").exists());
}

#[test]
fn scripts_in_zones_run_by_their_shebang() {
    let host = Host::new();
    let ws = host.workspace();
    std::fs::write(ws.join("list.sh"), "#!/bin/sh\necho from script \"$1\"\n").unwrap();
    std::fs::write(ws.join("first.awk"), "#!/usr/bin/awk -f\n{ print $2 }\n").unwrap();
    std::fs::write(ws.join("data"), "a b\nc d\n").unwrap();
    std::fs::write(ws.join("not-exec.sh"), "echo no\n").unwrap();
    std::fs::write(ws.join("elf"), b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    for name in ["list.sh", "first.awk", "elf"] {
        let path = ws.join(name);
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    let sandbox = host.sandbox_with(&TestLimits::default());
    let output = sandbox.run("./list.sh one").unwrap();
    assert_eq!(output.stdout_text(), "from script one\n");
    let output = sandbox.run("./first.awk data").unwrap();
    assert_eq!(output.stdout_text(), "b\nd\n");
    let output = sandbox.run("./not-exec.sh").unwrap();
    assert_eq!(output.exit_code, 126);
    assert!(output.stderr_text().contains("Permission denied"));
    // A native binary is denied by the router under a policy without containers.
    let output = sandbox.run("./elf").unwrap();
    assert_eq!(output.exit_code, 126);
    assert!(
        output.stderr_text().contains("denied: ./elf"),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn zonebox_route_explains_and_exits_0_or_3() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args(["route", "ls -la | head"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(
        text(&output.stdout),
        "wasm\n  wasm      toolset      ls  [toolset]\n  wasm      toolset      head  [toolset]\n"
    );
    let output = zonebox(&host.workspace())
        .args([
            "route",
            "--policy",
            STRICT,
            "--json",
            "--",
            "env python3 -V",
        ])
        .output()
        .unwrap();
    expect_status(&output, 3);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["route"], "deny");
    assert_eq!(json["commands"][1]["name"], "python3");
    assert_eq!(json["commands"][1]["via"][0], "env");
    assert_eq!(json["commands"][1]["rule"], "routing.unknown = \"deny\"");
    // The default policy runs such a line; the name is not found where it is reached.
    let output = zonebox(&host.workspace())
        .args(["route", "--json", "--", "env python3 -V"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["route"], "wasm");
    assert_eq!(
        json["commands"][1]["rule"],
        "routing.unknown = \"not-found\""
    );
    assert!(
        json["commands"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("command not found")
    );
    let output = zonebox(&host.workspace())
        .args(["route", "ls |"])
        .output()
        .unwrap();
    expect_status(&output, 2);
    // `zonebox run` applies the decision: 126, the reason, and the decision in --json.
    let output = zonebox(&host.workspace())
        .args([
            "run",
            "--policy",
            STRICT,
            "--json",
            "cat README | git apply",
        ])
        .output()
        .unwrap();
    expect_status(&output, 126);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["backend"], "none");
    assert_eq!(json["decision"]["route"], "deny");
    assert!(json["stderr"].as_str().unwrap().contains("denied: git"));
}
