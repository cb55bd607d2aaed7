//! Policies: the bundled ones validate, bad ones are errors naming the file, key and value.

use crate::support::{Host, TestLimits, expect_status, text, zonebox};
use std::fs;
use zonebox::Policy;

#[test]
fn the_bundled_default_policy_is_valid_and_complete() {
    let policy = Policy::default_policy().expect("default policy");
    assert_eq!(policy.workdir, "/workspace");
    assert_eq!(policy.limits.timeout.as_secs(), 10);
    assert_eq!(policy.limits.memory_bytes, 256 << 20);
    assert_eq!(policy.limits.max_output_bytes, 1 << 20);
    let guests: Vec<(&str, zonebox::policy::ZoneMode)> = policy
        .zones
        .iter()
        .map(|z| (z.guest.as_str(), z.mode))
        .collect();
    assert_eq!(
        guests,
        [
            ("/workspace", zonebox::policy::ZoneMode::ReadOnly),
            ("/tmp", zonebox::policy::ZoneMode::Scratch)
        ]
    );
    assert_eq!(
        policy.zones[0].host.as_deref(),
        Some(
            std::env::current_dir()
                .unwrap()
                .canonicalize()
                .unwrap()
                .as_path()
        )
    );
}

#[test]
fn every_bundled_policy_file_checks() {
    for entry in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/policies")).unwrap() {
        let path = entry.unwrap().path();
        let output = zonebox(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .arg("policy")
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        expect_status(&output, 0);
        assert!(
            text(&output.stdout).contains(": valid"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn policy_check_prints_the_resolved_policy() {
    let host = Host::new();
    let path = host.policy_file(&TestLimits::default());
    let output = zonebox(&host.workspace())
        .arg("policy")
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    expect_status(&output, 0);
    let printed = text(&output.stdout);
    let reparsed: toml::Value = toml::from_str(&printed).expect("the resolved policy is TOML");
    assert_eq!(reparsed["workdir"].as_str(), Some("/workspace"));
    assert_eq!(reparsed["limits"]["timeout_secs"].as_float(), Some(10.0));
    assert_eq!(reparsed["limits"]["memory_mib"].as_integer(), Some(64));
    assert!(
        printed.contains(&host.out().canonicalize().unwrap().display().to_string()),
        "absolute host paths: {printed}"
    );
}

#[test]
fn bad_policies_exit_2_naming_the_file_key_and_value() {
    let host = Host::new();
    let good = host.policy_toml(&TestLimits::default());
    let cases: Vec<(String, &str)> = vec![
        (
            good.replace("mode = \"rw\"", "mode = \"rwx\""),
            "zones[1].mode = \"rwx\": expected \"ro\", \"rw\" or \"scratch\"",
        ),
        (
            good.replace("timeout_secs = 10", "timeout_secs = \"10\""),
            "limits.timeout_secs: invalid type: string \"10\", expected f64",
        ),
        (
            good.replace("timeout_secs = 10", "timeout_secs = 10\nretries = 3"),
            "limits.retries: unknown field `retries`",
        ),
        (
            good.replace("guest = \"/out\"", "guest = \"out\""),
            "zones[1].guest = \"out\": not absolute",
        ),
        (
            good.replace("guest = \"/out\"", "guest = \"/workspace/../etc\""),
            "zones[1].guest = \"/workspace/../etc\": contains '..'",
        ),
        (
            good.replace("guest = \"/out\"", "guest = \"/workspace\""),
            "zones[1].guest = \"/workspace\": the same guest path as another zone",
        ),
        (
            good.replace("guest = \"/out\"", "guest = \"/workspace/out\""),
            "zones[1].guest = \"/workspace/out\": nested with the zone at /workspace",
        ),
        (
            good.replace("workdir = \"/workspace\"", "workdir = \"/home\""),
            "workdir = \"/home\": outside every zone",
        ),
        (
            good.replace(&host.out().display().to_string(), "/definitely/missing"),
            "zones[1].host = \"/definitely/missing\"",
        ),
        (
            good.replace("network = \"none\"", "network = \"host\""),
            "network = \"host\": expected \"none\"",
        ),
        (
            good.replace("\nmemory_mib = 64\n", "\n"),
            "limits.memory_mib: missing",
        ),
        (
            good.replace("[env]", "[env]\npass = [\"PWD\"]"),
            "PWD is set by zonebox from workdir",
        ),
        (
            good.replace("mode = \"scratch\"", "mode = \"scratch\"\nhost = \"/tmp\""),
            "zones[2].host = \"/tmp\": a scratch zone is a fresh empty directory",
        ),
        ("this is = not toml [".to_string(), "line 1"),
        (
            format!("{good}\n[network_rules]\nallow = []\n"),
            "unknown field `network_rules`",
        ),
        // `good` ends inside [routing]: these lines extend it.
        (
            format!("{good}unknown = \"wasm\"\n"),
            "routing.unknown = \"wasm\": expected \"deny\", \"container\" or \"not-found\"",
        ),
        (
            format!("{good}container = [\"python3\"]\n"),
            "container: missing: [routing] sends commands to a container",
        ),
        (
            format!("{good}container = [\"/usr/bin/python3\"]\n"),
            "routing.container[0] = \"/usr/bin/python3\": a path",
        ),
        (
            format!("{good}[routing.deny]\nsudo = \"\"\n"),
            "routing.deny.\"sudo\" = \"\": empty reason",
        ),
        (
            format!("{good}container = [\"git\"]\n[routing.deny]\ngit = \"no\"\n"),
            "git is also in routing.container",
        ),
        (
            format!(
                "{good}unknown = \"container\"\n[container]\nruntime = \"auto\"\n\
                 image = \"alpine-evil:1\"\nallowed_images = [\"alpine\"]\n"
            ),
            "container.image = \"alpine-evil:1\": not in container.allowed_images",
        ),
        (
            format!(
                "{good}unknown = \"container\"\n[container]\nruntime = \"kubernetes\"\n\
                 image = \"a\"\nallowed_images = [\"a\"]\nuser = \"root\"\n"
            ),
            "container.runtime = \"kubernetes\": expected \"docker\", \"podman\"",
        ),
        (
            format!(
                "{good}unknown = \"container\"\n[container]\nruntime = \"auto\"\n\
                 image = \"a\"\nallowed_images = [\"a\"]\nuser = \"root\"\n"
            ),
            "container.user = \"root\": expected numeric uid:gid",
        ),
    ];
    for (text_of_policy, expected) in cases {
        let path = host.root.path().join("bad.toml");
        fs::write(&path, &text_of_policy).unwrap();
        let error = Policy::from_file(&path).expect_err(expected).to_string();
        assert!(
            error.starts_with(&format!("{}: ", path.display())),
            "names the file: {error}"
        );
        assert!(error.contains(expected), "expected {expected:?} in {error}");
        let output = zonebox(&host.workspace())
            .arg("policy")
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        expect_status(&output, 2);
        assert!(
            text(&output.stderr).contains(expected),
            "CLI: {}",
            text(&output.stderr)
        );
        let output = zonebox(&host.workspace())
            .arg("run")
            .arg("--policy")
            .arg(&path)
            .arg("echo never")
            .output()
            .unwrap();
        expect_status(&output, 2);
        assert!(
            !text(&output.stdout).contains("never"),
            "a bad policy runs nothing"
        );
    }
}

#[test]
fn several_problems_are_all_reported() {
    let host = Host::new();
    let good = host.policy_toml(&TestLimits::default());
    let bad = good
        .replace("mode = \"rw\"", "mode = \"wr\"")
        .replace("timeout_secs = 10", "timeout_secs = -1");
    let error = Policy::from_toml(&bad, "two.toml").unwrap_err();
    assert_eq!(error.problems.len(), 2, "{error}");
}
