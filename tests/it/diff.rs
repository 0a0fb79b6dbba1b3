//! `tsdsl diff`: against the output folder and against a git revision of a
//! repository each test creates; exit 0 when nothing changes, 3 when
//! something does, 1 on script errors, 2 on usage.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder (a git repository when asked) where the test runs several commands.
struct Work {
    dir: tempfile::TempDir,
}

struct Ran {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Work {
    fn new() -> Work {
        Work { dir: tempfile::Builder::new().prefix("tsdsl-diff-").tempdir().unwrap() }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn tsdsl(&self, args: &[&str]) -> Ran {
        let out = Command::new(support::bin())
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Ran {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn repo() -> Work {
        let w = Work::new();
        w.git(&["init", "-q", "-b", "main"]);
        w
    }
}

fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let text = fs::read_to_string(e.path()).unwrap_or_default();
                    (e.file_name().to_string_lossy().into_owned(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

const NET: &str = r#"
import "lib/naming" as naming;

terraform(#{ required_providers: #{ aws: "~> 6.0" } });
provider("aws", #{ region: "eu-west-1" });
let vpc = resource("aws_vpc", "main", #{ cidr_block: "10.0.0.0/16", tags: #{ Name: naming::name("net") } });
output("vpc_id", vpc.id);
"#;

const NAMING: &str = r#"
fn name(x) { `shop-${x}` }
"#;

#[test]
fn nothing_changed_is_exit_0_and_writes_nothing() {
    let w = Work::new();
    w.write("scripts/net.rhai", NET).write("scripts/lib/naming.rhai", NAMING);
    let run = w.tsdsl(&["run", "scripts/net.rhai"]);
    assert_eq!(run.status, Some(0), "{run}");
    let before = listing(&w.path("out/net"));
    let d = w.tsdsl(&["diff", "scripts/net.rhai"]);
    assert_eq!(d.status, Some(0), "{d}");
    assert_eq!(d.stdout, "net: no changes\n", "{d}");
    assert_eq!(listing(&w.path("out/net")), before);
}

#[test]
fn an_edit_shows_the_attribute_and_is_exit_3_without_writing() {
    let w = Work::new();
    w.write("scripts/net.rhai", NET).write("scripts/lib/naming.rhai", NAMING);
    assert_eq!(w.tsdsl(&["run", "scripts/net.rhai"]).status, Some(0));
    let before = listing(&w.path("out/net"));
    w.write("scripts/net.rhai", &NET.replace("10.0.0.0/16", "10.1.0.0/16"));
    w.write("scripts/lib/naming.rhai", &NAMING.replace("shop-", "ts-"));
    let d = w.tsdsl(&["diff", "scripts/net.rhai"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert_eq!(
        d.stdout,
        "net: 0 to add, 1 to change, 0 to remove\n  ~ aws_vpc.main\n      ~ cidr_block = \"10.0.0.0/16\" -> \"10.1.0.0/16\"\n      ~ tags.Name = \"shop-net\" -> \"ts-net\"\n",
        "{d}"
    );
    assert_eq!(listing(&w.path("out/net")), before, "diff wrote to the output folder");
}

#[test]
fn no_output_yet_is_all_added() {
    let w = Work::new();
    w.write("scripts/net.rhai", NET).write("scripts/lib/naming.rhai", NAMING);
    let d = w.tsdsl(&["diff", "scripts/net.rhai", "-o", "elsewhere"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.starts_with("net: 4 to add, 0 to change, 0 to remove\n"), "{d}");
    assert!(d.stdout.contains("  + aws_vpc.main\n      + cidr_block = \"10.0.0.0/16\"\n"), "{d}");
    assert!(!w.path("elsewhere").exists() && !w.path("out").exists());
}

#[test]
fn json_output_folder_is_compared_as_json() {
    let w = Work::new();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    assert_eq!(w.tsdsl(&["run", "net.rhai", "-o", "o", "--format", "json"]).status, Some(0));
    let same = w.tsdsl(&["diff", "net.rhai", "-o", "o"]);
    assert_eq!(same.status, Some(0), "{same}");
    w.write("net.rhai", &NET.replace("10.0.0.0/16", "10.2.0.0/16"));
    let d = w.tsdsl(&["diff", "net.rhai", "-o", "o", "--format", "json"]);
    assert_eq!(d.status, Some(3), "{d}");
    let doc: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(doc["changed"], true);
    let attr = &doc["stacks"][0]["changes"][0]["attributes"][0];
    assert_eq!(attr["path"], "cidr_block");
    assert_eq!(attr["new"], "\"10.2.0.0/16\"");
}

#[test]
fn against_a_git_revision_reads_the_scripts_and_modules_at_that_revision() {
    let w = Work::repo();
    w.write("scripts/net.rhai", NET).write("scripts/lib/naming.rhai", NAMING);
    w.commit("first");
    // The branch: a module edited and committed, then the script edited in the work tree.
    w.write("scripts/lib/naming.rhai", &NAMING.replace("shop-", "ts-"));
    w.commit("rename");
    w.write("scripts/net.rhai", &NET.replace("10.0.0.0/16", "10.3.0.0/16"));
    let status_before = w.git(&["status", "--porcelain"]);

    let d = w.tsdsl(&["diff", "scripts/net.rhai", "--git", "main~1"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("~ cidr_block = \"10.0.0.0/16\" -> \"10.3.0.0/16\""), "{d}");
    assert!(d.stdout.contains("~ tags.Name = \"shop-net\" -> \"ts-net\""), "{d}");

    let d = w.tsdsl(&["diff", "scripts/net.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(!d.stdout.contains("tags.Name"), "the module is unchanged since main\n{d}");

    // Nothing checked out, nothing written.
    assert_eq!(w.git(&["status", "--porcelain"]), status_before);
    assert!(!w.path("out").exists());
    assert!(w.read("scripts/lib/naming.rhai").contains("ts-"));
}

#[test]
fn a_script_that_is_a_symlink_is_read_as_the_revision_links_it() {
    let w = Work::repo();
    w.write("s/v1.rhai", &NET.replace("10.0.0.0/16", "10.1.0.0/16"));
    w.write("s/v2.rhai", &NET.replace("10.0.0.0/16", "10.2.0.0/16"));
    w.write("s/lib/naming.rhai", NAMING);
    std::os::unix::fs::symlink("v1.rhai", w.path("s/current.rhai")).unwrap();
    w.commit("current is v1");
    fs::remove_file(w.path("s/current.rhai")).unwrap();
    std::os::unix::fs::symlink("v2.rhai", w.path("s/current.rhai")).unwrap();
    w.commit("current is v2");

    let d = w.tsdsl(&["diff", "s/current.rhai", "--git", "main~1"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("~ cidr_block = \"10.1.0.0/16\" -> \"10.2.0.0/16\""), "{d}");
    let d = w.tsdsl(&["diff", "s/current.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(0), "{d}");
}

#[test]
fn a_folder_diffs_every_stack_including_ones_added_or_deleted_since() {
    let w = Work::repo();
    w.write("scripts/net.rhai", NET)
        .write("scripts/lib/naming.rhai", NAMING)
        .write("scripts/old.rhai", &NET.replace("\"main\"", "\"legacy\""))
        // A module beside the stacks: no stack of its own.
        .write("scripts/helpers.rhai", "fn unused() { 1 }\n");
    w.commit("first");
    fs::remove_file(w.path("scripts/old.rhai")).unwrap();
    w.write("scripts/new.rhai", NET);
    let d = w.tsdsl(&["diff", "scripts", "--git", "main", "--format", "markdown"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("### `net`: no changes"), "{d}");
    assert!(d.stdout.contains("### `new`: 4 to add"), "{d}");
    assert!(d.stdout.contains("### `old`: 0 to add, 0 to change, 4 to remove"), "{d}");
    assert!(d.stdout.contains("\n-   aws_vpc.legacy\n"), "{d}");
    assert!(!d.stdout.contains("helpers"), "{d}");
}

#[test]
fn a_folder_diffs_the_stacks_watch_and_run_see() {
    let w = Work::new();
    let queue = "terraform(#{ required_providers: #{ aws: \"~> 6.0\" } });\n\
                 provider(\"aws\", #{ region: \"eu-west-1\" });\n\
                 resource(\"aws_sqs_queue\", \"q\", #{ name: \"q\" });\n";
    w.write("s/app.rhai", "import \"parts\" as parts;\n")
        // Imported: part of `app`, not a stack.
        .write("s/parts.rhai", queue)
        // Hidden: an editor's or a draft, not a stack.
        .write("s/.draft.rhai", queue);
    let r = w.tsdsl(&["run", "s/app.rhai", "-o", "out/app"]);
    assert_eq!(r.status, Some(0), "{r}");
    let d = w.tsdsl(&["diff", "s", "-o", "out"]);
    assert_eq!(d.status, Some(0), "{d}");
    assert!(!d.stdout.contains("parts") && !d.stdout.contains("draft"), "{d}");
}

#[test]
fn a_stack_reading_a_sibling_stack_is_evaluated_at_the_revision() {
    let shared = r#"
terraform(#{ required_providers: #{ aws: "~> 6.0" } });
backend("s3", #{ bucket: "state", key: "shared.tfstate", region: "eu-west-1" });
provider("aws", #{ region: "eu-west-1" });
let z = resource("aws_route53_zone", "main", #{ name: "example.com" });
output("zone_id", z.zone_id);
"#;
    let app = r#"
terraform(#{ required_providers: #{ aws: "~> 6.0" } });
provider("aws", #{ region: "eu-west-1" });
let shared = stack("shared");
resource("aws_route53_record", "www", #{ zone_id: shared.zone_id, name: "www", type: "A", ttl: 60, records: ["192.0.2.1"] });
"#;
    let w = Work::repo();
    w.write("stacks/shared.rhai", shared).write("stacks/app.rhai", app);
    w.commit("first");
    w.write("stacks/shared.rhai", &shared.replace("shared.tfstate", "core.tfstate"));
    let d = w.tsdsl(&["diff", "stacks/app.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("~ data.terraform_remote_state.shared"), "{d}");
    assert!(d.stdout.contains("\"shared.tfstate\" -> \"core.tfstate\""), "{d}");
}

#[test]
fn secrets_are_never_printed_and_renames_get_their_moved_line() {
    let src = r#"
terraform(#{ required_providers: #{ aws: "~> 6.0" } });
provider("aws", #{ region: "eu-west-1" });
resource("aws_s3_bucket", "logs", #{ bucket: "my-logs" });
resource("aws_db_instance", "db", #{ identifier: "db", engine: "mysql", instance_class: "db.t3.micro", allocated_storage: 20, username: "admin", password: literal_secret("hunter2", "test fixture") });
"#;
    let w = Work::new();
    w.write("app.rhai", src);
    assert_eq!(w.tsdsl(&["run", "app.rhai", "-o", "o"]).status, Some(0));
    w.write("app.rhai", &src.replace("hunter2", "swordfish").replace("\"logs\"", "\"audit_logs\""));
    for format in ["text", "json", "markdown"] {
        let d = w.tsdsl(&["diff", "app.rhai", "-o", "o", "--format", format]);
        assert_eq!(d.status, Some(3), "{d}");
        assert!(!d.stdout.contains("hunter2") && !d.stdout.contains("swordfish"), "{d}");
        assert!(d.stdout.contains("password"), "{d}");
        assert!(
            d.stdout.contains(r#"moved("aws_s3_bucket.logs", "aws_s3_bucket.audit_logs");"#)
                || d.stdout
                    .contains(r#"moved(\"aws_s3_bucket.logs\", \"aws_s3_bucket.audit_logs\");"#),
            "{d}"
        );
    }
}

#[test]
fn script_errors_are_exit_1() {
    let w = Work::new();
    w.write("bad.rhai", "resource(\"aws_vpc\", \"main\", #{ cidr_blok: \"10.0.0.0/16\" });\n");
    let d = w.tsdsl(&["diff", "bad.rhai"]);
    assert_eq!(d.status, Some(1), "{d}");
    assert!(d.stderr.contains("cidr_blok"), "{d}");
    assert!(d.stdout.is_empty(), "{d}");
}

#[test]
fn errors_in_the_revision_are_exit_1_and_say_so() {
    let w = Work::repo();
    w.write("net.rhai", "resource(\"aws_vpc\", \"main\", #{ cidr_blok: \"10.0.0.0/16\" });\n");
    w.commit("broken");
    w.write("net.rhai", "resource(\"aws_vpc\", \"main\", #{ cidr_block: \"10.0.0.0/16\" });\n");
    let d = w.tsdsl(&["diff", "net.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(1), "{d}");
    assert!(d.stderr.contains("in the scripts at `main`"), "{d}");
    // Named as git names it, not by the temporary folder it was read from.
    assert!(d.stderr.contains("main:net.rhai:1:"), "{d}");
    assert!(!d.stderr.contains("tsdsl-git-"), "{d}");
    // One JSON object a line, nothing else.
    let d = w.tsdsl(&["diff", "net.rhai", "--git", "main", "--message-format", "json"]);
    assert_eq!(d.status, Some(1), "{d}");
    for line in d.stderr.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["code"].is_string(), "{d}");
    }
}

#[test]
fn usage_errors_are_exit_2() {
    let w = Work::repo();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    w.commit("first");
    let d = w.tsdsl(&["diff", "net.rhai", "--git", "no-such-branch"]);
    assert_eq!(d.status, Some(2), "{d}");
    assert!(d.stderr.contains("unknown git revision `no-such-branch`"), "{d}");
    let d = w.tsdsl(&["diff", "net.rhai", "--git", "--upload-pack=touch x"]);
    assert_eq!(d.status, Some(2), "{d}");
    let d = w.tsdsl(&["diff", "missing.rhai"]);
    assert_eq!(d.status, Some(2), "{d}");
    let d = w.tsdsl(&["diff", "net.rhai", "--format", "yaml"]);
    assert_eq!(d.status, Some(2), "{d}");

    let plain = Work::new();
    plain.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    let d = plain.tsdsl(&["diff", "net.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(2), "{d}");
    assert!(d.stderr.contains("`--git` needs a git repository"), "{d}");
}

#[test]
fn a_hand_broken_output_file_is_named() {
    let w = Work::new();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    assert_eq!(w.tsdsl(&["run", "net.rhai", "-o", "o"]).status, Some(0));
    let main = w.read("o/main.tf");
    w.write("o/main.tf", &format!("{main}\nresource {{\n"));
    let d = w.tsdsl(&["diff", "net.rhai", "-o", "o"]);
    assert_eq!(d.status, Some(2), "{d}");
    assert!(d.stderr.contains("`main.tf` is not valid HCL"), "{d}");
}

// ---------------------------------------------------------- the summary of `run`

#[test]
fn run_prints_what_it_changed() {
    let w = Work::new();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    let first = w.tsdsl(&["run", "net.rhai", "-o", "o"]);
    assert_eq!(first.status, Some(0), "{first}");
    assert!(
        first.stdout.contains("\n  4 to add, 0 to change, 0 to remove\n  + aws_vpc.main\n"),
        "{first}"
    );
    let again = w.tsdsl(&["run", "net.rhai", "-o", "o"]);
    assert!(again.stdout.ends_with(")\n  no changes\n"), "{again}");
    w.write("net.rhai", &NET.replace("10.0.0.0/16", "10.4.0.0/16").replace("\"vpc_id\"", "\"id\""));
    let edit = w.tsdsl(&["run", "net.rhai", "-o", "o"]);
    assert_eq!(edit.status, Some(0), "{edit}");
    assert!(
        edit.stdout.ends_with(
            ")\n  1 to add, 1 to change, 1 to remove\n  ~ aws_vpc.main: cidr_block \"10.0.0.0/16\" -> \"10.4.0.0/16\"\n  + output.id\n  - output.vpc_id\n"
        ),
        "{edit}"
    );
}

#[test]
fn run_summary_as_json_or_not_at_all() {
    let w = Work::new();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    assert_eq!(w.tsdsl(&["run", "net.rhai", "-o", "o"]).status, Some(0));
    w.write("net.rhai", &NET.replace("10.0.0.0/16", "10.5.0.0/16"));
    let r = w.tsdsl(&["run", "net.rhai", "-o", "o", "--changes", "json"]);
    assert_eq!(r.status, Some(0), "{r}");
    let last = r.stdout.lines().last().unwrap();
    let doc: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(doc["stacks"][0]["changes"][0]["address"], "aws_vpc.main");
    assert_eq!(doc["stacks"][0]["changes"][0]["attributes"][0]["old"], "\"10.0.0.0/16\"");
    let quiet = w.tsdsl(&["run", "net.rhai", "-o", "o", "--changes", "none"]);
    assert_eq!(quiet.stdout.lines().count(), 1, "{quiet}");
}

#[test]
fn run_with_an_unreadable_previous_output_still_writes() {
    let w = Work::new();
    w.write("net.rhai", NET).write("lib/naming.rhai", NAMING);
    assert_eq!(w.tsdsl(&["run", "net.rhai", "-o", "o"]).status, Some(0));
    let main = w.read("o/main.tf");
    w.write("o/main.tf", &format!("{main}\nresource {{\n"));
    let r = w.tsdsl(&["run", "net.rhai", "-o", "o"]);
    assert_eq!(r.status, Some(0), "{r}");
    assert!(
        r.stdout.contains(
            "note: no change summary: cannot read the previous output (`main.tf` is not valid HCL"
        ),
        "{r}"
    );
    assert_eq!(w.read("o/main.tf"), main);
}

#[test]
fn a_rename_the_script_already_moves_shows_as_moved_without_the_hint() {
    let src = r#"
terraform(#{ required_providers: #{ aws: "~> 6.0" } });
provider("aws", #{ region: "eu-west-1" });
resource("aws_s3_bucket", "logs", #{ bucket: "my-logs" });
"#;
    let w = Work::new();
    w.write("app.rhai", src);
    assert_eq!(w.tsdsl(&["run", "app.rhai", "-o", "o"]).status, Some(0));
    let renamed = src.replace("\"logs\"", "\"audit_logs\"")
        + "moved(\"aws_s3_bucket.logs\", \"aws_s3_bucket.audit_logs\");\n";
    w.write("app.rhai", &renamed);
    let d = w.tsdsl(&["diff", "app.rhai", "-o", "o"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(
        d.stdout.contains("  ~ aws_s3_bucket.audit_logs (moved from aws_s3_bucket.logs)\n"),
        "{d}"
    );
    assert!(d.stdout.contains("  + moved[0]\n"), "{d}");
    assert!(!d.stdout.contains("to keep the existing object"), "{d}");
}

/// A `.rhai` blob larger than a build reads is not read from git either
/// (a 1.5 GB one took 1.5 GB of memory); importing it is refused as the
/// file in the work tree would be.
#[test]
fn an_oversized_blob_at_the_revision_is_not_read() {
    let w = Work::repo();
    w.write("s.rhai", "output(\"o\", \"v\");\n");
    w.write("big.rhai", &format!("// {}\n", "x".repeat(9 << 20)));
    w.commit("big");
    let d = w.tsdsl(&["diff", "s.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(0), "{d}");
    w.write("s.rhai", "import \"big\" as b;\noutput(\"o\", \"v\");\n");
    w.commit("imports it");
    let d = w.tsdsl(&["diff", "s.rhai", "--git", "main"]);
    assert_eq!(d.status, Some(1), "{d}");
    assert!(d.stderr.contains("it is 9.0 MB long, more than the 8.0 MB a file may be"), "{d}");
}

/// Renaming every block of a big stack: comparing each gone block with
/// each new one was quadratic (10,000 buckets: 29 s in `diff`, 5 s more in
/// `run`'s warning). Past a budget only identical bodies pair up, and they
/// pair right; a gone block with no identical new one is a removal.
#[test]
fn a_mass_rename_pairs_identical_blocks_in_linear_time() {
    let n = 2000;
    let script = |name: &dyn Fn(usize) -> String, bucket: &dyn Fn(usize) -> String| {
        (0..n)
            .map(|i| {
                format!(
                    "resource(\"aws_s3_bucket\", \"{}\", #{{ bucket: \"{}\" }});\n",
                    name(i),
                    bucket(i)
                )
            })
            .collect::<String>()
    };
    let w = Work::new();
    w.write("s.rhai", &script(&|i| format!("old_{i}"), &|i| format!("x{i}")));
    assert_eq!(w.tsdsl(&["run", "s.rhai", "-o", "o", "--changes", "none"]).status, Some(0));
    // Bucket 7 also changes its name: nothing identical to pair it with.
    let new =
        script(&|i| format!("new_{i}_v2"), &|i| if i == 7 { "y7".into() } else { format!("x{i}") });
    w.write("s.rhai", &new);
    let d = w.tsdsl(&["diff", "s.rhai", "-o", "o", "--format", "json"]);
    assert_eq!(d.status, Some(3), "{d}");
    let v: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    let changes = v["stacks"][0]["changes"].as_array().unwrap_or_else(|| panic!("{d}"));
    let mut renames = 0;
    for c in changes {
        let (to, from) = (c["address"].as_str().unwrap(), c["from"].as_str());
        match from {
            Some(from) => {
                renames += 1;
                let i = from.trim_start_matches("aws_s3_bucket.old_");
                assert_eq!(to, format!("aws_s3_bucket.new_{i}_v2"), "{c}");
            }
            None => assert!(to.ends_with("old_7") || to.ends_with("new_7_v2"), "{c}"),
        }
    }
    assert_eq!(renames, n - 1, "{d}");
    let r = w.tsdsl(&["run", "s.rhai", "-o", "o", "--timeout", "10"]);
    assert_eq!(r.status, Some(0), "{r}");
    assert!(r.stdout.contains(r#"moved("aws_s3_bucket.old_0", "aws_s3_bucket.new_0_v2");"#), "{r}");
    // The warning names only what the summary did not pair (by name, there).
    assert_eq!(r.stderr.matches("moved(").count(), 1, "{r}");
    assert!(r.stderr.contains(r#"moved("aws_s3_bucket.old_7", "aws_s3_bucket.new_7_v2");"#), "{r}");
}

/// What `run` would rewrite is a change for `diff`, even when Terraform
/// reads the same configuration: committed output is out of date (the
/// book's CI check) when the calls moved, or a block went to another file.
#[test]
fn files_run_would_rewrite_are_a_change_even_when_terraform_reads_the_same() {
    let w = Work::new();
    let two = "terraform(#{ required_providers: #{ aws: \"~> 6.0\" } });\n\
               provider(\"aws\", #{ region: \"eu-west-1\" });\n\
               resource(\"aws_s3_bucket\", \"a\", #{ bucket: \"shop-a\" });\n\
               resource(\"aws_s3_bucket\", \"b\", #{ bucket: \"shop-b\" });\n";
    w.write("s.rhai", two);
    assert_eq!(w.tsdsl(&["run", "s.rhai", "--changes", "none"]).status, Some(0));
    let swapped = two.replace("\"a\", #{ bucket: \"shop-a\" }", "\"x\", #{ bucket: \"shop-x\" }");
    let swapped = swapped
        .replace("\"b\", #{ bucket: \"shop-b\" }", "\"a\", #{ bucket: \"shop-a\" }")
        .replace("\"x\", #{ bucket: \"shop-x\" }", "\"b\", #{ bucket: \"shop-b\" }");
    w.write("s.rhai", &swapped);
    let d = w.tsdsl(&["diff", "s.rhai"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert_eq!(
        d.stdout,
        "s: no change to what Terraform reads, but the files are rewritten\n  files: main.tf rewritten\n",
        "{d}"
    );
    let r = w.tsdsl(&["run", "s.rhai"]);
    assert!(r.stdout.contains("files: main.tf rewritten"), "{r}");
    let again = w.tsdsl(&["diff", "s.rhai"]);
    assert_eq!((again.status, again.stdout.as_str()), (Some(0), "s: no changes\n"), "{again}");
}

/// checkov exceptions are comments, so Terraform does not see them, but the
/// security scan does: a reviewer must.
#[test]
fn a_new_checkov_exception_is_shown_in_the_pull_request_comment() {
    let w = Work::repo();
    let base = "terraform(#{ required_providers: #{ aws: \"~> 6.0\" } });\n\
                provider(\"aws\", #{ region: \"eu-west-1\" });\n\
                let b = resource(\"aws_s3_bucket\", \"logs\", #{ bucket: \"shop-logs\" });\n";
    w.write("scripts/s.rhai", base);
    w.commit("base");
    w.write(
        "scripts/s.rhai",
        &format!("{base}checkov_skip(b, \"CKV_AWS_145\", \"no KMS needed\");\n"),
    );
    let d = w.tsdsl(&["diff", "scripts/s.rhai", "--git", "main", "--format", "markdown"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("1 checkov exception changed"), "{d}");
    assert!(
        d.stdout.contains("+   #checkov:skip=CKV_AWS_145:no KMS needed (on aws_s3_bucket.logs)"),
        "{d}"
    );
    let j = w.tsdsl(&["diff", "scripts/s.rhai", "--git", "main", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(doc["changed"], true, "{j}");
    assert_eq!(
        doc["stacks"][0]["checkov_skips"][0],
        serde_json::json!({ "action": "add", "address": "aws_s3_bucket.logs", "skip": "CKV_AWS_145:no KMS needed" })
    );
}

/// `run` refuses to replace another script's files; `diff` must not call
/// them "no changes".
#[test]
fn another_scripts_output_is_refused_as_run_refuses_it() {
    let w = Work::new();
    let s = "terraform(#{ required_providers: #{ aws: \"~> 6.0\" } });\n\
             provider(\"aws\", #{ region: \"eu-west-1\" });\n\
             resource(\"aws_s3_bucket\", \"b\", #{ bucket: \"shop-b\" });\n";
    w.write("old/shop.rhai", s).write("new/shop.rhai", s);
    assert_eq!(w.tsdsl(&["run", "old/shop.rhai", "-o", "out/shop"]).status, Some(0));
    let d = w.tsdsl(&["diff", "new/shop.rhai", "-o", "out/shop"]);
    let r = w.tsdsl(&["run", "new/shop.rhai", "-o", "out/shop"]);
    assert_eq!(r.status, Some(2), "{r}");
    assert_eq!(d.status, Some(2), "{d}");
    assert!(d.stderr.contains("tsdsl::output::other_script"), "{d}");
    assert!(
        d.stderr.contains("was generated from `old/shop.rhai`, not from `new/shop.rhai`"),
        "{d}"
    );
}

/// What Terraform's kubernetes, helm and aws data-source schemas mark
/// sensitive, and the schemas tsdsl is built from do not say
/// (`schemas/sensitive.txt`): hidden by `diff`, guarded in outputs and
/// refused as literals, as the flags of aws resources are.
#[test]
fn secrets_of_kubernetes_helm_and_aws_data_sources_are_treated_as_secrets() {
    let w = Work::new();
    let secret = r#"
terraform(#{ required_providers: #{ kubernetes: "~> 2.38" } });
provider("kubernetes", #{ config_path: "~/.kube/config" });
resource("kubernetes_secret_v1", "db", #{
    metadata: #{ name: "shop-db", namespace: "shop" },
    data: #{ dsn: "mysql://shop:Hunter2-prod-pw@db.internal:3306/shop" },
});
"#;
    w.write("s.rhai", secret);
    assert_eq!(w.tsdsl(&["run", "s.rhai", "--changes", "none"]).status, Some(0));
    w.write("s.rhai", &secret.replace("Hunter2", "Hunter3"));
    let d = w.tsdsl(&["diff", "s.rhai"]);
    assert_eq!(d.status, Some(3), "{d}");
    assert!(d.stdout.contains("~ data.dsn = (sensitive value) -> (sensitive value)"), "{d}");
    assert!(!d.stdout.contains("Hunter"), "{d}");

    let with_output = secret
        .replace("resource(\"kubernetes_secret_v1\"", "let s = resource(\"kubernetes_secret_v1\"");
    w.write("o.rhai", &format!("{with_output}output(\"dsn\", s.data);\n"));
    let o = w.tsdsl(&["check", "o.rhai"]);
    assert_eq!(o.status, Some(1), "{o}");
    assert!(o.stderr.contains("output `dsn` shows `kubernetes_secret_v1.db.data`"), "{o}");
    w.write(
        "t.rhai",
        r#"
terraform(#{ required_providers: #{ aws: "~> 6.0", helm: "~> 3.0" } });
provider("aws", #{ region: "eu-west-1" });
let auth = data("aws_eks_cluster_auth", "c", #{ name: "shop" });
output("token", auth.token);
resource("helm_release", "grafana", #{
    name: "grafana", chart: "grafana",
    set_sensitive: [#{ name: "adminPassword", value: "Grafana-admin-pw-1" }],
});
"#,
    );
    let c = w.tsdsl(&["check", "t.rhai"]);
    assert_eq!(c.status, Some(1), "{c}");
    assert!(c.stderr.contains("output `token` shows `data.aws_eks_cluster_auth.c.token`"), "{c}");
    assert!(c.stderr.contains("`value` of resource type `helm_release` is a secret"), "{c}");
}
