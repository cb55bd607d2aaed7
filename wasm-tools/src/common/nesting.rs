//! How deeply brackets nest in JSON text or a jq filter, outside double-quoted strings: parsers
//! recurse per level, and the wasm stack has no guard page, so deep input is refused up front.

/// The deepest nesting of `[` `{` `(` in `text`.
pub fn max_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::max_depth;

    #[test]
    fn strings_do_not_count() {
        assert_eq!(max_depth(br#"{"a": [1, [2]]}"#), 3);
        assert_eq!(max_depth(br#"["[[[[", "\"[["]"#), 1);
        assert_eq!(max_depth(b"((1))"), 2);
    }
}
