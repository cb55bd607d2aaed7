//! The budget of one line, owned by the line and shared by all its commands: its wall clock, its
//! CPU fuel, how many of its commands may run at once, how much output a capture keeps, and the
//! first limit that stopped it.
//! Pipeline stages (on one thread or several) reserve and release from it.

use super::exit;
use super::limit::{LimitKind, Stopped};
use crate::policy::Limits;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// One line's limits as they are spent.
pub(crate) struct LineBudget {
    /// When the line's wall-clock limit ends.
    deadline: Instant,
    /// The CPU fuel left (`limits.cpu_fuel`), shared by all the line's commands.
    fuel_left: Option<AtomicU64>,
    /// `limits.max_instances`.
    max_instances: usize,
    /// `limits.max_output_bytes`: what a capture of the line's output keeps.
    output_cap: u64,
    /// Commands and pipeline stages running now.
    live_instances: AtomicUsize,
    /// The first limit that stopped a command, reported with the line's output.
    first_stop: Mutex<Option<Stopped>>,
    /// Set when a limit ends the whole line: its exit status (every command unwinds).
    aborted: AtomicI32,
}

/// Instances reserved from a [`LineBudget`], released when dropped.
#[must_use = "the instances are released when this is dropped"]
pub(crate) struct InstanceSlots<'a> {
    budget: &'a LineBudget,
    count: usize,
}

impl Drop for InstanceSlots<'_> {
    fn drop(&mut self) {
        self.budget
            .live_instances
            .fetch_sub(self.count, Ordering::SeqCst);
    }
}

impl LineBudget {
    pub(crate) fn new(limits: &Limits, deadline: Instant) -> LineBudget {
        LineBudget {
            deadline,
            fuel_left: limits.cpu_fuel.map(AtomicU64::new),
            max_instances: limits.max_instances,
            output_cap: limits.max_output_bytes,
            live_instances: AtomicUsize::new(0),
            first_stop: Mutex::new(None),
            aborted: AtomicI32::new(0),
        }
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// How many bytes a capture of output keeps (`$(…)`, `printf -v`).
    pub(crate) fn output_cap(&self) -> u64 {
        self.output_cap
    }

    /// Whether the wall clock has run out.
    pub(crate) fn past_deadline(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Reserves `count` more running instances, or ends the line for `limits.max_instances`
    /// (fork-bomb shapes stop here).
    pub(crate) fn reserve(&self, count: usize) -> Result<InstanceSlots<'_>, i32> {
        if self.live_instances.fetch_add(count, Ordering::SeqCst) + count > self.max_instances {
            self.live_instances.fetch_sub(count, Ordering::SeqCst);
            return Err(self.abort(LimitKind::Instances.into()));
        }
        Ok(InstanceSlots {
            budget: self,
            count,
        })
    }

    /// The fuel left for the next command (`None`: unmetered).
    pub(crate) fn fuel(&self) -> Option<u64> {
        self.fuel_left
            .as_ref()
            .map(|left| left.load(Ordering::SeqCst))
    }

    /// Takes what a command consumed from the line's fuel.
    pub(crate) fn spend_fuel(&self, used: u64) {
        if let Some(left) = &self.fuel_left {
            let _ = left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                Some(l.saturating_sub(used))
            });
        }
    }

    /// Keeps `stopped` as the line's reason when it is the first.
    pub(crate) fn record(&self, stopped: Stopped) {
        let mut first = self.first_stop.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(stopped);
    }

    /// Ends the whole line for a limit: every command unwinds at its next check; the line
    /// exits 137 with one note at its end. Returns that status.
    pub(crate) fn abort(&self, stopped: Stopped) -> i32 {
        self.record(stopped);
        self.aborted.store(exit::KILLED, Ordering::SeqCst);
        exit::KILLED
    }

    /// The status a limit ended the line with, if one did.
    pub(crate) fn aborted_status(&self) -> Option<i32> {
        Some(self.aborted.load(Ordering::SeqCst)).filter(|&s| s != 0)
    }

    /// The first limit that stopped a command of the line (taken: asked once, at the end).
    pub(crate) fn take_first_stop(&self) -> Option<Stopped> {
        self.first_stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_are_reserved_and_released() {
        let limits = Limits {
            max_instances: 2,
            ..crate::Policy::default_policy().unwrap().limits
        };
        let budget = LineBudget::new(&limits, Instant::now());
        let two = budget.reserve(2).unwrap();
        assert_eq!(budget.reserve(1).err(), Some(exit::KILLED));
        assert_eq!(budget.aborted_status(), Some(exit::KILLED));
        drop(two);
        let _one = budget.reserve(1).unwrap();
        assert_eq!(
            budget.take_first_stop(),
            Some(Stopped::Limit(LimitKind::Instances))
        );
    }
}
