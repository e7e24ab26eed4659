//! Replays an SPF evaluation (RFC 7208 §4.6, §5) over the answers the probe recorded, for a
//! sender that no mechanism lists: what the policy grants such a sender, with the DNS-querying
//! terms and void lookups counted against the limits of RFC 7208 §4.6.4.
//!
//! "Unlisted" means the sender matches no `ip4`/`ip6` range, host or `exists` name in the
//! tree, except where a mechanism matches everybody: `all`; a `+`-qualified range (or `a`/`mx`
//! CIDR) shorter than [`BROAD_IPV4_PREFIX`] / [`BROAD_IPV6_PREFIX`], which anyone can rent an
//! address in; any range of length 0; an `exists:` name without macros that resolves. Names
//! with macros (RFC 7208 §7) depend on the sender and are treated as not matching, with a note.

use govscan_model::{SpfAnswer, SpfQueryType, SpfTree};

use crate::mail::spf_record::{self, Directive, Qualifier};
pub(crate) use crate::mail::spf_result::{
    BROAD_IPV4_PREFIX, BROAD_IPV6_PREFIX, Evaluation, Family, GrantKind, LOOKUP_LIMIT,
    MX_NAME_LIMIT, PermKind, SpfResult, VOID_LIMIT,
};

/// A mechanism that matched the unlisted sender: how, and what it was.
struct Match {
    kind: GrantKind,
    what: String,
}

/// The evaluation's running state.
struct Evaluator<'a> {
    tree: Option<&'a SpfTree>,
    family: Family,
    lookups: usize,
    voids: usize,
    /// Lookups whose answer was not recorded, so whether they were void is not known.
    unknown_voids: usize,
    records: Vec<(String, String)>,
    notes: Vec<String>,
}

/// Evaluates `record`, published at `domain`, for an unlisted sender of `family`.
pub(crate) fn evaluate(
    domain: &str,
    record: &str,
    tree: Option<&SpfTree>,
    family: Family,
) -> Evaluation {
    let mut ev = Evaluator {
        tree,
        family,
        lookups: 0,
        voids: 0,
        unknown_voids: 0,
        records: Vec::new(),
        notes: Vec::new(),
    };
    let mut result = ev.check_host(domain, record);
    let decided = !matches!(
        result,
        SpfResult::PermError(..) | SpfResult::TempError(_) | SpfResult::Unknown(_)
    );
    if decided && ev.voids + ev.unknown_voids > VOID_LIMIT {
        result = SpfResult::Unknown(format!(
            "{} lookup(s) were not recorded, so the void lookups (limit {VOID_LIMIT}) cannot be counted",
            ev.unknown_voids
        ));
    }
    Evaluation {
        result,
        lookups: ev.lookups,
        voids: ev.voids,
        records: ev.records,
        notes: ev.notes,
    }
}

/// The `[":" domain] ["/" ip4-cidr] ["//" ip6-cidr]` of `a`/`mx`: domain, IPv4 and IPv6 prefix.
fn a_mx_parts(argument: &str) -> (Option<&str>, u8, u8) {
    let (domain_part, cidr) = match argument.find('/') {
        Some(i) => argument.split_at(i),
        None => (argument, ""),
    };
    let (v4, v6) = match cidr.strip_prefix("//") {
        Some(v6) => (None, Some(v6)),
        None => match cidr.strip_prefix('/') {
            Some(rest) => match rest.split_once("//") {
                Some((v4, v6)) => (Some(v4), Some(v6)),
                None => (Some(rest), None),
            },
            None => (None, None),
        },
    };
    (
        domain_part.strip_prefix(':'),
        v4.and_then(|p| p.parse().ok()).unwrap_or(32),
        v6.and_then(|p| p.parse().ok()).unwrap_or(128),
    )
}

/// The prefix length of an `ip4`/`ip6` argument (`:address[/len]`).
fn ip_prefix(argument: &str, max: u8) -> u8 {
    argument
        .split_once('/')
        .and_then(|(_, len)| len.parse().ok())
        .unwrap_or(max)
}

/// True when a domain name has only non-empty labels of at most 63 letters, digits, `-` or
/// `_` (SPF names are ASCII; `_spf` labels are common), 253 octets in all.
fn is_domain(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

impl Evaluator<'_> {
    fn answer(&self, name: &str, rtype: SpfQueryType) -> Option<&SpfAnswer> {
        self.tree.and_then(|t| t.answer(name, rtype))
    }

    /// Why an answer is missing from the tree.
    fn not_recorded(&self, name: &str, rtype: SpfQueryType) -> String {
        match self.tree.and_then(|t| t.stopped.as_deref()) {
            Some(stopped) => format!("{rtype:?} {name} was not asked ({stopped})"),
            None if self.tree.is_none() => {
                format!("{rtype:?} {name} was not recorded (the SPF tree was not gathered)")
            }
            None => format!("{rtype:?} {name} was not recorded"),
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Counts one DNS-querying term (RFC 7208 §4.6.4).
    fn count(&mut self, term: &str, at: &str) -> Result<(), SpfResult> {
        self.lookups += 1;
        if self.lookups > LOOKUP_LIMIT {
            return Err(SpfResult::PermError(
                PermKind::TooManyLookups,
                format!(
                    "{term} at {at} is DNS-querying term {}, over the limit of {LOOKUP_LIMIT}",
                    self.lookups
                ),
            ));
        }
        Ok(())
    }

    /// Counts one void lookup (RFC 7208 §4.6.4).
    fn void(&mut self, term: &str, at: &str) -> Result<(), SpfResult> {
        self.voids += 1;
        if self.voids > VOID_LIMIT {
            return Err(SpfResult::PermError(
                PermKind::TooManyVoids,
                format!(
                    "{term} at {at} is void lookup {}, over the limit of {VOID_LIMIT}",
                    self.voids
                ),
            ));
        }
        Ok(())
    }

    /// The name a term asks for: `None` (noted) when it holds a macro; a permerror when it is
    /// not a domain name.
    fn target(&mut self, spec: &str, term: &str, at: &str) -> Result<Option<String>, SpfResult> {
        if spec.contains('%') {
            self.note(format!(
                "{term} at {at} depends on the sender (macros, RFC 7208 §7); an unlisted sender is assumed not to match"
            ));
            return Ok(None);
        }
        if !is_domain(spec) {
            return Err(SpfResult::PermError(
                PermKind::BadDomain,
                format!("{term} at {at}: {spec:?} is not a domain name"),
            ));
        }
        Ok(Some(spec.trim_end_matches('.').to_ascii_lowercase()))
    }

    /// The one SPF record of an `include:`/`redirect=` target.
    fn record_of(&self, target: &str, term: &str, at: &str) -> Result<String, SpfResult> {
        match self.answer(target, SpfQueryType::Txt) {
            None => Err(SpfResult::Unknown(
                self.not_recorded(target, SpfQueryType::Txt),
            )),
            Some(SpfAnswer::Failed { detail, .. }) => Err(SpfResult::TempError(format!(
                "{term} at {at}: TXT {target} failed: {detail}"
            ))),
            Some(SpfAnswer::Records { records }) if records.len() == 1 => Ok(records[0].clone()),
            Some(SpfAnswer::Records { records }) if records.len() > 1 => Err(SpfResult::PermError(
                PermKind::TargetWithoutRecord,
                format!(
                    "{term} at {at}: {target} publishes {} SPF records",
                    records.len()
                ),
            )),
            Some(_) => Err(SpfResult::PermError(
                PermKind::TargetWithoutRecord,
                format!("{term} at {at}: {target} publishes no SPF record (RFC 7208 §5.2, §6.1)"),
            )),
        }
    }

    /// RFC 7208 §4: evaluates the record published at `domain`.
    fn check_host(&mut self, domain: &str, text: &str) -> SpfResult {
        self.records.push((domain.to_owned(), text.to_owned()));
        let record = match spf_record::parse(text) {
            Ok(record) => record,
            Err(error) => {
                return SpfResult::PermError(
                    PermKind::Syntax,
                    format!("the record at {domain} is invalid: {error}"),
                );
            }
        };
        for directive in &record.directives {
            let term = if directive.mechanism == "all" {
                format!("{}all", directive.qualifier.symbol())
            } else {
                format!(
                    "{}{}{}",
                    qualifier_prefix(directive.qualifier),
                    directive.mechanism,
                    directive.argument
                )
            };
            match self.mechanism(domain, directive, &term) {
                Ok(None) => {}
                Ok(Some(found)) => {
                    let at = format!("{} at {domain}", found.what);
                    return match directive.qualifier {
                        Qualifier::Pass => SpfResult::Pass(found.kind, at),
                        Qualifier::Fail => SpfResult::Fail(at),
                        Qualifier::SoftFail => SpfResult::SoftFail(at),
                        Qualifier::Neutral => SpfResult::Neutral { at, default: false },
                    };
                }
                Err(result) => return result,
            }
        }
        // RFC 7208 §6.1: redirect applies when no mechanism matched (so there was no `all`).
        let Some(spec) = &record.redirect else {
            return SpfResult::Neutral {
                at: format!("the record at {domain} has no all and no redirect"),
                default: true,
            };
        };
        let term = format!("redirect={spec}");
        if let Err(e) = self.count(&term, domain) {
            return e;
        }
        let target = match self.target(spec, &term, domain) {
            Ok(Some(target)) => target,
            Ok(None) => {
                return SpfResult::Unknown(format!("{term} at {domain} depends on the sender"));
            }
            Err(e) => return e,
        };
        match self.record_of(&target, &term, domain) {
            Ok(text) => self.check_host(&target, &text),
            Err(e) => e,
        }
    }

    /// Whether one mechanism matches the unlisted sender.
    fn mechanism(
        &mut self,
        at: &str,
        d: &Directive,
        term: &str,
    ) -> Result<Option<Match>, SpfResult> {
        let arg = d.argument.as_str();
        match d.mechanism.as_str() {
            "all" => Ok(Some(Match {
                kind: GrantKind::All,
                what: term.to_owned(),
            })),
            "ip4" | "ip6" => {
                let (family, max, limit) = if d.mechanism == "ip4" {
                    (Family::V4, 32, BROAD_IPV4_PREFIX)
                } else {
                    (Family::V6, 128, BROAD_IPV6_PREFIX)
                };
                let prefix = ip_prefix(arg, max);
                let broad = family == self.family && admits_everybody(d.qualifier, prefix, limit);
                Ok(broad.then(|| Match {
                    kind: GrantKind::Broad,
                    what: term.to_owned(),
                }))
            }
            "a" | "mx" => self.host_mechanism(at, d, term),
            "ptr" => {
                self.count(term, at)?;
                self.note(format!(
                    "{term} at {at} depends on the sender's reverse DNS (RFC 7208 §5.5: it SHOULD NOT be used); an unlisted sender is assumed not to match"
                ));
                Ok(None)
            }
            "exists" => {
                self.count(term, at)?;
                let spec = arg.strip_prefix(':').unwrap_or_default();
                let Some(name) = self.target(spec, term, at)? else {
                    return Ok(None);
                };
                match self.answer(&name, SpfQueryType::A) {
                    None => Err(SpfResult::Unknown(
                        self.not_recorded(&name, SpfQueryType::A),
                    )),
                    Some(SpfAnswer::Failed { detail, .. }) => Err(SpfResult::TempError(format!(
                        "{term} at {at}: A {name} failed: {detail}"
                    ))),
                    Some(answer) if answer.is_void() => {
                        self.void(term, at)?;
                        Ok(None)
                    }
                    Some(_) => Ok(Some(Match {
                        kind: GrantKind::Exists,
                        what: format!("{term} ({name} resolves whoever sends)"),
                    })),
                }
            }
            "include" => {
                self.count(term, at)?;
                let spec = arg.strip_prefix(':').unwrap_or_default();
                let Some(target) = self.target(spec, term, at)? else {
                    return Ok(None);
                };
                let text = self.record_of(&target, term, at)?;
                // RFC 7208 §5.2: the include matches when the target's result is pass.
                match self.check_host(&target, &text) {
                    SpfResult::Pass(_, why) => Ok(Some(Match {
                        kind: GrantKind::Include,
                        what: format!("{term} (pass there: {why})"),
                    })),
                    SpfResult::Fail(_) | SpfResult::SoftFail(_) | SpfResult::Neutral { .. } => {
                        Ok(None)
                    }
                    other => Err(other),
                }
            }
            // The parser accepts no other mechanism.
            _ => Ok(None),
        }
    }

    /// `a` and `mx` (RFC 7208 §5.3, §5.4).
    fn host_mechanism(
        &mut self,
        at: &str,
        d: &Directive,
        term: &str,
    ) -> Result<Option<Match>, SpfResult> {
        self.count(term, at)?;
        let (spec, v4, v6) = a_mx_parts(&d.argument);
        let Some(name) = self.target(spec.unwrap_or(at), term, at)? else {
            return Ok(None);
        };
        let (prefix, limit) = match self.family {
            Family::V4 => (v4, BROAD_IPV4_PREFIX),
            Family::V6 => (v6, BROAD_IPV6_PREFIX),
        };
        let broad = admits_everybody(d.qualifier, prefix, limit);
        let rtype = match (d.mechanism.as_str(), self.family) {
            ("mx", _) => SpfQueryType::Mx,
            (_, Family::V4) => SpfQueryType::A,
            (_, Family::V6) => SpfQueryType::Aaaa,
        };
        let records = match self.answer(&name, rtype) {
            None => {
                self.unknown_voids += 1;
                if broad {
                    return Err(SpfResult::Unknown(self.not_recorded(&name, rtype)));
                }
                self.note(self.not_recorded(&name, rtype));
                return Ok(None);
            }
            Some(SpfAnswer::Failed { detail, .. }) => {
                return Err(SpfResult::TempError(format!(
                    "{term} at {at}: {rtype:?} {name} failed: {detail}"
                )));
            }
            Some(SpfAnswer::Records { records }) if !records.is_empty() => records.clone(),
            Some(_) => {
                self.void(term, at)?;
                return Ok(None);
            }
        };
        if rtype == SpfQueryType::Mx && records.len() > MX_NAME_LIMIT {
            return Err(SpfResult::PermError(
                PermKind::TooManyMxNames,
                format!(
                    "{term} at {at}: {name} has {} MX names, over the limit of {MX_NAME_LIMIT}",
                    records.len()
                ),
            ));
        }
        // A broad CIDR around any address of the hosts admits everybody in it. (For `mx`, the
        // hosts' own addresses are not asked: a non-null MX is taken to have some.)
        let has_host = records.iter().any(|r| !r.is_empty());
        Ok((broad && has_host).then(|| Match {
            kind: GrantKind::Broad,
            what: term.to_owned(),
        }))
    }
}

/// True when a range of `prefix` bits, qualified by `qualifier`, counts as matching an
/// unlisted sender: a zero-length prefix matches everybody; a broad `+` range matches anyone
/// who takes an address in it. (A broad `-`/`~`/`?` range is one an attacker just avoids.)
fn admits_everybody(qualifier: Qualifier, prefix: u8, limit: u8) -> bool {
    prefix == 0 || (qualifier == Qualifier::Pass && prefix < limit)
}

/// The qualifier as written in messages (`+` is left out, as it is the default).
fn qualifier_prefix(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Pass => "",
        Qualifier::Fail => "-",
        Qualifier::SoftFail => "~",
        Qualifier::Neutral => "?",
    }
}

#[cfg(test)]
#[path = "spf_eval_tests.rs"]
mod tests;
