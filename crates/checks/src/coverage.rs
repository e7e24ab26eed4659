//! What the domain-level data leaves unjudged, for the runner: an address family whose lookup
//! failed (its endpoints are unknown), a redirect chain that broke off, and a domain that has
//! no web presence at all because it only handles mail.

use govscan_model::{
    DnsObservations, FailureKind, Need, Observations, Outcome, Probed, RedirectEnd, Status,
};
use serde_json::json;

use crate::endpoints::{PROBE_INCOMPLETE, SCANNER_FAILURE, incomplete_finding};

/// The finding of a check on a domain that has no address but mail exchangers.
pub const MAIL_ONLY: &str = "mail_only_domain";

/// An address family whose endpoints are unknown because its lookup gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFamily {
    /// `IPv4` or `IPv6`.
    pub family: &'static str,
    /// The record type whose lookup failed (`A` or `AAAA`).
    pub record: &'static str,
    /// Why the lookup gave no answer.
    pub reason: String,
    /// The failure class, if the lookup was attempted.
    pub kind: Option<FailureKind>,
}

/// True when an address lookup answered: records, or "no such records" (NXDOMAIN/NODATA).
fn answered(probe: &Probed<Vec<String>>) -> bool {
    matches!(
        probe,
        Probed::Ok { .. }
            | Probed::Failed {
                kind: FailureKind::NoData,
                ..
            }
    )
}

/// True when an address lookup answered with no address.
fn answered_empty(probe: &Probed<Vec<String>>) -> bool {
    match probe {
        Probed::Ok { value } => value.is_empty(),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => true,
        _ => false,
    }
}

/// True when the A lookup answered (addresses, or "no such records").
pub fn a_lookup_answered(obs: &Observations) -> bool {
    answered(&obs.dns.a)
}

/// The address families whose lookup failed or was skipped (not "no such records").
pub fn unknown_families(dns: &DnsObservations) -> Vec<UnknownFamily> {
    [("IPv4", "A", &dns.a), ("IPv6", "AAAA", &dns.aaaa)]
        .into_iter()
        .filter(|(_, _, probe)| !answered(probe))
        .map(|(family, record, probe)| UnknownFamily {
            family,
            record,
            reason: probe.missing_reason().unwrap_or_default(),
            kind: match probe {
                Probed::Failed { kind, .. } => Some(*kind),
                _ => None,
            },
        })
        .collect()
}

/// True for a check that judges data collected per endpoint (TLS, HTTP, security.txt).
pub fn judges_endpoints(needs: &[Need]) -> bool {
    needs.iter().any(|n| {
        matches!(
            n,
            Need::Tls | Need::Http | Need::Https | Need::SecurityTxt | Need::Paths
        )
    })
}

/// Why the domain has no web presence to judge: no A and no AAAA record (both lookups
/// answered), no endpoint, and mail exchangers that accept mail. `None` otherwise.
pub fn mail_only(obs: &Observations) -> Option<String> {
    let dns = &obs.dns;
    if !obs.endpoints.is_empty() || !answered_empty(&dns.a) || !answered_empty(&dns.aaaa) {
        return None;
    }
    let exchanges: Vec<&str> = dns
        .mx
        .value()?
        .iter()
        .map(|mx| mx.exchange.as_str())
        .filter(|exchange| !exchange.is_empty())
        .collect();
    if exchanges.is_empty() {
        return None;
    }
    Some(format!(
        "{} has no A or AAAA record, only mail exchangers ({}): it serves no website, so web, \
         TLS and certificate checks do not apply",
        obs.domain,
        exchanges.join(", ")
    ))
}

/// The not-applicable outcome of an endpoint check on a mail-only domain.
pub fn mail_only_outcome(check: &str, obs: &Observations, why: String) -> Outcome {
    Outcome::new(
        check,
        Status::NotApplicable,
        MAIL_ONLY,
        why,
        json!({
            "a": obs.dns.a.value(),
            "aaaa": obs.dns.aaaa.value(),
            "mx": obs.dns.mx.value(),
        }),
    )
}

/// Caps a verdict reached on the endpoints that are known when an address family is unknown:
/// the unknown family's endpoints could not be judged, so a pass (or a not-applicable reached
/// on the known endpoints) becomes inconclusive. A fail or a warning found on a known endpoint
/// stands (the combination rule of `crate::endpoints`).
pub fn cap_for_unknown_families(mut outcome: Outcome, dns: &DnsObservations) -> Outcome {
    if !matches!(outcome.status, Status::Pass | Status::NotApplicable) {
        return outcome;
    }
    let unknown = unknown_families(dns);
    let Some(first) = unknown.first() else {
        return outcome;
    };
    let judged = match outcome.status {
        Status::Pass => "passed",
        _ => "did not apply",
    };
    let missing: Vec<String> = unknown
        .iter()
        .map(|u| format!("the {} lookup gave no answer ({})", u.record, u.reason))
        .collect();
    let message = if unknown.len() == 2 {
        format!("Could not be judged: {}", missing.join("; "))
    } else {
        format!(
            "Could not be judged: {judged} on the endpoints that are known, but {}, so the \
             site's {} endpoints are unknown",
            missing.join("; "),
            first.family
        )
    };
    let scanner = unknown
        .iter()
        .any(|u| u.kind.is_some_and(FailureKind::is_scanner_side));
    outcome.evidence = json!({
        "unknown_families": unknown
            .iter()
            .map(|u| json!({ "family": u.family, "record": u.record, "reason": u.reason, "failure": u.kind }))
            .collect::<Vec<_>>(),
        "on_known_endpoints": {
            "status": outcome.status.as_str(),
            "finding": outcome.finding,
            "message": outcome.message,
            "evidence": outcome.evidence,
        },
    });
    outcome.status = Status::Inconclusive;
    outcome.finding = if scanner {
        SCANNER_FAILURE.to_owned()
    } else {
        "address_family_unknown".to_owned()
    };
    outcome.message = message;
    outcome
}

/// Caps a pass when a redirect chain the check reads (`Need::Http`, `Need::Https`) broke off
/// on some endpoint: the verdict would rest on the redirect in front of the failure.
pub fn cap_for_broken_chains(mut outcome: Outcome, obs: &Observations, needs: &[Need]) -> Outcome {
    if outcome.status != Status::Pass {
        return outcome;
    }
    let broken = obs.endpoints.iter().find_map(|ep| {
        needs.iter().find_map(|need| {
            let chain = match need {
                Need::Http => ep.http.value()?,
                Need::Https => ep.https.value()?,
                _ => return None,
            };
            match &chain.end {
                RedirectEnd::HopFailed {
                    url,
                    detail,
                    failure,
                } => Some((ep.address.clone(), url.clone(), detail.clone(), *failure)),
                _ => None,
            }
        })
    });
    let Some((address, url, detail, failure)) = broken else {
        return outcome;
    };
    outcome.evidence = json!({
        "hop_failed": { "endpoint": address, "url": url, "detail": detail, "failure": failure },
        "before_the_failure": {
            "status": outcome.status.as_str(),
            "finding": outcome.finding,
            "message": outcome.message,
            "evidence": outcome.evidence,
        },
    });
    outcome.status = Status::Inconclusive;
    outcome.finding = incomplete_finding(failure).to_owned();
    outcome.message = format!(
        "Could not be judged: the redirect chain on {address} broke off at {url} ({detail}), so \
         the responses before it do not show where it lands"
    );
    outcome
}

/// The finding for a missing domain-level probe.
pub fn missing_need_finding<T>(probe: &Probed<T>) -> &'static str {
    match probe {
        Probed::Failed { kind, .. } => incomplete_finding(Some(*kind)),
        _ => PROBE_INCOMPLETE,
    }
}

/// Gives an inconclusive outcome whose reason quotes a probe that failed on the scanner's side
/// (`Probed::missing_reason` writes "Scanner failure: …") the finding [`SCANNER_FAILURE`], so
/// every check's "could not be judged because of this host" is counted alike, whichever check
/// wrote it.
pub fn mark_scanner_failure(mut outcome: Outcome) -> Outcome {
    let quoted = format!("{:?} failure: ", FailureKind::Scanner);
    if outcome.status == Status::Inconclusive
        && outcome.finding == PROBE_INCOMPLETE
        && outcome.message.contains(&quoted)
    {
        outcome.finding = SCANNER_FAILURE.to_owned();
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{FIXTURE_NOW, base_observations, load, merge_patch};
    use crate::registry::{ALL, find};
    use crate::runner::evaluate_one;

    fn fixture(rel: &str) -> (Observations, crate::Context) {
        let path = crate::fixtures::root().join(rel);
        let (obs, ctx, _) = load(&path);
        (obs, ctx)
    }

    fn run(id: &str, rel: &str) -> Outcome {
        let (obs, ctx) = fixture(rel);
        evaluate_one(find(id).expect("registered"), &obs, &ctx)
    }

    #[test]
    fn a_failed_aaaa_lookup_names_the_unknown_family() {
        let outcome = run(
            "tls.https-available",
            "tls.https-available/inconclusive_aaaa_lookup_failed.json",
        );
        assert_eq!(outcome.status, Status::Inconclusive);
        assert_eq!(outcome.finding, "address_family_unknown");
        assert!(outcome.message.contains("AAAA"), "{}", outcome.message);
        assert!(outcome.message.contains("IPv6"), "{}", outcome.message);
        assert_eq!(outcome.evidence["on_known_endpoints"]["status"], "pass");
    }

    #[test]
    fn a_redirect_to_another_host_names_the_target() {
        for id in [
            "http.csp",
            "http.frame-protection",
            "http.referrer-policy",
            "http.permissions-policy",
            "http.x-content-type-options",
            "http.server-banner",
        ] {
            let outcome = run(id, &format!("{id}/na_redirects_to_another_host.json"));
            assert_eq!(outcome.status, Status::NotApplicable, "{id}");
            assert!(
                outcome.message.contains("https://www.example.org/"),
                "{id}: {}",
                outcome.message
            );
        }
    }

    #[test]
    fn a_site_without_https_is_judged_on_its_plain_http_page() {
        let outcome = run("http.csp", "http.csp/fail_no_https_plain_http.json");
        assert_eq!(outcome.status, Status::Fail);
        assert!(
            outcome.message.contains("plain HTTP"),
            "{}",
            outcome.message
        );
        assert_eq!(
            outcome.evidence["endpoints"][0]["evidence"]["scheme"],
            "http"
        );
    }

    #[test]
    fn every_endpoint_check_is_not_applicable_on_a_mail_only_domain() {
        let mut value = base_observations();
        merge_patch(
            &mut value,
            &serde_json::json!({"dns": {"mx": {"state": "ok", "value": [
                {"preference": 10, "exchange": "mail.example.test"}]}}}),
        );
        let obs: Observations = serde_json::from_value(value).expect("observations");
        let ctx = crate::Context::with_now(FIXTURE_NOW);
        let mut endpoint_checks = 0;
        for check in ALL {
            if !judges_endpoints(check.meta().needs) {
                continue;
            }
            endpoint_checks += 1;
            let outcome = evaluate_one(*check, &obs, &ctx);
            assert_eq!(outcome.status, Status::NotApplicable, "{}", check.meta().id);
            assert!(outcome.message.contains("mail.example.test"));
        }
        assert!(endpoint_checks >= 30, "{endpoint_checks}");
        // A null MX is no mail service: the domain is neither web nor mail, so nothing is
        // "not applicable" by reason of mail (the checks say there is no address).
        let mut value = base_observations();
        merge_patch(
            &mut value,
            &serde_json::json!({"dns": {"mx": {"state": "ok", "value": [
                {"preference": 0, "exchange": ""}]}}}),
        );
        let obs: Observations = serde_json::from_value(value).expect("observations");
        assert!(mail_only(&obs).is_none());
    }

    #[test]
    fn an_inconclusive_outcome_quoting_a_scanner_failure_is_marked() {
        let probe: Probed<()> = Probed::failed(FailureKind::Scanner, "no route to IPv6");
        let outcome = Outcome::inconclusive(
            "x.y",
            format!("MX lookup: {}", probe.missing_reason().unwrap_or_default()),
        );
        assert_eq!(mark_scanner_failure(outcome).finding, SCANNER_FAILURE);
        let other = Outcome::inconclusive("x.y", "Timeout failure: 5s");
        assert_eq!(mark_scanner_failure(other).finding, PROBE_INCOMPLETE);
    }
}
