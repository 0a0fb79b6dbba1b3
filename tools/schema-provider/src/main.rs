//! `tsdsl-schema-provider`: a Terraform provider plugin that knows nothing
//! but tsdsl's embedded schemas. Installed as `terraform-provider-NAME` (a
//! symlink, for NAME in aws, kubernetes, helm, random), it lets Terraform's
//! own `validate` check a folder against the schemas tsdsl checks with:
//! arguments, blocks, nesting, types, required and optional, references.
//! Every validation call is answered with no diagnostics, so what only the
//! real provider checks (allowed values, conflicts) is not checked.
//!
//! A dev tool for the tests (`tests/oracles/tf_validate.py`), never part of
//! tsdsl. Terraform starts it through go-plugin: the magic cookie in the
//! environment, then one handshake line on stdout naming the protocol
//! version (6) and the loopback address of the gRPC server. It speaks
//! plain gRPC, so Terraform must run with `TF_DISABLE_PLUGIN_TLS=1`.
//!
//! Environment:
//! - `TSDSL_SCHEMA_PROVIDER_TYPES`: a file of words; only resource and data
//!   source types named there get their full schema, the rest an empty one
//!   (Terraform then decodes a few schemas instead of ~2,400 AWS ones).
//! - `TSDSL_SCHEMA_PROVIDER_TRACE`: a file that gets a line `PROVIDER METHOD`
//!   for every call Terraform makes.
//!
//! `tsdsl-schema-provider --summary` prints, per provider, how many resource,
//! data source and ephemeral resource types its schema describes.

mod proto;
mod schema;
mod server;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use schema::Selection;

const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's own handshake version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;
const PLUGIN_PROTOCOL_VERSION: &str = "6";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tsdsl-schema-provider: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    let names: Vec<&str> = schema::PROVIDERS.iter().map(|(n, _)| *n).collect();
    format!(
        "this is a Terraform provider plugin, started by Terraform, not by hand\n\
         install it as `terraform-provider-NAME` (NAME one of {}) in a folder named by \
         `dev_overrides` in a Terraform CLI configuration, and run Terraform with \
         TF_DISABLE_PLUGIN_TLS=1; tests/oracles/tf_validate.py does all this",
        names.join(", ")
    )
}

/// NAME from the program name `terraform-provider-NAME[_vX.Y.Z]`.
fn provider_name() -> Option<String> {
    let arg0 = PathBuf::from(std::env::args_os().next()?);
    let file = arg0.file_name()?.to_str()?;
    let rest = file.strip_prefix("terraform-provider-")?;
    let name = rest.split('_').next()?;
    schema::PROVIDERS.iter().any(|(n, _)| *n == name).then(|| name.to_owned())
}

fn selection() -> Result<Selection, String> {
    let Some(path) = std::env::var_os("TSDSL_SCHEMA_PROVIDER_TYPES") else {
        return Ok(Selection::All);
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!("TSDSL_SCHEMA_PROVIDER_TYPES={}: {e}", PathBuf::from(&path).display())
    })?;
    Ok(Selection::Words(text.split_whitespace().map(str::to_owned).collect()))
}

fn summary() -> Result<(), String> {
    for (name, _) in schema::PROVIDERS {
        let [r, d, e] = schema::counts(name)?;
        println!("{name} resources={r} data_sources={d} ephemeral_resources={e}");
    }
    Ok(())
}

fn run() -> Result<(), String> {
    if std::env::args().nth(1).as_deref() == Some("--summary") {
        return summary();
    }
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        return Err(usage());
    }
    let provider = provider_name().ok_or_else(usage)?;
    if std::env::var_os("PLUGIN_CLIENT_CERT").is_some() {
        return Err("Terraform asked for mTLS, which this provider does not speak: \
                    run Terraform with TF_DISABLE_PLUGIN_TLS=1"
            .into());
    }
    if let Ok(versions) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        if !versions.split(',').any(|v| v.trim() == PLUGIN_PROTOCOL_VERSION) {
            return Err(format!(
                "Terraform offers plugin protocol versions {versions}, this provider speaks only 6"
            ));
        }
    }
    // A schema that cannot be loaded is reported through Terraform (an error
    // diagnostic from GetProviderSchema), where the operator looks.
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let state = Arc::new(server::State {
        provider,
        served: std::sync::OnceLock::new(),
        selection: selection(),
        trace: std::env::var_os("TSDSL_SCHEMA_PROVIDER_TRACE").map(PathBuf::from),
        shutdown: shutdown.clone(),
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| format!("listening on loopback: {e}"))?;
        let addr = listener.local_addr().map_err(|e| format!("listening on loopback: {e}"))?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{CORE_PROTOCOL_VERSION}|{PLUGIN_PROTOCOL_VERSION}|tcp|{addr}|grpc")
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("writing the handshake: {e}"))?;
        drop(stdout);

        let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
        let stop = async move {
            shutdown.notified().await;
            // Terraform closes the connection once Shutdown is answered;
            // should it not, stop anyway.
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                std::process::exit(0);
            });
        };
        tonic::transport::Server::builder()
            .serve_with_incoming_shutdown(server::service(state), incoming, stop)
            .await
            .map_err(|e| format!("serving gRPC: {e}"))
    })
}
