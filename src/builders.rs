//! Builds of several stacks side by side: `watch` on a folder rebuilds
//! every stack a save touched (staging and production both import the
//! shop's module), one after the other they took the sum of their times.
//!
//! Each worker is a thread with the native stack a build needs and a
//! [`BuildCache`] of its own, kept for its lifetime (a cache holds Rhai's
//! compiled scripts, which cannot cross threads). A build on a worker means
//! exactly what the same build on the caller's thread does: the cache is
//! checked against the files before any of it is used.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use crate::diagnostics::Error;
use crate::pipeline::{build_reusing, Build, BuildCache, BuildOptions, Failure, BUILD_STACK_BYTES};

/// The most builds run at once: `watch` rebuilds two stacks on a save of the
/// shop's module; more workers than cores only share them.
pub const MAX_WORKERS: usize = 4;

enum Job {
    Build(PathBuf, Box<BuildOptions>),
    /// [`BuildCache::sweep`], between rounds.
    Sweep,
}

type Built = Result<Build, Failure>;

struct Worker {
    jobs: Sender<Job>,
    done: Receiver<Built>,
    thread: Option<JoinHandle<()>>,
}

/// A pool of build workers, started as they are first needed.
#[derive(Default)]
pub struct Builders {
    workers: Vec<Worker>,
}

impl Builders {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds every `(script, options)`, side by side, and hands each result
    /// to `then` in the order given, as soon as it and those before it are
    /// done: the caller reports and writes one while the next still builds.
    pub fn build_each(
        &mut self,
        jobs: Vec<(PathBuf, BuildOptions)>,
        mut then: impl FnMut(usize, Built) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let wanted = jobs.len().min(cores).clamp(1, MAX_WORKERS);
        while self.workers.len() < wanted {
            self.workers.push(Worker::start()?);
        }
        let n = self.workers.len().min(jobs.len()).max(1);
        let count = jobs.len();
        for (i, (script, opts)) in jobs.into_iter().enumerate() {
            // A worker that is gone panicked: its `next` below reports it.
            let _ = self.workers[i % n].jobs.send(Job::Build(script, Box::new(opts)));
        }
        // Each worker takes its jobs in order: the i-th result is its next.
        for i in 0..count {
            then(i, self.workers[i % n].next()?)?;
        }
        Ok(())
    }

    /// Drops what the workers' caches hold for files that no longer exist.
    pub fn sweep(&self) {
        for w in &self.workers {
            let _ = w.jobs.send(Job::Sweep);
        }
    }
}

impl Worker {
    fn start() -> Result<Worker, Error> {
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Built>();
        let thread = std::thread::Builder::new()
            .name("tsdsl-build".into())
            .stack_size(BUILD_STACK_BYTES)
            .spawn(move || {
                let cache = BuildCache::new();
                while let Ok(job) = inbox.recv() {
                    match job {
                        Job::Build(script, opts) => {
                            if outbox.send(build_reusing(&script, &opts, &cache)).is_err() {
                                break;
                            }
                        }
                        Job::Sweep => cache.sweep(),
                    }
                }
            })
            .map_err(|e| Error::Usage(format!("cannot start the build: {e}")))?;
        Ok(Worker { jobs, done, thread: Some(thread) })
    }

    /// The next result, or the worker's panic, raised again here.
    fn next(&mut self) -> Result<Built, Error> {
        match self.done.recv() {
            Ok(built) => Ok(built),
            Err(_) => match self.thread.take().map(JoinHandle::join) {
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                _ => Err(Error::Usage("a build worker stopped".into())),
            },
        }
    }
}
