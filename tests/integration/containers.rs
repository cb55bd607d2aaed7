//! The container backend against the real engine: zones, limits, environment, user, cleanup.
//! Images come from tests/images/build (run once here; fast when they exist). Without an
//! engine each test prints "skipped: why" — and fails when ZONEBOX_REQUIRE_CONTAINERS=1 (CI).

use crate::support::{Host, TestLimits, cache_dir, expect_status, text, zonebox};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use zonebox::{Backend, LimitKind, Policy, Sandbox};

/// Why container tests cannot run here, or `None` when they can (images built).
fn unavailable() -> Option<String> {
    static REASON: OnceLock<Option<String>> = OnceLock::new();
    REASON
        .get_or_init(|| {
            if !Path::new("/var/run/docker.sock").exists() && std::env::var("DOCKER_HOST").is_err()
            {
                return Some(
                    "no container engine (no /var/run/docker.sock, no DOCKER_HOST)".into(),
                );
            }
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images/build");
            match Command::new(&script).output() {
                Ok(out) if out.status.success() => None,
                Ok(out) => Some(format!(
                    "tests/images/build failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )),
                Err(e) => Some(format!("cannot run tests/images/build: {e}")),
            }
        })
        .clone()
}

/// False (after saying why) when the engine is missing; a failure instead under CI.
fn engine_ready(test: &str) -> bool {
    match unavailable() {
        None => true,
        Some(why) if std::env::var("ZONEBOX_REQUIRE_CONTAINERS").is_ok_and(|v| v == "1") => {
            panic!("{test}: container engine required (ZONEBOX_REQUIRE_CONTAINERS=1): {why}")
        }
        Some(why) => {
            eprintln!("{test}: skipped: {why}");
            false
        }
    }
}

/// The test host's policy with every native name sent to `image`, the zones owned by the
/// container user.
fn container_policy(host: &Host, limits: &TestLimits, image: &str, extra: &str) -> String {
    for dir in [host.out(), host.workspace()] {
        chown_tree(&dir, 1000, 1000);
    }
    host.policy_toml(limits).replace(
        "[routing]\n",
        &format!(
            "[container]\nruntime = \"auto\"\nimage = \"{image}\"\nallowed_images = [\"zonebox/\"]\npids_limit = 64\n{extra}\n[routing]\nunknown = \"container\"\ncontainer = [\"python3\", \"busybox\", \"ip\"]\n"
        ),
    )
}

fn chown_tree(dir: &Path, uid: u32, gid: u32) {
    let _ = Command::new("chown")
        .arg("-R")
        .arg(format!("{uid}:{gid}"))
        .arg(dir)
        .status();
}

fn container_sandbox(text: &str) -> Sandbox {
    let policy = Policy::from_toml(text, "container test policy").unwrap_or_else(|e| panic!("{e}"));
    Sandbox::builder(policy)
        .cache_dir(cache_dir())
        .build()
        .unwrap()
}

/// A sandbox with a warm pool of one busybox container and the given wall clock.
fn warm_pool_sandbox(host: &Host, timeout_secs: f64) -> Sandbox {
    let limits = TestLimits {
        timeout_secs,
        ..TestLimits::default()
    };
    let policy = container_policy(
        host,
        &limits,
        "zonebox/busybox:1",
        "pool_size = 1\npool_idle_secs = 60",
    );
    container_sandbox(&policy)
}

/// zonebox's containers still present (running or not), of one sandbox or of all.
fn leftover_containers_of(sandbox: Option<&Sandbox>) -> Vec<String> {
    leftover_containers_labelled(&match sandbox {
        Some(sandbox) => format!("org.zonebox.session={}", sandbox.id()),
        None => "org.zonebox.owner=zonebox".to_string(),
    })
}

fn leftover_containers_labelled(label: &str) -> Vec<String> {
    let label = format!("label={label}");
    let out = Command::new("docker")
        .args(["ps", "-aq", "--filter", &label])
        .output()
        .unwrap();
    text(&out.stdout).lines().map(String::from).collect()
}

#[test]
fn zones_user_and_root_file_system_hold_in_the_container() {
    if !engine_ready("zones_user_and_root_file_system_hold_in_the_container") {
        return;
    }
    let host = Host::new();
    std::fs::write(host.workspace().join("in.txt"), "from the workspace\n").unwrap();
    let secret = host.outside().join("secret");
    std::fs::write(&secret, "host secret").unwrap();
    std::os::unix::fs::symlink(&secret, host.out().join("escape")).unwrap();
    let policy = container_policy(&host, &TestLimits::default(), "zonebox/busybox:1", "");
    let sandbox = container_sandbox(&policy);
    let line = "busybox true; id -u; cat /workspace/in.txt; echo made > /out/made.txt; \
                echo x > /workspace/no.txt || echo ro-refused; touch /etc/x || echo root-ro; \
                ls /tmp | wc -l; echo t > /tmp/t; cat /out/escape || echo no-escape; \
                ls /var/run/docker.sock || echo no-socket; cat $(echo {secret}) || echo no-host"
        .replace("{secret}", &secret.display().to_string());
    let output = sandbox.run(&line).unwrap();
    assert_eq!(
        output.backend,
        Backend::Container,
        "{}",
        output.stderr_text()
    );
    assert_eq!(
        output.stdout_text(),
        "1000\nfrom the workspace\nro-refused\nroot-ro\n0\nno-escape\nno-socket\nno-host\n",
        "{}",
        output.stderr_text()
    );
    let made = host.out().join("made.txt");
    assert_eq!(std::fs::read_to_string(&made).unwrap(), "made\n");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&made).unwrap().uid(), 1000);
    assert!(!host.workspace().join("no.txt").exists());
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "host secret");
    // The scratch /tmp is new for every line.
    let output = sandbox.run("busybox true; ls /tmp | wc -l").unwrap();
    assert_eq!(output.stdout_text(), "0\n");
    assert!(leftover_containers_of(Some(&sandbox)).is_empty());
}

#[test]
fn no_network_but_loopback() {
    if !engine_ready("no_network_but_loopback") {
        return;
    }
    let host = Host::new();
    let sandbox = container_sandbox(&container_policy(
        &host,
        &TestLimits::default(),
        "zonebox/busybox:1",
        "",
    ));
    let output = sandbox.run("busybox true; ls /sys/class/net").unwrap();
    assert_eq!(output.stdout_text(), "lo\n", "{}", output.stderr_text());
}

#[test]
fn the_wall_clock_kills_the_container_and_leaves_nothing() {
    if !engine_ready("the_wall_clock_kills_the_container_and_leaves_nothing") {
        return;
    }
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 2.0,
        ..TestLimits::default()
    };
    let sandbox = container_sandbox(&container_policy(&host, &limits, "zonebox/busybox:1", ""));
    let started = std::time::Instant::now();
    let output = sandbox.run("busybox sleep 60").unwrap();
    assert_eq!(output.exit_code, 124);
    assert_eq!(output.limit, Some(LimitKind::WallClock));
    assert!(started.elapsed().as_secs() < 30);
    assert!(leftover_containers_of(Some(&sandbox)).is_empty());
}

#[test]
fn memory_and_pids_limits_stop_the_container() {
    if !engine_ready("memory_and_pids_limits_stop_the_container") {
        return;
    }
    let host = Host::new();
    let limits = TestLimits {
        memory_mib: 64,
        timeout_secs: 20.0,
        ..TestLimits::default()
    };
    let sandbox = container_sandbox(&container_policy(&host, &limits, "zonebox/agent:1", ""));
    let output = sandbox
        .run("python3 -c 'x = bytearray(512 * 1024 * 1024); print(len(x))'")
        .unwrap();
    assert_eq!(output.exit_code, 137, "{}", output.stderr_text());
    assert_eq!(output.limit, Some(LimitKind::Memory));
    // A fork bomb meets pids_limit = 64: forks fail, and the line still ends.
    let limits = TestLimits {
        timeout_secs: 5.0,
        ..TestLimits::default()
    };
    let sandbox = container_sandbox(&container_policy(&host, &limits, "zonebox/busybox:1", ""));
    let output = sandbox
        .run("busybox true; f() { f | f & }; f; sleep 1; echo survived")
        .unwrap();
    assert!(
        output.stderr_text().contains("fork") || output.exit_code == 124,
        "{output:?}"
    );
    assert!(leftover_containers_of(Some(&sandbox)).is_empty());
}

#[test]
fn environment_stdin_exit_codes_and_output_cap_pass_through() {
    if !engine_ready("environment_stdin_exit_codes_and_output_cap_pass_through") {
        return;
    }
    let host = Host::new();
    let limits = TestLimits {
        max_output_bytes: 1000,
        ..TestLimits::default()
    };
    let policy = container_policy(&host, &limits, "zonebox/busybox:1", "").replace(
        "[env]\nset = {",
        "[env]\nset = { NODE_OPTIONS = \"--policy-set\", ",
    );
    let sandbox = container_sandbox(&policy);
    let mut session = sandbox.session().unwrap();
    session
        .run("export LD_PRELOAD=/tmp/evil.so MINE=kept; cd /out")
        .unwrap();
    let output = session
        .run("busybox true; echo ${LD_PRELOAD:-unset} $MINE $HOME $NODE_OPTIONS; pwd; exit 7")
        .unwrap();
    assert_eq!(output.stdout_text(), "unset kept /tmp --policy-set\n/out\n");
    assert_eq!(output.exit_code, 7);
    let output = sandbox
        .run_with_stdin("busybox true; tr a-z A-Z", "piped in\n")
        .unwrap();
    assert_eq!(output.stdout_text(), "PIPED IN\n");
    let output = sandbox.run("busybox true; seq 1 100000").unwrap();
    assert!(output.truncated);
    assert!(output.stdout.len() < 1200);
    assert!(output.stdout_text().starts_with("1\n2\n"));
    assert!(output.stdout_text().ends_with("99999\n100000\n"));
    // A policy cannot pass a reserved variable from the host.
    let bad = policy.replace("[env]\n", "[env]\npass = [\"LD_PRELOAD\"]\n");
    let error = Policy::from_toml(&bad, "bad").unwrap_err().to_string();
    assert!(error.contains("env.pass[0] = \"LD_PRELOAD\""), "{error}");
}

#[test]
fn a_zone_the_container_user_cannot_write_is_a_clear_error() {
    if !engine_ready("a_zone_the_container_user_cannot_write_is_a_clear_error") {
        return;
    }
    let host = Host::new();
    let policy = container_policy(&host, &TestLimits::default(), "zonebox/busybox:1", "");
    chown_tree(&host.out(), 0, 0);
    std::fs::set_permissions(host.out(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let sandbox = container_sandbox(&policy);
    let error = sandbox.run("busybox true").unwrap_err().to_string();
    assert!(
        error.contains("is not writable by the container user 1000:1000"),
        "{error}"
    );
    // Group-writable works: zonebox adds the zone's group to the user.
    chown_tree(&host.out(), 0, 4242);
    std::fs::set_permissions(host.out(), std::fs::Permissions::from_mode(0o775)).unwrap();
    let output = sandbox
        .run("busybox true; echo ok > /out/g && id -G")
        .unwrap();
    assert!(output.stdout_text().contains("4242"), "{output:?}");
}

#[test]
fn the_reaper_removes_what_a_killed_zonebox_left() {
    if !engine_ready("the_reaper_removes_what_a_killed_zonebox_left") {
        return;
    }
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 1.0,
        ..TestLimits::default()
    };
    let policy = host.root.path().join("reaper.toml");
    std::fs::write(
        &policy,
        container_policy(&host, &limits, "zonebox/busybox:1", ""),
    )
    .unwrap();
    let temp = tempfile::tempdir().unwrap();
    let mut child = zonebox(&host.workspace())
        .env("TMPDIR", temp.path())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .arg("busybox sleep 300")
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let orphan = loop {
        // The CLI's sandbox is the first of its process.
        let now = leftover_containers_labelled(&format!("org.zonebox.session={}-0", child.id()));
        if let Some(id) = now.first() {
            break id.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no container appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill().unwrap(); // SIGKILL: no cleanup runs
    child.wait().unwrap();
    assert!(leftover_containers_of(None).contains(&orphan));
    let scratch_of_killed = || {
        std::fs::read_dir(temp.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&format!("zonebox-scratch-{}-", child.id()))
            })
            .count()
    };
    assert_eq!(
        scratch_of_killed(),
        1,
        "the killed zonebox's scratch directory"
    );
    // Its process is gone: the next zonebox's reaper removes it (on a remote engine, where
    // process ids mean nothing, its expiry would: the wall clock plus ten seconds).
    let output = zonebox(&host.workspace())
        .env("TMPDIR", temp.path())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .arg("busybox true")
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert!(
        !leftover_containers_of(None).contains(&orphan),
        "the reaper left {orphan}"
    );
    assert_eq!(
        scratch_of_killed(),
        0,
        "the next zonebox removed the orphan scratch"
    );
}

#[test]
fn the_cli_forces_a_backend_and_reports_it() {
    if !engine_ready("the_cli_forces_a_backend_and_reports_it") {
        return;
    }
    let host = Host::new();
    let policy = host.root.path().join("force.toml");
    std::fs::write(
        &policy,
        container_policy(&host, &TestLimits::default(), "zonebox/busybox:1", ""),
    )
    .unwrap();
    let output = zonebox(&host.workspace())
        .args(["run", "--json", "--backend", "container", "--policy"])
        .arg(&policy)
        .arg("echo hi from $(cat /proc/1/comm)")
        .output()
        .unwrap();
    expect_status(&output, 0);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["backend"], "container");
    assert_eq!(json["stdout"], "hi from docker-init\n");
    let output = zonebox(&host.workspace())
        .args(["run", "--backend", "container", "--policy"])
        .arg(&policy)
        .arg("sudo ls")
        .output()
        .unwrap();
    expect_status(&output, 126);
    // A missing image says how to get it: outside zonebox's repository (the user's workspace
    // here), with the engine's commands, not a path of the repository.
    let missing = host.root.path().join("missing.toml");
    let changed = std::fs::read_to_string(&policy)
        .unwrap()
        .replace("zonebox/busybox:1", "zonebox/not-built:0");
    std::fs::write(&missing, changed).unwrap();
    let output = zonebox(&host.workspace())
        .args(["run", "--backend", "container", "--policy"])
        .arg(&missing)
        .arg("echo hi")
        .output()
        .unwrap();
    expect_status(&output, 125);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("image zonebox/not-built:0 is not on")
            && stderr.contains("docker pull zonebox/not-built:0")
            && !stderr.contains("tests/images/build"),
        "{stderr}"
    );
}

#[test]
fn warm_containers_are_reused_cleaned_between_lines_and_removed_with_the_sandbox() {
    if !engine_ready(
        "warm_containers_are_reused_cleaned_between_lines_and_removed_with_the_sandbox",
    ) {
        return;
    }
    let host = Host::new();
    let sandbox = warm_pool_sandbox(&host, 3.0);
    let first = sandbox
        .run("busybox true; hostname; touch /tmp/left-behind; busybox sleep 100 & echo started")
        .unwrap();
    assert_eq!(first.exit_code, 0, "{}", first.stderr_text());
    let second = sandbox
        .run("busybox true; hostname; ls -A /tmp | wc -l; ps | grep -c '[s]leep 100'")
        .unwrap();
    let first_host = first.stdout_text().lines().next().unwrap().to_string();
    assert_eq!(
        second.stdout_text(),
        format!("{first_host}\n0\n0\n"),
        "the same warm container, cleaned: {}",
        second.stderr_text()
    );
    // A line that overruns takes its container with it; the next line gets a new one.
    let slow = sandbox.run("busybox sleep 60").unwrap();
    assert_eq!(slow.exit_code, 124);
    let third = sandbox.run("busybox true; hostname").unwrap();
    assert_ne!(third.stdout_text().trim(), first_host);
    assert_eq!(leftover_containers_of(Some(&sandbox)).len(), 1);
    let id = sandbox.id().to_string();
    drop(sandbox);
    assert!(leftover_containers_labelled(&format!("org.zonebox.session={id}")).is_empty());
}

#[test]
fn the_warm_line_runner_passes_any_line_and_cannot_be_read_traced_or_killed() {
    if !engine_ready("the_warm_line_runner_passes_any_line_and_cannot_be_read_traced_or_killed") {
        return;
    }
    let host = Host::new();
    let sandbox = warm_pool_sandbox(&host, 5.0);
    let run = |line: &str, stdin: &str| {
        sandbox
            .run_on(Backend::Container, line, stdin.as_bytes().to_vec())
            .unwrap()
    };
    // Quotes, newlines, percent signs, backslashes and UTF-8 arrive as written; stdout, stderr,
    // a missing final newline and the status come back apart.
    let tricky = run(
        "printf '%s|' \"it's 100%\" 'a\\b' '\u{e9}t\u{e9}'\necho \"$HOME $PWD\"; printf no-newline; echo oops >&2; exit 3",
        "",
    );
    assert_eq!(
        tricky.stdout_text(),
        "it's 100%|a\\b|\u{e9}t\u{e9}|/tmp /workspace\nno-newline"
    );
    assert_eq!(tricky.stderr_text(), "oops\n");
    assert_eq!(tricky.exit_code, 3);
    let container = run("hostname", "").stdout_text().to_string();
    // A line that prints what a report looks like only prints text: the runner frames every
    // byte of the line's output itself.
    let fake = run(
        "printf '\\003\\005\\000\\000\\000\\000\\000\\000\\000\\001'; echo after; exit 7",
        "",
    );
    assert_eq!(fake.exit_code, 7);
    assert_eq!(fake.stdout.as_slice(), b"\x03\x05\0\0\0\0\0\0\0\x01after\n");
    // A line with input goes to the same runner, in the same container.
    assert_eq!(
        run("cat; hostname", "piped\n").stdout_text(),
        format!("piped\n{container}")
    );
    assert_eq!(
        run("hostname", "").stdout_text(),
        container,
        "the same container"
    );
    // The runner cannot be read, traced or killed by the line, which runs with its uid.
    let probe = run(
        "cat /proc/1/mem; cat /proc/1/environ; ls /proc/1/fd; cat /proc/1/fd/0; \
         echo x > /proc/1/fd/1; kill -9 1; kill -STOP 1; echo alive",
        "",
    );
    assert_eq!(probe.stdout_text(), "alive\n", "{}", probe.stderr_text());
    assert_eq!(
        probe.stderr_text().matches("Permission denied").count(),
        5,
        "{}",
        probe.stderr_text()
    );
    assert_eq!(run("hostname", "").stdout_text(), container);
    assert_eq!(leftover_containers_of(Some(&sandbox)).len(), 1);
}

#[test]
fn a_container_line_cannot_outlive_itself_to_read_the_next_one() {
    if !engine_ready("a_container_line_cannot_outlive_itself_to_read_the_next_one") {
        return;
    }
    let host = Host::new();
    let sandbox = warm_pool_sandbox(&host, 5.0);
    // A spy that outlives its line in every way a shell allows, and would copy whatever the
    // processes of later lines hold (their environment, their input) into the rw zone.
    let spy = "spy() { while :; do cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline /proc/1/fd/0 \
               >> /out/spy 2>/dev/null; usleep 20000; done; }; \
               spy & (spy &) ; nohup sh -c 'spy() { while :; do cat /proc/[0-9]*/environ \
               >> /out/spy 2>/dev/null; usleep 20000; done; }; spy' >/dev/null 2>&1 & \
               setsid sh -c 'while :; do cat /proc/[0-9]*/environ >> /out/spy; done' \
               >/dev/null 2>&1 & echo planted; exit 7";
    let mut session = sandbox.session().unwrap();
    let planted = session.run(&format!("busybox true; {spy}")).unwrap();
    assert_eq!(
        (planted.exit_code, planted.stdout_text().as_ref()),
        (7, "planted\n"),
        "the line's own status, not one a leftover process forged: {}",
        planted.stderr_text()
    );
    session.run("export API_KEY=s3cr3t-next-line").unwrap();
    let next = session
        .run_with_stdin(
            "busybox true; cat > /dev/null; ps -o pid,args | grep -c '[s]py'; usleep 200000; \
             echo done",
            b"the-next-lines-input\n".to_vec(),
        )
        .unwrap();
    assert_eq!(next.stdout_text(), "0\ndone\n", "{}", next.stderr_text());
    // Another session sharing the warm container meets no spy either.
    let mut other = sandbox.session().unwrap();
    other.run("export API_KEY=other-session").unwrap();
    let third = other.run("busybox true; usleep 100000; echo ok").unwrap();
    assert_eq!(third.stdout_text(), "ok\n", "{}", third.stderr_text());
    let spied = std::fs::read_to_string(host.out().join("spy")).unwrap_or_default();
    for secret in ["s3cr3t-next-line", "the-next-lines-input", "other-session"] {
        assert!(!spied.contains(secret), "a leftover process read {secret}");
    }
}

#[test]
fn the_native_runtime_runs_on_the_host_only_when_a_policy_names_it() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 2.0,
        ..TestLimits::default()
    };
    let policy = host.policy_toml(&limits).replace(
        "[routing]\n",
        "[container]\nruntime = \"native\"\n[routing]\ncontainer = [\"python3\"]\n",
    );
    let sandbox = container_sandbox(&policy);
    // The working directory is the zone's host directory; the environment is the policy's.
    let output = sandbox
        .run("python3 -c 'import os; print(os.getcwd(), os.environ.get(\"HOME\"), os.environ.get(\"PATH\"))'")
        .unwrap();
    assert_eq!(
        output.backend,
        Backend::Container,
        "{}",
        output.stderr_text()
    );
    let real = std::fs::canonicalize(host.workspace()).unwrap();
    assert_eq!(
        output.stdout_text(),
        format!("{} /tmp None\n", real.display())
    );
    // The wall clock kills the whole process group, background jobs included.
    let marker = host.out().join("late");
    let line = format!(
        "python3 -c 'import time; time.sleep(30)' & python3 -c 'import time; time.sleep(30)'; touch {}",
        marker.display()
    );
    let started = std::time::Instant::now();
    let output = sandbox
        .run_on(Backend::Container, &line, Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 124);
    assert!(started.elapsed().as_secs() < 10);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!marker.exists());
    // Deny rules still hold.
    let output = sandbox.run("sudo true").unwrap();
    assert_eq!(output.exit_code, 126);
}

#[test]
fn no_set_id_file_survives_in_a_host_directory() {
    if !engine_ready("no_set_id_file_survives_in_a_host_directory") {
        return;
    }
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 20.0,
        ..TestLimits::default()
    };
    let one_shot = container_sandbox(&container_policy(&host, &limits, "zonebox/busybox:1", ""));
    let warm = warm_pool_sandbox(&host, 20.0);
    let plant = "busybox true; cp /bin/busybox /out/sush && chmod 4755 /out/sush; \
                 mkdir -p /out/d && cp /bin/busybox /out/d/sgid && chmod 2755 /out/d/sgid; \
                 cp /bin/busybox /out/both && chmod 6755 /out/both; ls -l /out | grep -c '^-..s'";
    for sandbox in [&one_shot, &warm] {
        let output = sandbox.run(plant).unwrap();
        assert_eq!(output.exit_code, 0, "{}", output.stderr_text());
        assert_eq!(output.stdout_text(), "2\n", "the line saw its own chmod");
        assert!(
            output
                .stderr_text()
                .contains("removed the set-user-id/set-group-id bits"),
            "{}",
            output.stderr_text()
        );
        for file in ["sush", "d/sgid", "both"] {
            let mode = std::fs::metadata(host.out().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o6000, 0, "{file} kept set-id bits: {mode:o}");
        }
        for file in ["sush", "d", "both"] {
            let path = host.out().join(file);
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

#[test]
fn a_fifo_a_container_line_makes_never_hangs_the_next_wasm_line() {
    if !engine_ready("a_fifo_a_container_line_makes_never_hangs_the_next_wasm_line") {
        return;
    }
    let host = Host::new();
    let sandbox = warm_pool_sandbox(&host, 5.0);
    let mut session = sandbox.session().unwrap();
    let made = session.run("busybox mkfifo /out/f && echo made").unwrap();
    assert_eq!(made.stdout_text(), "made\n", "{}", made.stderr_text());
    for line in [
        "cat < /out/f",
        "cat /out/f",
        "echo x > /out/f",
        "wc -c /out/f",
    ] {
        let started = std::time::Instant::now();
        let output = session.run(line).unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "{line} blocked"
        );
        assert_ne!(output.exit_code, 0, "{line}: {}", output.stdout_text());
    }
    assert_eq!(
        session
            .run("busybox true; echo alive")
            .unwrap()
            .stdout_text(),
        "alive\n"
    );
}

#[test]
fn the_server_runs_container_lines_warm_and_names_a_missing_image() {
    if !engine_ready("the_server_runs_container_lines_warm_and_names_a_missing_image") {
        return;
    }
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let limits = TestLimits::default();
    let working = host.root.path().join("container.toml");
    std::fs::write(
        &working,
        container_policy(
            &host,
            &limits,
            "zonebox/busybox:1",
            "pool_size = 1\npool_idle_secs = 60\n",
        ),
    )
    .unwrap();
    let mut client = super::server::Client::start_with_policy(&host, &working, scratch.path(), &[]);
    let session = client.result("session.create", serde_json::json!({}))["session_id"].clone();
    for _ in 0..3 {
        let ran = client.result(
            "run",
            serde_json::json!({"session_id": session, "command": "busybox echo from-container"}),
        );
        assert_eq!(ran["stdout"], "from-container\n", "{ran}");
        assert_eq!(ran["backend"], "container");
    }
    client.finish();

    let missing = host.root.path().join("missing.toml");
    std::fs::write(
        &missing,
        container_policy(&host, &limits, "zonebox/not-built:1", ""),
    )
    .unwrap();
    let mut client = super::server::Client::start_with_policy(&host, &missing, scratch.path(), &[]);
    assert_eq!(
        client.error_code("run", serde_json::json!({"command": "busybox true"})),
        zonebox::server::error_code::IMAGE_MISSING
    );
    client.finish();
}
