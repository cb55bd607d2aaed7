//! Zones: host directories at guest paths, the one idea every part of zonebox shares. The
//! policy's zones made ready for a line or session ([`ZoneMounts`], scratch zones from a
//! [`ScratchPool`]), guest paths resolved to their zone ([`normalize`], [`innermost`]), and the
//! host-side access to zone files that the shell and the router use ([`ZoneFs`],
//! [`ScriptFiles`]): through cap-std, regular files only, never blocking.

mod files;
mod mounts;
mod root;
mod scratch;

pub(crate) use files::{OpenFor, ScriptFiles, ZoneFs, describe};
pub(crate) use mounts::{Mount, ZoneMounts, innermost, normalize};
pub(crate) use root::RootView;
pub(crate) use scratch::{ScratchPool, private_dir};
