//! Finding a container engine: `DOCKER_HOST`, then Docker's socket, then Podman's (rootless,
//! then system), as the policy's `runtime` allows. Never the host itself: `native` is only
//! what a policy names explicitly. A missing engine is an error that lists what was tried.

use crate::policy::RuntimeChoice;
use std::path::{Path, PathBuf};

/// Where an engine's API may listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Unix(PathBuf),
    Http(String),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Http(url) => write!(f, "{url}"),
        }
    }
}

/// The endpoints to try for `choice`, in order, from the environment `var`.
pub(crate) fn candidates(
    choice: RuntimeChoice,
    var: &dyn Fn(&str) -> Option<String>,
) -> Vec<Endpoint> {
    let mut found = Vec::new();
    let docker_host = var("DOCKER_HOST").filter(|h| !h.is_empty()).map(|host| {
        match host.strip_prefix("unix://") {
            Some(path) => Endpoint::Unix(PathBuf::from(path)),
            None => Endpoint::Http(host.replacen("tcp://", "http://", 1)),
        }
    });
    let docker = [Endpoint::Unix(PathBuf::from("/var/run/docker.sock"))];
    let mut podman = Vec::new();
    if let Some(dir) = var("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        podman.push(Endpoint::Unix(Path::new(&dir).join("podman/podman.sock")));
    }
    podman.push(Endpoint::Unix(PathBuf::from("/run/podman/podman.sock")));
    match choice {
        RuntimeChoice::Docker => {
            found.extend(docker_host);
            found.extend(docker);
        }
        RuntimeChoice::Podman => found.extend(podman),
        RuntimeChoice::Auto => {
            found.extend(docker_host);
            found.extend(docker);
            found.extend(podman);
        }
        RuntimeChoice::Apple | RuntimeChoice::Native => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn docker_host_first_then_docker_then_podman() {
        let found = candidates(
            RuntimeChoice::Auto,
            &env(&[
                ("DOCKER_HOST", "unix:///tmp/d.sock"),
                ("XDG_RUNTIME_DIR", "/run/user/1000"),
            ]),
        );
        assert_eq!(
            found,
            [
                Endpoint::Unix("/tmp/d.sock".into()),
                Endpoint::Unix("/var/run/docker.sock".into()),
                Endpoint::Unix("/run/user/1000/podman/podman.sock".into()),
                Endpoint::Unix("/run/podman/podman.sock".into()),
            ]
        );
    }

    #[test]
    fn podman_only_looks_for_podman_and_tcp_hosts_are_http() {
        let found = candidates(
            RuntimeChoice::Podman,
            &env(&[("DOCKER_HOST", "tcp://1.2.3.4:2375")]),
        );
        assert_eq!(found, [Endpoint::Unix("/run/podman/podman.sock".into())]);
        let found = candidates(
            RuntimeChoice::Docker,
            &env(&[("DOCKER_HOST", "tcp://1.2.3.4:2375")]),
        );
        assert_eq!(found[0], Endpoint::Http("http://1.2.3.4:2375".into()));
        assert!(candidates(RuntimeChoice::Native, &env(&[])).is_empty());
    }
}
