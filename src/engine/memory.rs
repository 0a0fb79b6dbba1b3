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

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

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

/// Heap bytes this thread holds now, counted from zero when it started
/// (so below zero when it freed more than it allocated); 0 when
/// [`CountingAlloc`] is not installed (unit tests). The sandbox compares it
/// with the same count taken when the run started.
pub fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}
