//! How much heap the process holds, so that a script cannot take more than
//! its share. Rhai's own limits bound each value, not their sum: sixty
//! nested calls each holding a 10 MB string, or a few hundred variables, add
//! up to gigabytes. The binary installs [`CountingAlloc`] as its global
//! allocator; the sandbox reads [`live_bytes`] between operations and stops
//! the script with a diagnostic well before the operating system would.
//!
//! Counted per thread, since a build runs on one thread: evaluation, the
//! stacks it reads, checks and emit. A plain thread-local number, with no
//! atomic: one counter shared by the threads cost an atomic operation on
//! every allocation, and two threads building at once (tried in `watch`)
//! bounced its cache line between the cores on every allocation and every
//! Rhai operation (which reads it).
//!
//! The limit is the process's, though: `watch` builds stacks side by side,
//! and two builds each under the limit could together hold twice it. So a
//! build tells the others how much it grew ([`all_builds_grown`]), in steps
//! of a megabyte: one atomic add per megabyte, and a read that stays in
//! every core's cache between them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

thread_local! {
    /// Bytes this thread allocated minus bytes it freed: below zero when it
    /// frees what another thread allocated. Const, with nothing to drop:
    /// using it never allocates, so the allocator may.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(n: usize) {
    let _ = LIVE.try_with(|c| c.set(c.get().wrapping_add(n as isize)));
}

fn sub(n: usize) {
    let _ = LIVE.try_with(|c| c.set(c.get().wrapping_sub(n as isize)));
}

/// The system allocator, counting the bytes it holds.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; only a counter is
// updated next to it.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        sub(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size);
            sub(layout.size());
        }
        p
    }
}

/// What the builds in progress have grown, each as it last told.
static BUDGET: Budget = Budget { grown: AtomicIsize::new(0) };

thread_local! {
    /// This thread's build's share of [`BUDGET`].
    static TOLD: Cell<isize> = const { Cell::new(0) };
}

/// How far a build's growth may drift from what it told the others.
const STEP: isize = 1 << 20;

/// The heap every build in progress has grown by: this thread's own since
/// `start` (its [`live_bytes`] when its build started), exactly, and the
/// others' as they last told (within a megabyte each). A build that ends
/// takes its share back ([`BuildShare`]).
pub fn all_builds_grown(start: isize) -> isize {
    TOLD.with(|told| BUDGET.grown_with(told, live_bytes().wrapping_sub(start)))
}

struct Budget {
    grown: AtomicIsize,
}

impl Budget {
    fn grown_with(&self, told: &Cell<isize>, mine: isize) -> isize {
        if mine.abs_diff(told.get()) >= STEP as usize {
            self.grown.fetch_add(mine.wrapping_sub(told.get()), Ordering::Relaxed);
            told.set(mine);
        }
        self.grown.load(Ordering::Relaxed).wrapping_sub(told.get()).wrapping_add(mine)
    }

    fn take_back(&self, told: &Cell<isize>) {
        self.grown.fetch_sub(told.replace(0), Ordering::Relaxed);
    }
}

/// Held for the length of a build: when it ends (or unwinds), what the
/// build told the others it had grown is taken back, so a finished build
/// never counts against the next.
pub struct BuildShare(());

impl BuildShare {
    pub fn start() -> Self {
        TOLD.with(|told| BUDGET.take_back(told));
        BuildShare(())
    }
}

impl Drop for BuildShare {
    fn drop(&mut self) {
        let _ = TOLD.try_with(|told| BUDGET.take_back(told));
    }
}

/// Heap bytes this thread holds now, counted from zero when it started
/// (so below zero when it freed more than it allocated); 0 when
/// [`CountingAlloc`] is not installed (unit tests). The sandbox compares it
/// with the same count taken when the run started.
pub fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_on_two_threads_count_against_one_limit() {
        let budget = std::sync::Arc::new(Budget { grown: AtomicIsize::new(0) });
        let told = Cell::new(0);
        assert_eq!(budget.grown_with(&told, 100), 100, "under a step: not told, counted here");
        assert_eq!(budget.grown.load(Ordering::Relaxed), 0);
        assert_eq!(budget.grown_with(&told, 300 << 20), 300 << 20);
        let shared = budget.clone();
        std::thread::spawn(move || {
            let told = Cell::new(0);
            // The first build's 300 MB count here too.
            assert_eq!(shared.grown_with(&told, 250 << 20), 550 << 20);
            shared.take_back(&told);
        })
        .join()
        .unwrap();
        assert_eq!(budget.grown_with(&told, 300 << 20), 300 << 20, "the other's share is gone");
        // Freeing is told too, a step at a time.
        assert_eq!(budget.grown_with(&told, 10 << 20), 10 << 20);
        assert_eq!(budget.grown.load(Ordering::Relaxed), 10 << 20);
        budget.take_back(&told);
        assert_eq!(budget.grown.load(Ordering::Relaxed), 0);
    }
}
