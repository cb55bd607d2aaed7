//! The one thing of the locale the toolset honours: whether text is UTF-8 or bytes.

use std::sync::OnceLock;

/// True when the locale (LC_ALL, else LC_CTYPE, else LANG) names UTF-8; `C` and `POSIX` do not.
/// Read once per run: tools ask per line, and the environment does not change under them.
pub fn is_utf8() -> bool {
    static UTF8: OnceLock<bool> = OnceLock::new();
    *UTF8.get_or_init(|| {
        ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .is_some_and(|value| {
                let value = value.to_ascii_lowercase();
                value.contains("utf-8") || value.contains("utf8")
            })
    })
}
