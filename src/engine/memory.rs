//! How much heap the process holds, so that a script cannot take more than
//! its share. Rhai's own limits bound each value, not their sum: sixty
//! nested calls each holding a 10 MB string, or a few hundred variables, add
//! up to gigabytes. The binary installs [`CountingAlloc`] as its global
//! allocator; the sandbox reads [`live_bytes`] between operations and stops
//! the script with a diagnostic well before the operating system would.
//!
//! Process-wide by nature (the allocator is), so a static counter: the one
//! piece of global state here, and it only counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting the bytes it holds.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; only a counter is
// updated next to it.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Heap bytes held now; 0 when [`CountingAlloc`] is not installed (unit tests).
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}
