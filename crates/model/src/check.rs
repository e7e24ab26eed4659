//! Check metadata: what a check asserts, why, how to fix it, and the sources behind it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::declared::{FindingDecl, ParamDecl};
use crate::outcome::Status;

/// A family of checks; the first part of every check id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Transport security: protocol versions, suites, key exchange.
    Tls,
    /// The server certificate and its chain.
    Cert,
    /// DNS hygiene: DNSSEC, CAA, name servers, IPv6.
    Dns,
    /// Mail authentication and transport: SPF, DMARC, DKIM, MTA-STS, STARTTLS, DANE.
    Mail,
    /// Web hygiene: redirects, HSTS, security headers, cookies.
    Http,
    /// Routing: route origin validation (RPKI) of the servers' addresses.
    Net,
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 6] = [
        Family::Tls,
        Family::Cert,
        Family::Dns,
        Family::Mail,
        Family::Http,
        Family::Net,
    ];

    /// The id prefix, e.g. `tls`.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Tls => "tls",
            Family::Cert => "cert",
            Family::Dns => "dns",
            Family::Mail => "mail",
            Family::Http => "http",
            Family::Net => "net",
        }
    }

    /// A plain-words label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Family::Tls => "Encryption (TLS)",
            Family::Cert => "Certificates",
            Family::Dns => "DNS",
            Family::Mail => "E-mail",
            Family::Http => "Web security",
            Family::Net => "Routing (RPKI)",
        }
    }

    /// Parses an id prefix.
    pub fn from_prefix(prefix: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.prefix() == prefix)
    }
}

/// How strongly the cited source words the requirement (RFC 2119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// MUST / MUST NOT.
    Must,
    /// SHOULD / SHOULD NOT.
    Should,
    /// MAY / informational.
    May,
}

/// Which probe data a check reads; the runner answers `Inconclusive` when it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// A/AAAA addresses.
    DnsAddresses,
    /// AAAA addresses.
    DnsAaaa,
    /// TXT at the domain.
    DnsTxt,
    /// TXT at `_dmarc`.
    DnsDmarc,
    /// CAA.
    DnsCaa,
    /// MX.
    DnsMx,
    /// NS.
    DnsNs,
    /// SOA.
    DnsSoa,
    /// The modern TLS handshake on every endpoint.
    Tls,
    /// `GET /` over http:// on every endpoint.
    Http,
    /// `GET /` over https:// on every endpoint.
    Https,
    /// `/.well-known/security.txt` on every endpoint.
    SecurityTxt,
    /// The same-origin paths declared by declarative checks, fetched over https:// on every
    /// endpoint.
    Paths,
}

/// A source a check cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// Title, e.g. "RFC 6797 §6.1.1".
    pub title: &'static str,
    /// HTTPS URL.
    pub url: &'static str,
}

/// Everything a reader needs to know about a check, independent of any result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckMeta {
    /// `<family>.<kebab-slug>`, never reused.
    pub id: &'static str,
    /// The family (matches the id prefix).
    pub family: Family,
    /// The requirement stated positively ("HSTS is enabled with a long max-age").
    pub title: &'static str,
    /// Strength of the requirement in the normative source.
    pub level: Level,
    /// Why it matters, in plain words.
    pub rationale: &'static str,
    /// How to fix it, with server hints where they help.
    pub remediation: &'static str,
    /// Sources, the normative one first.
    pub references: &'static [Reference],
    /// Probe data the check reads.
    pub needs: &'static [Need],
    /// Every finding the check itself can emit (the runner's own, [`crate::RUNNER_FINDINGS`],
    /// come on top); a test runs every check over every fixture and fails on an undeclared
    /// (finding, status).
    pub findings: &'static [FindingDecl],
    /// The baseline parameters the check reads; a baseline giving any other, or a value out
    /// of bounds, is rejected. The check reads defaults from here, never from a literal.
    pub params: &'static [ParamDecl],
}

impl CheckMeta {
    /// The declared finding with this key, if any (the check's own, then the runner's).
    pub fn finding(&self, key: &str) -> Option<&'static FindingDecl> {
        self.findings
            .iter()
            .chain(crate::declared::RUNNER_FINDINGS)
            .find(|f| f.key == key)
    }

    /// True when the check (or the runner, for every check) declares this finding with this
    /// status.
    pub fn declares(&self, key: &str, status: Status) -> bool {
        self.findings
            .iter()
            .chain(crate::declared::RUNNER_FINDINGS)
            .any(|f| f.key == key && f.status == status)
    }

    /// The declared parameter with this name, if any.
    pub fn param(&self, name: &str) -> Option<&'static ParamDecl> {
        self.params.iter().find(|p| p.name == name)
    }
}
