//! Runs checks over observations: answers `Inconclusive` for missing domain-level probe data
//! and `NotApplicable` for endpoint checks on a mail-only domain, calls the check's pure
//! `evaluate`, then caps a pass that rests on incomplete data (an address family whose lookup
//! failed, a redirect chain that broke off; see `crate::coverage`).

use govscan_model::{CheckMeta, FailureKind, Need, Observations, Outcome, Probed, SCANNER_FAILURE};
use serde_json::json;

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
    if let Some(reason) = &obs.addresses.excluded {
        return excluded(meta, obs, reason);
    }
    if obs.dns.nxdomain {
        return nxdomain(meta, obs);
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
    if endpoint_check && obs.endpoints.is_empty() && obs.addresses.blocked_total > 0 {
        return only_blocked_addresses(meta, obs);
    }
    let mut outcome = check.evaluate(obs, ctx);
    outcome.check = meta.id.to_owned();
    if endpoint_check {
        outcome = cap_for_unknown_families(outcome, &obs.dns);
        outcome = cap_for_broken_chains(outcome, obs, meta.needs);
        if obs.addresses.is_partial() {
            note_unprobed_addresses(&mut outcome, obs);
        }
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

/// A name answered NXDOMAIN: nothing to judge. A name that does not exist is a target-list
/// problem, not a hygiene finding (judging "no SPF record" on it would blame an organisation
/// for a typo in our list), unless the same resolver says the root zone does not exist either:
/// then it cannot see the public DNS, and the NXDOMAIN is the scanner's failure.
fn nxdomain(meta: &CheckMeta, obs: &Observations) -> Outcome {
    let dns = &obs.dns;
    if dns.root_nxdomain {
        let mut outcome = Outcome::inconclusive(
            meta.id,
            format!(
                "resolver {} answered that {} does not exist (NXDOMAIN), and that the root \
                 zone does not exist either: this resolver cannot see the public DNS, so \
                 nothing of the domain could be looked up",
                dns.resolver, obs.domain
            ),
        );
        outcome.finding = SCANNER_FAILURE.to_owned();
        outcome.evidence =
            json!({ "nxdomain": true, "root_nxdomain": true, "resolver": dns.resolver });
        return outcome;
    }
    let mut outcome = Outcome::inconclusive(
        meta.id,
        format!(
            "resolver {} answered that {} does not exist (NXDOMAIN): check the target list, \
             or whether this machine can resolve public names",
            dns.resolver, obs.domain
        ),
    );
    outcome.finding = "domain_does_not_exist".to_owned();
    outcome
}

/// A domain on the exclude list: not scanned at its owner's request, nothing to judge.
fn excluded(meta: &CheckMeta, obs: &Observations, reason: &str) -> Outcome {
    let mut outcome =
        Outcome::inconclusive(meta.id, format!("{} was not scanned: {reason}", obs.domain));
    outcome.finding = "excluded".to_owned();
    outcome.evidence = json!({ "excluded": reason });
    outcome
}

/// Every address of the domain is one govscan does not contact (loopback, private, metadata,
/// excluded, ...): not the target's failure, and nothing was probed to judge.
fn only_blocked_addresses(meta: &CheckMeta, obs: &Observations) -> Outcome {
    let selection = &obs.addresses;
    let first = selection
        .blocked
        .first()
        .map_or_else(String::new, |b| b.reason.clone());
    let more = match selection.blocked_total {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let mut outcome = Outcome::inconclusive(
        meta.id,
        format!(
            "{} resolves only to addresses govscan does not contact, so nothing was probed: \
             {first}{more}",
            obs.domain
        ),
    );
    outcome.finding = "address_blocked".to_owned();
    outcome.evidence = json!({ "addresses": selection });
    outcome
}

/// Says in the outcome that it rests on some of the domain's addresses only.
fn note_unprobed_addresses(outcome: &mut Outcome, obs: &Observations) {
    let selection = &obs.addresses;
    let mut left_out = Vec::new();
    if selection.not_probed > 0 {
        left_out.push(format!(
            "{} more over the cap of {} per address family",
            selection.not_probed, selection.max_per_family
        ));
    }
    if selection.blocked_total > 0 {
        left_out.push(format!(
            "{} govscan does not contact",
            selection.blocked_total
        ));
    }
    outcome.message = format!(
        "{} (judged on the {} address(es) probed; not probed: {})",
        outcome.message,
        obs.endpoints.len(),
        left_out.join(", ")
    );
    let note = json!({
        "probed": obs.endpoints.len(),
        "max_per_family": selection.max_per_family,
        "not_probed": selection.not_probed,
        "blocked_total": selection.blocked_total,
        "blocked": selection.blocked.iter().map(|b| &b.address).collect::<Vec<_>>(),
    });
    match &mut outcome.evidence {
        serde_json::Value::Object(map) => {
            map.insert("addresses_not_probed".to_owned(), note);
        }
        other => {
            let previous = other.take();
            *other = json!({ "evidence": previous, "addresses_not_probed": note });
        }
    }
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
    fn an_nxdomain_from_a_resolver_that_sees_no_root_is_the_scanners_failure() {
        let mut value = base_observations();
        merge_patch(
            &mut value,
            &serde_json::json!({"dns": {"nxdomain": true, "root_nxdomain": true}}),
        );
        let obs: Observations = serde_json::from_value(value).expect("observations");
        let outcomes = evaluate_all(&obs, &Context::with_now(FIXTURE_NOW));
        assert_eq!(outcomes.len(), ALL.len());
        for outcome in outcomes {
            assert_eq!(outcome.status, Status::Inconclusive, "{}", outcome.check);
            assert_eq!(outcome.finding, SCANNER_FAILURE, "{}", outcome.check);
            assert_eq!(
                govscan_model::ScannerCause::classify(&outcome.message),
                govscan_model::ScannerCause::ResolverBlind,
                "{}",
                outcome.message
            );
            assert_eq!(outcome.evidence["root_nxdomain"], true);
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

    fn judged(patch: serde_json::Value) -> Vec<Outcome> {
        let mut value = base_observations();
        merge_patch(&mut value, &patch);
        let obs: Observations = serde_json::from_value(value).expect("observations");
        evaluate_all(&obs, &Context::with_now(FIXTURE_NOW))
    }

    #[test]
    fn an_excluded_domain_is_inconclusive_everywhere_with_the_entry() {
        let reason = "gov.example is on the exclude list (gov.example (owners.txt:3)): never \
                      contacted, at its owner's request";
        for outcome in judged(json!({"addresses": {"excluded": reason}})) {
            assert_eq!(outcome.status, Status::Inconclusive, "{}", outcome.check);
            assert_eq!(outcome.finding, "excluded");
            assert!(
                outcome.message.contains("owners.txt:3"),
                "{}",
                outcome.message
            );
        }
    }

    #[test]
    fn a_domain_at_blocked_addresses_only_is_never_the_target_s_failure() {
        let blocked = json!({
            "dns": {"a": {"state": "ok", "value": ["127.0.0.1"]}},
            "addresses": {
                "max_per_family": 8, "not_probed": 0, "blocked_total": 1,
                "blocked": [{"address": "127.0.0.1", "reason": "127.0.0.1 is loopback (127.0.0.0/8)"}]
            }
        });
        let outcomes = judged(blocked);
        let endpoint_checks: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.check.starts_with("tls.") || o.check.starts_with("cert."))
            .collect();
        assert!(!endpoint_checks.is_empty());
        for outcome in endpoint_checks {
            assert_eq!(outcome.status, Status::Inconclusive, "{}", outcome.check);
            assert_eq!(outcome.finding, "address_blocked", "{}", outcome.check);
            assert!(outcome.message.contains("loopback"), "{}", outcome.message);
        }
        for outcome in &outcomes {
            assert_ne!(outcome.status, Status::Pass, "{}", outcome.check);
            if outcome.finding == "address_blocked" {
                continue;
            }
            // Checks of DNS records still judge the records.
            assert!(
                !outcome.check.starts_with("tls.") && !outcome.check.starts_with("cert."),
                "{}",
                outcome.check
            );
        }
    }

    #[test]
    fn a_capped_domain_says_its_verdicts_rest_on_the_addresses_probed() {
        let mut value = base_observations();
        merge_patch(
            &mut value,
            &json!({"addresses": {"max_per_family": 8, "not_probed": 102, "blocked_total": 0, "blocked": []}}),
        );
        let obs: Observations = serde_json::from_value(value).expect("observations");
        let check = crate::find("tls.https-available").expect("check");
        // No endpoint at all (the base observations have none), but the note still applies.
        let outcome = evaluate_one(check, &obs, &Context::with_now(FIXTURE_NOW));
        assert!(
            outcome.message.contains("102 more over the cap of 8"),
            "{}",
            outcome.message
        );
        assert_eq!(outcome.evidence["addresses_not_probed"]["not_probed"], 102);
    }
}
