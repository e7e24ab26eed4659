//! Web hygiene checks: redirects, HSTS, security headers, cookies, CORS, security.txt and DANE,
//! with the header parsers they use.

pub mod cookies;
pub mod cors;
pub mod csp;
pub(crate) mod csp_effect;
pub(crate) mod csp_policy;
pub(crate) mod csp_source;
pub mod dane;
pub mod frame_protection;
pub(crate) mod header_list;
pub mod hsts;
pub(crate) mod hsts_header;
pub mod hsts_preload_ready;
pub mod https_redirect;
pub mod permissions_policy;
pub mod referrer_policy;
pub mod security_txt;
pub(crate) mod security_txt_file;
pub mod server_banner;
pub(crate) mod set_cookie;
pub(crate) mod transport_trust;
pub mod x_content_type_options;

use govscan_model::{HttpExchange, Observations, Outcome, Status};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine};

/// Judges the last response of `GET /` over https:// (after same-host redirects) on every
/// endpoint; an endpoint without a recorded response is inconclusive.
pub(crate) fn judge_home_page(
    check: &str,
    obs: &Observations,
    judge: impl Fn(&HttpExchange) -> EndpointVerdict,
) -> Outcome {
    combine(
        check,
        &obs.endpoints,
        |ep| &ep.https,
        |_, chain| match chain.last() {
            Some(last) => judge(last),
            None => EndpointVerdict::new(
                Status::Inconclusive,
                "probe_incomplete",
                "no HTTPS response recorded",
                json!({}),
            ),
        },
    )
}
