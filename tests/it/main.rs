//! Every integration test in one binary: one link instead of one per file
//! (a release link with LTO per file was most of the test build's time).
//! One module per feature, as before; `support` is the shared builder and
//! the oracles, `emit_fixture` a model every emit test writes.

mod emit_fixture;
mod support;

mod addresses;
mod book_examples;
mod cli;
mod diagnostic_codes;
mod diagnostics;
mod diff;
mod emit_fmt_oracle;
mod emit_snapshots;
mod environments;
mod hostile_emit;
mod hostile_io;
mod hostile_out;
mod key_order;
mod language;
mod language_accepted;
mod message_formats;
mod mutation;
mod oracles;
mod output_files;
mod related_labels;
mod schema_sweep;
mod secrets;
mod stdlib_reference;
mod sts;
mod watch;
