//! The command line as operators use it: exit codes, what is written, what
//! is left alone when something goes wrong, and `watch`.

use crate::support;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use support::Tsdsl;

const VPC: &str = r#"terraform(#{ required_providers: #{ aws: "~> 6.0" } });
provider("aws", #{ region: "eu-west-1" });
let vpc = resource("aws_vpc", "main", #{ cidr_block: "10.0.0.0/16" });
output("vpc_id", vpc.id);
"#;

#[test]
fn run_writes_the_stack_and_prints_a_summary() {
    let out = Tsdsl::new().script("net.rhai", VPC).args(["run", "net.rhai", "-o", "out"]).run();
    out.assert_success();
    assert!(
        out.stdout.starts_with("net: 1 resource, 0 data sources, 0 variables, 1 output -> out ("),
        "{out}"
    );
    let main = out.read("out/main.tf");
    assert!(main.contains("resource \"aws_vpc\" \"main\" {"), "{main}");
    assert!(out.read("out/versions.tf").contains("source  = \"hashicorp/aws\""));
    assert!(out.read("out/outputs.tf").contains("value = aws_vpc.main.id"));
}

#[test]
fn run_defaults_to_out_slash_script_name() {
    let out = Tsdsl::new().script("scripts/net.rhai", VPC).args(["run", "scripts/net.rhai"]).run();
    out.assert_success();
    assert!(out.path().join("out/net/main.tf").is_file(), "{out}");
}

#[test]
fn check_writes_nothing() {
    let out = Tsdsl::new().script("net.rhai", VPC).args(["check", "net.rhai"]).run();
    out.assert_success();
    assert!(!out.path().join("out").exists());
}

#[test]
fn json_format_writes_tf_json_and_removes_stale_generated_files() {
    let first = Tsdsl::new().script("net.rhai", VPC).args(["run", "net.rhai", "-o", "out"]).run();
    first.assert_success();
    let dir = first.path();
    fs::write(dir.join("out/hand-written.tf"), "# mine\n").unwrap();
    first.again().args(["run", "net.rhai", "-o", "out", "--format", "json"]).run().assert_success();
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("out/main.tf.json")).unwrap()).unwrap();
    assert!(v["resource"]["aws_vpc"]["main"].is_object(), "{v}");
    assert!(!dir.join("out/main.tf").exists(), "the generated main.tf is stale and must go");
    assert!(dir.join("out/hand-written.tf").exists(), "files tsdsl did not write are not touched");
}

#[test]
fn missing_script_is_exit_2() {
    let out = Tsdsl::new().args(["run", "nope.rhai"]).run();
    out.assert_status(2).assert_stderr_contains("nope.rhai");
}

#[test]
fn unknown_flag_is_exit_2() {
    Tsdsl::new().args(["run", "--frobnicate", "x.rhai"]).run().assert_status(2);
}

#[test]
fn unwritable_output_folder_is_exit_2() {
    // A regular file where a folder should be: no permission games (tests may run as root).
    let out = Tsdsl::new()
        .script("net.rhai", VPC)
        .file("blocker", "not a folder")
        .args(["run", "net.rhai", "-o", "blocker/out"])
        .run();
    out.assert_status(2).assert_stderr_contains("blocker/out");
}

#[test]
fn a_failed_run_leaves_the_previous_output_untouched() {
    let t = Tsdsl::new().script("net.rhai", VPC).args(["run", "net.rhai", "-o", "out"]);
    t.run().assert_success();
    let dir = t.path();
    let before = support::read_tree(&dir.join("out"));
    fs::write(dir.join("net.rhai"), VPC.replace("cidr_block", "cidr_blok")).unwrap();
    let out = t.run();
    out.assert_status(1);
    assert!(
        out.stderr.contains("tsdsl::schema::unknown_attribute")
            && out.stderr.contains("cidr_block"),
        "{out}"
    );
    assert_eq!(support::read_tree(&dir.join("out")), before, "output changed after a failed run");
    let leftovers: Vec<_> = fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tsdsl-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn diagnostics_name_the_operators_file_line_and_column() {
    let out = Tsdsl::new()
        .script("net.rhai", &VPC.replace("cidr_block", "cidr_blok"))
        .args(["check", "net.rhai", "--message-format", "short"])
        .run();
    out.assert_status(1);
    assert!(
        out.stderr.contains(
            "net.rhai:3:42: error[tsdsl::schema::unknown_attribute]: unknown attribute `cidr_blok`"
        ),
        "{out}"
    );
    assert!(out.stderr.contains("did you mean `cidr_block`?"), "{out}");
}

#[test]
fn schema_errors_are_all_reported_together() {
    let src = r#"resource("aws_vpc", "a", #{ cidr_blok: "10.0.0.0/16" });
resource("aws_vpc", "b", #{ cidr_block: "10.1.0.0/16", enable_dns_hostnames: "maybe", arn: "x" });
resource("aws_subnet", "c", #{ cidr_block: "10.0.1.0/24" });
"#;
    let out = Tsdsl::new()
        .script("many.rhai", src)
        .args(["check", "many.rhai", "--message-format", "short"])
        .run();
    out.assert_status(1);
    for code in ["unknown_attribute", "wrong_type", "computed_only", "missing_required"] {
        assert!(out.stderr.contains(&format!("tsdsl::schema::{code}")), "no {code}\n{out}");
    }
}

fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_default()
}

/// `tsdsl diff scripts/ | head -1`: the reader gone is not a crash (Rust's
/// `print!` panics on the closed pipe, exit 101).
#[test]
fn a_closed_standard_output_is_not_a_crash() {
    let mut child = std::process::Command::new(support::bin())
        .args(["stdlib", "--markdown"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn watch_of_a_script_that_is_not_there_exits_2_as_run_does() {
    let t = Tsdsl::new().args(["watch", "typo.rhai", "--timeout", "5"]);
    let dir = t.path().to_owned();
    let o = t.run();
    o.assert_status(2);
    o.assert_stderr_contains("cannot read the script `typo.rhai`");
    assert!(!dir.join("out").exists(), "{o}");
}

#[test]
fn watch_rebuilds_on_save_and_keeps_good_output_on_a_broken_save() {
    let t = Tsdsl::new().script("net.rhai", VPC).args(["watch", "net.rhai", "-o", "out"]);
    let dir = t.path().to_owned();
    let mut child = t.spawn();
    let main = dir.join("out/main.tf");
    let limit = Duration::from_secs(20);
    wait_for("the first build", limit, || read(&main).contains("10.0.0.0/16"));

    fs::write(dir.join("net.rhai"), VPC.replace("10.0.0.0/16", "10.9.0.0/16")).unwrap();
    wait_for("the rebuild after a save", limit, || read(&main).contains("10.9.0.0/16"));

    // A broken save: diagnostics, and the last good output stays.
    fs::write(
        dir.join("net.rhai"),
        VPC.replace("10.0.0.0/16", "10.7.0.0/16").replace("cidr_block", "cidr_blok"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(read(&main).contains("10.9.0.0/16"));

    // An atomic save (write elsewhere, rename over) is seen too.
    fs::write(dir.join("tmp.rhai.swp"), VPC.replace("10.0.0.0/16", "10.5.0.0/16")).unwrap();
    fs::rename(dir.join("tmp.rhai.swp"), dir.join("net.rhai")).unwrap();
    wait_for("the rebuild after an atomic save", limit, || read(&main).contains("10.5.0.0/16"));

    child.kill().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let _ = child.wait();
    assert!(stderr.contains("tsdsl::schema::unknown_attribute"), "{stderr}");
    assert!(stderr.contains("the last good output"), "{stderr}");
}

#[test]
fn a_schema_file_adds_a_provider() {
    let schema = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/acme/acme":{
        "provider":{"version":0,"block":{"attributes":{"endpoint":{"type":"string","optional":true}}}},
        "resource_schemas":{"acme_widget":{"version":0,"block":{"attributes":{
            "id":{"type":"string","computed":true},
            "size":{"type":"number","required":true}}}}}}}}"#;
    let src = r#"terraform(#{ required_providers: #{ acme: #{ source: "acme/acme", version: "1.0.0" } } });
provider("acme", #{ endpoint: "https://acme.example" });
let w = resource("acme_widget", "w", #{ size: 3 });
output("widget", w.id);
"#;
    let out = Tsdsl::new()
        .script("w.rhai", src)
        .file("acme.json", schema)
        .args(["run", "w.rhai", "-o", "out", "--schema", "acme.json"])
        .run();
    out.assert_success();
    assert!(out.read("out/main.tf").contains("size = 3"));

    let typo = Tsdsl::new()
        .script("w.rhai", &src.replace("size: 3", "sise: 3"))
        .file("acme.json", schema)
        .args(["check", "w.rhai", "--schema", "acme.json", "--message-format", "short"])
        .run();
    typo.assert_status(1).assert_stderr_contains("did you mean `size`?");

    let without = Tsdsl::new().script("w.rhai", src).args(["check", "w.rhai"]).run();
    without.assert_status(1).assert_stderr_contains("tsdsl::schema::unknown_resource_type");

    let broken = Tsdsl::new()
        .script("w.rhai", src)
        .file("acme.json", "{ nope")
        .args(["check", "w.rhai", "--schema", "acme.json"])
        .run();
    broken.assert_status(2).assert_stderr_contains("tsdsl::schema::bad_schema_file");
    let missing =
        Tsdsl::new().script("w.rhai", src).args(["check", "w.rhai", "--schema", "nope.json"]).run();
    missing.assert_status(2).assert_stderr_contains("nope.json");
}

const SHARED: &str = r#"terraform(#{ required_providers: #{ aws: "~> 6.0" } });
backend("s3", #{ bucket: "shop-tfstate", key: "shared/terraform.tfstate", region: "eu-west-1",
                 dynamodb_table: "shop-tflock", encrypt: true });
provider("aws", #{ region: "eu-west-1" });
let zone = resource("aws_route53_zone", "main", #{ name: "example.com" });
output("zone_id", zone.zone_id);
"#;

/// `tsdsl ARGS` in a folder holding `shared.rhai` and `<reader>.rhai`,
/// which reads it with `stack("shared")`.
fn reading_shared(shared: &str, reader: &str, text: &str, args: &[&str]) -> support::Output {
    Tsdsl::new()
        .script("shared.rhai", shared)
        .script(&format!("{reader}.rhai"), text)
        .args(args.iter().copied())
        .run()
}

#[test]
fn another_stacks_outputs_are_read_through_remote_state() {
    let env = r#"provider("aws", #{ region: "eu-west-1" });
let shared = stack("shared");
resource("aws_route53_record", "www", #{
    zone_id: shared.zone_id, name: "www.example.com", type: "CNAME", ttl: 300, records: ["example.com"],
});
"#;
    let out = reading_shared(SHARED, "staging", env, &["run", "staging.rhai", "-o", "out"]);
    out.assert_success();
    let main = out.read("out/main.tf");
    assert!(main.contains("data \"terraform_remote_state\" \"shared\" {"), "{main}");
    assert!(main.contains("bucket         = \"shop-tfstate\""), "{main}");
    assert!(
        main.contains("zone_id = data.terraform_remote_state.shared.outputs.zone_id"),
        "{main}"
    );
}

/// Another stack's output whose value is text there is text here: `+ 1`
/// on it would be written as Terraform arithmetic (`"80"` + 1 = 81), as on a
/// local holding text, which has long been refused.
#[test]
fn arithmetic_on_another_stacks_text_output_is_refused() {
    let shared = "backend(\"s3\", #{ bucket: \"shop-tfstate\", key: \"shared.tfstate\", region: \"eu-west-1\" });\n\
                  output(\"port\", \"80\");\noutput(\"replicas\", 3);\n";
    let env = "let s = stack(\"shared\");\noutput(\"next\", s.port + 1);\n";
    let out = reading_shared(shared, "staging", env, &["check", "staging.rhai"]);
    assert_eq!(out.status, Some(1), "{out}");
    assert!(
        out.stderr.contains("`+` works on numbers, but `data.terraform_remote_state.shared.outputs.port` is a string"),
        "{out}"
    );
    assert!(out.stderr.contains("staging.rhai:2:"), "{out}");
    // A number stays a number.
    let ok = reading_shared(
        shared,
        "staging",
        "let s = stack(\"shared\");\noutput(\"more\", s.replicas + 1);\n",
        &["check", "staging.rhai"],
    );
    ok.assert_success();
}

/// A stack read by another names its state after `aws::caller()`: read
/// with the reader's credentials, that is the reader's account, and the
/// reader would read another state than the one the stack writes.
#[test]
fn a_read_stack_that_expects_another_account_cannot_use_the_callers() {
    let guard = "aws::expect_account(#{ shared: \"111111111111\", app: \"222222222222\" });\n";
    let shared = format!(
        "{guard}let me = aws::caller();\n\
         backend(\"s3\", #{{ bucket: `tfstate-${{me.account_id}}`, key: \"shared.tfstate\", region: \"eu-west-1\" }});\n\
         output(\"zone_id\", \"Z1\");\n"
    );
    let app =
        format!("{guard}let shared = stack(\"shared\");\noutput(\"zone\", shared.zone_id);\n");
    let out = reading_shared(
        &shared,
        "app",
        &app,
        &["check", "app.rhai", "--account-id", "222222222222"],
    );
    assert_eq!(out.status, Some(1), "{out}");
    // The message is a note of the reader's diagnostic, wrapped to the terminal.
    let flat = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("`aws::caller()` in stack `shared`, read by `app`, answers this run's account `222222222222`, but `shared` expects `111111111111`"),
        "{out}"
    );
    // Its own run, with its own account, is fine.
    let own = Tsdsl::new()
        .script("shared.rhai", &shared)
        .args(["check", "shared.rhai", "--account-id", "111111111111"])
        .run();
    own.assert_success();
}

/// Terraform iterates sets and maps: a list variable or local given to
/// `for_each` is made a set, as a literal list is (Terraform refused
/// `for_each = var.zones`).
#[test]
fn a_list_variable_or_local_in_for_each_is_made_a_set() {
    let script = "let zones = variable(\"zones\", #{ type: \"list(string)\", default: [\"a\", \"b\"] });\n\
                  resource(\"aws_s3_bucket\", \"b\", #{ for_each: zones, bucket: tf::each_key() });\n\
                  let names = local(\"names\", [\"x\", \"y\"]);\n\
                  resource(\"aws_s3_bucket\", \"c\", #{ for_each: names, bucket: tf::each_key() });\n\
                  let m = variable(\"m\", #{ type: \"map(string)\", default: #{} });\n\
                  resource(\"aws_s3_bucket\", \"d\", #{ for_each: m, bucket: tf::each_key() });\n";
    let out = Tsdsl::new().script("s.rhai", script).args(["run", "s.rhai", "-o", "out"]).run();
    out.assert_success();
    let main = out.read("out/main.tf");
    assert!(main.contains("for_each = toset(var.zones)"), "{main}");
    assert!(main.contains("for_each = toset(local.names)"), "{main}");
    assert!(main.contains("for_each = var.m\n"), "{main}");
}

#[test]
fn an_output_the_other_stack_does_not_export_is_an_error_at_the_operators_line() {
    let env = r#"provider("aws", #{ region: "eu-west-1" });
let shared = stack("shared");
output("zone", shared.zone_idd);
"#;
    let out = reading_shared(
        SHARED,
        "staging",
        env,
        &["check", "staging.rhai", "--message-format", "short"],
    );
    out.assert_status(1);
    assert!(
        out.stderr.contains("staging.rhai:3:23: error[tsdsl::model::unknown_stack_output]"),
        "{out}"
    );
    assert!(out.stderr.contains("did you mean `zone_id`?"), "{out}");
}

#[test]
fn a_broken_or_missing_stack_is_reported_where_it_is_read() {
    let env = "let shared = stack(\"shared\");\n";
    let broken = reading_shared(
        &SHARED.replace("zone_id", "zone_idd"),
        "staging",
        env,
        &["check", "staging.rhai", "--message-format", "short"],
    );
    broken
        .assert_status(1)
        .assert_stderr_contains("staging.rhai:1:14: error[tsdsl::model::stack_has_errors]");
    let missing = Tsdsl::new().script("staging.rhai", env).args(["check", "staging.rhai"]).run();
    missing.assert_status(1).assert_stderr_contains("tsdsl::model::unknown_stack");
}

/// A data source of the script's own named like the stack used to stand in
/// for the stack's state when declared first (the other order was refused).
#[test]
fn a_remote_state_of_the_scripts_own_named_like_a_stack_is_refused_in_either_order() {
    let own = "data(\"terraform_remote_state\", \"shared\", #{ backend: \"s3\",\n    \
               config: #{ bucket: \"old-tfstate\", key: \"legacy\", region: \"us-east-1\" } });\n";
    let read = "let s = stack(\"shared\");\n";
    for (app, line) in [
        (format!("{own}{read}output(\"z\", s.zone_id);\n"), "app.rhai:3:9"),
        (format!("{read}{own}output(\"z\", s.zone_id);\n"), "app.rhai:2:1"),
    ] {
        let out = reading_shared(
            SHARED,
            "app",
            &app,
            &["check", "app.rhai", "--message-format", "short"],
        );
        out.assert_status(1).assert_stderr_contains(&format!(
            "{line}: error[tsdsl::model::duplicate_name]: data source `data.terraform_remote_state.shared` is declared twice"
        ));
        out.assert_stderr_contains(
            "`stack(\"shared\")` declares `data.terraform_remote_state.shared` itself",
        );
    }
    // Reading one stack twice is still one data source.
    let twice =
        "let a = stack(\"shared\");\nlet b = stack(\"shared\");\noutput(\"z\", b.zone_id);\n";
    let out = reading_shared(SHARED, "app", twice, &["check", "app.rhai"]);
    out.assert_status(0);
}

/// A stack whose backend is the state it reads would, once applied, plan to
/// destroy everything the other stack manages.
#[test]
fn a_stack_keeping_its_state_where_a_stack_it_reads_does_is_refused() {
    let app = "backend(\"s3\", #{ bucket: \"shop-tfstate\", key: \"shared/terraform.tfstate\", region: \"eu-west-1\" });\n\
               let s = stack(\"shared\");\noutput(\"z\", s.zone_id);\n";
    let out =
        reading_shared(SHARED, "app", app, &["check", "app.rhai", "--message-format", "short"]);
    out.assert_status(1).assert_stderr_contains(
        "app.rhai:2:9: error[tsdsl::model::reads_own_state]: stack `app` keeps its state where stack `shared` does",
    );
    out.assert_stderr_contains(
        "give this stack's backend its own `key` (e.g. `app/terraform.tfstate`)",
    );
    // The backend declared after the read is compared too.
    let late = "let s = stack(\"shared\");\noutput(\"z\", s.zone_id);\n\
                backend(\"s3\", #{ bucket: \"shop-tfstate\", key: \"shared/terraform.tfstate\", region: \"eu-west-1\" });\n";
    let out =
        reading_shared(SHARED, "app", late, &["check", "app.rhai", "--message-format", "short"]);
    out.assert_status(1).assert_stderr_contains("error[tsdsl::model::reads_own_state]");
    let own_key = app.replace("key: \"shared/", "key: \"app/");
    let out = reading_shared(SHARED, "app", &own_key, &["check", "app.rhai"]);
    out.assert_status(0);
}

/// A `local` backend's relative path is relative to where Terraform runs
/// each stack: read from the reader's folder it named the reader's own
/// state. An absolute path is read as written.
#[test]
fn a_stack_with_a_relative_local_state_cannot_be_read() {
    let app = "backend(\"local\", #{});\nlet s = stack(\"shared\");\noutput(\"b\", s.bucket);\n";
    for backend in
        ["backend(\"local\", #{});", "backend(\"local\", #{ path: \"state/shared.tfstate\" });"]
    {
        let shared = format!("{backend}\noutput(\"bucket\", \"shared-bucket\");\n");
        let out = reading_shared(
            &shared,
            "app",
            app,
            &["check", "app.rhai", "--message-format", "short"],
        );
        out.assert_status(1)
            .assert_stderr_contains("app.rhai:2:9: error[tsdsl::model::relative_local_state]: stack `shared` keeps its state in the local file");
        out.assert_stderr_contains("give the local backend in shared.rhai an absolute `path`");
    }
    let shared = "backend(\"local\", #{ path: \"/srv/tfstate/shared.tfstate\" });\noutput(\"bucket\", \"b\");\n";
    let out = reading_shared(shared, "app", app, &["run", "app.rhai", "-o", "out"]);
    out.assert_status(0);
    assert!(out.read("out/main.tf").contains("path = \"/srv/tfstate/shared.tfstate\""), "{out}");
}

/// The guard's `allowed_account_ids` reaches every aws configuration
/// Terraform uses: the default one a block uses without a declared
/// `provider("aws")` (Terraform's implicit, empty one had no guard), and a
/// hashicorp/aws provider under another local name.
#[test]
fn the_account_guard_reaches_every_aws_configuration_terraform_uses() {
    let guard = "aws::expect_account(\"123456789012\");\n";
    let bucket = "resource(\"aws_s3_bucket\", \"logs\", #{ bucket: \"guarded-logs-1\" });\n";
    let alias = "let use1 = provider(\"aws\", #{ alias: \"use1\", region: \"us-east-1\" });\n";
    let module =
        "module(\"net\", #{ source: \"terraform-aws-modules/vpc/aws\", version: \"~> 5.0\" });\n";
    let renamed = "terraform(#{ required_providers: #{ amazon: #{ source: \"hashicorp/aws\", version: \"~> 6.0\" } } });\n\
                   let p = provider(\"amazon\", #{ region: \"eu-west-1\" });\n\
                   resource(\"aws_s3_bucket\", \"logs\", #{ provider: p, bucket: \"guarded-logs-1\" });\n";
    let default = "provider \"aws\" {\n  allowed_account_ids = [\"123456789012\"]\n}";
    for (script, wants) in [
        (format!("{guard}{bucket}"), vec![default]),
        (format!("{guard}{alias}{bucket}"), vec![default, "alias               = \"use1\""]),
        (format!("{guard}{module}"), vec![default]),
        (format!("{guard}{renamed}"), vec!["provider \"amazon\" {\n  region              = \"eu-west-1\"\n  allowed_account_ids = [\"123456789012\"]"]),
    ] {
        let out = Tsdsl::new()
            .script("main.rhai", &script)
            .args(["run", "main.rhai", "-o", "out", "--account-id", "123456789012"])
            .run();
        out.assert_status(0);
        let providers = out.read("out/providers.tf");
        for want in wants {
            assert!(providers.contains(want), "{script}\n---\n{providers}");
        }
        assert_eq!(
            providers.matches("provider \"").count(),
            providers.matches("allowed_account_ids").count(),
            "{providers}"
        );
    }
    // Without the guard, no provider is made up.
    let out =
        Tsdsl::new().script("main.rhai", bucket).args(["run", "main.rhai", "-o", "out"]).run();
    out.assert_status(0);
    assert!(!out.read("out/main.tf").contains("provider \""));
}

/// Settings whose names mention credentials but hold none (a flag, a file
/// path) reach the reader, which otherwise read with other credentials.
#[test]
fn a_reader_keeps_the_non_secret_credential_settings_of_the_backend() {
    let shared = "backend(\"s3\", #{ bucket: \"tfstate\", key: \"shared\", region: \"eu-west-1\",\n\
                  skip_credentials_validation: true, shared_credentials_files: [\"/etc/tf/minio\"],\n\
                  sse_customer_key: literal_secret(\"c2VjcmV0LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MDE=\", \"test\") });\n\
                  output(\"zone_id\", \"Z1\");\n";
    let app = "let s = stack(\"shared\");\noutput(\"z\", s.zone_id);\n";
    let out = reading_shared(shared, "app", app, &["run", "app.rhai", "-o", "out"]);
    out.assert_status(0);
    let main = out.read("out/main.tf");
    assert!(main.contains("skip_credentials_validation = true"), "{main}");
    assert!(main.contains("shared_credentials_files    = [\"/etc/tf/minio\"]"), "{main}");
    assert!(!main.contains("sse_customer_key"), "{main}");
}

/// The settings S3-compatible stores (R2, MinIO, Ceph) need are Terraform's
/// S3 backend's own; they were "unknown option".
#[test]
fn the_s3_backend_takes_the_settings_of_s3_compatible_stores() {
    let src = "backend(\"s3\", #{ bucket: \"b\", key: \"k\", region: \"auto\", use_path_style: true,\n    \
               endpoints: #{ s3: \"https://r2.example.com\" }, skip_credentials_validation: true,\n    \
               skip_region_validation: true, skip_requesting_account_id: true,\n    \
               skip_metadata_api_check: true, skip_s3_checksum: true, retry_mode: \"standard\",\n    \
               use_fips_endpoint: false, sts_region: \"us-east-1\" });\noutput(\"o\", \"v\");\n";
    let out = Tsdsl::new().script("s.rhai", src).args(["run", "s.rhai", "-o", "out"]).run();
    out.assert_status(0);
    assert!(out.read("out/versions.tf").contains("skip_s3_checksum"), "{out}");
    let typo = src.replace("skip_s3_checksum", "skip_s3_checksun");
    let out = Tsdsl::new()
        .script("s.rhai", &typo)
        .args(["check", "s.rhai", "--message-format", "short"])
        .run();
    out.assert_status(1).assert_stderr_contains("unknown option `skip_s3_checksun` for the `s3` backend (help: did you mean `skip_s3_checksum`?)");
}

/// Terraform keeps another stack's sensitive output sensitive where it is
/// read: re-exporting it needs `sensitive: true` there too, as within one
/// stack (it passed, and failed only at `terraform plan`).
#[test]
fn a_sensitive_output_of_another_stack_stays_sensitive() {
    let shared = "backend(\"s3\", #{ bucket: \"b\", key: \"shared\", region: \"eu-west-1\" });\n\
                  let v = variable(\"pw\", #{ type: \"string\", sensitive: true });\n\
                  output(\"pw\", v, #{ sensitive: true });\n";
    let app = "let s = stack(\"shared\");\noutput(\"leak\", s.pw);\n";
    let out =
        reading_shared(shared, "app", app, &["check", "app.rhai", "--message-format", "short"]);
    out.assert_status(1).assert_stderr_contains(
        "app.rhai:2:1: error[tsdsl::secrets::sensitive_output]: output `leak` shows output `pw` of stack `shared`, which is sensitive",
    );
    let fixed = app.replace("s.pw);", "s.pw, #{ sensitive: true });");
    let out = reading_shared(shared, "app", &fixed, &["check", "app.rhai"]);
    out.assert_status(0);
}

/// The change summary masks what a `--schema` file marks sensitive, as it
/// does for the embedded providers.
#[test]
fn the_change_summary_masks_what_a_schema_file_marks_sensitive() {
    let schema = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/acme/acme":{
        "provider":{"version":0,"block":{}},
        "resource_schemas":{"acme_widget":{"version":0,"block":{"attributes":{
            "id":{"type":"string","computed":true},
            "size":{"type":"number","required":true},
            "pin":{"type":"string","optional":true,"sensitive":true}}}}}}}}"#;
    let src = r#"terraform(#{ required_providers: #{ acme: #{ source: "acme/acme", version: "1.0.0" } } });
provider("acme", #{});
resource("acme_widget", "w", #{ size: 3, pin: literal_secret("pin-one-1111", "a test value") });
"#;
    let first = Tsdsl::new()
        .script("w.rhai", src)
        .file("acme.json", schema)
        .args(["run", "w.rhai", "-o", "out", "--schema", "acme.json"])
        .run();
    first.assert_success();
    std::fs::write(first.path().join("w.rhai"), src.replace("pin-one-1111", "pin-two-2222"))
        .unwrap();
    let second = first.again().args(["run", "w.rhai", "-o", "out", "--schema", "acme.json"]).run();
    second.assert_success();
    let all = format!("{}{}", second.stdout, second.stderr);
    assert!(all.contains("~ acme_widget.w"), "{second}");
    assert!(!all.contains("pin-one") && !all.contains("pin-two"), "{second}");
}

/// `to_debug()` of a reference is the reference: its text was the
/// expression's own, joined into a name as literal text (`shop-var.env`).
/// `sort()`, `order_by` and `to_int` keep what the script says.
#[test]
fn conversions_keep_what_the_script_means() {
    let src = r#"let env = variable("env", #{ type: "string", default: "prod" });
local("name", "shop-" + env.to_debug());
local("sorted", ["b", "c", "a"].order_by(|x, y| x < y));
local("desc", [1, 3, 2].order_desc());
local("plain", #{ a: 1, b: [true] }.to_json());
local("whole", (-2.7).to_int());
"#;
    let out = Tsdsl::new().script("c.rhai", src).args(["run", "c.rhai", "-o", "out"]).run();
    out.assert_success();
    let main = out.read("out/main.tf");
    for line in [
        r#"name   = "shop-${var.env}""#,
        r#"sorted = ["a", "b", "c"]"#,
        "desc   = [3, 2, 1]",
        r#"plain  = "{\"a\":1,\"b\":[true]}""#,
        "whole  = -2",
    ] {
        assert!(main.contains(line), "{line}\n{main}");
    }
}
