//! Policy errors: every problem found, each naming the source, the key and the value.

use std::fmt;

/// One thing wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key, as a path (`zones[1].mode`); empty for the whole file.
    pub key: String,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What was expected, or what to do.
    pub expected: String,
}

impl Problem {
    pub fn new(key: impl Into<String>, value: Option<String>, expected: impl Into<String>) -> Self {
        Problem {
            key: key.into(),
            value,
            expected: expected.into(),
        }
    }

    pub(crate) fn unreadable(error: std::io::Error) -> Self {
        Problem::new("", None, format!("cannot read the file: {error}"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key[..], &self.value) {
            ("", _) => write!(f, "{}", self.expected),
            (key, Some(value)) => write!(f, "{key} = {value}: {}", self.expected),
            (key, None) => write!(f, "{key}: {}", self.expected),
        }
    }
}

/// A policy that cannot be used, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    /// The policy file, `<default policy>`, or the flag the problem came from.
    pub source_name: String,
    pub problems: Vec<Problem>,
}

impl PolicyError {
    pub(crate) fn single(source: &str, problem: Problem) -> Self {
        PolicyError {
            source_name: source.to_string(),
            problems: vec![problem],
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {problem}", self.source_name)?;
        }
        Ok(())
    }
}
