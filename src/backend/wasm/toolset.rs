//! The toolset module, embedded at build time by build.rs.

include!(concat!(env!("OUT_DIR"), "/toolset.rs"));
