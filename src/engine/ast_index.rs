//! Compiles a file and reads its key-order layout (`syntax::Layout`) from
//! Rhai's own AST, so that a successful run never lexes a source.
//!
//! The AST runs as it was parsed, not through Rhai's optimizer. The
//! optimizer folds a map literal whose values are all constants into one
//! constant map, sorted, and the written order is gone: the layout must be
//! read before it. And what it saves in evaluation does not pay for
//! itself: optimizing cost more than it saved, 9 M instructions of a
//! production run and 87 M (12%) of a 10,000-resource one. It computes
//! nothing a run would not compute the same way: constants folded into a
//! value, branches of a constant `if` dropped. The engine is set to parse
//! unoptimized (`sandbox.rs`).

use std::sync::Arc;

use rhai::{ASTNode, Engine, Expr, ParseError, Position, Stmt, AST};

use crate::diagnostics::offset_of;
use crate::syntax::{At, Layout, Shape};

/// `engine.compile(text)` that also reads the file's layout: the one call
/// where an AST is made, so that the layout is made with it. The caller
/// hands the layout to the run's `SourceMap::set_layout`; a cache of ASTs
/// keeps the layout beside the AST.
pub(crate) fn compile(engine: &Engine, text: &str) -> Result<(AST, Arc<Layout>), ParseError> {
    let ast = engine.compile(text)?;
    let layout = Arc::new(read(&ast, text)?);
    Ok((ast, layout))
}

/// An operator's function named like a primitive (`fn output(n, v)`) would
/// silently take its place for every call in the file, those above the
/// definition too: refused at the name, as Rhai refuses its keywords (the
/// diagnostic says why, `errors::parse_error`). The stdlib's own modules
/// may name a function like one (`state::backend`): theirs are called
/// with their module's name.
pub(crate) fn refuse_shadowed_primitives(ast: &AST, text: &str) -> Result<(), ParseError> {
    for f in ast.iter_fn_def() {
        if !crate::engine::primitives::NAMES.contains(&f.name.as_str()) {
            continue;
        }
        let body = f.body.start_position();
        let brace = body
            .line()
            .and_then(|l| offset_of(text, l as u32, body.position().unwrap_or(1) as u32))
            .unwrap_or(text.len());
        let name_at = text[..brace].rfind(f.name.as_str()).unwrap_or(0);
        let (line, col) = crate::diagnostics::line_col_of(text, name_at);
        return Err(ParseError(
            Box::new(rhai::ParseErrorType::Reserved(f.name.to_string())),
            Position::new(line as u16, col as u16),
        ));
    }
    Ok(())
}

/// `"${env}"` with `env` a name the script declares: a plain string is
/// literal text, so the value was silently not interpolated (the usual slip:
/// double quotes for backticks). Refused at the `${`. A name the script does
/// not declare (`"${HOME}"` in a shell script) stays literal text, and a
/// Terraform name (`"${var.x}"`) is the schema check's.
pub(crate) fn refuse_literal_interpolation(ast: &AST, text: &str) -> Result<(), ParseError> {
    let mut declared: Vec<String> = Vec::new();
    for f in ast.iter_fn_def() {
        declared.extend(f.params.iter().map(|p| p.to_string()));
    }
    let mut strings = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Var(var, _, _))) => declared.push(var.0.name.to_string()),
            Some(ASTNode::Stmt(Stmt::For(x, _))) => {
                declared.push(x.0.name.to_string());
                declared.extend(x.1.as_ref().map(|i| i.name.to_string()));
            }
            // Text given to `tf::expr` is Terraform code, whose templates
            // name Terraform's own variables (`%{ for x in var.l }${x}`).
            Some(ASTNode::Expr(Expr::StringConstant(s, pos)))
                if s.contains("${") && !is_tf_expr_argument(path) =>
            {
                strings.push((s.clone(), *pos));
            }
            _ => {}
        }
        true
    });
    for (s, pos) in strings {
        let Some(name) = interpolated_names(&s).find(|n| declared.iter().any(|d| d == n)) else {
            continue;
        };
        let start = at(pos).and_then(|(l, c)| offset_of(text, l, c)).unwrap_or(0);
        let needle = format!("${{{name}");
        let found = text.get(start..).and_then(|rest| rest.find(&needle)).map(|i| start + i);
        let (line, col) = crate::diagnostics::line_col_of(text, found.unwrap_or(start));
        let message = format!(
            "`${{{name}}}` in a plain string is literal text, not the value of `{name}`: write a \
             backtick string, which interpolates: `...${{{name}}}...`"
        );
        let lex = rhai::LexError::ImproperSymbol(needle, message);
        return Err(ParseError(
            Box::new(rhai::ParseErrorType::BadInput(lex)),
            Position::new(line as u16, col as u16),
        ));
    }
    Ok(())
}

/// `path` ends at an argument of `tf::expr(...)`.
fn is_tf_expr_argument(path: &[ASTNode]) -> bool {
    let parent = path.len().checked_sub(2).and_then(|i| path.get(i));
    matches!(parent, Some(ASTNode::Expr(Expr::FnCall(f, _)))
        if f.name == "expr" && f.is_qualified() && f.namespace.to_string() == "tf")
}

/// The names right after each `${` of `s` that is not escaped as `$${`.
fn interpolated_names(s: &str) -> impl Iterator<Item = &str> {
    s.match_indices("${").filter_map(move |(i, _)| {
        if s[..i].ends_with('$') {
            return None;
        }
        let rest = &s[i + 2..];
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let name = &rest[..end];
        let follows = rest[end..].chars().next();
        (!name.is_empty() && matches!(follows, Some('}' | '.' | '['))).then_some(name)
    })
}

/// The calls, bindings and map literals of `ast` that can say something
/// about key order, function bodies included, in one walk that also
/// refuses a wrapped integer literal (see [`wrapped`]). A call whose
/// arguments are all `Other`, a binding of anything else and a map of one
/// key say nothing: they are left out, which keeps the layout small.
fn read(ast: &AST, text: &str) -> Result<Layout, ParseError> {
    let mut layout = Layout::default();
    let mut refused = None;
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, pos) | Expr::MethodCall(call, pos)))
                if call.args.len() > MAX_ARGS =>
            {
                refused = Some(too_many_args(&call.name, call.args.len(), *pos));
                return false;
            }
            Some(ASTNode::Expr(Expr::FnCall(call, pos))) if call.args.iter().any(speaks) => {
                if let Some(at) = at(*pos) {
                    layout.add_call(at, call.args.iter().map(shape).collect());
                }
            }
            // The receiver is the native function's first argument.
            Some(ASTNode::Expr(Expr::MethodCall(call, pos))) if call.args.iter().any(speaks) => {
                if let Some(at) = at(*pos) {
                    let args = std::iter::once(Shape::Other).chain(call.args.iter().map(shape));
                    layout.add_call(at, args.collect());
                }
            }
            Some(ASTNode::Expr(Expr::Map(m, _))) if m.0.len() > 1 => {
                layout.add_map(m.0.iter().map(|(k, _)| k.name.to_string()).collect());
            }
            Some(ASTNode::Stmt(Stmt::Var(var, _, pos))) if speaks(&var.1) => {
                if let Some(at) = at(*pos) {
                    layout.add_binding(at, var.0.name.to_string(), shape(&var.1));
                }
            }
            // Also where text is read character by character, `name[6]` and
            // `for c in name` (see `switches.rs`).
            Some(ASTNode::Stmt(Stmt::Switch(_, pos)))
            | Some(ASTNode::Stmt(Stmt::For(_, pos)))
            | Some(ASTNode::Expr(Expr::Index(_, _, pos)))
            | Some(ASTNode::Expr(Expr::Coalesce(_, pos))) => {
                if let Some(at) = at(*pos) {
                    layout.add_switch(at);
                }
            }
            Some(ASTNode::Stmt(Stmt::Import(x, pos)))
                if !matches!(x.0, Expr::StringConstant(..)) =>
            {
                refused = Some(computed_import(text, *pos));
                return false;
            }
            Some(ASTNode::Expr(Expr::FloatConstant(f, pos))) => {
                refused = rounded(text, **f, *pos);
                return refused.is_none();
            }
            Some(ASTNode::Expr(Expr::IntegerConstant(n, pos))) if *n < 0 => {
                refused = wrapped(text, *pos);
                return refused.is_none();
            }
            _ => {}
        }
        true
    });
    if let Some(e) = refused {
        return Err(e);
    }
    layout.finish();
    Ok(layout)
}

/// `import "m_" + env as m;`: the folder commands (`watch DIR`, `diff DIR`)
/// and the rebuild on a save know which files are modules by reading the
/// import paths written in each script. A computed one escaped them, and
/// the module it named was built as a stack of its own. Refused at the
/// path, as Terraform refuses a module `source` that is not a literal.
fn computed_import(text: &str, import: Position) -> ParseError {
    // At the path's first token: Rhai places an operator's expression at
    // the operator.
    let path = at(import)
        .and_then(|(l, c)| offset_of(text, l, c))
        .and_then(|o| {
            let after = o + "import".len();
            let rest = text.get(after..)?;
            Some(after + rest.len() - rest.trim_start().len())
        })
        .map(|o| crate::diagnostics::line_col_of(text, o));
    let pos = path.map_or(import, |(l, c)| Position::new(l as u16, c as u16));
    let message = "an import path is written out as one string (`import \"m_x\" as m;`), not \
                   computed: import each module you may need under its own name and choose \
                   between them with `if` or `switch`"
        .to_owned();
    let lex = rhai::LexError::ImproperSymbol("import".to_owned(), message);
    ParseError(Box::new(rhai::ParseErrorType::BadInput(lex)), pos)
}

/// More arguments than any function takes. Rhai looks an unknown call up
/// once per argument, each time hashing them all: 300,000 arguments took
/// a minute, deaf to `--timeout`. Refused before anything runs.
const MAX_ARGS: usize = 64;

fn too_many_args(name: &str, n: usize, pos: Position) -> ParseError {
    let message = format!(
        "`{name}` is called with {n} arguments; a call takes at most {MAX_ARGS}: pass a list or \
         a map instead"
    );
    let lex = rhai::LexError::ImproperSymbol(name.to_owned(), message);
    ParseError(Box::new(rhai::ParseErrorType::BadInput(lex)), pos)
}

/// Rhai reads a hex, octal or binary literal as 64 unsigned bits kept as a
/// signed integer: `0xFFFFFFFFFFFFFFFF` would silently be -1. A literal
/// written with a minus (`-5`, one token for Rhai) starts with `-` in the
/// text; any other negative literal at `pos` is such a wrap, refused there.
fn wrapped(text: &str, pos: Position) -> Option<ParseError> {
    let (line, col) = at(pos)?;
    let rest = text.get(offset_of(text, line, col)?..)?;
    let len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphanumeric() || c == '_' || (i == 0 && c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    let written = &rest[..len];
    if written.starts_with('-') {
        return None;
    }
    let message = format!(
        "`{written}` is larger than the largest whole number a script holds ({:#x}): write it \
         as a string if the digits are meant",
        i64::MAX
    );
    let lex = rhai::LexError::ImproperSymbol(written.to_owned(), message);
    Some(ParseError(Box::new(rhai::ParseErrorType::BadInput(lex)), pos))
}

/// A decimal literal a 64-bit float cannot hold (`99.99999999999999999`
/// would be 100, `1e-400` 0): refused at the literal, as a wrapped integer
/// is, rather than written as another number.
fn rounded(text: &str, value: f64, pos: Position) -> Option<ParseError> {
    let (line, col) = at(pos)?;
    let rest = text.get(offset_of(text, line, col)?..)?;
    let len = rest
        .char_indices()
        .find(|&(i, c)| {
            let sign = matches!(c, '+' | '-') && (i == 0 || rest[..i].ends_with(['e', 'E']));
            !(c.is_ascii_digit() || matches!(c, '.' | '_' | 'e' | 'E') || sign)
        })
        .map_or(rest.len(), |(i, _)| i);
    let written = &rest[..len];
    // `10.5.floor()`: the second `.` starts a method call.
    let written = match written.match_indices('.').nth(1) {
        Some((second, _)) => &written[..second],
        None => written,
    };
    let held = format!("{value:e}");
    if decimal(written)? == decimal(&held)? {
        return None;
    }
    let message = format!(
        "`{written}` cannot be held exactly by a script's numbers: it would be {value}; write the number a 64-bit float holds, or a string if the digits are meant"
    );
    let lex = rhai::LexError::ImproperSymbol(written.to_owned(), message);
    Some(ParseError(Box::new(rhai::ParseErrorType::BadInput(lex)), pos))
}

/// A decimal number's significant digits and the power of ten of its
/// first one: `12.50` and `1.25e1` are both `("125", 1)`; zero is `("", 0)`.
fn decimal(s: &str) -> Option<(String, i64)> {
    let s = s.trim_start_matches(['-', '+']).replace('_', "");
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (s.as_str(), 0),
    };
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(frac.chars()).collect();
    let leading = digits.chars().take_while(|&c| c == '0').count();
    let significant = digits[leading..].trim_end_matches('0').to_owned();
    if significant.is_empty() {
        return Some((String::new(), 0));
    }
    // The first significant digit's power of ten.
    let power = whole.len() as i64 - 1 - leading as i64 + exp;
    Some((significant, power))
}

/// Whether `e` can carry a key order: a literal, or a variable bound to one.
fn speaks(e: &Expr) -> bool {
    matches!(e, Expr::Map(..) | Expr::Array(..))
        || matches!(e, Expr::Variable(v, ..) if v.2.is_empty())
}

fn at(pos: Position) -> Option<At> {
    Some((pos.line()? as u32, pos.position().unwrap_or(1) as u32))
}

fn shape(e: &Expr) -> Shape {
    match e {
        Expr::Map(m, _) => {
            Shape::Map(m.0.iter().map(|(k, v)| (k.name.to_string(), shape(v))).collect())
        }
        Expr::Array(items, _) => Shape::List(items.iter().map(shape).collect()),
        Expr::Variable(v, ..) if v.2.is_empty() => Shape::Var(v.1.to_string()),
        _ => Shape::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::KeyOrder;
    use rhai::OptimizationLevel;

    fn layout_of(src: &str) -> Arc<Layout> {
        let mut engine = Engine::new_raw();
        engine.set_optimization_level(OptimizationLevel::None);
        compile(&engine, src).map(|(_, l)| l).unwrap()
    }

    fn names(order: &KeyOrder) -> Vec<&str> {
        match order {
            KeyOrder::Map(keys) => keys.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn a_wrapped_hex_literal_is_refused_at_the_number() {
        let mut engine = Engine::new_raw();
        engine.set_optimization_level(OptimizationLevel::None);
        let src = "let a = -5;\nfn f() { [1, 0x7FFFFFFFFFFFFFFF, -9223372036854775808] }\nlet b = 0xFFFF_FFFF_FFFF_FFFF;";
        let err = compile(&engine, src).map(|_| ()).unwrap_err();
        assert_eq!((err.1.line(), err.1.position()), (Some(3), Some(9)));
        assert!(err.0.to_string().contains("`0xFFFF_FFFF_FFFF_FFFF` is larger"), "{err}");
        let in_fn = "fn f() { 0b1000000000000000000000000000000000000000000000000000000000000000 }";
        assert!(compile(&engine, in_fn).is_err());
        assert!(compile(&engine, "let a = [-1, 0x10, 0o7, -0];").is_ok());
    }

    #[test]
    fn a_method_on_a_float_literal_is_not_a_rounded_literal() {
        let mut engine = Engine::new_raw();
        engine.set_optimization_level(OptimizationLevel::None);
        assert!(compile(&engine, "let a = [10.5.floor(), 2.0.sqrt(), 1.5.exp()];").is_ok());
        assert!(compile(&engine, "let b = 99.99999999999999999.floor();").is_err());
    }

    #[test]
    fn key_order_is_the_operators() {
        let src = "let t = #{ Zed: 1, Alpha: 2 };\nresource(\"aws_vpc\", \"m\", #{ tags: t, cidr_block: \"x\", ingress: [#{ to: 1, from: 2 }] });";
        let order = layout_of(src).key_order((2, 1)).unwrap();
        assert_eq!(names(&order[2]), ["tags", "cidr_block", "ingress"]);
        let KeyOrder::Map(keys) = &order[2] else { unreachable!() };
        assert_eq!(names(&keys[0].1), ["Zed", "Alpha"]);
        let KeyOrder::List(items) = &keys[2].1 else { panic!("{:?}", keys[2]) };
        assert_eq!(names(&items[0]), ["to", "from"]);
    }

    #[test]
    fn constant_maps_keep_their_order_despite_the_optimizer() {
        // All-constant: the optimizer would fold it into a sorted map.
        let src = "fn f() { tf::jsonencode(#{ Version: \"2012\", Statement: [] }) }";
        let l = layout_of(src);
        let order = l.key_order((1, 14)).unwrap();
        assert_eq!(names(&order[0]), ["Version", "Statement"]);
        let set = crate::syntax::KeySet::of(["Statement", "Version"].into_iter());
        assert_eq!(l.order_of_keys(&set).unwrap(), ["Version", "Statement"]);
    }

    /// The position a native function sees for its call is the one the
    /// layout files the call under, for every way of calling it.
    #[test]
    fn calls_are_found_where_a_primitive_reports_them() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut engine = Engine::new_raw();
        engine.set_optimization_level(OptimizationLevel::None);
        let s = seen.clone();
        engine.register_fn("f", move |nc: rhai::NativeCallContext, _: rhai::Map| {
            s.borrow_mut().push(at(nc.call_position()).unwrap());
        });
        let s = seen.clone();
        engine.register_fn("f", move |nc: rhai::NativeCallContext, _: i64, _: rhai::Map| {
            s.borrow_mut().push(at(nc.call_position()).unwrap());
        });
        let mut m = rhai::Module::new();
        let s = seen.clone();
        m.set_native_fn("f", move |nc: rhai::NativeCallContext, _: rhai::Map| {
            s.borrow_mut().push(at(nc.call_position()).unwrap());
            Ok(())
        });
        engine.register_static_module("ns", m.into());
        let src =
            "let x = 1;\nf(#{ b: 1, a: 2 });\n  x.f(#{ b: 1, a: 2 });\nns::f(#{ b: 1, a: 2 });\n\
                   fn g() { f(#{ b: 1, a: 2 }) }\ng();";
        let (ast, layout) = compile(&engine, src).unwrap();
        engine.run_ast(&ast).unwrap();
        let seen = seen.borrow();
        assert_eq!(seen.len(), 4);
        for (i, at) in seen.iter().enumerate() {
            let order = layout.key_order(*at).unwrap_or_else(|| panic!("call {i} at {at:?}"));
            assert_eq!(names(order.last().unwrap()), ["b", "a"], "call {i}");
        }
        // `x.f(..)`: the receiver is argument 0.
        assert_eq!(layout.key_order(seen[1]).unwrap().len(), 2);
    }
}
