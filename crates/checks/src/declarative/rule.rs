//! The compiled rule of a declarative check and its pure verdict over observations.

use govscan_model::{
    EndpointObservations, FailureKind, HttpExchange, Observations, Outcome, Probed, Status,
};
use regex::Regex;
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine, combine_each, missing_probe_verdict};
use crate::mail::dmarc_policy::{self, Discovery};

/// What a header rule expects.
#[derive(Debug, Clone)]
pub enum HeaderExpect {
    /// The header is sent.
    Present,
    /// The header is not sent.
    Absent,
    /// The header is sent and one of its values matches.
    Matches(Regex),
}

/// Where a TXT rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxtAt {
    /// TXT records at the domain itself.
    Domain,
    /// TXT records at `_dmarc.<domain>`.
    Dmarc,
    /// The DMARC record that applies to the domain, found and validated as `mail.dmarc` does
    /// (RFC 7489 §6.6.3): its own `_dmarc` record, else the organisational domain's; none when
    /// there is no single valid record.
    DmarcRecord,
}

/// What a TXT rule expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxtExpect {
    /// At least one record matches.
    Matches,
    /// No record matches.
    NoMatch,
}

/// The one narrow rule of a declarative check.
#[derive(Debug, Clone)]
pub enum Rule {
    /// A response header of the HTTPS home page (last response of the redirect chain).
    Header {
        /// Header name, lower case.
        name: String,
        /// Expectation.
        expect: HeaderExpect,
    },
    /// TXT records at the domain or `_dmarc`, or the DMARC record that applies.
    DnsTxt {
        /// Where.
        at: TxtAt,
        /// Expectation.
        expect: TxtExpect,
        /// The pattern.
        pattern: Regex,
    },
    /// A declared same-origin path over HTTPS; every given condition must hold.
    Path {
        /// The path, starting with `/`.
        path: String,
        /// Accepted status codes (empty: any).
        status: Vec<u16>,
        /// The body must match this.
        body_matches: Option<Regex>,
        /// The body must not match this.
        body_not_matches: Option<Regex>,
    },
    /// A composable tree of leaf matchers (see [`super::tree`]).
    Tree(super::tree::Node),
}

/// Judges `rule` for check `id`; a rule that does not hold gets `on_mismatch`.
pub(super) fn evaluate(id: &str, rule: &Rule, on_mismatch: Status, obs: &Observations) -> Outcome {
    match rule {
        Rule::Header { name, expect } => combine(
            id,
            &obs.endpoints,
            |ep| &ep.https,
            |_, chain| match chain.last() {
                Some(last) => judge_header(name, expect, on_mismatch, last),
                None => EndpointVerdict::new(
                    Status::Inconclusive,
                    "probe_incomplete",
                    "no HTTPS response recorded",
                    json!({}),
                ),
            },
        ),
        Rule::DnsTxt {
            at,
            expect,
            pattern,
        } => judge_txt(id, *at, *expect, pattern, on_mismatch, obs),
        Rule::Path { path, .. } => combine_each(id, &obs.endpoints, |ep| {
            judge_path(rule, path, on_mismatch, ep)
        }),
        // Tree rules are judged by `super::judge` (they need the check's parameters).
        Rule::Tree(_) => Outcome::inconclusive(id, "tree rules are judged with their check"),
    }
}

fn judge_header(
    name: &str,
    expect: &HeaderExpect,
    on_mismatch: Status,
    last: &HttpExchange,
) -> EndpointVerdict {
    let values: Vec<&str> = last.header_values(name).collect();
    let (holds, finding, message) = match expect {
        HeaderExpect::Present if values.is_empty() => (
            false,
            "header_missing",
            format!("{} does not send {name}", last.url),
        ),
        HeaderExpect::Present => (true, "header_present", format!("{} sends {name}", last.url)),
        HeaderExpect::Absent if values.is_empty() => (
            true,
            "header_absent",
            format!("{} does not send {name}", last.url),
        ),
        HeaderExpect::Absent => (
            false,
            "header_present",
            format!("{} sends {name}, which should be absent", last.url),
        ),
        HeaderExpect::Matches(re) if values.is_empty() => (
            false,
            "header_missing",
            format!(
                "{} does not send {name} (expected a value matching {re})",
                last.url
            ),
        ),
        HeaderExpect::Matches(re) if values.iter().any(|v| re.is_match(v)) => (
            true,
            "header_matches",
            format!("{} sends {name} with a value matching {re}", last.url),
        ),
        HeaderExpect::Matches(re) => (
            false,
            "header_mismatch",
            format!("{} sends {name}, but no value matches {re}", last.url),
        ),
    };
    let pattern = match expect {
        HeaderExpect::Matches(re) => Some(re.as_str()),
        _ => None,
    };
    let evidence = json!({
        "url": last.url,
        "status": last.status,
        "header": name,
        "values": values,
        "pattern": pattern,
    });
    let status = if holds { Status::Pass } else { on_mismatch };
    EndpointVerdict::new(status, finding, message, evidence)
}

fn judge_txt(
    id: &str,
    at: TxtAt,
    expect: TxtExpect,
    pattern: &Regex,
    on_mismatch: Status,
    obs: &Observations,
) -> Outcome {
    let (records, name, applies) = match txt_source(at, obs) {
        Ok(source) => source,
        Err(reason) => return Outcome::inconclusive(id, reason),
    };
    let matching: Vec<&String> = records.iter().filter(|r| pattern.is_match(r)).collect();
    let evidence = json!({
        "name": name,
        "records": records,
        "matching": matching,
        "pattern": pattern.as_str(),
        "resolver": obs.dns.resolver,
        "applies": applies,
    });
    let (holds, finding, message) = match (expect, matching.len()) {
        (TxtExpect::Matches, 0) => (
            false,
            "txt_no_match",
            format!("no TXT record at {name} matches {pattern}"),
        ),
        (TxtExpect::Matches, n) => (
            true,
            "txt_match",
            format!("{n} TXT record(s) at {name} match {pattern}"),
        ),
        (TxtExpect::NoMatch, 0) => (
            true,
            "txt_no_match",
            format!("no TXT record at {name} matches {pattern}"),
        ),
        (TxtExpect::NoMatch, n) => (
            false,
            "txt_match",
            format!("{n} TXT record(s) at {name} match {pattern}, which should not be published"),
        ),
    };
    let status = if holds { Status::Pass } else { on_mismatch };
    let message = match &applies {
        Some(why) if at == TxtAt::DmarcRecord => format!("{message} ({why})"),
        _ => message,
    };
    Outcome::new(id, status, finding, message, evidence)
}

/// The records a TXT rule reads, the name they are at, and (for `dmarc_record`) which record
/// applies and why; or why they are not known (a lookup failed).
fn txt_source(
    at: TxtAt,
    obs: &Observations,
) -> Result<(Vec<String>, String, Option<String>), String> {
    let (probe, name) = match at {
        TxtAt::Domain => (&obs.dns.txt, obs.domain.clone()),
        TxtAt::Dmarc => (&obs.dns.dmarc, format!("_dmarc.{}", obs.domain)),
        TxtAt::DmarcRecord => {
            return match dmarc_policy::discover(obs) {
                Discovery::Found(found) => {
                    let why = match &found.inherited_from {
                        Some(from) => format!(
                            "{from} has no DMARC record, so the organisational domain's applies"
                        ),
                        None => "the domain's own DMARC record".to_owned(),
                    };
                    Ok((vec![found.record.clone()], found.name.clone(), Some(why)))
                }
                Discovery::Missing { message, .. }
                | Discovery::Multiple { message, .. }
                | Discovery::Invalid { message, .. } => Ok((
                    Vec::new(),
                    format!("_dmarc.{}", obs.domain),
                    Some(format!("no valid DMARC record applies: {message}")),
                )),
                Discovery::Unknown(reason) => Err(reason),
            };
        }
    };
    match probe {
        Probed::Ok { value } => Ok((value.clone(), name, None)),
        // "No such records" is an answer: the set is empty.
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => Ok((Vec::new(), name, None)),
        other => {
            let reason = other.missing_reason().unwrap_or_default();
            Err(format!("TXT lookup of {name}: {reason}"))
        }
    }
}

fn judge_path(
    rule: &Rule,
    path: &str,
    on_mismatch: Status,
    ep: &EndpointObservations,
) -> EndpointVerdict {
    let Rule::Path {
        status,
        body_matches,
        body_not_matches,
        ..
    } = rule
    else {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "probe_incomplete",
            "not a path rule",
            json!({}),
        );
    };
    let Some(fetch) = ep.paths.iter().find(|p| p.path == path) else {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "path_not_fetched",
            format!("{path} was not fetched in this scan (the check was added after it ran)"),
            json!({ "path": path }),
        );
    };
    let exchange = match &fetch.result {
        Probed::Ok { value } => value,
        other => return missing_probe_verdict(other),
    };
    let body = exchange.body_text.as_deref().unwrap_or("");
    let mut problems: Vec<String> = Vec::new();
    let mut unsure: Vec<String> = Vec::new();
    if !status.is_empty() && !status.contains(&exchange.status) {
        problems.push(format!(
            "status {} is not one of {status:?}",
            exchange.status
        ));
    }
    if let Some(re) = body_matches
        && !re.is_match(body)
    {
        // The pattern may lie beyond the part of the body that was read.
        if exchange.body_truncated {
            unsure.push(format!("the first {} bytes do not match {re}", body.len()));
        } else {
            problems.push(format!("the body does not match {re}"));
        }
    }
    if let Some(re) = body_not_matches {
        if re.is_match(body) {
            problems.push(format!("the body matches {re}"));
        } else if exchange.body_truncated {
            unsure.push(format!(
                "the first {} bytes do not match {re}, the rest was not read",
                body.len()
            ));
        }
    }
    let evidence = json!({
        "url": exchange.url,
        "status": exchange.status,
        "location": exchange.header("location"),
        "body_len": exchange.body_len,
        "body_truncated": exchange.body_truncated,
        "accepted_status": status,
        "body_matches": body_matches.as_ref().map(Regex::as_str),
        "body_not_matches": body_not_matches.as_ref().map(Regex::as_str),
        "problems": problems,
    });
    if !problems.is_empty() {
        let message = format!("{}: {}", exchange.url, problems.join("; "));
        EndpointVerdict::new(on_mismatch, "path_mismatch", message, evidence)
    } else if !unsure.is_empty() {
        let message = format!(
            "{}: body too long to judge: {}",
            exchange.url,
            unsure.join("; ")
        );
        EndpointVerdict::new(Status::Inconclusive, "body_truncated", message, evidence)
    } else {
        let message = format!(
            "{} answers as expected (status {})",
            exchange.url, exchange.status
        );
        EndpointVerdict::new(Status::Pass, "path_as_expected", message, evidence)
    }
}
