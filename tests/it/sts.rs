//! Account awareness against a real STS-compatible server (moto, started
//! here on 127.0.0.1 at a free port) and each failure an operator can meet:
//! the server down, no credentials, an endpoint that never answers, a
//! profile that does not exist, throttling, invalid or expired credentials,
//! the wrong account. Every run is isolated from the machine's AWS set-up
//! (`support::isolate_aws`) and talks to loopback only. Moto comes from
//! `$TSDSL_ORACLE_PYTHON` (tools/test-all.sh installs it); without it these
//! tests fail, they never skip.

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{Output, Tsdsl};

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// moto's server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start(account: Option<&str>) -> Moto {
        let python = support::oracle_python();
        let port = free_port();
        let mut cmd = Command::new(&python);
        cmd.args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(a) = account {
            cmd.env("MOTO_ACCOUNT_ID", a);
        }
        let mut child =
            cmd.spawn().unwrap_or_else(|e| panic!("starting moto with {}: {e}", python.display()));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                child.stderr.take().map(|mut s| s.read_to_string(&mut err));
                panic!(
                    "moto's server exited ({status}): is `moto[server]` installed in {}? \
                     (tools/test-all.sh installs tests/oracles/requirements.txt)\n{err}",
                    python.display()
                );
            }
            assert!(started.elapsed() < Duration::from_secs(30), "moto did not listen within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, url: format!("http://127.0.0.1:{port}") }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback server of our own: answers every request with `reply`
/// (or, when `reply` is `None`, accepts and never answers); counts requests.
struct Fake {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl Fake {
    fn start(reply: Option<(u16, String)>) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let count = requests.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                match &reply {
                    None => held.push(stream),
                    Some((status, body)) => {
                        read_request(&mut stream);
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                }
            }
        });
        Fake { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
    }
}

fn sts_error(code: &str) -> (u16, String) {
    (
        400,
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
             <Code>{code}</Code><Message>{code} from the test server</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        ),
    )
}

fn sts_identity(account: &str) -> (u16, String) {
    (
        200,
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
             <Arn>arn:aws:iam::{account}:user/ci</Arn><UserId>AIDATESTUSER</UserId><Account>{account}</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ),
    )
}

/// A command with empty AWS config files of its own, `endpoint` as the STS
/// endpoint and, when `keys`, static credentials in the environment.
fn tsdsl(endpoint: &str, keys: bool) -> Tsdsl {
    let t = Tsdsl::new().file("aws/config", "").file("aws/credentials", "");
    let dir: PathBuf = t.path().to_owned();
    let t = t
        .env("AWS_CONFIG_FILE", dir.join("aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws/credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "eu-west-1");
    if keys {
        t.env("AWS_ACCESS_KEY_ID", KEY_ID).env("AWS_SECRET_ACCESS_KEY", SECRET)
    } else {
        t
    }
}

/// Runs and reports how long it took.
fn timed(t: Tsdsl, what: &str) -> (Output, Duration) {
    let started = Instant::now();
    let o = t.run();
    let took = started.elapsed();
    eprintln!("[sts] {what}: exit {:?} in {} ms", o.status, took.as_millis());
    (o, took)
}

fn assert_no_secret(o: &Output) {
    for s in [&o.stdout, &o.stderr] {
        assert!(!s.contains(SECRET) && !s.contains(KEY_ID), "a secret was printed:\n{o}");
    }
}

const GUARDED: &str = r#"
aws::expect_account("123456789012");
provider("aws", #{ region: "eu-west-1" });
provider("aws", #{ alias: "us_east_1", region: "us-east-1" });
resource("aws_s3_bucket", "b", #{ bucket: "guarded-bucket-x1" });
"#;

// ── whoami ────────────────────────────────────────────────────────────

#[test]
fn whoami_names_the_account_of_the_credentials() {
    let moto = Moto::start(None);
    let (o, _) = timed(tsdsl(&moto.url, true).arg("whoami"), "whoami, moto");
    o.assert_success();
    assert!(o.stdout.contains("123456789012"), "{o}");
    assert!(o.stdout.contains("arn:aws:"), "{o}");
    assert!(o.stdout.contains("partition    aws"), "{o}");
    assert_no_secret(&o);

    // JSON, and the endpoint given on the command line rather than in the environment.
    let o = tsdsl("http://127.0.0.1:9", true)
        .args(["whoami", "--format", "json", "--endpoint-url", &moto.url])
        .run();
    o.assert_success();
    let v: serde_json::Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["account_id"], "123456789012", "{o}");
    assert_eq!(v["partition"], "aws");
    assert!(v["arn"].as_str().unwrap().starts_with("arn:aws:"), "{o}");
    assert!(v["user_id"].is_string());

    // The STS-specific variable wins over the general one.
    let o = tsdsl("http://127.0.0.1:9", true)
        .env("AWS_ENDPOINT_URL_STS", &moto.url)
        .arg("whoami")
        .run();
    o.assert_success();
}

#[test]
fn whoami_uses_a_named_profile() {
    let moto = Moto::start(Some("210987654321"));
    let t = tsdsl(&moto.url, false);
    let creds = t.path().join("aws/credentials");
    std::fs::write(
        &creds,
        format!("[prod]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let (o, _) = timed(
        t.args(["whoami", "--profile", "prod", "--region", "eu-west-1"]),
        "whoami --profile, moto",
    );
    o.assert_success();
    assert!(o.stdout.contains("210987654321"), "{o}");
    assert!(o.stdout.contains("profile prod"), "{o}");
    assert_no_secret(&o);

    // AWS_PROFILE works the same way.
    let t = tsdsl(&moto.url, false);
    std::fs::write(
        t.path().join("aws/credentials"),
        format!("[prod]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let o = t.env("AWS_PROFILE", "prod").arg("whoami").run();
    o.assert_success();
    assert!(o.stdout.contains("210987654321"), "{o}");
}

#[test]
fn an_unknown_profile_is_named_with_a_suggestion() {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let t = tsdsl(&fake.url, false);
    std::fs::write(
        t.path().join("aws/credentials"),
        format!("[prod]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let (o, took) = timed(t.args(["whoami", "--profile", "prdo"]), "unknown profile");
    o.assert_status(2);
    o.assert_stderr_contains("AWS profile `prdo` does not exist");
    o.assert_stderr_contains("did you mean `prod`?");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(fake.requests(), 0);
    assert_no_secret(&o);
}

#[test]
fn no_credentials_is_said_quickly() {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let (o, took) = timed(tsdsl(&fake.url, false).arg("whoami"), "no credentials");
    o.assert_status(2);
    o.assert_stderr_contains("no AWS credentials found");
    o.assert_stderr_contains("--account-id");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(fake.requests(), 0, "nothing to ask without credentials");
}

/// With no credential file, variable or metadata service at all, tsdsl
/// says so without starting the SDK's chain; what it says is what the
/// chain says when its files are there but empty.
#[test]
fn no_credential_source_at_all_is_said_as_the_chain_says_it() {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let chain = tsdsl(&fake.url, false).arg("whoami").run();
    let t = tsdsl(&fake.url, false);
    let home = t.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let (o, _) = timed(
        t.env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
            .arg("whoami"),
        "no credential source",
    );
    o.assert_status(2);
    assert_eq!(o.stderr, chain.stderr);
    o.assert_stderr_contains("no AWS credentials found");
    assert_eq!(fake.requests(), 0);
}

#[test]
fn an_endpoint_that_is_not_a_url_is_said_plainly_and_as_json() {
    let o = tsdsl("http://127.0.0.1:9", true).args(["whoami", "--endpoint-url", "not a url"]).run();
    o.assert_status(2);
    o.assert_stderr_contains("`not a url` (--endpoint-url) is not an endpoint URL");
    assert!(!o.stderr.contains("Request {") && !o.stderr.contains("SdkBody"), "{o}");
    let o = tsdsl("http://127.0.0.1:9", true)
        .args(["whoami", "--format", "json", "--endpoint-url", "ftp://x"])
        .run();
    o.assert_status(2);
    for line in o.stderr.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}\n{o}"));
        assert_eq!(v["code"], "tsdsl::aws::lookup_failed", "{o}");
    }
    assert_no_secret(&o);
}

#[test]
fn a_server_that_is_down_is_reported_as_refused() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let (o, took) = timed(tsdsl(&url, true).arg("whoami"), "server down (refused)");
    o.assert_status(2);
    o.assert_stderr_contains(&format!("cannot reach STS at `{url}`: the connection was refused"));
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_no_secret(&o);
}

#[test]
fn an_endpoint_that_never_answers_times_out_within_the_budget() {
    let fake = Fake::start(None);
    let (o, took) = timed(
        tsdsl(&fake.url, true).args(["whoami", "--aws-timeout", "2"]),
        "silent endpoint, --aws-timeout 2",
    );
    o.assert_status(2);
    o.assert_stderr_contains("did not answer within 2 s");
    o.assert_stderr_contains("--aws-timeout");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(5), "{took:?}");
    assert!(fake.requests() >= 1);

    let (o, took) = timed(tsdsl(&fake.url, true).arg("whoami"), "silent endpoint, default budget");
    o.assert_status(2);
    assert!(took < Duration::from_secs(8), "{took:?}");
}

/// An answer that is not what STS says is refused, not printed or used: a
/// 20-digit account, an ARN of another account, terminal escapes that
/// would colour the terminal or forge a line of `whoami`'s output.
#[test]
fn a_malformed_answer_is_refused_not_printed() {
    let forged = |account: &str, arn: &str| {
        (
            200,
            format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
                 <Arn>{arn}</Arn><UserId>AIDATESTUSER</UserId><Account>{account}</Account>\
                 </GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            ),
        )
    };
    for (account, arn, says) in [
        (
            "12345678901234567890",
            "arn:aws:iam::12345678901234567890:user/ci",
            "is not twelve digits",
        ),
        ("123456789012", "arn:aws:iam::999999999999:user/ci", "is not of its account 123456789012"),
        (
            "123456789012",
            "arn:aws:iam::123456789012:user/x&#x1b;[31mRED&#xa;FAKE LINE",
            "characters IAM never writes",
        ),
    ] {
        let fake = Fake::start(Some(forged(account, arn)));
        let o = tsdsl(&fake.url, true).arg("whoami").run();
        o.assert_status(2);
        o.assert_stderr_contains(says);
        assert!(!o.stdout.contains("FAKE") && !o.stderr.contains('\u{1b}'), "{o}");
    }
}

/// An endpoint that streams an endless answer is cut off after a megabyte:
/// the SDK reads an answer whole before parsing it, so without a ceiling
/// the process grew by gigabytes until its budget ran out or it aborted.
#[test]
fn an_endless_answer_is_cut_off_not_buffered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                read_request(&mut stream);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 6000000000\r\n\r\n<a>"
                );
                let chunk = vec![b'x'; 1 << 16];
                while stream.write_all(&chunk).is_ok() {}
            });
        }
    });
    let (o, _) = timed(tsdsl(&url, true).arg("whoami"), "endless answer");
    o.assert_status(2);
    o.assert_stderr_contains("answered more than 1 MiB, far more than any STS response");
}

#[test]
fn throttling_is_retried_then_reported() {
    let fake = Fake::start(Some(sts_error("Throttling")));
    let (o, took) = timed(tsdsl(&fake.url, true).arg("whoami"), "throttling");
    o.assert_status(2);
    o.assert_stderr_contains("is throttling the calls (Throttling), even after retries");
    assert_eq!(fake.requests(), 3, "three attempts");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn invalid_and_expired_credentials_are_told_apart() {
    let fake = Fake::start(Some(sts_error("InvalidClientTokenId")));
    let (o, took) = timed(tsdsl(&fake.url, true).arg("whoami"), "invalid credentials");
    o.assert_status(2);
    // The message is long: the renderer wraps it under its `│` margin.
    let flat = o.stderr.replace("\n  │ ", " ");
    assert!(
        flat.contains("rejects the AWS credentials (the keys in `AWS_ACCESS_KEY_ID`) as invalid"),
        "{o}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_no_secret(&o);

    let fake = Fake::start(Some(sts_error("ExpiredToken")));
    let (o, took) = timed(
        tsdsl(&fake.url, true)
            .env("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEXAMPLETOKENEXAMPLETOKENEXAMPLETOKEN")
            .arg("whoami"),
        "expired credentials",
    );
    o.assert_status(2);
    o.assert_stderr_contains("have expired");
    o.assert_stderr_contains("aws sso login");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(!o.stderr.contains("FQoGZXIvYXdzEXAMPLETOKEN"), "{o}");
}

// ── the guard and the caller in scripts ───────────────────────────────

#[test]
fn the_guard_passes_on_the_right_account_and_reaches_terraform() {
    let moto = Moto::start(None);
    let (o, _) = timed(
        tsdsl(&moto.url, true).script("main.rhai", GUARDED).args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--message-format",
            "short",
        ]),
        "guard, right account",
    );
    o.assert_success();
    assert!(!o.stderr.contains("warning"), "{o}");
    let providers = o.read("out/providers.tf");
    assert_eq!(
        providers.matches("allowed_account_ids = [\"123456789012\"]").count(),
        2,
        "every aws provider:\n{providers}"
    );
}

#[test]
fn the_guard_refuses_another_accounts_credentials_at_its_line() {
    let moto = Moto::start(Some("210987654321"));
    let (o, took) = timed(
        tsdsl(&moto.url, true).script("main.rhai", GUARDED).args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--message-format",
            "short",
        ]),
        "guard, wrong account",
    );
    o.assert_status(1);
    o.assert_stderr_contains(
        "the AWS credentials (the keys in `AWS_ACCESS_KEY_ID`) belong to account `210987654321`, but stack `main` expects `123456789012`",
    );
    o.assert_stderr_contains("main.rhai:2:");
    o.assert_stderr_contains("tsdsl::aws::wrong_account");
    assert!(!o.path().join("out/main.tf").exists(), "nothing is written");
    assert!(took < Duration::from_secs(10));
    assert_no_secret(&o);
}

#[test]
fn the_guard_takes_a_list_or_a_map_per_stack() {
    let moto = Moto::start(Some("210987654321"));
    let list = r#"aws::expect_account(["123456789012", "210987654321"]);"#;
    let o = tsdsl(&moto.url, true)
        .script("staging.rhai", list)
        .args(["run", "staging.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();

    let map = r#"aws::expect_account(#{ staging: "210987654321", production: "123456789012" });"#;
    let o = tsdsl(&moto.url, true)
        .script("staging.rhai", map)
        .args(["run", "staging.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();
    let o = tsdsl(&moto.url, true)
        .script("production.rhai", map)
        .args(["run", "production.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains(
        "belong to account `210987654321`, but stack `production` expects `123456789012`",
    );

    let o = tsdsl(&moto.url, true)
        .script("producton.rhai", map)
        .args(["run", "producton.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("no account is given for stack `producton`");
    o.assert_stderr_contains("did you mean `production`?");
}

#[test]
fn a_bad_account_id_points_at_the_value() {
    let o = Tsdsl::new()
        .script("main.rhai", "aws::expect_account([\"123456789012\", \"12345\"]);\n")
        .args(["check", "main.rhai", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("`12345` is not an AWS account id");
    o.assert_stderr_contains("main.rhai:1:38");
    let o = Tsdsl::new()
        .script("main.rhai", "aws::expect_account(123456789012);\n")
        .args(["check", "main.rhai", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("an account id must be a string of twelve digits");
}

#[test]
fn without_credentials_the_guard_warns_and_terraform_keeps_the_check() {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let (o, took) = timed(
        tsdsl(&fake.url, false).script("main.rhai", GUARDED).args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--message-format",
            "short",
        ]),
        "guard, no credentials",
    );
    o.assert_success();
    o.assert_stderr_contains("warning");
    o.assert_stderr_contains(
        "the AWS account was not checked (no AWS credentials found); Terraform's `allowed_account_ids` will refuse any account but `123456789012`",
    );
    assert!(o.read("out/providers.tf").contains("allowed_account_ids = [\"123456789012\"]"));
    assert_eq!(fake.requests(), 0);
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_failed_lookup_fails_the_guard_in_bounded_time() {
    let fake = Fake::start(None);
    let (o, took) = timed(
        tsdsl(&fake.url, true).script("main.rhai", GUARDED).args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--aws-timeout",
            "1",
            "--message-format",
            "short",
        ]),
        "guard, silent endpoint, --aws-timeout 1",
    );
    o.assert_status(1);
    o.assert_stderr_contains("the AWS account cannot be checked: STS at");
    o.assert_stderr_contains("did not answer within 1 s");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn caller_gives_the_account_and_arn_and_asks_once() {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let script = r#"
aws::expect_account("123456789012");
let me = aws::caller();
let again = aws::caller();
output("account", me.account_id);
output("arn", again.arn);
output("partition", me.partition);
output("user", me.user_id);
output("repo", `${me.account_id}.dkr.ecr.eu-west-1.amazonaws.com/prestashop`);
"#;
    let o = tsdsl(&fake.url, true)
        .script("main.rhai", script)
        .args(["run", "main.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();
    let main = o.read("out/outputs.tf");
    assert!(main.contains("\"arn:aws:iam::123456789012:user/ci\""), "{main}");
    assert!(main.contains("\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/prestashop\""), "{main}");
    assert!(main.contains("\"AIDATESTUSER\""), "{main}");
    assert_eq!(fake.requests(), 1, "one call per run");
}

#[test]
fn caller_against_moto() {
    let moto = Moto::start(Some("210987654321"));
    let o = tsdsl(&moto.url, true)
        .script("main.rhai", "output(\"account\", aws::caller().account_id);\n")
        .args(["run", "main.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();
    assert!(o.read("out/outputs.tf").contains("\"210987654321\""));
}

#[test]
fn caller_without_any_way_to_know_is_an_error_at_its_line() {
    let o = tsdsl("http://127.0.0.1:9", false)
        .script("main.rhai", "let x = 1;\noutput(\"a\", aws::caller().account_id);\n")
        .args(["run", "main.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("`aws::caller()` needs the AWS account: no AWS credentials found");
    o.assert_stderr_contains("main.rhai:2:");

    let o = Tsdsl::new()
        .script("main.rhai", "output(\"a\", aws::caller().account_id);\n")
        .args(["check", "main.rhai", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains(
        "`aws::caller()` needs the AWS account, and this run does not call AWS",
    );
    o.assert_stderr_contains("--account-id");
}

// ── offline ───────────────────────────────────────────────────────────

#[test]
fn account_id_answers_without_a_call() {
    let fake = Fake::start(None);
    let script =
        "aws::expect_account(\"123456789012\");\noutput(\"a\", aws::caller().account_id);\n";
    let (o, took) = timed(
        tsdsl(&fake.url, true).script("main.rhai", script).args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--account-id",
            "123456789012",
            "--message-format",
            "short",
        ]),
        "--account-id",
    );
    o.assert_success();
    assert!(o.read("out/outputs.tf").contains("\"123456789012\""));
    assert!(took < Duration::from_secs(3));

    let o = tsdsl(&fake.url, true)
        .env("TSDSL_ACCOUNT_ID", "210987654321")
        .script("main.rhai", script)
        .args(["run", "main.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_status(1);
    // Not "the command line": a CI variable left set is the likely cause.
    o.assert_stderr_contains(
        "the account in `TSDSL_ACCOUNT_ID` is `210987654321`, but stack `main` expects",
    );
    o.assert_stderr_contains("unset it so that tsdsl asks STS");
    assert!(!o.stderr.contains("command line"), "{o}");
    assert_eq!(fake.requests(), 0, "offline means no connection at all");

    let o = tsdsl(&fake.url, true)
        .script("main.rhai", "output(\"a\", aws::caller().arn);\n")
        .args([
            "run",
            "main.rhai",
            "-o",
            "out",
            "--account-id",
            "123456789012",
            "--message-format",
            "short",
        ])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("the caller's `arn` is not known offline");

    let o = tsdsl(&fake.url, true)
        .script("main.rhai", script)
        .args(["run", "main.rhai", "--account-id", "12"])
        .run();
    o.assert_status(2);
    o.assert_stderr_contains("`12` is not an AWS account id");
    assert_eq!(fake.requests(), 0);
}

#[test]
fn check_and_scripts_without_aws_calls_stay_offline() {
    let fake = Fake::start(None);
    let (o, took) = timed(
        tsdsl(&fake.url, true).script("main.rhai", GUARDED).args([
            "check",
            "main.rhai",
            "--message-format",
            "short",
        ]),
        "check with the guard",
    );
    o.assert_success();
    o.assert_stderr_contains("the AWS account was not checked (this run does not call AWS)");
    assert!(took < Duration::from_secs(3));

    let o = tsdsl(&fake.url, true)
        .script("main.rhai", GUARDED)
        .args(["check", "main.rhai", "--account-id", "210987654321", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("belong to account `210987654321`");

    let plain = "provider(\"aws\", #{ region: \"eu-west-1\" });\nresource(\"aws_s3_bucket\", \"b\", #{ bucket: \"plain-bucket-x1\" });\n";
    let o = tsdsl(&fake.url, true)
        .script("main.rhai", plain)
        .args(["run", "main.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();
    assert!(!o.read("out/providers.tf").contains("allowed_account_ids"));
    assert_eq!(fake.requests(), 0, "no aws:: call, no connection");
}

#[test]
fn a_provider_restricting_accounts_itself_conflicts_with_the_guard() {
    let script = "aws::expect_account(\"123456789012\");\nprovider(\"aws\", #{ region: \"eu-west-1\", forbidden_account_ids: [\"111111111111\"] });\n";
    let o = Tsdsl::new()
        .script("main.rhai", script)
        .args(["check", "main.rhai", "--account-id", "123456789012", "--message-format", "short"])
        .run();
    o.assert_status(1);
    o.assert_stderr_contains("this aws provider sets `forbidden_account_ids`");
    o.assert_stderr_contains("main.rhai:2:");
}

// ── the estate ────────────────────────────────────────────────────────

fn estate_run(script: &str, endpoint: &str, keys: bool, extra: &[&str]) -> Output {
    let out = tempfile::tempdir().unwrap();
    let mut t = tsdsl(endpoint, keys)
        .current_dir(support::root())
        .args(["run", &format!("scripts/{script}.rhai"), "--message-format", "short", "-o"])
        .arg(out.path());
    for a in extra {
        t = t.arg(a);
    }
    let o = t.run();
    drop(out);
    o
}

#[test]
fn the_estate_guards_staging_and_production() {
    let moto = Moto::start(None);
    for env in ["shared", "staging", "production"] {
        let o = estate_run(env, &moto.url, true, &[]);
        o.assert_success();
        assert!(!o.stderr.contains("warning"), "{env}: {o}");
    }
    let other = Moto::start(Some("210987654321"));
    for env in ["staging", "production"] {
        let o = estate_run(env, &other.url, true, &[]);
        o.assert_status(1);
        o.assert_stderr_contains(&format!("but stack `{env}` expects `123456789012`"));
        o.assert_stderr_contains(&format!("scripts/{env}.rhai:"));
    }
}

#[test]
fn the_estate_builds_its_arns_from_the_declared_account() {
    let fake = Fake::start(None);
    let out = tempfile::tempdir().unwrap();
    let o = tsdsl(&fake.url, false)
        .current_dir(support::root())
        .args(["run", "scripts/production.rhai", "--message-format", "short", "-o"])
        .arg(out.path())
        .run();
    o.assert_success();
    // The node group policy is the cluster autoscaler's, in eks.tf.
    let main = std::fs::read_to_string(Path::new(out.path()).join("eks.tf")).unwrap();
    let providers = std::fs::read_to_string(Path::new(out.path()).join("providers.tf")).unwrap();
    assert_eq!(
        providers.matches("allowed_account_ids = [\"123456789012\"]").count(),
        2,
        "{providers}"
    );
    assert!(
        main.contains("arn:aws:eks:eu-west-1:123456789012:nodegroup/taylor-shift-production/*/*"),
        "{main}"
    );
    assert!(!main.contains(":*:*:"), "no policy leaves the account open:\n{main}");
    assert_eq!(fake.requests(), 0);
}

#[test]
fn a_stack_read_with_stack_does_not_check_its_own_guard() {
    // shared in one account, staging in another: staging's run reads
    // shared's outputs with staging's credentials.
    let moto = Moto::start(Some("210987654321"));
    let shared = r#"
backend("s3", #{ bucket: "b", key: "shared/terraform.tfstate", region: "eu-west-1" });
aws::expect_account("111111111111");
output("zone", "Z1");
"#;
    let staging = "aws::expect_account(\"210987654321\");\nlet s = stack(\"shared\");\noutput(\"zone\", s.zone);\n";
    let o = tsdsl(&moto.url, true)
        .script("shared.rhai", shared)
        .script("staging.rhai", staging)
        .args(["run", "staging.rhai", "-o", "out", "--message-format", "short"])
        .run();
    o.assert_success();
    assert!(o.stderr.trim().is_empty(), "{o}");
}

/// `tsdsl watch` on `script`, saved twice more; the requests the endpoint saw.
fn watch_requests(extra: &[&str]) -> usize {
    let fake = Fake::start(Some(sts_identity("123456789012")));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("main.rhai");
    let body = |n: u32| format!("aws::expect_account(\"123456789012\");\noutput(\"n\", {n});\n");
    std::fs::write(&script, body(0)).unwrap();
    std::fs::write(dir.path().join("empty"), "").unwrap();
    let mut cmd = Command::new(support::bin());
    cmd.args(["watch", "main.rhai", "-o", "out"]).args(extra).current_dir(dir.path());
    support::isolate_aws(&mut cmd);
    cmd.env("AWS_ENDPOINT_URL", &fake.url)
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_CONFIG_FILE", dir.path().join("empty"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("empty"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let outputs = dir.path().join("out/outputs.tf");
    let wait_for = |n: u32| {
        let started = Instant::now();
        while !std::fs::read_to_string(&outputs).is_ok_and(|t| t.contains(&format!("value = {n}")))
        {
            assert!(started.elapsed() < Duration::from_secs(20), "watch did not write build {n}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for(0);
    for n in 1..=2 {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&script, body(n)).unwrap();
        wait_for(n);
    }
    let _ = child.kill();
    let _ = child.wait();
    fake.requests()
}

#[test]
fn watch_asks_once_across_rebuilds_unless_told_to_refresh() {
    assert_eq!(watch_requests(&[]), 1, "three builds, one call");
    assert_eq!(watch_requests(&["--refresh-account"]), 3, "one call per build");
}

#[test]
fn an_assume_role_profile_goes_through_sts_and_has_an_expiry() {
    let moto = Moto::start(None);
    let t = tsdsl(&moto.url, false);
    std::fs::write(
        t.path().join("aws/config"),
        "[profile base]\nregion = eu-west-1\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n",
    )
    .unwrap();
    std::fs::write(
        t.path().join("aws/credentials"),
        format!("[base]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let (o, _) = timed(
        t.args(["whoami", "--profile", "admin", "--format", "json"]),
        "whoami, assume-role profile, moto",
    );
    o.assert_success();
    let v: serde_json::Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert!(
        v["arn"].as_str().unwrap().starts_with("arn:aws:sts::123456789012:assumed-role/admin/"),
        "{o}"
    );
    assert!(
        v["expires_in_seconds"].as_u64().is_some_and(|s| s > 60),
        "temporary credentials expire: {o}"
    );
    assert_no_secret(&o);
}

#[test]
fn a_metadata_service_that_refuses_or_is_silent_means_no_credentials() {
    // Off EC2, a proxy may answer the metadata address with 403, or nothing
    // may answer: either way the machine has no credentials, and the guard
    // only warns. (The metadata endpoint is moved to loopback.)
    for (reply, what) in
        [(Some((403, String::from("forbidden"))), "metadata 403"), (None, "metadata silent")]
    {
        let imds = Fake::start(reply);
        let (o, took) = timed(
            tsdsl("http://127.0.0.1:9", false)
                .env("AWS_EC2_METADATA_DISABLED", "false")
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)
                .script("main.rhai", GUARDED)
                .args([
                    "run",
                    "main.rhai",
                    "-o",
                    "out",
                    "--aws-timeout",
                    "2",
                    "--message-format",
                    "short",
                ]),
            &format!("guard, no credentials, {what}"),
        );
        o.assert_success();
        o.assert_stderr_contains("warning[tsdsl::aws::account_not_checked]: the AWS account was not checked (no AWS credentials found");
        assert!(imds.requests() >= 1, "{what}: the metadata service was asked");
        assert!(took < Duration::from_secs(5), "{what}: {took:?}");
    }
}
