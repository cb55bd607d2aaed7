//! The `[container]` section: which container runtime and image run the lines that need native
//! programs, the image allowlist, and the container-only limits (user, pids, CPUs, tmpfs size,
//! warm pool). Zones, environment, network, memory and the wall clock come from the rest of the
//! policy, so one policy governs both backends.

use super::MIB;
use super::file::ContainerSection;
use super::validate::{Problems, quoted};
use serde::Serialize;
use std::time::Duration;

crate::named_enum::named_enum! {
    /// Which runtime starts containers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum RuntimeChoice {
        /// Docker Engine, through its API socket.
        Docker = "docker",
        /// Podman, through its Docker-compatible API socket.
        Podman = "podman",
        /// Apple's `container` CLI (macOS).
        Apple = "apple",
        /// The first container runtime found (Docker, Podman, Apple); never native.
        Auto = "auto",
        /// The host itself, without isolation: only for trusted hosts, and only when asked for.
        Native = "native",
    }
}

/// One entry of `container.allowed_images`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRule {
    /// `name@sha256:…`: exactly that digest.
    Digest(String),
    /// A name or name prefix: the image is the name, or continues it at `/`, `:` or `@`.
    Prefix(String),
}

impl ImageRule {
    pub fn allows(&self, image: &str) -> bool {
        match self {
            ImageRule::Digest(exact) => image == exact,
            ImageRule::Prefix(prefix) => {
                let prefix = prefix.trim_end_matches('/');
                image == prefix
                    || image
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with(['/', ':', '@']))
            }
        }
    }

    pub fn text(&self) -> &str {
        match self {
            ImageRule::Digest(text) | ImageRule::Prefix(text) => text,
        }
    }
}

impl Serialize for ImageRule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text())
    }
}

/// The validated `[container]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerPolicy {
    pub runtime: RuntimeChoice,
    pub image: String,
    pub allowed_images: Vec<ImageRule>,
    /// `uid:gid` the command runs as (never root unless the policy says `0:0`).
    #[serde(serialize_with = "serialize_user")]
    pub user: (u32, u32),
    pub pids_limit: u32,
    pub cpus: f64,
    /// The shell that runs the line inside the container.
    pub shell: String,
    /// Size of each scratch zone's and /tmp's tmpfs.
    #[serde(rename = "scratch_mib", serialize_with = "super::serialize_mib")]
    pub scratch_bytes: u64,
    /// Started containers kept per sandbox for `exec` (0: every line starts its own).
    pub pool_size: u32,
    #[serde(rename = "pool_idle_secs", serialize_with = "super::serialize_secs")]
    pub pool_idle: Duration,
}

fn serialize_user<S: serde::Serializer>(
    user: &(u32, u32),
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{}:{}", user.0, user.1))
}

const DEFAULT_PIDS_LIMIT: u32 = 256;
const DEFAULT_USER: (u32, u32) = (1000, 1000);
const DEFAULT_SCRATCH_MIB: u64 = 256;
const DEFAULT_POOL_IDLE_SECS: f64 = 60.0;
const MAX_POOL_SIZE: u32 = 64;

/// Checks `[container]`. Required when routing can send a line to a container.
pub(super) fn validate_container(
    section: Option<&ContainerSection>,
    needed: bool,
    problems: &mut Problems<'_>,
) -> Option<ContainerPolicy> {
    let Some(section) = section else {
        if needed {
            problems.add(
                "container",
                None,
                "missing: [routing] sends commands to a container, so the policy needs a \
                 [container] section with runtime and image (see policies/agent.toml)",
            );
        }
        return None;
    };
    let runtime = match section.runtime.as_deref() {
        Some("docker") => RuntimeChoice::Docker,
        Some("podman") => RuntimeChoice::Podman,
        Some("apple") => RuntimeChoice::Apple,
        Some("auto") => RuntimeChoice::Auto,
        Some("native") => RuntimeChoice::Native,
        Some(other) => {
            problems.add(
                "container.runtime",
                Some(quoted(other)),
                "expected \"docker\", \"podman\", \"apple\", \"auto\" or \"native\"",
            );
            RuntimeChoice::Auto
        }
        None => {
            problems.add(
                "container.runtime",
                None,
                "missing: say runtime = \"auto\" (the first of docker, podman, apple found)",
            );
            RuntimeChoice::Auto
        }
    };
    let mut allowed_images = Vec::new();
    for (index, text) in section.allowed_images.iter().enumerate() {
        match check_image_name(text) {
            Err(reason) => problems.add(
                &format!("container.allowed_images[{index}]"),
                Some(quoted(text)),
                reason,
            ),
            Ok(()) if text.contains("@sha256:") => {
                allowed_images.push(ImageRule::Digest(text.clone()))
            }
            Ok(()) => allowed_images.push(ImageRule::Prefix(text.clone())),
        }
    }
    let image = match section.image.as_deref() {
        None if runtime == RuntimeChoice::Native => String::new(),
        None => {
            problems.add(
                "container.image",
                None,
                "missing: the image lines run in, e.g. image = \"zonebox/agent:1\"",
            );
            String::new()
        }
        Some(image) => {
            if let Err(reason) = check_image_name(image) {
                problems.add("container.image", Some(quoted(image)), reason);
            } else if !allowed_images.iter().any(|rule| rule.allows(image)) {
                problems.add(
                    "container.image",
                    Some(quoted(image)),
                    "not in container.allowed_images; add the image (or its digest) there",
                );
            }
            image.to_string()
        }
    };
    let user = match section.user.as_deref() {
        None => DEFAULT_USER,
        Some(text) => parse_user(text).unwrap_or_else(|reason| {
            problems.add("container.user", Some(quoted(text)), reason);
            DEFAULT_USER
        }),
    };
    let pids_limit = section.pids_limit.unwrap_or(DEFAULT_PIDS_LIMIT);
    if pids_limit < 8 {
        problems.add(
            "container.pids_limit",
            Some(pids_limit.to_string()),
            "expected at least 8 (the shell and a pipeline need a few)",
        );
    }
    let cpus = section.cpus.unwrap_or(1.0);
    if !(cpus.is_finite() && (0.01..=1024.0).contains(&cpus)) {
        problems.add(
            "container.cpus",
            Some(cpus.to_string()),
            "expected CPUs from 0.01 to 1024",
        );
    }
    let shell = section.shell.clone().unwrap_or_else(|| "/bin/sh".into());
    if !shell.starts_with('/') || shell.chars().any(|c| c.is_control() || c == ' ') {
        problems.add(
            "container.shell",
            Some(quoted(&shell)),
            "expected the absolute path of a shell in the image, e.g. \"/bin/sh\"",
        );
    }
    let scratch_mib = section.scratch_mib.unwrap_or(DEFAULT_SCRATCH_MIB);
    if !(1..=65536).contains(&scratch_mib) {
        problems.add(
            "container.scratch_mib",
            Some(scratch_mib.to_string()),
            "expected MiB from 1 to 65536",
        );
    }
    let pool_size = section.pool_size.unwrap_or(0);
    if pool_size > MAX_POOL_SIZE {
        problems.add(
            "container.pool_size",
            Some(pool_size.to_string()),
            format!("expected at most {MAX_POOL_SIZE} warm containers"),
        );
    }
    let pool_idle_secs = section.pool_idle_secs.unwrap_or(DEFAULT_POOL_IDLE_SECS);
    if !(pool_idle_secs.is_finite() && pool_idle_secs > 0.0 && pool_idle_secs <= 86_400.0) {
        problems.add(
            "container.pool_idle_secs",
            Some(pool_idle_secs.to_string()),
            "expected seconds above 0 and at most a day",
        );
    }
    Some(ContainerPolicy {
        runtime,
        image,
        allowed_images,
        user,
        pids_limit,
        cpus,
        shell,
        scratch_bytes: scratch_mib * MIB,
        pool_size,
        pool_idle: Duration::from_secs_f64(pool_idle_secs.clamp(0.001, 86_400.0)),
    })
}

/// Image references as the engines accept them: no spaces, no options in disguise.
fn check_image_name(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("empty: expected an image name such as \"zonebox/agent:1\"".into());
    }
    if text.starts_with('-') {
        return Err("starts with '-': an image name, not an option".into());
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-/:@".contains(*c)))
    {
        return Err(format!(
            "contains {bad:?}; image names use letters, digits and . _ - / : @"
        ));
    }
    Ok(())
}

fn parse_user(text: &str) -> Result<(u32, u32), String> {
    let expected = "expected numeric uid:gid such as \"1000:1000\"";
    let (uid, gid) = text.split_once(':').ok_or(expected)?;
    match (uid.parse(), gid.parse()) {
        (Ok(uid), Ok(gid)) => Ok((uid, gid)),
        _ => Err(expected.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_stop_at_a_path_boundary_and_digests_are_exact() {
        let prefix = ImageRule::Prefix("alpine".into());
        assert!(prefix.allows("alpine") && prefix.allows("alpine:3.20"));
        assert!(prefix.allows("alpine/extra"));
        assert!(!prefix.allows("alpine-evil") && !prefix.allows("alpin"));
        let org = ImageRule::Prefix("zonebox/".into());
        assert!(org.allows("zonebox/agent:1") && !org.allows("zonebox-evil/x"));
        let digest = ImageRule::Digest("img@sha256:abc".into());
        assert!(digest.allows("img@sha256:abc"));
        assert!(!digest.allows("img") && !digest.allows("img@sha256:abd"));
    }

    #[test]
    fn users_are_numeric() {
        assert_eq!(parse_user("1000:100"), Ok((1000, 100)));
        assert!(parse_user("root").is_err() && parse_user("1:x").is_err());
    }
}
