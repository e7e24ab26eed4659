//! A validated check's metadata made `'static` (shared with built-in checks), and the probe
//! data its rule needs.

use govscan_model::{CheckMeta, Need, Reference};

use super::compile::Compiled;
use super::rule::{Rule, TxtAt};
use super::tree::Node;

/// The probe data a rule reads (the runner answers `Inconclusive` when it is missing).
pub(super) fn needs_of(rule: &Rule) -> &'static [Need] {
    match rule {
        Rule::Tree(root) => tree_needs(root),
        Rule::Header { .. } => &[Need::DnsAddresses, Need::Https],
        Rule::DnsTxt {
            at: TxtAt::Domain, ..
        } => &[Need::DnsTxt],
        Rule::DnsTxt {
            at: TxtAt::Dmarc | TxtAt::DmarcRecord,
            ..
        } => &[Need::DnsDmarc],
        Rule::Path { .. } => &[Need::DnsAddresses, Need::Paths],
    }
}

/// The endpoint probes a tree reads (none for a domain-level tree), leaked once per check.
fn tree_needs(root: &Node) -> &'static [Need] {
    use super::sources::{HttpTarget, Source};
    let mut needs = Vec::new();
    for leaf in root.leaves() {
        let need = match &leaf.source {
            Source::Http(HttpTarget::Home | HttpTarget::HomeHttps, _) => Need::Https,
            Source::Http(HttpTarget::HomeHttp, _) => Need::Http,
            Source::Http(HttpTarget::Path(_), _) => Need::Paths,
            Source::Tls(_) | Source::Cert(_) | Source::Chain(_) => Need::Tls,
            Source::Dns { .. } | Source::Mail(_) | Source::Dnssec => continue,
        };
        if needs.is_empty() {
            needs.push(Need::DnsAddresses);
        }
        if !needs.contains(&need) {
            needs.push(need);
        }
    }
    Box::leak(needs.into_boxed_slice())
}

/// Makes the metadata `'static` by leaking it, so that declarative checks share `CheckMeta`
/// with built-in ones. Checks are loaded once per process (at start-up), so the leak is
/// bounded by the size of the checks directories.
pub(super) fn leak_meta(c: &Compiled) -> &'static CheckMeta {
    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }
    let references: Vec<Reference> = c
        .references
        .iter()
        .map(|(title, url)| Reference {
            title: leak(title),
            url: leak(url),
        })
        .collect();
    Box::leak(Box::new(CheckMeta {
        id: leak(&c.id),
        family: c.family,
        title: leak(&c.title),
        level: c.level,
        rationale: leak(&c.rationale),
        remediation: leak(&c.remediation),
        references: Box::leak(references.into_boxed_slice()),
        needs: needs_of(&c.rule),
        findings: Box::leak(c.findings.clone().into_boxed_slice()),
        params: Box::leak(c.params.clone().into_boxed_slice()),
    }))
}
