//! The shell's host-side budget: memory (`limits.shell_memory_mib`) for a line's (or a
//! session's) whole shell state — variables, arrays, functions, the words and here-documents
//! being built, the state copies that subshells and jobs hold — and the running line's wall
//! clock, which every loop of host-side work (expansion, arithmetic, pattern matching, globbing)
//! checks. Sizes are charged before the memory is taken; a charge that does not fit is refused
//! and marks the budget, so the interpreter ends the line with the `shell_memory` limit at its
//! next checkpoint.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// What a variable (its name's entry in the table) and each string the shell holds (a value, an
/// array element, a word or field being built) cost beyond their bytes: the `String`, the
/// allocator's smallest block, and the slot of the container that holds it, as measured.
pub(crate) const ENTRY_OVERHEAD: usize = 96;
pub(crate) const ITEM_OVERHEAD: usize = 80;

/// The memory budget is spent: the line must end with `shell_memory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded;

/// A limit host-side work stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    WallClock,
    Memory,
}

impl From<Exceeded> for Stop {
    fn from(_: Exceeded) -> Stop {
        Stop::Memory
    }
}

/// The bytes the shell state holds now, against the budget, and the running line's deadline.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    used: AtomicUsize,
    exceeded: AtomicBool,
    /// The running line's deadline, in nanoseconds after [`epoch`] (`u64::MAX`: none).
    deadline: AtomicU64,
}

/// The instant deadlines are counted from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Arc<Budget> {
        Arc::new(Budget {
            limit,
            used: AtomicUsize::new(0),
            exceeded: AtomicBool::new(false),
            deadline: AtomicU64::new(u64::MAX),
        })
    }

    /// Starts a line: its wall clock ends at `deadline`, and a refused charge of an earlier line
    /// is forgotten (what is held stays charged).
    pub(crate) fn start_line(&self, deadline: Instant) {
        let nanos = deadline.saturating_duration_since(epoch()).as_nanos();
        self.deadline.store(
            u64::try_from(nanos).unwrap_or(u64::MAX - 1),
            Ordering::Relaxed,
        );
        self.exceeded.store(false, Ordering::Relaxed);
    }

    /// True once the running line's wall clock has run out.
    pub(crate) fn past_deadline(&self) -> bool {
        let deadline = self.deadline.load(Ordering::Relaxed);
        deadline != u64::MAX && epoch().elapsed().as_nanos() >= u128::from(deadline)
    }

    /// For loops of host-side work: the limit that stops the line now, if any.
    pub(crate) fn check(&self) -> Result<(), Stop> {
        if self.past_deadline() {
            Err(Stop::WallClock)
        } else if self.exceeded() {
            Err(Stop::Memory)
        } else {
            Ok(())
        }
    }

    #[cfg(test)]
    /// A budget with no practical limit (values built outside a line: tests, the router).
    pub(crate) fn unlimited() -> Arc<Budget> {
        Budget::new(usize::MAX / 2)
    }

    pub(crate) fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Bytes that may still be charged.
    pub(crate) fn available(&self) -> usize {
        self.limit.saturating_sub(self.used())
    }

    /// True once a charge was refused.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// Marks the budget as spent (a size that cannot even be computed without overflow).
    pub(crate) fn exceed(&self) -> Exceeded {
        self.exceeded.store(true, Ordering::Relaxed);
        Exceeded
    }

    /// Whether `bytes` more would fit now, without taking them (for what is built and dropped
    /// at once, such as a word's text before it is charged as a field).
    pub(crate) fn room(&self, bytes: usize) -> Result<(), Exceeded> {
        match self.used().checked_add(bytes) {
            Some(total) if total <= self.limit => Ok(()),
            _ => Err(self.exceed()),
        }
    }

    /// Takes `bytes` from the budget until the returned charge is dropped.
    pub(crate) fn charge(self: &Arc<Self>, bytes: usize) -> Result<Charge, Exceeded> {
        self.spend(bytes)?;
        Ok(Charge {
            budget: self.clone(),
            bytes,
        })
    }

    /// Takes `bytes` even past the limit (a copy that must exist for the interpreter to unwind,
    /// such as a subshell's state); past the limit the budget is marked.
    pub(crate) fn force(self: &Arc<Self>, bytes: usize) -> Charge {
        let total = self
            .used
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes);
        if total > self.limit {
            self.exceed();
        }
        Charge {
            budget: self.clone(),
            bytes,
        }
    }

    /// Takes `bytes` with no charge to give them back: what a short-lived budget keeps for its
    /// life (a routing walk), and what charges are made of.
    pub(crate) fn spend(&self, bytes: usize) -> Result<(), Exceeded> {
        let mut used = self.used();
        loop {
            let total = match used.checked_add(bytes) {
                Some(total) if total <= self.limit => total,
                _ => return Err(self.exceed()),
            };
            match self
                .used
                .compare_exchange_weak(used, total, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => used = now,
            }
        }
    }

    fn give_back(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::Relaxed);
    }
}

/// Bytes taken from a budget, given back when dropped.
#[derive(Debug)]
pub(crate) struct Charge {
    budget: Arc<Budget>,
    bytes: usize,
}

impl Charge {
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Changes the charge to `bytes` (taking the difference first when it grows).
    pub(crate) fn resize(&mut self, bytes: usize) -> Result<(), Exceeded> {
        if bytes > self.bytes {
            self.budget.spend(bytes - self.bytes)?;
        } else {
            self.budget.give_back(self.bytes - bytes);
        }
        self.bytes = bytes;
        Ok(())
    }

    /// Adds `bytes` to the charge.
    pub(crate) fn grow(&mut self, bytes: usize) -> Result<(), Exceeded> {
        let total = self
            .bytes
            .checked_add(bytes)
            .ok_or_else(|| self.budget.exceed())?;
        self.resize(total)
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.give_back(self.bytes);
    }
}

/// The cost of holding `text` as one shell string.
pub(crate) fn string_cost(text: &str) -> usize {
    text.len().saturating_add(ITEM_OVERHEAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_refused_past_the_limit_and_given_back_when_dropped() {
        let budget = Budget::new(100);
        let a = budget.charge(60).unwrap();
        assert_eq!(budget.charge(41).err(), Some(Exceeded));
        assert!(budget.exceeded());
        assert_eq!(budget.used(), 60);
        drop(a);
        assert_eq!(budget.used(), 0);
        let mut b = budget.charge(10).unwrap();
        b.resize(100).unwrap();
        assert!(b.grow(1).is_err());
        assert_eq!(budget.charge(usize::MAX).err(), Some(Exceeded));
        assert!(budget.room(usize::MAX).is_err());
        drop(b);
        let forced = budget.force(150);
        assert_eq!(budget.used(), 150);
        drop(forced);
        assert_eq!(budget.used(), 0);
    }
}
