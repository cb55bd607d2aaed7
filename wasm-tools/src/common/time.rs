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

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]` or `@SECONDS` as UTC.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(seconds) = text.strip_prefix('@') {
        return seconds.parse().ok();
    }
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((date, clock)) => (date, Some(clock.trim_end_matches('Z'))),
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
    valid.then(|| {
        to_unix_seconds(Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    })
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
        assert_eq!(parse_date("2024-03-01 12:30"), Some(1_709_296_200));
        assert_eq!(parse_date("@42"), Some(42));
        assert_eq!(parse_date("2024-13-01"), None);
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
    let Ok(name) = std::env::var("TZ") else {
        return Zone::utc();
    };
    let name = name.strip_prefix(':').unwrap_or(&name);
    if name.is_empty() {
        return Zone::utc();
    }
    let zone = jiff::tz::db()
        .get(name)
        .or_else(|_| jiff::tz::TimeZone::posix(name));
    let (Ok(zone), Ok(moment)) = (zone, jiff::Timestamp::from_second(seconds)) else {
        return Zone::utc();
    };
    let info = zone.to_offset_info(moment);
    Zone {
        offset_seconds: i64::from(info.offset().seconds()),
        abbreviation: info.abbreviation().to_string(),
    }
}
