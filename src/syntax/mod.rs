//! Where things are in a Rhai file: calls, their arguments, and the keys of
//! map literals in the order the operator wrote them. A leaf module: the
//! engine reads key order from it and diagnostics their spans, and it
//! imports neither (nor Rhai: the engine reads the AST and hands the layout
//! over as plain data, see `layout.rs`).

mod index;
mod layout;
mod lexer;
mod literal;

pub use index::{FileIndex, Found, Part};
pub use layout::{At, KeyOrder, KeySet, Layout, Shape};
