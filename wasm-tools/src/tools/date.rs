//! date: print the time (+FORMAT, -d STRING, -r FILE, -I[SPEC], -R, -u) in the zone `TZ` names
//! (UTC without it; `-d` dates are read as UTC).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out};
use crate::common::time::{self, Civil, MONTH_NAMES};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::time::SystemTime;

const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut when: Option<(i64, u32)> = None;
    let mut format: Option<String> = None;
    let mut utc = false;
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('u') | Arg::Long("utc" | "universal") => utc = true,
            Arg::Short('d') | Arg::Long("date") => {
                let text = args::value_text(&mut parser)?;
                when = Some((
                    parse_relative(&text)
                        .ok_or_else(|| ToolError::failure(format!("invalid date '{text}'")))?,
                    0,
                ));
            }
            Arg::Short('r') | Arg::Long("reference") => {
                let name = args::value_text(&mut parser)?;
                let modified = std::fs::metadata(&name)
                    .and_then(|m| m.modified())
                    .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
                let since = modified
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                when = Some((since.as_secs() as i64, since.subsec_nanos()));
            }
            Arg::Short('I') | Arg::Long("iso-8601") => {
                let spec = parser
                    .optional_value()
                    .map(args::text)
                    .unwrap_or_else(|| "date".into());
                format = Some(
                    match spec.as_str() {
                        "date" => "%Y-%m-%d",
                        "hours" => "%Y-%m-%dT%H%:z",
                        "minutes" => "%Y-%m-%dT%H:%M%:z",
                        "seconds" => "%Y-%m-%dT%H:%M:%S%:z",
                        "ns" => "%Y-%m-%dT%H:%M:%S,%N%:z",
                        other => {
                            return Err(ToolError::operand(format!(
                                "invalid argument '{other}' for '--iso-8601'"
                            )));
                        }
                    }
                    .into(),
                );
            }
            Arg::Short('R') | Arg::Long("rfc-email") => {
                format = Some("%a, %d %b %Y %H:%M:%S %z".into())
            }
            Arg::Short('s') | Arg::Long("set") => {
                return Err(ToolError::usage(
                    "option '-s' is not supported: the sandbox cannot set the clock",
                ));
            }
            Arg::Value(value) => {
                let text = args::text(value);
                match text.strip_prefix('+') {
                    Some(custom) => format = Some(custom.to_string()),
                    None => return Err(ToolError::operand(format!("invalid date '{text}'"))),
                }
            }
            other => return Err(args::unknown(other)),
        }
    }
    let (seconds, nanos) = when.unwrap_or_else(|| {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        (now.as_secs() as i64, now.subsec_nanos())
    });
    let format = format.unwrap_or_else(|| "%a %b %e %H:%M:%S %Z %Y".into());
    let zone = if utc {
        time::Zone::utc()
    } else {
        time::local_zone(seconds)
    };
    out(format!("{}\n", strftime_in(&format, seconds, nanos, &zone)).as_bytes())?;
    Ok(0)
}

/// An offset east of UTC as `+hhmm` (`+hh:mm` with `separator` ":").
fn offset_text(offset_seconds: i64, separator: &str) -> String {
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
}

/// `now`, `today`, `yesterday`, `tomorrow`, `N UNIT(s) ago`, `+N UNIT(s)`, or an absolute date.
fn parse_relative(text: &str) -> Option<i64> {
    let now = time::unix_seconds(SystemTime::now());
    let lower = text.trim().to_ascii_lowercase();
    match lower.as_str() {
        "now" | "today" => return Some(now),
        "yesterday" => return Some(now - 86_400),
        "tomorrow" => return Some(now + 86_400),
        _ => {}
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    let unit_seconds = |unit: &str| -> Option<i64> {
        Some(match unit.trim_end_matches('s') {
            "sec" | "second" => 1,
            "min" | "minute" => 60,
            "hour" => 3600,
            "day" => 86_400,
            "week" => 7 * 86_400,
            _ => return None,
        })
    };
    let relative = match words.as_slice() {
        [count, unit, "ago"] => Some((-count.parse::<i64>().ok()?, *unit)),
        [count, unit] => count
            .trim_start_matches('+')
            .parse::<i64>()
            .ok()
            .map(|n| (n, *unit)),
        _ => None,
    };
    match relative.and_then(|(count, unit)| Some(count * unit_seconds(unit)?)) {
        Some(offset) => Some(now + offset),
        None => time::parse_date(text),
    }
}

fn weekday(seconds: i64) -> usize {
    // 1970-01-01 was a Thursday.
    ((seconds.div_euclid(86_400) + 4).rem_euclid(7)) as usize
}

fn day_of_year(c: &Civil) -> i64 {
    let start = time::to_unix_seconds(Civil {
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        ..*c
    });
    (time::to_unix_seconds(Civil {
        hour: 0,
        minute: 0,
        second: 0,
        ..*c
    }) - start)
        / 86_400
}

/// ISO 8601 week-numbering year and week of a date.
fn iso_week(seconds: i64) -> (i64, i64) {
    let c = time::civil(seconds);
    let monday_based = (weekday(seconds) + 6) % 7;
    let thursday = seconds - monday_based as i64 * 86_400 + 3 * 86_400;
    let year = time::civil(thursday).year;
    let week = day_of_year(&time::civil(thursday)) / 7 + 1;
    let _ = c;
    (year, week)
}

/// GNU's conversions, with the `-` (no padding), `_` (space padding) and `0` flags.
pub fn strftime(format: &str, seconds: i64, nanos: u32) -> String {
    strftime_in(format, seconds, nanos, &time::Zone::utc())
}

/// [`strftime`] of the local time in `zone` (`%s` stays the Unix time).
pub fn strftime_in(format: &str, epoch: i64, nanos: u32, zone: &time::Zone) -> String {
    let seconds = epoch.saturating_add(zone.offset_seconds);
    let strftime = |format: &str, _: i64, nanos: u32| strftime_in(format, epoch, nanos, zone);
    let c = time::civil(seconds);
    let chars: Vec<char> = format.chars().collect();
    let mut rendered = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' || i + 1 == chars.len() {
            rendered.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        let pad = match chars[i] {
            flag @ ('-' | '_' | '0') => {
                i += 1;
                Some(flag)
            }
            _ => None,
        };
        let Some(&conversion) = chars.get(i) else {
            break;
        };
        i += 1;
        let number = |value: i64, width: usize, default_pad: char| -> String {
            match pad.unwrap_or(default_pad) {
                '-' => value.to_string(),
                '_' => format!("{value:>width$}"),
                _ => format!("{value:0width$}"),
            }
        };
        let hour12 = if c.hour.is_multiple_of(12) {
            12
        } else {
            c.hour % 12
        };
        let piece = match conversion {
            'a' => DAY_NAMES[weekday(seconds)][..3].to_string(),
            'A' => DAY_NAMES[weekday(seconds)].to_string(),
            'b' | 'h' => MONTH_NAMES[(c.month - 1) as usize].to_string(),
            'B' => LONG_MONTHS[(c.month - 1) as usize].to_string(),
            'c' => strftime("%a %b %e %H:%M:%S %Y", seconds, nanos),
            'C' => number(c.year.div_euclid(100), 2, '0'),
            'd' => number(i64::from(c.day), 2, '0'),
            'D' | 'x' => strftime("%m/%d/%y", seconds, nanos),
            'e' => number(i64::from(c.day), 2, '_'),
            'F' => strftime("%Y-%m-%d", seconds, nanos),
            'G' => iso_week(seconds).0.to_string(),
            'g' => number(iso_week(seconds).0.rem_euclid(100), 2, '0'),
            'H' => number(i64::from(c.hour), 2, '0'),
            'I' => number(i64::from(hour12), 2, '0'),
            'j' => number(day_of_year(&c) + 1, 3, '0'),
            'k' => number(i64::from(c.hour), 2, '_'),
            'l' => number(i64::from(hour12), 2, '_'),
            'm' => number(i64::from(c.month), 2, '0'),
            'M' => number(i64::from(c.minute), 2, '0'),
            'n' => "\n".into(),
            'N' => format!("{nanos:09}"),
            'p' => (if c.hour < 12 { "AM" } else { "PM" }).into(),
            'P' => (if c.hour < 12 { "am" } else { "pm" }).into(),
            'r' => strftime("%I:%M:%S %p", seconds, nanos),
            'R' => strftime("%H:%M", seconds, nanos),
            's' => epoch.to_string(),
            'S' => number(i64::from(c.second), 2, '0'),
            't' => "\t".into(),
            'T' | 'X' => strftime("%H:%M:%S", seconds, nanos),
            'u' => (((weekday(seconds) + 6) % 7) + 1).to_string(),
            'U' => number((day_of_year(&c) + 7 - weekday(seconds) as i64) / 7, 2, '0'),
            'V' => number(iso_week(seconds).1, 2, '0'),
            'w' => weekday(seconds).to_string(),
            'W' => number(
                (day_of_year(&c) + 7 - ((weekday(seconds) as i64 + 6) % 7)) / 7,
                2,
                '0',
            ),
            'y' => number(c.year.rem_euclid(100), 2, '0'),
            'Y' => c.year.to_string(),
            'z' => offset_text(zone.offset_seconds, ""),
            ':' if chars.get(i) == Some(&'z') => {
                i += 1;
                offset_text(zone.offset_seconds, ":")
            }
            'Z' => zone.abbreviation.clone(),
            '%' => "%".into(),
            other => format!("%{other}"),
        };
        rendered.push_str(&piece);
    }
    rendered
}
