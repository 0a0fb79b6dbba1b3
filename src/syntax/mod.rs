//! Where things are in a Rhai file: calls, their arguments, and the keys of
//! map literals in the order the operator wrote them. A leaf module: the
//! engine reads key order from it and diagnostics their spans, and it
//! imports neither (nor Rhai: it reads the text).

mod index;
mod lexer;
mod literal;

pub use index::{FileIndex, Found, KeyOrder, Part};
