//! The wall clock in the operator's time zone, for watch's status lines.
//!
//! `localtime_r` from the C library (through the `libc` crate, already a
//! dependency of the file watcher): it reads `TZ` and `/etc/localtime` as
//! every other program on the machine does, with no time-zone database of
//! our own to ship.

use std::time::{SystemTime, UNIX_EPOCH};

/// `HH:MM:SS`, local time; UTC if the C library cannot convert it.
pub fn now_local() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (h, m, s) = local_hms(secs).unwrap_or(((secs / 3600) % 24, (secs / 60) % 60, secs % 60));
    format!("{h:02}:{m:02}:{s:02}")
}

#[cfg(unix)]
fn local_hms(secs: u64) -> Option<(u64, u64, u64)> {
    let t = libc::time_t::try_from(secs).ok()?;
    // SAFETY: `tm` is plain old data that `localtime_r` fills in; both
    // pointers are valid for the call, and the reentrant variant keeps no
    // pointer to them.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        tm
    };
    let part = |v: libc::c_int| u64::try_from(v).ok();
    Some((part(tm.tm_hour)?, part(tm.tm_min)?, part(tm.tm_sec)?))
}

#[cfg(not(unix))]
fn local_hms(_secs: u64) -> Option<(u64, u64, u64)> {
    None
}
