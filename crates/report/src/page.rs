//! What every page shows in its header and footer, and the detail pages for the security
//! team: one per domain (every outcome with evidence, remediation and references) and one
//! per organisation.

use govscan_model::{DomainResult, Outcome, Probed, ScanResult, Status};
use serde::Serialize;

use crate::changes::ChangesView;
use crate::dashboard::{family_of, indent_class};
use crate::input::ReportInput;
use crate::links::Links;
use crate::orgs::{kind_word, league_order};
use crate::text::{
    Segment, day_time, grade_of, group_letter, percent, score_text, segments, status_style,
};
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
    pub(crate) scoring_version: u32,
    pub(crate) schema_version: u32,
    pub(crate) baseline_id: String,
    pub(crate) baseline_version: String,
    pub(crate) baseline_sha256: String,
    pub(crate) baseline_sha256_short: String,
}

impl PageMeta {
    /// `root` is the path from the page to the report root (`""` or `"../"`).
    pub(crate) fn new(result: &ScanResult, root: &str, title: String) -> PageMeta {
        PageMeta {
            title,
            root: root.to_owned(),
            scanned: day_time(&result.started_at),
            started_at: result.started_at.clone(),
            finished_at: result.finished_at.clone(),
            govscan_version: result.govscan_version.clone(),
            scoring_version: result.scoring_version,
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
    pub(crate) counts: Vec<CountView>,
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
    pub(crate) family: String,
    pub(crate) level: String,
    pub(crate) status_word: String,
    pub(crate) status_symbol: String,
    pub(crate) status_class: String,
    pub(crate) open: bool,
    pub(crate) finding: String,
    pub(crate) message: String,
    pub(crate) evidence: String,
    pub(crate) rationale: Vec<Segment>,
    pub(crate) remediation: Vec<Vec<Segment>>,
    pub(crate) references: Vec<ReferenceLink>,
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
    /// The page of one domain.
    pub(crate) fn new(input: &ReportInput<'_>, links: &Links, d: &DomainResult) -> DomainPage {
        let (grade, grade_class) = grade_of(&d.grade);
        let mut outcomes: Vec<&Outcome> = d.outcomes.iter().collect();
        outcomes.sort_by_key(|o| (severity_rank(o.status), o.check.clone()));
        let organisation = d.organisation.clone().unwrap_or_default();
        DomainPage {
            meta: PageMeta::new(
                input.result,
                "../",
                format!("{}: security detail", d.domain),
            ),
            domain: d.domain.clone(),
            organisation_href: links
                .org(&organisation)
                .map_or_else(String::new, |p| format!("../{p}")),
            organisation,
            score: score_text(d.score),
            grade: grade.to_owned(),
            grade_class: grade_class.to_owned(),
            coverage: percent(d.coverage),
            cap: d.grade_cap.clone().unwrap_or_default(),
            unreachable: ValidatorNotice::of(d),
            counts: counts(&d.outcomes),
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
            outcomes: outcomes.into_iter().map(OutcomeView::new).collect(),
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
    fn new(o: &Outcome) -> OutcomeView {
        let (word, symbol, class) = status_style(o.status);
        let meta = govscan_checks::find(&o.check).map(|c| c.meta());
        OutcomeView {
            check: o.check.clone(),
            title: meta.map_or_else(
                || "(not a check of this govscan version)".to_owned(),
                |m| m.title.to_owned(),
            ),
            family: family_of(&o.check)
                .map_or("Other", |f| f.label())
                .to_owned(),
            level: meta
                .map_or("", |m| match m.level {
                    govscan_model::Level::Must => "must",
                    govscan_model::Level::Should => "should",
                    govscan_model::Level::May => "may",
                })
                .to_owned(),
            status_word: word.to_owned(),
            status_symbol: symbol.to_owned(),
            status_class: class.to_owned(),
            open: matches!(o.status, Status::Fail | Status::Warn),
            finding: o.finding.clone(),
            message: o.message.clone(),
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
        }
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

/// An organisation's page.
#[derive(Debug, Serialize)]
pub(crate) struct OrgPage {
    pub(crate) meta: PageMeta,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) parent: String,
    pub(crate) parent_href: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) own_score: String,
    pub(crate) coverage: String,
    pub(crate) domain_count: u32,
    pub(crate) children: Vec<ChildOrg>,
    pub(crate) domains: Vec<OrgDomain>,
    pub(crate) checks: Vec<CheckRow>,
    pub(crate) changes: ChangesView,
}

/// An organisation below this one.
#[derive(Debug, Serialize)]
pub(crate) struct ChildOrg {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) indent_class: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
}

/// A domain of the organisation (or of one below it).
#[derive(Debug, Serialize)]
pub(crate) struct OrgDomain {
    pub(crate) domain: String,
    pub(crate) href: String,
    pub(crate) organisation: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) coverage: String,
    pub(crate) failing: String,
}

/// Pass share of one check over the organisation's domains.
#[derive(Debug, Serialize)]
pub(crate) struct CheckRow {
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) passed: String,
}

impl OrgPage {
    /// The page of one organisation (by index into the roll-ups).
    pub(crate) fn new(input: &ReportInput<'_>, links: &Links, index: usize) -> Option<OrgPage> {
        let org = input.rollups.organisations.get(index)?;
        let subtree = subtree_names(input, &org.name);
        let letter = group_letter(org.with_children.score);
        let children = league_order(&input.rollups)
            .into_iter()
            .filter(|e| e.score.name != org.name && subtree.contains(&e.score.name.as_str()))
            .map(|e| {
                let l = group_letter(e.score.with_children.score);
                ChildOrg {
                    name: e.score.name.clone(),
                    href: format!("{}.html", e.slug),
                    indent_class: indent_class(e.depth).to_owned(),
                    score: score_text(e.score.with_children.score),
                    grade: l.to_owned(),
                    grade_class: grade_of(l).1.to_owned(),
                }
            })
            .collect();
        let domains: Vec<&DomainResult> = input
            .result
            .domains
            .iter()
            .filter(|d| {
                d.organisation
                    .as_deref()
                    .is_some_and(|o| subtree.contains(&o))
            })
            .collect();
        let domain_names: Vec<&str> = domains.iter().map(|d| d.domain.as_str()).collect();
        let parent = org.parent.clone().unwrap_or_default();
        Some(OrgPage {
            meta: PageMeta::new(
                input.result,
                "../",
                format!("{}: security detail", org.name),
            ),
            name: org.name.clone(),
            kind: kind_word(org.kind).to_owned(),
            parent_href: links
                .org(&parent)
                .map_or_else(String::new, |p| format!("../{p}")),
            parent,
            score: score_text(org.with_children.score),
            grade: letter.to_owned(),
            grade_class: grade_of(letter).1.to_owned(),
            own_score: score_text(org.own.score),
            coverage: percent(org.with_children.coverage),
            domain_count: org.with_children.domains,
            children,
            domains: domains
                .iter()
                .map(|d| {
                    let (g, c) = grade_of(&d.grade);
                    let failing: Vec<&str> = d
                        .outcomes
                        .iter()
                        .filter(|o| o.status == Status::Fail)
                        .map(|o| o.check.as_str())
                        .collect();
                    OrgDomain {
                        domain: d.domain.clone(),
                        href: links
                            .domain(&d.domain)
                            .map_or_else(String::new, |p| format!("../{p}")),
                        organisation: d.organisation.clone().unwrap_or_default(),
                        score: score_text(d.score),
                        grade: g.to_owned(),
                        grade_class: c.to_owned(),
                        coverage: percent(d.coverage),
                        failing: if failing.is_empty() {
                            "none".to_owned()
                        } else {
                            failing.join(", ")
                        },
                    }
                })
                .collect(),
            checks: org
                .checks
                .iter()
                .map(|c| CheckRow {
                    check: c.check.clone(),
                    title: govscan_checks::find(&c.check)
                        .map_or_else(String::new, |m| m.meta().title.to_owned()),
                    passed: match c.share {
                        Some(s) => format!("{} of {} ({})", c.pass, c.judged, percent(s)),
                        None => "not judged".to_owned(),
                    },
                })
                .collect(),
            changes: ChangesView::new(input, links, "../", Some(&domain_names)),
        })
    }
}

/// The organisation and every organisation below it, by name.
fn subtree_names<'r>(input: &'r ReportInput<'_>, root: &'r str) -> Vec<&'r str> {
    let mut names = vec![root];
    let mut i = 0;
    while i < names.len() && names.len() <= input.rollups.organisations.len() {
        let parent = names[i];
        for org in &input.rollups.organisations {
            if org.parent.as_deref() == Some(parent) && !names.contains(&org.name.as_str()) {
                names.push(org.name.as_str());
            }
        }
        i += 1;
    }
    names
}
