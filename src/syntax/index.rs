//! One file's syntax index. Key order comes from the layout the engine
//! read from Rhai's AST when it compiled the file (`layout.rs`): a
//! successful run lexes nothing. The lexer serves what the AST cannot, and
//! only when a diagnostic asks: the extent of a value (the AST knows where
//! an expression starts, not where it ends), the span of a call's name with
//! its `module::` path, a key read inside a template string, and files that
//! do not parse (the unclosed bracket, the missing comma). Tokens are lexed
//! on first use, once per file.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::model::PathSeg;

use super::layout::Layout;
use super::lexer::{lex, Tok, Token};
use super::literal::{binding, Parser, SyntaxNode};

#[derive(Debug)]
pub struct FileIndex {
    src: Arc<str>,
    /// From the AST; `None` for a file the engine did not compile.
    layout: Option<Arc<Layout>>,
    toks: OnceLock<Vec<Token>>,
    /// Where each line starts and its indentation, for positions given as
    /// line:col and for bracket matching.
    lines: OnceLock<Lines>,
}

/// What the locator found: the span, and whether the whole path was
/// followed (a partial match points at the deepest value it could reach).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: Range<usize>,
    pub complete: bool,
}

/// Which token of a map entry a path ends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
}

impl FileIndex {
    pub fn new(src: impl Into<Arc<str>>) -> Self {
        FileIndex { src: src.into(), layout: None, toks: OnceLock::new(), lines: OnceLock::new() }
    }

    /// The index of a file the engine compiled, with the layout it read
    /// from the AST.
    pub fn with_layout(src: impl Into<Arc<str>>, layout: Arc<Layout>) -> Self {
        FileIndex { layout: Some(layout), ..FileIndex::new(src) }
    }

    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_deref()
    }

    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::of(&self.src))
    }

    fn toks(&self) -> &[Token] {
        self.toks.get_or_init(|| lex(&self.src))
    }

    /// Byte offset of a 1-based line and column (columns count characters,
    /// as Rhai's positions do); the end of a line is a place too.
    pub fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let start = *self.lines().starts.get((line as usize).checked_sub(1)?)?;
        let text = self.src.get(start..)?.split('\n').next().unwrap_or("");
        let col = (col.max(1) - 1) as usize;
        match text.char_indices().nth(col) {
            Some((i, _)) => Some(start + i),
            None if col == text.chars().count() => Some(start + text.len()),
            None => None,
        }
    }

    pub fn text(&self) -> &str {
        &self.src
    }

    /// Span of the call's name token at `offset` (the position Rhai reports
    /// for a call), extended over a `module::` path.
    pub fn call_span(&self, offset: usize) -> Range<usize> {
        let (src, toks) = (&*self.src, self.toks());
        let Some(i) = toks.iter().position(|t| t.span.end > offset) else {
            return offset..offset;
        };
        // A property access is reported at its `.`: label the name after it.
        let i = match (src.get(toks[i].span.clone()), toks.get(i + 1)) {
            (Some("."), Some(Token { tok: Tok::Ident(_), .. })) => i + 1,
            _ => i,
        };
        // A namespaced call is reported at its function name: take in `ns::`.
        let mut first = i;
        while first >= 2
            && matches!(toks[first - 1].tok, Tok::PathSep)
            && matches!(toks[first - 2].tok, Tok::Ident(_))
        {
            first -= 2;
        }
        let mut end = toks[i].span.end;
        let mut j = i + 1;
        while let (
            Some(Token { tok: Tok::PathSep, .. }),
            Some(Token { tok: Tok::Ident(_), span }),
        ) = (toks.get(j), toks.get(j + 1))
        {
            end = span.end;
            j += 2;
        }
        toks[first].span.start..end
    }

    /// Width of the token that starts at `offset`, for labels on plain sites.
    pub fn token_at(&self, offset: usize) -> Range<usize> {
        self.toks()
            .iter()
            .find(|t| t.span.start >= offset || t.span.end > offset)
            .filter(|t| t.span.start <= offset + 1)
            .map_or(offset..offset, |t| t.span.clone())
    }

    /// The token that ends before `offset`: where a missing `,` belongs.
    pub fn token_before(&self, offset: usize) -> Option<Range<usize>> {
        self.toks().iter().take_while(|t| t.span.end <= offset).last().map(|t| t.span.clone())
    }

    /// The arguments of the call whose name starts at `offset`.
    fn call_args(&self, offset: usize) -> Option<Vec<SyntaxNode>> {
        let (src, toks) = (&*self.src, self.toks());
        let mut i = toks.partition_point(|t| t.span.end <= offset);
        // Skip the callee: `name`, `module::name`, `obj.method`.
        while let Some(t) = toks.get(i) {
            match t.tok {
                Tok::Ident(_) | Tok::PathSep => i += 1,
                Tok::Other if src.get(t.span.clone()) == Some(".") => i += 1,
                _ => break,
            }
        }
        if !matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Open('('))) {
            return None;
        }
        let mut p = Parser { toks, i: i + 1 };
        let mut args = Vec::new();
        while !matches!(p.peek(), None | Some(Tok::Close(_))) {
            args.push(p.expr());
            if p.peek() == Some(&Tok::Comma) {
                p.i += 1;
            } else {
                break;
            }
        }
        Some(args)
    }

    /// The span of argument `n` of the call at `offset`.
    pub fn call_arg(&self, offset: usize, n: usize) -> Option<Range<usize>> {
        self.call_args(offset)?.get(n).map(SyntaxNode::span)
    }

    /// The expression bound to `name` by the last `let`/`const` before
    /// `before`: what a plain variable stands for.
    pub fn binding_of(&self, before: usize, name: &str) -> Option<Range<usize>> {
        binding(self.toks(), before, name).map(|(node, _)| node.span())
    }

    /// Follows `path` through the literal arguments of the call at `offset`.
    /// Returns `None` when the call has no literal argument containing the
    /// first step of the path.
    pub fn find_in_call(&self, offset: usize, path: &[PathSeg], part: Part) -> Option<Found> {
        let args = self.call_args(offset)?;
        if path.is_empty() {
            return None;
        }
        let mut best: Option<Found> = None;
        for arg in &args {
            if let Some(found) = self.follow(offset, arg, path, part, 0) {
                if found.complete {
                    return Some(found);
                }
                best.get_or_insert(found);
            }
        }
        best
    }

    fn follow(
        &self,
        before: usize,
        node: &SyntaxNode,
        path: &[PathSeg],
        part: Part,
        hops: u8,
    ) -> Option<Found> {
        let Some((seg, rest)) = path.split_first() else {
            return Some(Found { span: node.span(), complete: true });
        };
        match (node, seg) {
            (SyntaxNode::Map { entries, .. }, PathSeg::Key(k)) => {
                let (_, kspan, value) = entries.iter().find(|e| &e.0 == k)?;
                if rest.is_empty() {
                    let span = match part {
                        Part::Key => kspan.clone(),
                        Part::Value => value.span(),
                    };
                    return Some(Found { span, complete: true });
                }
                Some(
                    self.follow(before, value, rest, part, hops)
                        .unwrap_or(Found { span: value.span(), complete: false }),
                )
            }
            (SyntaxNode::Array { items, .. }, PathSeg::Index(n)) => {
                let item = items.get(*n)?;
                if rest.is_empty() {
                    return Some(Found { span: item.span(), complete: true });
                }
                Some(
                    self.follow(before, item, rest, part, hops)
                        .unwrap_or(Found { span: item.span(), complete: false }),
                )
            }
            (SyntaxNode::Other { ident: Some(name), .. }, _) if hops < 4 => {
                // `f(opts)`: look for the last `let opts = ...` before the call.
                let bound = binding(self.toks(), before, name)?;
                self.follow(bound.1, &bound.0, path, part, hops + 1)
            }
            _ => None,
        }
    }

    /// Where a map key was read, from the position Rhai reports for a missing
    /// one: the span of the key's name (`tier` in `cfg.tier`, `"tier"` in
    /// `cfg["tier"]`, also inside a template) and the text of the map it was
    /// read from when that is a plain path (`cfg`, `net.subnets`).
    pub fn key_read(&self, offset: usize, key: &str) -> Option<(Range<usize>, Option<String>)> {
        let src = &*self.src;
        let tok = self.toks().iter().find(|t| t.span.start <= offset && offset < t.span.end)?;
        let text = src.get(tok.span.clone())?;
        let name = match &tok.tok {
            Tok::Ident(k) if k == key => tok.span.clone(),
            Tok::Str(k) if k == key && !text.starts_with('`') => tok.span.clone(),
            // Inside a template: find `.key` or `["key"]` in its text.
            Tok::Str(_) => {
                let base = tok.span.start;
                let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
                let dotted = text
                    .match_indices(&format!(".{key}"))
                    .find(|(i, m)| !text[i + m.len()..].starts_with(is_word));
                match dotted {
                    Some((i, _)) => base + i + 1..base + i + 1 + key.len(),
                    None => {
                        let (i, m) = text.match_indices(&format!("[\"{key}\"]")).next()?;
                        base + i + 1..base + i + m.len() - 1
                    }
                }
            }
            _ => return None,
        };
        Some((name.clone(), receiver(src, name.start)))
    }

    /// The innermost `(`, `[`, `{` or `#{` opened at or before `before` and
    /// never closed (or closed by the wrong bracket): where a parser that
    /// stumbled later should point, as rustc does.
    pub fn unclosed_delimiter(&self, before: usize) -> Option<Range<usize>> {
        let lines = self.lines();
        let mut stack: Vec<&Token> = Vec::new();
        for t in self.toks() {
            match t.tok {
                Tok::MapOpen | Tok::Open(_) => stack.push(t),
                Tok::Close(c) => {
                    let Some(top) = stack.last() else { continue };
                    // A closer that starts its line left of the line that opened
                    // the top bracket belongs to an outer one: the top is unclosed.
                    let (closer_line, closer_col) = lines.locate(t.span.start);
                    let dedented = lines.indent[closer_line] == closer_col
                        && closer_col < lines.indent[lines.locate(top.span.start).0];
                    if dedented && top.span.start <= before {
                        return Some(top.span.clone());
                    }
                    let matches = match top.tok {
                        Tok::MapOpen => c == '}',
                        Tok::Open(o) => matches!((o, c), ('(', ')') | ('[', ']') | ('{', '}')),
                        _ => false,
                    };
                    if matches {
                        stack.pop();
                    } else if top.span.start <= before {
                        return Some(top.span.clone());
                    } else {
                        return None;
                    }
                }
                _ => {}
            }
        }
        stack.into_iter().rev().find(|t| t.span.start <= before).map(|t| t.span.clone())
    }
}

/// The plain path (`a`, `a.b`) just before the `.` or `[` at the end of
/// `src[..end]`; `None` when it is a call or anything else.
fn receiver(src: &str, end: usize) -> Option<String> {
    let before = src.get(..end)?;
    let before = before.strip_suffix('.').or_else(|| before.strip_suffix('['))?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| *c == '_' || *c == '.' || c.is_ascii_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let path = &before[start..];
    let ok = !path.is_empty()
        && path.split('.').all(|p| p.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic()));
    ok.then(|| path.to_owned())
}

/// Where each line starts and how far it is indented, computed once: asked
/// per closing bracket, a scan back to the line's start made a file of one
/// long line quadratic (300,000 nested `(` took 37 s).
#[derive(Debug)]
struct Lines {
    starts: Vec<usize>,
    indent: Vec<usize>,
}

impl Lines {
    fn of(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let indent = starts
            .iter()
            .map(|&s| {
                let line = src[s..].split('\n').next().unwrap_or("");
                line.len() - line.trim_start().len()
            })
            .collect();
        Lines { starts, indent }
    }

    /// The line holding `offset` and the byte column of `offset` in it.
    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        (line, offset - self.starts[line])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.into())
    }

    fn at<'a>(src: &'a str, found: &Found) -> &'a str {
        &src[found.span.clone()]
    }

    #[test]
    fn finds_a_key_in_a_multi_line_map() {
        let src = "let db = rds::database(#{\n    engine: \"mysql\",\n    instance_clas: \"db.t3.micro\",\n});";
        let off = src.find("rds").unwrap();
        let f = FileIndex::new(src).find_in_call(off, &[key("instance_clas")], Part::Key).unwrap();
        assert_eq!(at(src, &f), "instance_clas");
        let v =
            FileIndex::new(src).find_in_call(off, &[key("instance_clas")], Part::Value).unwrap();
        assert_eq!(at(src, &v), "\"db.t3.micro\"");
    }

    #[test]
    fn follows_nested_maps_and_arrays() {
        let src = r#"resource("aws_security_group", "web", #{
  name: "web",
  ingress: [
    #{ from_port: 80, to_port: 80 },
    #{ from_port: "x", to_prot: 443 },
  ],
});"#;
        let f = FileIndex::new(src)
            .find_in_call(0, &[key("ingress"), PathSeg::Index(1), key("to_prot")], Part::Key)
            .unwrap();
        assert_eq!(at(src, &f), "to_prot");
        let v = FileIndex::new(src)
            .find_in_call(0, &[key("ingress"), PathSeg::Index(1), key("from_port")], Part::Value)
            .unwrap();
        assert_eq!(at(src, &v), "\"x\"");
        let whole = FileIndex::new(src)
            .find_in_call(0, &[key("ingress"), PathSeg::Index(0)], Part::Value)
            .unwrap();
        assert_eq!(at(src, &whole), "#{ from_port: 80, to_port: 80 }");
    }

    #[test]
    fn follows_a_variable_to_its_let_binding() {
        let src = "let opts = #{ cidr: \"10.0.0/16\", azs: 3 };\nlet v = net::vpc(opts);";
        let off = src.find("net").unwrap();
        let f = FileIndex::new(src).find_in_call(off, &[key("cidr")], Part::Value).unwrap();
        assert_eq!(at(src, &f), "\"10.0.0/16\"");
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        let src = "f(\"a\", #{ // a } comment\n  s: \"}{\", t: `x ${ y } z`, k: 1 })";
        let f = FileIndex::new(src).find_in_call(0, &[key("k")], Part::Key).unwrap();
        assert_eq!(at(src, &f), "k");
    }

    #[test]
    fn quoted_keys_and_partial_paths() {
        let src = "f(#{ \"kubernetes.io/role\": \"1\", tags: some_var })";
        let f =
            FileIndex::new(src).find_in_call(0, &[key("kubernetes.io/role")], Part::Key).unwrap();
        assert_eq!(at(src, &f), "\"kubernetes.io/role\"");
        let p =
            FileIndex::new(src).find_in_call(0, &[key("tags"), key("Name")], Part::Key).unwrap();
        assert!(!p.complete);
        assert_eq!(at(src, &p), "some_var");
    }

    #[test]
    fn finds_the_unclosed_delimiter() {
        let src = "let a = f(#{ x: [1, 2] };\nlet b = 3;";
        assert_eq!(FileIndex::new(src).unclosed_delimiter(src.len()).map(|r| &src[r]), Some("("));
        let src = "fn f() {\n  g(1, \"(\" );\n";
        assert_eq!(FileIndex::new(src).unclosed_delimiter(src.len()).map(|r| &src[r]), Some("{"));
        let src = "let a = [1, 2);";
        assert_eq!(FileIndex::new(src).unclosed_delimiter(src.len()).map(|r| &src[r]), Some("["));
        assert_eq!(FileIndex::new("f(1);").unclosed_delimiter(5), None);
        // The dedented `}` closes the outer map: the inner one is unclosed.
        let src = "f(#{\n    a: 1,\n    tags: #{ b: 2,\n});\n";
        assert_eq!(FileIndex::new(src).unclosed_delimiter(src.len()), Some(25..27));
        let ok = "f(#{\n    tags: #{\n        b: 2,\n    },\n});\n";
        assert_eq!(FileIndex::new(ok).unclosed_delimiter(ok.len()), None);
    }

    #[test]
    fn offsets_count_characters_and_lines() {
        let t = FileIndex::new("ab\ncdé f\n");
        assert_eq!(t.offset(1, 1), Some(0));
        assert_eq!(t.offset(2, 1), Some(3));
        assert_eq!(t.offset(2, 5), Some(8));
        assert_eq!(t.offset(2, 6), Some(9));
        assert_eq!(t.offset(2, 7), None);
        assert_eq!(t.offset(9, 1), None);
        assert_eq!(t.offset(0, 1), None);
    }

    #[test]
    fn call_span_covers_module_path() {
        let src = "let x = net::vpc(#{})";
        let off = src.find("net").unwrap();
        assert_eq!(&src[FileIndex::new(src).call_span(off)], "net::vpc");
    }
}
