//! zonebox runs AI agents' shell commands in a sandbox that starts in microseconds.
//!
//! A [`Policy`] says which host directories (zones) a command sees and how, its environment and
//! its limits. A [`Sandbox`] runs command lines under that policy: toolset commands (`ls`, `cat`,
//! `head`, …) run as WebAssembly in wasmtime, where nothing outside the zones exists.
//!
//! ```no_run
//! use zonebox::{Policy, Sandbox};
//! let sandbox = Sandbox::new(Policy::default_policy()?)?;
//! let output = sandbox.run("head -n 3 README.md")?;
//! assert_eq!(output.exit_code, 0);
//! # Ok::<(), zonebox::Error>(())
//! ```

mod backend;
mod error;
mod line;
mod named_enum;
mod output;
pub mod policy;
pub mod router;
mod run_options;
mod sandbox;
pub mod server;
mod session;
pub mod shell;
mod stdio;
mod upstream;
mod zones;

pub use backend::Backend;
pub use backend::wasm::{CompileEvent, DEFAULT_INSTANCE_SLOTS};
pub use error::{ContainerError, Error, Result, ZoneError};
pub use line::LimitKind;
pub use line::exit::DENIED as EXIT_DENIED;
pub use output::{Output, RunReport};
pub use policy::{Policy, PolicyError, PolicyOverrides};
pub use router::{CommandClass, Decision, Route, RoutedCommand};
pub use run_options::{CancelHandle, OutputTap, RunOptions, Stream};
pub use sandbox::{Sandbox, SandboxBuilder, ToolInfo, WasmProgram};
pub use session::Session;
