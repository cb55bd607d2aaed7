//! The policy file as written: the TOML schema, parsed strictly (unknown keys are errors).

use super::error::{PolicyError, Problem};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// A policy as its TOML says it, before validation. Every key is listed in README.md.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub workdir: Option<String>,
    pub network: Option<String>,
    #[serde(default)]
    pub zones: Vec<ZoneEntry>,
    #[serde(default)]
    pub env: EnvSection,
    pub limits: Option<LimitsSection>,
    pub routing: Option<RoutingSection>,
    pub container: Option<ContainerSection>,
    /// Which flag set a key (`limits.timeout_secs` → `--timeout`), so errors can name the flag.
    #[serde(skip)]
    pub(crate) origins: HashMap<String, String>,
}

/// `[[zones]]`: a host directory (none for scratch), where the guest sees it, and the mode.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    pub host: Option<String>,
    pub guest: Option<String>,
    pub mode: Option<String>,
}

/// `[env]`: host variables to pass through, and fixed values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSection {
    #[serde(default)]
    pub pass: Vec<String>,
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

/// `[limits]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    pub timeout_secs: Option<f64>,
    pub memory_mib: Option<u64>,
    pub max_output_bytes: Option<u64>,
    pub cpu_fuel: Option<u64>,
    pub max_open_files: Option<u32>,
    pub max_instances: Option<u32>,
    pub shell_memory_mib: Option<u64>,
}

/// `[routing]`: which commands go to the container runtime, which are denied, and what happens
/// to native names not listed and to names known only at run time.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSection {
    pub unknown: Option<String>,
    pub dynamic: Option<String>,
    #[serde(default)]
    pub container: Vec<String>,
    /// Name or pattern → the reason given when it denies a line.
    #[serde(default)]
    pub deny: BTreeMap<String, String>,
}

/// `[container]`: the runtime and image that run lines needing native programs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSection {
    pub runtime: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub allowed_images: Vec<String>,
    pub user: Option<String>,
    pub pids_limit: Option<u32>,
    pub cpus: Option<f64>,
    pub shell: Option<String>,
    pub scratch_mib: Option<u64>,
    pub pool_size: Option<u32>,
    pub pool_idle_secs: Option<f64>,
}

impl PolicyFile {
    /// Parses TOML strictly; a syntax or type error names the key path and the line.
    pub fn parse(text: &str, source: &str) -> Result<PolicyFile, PolicyError> {
        let deserializer = toml::Deserializer::parse(text)
            .map_err(|error| PolicyError::single(source, toml_problem(text, "", &error)))?;
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let key = error.path().to_string();
            let key = if key == "." { String::new() } else { key };
            PolicyError::single(source, toml_problem(text, &key, error.inner()))
        })
    }

    /// The name to show for a key: the flag that set it, when one did.
    pub(crate) fn shown_key(&self, key: &str) -> String {
        match self.origins.get(key) {
            Some(flag) => format!("{flag} ({key})"),
            None => key.to_string(),
        }
    }
}

fn toml_problem(text: &str, key: &str, error: &toml::de::Error) -> Problem {
    let line = error
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    let message = error.message().trim().trim_end_matches('.').to_string();
    let expected = match line {
        Some(line) => format!("{message} (line {line})"),
        None => message,
    };
    Problem::new(key, None, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key() {
        let error = PolicyFile::parse("[limits]\ntimeout = 5\n", "p.toml").unwrap_err();
        assert_eq!(error.problems[0].key, "limits.timeout");
        assert!(
            error.to_string().contains("unknown field `timeout`"),
            "{error}"
        );
        let error =
            PolicyFile::parse("[[zones]]\nguest = \"/a\"\nmode = 3\n", "p.toml").unwrap_err();
        assert_eq!(error.problems[0].key, "zones[0].mode");
        assert!(error.to_string().contains("line 3"), "{error}");
        let error = PolicyFile::parse("workdir = \n", "p.toml").unwrap_err();
        assert!(error.to_string().starts_with("p.toml: "), "{error}");
    }
}
