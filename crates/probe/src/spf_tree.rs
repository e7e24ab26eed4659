//! Gathers the DNS answers an SPF evaluation needs (RFC 7208 §4.6.4, §5): walks the domain's
//! SPF record in evaluation order for a sender that no mechanism lists, asking TXT for each
//! `include:` and `redirect=` target, A and AAAA for `a`, MX for `mx` and A for `exists`.
//!
//! The walk only collects answers; the `mail.spf` check replays the evaluation over them.
//! It is bounded twice: it stops once more than [`LOOKUP_LIMIT`] DNS-querying terms were met
//! (the evaluation is a permerror from there on, nothing more is needed), and it sends at most
//! [`MAX_QUERIES`] queries. Names other than the scanned domain go through the per-scan zone
//! cache, so a provider's `_spf` record shared by many domains is asked once a scan.

use govscan_model::{Probed, SpfAnswer, SpfQuery, SpfQueryType, SpfTree};
use hickory_resolver::proto::rr::{Name, RecordType};

use crate::dns::{Dns, addresses_of, mx_records, name_text, txt_strings};

/// RFC 7208 §4.6.4: at most 10 DNS-querying terms (include, a, mx, ptr, exists, redirect).
const LOOKUP_LIMIT: usize = 10;

/// Most queries one walk sends. Within the lookup limit an evaluation needs at most 20 (ten
/// `a` terms, each asked for A and AAAA); the rest is slack for `exists` and `mx`.
pub(crate) const MAX_QUERIES: usize = 24;

/// True when a TXT string is an SPF record: `v=spf1` (case-insensitive), then a space or the end.
fn is_spf(txt: &str) -> bool {
    let bytes = txt.as_bytes();
    bytes.len() >= 6
        && bytes[..6].eq_ignore_ascii_case(b"v=spf1")
        && bytes.get(6).is_none_or(|b| *b == b' ')
}

/// What one term of a record asks the DNS for, as far as the walk cares.
#[derive(Debug, PartialEq, Eq)]
enum Term {
    /// `all`: the evaluation of this record ends here.
    All,
    /// `include:<domain>`.
    Include(String),
    /// `a[:<domain>]`.
    A(String),
    /// `mx[:<domain>]`.
    Mx(String),
    /// `exists:<domain>`.
    Exists(String),
    /// `ptr[:<domain>]`: counted, not asked (it depends on the sender's address).
    Ptr,
    /// `redirect=<domain>`.
    Redirect(String),
    /// Anything else (ip4, ip6, exp=, unknown modifiers, syntax errors): no query.
    Other,
}

/// Classifies one whitespace-separated term of a record published at `current`.
fn classify(term: &str, current: &str) -> Term {
    let body = term.strip_prefix(['+', '-', '~', '?']).unwrap_or(term);
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        .count();
    if body.as_bytes().get(name_len) == Some(&b'=') {
        return if body[..name_len].eq_ignore_ascii_case("redirect") {
            Term::Redirect(body[name_len + 1..].to_owned())
        } else {
            Term::Other
        };
    }
    let mechanism = body[..name_len].to_ascii_lowercase();
    let rest = &body[name_len..];
    // include: and exists: take the whole rest as their domain-spec; a and mx end it at the
    // CIDR lengths (RFC 7208 §5.2–§5.4, §5.7).
    let spec = rest.strip_prefix(':').map(str::to_owned);
    let host = || {
        rest.strip_prefix(':')
            .map(|d| d.split('/').next().unwrap_or_default().to_owned())
            .unwrap_or_else(|| current.to_owned())
    };
    match (mechanism.as_str(), spec) {
        ("all", _) => Term::All,
        ("include", Some(d)) => Term::Include(d),
        ("exists", Some(d)) => Term::Exists(d),
        ("a", _) => Term::A(host()),
        ("mx", _) => Term::Mx(host()),
        ("ptr", _) => Term::Ptr,
        _ => Term::Other,
    }
}

/// The name a term asks for, lower case without the trailing dot, or `None` when it cannot be
/// asked: it holds a macro (RFC 7208 §7, it depends on the sender) or is not a domain name.
fn askable(domain: &str) -> Option<String> {
    if domain.is_empty() || domain.contains('%') {
        return None;
    }
    let name = domain.trim_end_matches('.').to_ascii_lowercase();
    Name::from_ascii(format!("{name}.")).ok().map(|_| name)
}

/// One record being walked: its owner, its terms and how far the walk got.
struct Frame {
    domain: String,
    terms: Vec<String>,
    next: usize,
    redirect: Option<String>,
}

impl Frame {
    fn new(domain: String, record: &str) -> Frame {
        Frame {
            domain,
            terms: record
                .split(' ')
                .skip(1)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            next: 0,
            redirect: None,
        }
    }
}

/// The walk's state: answers so far and the DNS-querying terms met.
struct Walk<'a> {
    dns: &'a Dns,
    /// The scanned domain (its own records are not put in the per-scan cache).
    own: String,
    queries: Vec<SpfQuery>,
    stopped: Option<String>,
    lookups: usize,
}

impl Walk<'_> {
    /// The answer for (`name`, `rtype`): already asked, asked now, or `None` when the budget
    /// is spent (recorded in `stopped`).
    async fn ask(&mut self, name: &str, rtype: SpfQueryType) -> Option<SpfAnswer> {
        if let Some(q) = self
            .queries
            .iter()
            .find(|q| q.rtype == rtype && q.name == name)
        {
            return Some(q.answer.clone());
        }
        if self.queries.len() >= MAX_QUERIES {
            self.stopped = Some(format!(
                "the query budget of {MAX_QUERIES} queries ran out before {name} {rtype:?} was asked"
            ));
            return None;
        }
        let fqdn = Name::from_ascii(format!("{name}.")).ok()?;
        let record_type = match rtype {
            SpfQueryType::Txt => RecordType::TXT,
            SpfQueryType::A => RecordType::A,
            SpfQueryType::Aaaa => RecordType::AAAA,
            SpfQueryType::Mx => RecordType::MX,
        };
        let result = if name == self.own {
            self.dns.query(&fqdn, record_type).await
        } else {
            self.dns.zone_query(&fqdn, record_type).await
        };
        let answer = match result {
            Err((kind, detail)) => SpfAnswer::Failed { kind, detail },
            Ok(answer) if answer.records.is_empty() && answer.nxdomain => SpfAnswer::NxDomain,
            Ok(answer) if answer.records.is_empty() => SpfAnswer::NoData,
            Ok(answer) => SpfAnswer::Records {
                records: match rtype {
                    SpfQueryType::Txt => txt_strings(&answer.records)
                        .into_iter()
                        .filter(|t| is_spf(t))
                        .collect(),
                    SpfQueryType::A | SpfQueryType::Aaaa => addresses_of(&answer.records)
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    SpfQueryType::Mx => mx_records(&answer.records)
                        .into_iter()
                        .map(|m| m.exchange)
                        .collect(),
                },
            },
        };
        self.queries.push(SpfQuery {
            name: name.to_owned(),
            rtype,
            answer: answer.clone(),
        });
        Some(answer)
    }

    /// Counts one DNS-querying term; false once the limit is passed (the walk ends).
    fn count(&mut self) -> bool {
        self.lookups += 1;
        self.lookups <= LOOKUP_LIMIT
    }

    /// The one SPF record of `target`, asked as TXT, for an `include:` or `redirect=`.
    async fn record_of(&mut self, target: &str) -> Option<Frame> {
        let name = askable(target)?;
        match self.ask(&name, SpfQueryType::Txt).await? {
            SpfAnswer::Records { records } if records.len() == 1 => {
                Some(Frame::new(name, &records[0]))
            }
            _ => None,
        }
    }

    /// Walks from the root record, depth first, in evaluation order.
    async fn run(&mut self, root: Frame) {
        let mut stack = vec![root];
        while self.stopped.is_none() {
            let Some(frame) = stack.last_mut() else {
                break;
            };
            let Some(term) = frame.terms.get(frame.next).cloned() else {
                // The record's mechanisms are done: its redirect (if any) comes next.
                let redirect = frame.redirect.take();
                stack.pop();
                if let Some(target) = redirect {
                    if !self.count() {
                        break;
                    }
                    if let Some(next) = self.record_of(&target).await {
                        stack.push(next);
                    }
                }
                continue;
            };
            frame.next += 1;
            let current = frame.domain.clone();
            match classify(&term, &current) {
                Term::All => {
                    // `all` always matches: the record ends, and its redirect is ignored.
                    stack.pop();
                }
                Term::Redirect(target) => {
                    frame.redirect.get_or_insert(target);
                }
                Term::Other => {}
                Term::Ptr => {
                    if !self.count() {
                        break;
                    }
                }
                Term::Include(target) => {
                    if !self.count() {
                        break;
                    }
                    if let Some(next) = self.record_of(&target).await {
                        stack.push(next);
                    }
                }
                Term::A(target) => {
                    if !self.count() {
                        break;
                    }
                    if let Some(name) = askable(&target) {
                        self.ask(&name, SpfQueryType::A).await;
                        self.ask(&name, SpfQueryType::Aaaa).await;
                    }
                }
                Term::Mx(target) => {
                    if !self.count() {
                        break;
                    }
                    if let Some(name) = askable(&target) {
                        self.ask(&name, SpfQueryType::Mx).await;
                    }
                }
                Term::Exists(target) => {
                    if !self.count() {
                        break;
                    }
                    if let Some(name) = askable(&target) {
                        self.ask(&name, SpfQueryType::A).await;
                    }
                }
            }
        }
    }
}

/// The SPF tree of `name`, whose TXT records are `txt`; skipped unless there is exactly one
/// SPF record to expand.
pub(crate) async fn gather(dns: &Dns, name: &Name, txt: &Probed<Vec<String>>) -> Probed<SpfTree> {
    let domain = name_text(name);
    let Some(records) = txt.value() else {
        return Probed::skipped(format!(
            "the TXT lookup of {domain} did not complete, so there is no SPF record to expand"
        ));
    };
    let spf: Vec<&String> = records.iter().filter(|t| is_spf(t)).collect();
    let [root] = spf.as_slice() else {
        return Probed::skipped(format!(
            "{domain} publishes {} SPF records; only a single record is expanded",
            spf.len()
        ));
    };
    let mut walk = Walk {
        dns,
        own: domain.clone(),
        queries: Vec::new(),
        stopped: None,
        lookups: 0,
    };
    walk.run(Frame::new(domain, root)).await;
    Probed::ok(SpfTree {
        queries: walk.queries,
        stopped: walk.stopped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_classified_as_the_evaluation_reads_them() {
        let at = "example.test";
        assert_eq!(classify("-all", at), Term::All);
        assert_eq!(classify("ALL", at), Term::All);
        assert_eq!(
            classify("include:_spf.Provider.test", at),
            Term::Include("_spf.Provider.test".into())
        );
        assert_eq!(classify("~a", at), Term::A(at.into()));
        assert_eq!(classify("a/24", at), Term::A(at.into()));
        assert_eq!(
            classify("a:mail.example.test/24//64", at),
            Term::A("mail.example.test".into())
        );
        assert_eq!(classify("mx//64", at), Term::Mx(at.into()));
        assert_eq!(
            classify("?exists:%{i}.x.test", at),
            Term::Exists("%{i}.x.test".into())
        );
        assert_eq!(classify("ptr", at), Term::Ptr);
        assert_eq!(
            classify("Redirect=_spf.x.test", at),
            Term::Redirect("_spf.x.test".into())
        );
        assert_eq!(classify("exp=explain.x.test", at), Term::Other);
        assert_eq!(classify("ip4:192.0.2.0/24", at), Term::Other);
        assert_eq!(classify("include", at), Term::Other);
        // Only a and mx carry CIDR lengths; elsewhere a '/' is part of the domain-spec.
        assert_eq!(
            classify("include:odd.test/24", at),
            Term::Include("odd.test/24".into())
        );
    }

    #[test]
    fn only_plain_domain_names_are_asked() {
        assert_eq!(
            askable("Mail.Example.TEST."),
            Some("mail.example.test".into())
        );
        assert_eq!(askable("%{i}._spf.example.test"), None);
        assert_eq!(askable(""), None);
        assert_eq!(askable("a..b"), None);
    }

    #[test]
    fn a_frame_holds_the_terms_after_the_version() {
        let frame = Frame::new("x.test".into(), "v=spf1  a   -all ");
        assert_eq!(frame.terms, ["a", "-all"]);
    }
}
