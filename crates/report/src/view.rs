//! The typed view model the HTML template renders: every value pre-formatted as text, every
//! CSS class chosen from a fixed list (never taken from scan data).

use govscan_model::{DomainResult, Probed, ScanResult, Status};
use serde::Serialize;

/// Grades in report order, best first, with their CSS class.
const GRADES: [(&str, &str); 8] = [
    ("A+", "grade-aplus"),
    ("A", "grade-a"),
    ("B", "grade-b"),
    ("C", "grade-c"),
    ("D", "grade-d"),
    ("E", "grade-e"),
    ("F", "grade-f"),
    ("?", "grade-unknown"),
];

/// The whole page.
#[derive(Debug, Serialize)]
pub(crate) struct IndexView {
    pub(crate) title: String,
    pub(crate) started_at: String,
    pub(crate) finished_at: String,
    pub(crate) govscan_version: String,
    pub(crate) scoring_version: u32,
    pub(crate) schema_version: u32,
    pub(crate) baseline: BaselineView,
    pub(crate) summary: SummaryView,
    pub(crate) rows: Vec<DomainRow>,
    pub(crate) sections: Vec<DomainSection>,
}

/// Which baseline judged the scan.
#[derive(Debug, Serialize)]
pub(crate) struct BaselineView {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) sha256: String,
    pub(crate) sha256_short: String,
}

/// Headline numbers.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryView {
    pub(crate) domains: usize,
    pub(crate) scored_domains: usize,
    pub(crate) mean_score: String,
    pub(crate) mean_coverage: String,
    pub(crate) grades: Vec<GradeCount>,
}

/// How many domains got one grade.
#[derive(Debug, Serialize)]
pub(crate) struct GradeCount {
    pub(crate) grade: String,
    pub(crate) class: String,
    pub(crate) count: usize,
}

/// One line of the domain table.
#[derive(Debug, Serialize)]
pub(crate) struct DomainRow {
    pub(crate) anchor: String,
    pub(crate) domain: String,
    pub(crate) organisation: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) coverage: String,
    pub(crate) fail: usize,
    pub(crate) warn: usize,
    pub(crate) inconclusive: usize,
}

/// The detail section of one domain.
#[derive(Debug, Serialize)]
pub(crate) struct DomainSection {
    pub(crate) anchor: String,
    pub(crate) domain: String,
    pub(crate) organisation: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) coverage: String,
    pub(crate) cap: String,
    pub(crate) families: Vec<FamilyRow>,
    pub(crate) outcomes: Vec<OutcomeRow>,
    pub(crate) probe_problems: Vec<ProbeProblem>,
}

/// A family sub-score.
#[derive(Debug, Serialize)]
pub(crate) struct FamilyRow {
    pub(crate) label: String,
    pub(crate) score: String,
    pub(crate) coverage: String,
    pub(crate) judged: String,
}

/// One check's outcome.
#[derive(Debug, Serialize)]
pub(crate) struct OutcomeRow {
    pub(crate) check: String,
    pub(crate) status_word: String,
    pub(crate) status_symbol: String,
    pub(crate) status_class: String,
    pub(crate) finding: String,
    pub(crate) message: String,
    pub(crate) evidence: String,
}

/// A probe that failed or was skipped, so a reader sees why checks are inconclusive.
#[derive(Debug, Serialize)]
pub(crate) struct ProbeProblem {
    pub(crate) probe: String,
    pub(crate) reason: String,
}

impl IndexView {
    /// Builds the page model from a scan result.
    pub(crate) fn from_result(result: &ScanResult) -> IndexView {
        let rows = result
            .domains
            .iter()
            .enumerate()
            .map(|(i, d)| DomainRow::new(i, d))
            .collect();
        let sections = result
            .domains
            .iter()
            .enumerate()
            .map(|(i, d)| DomainSection::new(i, d))
            .collect();
        IndexView {
            title: format!(
                "govscan report: {} domains against the {} {} baseline",
                result.domains.len(),
                result.baseline.id,
                result.baseline.version
            ),
            started_at: result.started_at.clone(),
            finished_at: result.finished_at.clone(),
            govscan_version: result.govscan_version.clone(),
            scoring_version: result.scoring_version,
            schema_version: result.schema_version,
            baseline: BaselineView {
                id: result.baseline.id.clone(),
                version: result.baseline.version.clone(),
                sha256: result.baseline.sha256.clone(),
                sha256_short: result.baseline.sha256.chars().take(12).collect(),
            },
            summary: SummaryView::new(&result.domains),
            rows,
            sections,
        }
    }
}

impl SummaryView {
    fn new(domains: &[DomainResult]) -> SummaryView {
        let scores: Vec<f64> = domains.iter().filter_map(|d| d.score).collect();
        let mean_score = mean(&scores).map_or_else(|| "no score".to_owned(), |m| format!("{m:.1}"));
        let coverages: Vec<f64> = domains.iter().map(|d| d.coverage).collect();
        let mean_coverage = mean(&coverages).map_or_else(|| "none".to_owned(), percent);
        let grades = GRADES
            .iter()
            .map(|(grade, class)| GradeCount {
                grade: (*grade).to_owned(),
                class: (*class).to_owned(),
                count: domains
                    .iter()
                    .filter(|d| grade_of(&d.grade).0 == *grade)
                    .count(),
            })
            .collect();
        SummaryView {
            domains: domains.len(),
            scored_domains: scores.len(),
            mean_score,
            mean_coverage,
            grades,
        }
    }
}

impl DomainRow {
    fn new(index: usize, d: &DomainResult) -> DomainRow {
        let (grade, grade_class) = grade_of(&d.grade);
        let count = |s: Status| d.outcomes.iter().filter(|o| o.status == s).count();
        DomainRow {
            anchor: anchor(index),
            domain: d.domain.clone(),
            organisation: organisation(d),
            score: score_text(d.score),
            grade: grade.to_owned(),
            grade_class: grade_class.to_owned(),
            coverage: percent(d.coverage),
            fail: count(Status::Fail),
            warn: count(Status::Warn),
            inconclusive: count(Status::Inconclusive),
        }
    }
}

impl DomainSection {
    fn new(index: usize, d: &DomainResult) -> DomainSection {
        let (grade, grade_class) = grade_of(&d.grade);
        DomainSection {
            anchor: anchor(index),
            domain: d.domain.clone(),
            organisation: organisation(d),
            score: score_text(d.score),
            grade: grade.to_owned(),
            grade_class: grade_class.to_owned(),
            coverage: percent(d.coverage),
            cap: d.grade_cap.clone().unwrap_or_default(),
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
            outcomes: d.outcomes.iter().map(OutcomeRow::new).collect(),
            probe_problems: probe_problems(d),
        }
    }
}

impl OutcomeRow {
    fn new(o: &govscan_model::Outcome) -> OutcomeRow {
        let (word, symbol, class) = status_style(o.status);
        OutcomeRow {
            check: o.check.clone(),
            status_word: word.to_owned(),
            status_symbol: symbol.to_owned(),
            status_class: class.to_owned(),
            finding: o.finding.clone(),
            message: o.message.clone(),
            evidence: serde_json::to_string_pretty(&o.evidence)
                .unwrap_or_else(|_| "(evidence could not be shown)".to_owned()),
        }
    }
}

/// Word, symbol and CSS class of a status: colour is never the only cue.
fn status_style(status: Status) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Pass => ("Pass", "✓", "status-pass"),
        Status::Fail => ("Fail", "✗", "status-fail"),
        Status::Warn => ("Warning", "!", "status-warn"),
        Status::Info => ("Info", "i", "status-info"),
        Status::NotApplicable => ("Not applicable", "–", "status-na"),
        Status::Inconclusive => ("Inconclusive", "?", "status-inconclusive"),
    }
}

/// The grade as shown and its class; an unexpected grade string shows as `?`.
fn grade_of(grade: &str) -> (&'static str, &'static str) {
    GRADES
        .iter()
        .copied()
        .find(|(g, _)| *g == grade)
        .unwrap_or(("?", "grade-unknown"))
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

fn anchor(index: usize) -> String {
    format!("domain-{}", index + 1)
}

fn organisation(d: &DomainResult) -> String {
    d.organisation.clone().unwrap_or_else(|| "—".to_owned())
}

fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "no score".to_owned(), |s| format!("{s:.1}"))
}

fn percent(share: f64) -> String {
    format!("{:.0} %", (share * 100.0).clamp(0.0, 100.0))
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
