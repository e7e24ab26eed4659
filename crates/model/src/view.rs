//! Reading a scan the same way whether it is whole ([`ScanResult`]) or light
//! ([`crate::LightScan`]): each domain's headline figures and each check's verdict, which is all
//! that roll-ups, diffs and the dashboard need.

use std::borrow::Cow;
use std::fmt;

use crate::{DomainResult, Organisation, Outcome, ScanResult, Status};

/// One check's verdict on one domain, borrowed from a whole [`Outcome`] or a light view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict<'a> {
    /// Check id.
    pub check: &'a str,
    /// Verdict.
    pub status: Status,
    /// Stable key of what was found.
    pub finding: &'a str,
    /// The outcome's message. A light view keeps it only for inconclusive outcomes (why the
    /// check could not be judged) and gives an empty message otherwise.
    pub message: Message<'a>,
}

/// An outcome's message as a [`Verdict`] gives it: whole, or (from a light view) as the text
/// around the name of the domain it is about, so that messages that differ only by the domain
/// they name ("A query for d1.example failed: …") are stored once per scan.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    head: &'a str,
    /// The domain's name and the text after it, when the message names the domain.
    around: Option<(&'a str, &'a str)>,
}

impl<'a> Message<'a> {
    /// A message given whole.
    pub fn whole(text: &'a str) -> Message<'a> {
        Message {
            head: text,
            around: None,
        }
    }

    /// `head`, then `domain`, then `tail`.
    pub(crate) fn around(head: &'a str, domain: &'a str, tail: &'a str) -> Message<'a> {
        Message {
            head,
            around: Some((domain, tail)),
        }
    }

    /// The text (borrowed when it was given whole).
    pub fn text(&self) -> Cow<'a, str> {
        match self.around {
            None => Cow::Borrowed(self.head),
            Some((domain, tail)) => Cow::Owned([self.head, domain, tail].concat()),
        }
    }

    /// True when there is no text.
    pub fn is_empty(&self) -> bool {
        self.head.is_empty() && self.around.is_none()
    }
}

impl PartialEq for Message<'_> {
    fn eq(&self, other: &Message<'_>) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Message<'_> {}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Outcome {
    /// This outcome as a [`Verdict`] (everything but the evidence).
    pub fn verdict(&self) -> Verdict<'_> {
        Verdict {
            check: &self.check,
            status: self.status,
            finding: &self.finding,
            message: Message::whole(&self.message),
        }
    }
}

/// One domain as roll-ups and diffs read it: a whole [`DomainResult`] or a domain of a
/// [`crate::LightScan`].
pub trait DomainView {
    /// The domain.
    fn domain(&self) -> &str;
    /// Owning organisation, by name.
    fn organisation(&self) -> Option<&str>;
    /// The stored score.
    fn score(&self) -> Option<f64>;
    /// The stored grade.
    fn grade(&self) -> &str;
    /// Every outcome's verdict, in outcome order.
    fn verdicts(&self) -> impl Iterator<Item = Verdict<'_>> + Clone;
    /// True when the domain was on the `--exclude` list (every outcome says `excluded`).
    fn is_excluded(&self) -> bool {
        crate::result::verdicts_excluded(self.verdicts())
    }
}

impl DomainView for DomainResult {
    fn domain(&self) -> &str {
        &self.domain
    }

    fn organisation(&self) -> Option<&str> {
        self.organisation.as_deref()
    }

    fn score(&self) -> Option<f64> {
        self.score
    }

    fn grade(&self) -> &str {
        &self.grade
    }

    fn verdicts(&self) -> impl Iterator<Item = Verdict<'_>> + Clone {
        self.outcomes.iter().map(Outcome::verdict)
    }
}

impl<T: DomainView + ?Sized> DomainView for &T {
    fn domain(&self) -> &str {
        (**self).domain()
    }

    fn organisation(&self) -> Option<&str> {
        (**self).organisation()
    }

    fn score(&self) -> Option<f64> {
        (**self).score()
    }

    fn grade(&self) -> &str {
        (**self).grade()
    }

    fn verdicts(&self) -> impl Iterator<Item = Verdict<'_>> + Clone {
        (**self).verdicts()
    }
}

/// A whole scan as roll-ups read it: its organisations and every domain, in target order.
pub trait ScanView {
    /// Organisations of the portfolio.
    fn organisations(&self) -> &[Organisation];
    /// Every domain, in target order.
    fn domain_views(&self) -> impl Iterator<Item = impl DomainView + '_> + '_;
}

impl ScanView for ScanResult {
    fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    fn domain_views(&self) -> impl Iterator<Item = impl DomainView + '_> + '_ {
        self.domains.iter()
    }
}
