//! Every fenced ```rhai block of the book (`book/src/**/*.md`) is run with `tsdsl run`.
//!
//! Info strings (flags after `rhai`, separated by commas or spaces):
//! - ```` ```rhai ````: must exit 0, and its output must pass `terraform validate` (`tf_validate.py`)
//!   (all such outputs go to one tf-validate call).
//! - ```` ```rhai,fails ````: must exit 1; a line `// expect: tsdsl::code::name` in the
//!   block makes stderr have to contain that code (several such lines: all of them).
//! - ```` ```rhai,ignore ````: not run (fragments, pseudo-code).
//!
//! A block is one file, `main.rhai`, unless its first line is `// file: NAME.rhai`:
//! then each `// file: NAME` line starts a new file of that name, so one block can
//! show a module and the script that imports it. The script run is `main.rhai` if
//! the block has one, else its first file. Blocks do not see each other.
//!
//! Failures name the Markdown file and the line of the opening fence.

use crate::support;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use support::{root, tf_validate, Tsdsl};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Succeeds,
    Fails,
    Ignore,
}

#[derive(Debug)]
struct Block {
    /// Relative to the crate root: `book/src/tutorial/first-stack.md`.
    file: PathBuf,
    /// 1-based line of the opening fence.
    line: usize,
    mode: Mode,
    body: String,
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

impl Block {
    /// `book-src-tutorial-first-stack.md-L12`: a folder name that says where the block is.
    fn slug(&self) -> String {
        let s: String = format!("{}-L{}", self.file.display(), self.line)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
            .collect();
        s.trim_start_matches("book-src-").to_owned()
    }

    /// `(name, source)` of every file the block holds, in order.
    fn files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = Vec::new();
        for line in self.body.lines() {
            let marker = line.trim().strip_prefix("// file:").map(str::trim);
            match marker {
                Some(name) if !name.is_empty() => files.push((name.to_owned(), String::new())),
                _ => {
                    if files.is_empty() {
                        files.push(("main.rhai".to_owned(), String::new()));
                    }
                    let src = &mut files.last_mut().unwrap().1;
                    src.push_str(line);
                    src.push('\n');
                }
            }
        }
        if files.is_empty() {
            files.push(("main.rhai".to_owned(), String::new()));
        }
        files
    }

    fn entry(&self) -> String {
        let files = self.files();
        files.iter().find(|(n, _)| n == "main.rhai").unwrap_or(&files[0]).0.clone()
    }

    /// The codes of `// expect: tsdsl::...` lines.
    fn expected_codes(&self) -> Vec<String> {
        self.body
            .lines()
            .filter_map(|l| l.trim().strip_prefix("// expect:"))
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect()
    }
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// A CommonMark fence opener or closer: up to 3 spaces, then 3+ '`' or '~'.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = rest.chars().take_while(|c| *c == ch).count();
    (n >= 3).then(|| (ch, n, rest[n..].trim()))
}

/// The rhai blocks of one Markdown text. `Err` for an unknown flag.
fn extract(file: &Path, text: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some((ch, n, info)) = fence(line) else { continue };
        let mut words =
            info.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty());
        let lang = words.next().unwrap_or("");
        let flags: Vec<&str> = words.collect();
        let mut body = String::new();
        for (_, l) in lines.by_ref() {
            if let Some((c2, n2, rest)) = fence(l) {
                if c2 == ch && n2 >= n && rest.is_empty() {
                    break;
                }
            }
            body.push_str(l);
            body.push('\n');
        }
        if lang != "rhai" {
            continue;
        }
        let mut mode = Mode::Succeeds;
        for f in flags {
            mode = match f {
                "fails" => Mode::Fails,
                "ignore" => Mode::Ignore,
                other => {
                    return Err(format!(
                        "{}:{}: unknown flag `{other}` on a rhai block (known: fails, ignore)",
                        file.display(),
                        i + 1
                    ))
                }
            };
        }
        blocks.push(Block { file: file.to_owned(), line: i + 1, mode, body });
    }
    Ok(blocks)
}

fn book_blocks() -> Vec<Block> {
    let src = root().join("book").join("src");
    assert!(src.is_dir(), "{} is missing", src.display());
    let mut files = Vec::new();
    markdown_files(&src, &mut files);
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let text =
            fs::read_to_string(&f).unwrap_or_else(|e| panic!("reading {}: {e}", f.display()));
        let rel = f.strip_prefix(root()).unwrap_or(&f).to_owned();
        match extract(&rel, &text) {
            Ok(b) => blocks.extend(b),
            Err(e) => errors.push(e),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    blocks
}

#[test]
fn book_rhai_blocks() {
    let blocks = book_blocks();
    let out_root = tempfile::Builder::new().prefix("tsdsl-book-").tempdir().unwrap();
    let mut failures = Vec::new();
    let mut to_validate = Vec::new();
    let (mut ran, mut ignored) = (0, 0);

    for block in &blocks {
        if block.mode == Mode::Ignore {
            ignored += 1;
            continue;
        }
        ran += 1;
        // Offline and the same for everyone: `aws::caller()` and the guard see this account.
        let mut t = Tsdsl::new().env("TSDSL_ACCOUNT_ID", "123456789012");
        for (name, src) in block.files() {
            t = t.script(&name, &src);
        }
        let out_dir = out_root.path().join(format!("{:03}-{}", ran, block.slug()));
        let o = t.arg("run").arg(block.entry()).arg("-o").arg(&out_dir).run();
        match block.mode {
            Mode::Succeeds => {
                if o.status != Some(0) {
                    failures.push(format!("{block}: expected exit 0\n{o}"));
                } else {
                    to_validate.push((out_dir, block));
                }
            }
            Mode::Fails => {
                if o.status != Some(1) {
                    failures.push(format!("{block}: marked `fails`, expected exit 1\n{o}"));
                }
                for code in block.expected_codes() {
                    if !o.stderr.contains(&code) {
                        failures
                            .push(format!("{block}: stderr lacks the expected code `{code}`\n{o}"));
                    }
                }
            }
            Mode::Ignore => unreachable!(),
        }
    }

    if !to_validate.is_empty() {
        let dirs: Vec<PathBuf> = to_validate.iter().map(|(d, _)| d.clone()).collect();
        let v = tf_validate(&dirs);
        if !v.success() {
            let rejected: Vec<String> = to_validate
                .iter()
                .filter(|(d, _)| {
                    let verdict = format!("{}: ", d.display());
                    v.stdout
                        .lines()
                        .any(|l| l.starts_with(&verdict) && !l[verdict.len()..].starts_with("OK"))
                })
                .map(|(_, b)| b.to_string())
                .collect();
            failures.push(format!(
                "tf-validate rejected the output of: {}\n(folders are named N-FILE-LLINE)\n{v}",
                if rejected.is_empty() { "(see below)".to_owned() } else { rejected.join(", ") }
            ));
        }
    }

    eprintln!("book: {} rhai blocks, {ran} run, {ignored} ignored", blocks.len());
    assert!(
        failures.is_empty(),
        "{} book blocks failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn extractor_reads_flags_files_and_lines() {
    let md = "# T\n\n```rhai\nlet a = 1;\n```\n\ntext\n\n````rhai,fails\n// expect: tsdsl::schema::unknown\n```\n````\n\n```rhai ignore\nx\n```\n\n```toml\na = 1\n```\n\n```rhai\n// file: net.rhai\nfn f() {}\n// file: main.rhai\nimport \"net\" as net;\n```\n";
    let blocks = extract(Path::new("t.md"), md).unwrap();
    assert_eq!(blocks.len(), 4);
    assert_eq!((blocks[0].line, blocks[0].mode), (3, Mode::Succeeds));
    assert_eq!(blocks[0].files(), vec![("main.rhai".to_owned(), "let a = 1;\n".to_owned())]);
    assert_eq!((blocks[1].line, blocks[1].mode), (9, Mode::Fails));
    assert_eq!(blocks[1].expected_codes(), vec!["tsdsl::schema::unknown".to_owned()]);
    assert!(blocks[1].body.contains("```\n"), "a shorter fence inside a longer one is content");
    assert_eq!(blocks[2].mode, Mode::Ignore);
    let files = blocks[3].files();
    assert_eq!(files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["net.rhai", "main.rhai"]);
    assert_eq!(blocks[3].entry(), "main.rhai");
    assert_eq!(blocks[3].slug(), "t.md-L22");
    assert!(extract(Path::new("t.md"), "```rhai,nope\n```\n").is_err());
}
