//! The light view of a scan: what roll-ups, the dashboard, the organisation pages, the summary,
//! metrics, alerts and `--fail-on` read of every domain at once, in a few hundred bytes per
//! domain. Each domain keeps its name, organisation, stored score, grade, grade cap, coverage and
//! provisional reason, and one 4-byte entry per outcome: the index of its (check, status,
//! finding, message) in the scan's table of distinct verdicts, whose strings are interned once
//! per scan. Messages are kept only for inconclusive outcomes (why a check could not be judged),
//! and a message that names its domain is kept as the text around the name, so that the
//! messages of a scan that could not reach anything ("A query for d1.example failed: …") are
//! stored once, not once per domain. Observations, evidence and family sub-scores are not kept
//! (a domain page loads its domain whole). Built with [`LightScanBuilder`] (the store does, straight from its rows) or from a
//! whole scan with `LightScan::from(&scan)`.

use crate::view::{DomainView, Message, ScanView, Verdict};
use crate::{Organisation, ScanHeader, ScanResult, Status};

pub use crate::light_builder::{LightDomainFields, LightScanBuilder, TooManyNames};

/// Index of a string in a light scan's name table.
pub(crate) type NameId = u32;

/// One distinct verdict of a scan, its strings as indexes into the name table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PackedVerdict {
    pub(crate) check: NameId,
    pub(crate) finding: NameId,
    /// The message of an inconclusive outcome (the empty name otherwise); with `message_tail`,
    /// the text before the domain's name.
    pub(crate) message: NameId,
    /// The text after the domain's name, when the message names the domain.
    pub(crate) message_tail: Option<NameId>,
    pub(crate) status: Status,
}

/// One outcome of a light domain: the index of its verdict in the scan's verdict table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedOutcome(pub(crate) u32);

/// One domain of a light scan (its strings are read through the scan's tables).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LightDomain {
    pub(crate) domain: Box<str>,
    pub(crate) score: Option<f64>,
    pub(crate) coverage: f64,
    pub(crate) organisation: Option<NameId>,
    pub(crate) grade_cap: Option<NameId>,
    pub(crate) provisional: Option<NameId>,
    pub(crate) grade: NameId,
    pub(crate) outcomes: Box<[PackedOutcome]>,
}

/// A whole scan in light form (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct LightScan {
    /// Everything about the scan but its domains.
    pub header: ScanHeader,
    pub(crate) names: Box<[Box<str>]>,
    pub(crate) verdicts: Box<[PackedVerdict]>,
    pub(crate) domains: Box<[LightDomain]>,
}

impl LightScan {
    /// How many domains the scan has.
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    /// True when the scan has no domain.
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// Every domain, in target order.
    pub fn domains(
        &self,
    ) -> impl ExactSizeIterator<Item = LightDomainRef<'_>> + DoubleEndedIterator + Clone {
        self.domains
            .iter()
            .map(|domain| LightDomainRef { scan: self, domain })
    }

    /// The domain at `index` in target order.
    pub fn domain(&self, index: usize) -> Option<LightDomainRef<'_>> {
        self.domains
            .get(index)
            .map(|domain| LightDomainRef { scan: self, domain })
    }

    /// How many distinct strings (check ids, findings, messages, grades, organisations, caps,
    /// provisional reasons) the scan's domains share.
    pub fn distinct_names(&self) -> usize {
        self.names.len()
    }

    /// How many distinct (check, status, finding, message) verdicts the scan's outcomes share.
    pub fn distinct_verdicts(&self) -> usize {
        self.verdicts.len()
    }

    /// The string with index `id` (ids come from this scan's builder, so it is always there).
    fn name(&self, id: NameId) -> &str {
        self.names.get(id as usize).map_or("", |name| name)
    }

    /// The verdict of an outcome of `domain`.
    fn verdict<'a>(&'a self, outcome: PackedOutcome, domain: &'a str) -> Verdict<'a> {
        match self.verdicts.get(outcome.0 as usize) {
            Some(packed) => Verdict {
                check: self.name(packed.check),
                status: packed.status,
                finding: self.name(packed.finding),
                message: match packed.message_tail {
                    Some(tail) => {
                        Message::around(self.name(packed.message), domain, self.name(tail))
                    }
                    None => Message::whole(self.name(packed.message)),
                },
            },
            // Not reached: every outcome's index comes from this scan's builder.
            None => Verdict {
                check: "",
                status: Status::Inconclusive,
                finding: "",
                message: Message::whole(""),
            },
        }
    }
}

/// One domain of a [`LightScan`], with the scan it reads its strings from.
#[derive(Debug, Clone, Copy)]
pub struct LightDomainRef<'a> {
    scan: &'a LightScan,
    domain: &'a LightDomain,
}

impl<'a> LightDomainRef<'a> {
    /// The domain.
    pub fn domain(&self) -> &'a str {
        &self.domain.domain
    }

    /// Owning organisation, by name.
    pub fn organisation(&self) -> Option<&'a str> {
        self.domain.organisation.map(|id| self.scan.name(id))
    }

    /// The stored score.
    pub fn score(&self) -> Option<f64> {
        self.domain.score
    }

    /// The stored grade.
    pub fn grade(&self) -> &'a str {
        self.scan.name(self.domain.grade)
    }

    /// Why the grade was capped, if it was.
    pub fn grade_cap(&self) -> Option<&'a str> {
        self.domain.grade_cap.map(|id| self.scan.name(id))
    }

    /// The stored coverage.
    pub fn coverage(&self) -> f64 {
        self.domain.coverage
    }

    /// Why the score is provisional, if it is.
    pub fn provisional(&self) -> Option<&'a str> {
        self.domain.provisional.map(|id| self.scan.name(id))
    }

    /// Every outcome's verdict, in outcome order (messages only on inconclusive outcomes).
    pub fn verdicts(&self) -> impl Iterator<Item = Verdict<'a>> + Clone + use<'a> {
        let (scan, domain) = (self.scan, self.domain());
        self.domain
            .outcomes
            .iter()
            .map(move |outcome| scan.verdict(*outcome, domain))
    }

    /// How many outcomes the domain has.
    pub fn outcome_count(&self) -> usize {
        self.domain.outcomes.len()
    }

    /// True when the domain was on the `--exclude` list (every outcome says `excluded`).
    pub fn is_excluded(&self) -> bool {
        crate::result::verdicts_excluded(self.verdicts())
    }
}

impl DomainView for LightDomainRef<'_> {
    fn domain(&self) -> &str {
        LightDomainRef::domain(self)
    }

    fn organisation(&self) -> Option<&str> {
        LightDomainRef::organisation(self)
    }

    fn score(&self) -> Option<f64> {
        LightDomainRef::score(self)
    }

    fn grade(&self) -> &str {
        LightDomainRef::grade(self)
    }

    fn verdicts(&self) -> impl Iterator<Item = Verdict<'_>> + Clone {
        LightDomainRef::verdicts(self)
    }
}

impl ScanView for LightScan {
    fn organisations(&self) -> &[Organisation] {
        &self.header.organisations
    }

    fn domain_views(&self) -> impl Iterator<Item = impl DomainView + '_> + '_ {
        self.domains()
    }
}

impl LightScan {
    /// The light view of a whole scan (what [`From`] gives), or [`TooManyNames`].
    pub fn of(scan: &ScanResult) -> Result<LightScan, TooManyNames> {
        let mut builder = LightScanBuilder::new(ScanHeader::from(scan));
        for d in &scan.domains {
            for o in &d.outcomes {
                builder.outcome(&d.domain, &o.check, o.status, &o.finding, &o.message)?;
            }
            builder.finish_domain(LightDomainFields {
                domain: &d.domain,
                organisation: d.organisation.as_deref(),
                score: d.score,
                grade: &d.grade,
                grade_cap: d.grade_cap.as_deref(),
                coverage: d.coverage,
                provisional: d.provisional.as_deref(),
            })?;
        }
        Ok(builder.finish())
    }
}

impl From<&ScanResult> for LightScan {
    fn from(scan: &ScanResult) -> LightScan {
        // Invariant: a scan in memory has fewer than 2^32 distinct strings and outcomes (that
        // many `String`s alone would take 96 GiB), so the tables cannot run out of indexes.
        LightScan::of(scan).expect("a scan in memory has fewer than 2^32 distinct strings")
    }
}
