//! zonebox's integration tests, one binary (wasmtime makes each test binary slow to link).
//! They drive the public library and the `zonebox` CLI as a user would, and check the host's
//! state afterwards: what must have happened, and what must not.

mod support;

mod architecture;
mod cache;
mod cli;
mod containers;
mod differential;
mod host_side;
mod hostile;
mod library;
mod limits;
mod policy;
mod python_client;
mod routing;
mod server;
mod session;
mod shell;
mod shell_hostile;
mod tools;
mod zones;
