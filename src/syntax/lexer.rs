//! The tokens of a Rhai file, as far as locating things needs them. Used
//! where Rhai's own AST cannot serve: files that do not parse (the unclosed
//! bracket, the missing comma) and the extent of a value (the AST knows
//! where an expression starts, not where it ends).

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Str(String),
    Num,
    MapOpen,
    Open(char),
    Close(char),
    Comma,
    Colon,
    Assign,
    Semi,
    PathSep,
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

/// One Rhai escape sequence (`rest` follows the backslash): its character
/// goes to `text` so that a key such as `"a\nb"` matches the model's name;
/// returns the bytes it took.
fn unescape(rest: &str, text: &mut String) -> usize {
    let Some(n) = rest.chars().next() else { return 0 };
    let hex = |len: usize| {
        rest.get(1..1 + len)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .map(|c| (c, 1 + len))
    };
    let (c, took) = match n {
        'n' => ('\n', 1),
        'r' => ('\r', 1),
        't' => ('\t', 1),
        '0' => ('\0', 1),
        'x' => hex(2).unwrap_or(('x', 1)),
        'u' => hex(4).unwrap_or(('u', 1)),
        'U' => hex(8).unwrap_or(('U', 1)),
        other => (other, other.len_utf8()),
    };
    text.push(c);
    took
}

/// Lexes just enough Rhai to find brackets, keys and the ends of values:
/// strings, comments and interpolations never confuse the bracket count.
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Rhai block comments nest.
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' | b'\'' | b'`' => {
                i += 1;
                let mut text = String::new();
                let mut interp = 0usize;
                while i < bytes.len() {
                    let b = bytes[i];
                    if b == b'\\' && c != b'`' {
                        i += 1 + unescape(src.get(i + 1..).unwrap_or(""), &mut text);
                        continue;
                    }
                    if c == b'`' && b == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        interp += 1;
                        i += 2;
                        continue;
                    }
                    if c == b'`' && interp > 0 && b == b'}' {
                        interp -= 1;
                        i += 1;
                        continue;
                    }
                    if b == c && interp == 0 {
                        i += 1;
                        break;
                    }
                    match src.get(i..).and_then(|s| s.chars().next()) {
                        Some(ch) => {
                            text.push(ch);
                            i += ch.len_utf8();
                        }
                        None => i += 1,
                    }
                }
                out.push(Token { tok: Tok::Str(text), span: start..i });
            }
            b'#' if bytes.get(i + 1) == Some(&b'{') => {
                i += 2;
                out.push(Token { tok: Tok::MapOpen, span: start..i });
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                out.push(Token { tok: Tok::Open(c as char), span: start..i });
            }
            b')' | b']' | b'}' => {
                i += 1;
                out.push(Token { tok: Tok::Close(c as char), span: start..i });
            }
            b',' => {
                i += 1;
                out.push(Token { tok: Tok::Comma, span: start..i });
            }
            b';' => {
                i += 1;
                out.push(Token { tok: Tok::Semi, span: start..i });
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                out.push(Token { tok: Tok::PathSep, span: start..i });
            }
            b':' => {
                i += 1;
                out.push(Token { tok: Tok::Colon, span: start..i });
            }
            b'=' if !matches!(bytes.get(i + 1), Some(b'=') | Some(b'>')) => {
                i += 1;
                out.push(Token { tok: Tok::Assign, span: start..i });
            }
            _ if c == b'_' || c.is_ascii_alphabetic() => {
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                out.push(Token { tok: Tok::Ident(src[start..i].to_owned()), span: start..i });
            }
            _ if c.is_ascii_digit() => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                out.push(Token { tok: Tok::Num, span: start..i });
            }
            _ => {
                let w = src.get(i..).and_then(|s| s.chars().next()).map_or(1, char::len_utf8);
                i += w;
                // Two-character operators (`+=`, `==`, `&&`, `..`) are one token.
                let pair = (c, bytes.get(i).copied().unwrap_or(0));
                let two = matches!(
                    pair,
                    (
                        b'+' | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'&'
                            | b'|'
                            | b'^'
                            | b'<'
                            | b'>'
                            | b'!'
                            | b'=',
                        b'='
                    )
                ) || matches!(
                    pair,
                    (b'&', b'&')
                        | (b'|', b'|')
                        | (b'*', b'*')
                        | (b'.', b'.')
                        | (b'=', b'>')
                        | (b'-', b'>')
                );
                if two {
                    i += 1;
                }
                out.push(Token { tok: Tok::Other, span: start..i });
            }
        }
    }
    out
}
