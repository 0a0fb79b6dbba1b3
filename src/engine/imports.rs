//! The modules a script imports, read from its tokens without running it:
//! `watch` on a folder tells stacks from modules this way, and a script
//! with a syntax error still names its imports.

use rhai::{Engine, Token};

/// The literal paths of the script's `import "…"` statements, in order
/// (an import of a computed path names nothing and is left out).
pub fn imported_paths(text: &str) -> Vec<String> {
    let engine = Engine::new_raw();
    let input = [text];
    let (tokens, _) = engine.lex(&input);
    let mut out = Vec::new();
    let mut after_import = false;
    for (token, _) in tokens {
        match token {
            Token::EOF => break,
            Token::StringConstant(ref s) if after_import => out.push(s.to_string()),
            _ => {}
        }
        after_import = matches!(token, Token::Import);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::imported_paths;

    #[test]
    fn reads_literal_imports_and_skips_comments_and_strings() {
        let text = "// import \"nope\"\nimport \"shop\" as shop;\nlet s = \"import\";\n\
                    fn f() { import \"aws/eks\" as eks; }\nimport `lib/net` as n;\nlet x = (";
        assert_eq!(imported_paths(text), ["shop", "aws/eks", "lib/net"]);
    }
}
