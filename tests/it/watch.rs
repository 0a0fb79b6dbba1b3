//! `tsdsl watch FOLDER` as a process: saves in every editor's way, stacks
//! rebuilt exactly when what they read changed, files created after a run
//! looked for them, and Ctrl-C.
//!
//! The machine may be busy: every wait is on a line of the log or on the
//! output's content, with a generous deadline, never a fixed sleep.

use crate::support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(180);

const PROVIDER: &str = "terraform(#{ required_providers: #{ aws: \"~> 6.0\" } });\n\
                        provider(\"aws\", #{ region: \"eu-west-1\" });\n";

/// A stack read by the others with `stack("shared")`; BUCKET is replaced.
const SHARED: &str = r#"terraform(#{ required_providers: #{ aws: "~> 6.0" } });
backend("s3", #{ bucket: "BUCKET", key: "shared/terraform.tfstate", region: "eu-west-1" });
provider("aws", #{ region: "eu-west-1" });
let zone = resource("aws_route53_zone", "main", #{ name: "example.com" });
output("zone_id", zone.zone_id);
"#;

/// A stack importing the module `net`.
fn net_user(name: &str) -> String {
    format!(
        "import \"net\" as net;\n{PROVIDER}\
         resource(\"aws_vpc\", \"{name}\", #{{ cidr_block: net::CIDR }});\n"
    )
}

/// A stack that reads `shared`.
fn shared_reader() -> String {
    format!(
        "{PROVIDER}let shared = stack(\"shared\");\n\
         resource(\"aws_route53_record\", \"www\", #{{ zone_id: shared.zone_id, \
         name: \"www.example.com\", type: \"CNAME\", ttl: 300, records: [\"example.com\"] }});\n"
    )
}

/// A stack that depends on nothing else; NAME is replaced.
fn bucket(name: &str) -> String {
    format!("{PROVIDER}resource(\"aws_s3_bucket\", \"b\", #{{ bucket: \"{name}\" }});\n")
}

struct Watch {
    child: Child,
    log: Arc<Mutex<String>>,
    work: tempfile::TempDir,
}

impl Watch {
    /// Writes `files` under `scripts/` and starts `tsdsl watch scripts/ EXTRA...`.
    fn start(files: &[(&str, &str)], extra: &[&str]) -> Watch {
        let work = tempfile::Builder::new().prefix("tsdsl-watch-").tempdir().unwrap();
        fs::create_dir(work.path().join("scripts")).unwrap();
        for (name, text) in files {
            fs::write(work.path().join("scripts").join(name), text).unwrap();
        }
        let mut child = Command::new(support::bin())
            .arg("watch")
            .arg("scripts/")
            .args(extra)
            .current_dir(work.path())
            .env("NO_COLOR", "1")
            // Local time 5:30 east of UTC, so a UTC clock shows.
            .env("TZ", "TST-5:30")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = support::stderr_log(&mut child);
        Watch { child, log, work }
    }

    fn script(&self, name: &str) -> PathBuf {
        self.work.path().join("scripts").join(name)
    }

    fn output(&self, stack: &str) -> String {
        fs::read_to_string(self.work.path().join("out").join(stack).join("main.tf"))
            .unwrap_or_default()
    }

    /// Where the log ends now: later waits look only past it.
    fn mark(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    fn since(&self, mark: usize) -> String {
        self.log.lock().unwrap()[mark..].to_owned()
    }

    /// The status lines of `stack` printed after `mark`.
    fn lines_of(&self, stack: &str, mark: usize) -> Vec<String> {
        let prefix = format!("] {stack}: ");
        self.since(mark)
            .lines()
            .filter(|l| l.starts_with('[') && l.contains(&prefix))
            .map(str::to_owned)
            .collect()
    }

    #[track_caller]
    fn wait_until(&self, what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < DEADLINE,
                "gave up waiting for {what}\n--- log ---\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for a status line of `stack` after `mark` containing `word`.
    #[track_caller]
    fn wait_status(&self, stack: &str, mark: usize, word: &str) {
        self.wait_until(&format!("`{stack}: {word}` after byte {mark}"), || {
            self.lines_of(stack, mark).iter().any(|l| l.contains(&format!(": {word}")))
        });
    }

    /// Ctrl-C, and the exit status.
    fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < DEADLINE, "watch did not end on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first pass: every stack written once, the modules never built.
#[track_caller]
fn wait_first_pass(w: &Watch, stacks: &[&str]) {
    for s in stacks {
        w.wait_status(s, 0, "written");
    }
}

#[test]
fn a_module_change_rebuilds_the_stacks_that_import_it_and_no_other() {
    let net = "export const CIDR = \"10.1.0.0/16\";\n";
    let w = Watch::start(
        &[
            ("net.rhai", net),
            ("alpha.rhai", &net_user("alpha")),
            ("beta.rhai", &net_user("beta")),
            ("gamma.rhai", &bucket("gamma-bucket")),
        ],
        &[],
    );
    wait_first_pass(&w, &["alpha", "beta", "gamma"]);
    let head = w.since(0);
    assert!(
        head.contains("stacks: alpha, beta, gamma; modules: net") && !head.contains("] net: "),
        "{head}"
    );
    assert!(w.output("alpha").contains("10.1.0.0/16"));

    let mark = w.mark();
    fs::write(w.script("net.rhai"), net.replace("10.1.", "10.2.")).unwrap();
    w.wait_status("alpha", mark, "written");
    w.wait_status("beta", mark, "written");
    assert!(w.output("alpha").contains("10.2.0.0/16"), "{}", w.output("alpha"));
    assert!(w.output("beta").contains("10.2.0.0/16"), "{}", w.output("beta"));
    // `gamma` reads nothing that changed: no line, nothing rebuilt.
    assert!(w.lines_of("gamma", mark).is_empty(), "{}", w.since(mark));
    assert!(w.interrupt().success());
}

/// The shop's own folder: `shop.rhai` is imported by staging and
/// production, so saving it rebuilds those two and not `shared`.
#[test]
fn saving_the_shops_module_rebuilds_staging_and_production_only() {
    let root = support::root().join("scripts");
    let files: Vec<(String, String)> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let w = Watch::start(&borrowed, &[]);
    wait_first_pass(&w, &["production", "shared", "staging"]);
    let head = w.since(0);
    assert!(head.contains("stacks: production, shared, staging; modules: estate, shop"), "{head}");

    let mark = w.mark();
    let shop = fs::read_to_string(w.script("shop.rhai")).unwrap();
    let edited = format!("{shop}\n// an edit\n");
    fs::write(w.script("shop.rhai"), edited).unwrap();
    w.wait_status("production", mark, "unchanged");
    w.wait_status("staging", mark, "unchanged");
    assert!(w.lines_of("shared", mark).is_empty(), "{}", w.since(mark));
    assert!(w.interrupt().success());
}

#[test]
fn a_change_to_a_stack_read_with_stack_rebuilds_its_readers() {
    let w = Watch::start(
        &[
            ("shared.rhai", &SHARED.replace("BUCKET", "state-one")),
            ("reader.rhai", &shared_reader()),
            ("other.rhai", &bucket("other-bucket")),
        ],
        &[],
    );
    wait_first_pass(&w, &["other", "reader", "shared"]);
    assert!(w.output("reader").contains("\"state-one\""), "{}", w.output("reader"));

    let mark = w.mark();
    fs::write(w.script("shared.rhai"), SHARED.replace("BUCKET", "state-two")).unwrap();
    w.wait_status("shared", mark, "written");
    w.wait_status("reader", mark, "written");
    assert!(w.output("reader").contains("\"state-two\""), "{}", w.output("reader"));
    assert!(w.lines_of("other", mark).is_empty(), "{}", w.since(mark));
    assert!(w.interrupt().success());
}

#[test]
fn creating_a_missing_module_rebuilds_and_says_fixed() {
    let user = format!(
        "import \"extra\" as extra;\n{PROVIDER}\
         resource(\"aws_s3_bucket\", \"b\", #{{ bucket: extra::NAME }});\n"
    );
    let w = Watch::start(&[("user.rhai", &user), ("plain.rhai", &bucket("plain-b"))], &[]);
    w.wait_status("plain", 0, "written");
    w.wait_status("user", 0, "error");
    assert!(w.since(0).contains("module `extra` not found"), "{}", w.since(0));

    let mark = w.mark();
    fs::write(w.script("extra.rhai"), "export const NAME = \"made-later\";\n").unwrap();
    w.wait_status("user", mark, "fixed, written");
    assert!(w.output("user").contains("\"made-later\""), "{}", w.output("user"));
    // Now imported, `extra.rhai` is a module, not a stack of its own.
    assert!(w.lines_of("extra", mark).is_empty(), "{}", w.since(mark));
    assert!(!w.work.path().join("out/extra").exists());
    assert!(w.lines_of("plain", mark).is_empty(), "{}", w.since(mark));
    assert!(w.interrupt().success());
}

#[test]
fn creating_a_missing_module_in_a_missing_folder_rebuilds() {
    let user = format!(
        "import \"lib/extra\" as extra;\n{PROVIDER}\
         resource(\"aws_s3_bucket\", \"b\", #{{ bucket: extra::NAME }});\n"
    );
    let w = Watch::start(&[("user.rhai", &user)], &[]);
    w.wait_status("user", 0, "error");
    let mark = w.mark();
    // The folder and the file at once: the file may land before the
    // folder is watched.
    fs::create_dir(w.script("lib")).unwrap();
    fs::write(w.script("lib/extra.rhai"), "export const NAME = \"deep\";\n").unwrap();
    w.wait_status("user", mark, "fixed, written");
    assert!(w.output("user").contains("\"deep\""), "{}", w.output("user"));
    assert!(w.interrupt().success());
}

#[test]
fn with_out_each_stack_is_written_under_its_name() {
    let w =
        Watch::start(&[("a.rhai", &bucket("a-1")), ("b.rhai", &bucket("b-1"))], &["-o", "build"]);
    wait_first_pass(&w, &["a", "b"]);
    assert!(w.since(0).contains("writing to build/<stack>"), "{}", w.since(0));
    for s in ["a", "b"] {
        let main = fs::read_to_string(w.work.path().join("build").join(s).join("main.tf")).unwrap();
        assert!(main.contains(&format!("\"{s}-1\"")), "{main}");
    }
    assert!(!w.work.path().join("out").exists());
    assert!(w.interrupt().success());
}

#[test]
fn creating_a_missing_schema_file_rebuilds() {
    let w = Watch::start(&[("one.rhai", &bucket("one-b"))], &["--schema", "extra.json"]);
    w.wait_status("one", 0, "error");
    let mark = w.mark();
    fs::write(
        w.work.path().join("extra.json"),
        r#"{"format_version":"1.0","provider_schemas":{}}"#,
    )
    .unwrap();
    w.wait_status("one", mark, "fixed, written");
    assert!(w.output("one").contains("\"one-b\""));
    assert!(w.interrupt().success());
}

use support::saves::{delete_and_recreate, temp_then_rename, truncate_then_write, Save};

fn in_place(p: &Path, text: &str) {
    let mut f = fs::OpenOptions::new().write(true).open(p).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f.set_len(text.len() as u64).unwrap();
}

#[test]
fn every_editor_save_style_rebuilds_the_saved_stack() {
    let w = Watch::start(&[("web.rhai", &bucket("web-0")), ("quiet.rhai", &bucket("quiet"))], &[]);
    wait_first_pass(&w, &["quiet", "web"]);
    let after_first = w.mark();
    let styles: [(&str, Save); 4] = [
        ("in place", in_place),
        ("temp then rename", temp_then_rename),
        ("delete and recreate", delete_and_recreate),
        ("truncate then write", truncate_then_write),
    ];
    let mut n = 0;
    for (style, save) in styles {
        for _ in 0..2 {
            n += 1;
            let name = format!("web-{n}");
            let mark = w.mark();
            save(&w.script("web.rhai"), &bucket(&name));
            w.wait_until(&format!("{style}: `{name}` in the output"), || {
                w.output("web").contains(&format!("\"{name}\""))
            });
            w.wait_status("web", mark, "written");
        }
    }

    // A burst: many saves in a row make few rebuilds, of the last text.
    let mark = w.mark();
    for i in 0..20 {
        fs::write(w.script("web.rhai"), bucket(&format!("burst-{i}"))).unwrap();
    }
    w.wait_until("the burst's last save in the output", || {
        w.output("web").contains("\"burst-19\"")
    });
    w.wait_status("web", mark, "written");
    let lines = w.lines_of("web", mark);
    assert!(lines.len() < 20, "{lines:#?}");
    assert!(lines.last().is_some_and(|l| l.contains("written in")), "{lines:#?}");

    // The other stack was never rebuilt.
    assert!(w.lines_of("quiet", after_first).is_empty(), "{}", w.since(after_first));
    assert!(w.interrupt().success());
}

#[test]
fn a_watched_folder_moved_away_and_made_again_is_watched_again() {
    let w = Watch::start(&[("a.rhai", &bucket("a-1"))], &[]);
    wait_first_pass(&w, &["a"]);
    let scripts = w.work.path().join("scripts");
    fs::rename(&scripts, w.work.path().join("scripts.old")).unwrap();
    fs::create_dir(&scripts).unwrap();
    fs::write(scripts.join("a.rhai"), bucket("a-2")).unwrap();
    w.wait_until("the output of the new folder", || w.output("a").contains("\"a-2\""));
    // And the saves after it, in the new folder, are seen.
    fs::write(scripts.join("a.rhai"), bucket("a-3")).unwrap();
    w.wait_until("the output of a save in it", || w.output("a").contains("\"a-3\""));
    assert!(w.interrupt().success());
}

#[test]
fn a_script_that_is_a_symlink_is_rebuilt_when_its_target_is_saved() {
    let w = Watch::start(&[("prod.rhai", &bucket("p-1"))], &[]);
    wait_first_pass(&w, &["prod"]);
    std::os::unix::fs::symlink("prod.rhai", w.script("current.rhai")).unwrap();
    w.wait_until("the new stack `current`", || w.output("current").contains("\"p-1\""));
    fs::write(w.script("prod.rhai"), bucket("p-2")).unwrap();
    w.wait_until("`current` rebuilt from its target", || w.output("current").contains("\"p-2\""));
    w.wait_until("`prod` rebuilt", || w.output("prod").contains("\"p-2\""));
    assert!(w.interrupt().success());
}

#[test]
fn a_new_script_becomes_a_stack_and_a_broken_save_is_an_error_then_fixed() {
    let w = Watch::start(&[("a.rhai", &bucket("a-1"))], &[]);
    w.wait_status("a", 0, "written");
    let mark = w.mark();
    fs::write(w.script("b.rhai"), bucket("b-1")).unwrap();
    w.wait_status("b", mark, "written");
    assert!(w.output("b").contains("\"b-1\""));

    let mark = w.mark();
    fs::write(w.script("a.rhai"), "resource(\"aws_s3_bucket\", \"b\", #{ bucket: }\n").unwrap();
    w.wait_status("a", mark, "error");
    assert!(w.output("a").contains("\"a-1\""), "the last good output is kept");
    let mark = w.mark();
    fs::write(w.script("a.rhai"), bucket("a-2")).unwrap();
    w.wait_status("a", mark, "fixed, written");
    assert!(w.output("a").contains("\"a-2\""));
    // The time is local (the TZ given) and printed once: `[HH:MM:SS] a: ...`.
    let line = w.lines_of("a", mark).pop().unwrap();
    let utc = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let expected = (utc.as_secs() + 5 * 3600 + 30 * 60) % 86_400;
    let parts: Vec<u64> = line[1..9].split(':').map(|p| p.parse().unwrap()).collect();
    let shown = parts[0] * 3600 + parts[1] * 60 + parts[2];
    let off = (expected + 86_400 - shown) % 86_400;
    assert!(off < DEADLINE.as_secs(), "{line}: expected about {expected} s into the day");
    assert!(line.starts_with('[') && line.matches(':').count() == 4, "{line}");
    assert!(w.interrupt().success());
}

/// Every `.tf` file of a stack's output, in name order.
fn all_output(w: &Watch, stack: &str) -> String {
    let dir = w.work.path().join("out").join(stack);
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "tf"));
    names.sort();
    names.iter().map(|p| fs::read_to_string(p).unwrap_or_default()).collect()
}

/// Watch reuses what did not change (compiled modules, the result of
/// `stack("shared")`): each edit must still show in every output it
/// reaches, through a stack read, a local module and the stdlib it imports.
#[test]
fn what_watch_reuses_never_hides_an_edit() {
    let naming = "import \"util\" as util;\n\
                  export const BUCKET = \"state-one\";\n\
                  export const DAYS = util::LOG_RETENTION_DAYS[0];\n";
    let shared = SHARED
        .replace("\"BUCKET\"", "naming::BUCKET")
        .replace("terraform(", "import \"naming\" as naming;\nterraform(");
    let reader = |host: &str| {
        format!(
            "import \"naming\" as naming;\n{PROVIDER}let shared = stack(\"shared\");\n\
             resource(\"aws_route53_record\", \"www\", #{{ zone_id: shared.zone_id, \
             name: \"{host}.example.com\", type: \"CNAME\", ttl: 300, records: [\"example.com\"] }});\n\
             resource(\"aws_s3_bucket\", \"logs\", #{{ bucket: `${{naming::BUCKET}}-logs` }});\n"
        )
    };
    let w = Watch::start(
        &[("naming.rhai", naming), ("shared.rhai", &shared), ("reader.rhai", &reader("www"))],
        &[],
    );
    wait_first_pass(&w, &["reader", "shared"]);
    assert!(w.since(0).contains("stacks: reader, shared; modules: naming"), "{}", w.since(0));
    let out = all_output(&w, "reader");
    assert!(out.contains("\"state-one\"") && out.contains("\"state-one-logs\""), "{out}");

    // The reader alone: `shared` is not rebuilt, and what the reader knows
    // of it (its backend, its outputs) is still right.
    let mark = w.mark();
    fs::write(w.script("reader.rhai"), reader("shop")).unwrap();
    w.wait_status("reader", mark, "written");
    let out = all_output(&w, "reader");
    assert!(out.contains("\"shop.example.com\"") && !out.contains("\"www.example.com\""), "{out}");
    assert!(out.contains("\"state-one\"") && out.contains("shared/terraform.tfstate"), "{out}");
    assert!(out.contains("data.terraform_remote_state.shared.outputs.zone_id"), "{out}");
    assert!(w.lines_of("shared", mark).is_empty(), "{}", w.since(mark));

    // The module both stacks import, which imports the stdlib: both rebuild
    // with its new text, the reader through its own import and through
    // the stack it reads.
    let mark = w.mark();
    fs::write(w.script("naming.rhai"), naming.replace("state-one", "state-two")).unwrap();
    w.wait_status("shared", mark, "written");
    w.wait_status("reader", mark, "written");
    let out = all_output(&w, "reader");
    assert!(out.contains("\"state-two\"") && out.contains("\"state-two-logs\""), "{out}");
    assert!(!out.contains("state-one"), "{out}");
    assert!(all_output(&w, "shared").contains("\"state-two\""), "{}", all_output(&w, "shared"));

    // The stack read: the reader picks up its new backend.
    let mark = w.mark();
    let shared_v2 = shared.replace("shared/terraform.tfstate", "shared/v2.tfstate");
    fs::write(w.script("shared.rhai"), &shared_v2).unwrap();
    w.wait_status("reader", mark, "written");
    let out = all_output(&w, "reader");
    assert!(out.contains("shared/v2.tfstate") && out.contains("\"state-two\""), "{out}");

    // A broken `shared` fails its reader, and fixing it fixes both: a
    // failed evaluation is never reused.
    let mark = w.mark();
    fs::write(
        w.script("shared.rhai"),
        shared_v2
            .replace("output(\"zone_id\"", "output(\"zone_id\" ")
            .replace("zone.zone_id);", "zone.zone_id"),
    )
    .unwrap();
    w.wait_status("shared", mark, "error");
    w.wait_status("reader", mark, "error");
    assert!(w.since(mark).contains("stack `shared` has errors"), "{}", w.since(mark));
    let mark = w.mark();
    fs::write(
        w.script("shared.rhai"),
        shared_v2.replace("\"example.com\" });", "\"example.org\" });"),
    )
    .unwrap();
    w.wait_status("shared", mark, "fixed");
    w.wait_status("reader", mark, "fixed");
    assert!(all_output(&w, "shared").contains("\"example.org\""), "{}", all_output(&w, "shared"));
    assert!(all_output(&w, "reader").contains("shared/v2.tfstate"));
    assert!(w.interrupt().success());
}
