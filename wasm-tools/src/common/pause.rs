//! Waiting for a while: one wait for an absolute deadline on the monotonic clock. zonebox runs
//! such a wait (a WASI `poll_oneoff` with an absolute clock) without holding the host thread,
//! so the line's wall clock can end it; a relative one-clock wait, which `std::thread::sleep`
//! makes, may hold the host thread until it is over.

use std::time::Duration;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Waits `duration` (woken early only by nothing: an interrupted wait resumes).
pub fn pause(duration: Duration) {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill.
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) } != 0 {
        std::thread::sleep(duration);
        return;
    }
    let total = now.tv_nsec as u128 + duration.as_nanos();
    let seconds = i64::try_from(total / NANOS_PER_SECOND).unwrap_or(i64::MAX / 2);
    let deadline = libc::timespec {
        tv_sec: now.tv_sec.saturating_add(seconds as _),
        tv_nsec: (total % NANOS_PER_SECOND) as _,
    };
    loop {
        // SAFETY: `deadline` is a valid timespec; no remainder is asked for (absolute wait).
        let status = unsafe {
            libc::clock_nanosleep(
                libc::CLOCK_MONOTONIC,
                libc::TIMER_ABSTIME,
                &deadline,
                std::ptr::null_mut(),
            )
        };
        if status != libc::EINTR {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn waits_at_least_the_duration() {
        let started = Instant::now();
        pause(Duration::from_millis(30));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }
}
