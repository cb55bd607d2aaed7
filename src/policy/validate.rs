//! From a raw [`PolicyFile`] to a [`Policy`]: every key checked, every problem reported at once.

use super::error::{PolicyError, Problem};
use super::file::{PolicyFile, ZoneEntry};
use super::{EnvPolicy, Limits, MIB, Network, Policy, Zone, ZoneMode};
use std::path::Path;
use std::time::Duration;

/// The largest memory a wasm32 instance can address.
const MAX_MEMORY_MIB: u64 = 4096;
/// The most wasm instances a policy may let one line run at once.
const MAX_INSTANCES: u32 = 4096;
/// The shell memory budget when a policy names none, and the most one may name (MiB).
const DEFAULT_SHELL_MEMORY_MIB: u64 = 64;
const MAX_SHELL_MEMORY_MIB: u64 = 16 * 1024;
/// A day: longer runs are surely a mistake in the policy.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

pub(super) fn validate(
    raw: PolicyFile,
    source: &str,
    base_dir: &Path,
) -> Result<Policy, PolicyError> {
    let mut problems = Problems {
        raw: &raw,
        list: Vec::new(),
    };
    let zones = validate_zones(&raw.zones, base_dir, &mut problems);
    let workdir = match raw.workdir.as_deref() {
        None => {
            problems.add("workdir", None, "missing: every policy names the guest's working directory, e.g. workdir = \"/workspace\"");
            None
        }
        Some(text) => match normalise_guest_path(text) {
            Err(reason) => {
                problems.add("workdir", Some(quoted(text)), reason);
                None
            }
            Ok(path) if !zones.iter().any(|z| is_within(&path, &z.guest)) => {
                let guests: Vec<&str> = zones.iter().map(|z| z.guest.as_str()).collect();
                problems.add(
                    "workdir",
                    Some(quoted(text)),
                    format!(
                        "outside every zone; expected a path inside one of: {}",
                        guests.join(", ")
                    ),
                );
                None
            }
            Ok(path) => Some(path),
        },
    };
    let network = match raw.network.as_deref() {
        Some("none") => Some(Network::None),
        Some(other) => {
            problems.add("network", Some(quoted(other)), "expected \"none\" (wasm has no sockets and containers run with networking disabled; no other network mode exists yet)");
            None
        }
        None => {
            problems.add("network", None, "missing: say network = \"none\"");
            None
        }
    };
    let env = validate_env(&raw, &mut problems);
    let limits = validate_limits(&raw, &mut problems);
    let routing = super::routing::validate_routing(raw.routing.as_ref(), &mut problems);
    let container = super::container::validate_container(
        raw.container.as_ref(),
        routing.uses_containers(),
        &mut problems,
    );
    if !problems.list.is_empty() {
        return Err(PolicyError {
            source_name: source.to_string(),
            problems: problems.list,
        });
    }
    match (workdir, network, limits) {
        (Some(workdir), Some(network), Some(limits)) => Ok(Policy {
            source: source.to_string(),
            workdir,
            network,
            zones,
            env,
            limits,
            routing,
            container,
        }),
        _ => unreachable!("a missing value always records a problem"),
    }
}

/// Collects problems, naming keys by the flag that set them where one did.
pub(super) struct Problems<'a> {
    raw: &'a PolicyFile,
    list: Vec<Problem>,
}

impl Problems<'_> {
    pub(super) fn add(&mut self, key: &str, value: Option<String>, expected: impl Into<String>) {
        self.list
            .push(Problem::new(self.raw.shown_key(key), value, expected));
    }
}

pub(super) fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn validate_zones(
    entries: &[ZoneEntry],
    base_dir: &Path,
    problems: &mut Problems<'_>,
) -> Vec<Zone> {
    if entries.is_empty() {
        problems.add(
            "zones",
            None,
            "missing: a policy needs at least one [[zones]] entry (host, guest, mode)",
        );
    }
    let mut zones: Vec<Zone> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let key = |field: &str| format!("zones[{index}].{field}");
        let mode = match entry.mode.as_deref() {
            Some("ro") => Some(ZoneMode::ReadOnly),
            Some("rw") => Some(ZoneMode::ReadWrite),
            Some("scratch") => Some(ZoneMode::Scratch),
            Some(other) => {
                problems.add(
                    &key("mode"),
                    Some(quoted(other)),
                    "expected \"ro\", \"rw\" or \"scratch\"",
                );
                None
            }
            None => {
                problems.add(
                    &key("mode"),
                    None,
                    "missing: expected \"ro\", \"rw\" or \"scratch\"",
                );
                None
            }
        };
        let guest = match entry.guest.as_deref() {
            Some(text) => normalise_guest_path(text)
                .map_err(|reason| problems.add(&key("guest"), Some(quoted(text)), reason))
                .ok(),
            None => {
                problems.add(&key("guest"), None, "missing: the absolute path where the guest sees this zone, e.g. \"/workspace\"");
                None
            }
        };
        let host = match (mode, entry.host.as_deref()) {
            (Some(ZoneMode::Scratch), Some(host)) => {
                problems.add(
                    &key("host"),
                    Some(quoted(host)),
                    "a scratch zone is a fresh empty directory: remove host",
                );
                None
            }
            (Some(ZoneMode::Scratch), None) | (None, _) => None,
            (Some(_), None) => {
                problems.add(&key("host"), None, "missing: the host directory this zone shows (relative paths start at the current directory)");
                None
            }
            (Some(_), Some(host)) => match resolve_host_dir(host, base_dir) {
                Ok(path) => Some(path),
                Err(reason) => {
                    problems.add(&key("host"), Some(quoted(host)), reason);
                    None
                }
            },
        };
        let (Some(mode), Some(guest)) = (mode, guest) else {
            continue;
        };
        if mode != ZoneMode::Scratch && host.is_none() {
            continue;
        }
        if let Some(other) = zones.iter().find(|z| z.guest == guest) {
            problems.add(
                &key("guest"),
                Some(quoted(&guest)),
                format!(
                    "the same guest path as another zone ({}); each zone needs its own",
                    other.guest
                ),
            );
            continue;
        }
        if let Some(other) = zones
            .iter()
            .find(|z| is_within(&guest, &z.guest) || is_within(&z.guest, &guest))
        {
            problems.add(
                &key("guest"),
                Some(quoted(&guest)),
                format!(
                    "nested with the zone at {}; zones may not contain each other",
                    other.guest
                ),
            );
            continue;
        }
        zones.push(Zone { host, guest, mode });
    }
    zones
}

fn resolve_host_dir(text: &str, base_dir: &Path) -> Result<std::path::PathBuf, String> {
    if text.is_empty() {
        return Err("empty: expected a host directory".into());
    }
    let path = base_dir.join(text);
    match std::fs::canonicalize(&path) {
        Ok(real) if real.is_dir() => Ok(real),
        Ok(real) => Err(format!(
            "{} is not a directory; a zone is a directory",
            real.display()
        )),
        Err(error) => Err(format!(
            "{} cannot be used ({error}); create it or fix the path",
            path.display()
        )),
    }
}

/// An absolute guest path without `.`, `..` or empty components, and not `/` itself.
pub(crate) fn normalise_guest_path(text: &str) -> Result<String, String> {
    if !text.starts_with('/') {
        return Err("not absolute; expected a path starting with /".into());
    }
    if text.contains('\0') {
        return Err("contains a NUL byte".into());
    }
    let mut normal = String::new();
    for component in text.split('/').filter(|c| !c.is_empty()) {
        if component == "." || component == ".." {
            return Err(format!(
                "contains '{component}'; expected a plain absolute path"
            ));
        }
        normal.push('/');
        normal.push_str(component);
    }
    if normal.is_empty() {
        return Err("is the root; a zone or workdir must be below /, e.g. /workspace".into());
    }
    Ok(normal)
}

/// True when `path` is `dir` or below it (component-wise: `/ab` is not within `/a`).
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn validate_env(raw: &PolicyFile, problems: &mut Problems<'_>) -> EnvPolicy {
    for (index, name) in raw.env.pass.iter().enumerate() {
        if let Err(reason) = check_variable_name(name) {
            problems.add(&format!("env.pass[{index}]"), Some(quoted(name)), reason);
        } else if super::reserved::is_reserved(name) {
            problems.add(
                &format!("env.pass[{index}]"),
                Some(quoted(name)),
                "a reserved variable (it changes what programs load or where they connect) is \
                 never passed from the host; set it under env.set if this policy means it",
            );
        }
    }
    for (name, value) in &raw.env.set {
        let key = format!("env.set.{name}");
        if let Err(reason) = check_variable_name(name) {
            problems.add(&key, Some(quoted(value)), reason);
        } else if name == "PWD" {
            problems.add(
                &key,
                Some(quoted(value)),
                "PWD is set by zonebox from workdir; set workdir instead",
            );
        } else if value.contains('\0') {
            problems.add(&key, Some(quoted(value)), "contains a NUL byte");
        }
    }
    if raw.env.pass.iter().any(|name| name == "PWD") {
        problems.add(
            "env.pass",
            Some("\"PWD\"".into()),
            "PWD is set by zonebox from workdir; remove it",
        );
    }
    EnvPolicy {
        pass: raw.env.pass.clone(),
        set: raw.env.set.clone(),
    }
}

fn check_variable_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a variable name; expected letters, digits and _, not starting with a digit"
        ))
    }
}

fn validate_limits(raw: &PolicyFile, problems: &mut Problems<'_>) -> Option<Limits> {
    let Some(limits) = &raw.limits else {
        problems.add("limits", None, "missing: every policy states timeout_secs, memory_mib, max_output_bytes, max_open_files and max_instances under [limits]");
        return None;
    };
    let mut required =
        |key: &str, value: Option<f64>, check: &dyn Fn(f64) -> Result<(), String>| -> Option<f64> {
            let full = format!("limits.{key}");
            match value {
                None => {
                    problems.add(&full, None, "missing: every policy states its limits");
                    None
                }
                Some(v) => match check(v) {
                    Ok(()) => Some(v),
                    Err(reason) => {
                        problems.add(&full, Some(v.to_string()), reason);
                        None
                    }
                },
            }
        };
    let timeout = required("timeout_secs", limits.timeout_secs, &|v| {
        if v.is_finite() && v > 0.0 && v <= MAX_TIMEOUT_SECS {
            Ok(())
        } else {
            Err(format!(
                "expected seconds above 0 and at most {MAX_TIMEOUT_SECS}"
            ))
        }
    });
    let memory = required("memory_mib", limits.memory_mib.map(|m| m as f64), &|v| {
        if (1.0..=MAX_MEMORY_MIB as f64).contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "expected MiB from 1 to {MAX_MEMORY_MIB} (the most a wasm32 program can address)"
            ))
        }
    });
    let output = required(
        "max_output_bytes",
        limits.max_output_bytes.map(|m| m as f64),
        &|v| {
            if v >= 64.0 {
                Ok(())
            } else {
                Err("expected at least 64 bytes".into())
            }
        },
    );
    let open_files = required(
        "max_open_files",
        limits.max_open_files.map(f64::from),
        &|v| {
            if v >= 1.0 {
                Ok(())
            } else {
                Err("expected at least 1".into())
            }
        },
    );
    let instances = required("max_instances", limits.max_instances.map(f64::from), &|v| {
        if (1.0..=MAX_INSTANCES as f64).contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "expected from 1 to {MAX_INSTANCES} commands running at once"
            ))
        }
    });
    let shell_memory = match limits.shell_memory_mib {
        None => Some(DEFAULT_SHELL_MEMORY_MIB),
        Some(mib) if (1..=MAX_SHELL_MEMORY_MIB).contains(&mib) => Some(mib),
        Some(mib) => {
            problems.add(
                "limits.shell_memory_mib",
                Some(mib.to_string()),
                format!("expected MiB from 1 to {MAX_SHELL_MEMORY_MIB}"),
            );
            None
        }
    };
    if limits.cpu_fuel == Some(0) {
        problems.add(
            "limits.cpu_fuel",
            Some("0".into()),
            "expected a budget above 0, or no cpu_fuel key for no budget",
        );
    }
    Some(Limits {
        timeout: Duration::from_secs_f64(timeout?),
        memory_bytes: memory? as u64 * MIB,
        max_output_bytes: output? as u64,
        cpu_fuel: limits.cpu_fuel.filter(|&f| f > 0),
        max_open_files: open_files? as u32,
        max_instances: instances? as usize,
        shell_memory_bytes: shell_memory? * MIB,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Policy, PolicyError> {
        let raw = PolicyFile::parse(text, "p.toml")?;
        validate(raw, "p.toml", Path::new("/"))
    }

    const LIMITS: &str = "[limits]\ntimeout_secs = 1\nmemory_mib = 16\nmax_output_bytes = 1024\nmax_open_files = 8\nmax_instances = 4\n";

    #[test]
    fn guest_paths_are_absolute_and_plain() {
        assert_eq!(normalise_guest_path("/a//b/").unwrap(), "/a/b");
        assert!(normalise_guest_path("a").is_err());
        assert!(normalise_guest_path("/a/../b").is_err());
        assert!(normalise_guest_path("/").is_err());
        assert!(is_within("/a/b", "/a") && !is_within("/ab", "/a"));
    }

    #[test]
    fn reports_every_problem_with_its_key() {
        let text = format!(
            "workdir = \"/nowhere\"\nnetwork = \"host\"\n[[zones]]\nhost = \"/\"\nguest = \"/w\"\nmode = \"rwx\"\n[[zones]]\nguest = \"tmp\"\nmode = \"scratch\"\n{LIMITS}"
        );
        let error = check(&text).unwrap_err().to_string();
        assert!(
            error.contains(
                "p.toml: zones[0].mode = \"rwx\": expected \"ro\", \"rw\" or \"scratch\""
            ),
            "{error}"
        );
        assert!(
            error.contains("zones[1].guest = \"tmp\": not absolute"),
            "{error}"
        );
        assert!(error.contains("network = \"host\""), "{error}");
        assert!(
            error.contains("workdir = \"/nowhere\": outside every zone"),
            "{error}"
        );
    }

    #[test]
    fn nested_duplicate_and_missing_pieces_are_errors() {
        let zones = "[[zones]]\nguest = \"/a\"\nmode = \"scratch\"\n[[zones]]\nguest = \"/a/b\"\nmode = \"scratch\"\n[[zones]]\nguest = \"/a/\"\nmode = \"scratch\"\n";
        let error = check(&format!(
            "workdir = \"/a\"\nnetwork = \"none\"\n{zones}{LIMITS}"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("zones[1].guest = \"/a/b\": nested"),
            "{error}"
        );
        assert!(
            error.contains("zones[2].guest = \"/a\": the same guest path"),
            "{error}"
        );
        let error = check(
            "workdir = \"/a\"\nnetwork = \"none\"\n[[zones]]\nguest = \"/a\"\nmode = \"scratch\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("limits: missing"), "{error}");
        let error = check(&format!("workdir = \"/a\"\nnetwork = \"none\"\n[[zones]]\nhost = \"/definitely/not/here\"\nguest = \"/a\"\nmode = \"ro\"\n{LIMITS}")).unwrap_err().to_string();
        assert!(
            error.contains("zones[0].host = \"/definitely/not/here\""),
            "{error}"
        );
    }

    #[test]
    fn a_valid_policy_resolves() {
        let text = format!(
            "workdir = \"/a/sub\"\nnetwork = \"none\"\n[env]\npass = [\"HOME\"]\nset = {{ LANG = \"C\" }}\n[[zones]]\nguest = \"/a\"\nmode = \"scratch\"\n{LIMITS}"
        );
        let policy = check(&text).unwrap();
        assert_eq!(policy.workdir, "/a/sub");
        assert_eq!(policy.limits.memory_bytes, 16 * MIB);
        let env = policy
            .env
            .resolve(|name| (name == "HOME").then(|| "/home/x".to_string()));
        assert_eq!(
            env,
            vec![
                ("HOME".to_string(), "/home/x".to_string()),
                ("LANG".to_string(), "C".to_string())
            ]
        );
    }
}
