//! The `[routing]` section: which native commands go to the container runtime, which names are
//! denied (with the reason shown to the agent), and what happens to native names not listed and
//! to command names known only at run time. The router (`crate::router`) applies it.

use super::file::RoutingSection;
use super::validate::{Problems, quoted};
use regex::Regex;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

crate::named_enum::named_enum! {
    /// Where a command that no rule names goes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Fallback {
        /// Into wasm, where the shell resolves the name when the line runs, under the same deny
        /// rules, and a native program cannot run (only for `routing.dynamic`).
        Wasm = "wasm",
        /// To the policy's container runtime.
        Container = "container",
        /// Nowhere: the line is denied.
        Deny = "deny",
        /// The line runs, and the name fails where it is reached with bash's "command not
        /// found" (status 127), its reason shown (only for `routing.unknown`; a line that
        /// goes to a container denies it instead, where a program of that name could run).
        NotFound = "not-found",
    }
}

/// A command name, or a shell pattern over names (`ssh*`, `python3.[0-9]*`).
#[derive(Debug, Clone)]
pub struct NamePattern {
    pub text: String,
    /// `None` for a plain name, compared exactly.
    matcher: Option<Regex>,
}

impl NamePattern {
    fn new(text: &str) -> Result<NamePattern, String> {
        if text.is_empty() {
            return Err("empty: expected a command name or a pattern such as \"ssh*\"".into());
        }
        if text.contains('/') {
            return Err(
                "a path: rules name commands, and a path such as /usr/bin/x routes by its \
                 basename; write the name alone"
                    .into(),
            );
        }
        if text.chars().any(char::is_control) {
            return Err("contains a control character".into());
        }
        if !text.contains(['*', '?', '[']) {
            return Ok(NamePattern {
                text: text.to_string(),
                matcher: None,
            });
        }
        let body =
            crate::upstream::guarded(|| brush_parser::pattern::pattern_to_regex_str(text, true))
                .ok_or("not a valid pattern")?
                .map_err(|e| format!("not a valid pattern ({e})"))?;
        let matcher = Regex::new(&format!("^(?:{body})$"))
            .map_err(|e| format!("not a valid pattern ({e})"))?;
        Ok(NamePattern {
            text: text.to_string(),
            matcher: Some(matcher),
        })
    }

    pub fn matches(&self, name: &str) -> bool {
        match &self.matcher {
            None => self.text == name,
            Some(regex) => regex.is_match(name),
        }
    }
}

impl PartialEq for NamePattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for NamePattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// A deny rule: the names it covers and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DenyRule {
    pub pattern: NamePattern,
    pub reason: String,
}

/// The validated `[routing]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Routing {
    pub unknown: Fallback,
    pub dynamic: Fallback,
    pub container: Vec<NamePattern>,
    #[serde(serialize_with = "serialize_deny")]
    pub deny: Vec<DenyRule>,
}

fn serialize_deny<S: Serializer>(rules: &[DenyRule], serializer: S) -> Result<S::Ok, S::Error> {
    let map: BTreeMap<&str, &str> = rules
        .iter()
        .map(|rule| (rule.pattern.text.as_str(), rule.reason.as_str()))
        .collect();
    map.serialize(serializer)
}

/// Names denied whatever the policy lists for the container: they would gain privileges.
const PRIVILEGE_ESCALATION: &[&str] = &["sudo", "doas", "su", "pkexec", "runuser"];

impl Routing {
    /// The deny rule that covers `name`, if any: the policy's own rules first, then the
    /// built-in refusal of privilege escalation (which a policy may not lift).
    pub fn denial(&self, name: &str) -> Option<(String, String)> {
        if let Some(rule) = self.deny.iter().find(|rule| rule.pattern.matches(name)) {
            return Some((
                format!("routing.deny[{:?}]", rule.pattern.text),
                rule.reason.clone(),
            ));
        }
        PRIVILEGE_ESCALATION.contains(&name).then(|| {
            (
                "built-in rule".to_string(),
                format!("{name} changes privileges; no policy can allow it"),
            )
        })
    }

    /// The `routing.container` entry that sends `name` to the container runtime, if any.
    pub fn container_rule(&self, name: &str) -> Option<&NamePattern> {
        self.container.iter().find(|p| p.matches(name))
    }

    /// True when some line could be sent to a container under this routing.
    pub fn uses_containers(&self) -> bool {
        !self.container.is_empty()
            || self.unknown == Fallback::Container
            || self.dynamic == Fallback::Container
    }
}

/// Checks `[routing]`; an absent section routes every native name to deny.
pub(super) fn validate_routing(
    section: Option<&RoutingSection>,
    problems: &mut Problems<'_>,
) -> Routing {
    let default = RoutingSection::default();
    let section = section.unwrap_or(&default);
    let mut fallback = |key: &str, value: Option<&str>| match value {
        None | Some("deny") => Fallback::Deny,
        Some("container") => Fallback::Container,
        Some("wasm") if key == "dynamic" => Fallback::Wasm,
        Some("not-found") if key == "unknown" => Fallback::NotFound,
        Some(other) => {
            let expected = if key == "dynamic" {
                "expected \"deny\", \"container\" or \"wasm\""
            } else {
                "expected \"deny\", \"container\" or \"not-found\" (a native program \
                 cannot run in wasm)"
            };
            problems.add(&format!("routing.{key}"), Some(quoted(other)), expected);
            Fallback::Deny
        }
    };
    let unknown = fallback("unknown", section.unknown.as_deref());
    let dynamic = fallback("dynamic", section.dynamic.as_deref());
    let mut container = Vec::new();
    for (index, text) in section.container.iter().enumerate() {
        match NamePattern::new(text) {
            Ok(pattern) => container.push(pattern),
            Err(reason) => problems.add(
                &format!("routing.container[{index}]"),
                Some(quoted(text)),
                reason,
            ),
        }
    }
    let mut deny = Vec::new();
    for (text, reason) in &section.deny {
        let key = format!("routing.deny.{}", quoted(text));
        if reason.trim().is_empty() {
            problems.add(
                &key,
                Some(quoted(reason)),
                "empty reason: say why, the agent is shown it",
            );
            continue;
        }
        match NamePattern::new(text) {
            Ok(pattern) if container.contains(&pattern) => problems.add(
                &key,
                Some(quoted(reason)),
                format!("{text} is also in routing.container; a name is either denied or sent to the container: remove one"),
            ),
            Ok(pattern) => deny.push(DenyRule {
                pattern,
                reason: reason.clone(),
            }),
            Err(why) => problems.add(&key, Some(quoted(reason)), why),
        }
    }
    Routing {
        unknown,
        dynamic,
        container,
        deny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_names() {
        let pattern = NamePattern::new("ssh*").unwrap();
        assert!(pattern.matches("ssh") && pattern.matches("ssh-agent"));
        assert!(!pattern.matches("xssh"));
        let exact = NamePattern::new("python3").unwrap();
        assert!(exact.matches("python3") && !exact.matches("python3.11"));
        assert!(NamePattern::new("/usr/bin/x").is_err());
        assert!(NamePattern::new("").is_err());
    }
}
