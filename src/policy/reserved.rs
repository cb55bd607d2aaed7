//! Environment variables a container never gets from the host or a session, only from the
//! policy's own `env.set`: they change what programs load or where they connect. Validation
//! warns about them in `env.pass`; the container backend leaves them out.

/// Variables a container never gets from the host or a session, only from the policy's own
/// `env.set`: they change what programs load or where they connect.
const RESERVED: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "DOCKER_HOST",
    "BASH_ENV",
    "ENV",
    "PYTHONSTARTUP",
    "NODE_OPTIONS",
];

/// True for a variable a container gets only from the policy's `env.set`.
pub(crate) fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name) || name.starts_with("DYLD_")
}
