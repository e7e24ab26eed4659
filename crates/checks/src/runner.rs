//! Runs checks over observations: answers `Inconclusive` for missing domain-level probe data
//! and `NotApplicable` for endpoint checks on a mail-only domain, calls the check's pure
//! `evaluate`, then caps a pass that rests on incomplete data (an address family whose lookup
//! failed, a redirect chain that broke off; see `crate::coverage`).

use govscan_model::{FailureKind, Need, Observations, Outcome, Probed};

use crate::coverage::{
    cap_for_broken_chains, cap_for_unknown_families, judges_endpoints, mail_only,
    mail_only_outcome, mark_scanner_failure, missing_need_finding,
};
use crate::{Check, Context, registry::ALL};

/// Why a needed domain-level probe gives no data, if it does not, with the finding to report.
fn missing_need(obs: &Observations, need: Need) -> Option<(String, &'static str)> {
    fn reason<T>(label: &str, p: &Probed<T>) -> Option<(String, &'static str)> {
        p.missing_reason()
            .map(|r| (format!("{label} lookup: {r}"), missing_need_finding(p)))
    }
    // For a record-set need, "the name has no such records" (NXDOMAIN/NODATA) is an answer the
    // check judges (e.g. "no SPF record" is a failure), not a missing probe.
    fn record_reason<T>(label: &str, p: &Probed<T>) -> Option<(String, &'static str)> {
        match p {
            Probed::Failed {
                kind: FailureKind::NoData,
                ..
            } => None,
            other => reason(label, other),
        }
    }
    let dns = &obs.dns;
    match need {
        Need::DnsAddresses => match (&dns.a, &dns.aaaa) {
            (Probed::Ok { .. }, _) | (_, Probed::Ok { .. }) => None,
            (a, _) => reason("A", a),
        },
        Need::DnsAaaa => record_reason("AAAA", &dns.aaaa),
        Need::DnsTxt => record_reason("TXT", &dns.txt),
        Need::DnsDmarc => record_reason("_dmarc TXT", &dns.dmarc),
        Need::DnsCaa => record_reason("CAA", &dns.caa),
        Need::DnsMx => record_reason("MX", &dns.mx),
        Need::DnsNs => record_reason("NS", &dns.ns),
        Need::DnsSoa => reason("SOA", &dns.soa),
        // Endpoint-level data is judged per endpoint by the check (see `endpoints::combine`).
        Need::Tls | Need::Http | Need::Https | Need::SecurityTxt | Need::Paths => None,
    }
}

/// Runs one check.
pub fn evaluate_one(check: &dyn Check, obs: &Observations, ctx: &Context) -> Outcome {
    let meta = check.meta();
    if obs.dns.nxdomain {
        // A name that does not exist is a target-list problem, not a hygiene finding: judging
        // "no SPF record" on it would blame an organisation for a typo in our list.
        let mut outcome = Outcome::inconclusive(
            meta.id,
            format!(
                "resolver {} answered that {} does not exist (NXDOMAIN): check the target \
                 list, or whether this machine can resolve public names",
                obs.dns.resolver, obs.domain
            ),
        );
        outcome.finding = "domain_does_not_exist".to_owned();
        return outcome;
    }
    let endpoint_check = judges_endpoints(meta.needs);
    if endpoint_check && let Some(why) = mail_only(obs) {
        return mail_only_outcome(meta.id, obs, why);
    }
    for need in meta.needs {
        if let Some((reason, finding)) = missing_need(obs, *need) {
            let mut outcome = Outcome::inconclusive(meta.id, reason);
            outcome.finding = finding.to_owned();
            return outcome;
        }
    }
    let mut outcome = check.evaluate(obs, ctx);
    outcome.check = meta.id.to_owned();
    if endpoint_check {
        outcome = cap_for_unknown_families(outcome, &obs.dns);
        outcome = cap_for_broken_chains(outcome, obs, meta.needs);
    }
    // Data a validating resolver refused (SERVFAIL) and the probe read again with the CD bit:
    // every verdict of the domain rests on it, so every evidence says so.
    if !obs.dns.read_with_cd.is_empty()
        && let Some(evidence) = outcome.evidence.as_object_mut()
    {
        evidence
            .entry("read_with_cd")
            .or_insert_with(|| serde_json::json!(obs.dns.read_with_cd));
    }
    mark_scanner_failure(outcome)
}

/// Runs every registered check, in registry order.
pub fn evaluate_all(obs: &Observations, ctx: &Context) -> Vec<Outcome> {
    ALL.iter().map(|c| evaluate_one(*c, obs, ctx)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{FIXTURE_NOW, base_observations, merge_patch};
    use govscan_model::Status;

    #[test]
    fn a_name_that_does_not_exist_makes_every_check_inconclusive() {
        let mut value = base_observations();
        merge_patch(&mut value, &serde_json::json!({"dns": {"nxdomain": true}}));
        let obs: Observations = serde_json::from_value(value).expect("observations");
        let outcomes = evaluate_all(&obs, &Context::with_now(FIXTURE_NOW));
        assert_eq!(outcomes.len(), ALL.len());
        for outcome in outcomes {
            assert_eq!(outcome.status, Status::Inconclusive, "{}", outcome.check);
            assert_eq!(outcome.finding, "domain_does_not_exist");
            assert!(outcome.message.contains("NXDOMAIN"));
        }
    }

    #[test]
    fn evidence_says_which_records_were_read_with_cd() {
        let mut value = base_observations();
        merge_patch(
            &mut value,
            &serde_json::json!({"dns": {"read_with_cd": ["A example.test", "TXT example.test"],
                "txt": {"state": "ok", "value": ["v=spf1 -all"]}}}),
        );
        let obs: Observations = serde_json::from_value(value).expect("observations");
        let ctx = Context::with_now(FIXTURE_NOW);
        let spf = crate::find("mail.spf").expect("mail.spf");
        let outcome = evaluate_one(spf, &obs, &ctx);
        assert_eq!(
            outcome.evidence["read_with_cd"],
            serde_json::json!(["A example.test", "TXT example.test"]),
            "{}",
            outcome.evidence
        );
    }
}
