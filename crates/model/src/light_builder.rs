//! Building a [`LightScan`] one outcome and one domain at a time, interning every string and
//! every distinct verdict once per scan, so nothing per outcome is allocated.

use std::collections::HashMap;

use crate::light::{LightDomain, LightScan, NameId, PackedOutcome, PackedVerdict};
use crate::{ScanHeader, Status};

/// A light scan ran out of indexes: more than 2^32 distinct strings or verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than 2^32 distinct strings or verdicts in one scan")]
pub struct TooManyNames;

/// A domain's headline figures, as [`LightScanBuilder::finish_domain`] takes them.
#[derive(Debug, Clone, Copy)]
pub struct LightDomainFields<'a> {
    /// The domain.
    pub domain: &'a str,
    /// Owning organisation, by name.
    pub organisation: Option<&'a str>,
    /// The stored score.
    pub score: Option<f64>,
    /// The stored grade.
    pub grade: &'a str,
    /// Why the grade was capped, if it was.
    pub grade_cap: Option<&'a str>,
    /// The stored coverage.
    pub coverage: f64,
    /// Why the score is provisional, if it is.
    pub provisional: Option<&'a str>,
}

/// Builds a [`LightScan`]: [`LightScanBuilder::outcome`] for each outcome of a domain, in
/// order, then [`LightScanBuilder::finish_domain`] with its figures; domains in target order.
#[derive(Debug)]
pub struct LightScanBuilder {
    header: ScanHeader,
    names: HashMap<Box<str>, NameId>,
    verdicts: HashMap<PackedVerdict, u32>,
    domains: Vec<LightDomain>,
    /// The outcomes of the domain being read.
    pending: Vec<PackedOutcome>,
}

impl LightScanBuilder {
    /// A builder for the scan with `header`.
    pub fn new(header: ScanHeader) -> LightScanBuilder {
        LightScanBuilder {
            header,
            names: HashMap::new(),
            verdicts: HashMap::new(),
            domains: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Adds the next outcome of `domain`, the domain being read; `message` is kept only when
    /// the outcome is inconclusive, and as the text around the domain's name when it names it.
    pub fn outcome(
        &mut self,
        domain: &str,
        check: &str,
        status: Status,
        finding: &str,
        message: &str,
    ) -> Result<(), TooManyNames> {
        let kept = if status == Status::Inconclusive {
            message
        } else {
            ""
        };
        let (message, message_tail) = match kept.split_once(domain) {
            Some((head, tail)) if !domain.is_empty() => (head, Some(tail)),
            _ => (kept, None),
        };
        let verdict = PackedVerdict {
            check: self.intern(check)?,
            finding: self.intern(finding)?,
            message: self.intern(message)?,
            message_tail: message_tail.map(|t| self.intern(t)).transpose()?,
            status,
        };
        let next = index(self.verdicts.len())?;
        let id = *self.verdicts.entry(verdict).or_insert(next);
        self.pending.push(PackedOutcome(id));
        Ok(())
    }

    /// Ends the domain whose outcomes were just added.
    pub fn finish_domain(&mut self, fields: LightDomainFields<'_>) -> Result<(), TooManyNames> {
        let domain = LightDomain {
            domain: fields.domain.into(),
            score: fields.score,
            coverage: fields.coverage,
            organisation: fields.organisation.map(|o| self.intern(o)).transpose()?,
            grade_cap: fields.grade_cap.map(|c| self.intern(c)).transpose()?,
            provisional: fields.provisional.map(|p| self.intern(p)).transpose()?,
            grade: self.intern(fields.grade)?,
            outcomes: self.pending.as_slice().into(),
        };
        self.pending.clear();
        self.domains.push(domain);
        Ok(())
    }

    /// The light scan (outcomes added after the last domain are dropped).
    pub fn finish(self) -> LightScan {
        LightScan {
            header: self.header,
            names: by_index(self.names),
            verdicts: by_index(self.verdicts),
            domains: self.domains.into_boxed_slice(),
        }
    }

    fn intern(&mut self, name: &str) -> Result<NameId, TooManyNames> {
        if let Some(id) = self.names.get(name) {
            return Ok(*id);
        }
        let id = index(self.names.len())?;
        self.names.insert(name.into(), id);
        Ok(id)
    }
}

/// The next index of a table with `len` entries.
fn index(len: usize) -> Result<u32, TooManyNames> {
    u32::try_from(len).map_err(|_| TooManyNames)
}

/// An interning map's keys in index order (its indexes are 0..len, each once).
fn by_index<T>(map: HashMap<T, u32>) -> Box<[T]> {
    let mut entries: Vec<(u32, T)> = map.into_iter().map(|(value, id)| (id, value)).collect();
    entries.sort_unstable_by_key(|(id, _)| *id);
    entries.into_iter().map(|(_, value)| value).collect()
}
