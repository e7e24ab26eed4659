//! What every page shows in its header and footer, and the detail page of one domain for the
//! security team: every outcome with evidence, remediation and references, the checks the
//! baseline scores apart from those only reported.

use govscan_model::{
    CheckCatalog, CheckComparison, DomainGap, DomainResult, Outcome, Probed, ScanHeader, Status,
};
use serde::Serialize;

use crate::changes::ChangesView;
use crate::heat::family_of;
use crate::input::ReportInput;
use crate::links::Links;
use crate::plain::plain_words;
use crate::text::{Segment, day_time, grade_of, percent, score_text, segments, status_style};
use crate::validators::ValidatorNotice;

/// Header and footer facts of a page.
#[derive(Debug, Serialize)]
pub(crate) struct PageMeta {
    pub(crate) title: String,
    pub(crate) root: String,
    pub(crate) scanned: String,
    pub(crate) started_at: String,
    pub(crate) finished_at: String,
    pub(crate) govscan_version: String,
    /// The scoring version of the numbers on the page (this build's).
    pub(crate) scoring_version: u32,
    /// Said when the scan was stored under another scoring version and is recomputed here.
    pub(crate) scoring_note: String,
    pub(crate) schema_version: u32,
    pub(crate) baseline_id: String,
    pub(crate) baseline_version: String,
    pub(crate) baseline_sha256: String,
    pub(crate) baseline_sha256_short: String,
}

impl PageMeta {
    /// `root` is the path from the page to the report root (`""` or `"../"`).
    pub(crate) fn new(result: &ScanHeader, root: &str, title: String) -> PageMeta {
        PageMeta {
            title,
            root: root.to_owned(),
            scanned: day_time(&result.started_at),
            started_at: result.started_at.clone(),
            finished_at: result.finished_at.clone(),
            govscan_version: result.govscan_version.clone(),
            scoring_version: govscan_score::SCORING_VERSION,
            scoring_note: if result.scoring_version == govscan_score::SCORING_VERSION {
                String::new()
            } else {
                format!(
                    " (the scan was stored with scoring version {}; its scores are recomputed \
                     here, so they may differ from results.json)",
                    result.scoring_version
                )
            },
            schema_version: result.schema_version,
            baseline_id: crate::text::capitalise(&result.baseline.id),
            baseline_version: result.baseline.version.clone(),
            baseline_sha256: result.baseline.sha256.clone(),
            baseline_sha256_short: result.baseline.sha256.chars().take(12).collect(),
        }
    }
}

/// A domain's page.
#[derive(Debug, Serialize)]
pub(crate) struct DomainPage {
    pub(crate) meta: PageMeta,
    pub(crate) domain: String,
    pub(crate) organisation: String,
    pub(crate) organisation_href: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) coverage: String,
    pub(crate) cap: String,
    /// Set when validating resolvers cannot reach the domain (its zone is bogus).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unreachable: Option<ValidatorNotice>,
    /// Why the score is provisional, if it is.
    pub(crate) provisional: String,
    /// Why there is no score, if there is none.
    pub(crate) not_scored: String,
    /// Counts over the checks the baseline scores.
    pub(crate) counts: Vec<CountView>,
    /// Checks run and shown but not scored (the baseline has no rule for them).
    pub(crate) reported_not_scored: usize,
    /// Rules of the baseline whose check did not run at all (they count as not judged).
    pub(crate) not_run: usize,
    pub(crate) families: Vec<FamilyRow>,
    pub(crate) outcomes: Vec<OutcomeView>,
    pub(crate) probe_problems: Vec<ProbeProblem>,
    pub(crate) changes: ChangesView,
}

/// How many outcomes have one status.
#[derive(Debug, Serialize)]
pub(crate) struct CountView {
    pub(crate) word: String,
    pub(crate) class: String,
    pub(crate) count: usize,
}

/// A family sub-score.
#[derive(Debug, Serialize)]
pub(crate) struct FamilyRow {
    pub(crate) label: String,
    pub(crate) score: String,
    pub(crate) coverage: String,
    pub(crate) judged: String,
}

/// One outcome with everything needed to act on it.
#[derive(Debug, Serialize)]
pub(crate) struct OutcomeView {
    pub(crate) check: String,
    pub(crate) title: String,
    /// What it means, in plain words.
    pub(crate) plain: String,
    pub(crate) family: String,
    /// Whether the baseline scores it; otherwise it is "reported, not scored".
    pub(crate) scored: bool,
    /// govscan's level under the baseline (required, recommended, optional), or empty.
    pub(crate) level: String,
    /// How the rule's source (or, without a rule, the check's own references) words it.
    pub(crate) source_says: String,
    pub(crate) status_word: String,
    pub(crate) status_symbol: String,
    pub(crate) status_class: String,
    pub(crate) open: bool,
    pub(crate) finding: String,
    pub(crate) message: String,
    /// The check's own message when `message` had to be made readable (kept for experts).
    pub(crate) raw_message: String,
    pub(crate) evidence: String,
    pub(crate) rationale: Vec<Segment>,
    pub(crate) remediation: Vec<Vec<Segment>>,
    pub(crate) references: Vec<ReferenceLink>,
    /// Where a declarative check came from (its file), empty for a built-in check.
    pub(crate) origin: String,
}

/// A cited source.
#[derive(Debug, Serialize)]
pub(crate) struct ReferenceLink {
    pub(crate) title: String,
    pub(crate) url: String,
}

/// A probe that failed or was skipped, so a reader sees why checks are inconclusive.
#[derive(Debug, Serialize)]
pub(crate) struct ProbeProblem {
    pub(crate) probe: String,
    pub(crate) reason: String,
}

impl DomainPage {
    /// The page of one domain; `gap` is its entry in the roll-ups (the numbers every page
    /// shows).
    pub(crate) fn new(
        input: &ReportInput<'_>,
        links: &Links,
        d: &DomainResult,
        gap: Option<&DomainGap>,
    ) -> DomainPage {
        let grade = gap.map_or(d.grade.as_str(), |g| g.grade.as_str());
        let (grade, grade_class) = grade_of(grade);
        let rules = &input.rollups.checks;
        let rule = |check: &str| rules.iter().find(|c| c.check == check);
        let mut outcomes: Vec<&Outcome> = d.outcomes.iter().collect();
        outcomes.sort_by_key(|o| {
            (
                rule(&o.check).is_none(),
                severity_rank(o.status),
                o.check.clone(),
            )
        });
        let organisation = d.organisation.clone().unwrap_or_default();
        let scored: Vec<Outcome> = d
            .outcomes
            .iter()
            .filter(|o| rule(&o.check).is_some())
            .cloned()
            .collect();
        DomainPage {
            meta: PageMeta::new(
                &input.scan.header,
                "../",
                format!("{}: security detail", d.domain),
            ),
            domain: d.domain.clone(),
            organisation_href: links
                .org(&organisation)
                .map_or_else(String::new, |p| format!("../{p}")),
            organisation,
            score: score_text(gap.map_or(d.score, |g| g.score)),
            grade: grade.to_owned(),
            grade_class: grade_class.to_owned(),
            coverage: percent(gap.map_or(d.coverage, |g| g.coverage)),
            cap: d.grade_cap.clone().unwrap_or_default(),
            unreachable: ValidatorNotice::of(d),
            provisional: gap
                .and_then(|g| g.provisional.clone())
                .or_else(|| d.provisional.clone())
                .unwrap_or_default(),
            not_scored: gap.and_then(|g| g.not_scored.clone()).unwrap_or_default(),
            counts: counts(&scored),
            reported_not_scored: d.outcomes.len() - scored.len(),
            not_run: rules
                .iter()
                .filter(|r| !d.outcomes.iter().any(|o| o.check == r.check))
                .count(),
            families: d
                .families
                .iter()
                .map(|f| FamilyRow {
                    label: f.family.label().to_owned(),
                    score: score_text(f.score),
                    coverage: percent(f.coverage),
                    judged: format!("{} of {}", f.checks_judged, f.checks_total),
                })
                .collect(),
            outcomes: outcomes
                .into_iter()
                .map(|o| OutcomeView::new(o, &input.checks, rule(&o.check)))
                .collect(),
            probe_problems: probe_problems(d),
            changes: ChangesView::new(input, links, "../", Some(&[d.domain.as_str()])),
        }
    }
}

/// Fail, warn, inconclusive first; passes and the rest after.
fn severity_rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Inconclusive => 2,
        Status::Info => 3,
        Status::Pass => 4,
        Status::NotApplicable => 5,
    }
}

fn counts(outcomes: &[Outcome]) -> Vec<CountView> {
    [
        Status::Fail,
        Status::Warn,
        Status::Inconclusive,
        Status::Pass,
        Status::Info,
        Status::NotApplicable,
    ]
    .into_iter()
    .map(|s| {
        let (word, _, class) = status_style(s);
        CountView {
            word: word.to_owned(),
            class: class.to_owned(),
            count: outcomes.iter().filter(|o| o.status == s).count(),
        }
    })
    .filter(|c| c.count > 0)
    .collect()
}

impl OutcomeView {
    fn new(o: &Outcome, checks: &CheckCatalog, rule: Option<&CheckComparison>) -> OutcomeView {
        let meta = checks.find(&o.check);
        let (word, symbol, class) = status_style(o.status);
        let level_word = |level: govscan_model::Level| match level {
            govscan_model::Level::Must => "must",
            govscan_model::Level::Should => "should",
            govscan_model::Level::May => "may",
        };
        // A check this build has no description of (e.g. one from a checks directory): its
        // message may hold a raw pattern, so the page says what the finding means instead.
        let readable = meta.is_none().then(|| readable_message(o));
        OutcomeView {
            check: o.check.clone(),
            title: meta.map_or_else(
                || format!("{} (a check not described in this report)", o.check),
                |m| m.title.to_owned(),
            ),
            plain: plain_words(&o.check).unwrap_or_default().to_owned(),
            family: family_of(&o.check)
                .map_or("Other", |f| f.label())
                .to_owned(),
            scored: rule.is_some(),
            level: rule.map_or_else(String::new, |r| r.level.clone()),
            source_says: match rule {
                Some(r) => r.strength.clone(),
                None => meta.map_or_else(String::new, |m| level_word(m.level).to_owned()),
            },
            status_word: word.to_owned(),
            status_symbol: symbol.to_owned(),
            status_class: class.to_owned(),
            open: matches!(o.status, Status::Fail | Status::Warn) && rule.is_some(),
            finding: o.finding.clone(),
            raw_message: if readable.is_some() {
                o.message.clone()
            } else {
                String::new()
            },
            message: readable.unwrap_or_else(|| o.message.clone()),
            evidence: serde_json::to_string_pretty(&o.evidence)
                .unwrap_or_else(|_| "(evidence could not be shown)".to_owned()),
            rationale: meta.map_or_else(Vec::new, |m| segments(m.rationale)),
            remediation: meta
                .map_or_else(Vec::new, |m| m.remediation.lines().map(segments).collect()),
            references: meta.map_or_else(Vec::new, |m| {
                m.references
                    .iter()
                    .map(|r| ReferenceLink {
                        title: r.title.to_owned(),
                        url: safe_url(r.url),
                    })
                    .collect()
            }),
            origin: checks
                .origin(&o.check)
                .map_or_else(String::new, ToString::to_string),
        }
    }
}

/// A sentence for the outcome of a check without a description in this build: its status in
/// words and what its finding code says, never its raw message (which may be a pattern).
fn readable_message(o: &Outcome) -> String {
    let finding = match o.finding.as_str() {
        "header_missing" => "the response does not send the header the check looks for",
        "header_present" => "the response sends the header the check looks for",
        "header_absent" => "the response does not send the header, as the check expects",
        "header_matches" => "the header has a value the check accepts",
        "header_mismatch" => "the header's value is not one the check accepts",
        "txt_match" => "a DNS text record of the kind the check looks for is published",
        "txt_no_match" => "no DNS text record of the kind the check looks for is published",
        "path_mismatch" => "the address the check fetches does not answer as expected",
        "path_as_expected" => "the address the check fetches answers as expected",
        "path_not_fetched" => "the address the check needs was not fetched in this scan",
        "body_truncated" => "the page was too long to judge in full",
        "probe_incomplete" => "the data the check needs could not be collected",
        _ => "",
    };
    let status = status_style(o.status).0;
    if finding.is_empty() {
        format!("{status} (finding: {}).", o.finding)
    } else {
        format!("{status}: {finding}.")
    }
}

/// Only https:// links are printed as links; anything else becomes an empty href.
fn safe_url(url: &str) -> String {
    if url.starts_with("https://") {
        url.to_owned()
    } else {
        String::new()
    }
}

/// Probes of a domain that did not complete.
fn probe_problems(d: &DomainResult) -> Vec<ProbeProblem> {
    let dns = &d.observations.dns;
    let mut problems = Vec::new();
    let mut note = |probe: String, reason: Option<String>| {
        if let Some(reason) = reason {
            problems.push(ProbeProblem { probe, reason });
        }
    };
    note("DNS A".to_owned(), missing(&dns.a));
    note("DNS AAAA".to_owned(), missing(&dns.aaaa));
    note("DNS NS".to_owned(), missing(&dns.ns));
    note("DNS MX".to_owned(), missing(&dns.mx));
    note("DNS TXT".to_owned(), missing(&dns.txt));
    note("DNS CAA".to_owned(), missing(&dns.caa));
    note("DNS _dmarc TXT".to_owned(), missing(&dns.dmarc));
    note("DNS SOA".to_owned(), missing(&dns.soa));
    for ep in &d.observations.endpoints {
        note(format!("TLS {}", ep.address), missing(&ep.tls));
        note(format!("HTTP {}", ep.address), missing(&ep.http));
        note(format!("HTTPS {}", ep.address), missing(&ep.https));
        note(
            format!("security.txt {}", ep.address),
            missing(&ep.security_txt),
        );
    }
    problems
}

fn missing<T>(probed: &Probed<T>) -> Option<String> {
    probed.missing_reason()
}
