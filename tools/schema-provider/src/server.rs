//! The gRPC service Terraform talks to: plugin protocol 6 plus the
//! go-plugin services it looks for (health check, controller).

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use tokio::sync::Notify;
use tonic::body::Body;
use tonic::server::{Grpc, UnaryService};
use tonic::{Request, Response, Status};
use tonic_prost::ProstCodec;

use crate::proto::{self, Empty};

/// What the service answers with, shared by every request.
pub struct State {
    /// The provider's local name (`aws`), for messages and the trace.
    pub provider: String,
    /// The schemas, or why they could not be loaded (then reported by
    /// `GetProviderSchema` as an error diagnostic Terraform prints). Loaded at
    /// the first call that needs them: Terraform starts a provider many times
    /// in one `validate` and asks only the first for its schema.
    pub served: OnceLock<Result<crate::schema::Served, String>>,
    /// Which types get full schemas, or why that could not be read.
    pub selection: Result<crate::schema::Selection, String>,
    /// `$TSDSL_SCHEMA_PROVIDER_TRACE`: a file that gets one line per call.
    pub trace: Option<PathBuf>,
    /// Notified by go-plugin's `Shutdown`.
    pub shutdown: Arc<Notify>,
}

/// The calls answered with no diagnostics: validation of every kind of
/// block, and the optional extras Terraform asks for alongside the schema.
const EMPTY_ANSWERS: &[&str] = &[
    "ValidateProviderConfig",
    "ValidateResourceConfig",
    "ValidateDataResourceConfig",
    "ValidateEphemeralResourceConfig",
    "ValidateListResourceConfig",
    "ValidateActionConfig",
    "GetResourceIdentitySchemas",
    "GetFunctions",
    "StopProvider",
];

type BoxFuture = Pin<Box<dyn Future<Output = Result<http::Response<Body>, Infallible>> + Send>>;

pub fn service(
    state: Arc<State>,
) -> impl tower::Service<
    http::Request<Body>,
    Response = http::Response<Body>,
    Error = Infallible,
    Future = BoxFuture,
> + Clone {
    tower::service_fn(move |req: http::Request<Body>| -> BoxFuture {
        let state = state.clone();
        Box::pin(async move { Ok(route(&state, req).await) })
    })
}

async fn route(state: &State, req: http::Request<Body>) -> http::Response<Body> {
    let path = req.uri().path().to_owned();
    state.record(&path);
    let (service, method) = path.trim_start_matches('/').split_once('/').unwrap_or(("", ""));
    match (service, method) {
        ("tfplugin6.Provider", "GetProviderSchema") => {
            let resp = match state.served() {
                Ok(s) => s.schema.clone(),
                Err(e) => proto::GetProviderSchemaResponse {
                    diagnostics: vec![proto::Diagnostic {
                        severity: proto::SEVERITY_ERROR,
                        summary: format!(
                            "tsdsl-schema-provider cannot serve `{}`",
                            state.provider
                        ),
                        detail: e.clone(),
                    }],
                    ..Default::default()
                },
            };
            unary(req, resp).await
        }
        ("tfplugin6.Provider", "GetMetadata") => {
            let resp = match state.served() {
                Ok(s) => s.metadata.clone(),
                Err(e) => proto::GetMetadataResponse {
                    diagnostics: vec![proto::Diagnostic {
                        severity: proto::SEVERITY_ERROR,
                        summary: "tsdsl-schema-provider cannot load its schemas".into(),
                        detail: e.clone(),
                    }],
                    ..Default::default()
                },
            };
            unary(req, resp).await
        }
        ("tfplugin6.Provider", m) if EMPTY_ANSWERS.contains(&m) => unary(req, Empty {}).await,
        ("grpc.health.v1.Health", "Check") => {
            unary(req, proto::HealthCheckResponse { status: 1 }).await
        }
        ("plugin.GRPCController", "Shutdown") => {
            let resp = unary(req, Empty {}).await;
            state.shutdown.notify_one();
            resp
        }
        // Planning, applying, state and functions: this provider only
        // serves schemas, so Terraform reports these calls as errors. go-plugin's
        // broker and stdio streams are optional and it carries on without them.
        _ => Status::unimplemented(format!(
            "tsdsl-schema-provider serves schemas for `terraform validate` only; `{path}` is not implemented"
        ))
        .into_http(),
    }
}

impl State {
    fn served(&self) -> &Result<crate::schema::Served, String> {
        self.served.get_or_init(|| {
            let selection = self.selection.as_ref().map_err(Clone::clone)?;
            crate::schema::load(&self.provider, selection)
        })
    }

    fn record(&self, path: &str) {
        let Some(file) = &self.trace else { return };
        let line = format!("{} {}\n", self.provider, path.rsplit('/').next().unwrap_or(path));
        // One write per line with O_APPEND: lines of concurrent providers do not interleave.
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            eprintln!("tsdsl-schema-provider: writing the trace {}: {e}", file.display());
        }
    }
}

/// Decodes the request (whose fields are not needed) and answers `resp`.
async fn unary<M>(req: http::Request<Body>, resp: M) -> http::Response<Body>
where
    M: prost::Message + Send + 'static,
{
    Grpc::new(ProstCodec::<M, Empty>::default()).unary(Reply(Some(resp)), req).await
}

/// A unary handler that answers one fixed message.
struct Reply<M>(Option<M>);

impl<M> UnaryService<Empty> for Reply<M> {
    type Response = M;
    type Future = Ready<Result<Response<M>, Status>>;

    fn call(&mut self, _request: Request<Empty>) -> Self::Future {
        ready(self.0.take().map(Response::new).ok_or_else(|| Status::internal("answered twice")))
    }
}
