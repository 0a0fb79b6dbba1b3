//! A ceiling on what an AWS endpoint may send back. The SDK reads a whole
//! answer into memory before parsing it, so an endpoint streaming gigabytes
//! (a hostile `--endpoint-url`, a misrouted proxy) would grow the process
//! until the system killed it. Every answer STS and the credential services
//! send is a few kilobytes: a larger one fails the call instead.

use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use http_body_util::Limited;

/// Far above any answer of STS, SSO or the metadata services.
pub(super) const MAX_ANSWER_BYTES: usize = 1 << 20;

/// `inner`, with every answer's body cut off at [`MAX_ANSWER_BYTES`].
pub(super) fn capped(inner: SharedHttpClient) -> SharedHttpClient {
    http_client_fn(move |settings, components| {
        SharedHttpConnector::new(Capped(inner.http_connector(settings, components)))
    })
}

#[derive(Debug)]
struct Capped(SharedHttpConnector);

impl HttpConnector for Capped {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let answer = self.0.call(request);
        HttpConnectorFuture::new(async move {
            let response = answer.await?;
            Ok(response.map(|body| {
                body.map(|b| SdkBody::from_body_1_x(Limited::new(b, MAX_ANSWER_BYTES)))
            }))
        })
    }
}

/// Whether a failed call was cut off by [`capped`].
pub(super) fn is_cut_off(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = Some(e);
    while let Some(e) = at {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        at = e.source();
    }
    false
}
