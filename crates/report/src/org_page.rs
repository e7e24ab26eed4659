//! The detail page of one organisation: its score with everything below it, its domains with
//! their failing scored checks (checks only reported are listed apart, and a domain that could
//! not be scored says why), what changed, and each rule's pass share. The domain rows are
//! rendered and written one at a time: an organisation may hold most of a 100,000-domain
//! portfolio.

use std::collections::BTreeSet;

use govscan_model::{DomainGap, LightDomainRef, OrganisationScore, Status};
use govscan_score::group_grade;
use handlebars::Handlebars;
use serde::Serialize;

use crate::changes::ChangesView;
use crate::dashboard::{counts_text, domain_note, indent_class, provisional_text};
use crate::health::WithHealth;
use crate::input::ReportInput;
use crate::league::subtree;
use crate::links::Links;
use crate::orgs::{kind_word, league_order};
use crate::page::PageMeta;
use crate::text::{grade_of, percent, score_text};
use crate::{ReportError, owned_context, render, render_context};

/// An organisation's page, but for its domain rows ([`domain_rows`]).
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
    pub(crate) provisional_text: String,
    pub(crate) own_score: String,
    pub(crate) coverage: String,
    pub(crate) domain_count: u32,
    /// "3 checked, 2 scored, 1 could not be scored".
    pub(crate) counts_text: String,
    pub(crate) children: Vec<ChildOrg>,
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
    /// Scored checks at status fail, or why nothing can be said.
    pub(crate) failing: String,
    /// Checks without a rule in the baseline at status fail: reported, not scored.
    pub(crate) failing_not_scored: String,
    /// Provisional, unscored or failing-required notes, in words.
    pub(crate) note: String,
}

/// Pass share of one check over the organisation's domains.
#[derive(Debug, Serialize)]
pub(crate) struct CheckRow {
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) passed: String,
}

/// Writes the page of `org` (one of the roll-ups' organisations) to `out`, in pieces: the top
/// of the page, each domain's row, the rest.
pub(crate) fn write_org_page(
    registry: &Handlebars<'_>,
    input: &ReportInput<'_>,
    links: &Links,
    org: &OrganisationScore,
    out: &mut dyn FnMut(&str) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let context = owned_context(WithHealth::new(OrgPage::new(input, links, org), input))?;
    out(&render_context(registry, "org", &context)?)?;
    for row in domain_rows(input, links, org) {
        out(&render(registry, "org_domain", &row)?)?;
    }
    out(&render_context(registry, "org_bottom", &context)?)
}

impl OrgPage {
    /// The page of one organisation of the roll-ups.
    pub(crate) fn new(input: &ReportInput<'_>, links: &Links, org: &OrganisationScore) -> OrgPage {
        let names = subtree(&input.scan.header.organisations, &org.name);
        let letter = group_grade(&org.with_children);
        let children = league_order(&input.rollups)
            .into_iter()
            .filter(|e| e.score.name != org.name && names.contains(e.score.name.as_str()))
            .map(|e| {
                let l = group_grade(&e.score.with_children);
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
        let domain_names: Vec<&str> = domains(input, names.clone())
            .map(|(d, _)| d.domain())
            .collect();
        let parent = org.parent.clone().unwrap_or_default();
        OrgPage {
            meta: PageMeta::new(
                &input.scan.header,
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
            provisional_text: provisional_text(&org.with_children),
            own_score: score_text(org.own.score),
            coverage: percent(org.with_children.coverage),
            domain_count: org.with_children.domains,
            counts_text: counts_text(&org.with_children),
            children,
            checks: org
                .checks
                .iter()
                .map(|c| CheckRow {
                    check: c.check.clone(),
                    title: input
                        .checks
                        .find(&c.check)
                        .map_or_else(String::new, |m| m.title.to_owned()),
                    passed: match c.share {
                        Some(s) => format!("{} of {} ({})", c.pass, c.judged, percent(s)),
                        None => "not judged".to_owned(),
                    },
                })
                .collect(),
            changes: ChangesView::new(input, links, "../", Some(&domain_names)),
        }
    }
}

/// The domains of the organisations in `names` (an organisation and those below it), in
/// target order, with their entries in the roll-ups.
fn domains<'a>(
    input: &'a ReportInput<'_>,
    names: BTreeSet<&'a str>,
) -> impl Iterator<Item = (LightDomainRef<'a>, &'a DomainGap)> + 'a {
    input
        .scan
        .domains()
        .zip(&input.rollups.domains)
        .filter(move |(d, _)| d.organisation().is_some_and(|o| names.contains(o)))
}

/// The rows of the domain table of `org`'s page, made one at a time.
pub(crate) fn domain_rows<'a>(
    input: &'a ReportInput<'_>,
    links: &'a Links,
    org: &'a OrganisationScore,
) -> impl Iterator<Item = OrgDomain> + 'a {
    let ruled = input.ruled_checks();
    domains(input, subtree(&input.scan.header.organisations, &org.name))
        .map(move |(d, gap)| org_domain(&d, gap, &ruled, links))
}

fn org_domain(
    d: &LightDomainRef<'_>,
    gap: &DomainGap,
    ruled: &BTreeSet<&str>,
    links: &Links,
) -> OrgDomain {
    let (g, c) = grade_of(&gap.grade);
    let failing_where = |scored: bool| -> Vec<&str> {
        d.verdicts()
            .filter(|o| o.status == Status::Fail && ruled.contains(o.check) == scored)
            .map(|o| o.check)
            .collect()
    };
    let failing = failing_where(true);
    let not_scored = failing_where(false);
    OrgDomain {
        domain: d.domain().to_owned(),
        href: links
            .domain(d.domain())
            .map_or_else(String::new, |p| format!("../{p}")),
        organisation: d.organisation().unwrap_or_default().to_owned(),
        score: score_text(gap.score),
        grade: g.to_owned(),
        grade_class: c.to_owned(),
        coverage: percent(gap.coverage),
        failing: match (&gap.not_scored, failing.is_empty()) {
            (Some(why), _) if d.is_excluded() => {
                format!("unknown: not scanned at its owner's request ({why})")
            }
            (Some(why), _) => format!("unknown: could not be scored ({why})"),
            (None, true) if gap.provisional.is_some() => {
                "none among the checks that could be judged".to_owned()
            }
            (None, true) => "none".to_owned(),
            (None, false) => failing.join(", "),
        },
        failing_not_scored: not_scored.join(", "),
        note: domain_note(gap, d.is_excluded()),
    }
}
