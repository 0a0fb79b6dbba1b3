//! Map and array literals read from the tokens: keys in written order with
//! their spans, and the extent of every value.

use std::ops::Range;

use super::lexer::{Tok, Token};

/// A literal as far as the locator needs it; every node knows its extent.
#[derive(Debug)]
pub(crate) enum SyntaxNode {
    Map { entries: Vec<(String, Range<usize>, SyntaxNode)>, span: Range<usize> },
    Array { items: Vec<SyntaxNode>, span: Range<usize> },
    Other { span: Range<usize>, ident: Option<String> },
}

impl SyntaxNode {
    pub(crate) fn span(&self) -> Range<usize> {
        match self {
            SyntaxNode::Map { span, .. }
            | SyntaxNode::Array { span, .. }
            | SyntaxNode::Other { span, .. } => span.clone(),
        }
    }
}

pub(crate) struct Parser<'a> {
    pub toks: &'a [Token],
    pub i: usize,
}

impl Parser<'_> {
    pub(crate) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn end_of_previous(&self, or: usize) -> usize {
        self.i.checked_sub(1).and_then(|j| self.toks.get(j)).map_or(or, |t| t.span.end).max(or)
    }

    /// One expression, up to a top-level `,`, `;` or an unmatched closing
    /// bracket.
    pub(crate) fn expr(&mut self) -> SyntaxNode {
        let start_i = self.i;
        let first = self.toks.get(self.i).map_or(0, |t| t.span.start);
        let literal = match self.peek() {
            Some(Tok::MapOpen) => self.map(first),
            Some(Tok::Open('[')) => self.array(first),
            _ => None,
        };
        if let Some(node) = literal {
            // A literal followed by more (`#{..} + x`) is not a plain literal.
            if matches!(self.peek(), None | Some(Tok::Comma | Tok::Semi | Tok::Close(_))) {
                return node;
            }
        }
        self.i = start_i;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::MapOpen | Tok::Open(_) => depth += 1,
                Tok::Close(_) if depth == 0 => break,
                Tok::Close(_) => depth -= 1,
                Tok::Comma | Tok::Semi if depth == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
        let ident = match self.toks.get(start_i..self.i) {
            Some([Token { tok: Tok::Ident(name), .. }]) => Some(name.clone()),
            _ => None,
        };
        SyntaxNode::Other { span: first..self.end_of_previous(first), ident }
    }

    fn map(&mut self, first: usize) -> Option<SyntaxNode> {
        self.i += 1; // `#{`
        let mut entries = Vec::new();
        loop {
            match self.toks.get(self.i) {
                Some(Token { tok: Tok::Close('}'), .. }) => {
                    self.i += 1;
                    return Some(SyntaxNode::Map {
                        entries,
                        span: first..self.end_of_previous(first),
                    });
                }
                Some(Token { tok: Tok::Ident(k) | Tok::Str(k), span }) => {
                    let (key, kspan) = (k.clone(), span.clone());
                    self.i += 1;
                    if self.peek() != Some(&Tok::Colon) {
                        return None;
                    }
                    self.i += 1;
                    let value = self.expr();
                    entries.push((key, kspan, value));
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, first: usize) -> Option<SyntaxNode> {
        self.i += 1; // `[`
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Close(']')) => {
                    self.i += 1;
                    return Some(SyntaxNode::Array {
                        items,
                        span: first..self.end_of_previous(first),
                    });
                }
                None | Some(Tok::Close(_)) => return None,
                _ => {
                    items.push(self.expr());
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
            }
        }
    }
}

/// The expression bound to `name` by the last `let`/`const` before
/// `before`, and where it starts.
pub(crate) fn binding(toks: &[Token], before: usize, name: &str) -> Option<(SyntaxNode, usize)> {
    let idx = toks.iter().enumerate().rev().find_map(|(i, t)| {
        let is_decl = matches!(&t.tok, Tok::Ident(k) if k == "let" || k == "const");
        let named = matches!(toks.get(i + 1).map(|t| &t.tok), Some(Tok::Ident(n)) if n == name);
        let assigns = matches!(toks.get(i + 2).map(|t| &t.tok), Some(Tok::Assign));
        (t.span.start < before && is_decl && named && assigns).then_some(i + 3)
    })?;
    let mut p = Parser { toks, i: idx };
    let node = p.expr();
    Some((node, toks.get(idx).map_or(before, |t| t.span.start)))
}
