//! The toolset's command names, from the one list the toolset's dispatch table is made of
//! (`wasm-tools/src/tool_list.rs`): what the router calls a toolset command is exactly what the
//! toolset runs.

macro_rules! tool_list {
    ($($name:literal => $main:path, $summary:literal;)*) => {
        /// The toolset's command names, sorted (the list is kept sorted; a test checks it).
        pub(crate) const TOOL_NAMES: &[&str] = &[$($name),*];
    };
}

include!("../../../wasm-tools/src/tool_list.rs");

/// Whether `name` is a command of the toolset.
pub(crate) fn is_tool(name: &str) -> bool {
    TOOL_NAMES.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_has_the_basics() {
        assert!(TOOL_NAMES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_tool("cat") && is_tool("[") && !is_tool("python3"));
    }
}
