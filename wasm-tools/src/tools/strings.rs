//! strings (printable runs of at least -n characters, -t offsets) and tsort (topological sort).

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out, warn};
use crate::common::{ToolError, ToolResult};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;

pub fn strings(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let argv = args::expand_numeric_shorthand(argv, "-n");
    let mut parser = args::parser(argv);
    let mut minimum = 4usize;
    let mut radix: Option<char> = None;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('n') | Arg::Long("bytes") => {
                let text = args::value_text(&mut parser)?;
                minimum = text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    ToolError::operand(format!("invalid minimum string length {text}"))
                })?;
            }
            Arg::Short('t') | Arg::Long("radix") => {
                let text = args::value_text(&mut parser)?;
                radix = match text.as_str() {
                    "d" | "o" | "x" => text.chars().next(),
                    _ => return Err(ToolError::usage(format!("invalid radix '{text}'"))),
                };
            }
            Arg::Short('a') | Arg::Long("all") => {}
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    each_input(tool, files, |_, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let printable = |b: u8| (0x20..0x7f).contains(&b) || b == b'\t';
        let mut start = None;
        for i in 0..=data.len() {
            let inside = i < data.len() && printable(data[i]);
            match (inside, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if i - s >= minimum {
                        let offset = match radix {
                            Some('d') => format!("{s:7} "),
                            Some('o') => format!("{s:7o} "),
                            Some('x') => format!("{s:7x} "),
                            _ => String::new(),
                        };
                        out(offset.as_bytes())?;
                        out(&data[s..i])?;
                        out(b"\n")?;
                    }
                    start = None;
                }
                _ => {}
            }
        }
        Ok(())
    })
}

pub fn tsort(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let files = args::operands_only(argv)?;
    args::at_most(&files, 1)?;
    let mut words = Vec::new();
    let status = each_input(tool, files, |_, input| {
        let mut text = String::new();
        input.read_to_string(&mut text)?;
        words.extend(text.split_whitespace().map(str::to_string));
        Ok(())
    })?;
    if words.len() % 2 == 1 {
        return Err(ToolError::failure("input contains an odd number of tokens"));
    }
    // Nodes in order of first appearance; edges a -> b.
    let mut order: Vec<String> = Vec::new();
    let mut successors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut indegree: BTreeMap<String, usize> = BTreeMap::new();
    for pair in words.chunks(2) {
        for w in pair {
            if !indegree.contains_key(w) {
                indegree.insert(w.clone(), 0);
                order.push(w.clone());
            }
        }
        let list = successors.entry(pair[0].clone()).or_default();
        if pair[0] != pair[1] && !list.contains(&pair[1]) {
            list.push(pair[1].clone());
            *indegree.entry(pair[1].clone()).or_default() += 1;
        }
    }
    // As GNU does: start from the nodes nothing precedes, in byte order; each output releases
    // its successors, newest relation first.
    let mut status = status;
    let mut done = BTreeSet::new();
    let mut queue: std::collections::VecDeque<String> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(n, _)| n.clone())
        .collect();
    while done.len() < order.len() {
        let node = match queue.pop_front() {
            Some(node) => node,
            None => {
                // A cycle: report it and break it at the first remaining node.
                let node = indegree
                    .keys()
                    .find(|n| !done.contains(*n))
                    .cloned()
                    .unwrap_or_default();
                warn(tool, format!("-: input contains a loop:\n{tool}: {node}"));
                status = 1;
                node
            }
        };
        if !done.insert(node.clone()) {
            continue;
        }
        out(format!("{node}\n").as_bytes())?;
        for next in successors
            .get(&node)
            .map(|s| s.iter().rev().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Some(d) = indegree.get_mut(&next) {
                *d = d.saturating_sub(1);
                if *d == 0 && !done.contains(&next) {
                    queue.push_back(next);
                }
            }
        }
    }
    Ok(status)
}
