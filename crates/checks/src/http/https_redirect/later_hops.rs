//! The hops of an http:// redirect chain after the first, and its end: no hop may lead back
//! to plain HTTP, and the chain must land on an https:// page (`http.https-redirect`).

use govscan_model::{RedirectChain, RedirectEnd, Status};
use serde_json::json;
use url::Url;

use super::{Finding, LATER_HOP_FAILED};
use crate::endpoints::EndpointVerdict;

/// Judges every hop after the first and the chain's end: a hop to http:// (here or on another
/// host) fails, as does a landing that is not https://; a later hop that could not be fetched
/// leaves the landing unknown (inconclusive). `None` when the rest of the chain is sound.
pub(super) fn judge_later_hops(
    chain: &RedirectChain,
    evidence: &mut serde_json::Value,
) -> Option<EndpointVerdict> {
    let verdict = |finding: Finding, message: String, evidence: &serde_json::Value| {
        Some(EndpointVerdict::new(
            finding.status(),
            finding.key(),
            message,
            evidence.clone(),
        ))
    };
    for (i, hop) in chain.hops.iter().enumerate().skip(1) {
        let Some(location) = hop.header("location").filter(|_| hop.is_redirect()) else {
            continue;
        };
        let Ok(target) = Url::parse(&hop.url).and_then(|base| base.join(location.trim())) else {
            continue; // the chain end says BadLocation
        };
        if target.scheme() != "https" {
            evidence["downgrade"] =
                json!({ "hop": i + 1, "url": hop.url, "location": target.as_str() });
            return verdict(
                Finding::Downgrade,
                format!(
                    "hop {} of the chain ({}) redirects back to plain HTTP: {target}",
                    i + 1,
                    hop.url
                ),
                evidence,
            );
        }
    }
    let last = chain.hops.last()?;
    match &chain.end {
        RedirectEnd::BadLocation { location } => verdict(
            Finding::BadLocation,
            format!(
                "{} redirects to an unusable Location {:?}",
                last.url,
                location.as_deref().unwrap_or("")
            ),
            evidence,
        ),
        RedirectEnd::HopFailed {
            url,
            detail,
            failure,
        } => {
            evidence["failed_hop"] = json!({ "url": url, "detail": detail, "failure": failure });
            let finding = match failure {
                Some(kind) if kind.is_scanner_side() => crate::endpoints::SCANNER_FAILURE,
                _ => LATER_HOP_FAILED.key,
            };
            Some(EndpointVerdict::new(
                Status::Inconclusive,
                finding,
                format!(
                    "the redirect chain could not be followed to its end: {url} failed ({detail})"
                ),
                evidence.clone(),
            ))
        }
        RedirectEnd::Offsite { location, .. } => {
            evidence["final_url"] = json!(location);
            None
        }
        // A chain recorded up to a redirect whose target was not fetched: its (https, as
        // checked above) target is where the visit lands.
        RedirectEnd::Final if last.is_redirect() => {
            let target = Url::parse(&last.url)
                .and_then(|base| base.join(last.header("location").unwrap_or_default().trim()))
                .map_or_else(|_| last.url.clone(), |u| u.to_string());
            evidence["final_url"] = json!(target);
            None
        }
        RedirectEnd::Final if !last.url.starts_with("https://") => {
            evidence["final_url"] = json!(last.url);
            verdict(
                Finding::FinalNotHttps,
                format!(
                    "the redirect chain ends on {}, which is not HTTPS",
                    last.url
                ),
                evidence,
            )
        }
        _ => {
            evidence["final_url"] = json!(last.url);
            None
        }
    }
}
