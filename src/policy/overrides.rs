//! CLI flags as overrides of policy keys: each flag names the key it sets, and goes through the
//! same validation as the file (as wasmtime's cli-flags share one model between flags and TOML).

use super::error::{PolicyError, Problem};
use super::file::{LimitsSection, PolicyFile, ZoneEntry};

/// Flags that override a policy's keys. Shared by `zonebox run` and `zonebox policy check`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyOverrides {
    /// Add a zone, or replace the zone at GUEST [zones]. MODE is ro, rw or scratch; a scratch
    /// zone has no host directory: GUEST:scratch.
    #[arg(long = "zone", value_name = "HOST:GUEST:MODE")]
    pub zones: Vec<String>,
    /// The guest's working directory [workdir].
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// Set a guest variable (K=V) [env.set], or pass the host's K through (K) [env.pass].
    #[arg(long = "env", value_name = "K=V|K")]
    pub env: Vec<String>,
    /// Wall-clock limit for the command line, in seconds [limits.timeout_secs].
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Memory limit of each wasm instance, in MiB [limits.memory_mib].
    #[arg(long, value_name = "MIB")]
    pub memory: Option<u64>,
    /// Bytes kept of each of stdout and stderr [limits.max_output_bytes].
    #[arg(long = "max-output", value_name = "BYTES")]
    pub max_output: Option<u64>,
    /// Deterministic CPU budget in fuel units [limits.cpu_fuel].
    #[arg(long = "cpu-fuel", value_name = "UNITS")]
    pub cpu_fuel: Option<u64>,
}

impl PolicyOverrides {
    /// Writes the flags into the raw policy, remembering which flag set which key.
    pub fn apply(&self, raw: &mut PolicyFile) -> Result<(), PolicyError> {
        for spec in &self.zones {
            let zone =
                parse_zone(spec).map_err(|problem| PolicyError::single("--zone", problem))?;
            raw.zones.retain(|existing| {
                existing.guest.as_deref().map(trim_slash) != zone.guest.as_deref().map(trim_slash)
            });
            raw.zones.push(zone);
            let index = raw.zones.len() - 1;
            for field in ["host", "guest", "mode"] {
                raw.origins
                    .insert(format!("zones[{index}].{field}"), format!("--zone {spec}"));
            }
        }
        if let Some(workdir) = &self.workdir {
            raw.workdir = Some(workdir.clone());
            raw.origins.insert("workdir".into(), "--workdir".into());
        }
        for spec in &self.env {
            match spec.split_once('=') {
                Some((name, value)) => {
                    raw.env.set.insert(name.to_string(), value.to_string());
                    raw.origins
                        .insert(format!("env.set.{name}"), "--env".into());
                }
                None => {
                    raw.env.pass.push(spec.clone());
                    raw.origins.insert(
                        format!("env.pass[{}]", raw.env.pass.len() - 1),
                        "--env".into(),
                    );
                }
            }
        }
        let limits = raw.limits.get_or_insert_with(LimitsSection::default);
        let mut set = |key: &str, flag: &str| {
            raw.origins
                .insert(format!("limits.{key}"), flag.to_string());
        };
        if let Some(timeout) = self.timeout {
            limits.timeout_secs = Some(timeout);
            set("timeout_secs", "--timeout");
        }
        if let Some(memory) = self.memory {
            limits.memory_mib = Some(memory);
            set("memory_mib", "--memory");
        }
        if let Some(max_output) = self.max_output {
            limits.max_output_bytes = Some(max_output);
            set("max_output_bytes", "--max-output");
        }
        if let Some(fuel) = self.cpu_fuel {
            limits.cpu_fuel = Some(fuel);
            set("cpu_fuel", "--cpu-fuel");
        }
        Ok(())
    }
}

fn trim_slash(path: &str) -> &str {
    if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    }
}

/// `HOST:GUEST:MODE`, or `GUEST:scratch`. The host part may itself hold colons.
fn parse_zone(spec: &str) -> Result<ZoneEntry, Problem> {
    let malformed = || {
        Problem::new(
            "",
            Some(format!("{spec:?}")),
            "expected HOST:GUEST:MODE (MODE ro, rw or scratch) or GUEST:scratch",
        )
    };
    let (rest, mode) = spec.rsplit_once(':').ok_or_else(malformed)?;
    let (host, guest) = match rest.rsplit_once(':') {
        Some((host, guest)) => (Some(host.to_string()).filter(|h| !h.is_empty()), guest),
        None if mode == "scratch" => (None, rest),
        None => return Err(malformed()),
    };
    if guest.is_empty() {
        return Err(malformed());
    }
    Ok(ZoneEntry {
        host,
        guest: Some(guest.to_string()),
        mode: Some(mode.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_flags_parse() {
        let zone = parse_zone("/a:b:/out:rw").unwrap();
        assert_eq!(
            (
                zone.host.as_deref(),
                zone.guest.as_deref(),
                zone.mode.as_deref()
            ),
            (Some("/a:b"), Some("/out"), Some("rw"))
        );
        let zone = parse_zone("/tmp2:scratch").unwrap();
        assert_eq!((zone.host, zone.guest.as_deref()), (None, Some("/tmp2")));
        assert!(parse_zone("/only").is_err());
        assert!(parse_zone("/a:/b").is_err());
    }

    #[test]
    fn a_zone_flag_replaces_the_zone_at_its_guest_path() {
        let mut raw = PolicyFile::parse(
            "[[zones]]\nhost = \".\"\nguest = \"/w/\"\nmode = \"ro\"\n",
            "p",
        )
        .unwrap();
        let overrides = PolicyOverrides {
            zones: vec![".:/w:rw".into()],
            ..Default::default()
        };
        overrides.apply(&mut raw).unwrap();
        assert_eq!(raw.zones.len(), 1);
        assert_eq!(raw.zones[0].mode.as_deref(), Some("rw"));
        assert_eq!(
            raw.shown_key("zones[0].mode"),
            "--zone .:/w:rw (zones[0].mode)"
        );
    }
}
