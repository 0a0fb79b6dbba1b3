//! Hooks for the crash-consistency tests, compiled in always and inert
//! unless their variable is set: `TSDSL_TEST_STOP_AT=N` stops before the
//! N-th file operation of a write (it prints a line and sleeps until killed,
//! so the test can `kill -9` it exactly there); `TSDSL_TEST_FAIL_AT=N` makes
//! that operation fail as a full disk would.

use std::io;
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct Steps {
    stop_at: Option<u64>,
    fail_at: Option<u64>,
    done: u64,
}

impl Steps {
    pub(crate) fn from_env() -> Steps {
        let read = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse().ok());
        Steps { stop_at: read("TSDSL_TEST_STOP_AT"), fail_at: read("TSDSL_TEST_FAIL_AT"), done: 0 }
    }

    /// Called right before each file operation.
    pub(crate) fn next(&mut self, what: &str) -> io::Result<()> {
        self.done += 1;
        if self.stop_at == Some(self.done) {
            eprintln!("tsdsl-test: stopped before step {}: {what}", self.done);
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        if self.fail_at == Some(self.done) {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!("no space left on device (injected at step {}: {what})", self.done),
            ));
        }
        Ok(())
    }
}
