//! Calendar arithmetic: civil dates from Unix time, and the local time zone `TZ` names (from the
//! IANA database compiled into the toolset; the guest has no /usr/share/zoneinfo).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

pub const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the epoch (negative before it).
pub fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    }
}

pub fn from_unix_seconds(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

/// Howard Hinnant's days-to-civil algorithm.
pub fn civil(seconds: i64) -> Civil {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rest / 3600,
        minute: rest % 3600 / 60,
        second: rest % 60,
    }
}

/// The inverse of [`civil`].
pub fn to_unix_seconds(c: Civil) -> i64 {
    let year = c.year - i64::from(c.month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(c.month);
    let doy =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(c.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(c.hour) * 3600 + i64::from(c.minute) * 60 + i64::from(c.second)
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]` or `@SECONDS`: in the
/// zone `TZ` names, as GNU date reads it, unless the text ends with its own zone (`Z`, `UTC`,
/// `GMT`, `+HHMM`, `-HH:MM`, `+HH`).
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(seconds) = text.strip_prefix('@') {
        return seconds.parse().ok();
    }
    let (text, offset) = split_zone(text);
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((date, clock)) => (date, Some(clock.trim())),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    if let Some(clock) = clock {
        let mut fields = clock.split(':');
        hour = fields.next()?.parse().ok()?;
        minute = fields.next()?.parse().ok()?;
        second = fields
            .next()
            .map_or(Some(0), |s| s.split('.').next()?.parse().ok())?;
    }
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    if !valid {
        return None;
    }
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
    };
    match offset {
        Some(offset) => Some(to_unix_seconds(civil) - offset),
        None => Some(local_to_unix_seconds(civil)),
    }
}

/// The text without a trailing zone, and that zone's offset east of UTC in seconds.
fn split_zone(text: &str) -> (&str, Option<i64>) {
    for (suffix, offset) in [("Z", 0), (" UTC", 0), (" GMT", 0), ("UTC", 0), ("GMT", 0)] {
        if let Some(rest) = text.strip_suffix(suffix)
            && rest.contains(':')
        {
            return (rest.trim_end(), Some(offset));
        }
    }
    // `+HHMM`, `-HH:MM`, `+HH` after a clock (a date's own `-` are not offsets).
    let Some(at) = text.rfind(['+', '-']) else {
        return (text, None);
    };
    let (rest, zone) = text.split_at(at);
    if !rest.contains(':') {
        return (text, None);
    }
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i64>().ok(), Some(0)),
        4 => (
            digits[..2].parse::<i64>().ok(),
            digits[2..].parse::<i64>().ok(),
        ),
        _ => (None, None),
    };
    match (hours, minutes, digits.chars().all(|c| c.is_ascii_digit())) {
        (Some(h), Some(m), true) if h < 24 && m < 60 => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            (rest.trim_end(), Some(sign * (h * 3600 + m * 60)))
        }
        _ => (text, None),
    }
}

/// A wall-clock time in the zone `TZ` names, as Unix seconds (UTC when `TZ` names none; a
/// time a change skips or repeats takes jiff's compatible choice, as mktime does).
fn local_to_unix_seconds(c: Civil) -> i64 {
    let utc = to_unix_seconds(c);
    let Some(zone) = tz() else {
        return utc;
    };
    let Ok(month) = i8::try_from(c.month) else {
        return utc;
    };
    let fields = (
        i16::try_from(c.year).ok(),
        i8::try_from(c.day).ok(),
        i8::try_from(c.hour).ok(),
        i8::try_from(c.minute).ok(),
        i8::try_from(c.second.min(59)).ok(),
    );
    let (Some(year), Some(day), Some(hour), Some(minute), Some(second)) = fields else {
        return utc;
    };
    jiff::civil::DateTime::new(year, month, day, hour, minute, second, 0)
        .and_then(|dt| dt.to_zoned(zone))
        .map_or(utc, |zoned| zoned.timestamp().as_second())
}

/// The zone `TZ` names (an IANA name, with or without a leading `:`, or a POSIX rule);
/// `None` when it is unset, empty or names nothing.
fn tz() -> Option<jiff::tz::TimeZone> {
    let name = std::env::var("TZ").ok()?;
    let name = name.strip_prefix(':').unwrap_or(&name);
    if name.is_empty() {
        return None;
    }
    jiff::tz::db()
        .get(name)
        .or_else(|_| jiff::tz::TimeZone::posix(name))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates() {
        for seconds in [0, 86_399, 951_782_400, 1_700_000_000, -86_400] {
            assert_eq!(to_unix_seconds(civil(seconds)), seconds);
        }
        assert_eq!(
            civil(951_782_400),
            Civil {
                year: 2000,
                month: 2,
                day: 29,
                hour: 0,
                minute: 0,
                second: 0
            }
        );
        // Without a zone of its own the text is read in TZ's zone (UTC when TZ is unset).
        if std::env::var_os("TZ").is_none() {
            assert_eq!(parse_date("2024-03-01 12:30"), Some(1_709_296_200));
        }
        assert_eq!(parse_date("@42"), Some(42));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(
            parse_date("2024-03-01 12:30 +0100"),
            Some(1_709_296_200 - 3600)
        );
        assert_eq!(
            parse_date("2024-03-01 12:30-05:30"),
            Some(1_709_296_200 + 19_800)
        );
        assert_eq!(parse_date("2024-03-01T12:30:00Z"), Some(1_709_296_200));
        assert_eq!(parse_date("2024-03-01 12:30 UTC"), Some(1_709_296_200));
    }
}

/// A time zone at one moment: its offset east of UTC and its abbreviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub offset_seconds: i64,
    pub abbreviation: String,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            offset_seconds: 0,
            abbreviation: "UTC".to_string(),
        }
    }
}

/// The zone `TZ` names at `seconds` (an IANA name, with or without a leading `:`, or a POSIX
/// rule such as `EST5EDT`); UTC when `TZ` is unset, empty or names nothing, as glibc reads it.
pub fn local_zone(seconds: i64) -> Zone {
    let (Some(zone), Ok(moment)) = (tz(), jiff::Timestamp::from_second(seconds)) else {
        return Zone::utc();
    };
    let info = zone.to_offset_info(moment);
    Zone {
        offset_seconds: i64::from(info.offset().seconds()),
        abbreviation: info.abbreviation().to_string(),
    }
}
