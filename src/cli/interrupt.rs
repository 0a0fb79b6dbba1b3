//! Ctrl-C in `watch`: the loop notices and ends with exit code 0.
//!
//! The handler only sets a flag (all a signal handler may safely do); the
//! loop polls it between events, so a build under way finishes and its
//! output is written whole. A second Ctrl-C ends the process at once (exit
//! 130), for a script stuck until its timeout.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(130) };
    }
}

/// Installs the SIGINT handler; false if the system refused it.
#[cfg(unix)]
pub fn install() -> bool {
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: the handler touches only an atomic and `_exit`, both
    // async-signal-safe; `action` is fully initialised before the call.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut()) == 0
    }
}

#[cfg(not(unix))]
pub fn install() -> bool {
    false
}
