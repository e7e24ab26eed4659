//! The server certificate names the domain in its subjectAltName dNSName entries.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use serde_json::json;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use crate::cert::der_bytes;
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct HostnameMatch;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const NAME_MATCHES: FindingDecl = FindingDecl {
    key: "name_matches",
    status: Status::Pass,
    meaning: "the certificate names the domain",
};
const NAME_MISMATCH: FindingDecl = FindingDecl {
    key: "name_mismatch",
    status: Status::Fail,
    meaning: "the certificate does not name the domain",
};
const NO_SUBJECT_ALT_NAME: FindingDecl = FindingDecl {
    key: "no_subject_alt_name",
    status: Status::Fail,
    meaning: "the certificate has no subjectAltName, which browsers require",
};
const CERTIFICATE_UNPARSEABLE: FindingDecl = FindingDecl {
    key: "certificate_unparseable",
    status: Status::Fail,
    meaning: "the server sent no certificate, or one that does not parse",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.hostname-match",
    family: Family::Cert,
    title: "The certificate is issued for the domain name",
    level: Level::Must,
    rationale: "A certificate only proves the identity of the names listed in it. If the \
                domain is not among them, browsers show a warning and visitors cannot tell the \
                real site from an impostor.",
    remediation: "Get a certificate whose subjectAltName lists the exact domain (and `www.` if \
                  used); a wildcard `*.example.ee` covers one label only and not `example.ee` \
                  itself. Browsers ignore the Common Name.\n\
                  nginx: give each `server_name` its own `ssl_certificate` covering it.\n\
                  Apache: set `SSLCertificateFile` per `<VirtualHost>` matching `ServerName`.\n\
                  IIS: bind the certificate that lists the host name, with SNI enabled.",
    references: &[
        Reference {
            title: "RFC 6125 §6.4 (matching DNS domain names)",
            url: "https://www.rfc-editor.org/rfc/rfc6125#section-6.4",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements §7.1.2.7.12 (subjectAltName)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "RFC 5280 §4.2.1.6 (subject alternative name)",
            url: "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        NAME_MATCHES,
        NAME_MISMATCH,
        NO_SUBJECT_ALT_NAME,
        CERTIFICATE_UNPARSEABLE,
    ],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// A SAN dNSName matches the domain.
    NameMatches,
    /// No SAN dNSName matches the domain.
    NameMismatch,
    /// The certificate has no SAN dNSName at all (Common Name only).
    NoSubjectAltName,
    /// The leaf could not be decoded or parsed, or there was none.
    CertificateUnparseable,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::NameMatches => NAME_MATCHES,
            Finding::NameMismatch => NAME_MISMATCH,
            Finding::NoSubjectAltName => NO_SUBJECT_ALT_NAME,
            Finding::CertificateUnparseable => CERTIFICATE_UNPARSEABLE,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

/// Names read from the leaf.
struct LeafNames {
    dns: Vec<String>,
    ip: Vec<String>,
    common_names: Vec<String>,
}

fn leaf_names(tls: &TlsObservation) -> Result<LeafNames, String> {
    let leaf = tls.chain.first().ok_or("the server sent no certificate")?;
    let der = der_bytes(leaf)?;
    let (_, cert) = X509Certificate::from_der(&der)
        .map_err(|e| format!("the leaf certificate does not parse: {e}"))?;
    let san = cert
        .subject_alternative_name()
        .map_err(|e| format!("the subjectAltName extension is invalid: {e}"))?;
    let mut names = LeafNames {
        dns: Vec::new(),
        ip: Vec::new(),
        common_names: Vec::new(),
    };
    for general_name in san.iter().flat_map(|ext| ext.value.general_names.iter()) {
        match general_name {
            GeneralName::DNSName(name) => names.dns.push((*name).to_owned()),
            GeneralName::IPAddress(bytes) => names.ip.push(ip_text(bytes)),
            _ => {}
        }
    }
    names.common_names = cert
        .subject()
        .iter_common_name()
        .map(|cn| {
            cn.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| "<not a string>".to_owned())
        })
        .collect();
    Ok(names)
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        n => format!("<{n}-byte address>"),
    }
}

/// RFC 6125 §6.4.3 matching of a presented dNSName `pattern` against `name`: ASCII
/// case-insensitive, a trailing dot ignored, and a wildcard only as the whole left-most label,
/// matching exactly one non-empty label, with at least two labels after it.
pub(crate) fn dns_name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern
        .strip_suffix('.')
        .unwrap_or(pattern)
        .to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    if pattern.is_empty() || name.is_empty() || name.contains('*') {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => {
            if rest.contains('*') || !rest.contains('.') {
                return false;
            }
            match name.split_once('.') {
                Some((first, tail)) => !first.is_empty() && tail == rest,
                None => false,
            }
        }
        None => !pattern.contains('*') && pattern == name,
    }
}

impl Check for HostnameMatch {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let domain = obs.domain.as_str();
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| {
                let verifier = json!({
                    "at_scan_time": tls.trust.at_scan_time.as_ref().map(|v| &v.kind),
                    "chain_only": tls.trust.chain_only.as_ref().map(|v| &v.kind),
                });
                let names = match leaf_names(tls) {
                    Ok(names) => names,
                    Err(error) => {
                        return EndpointVerdict::new(
                            Status::Fail,
                            Finding::CertificateUnparseable.key(),
                            error.clone(),
                            json!({ "domain": domain, "error": error, "verifier": verifier }),
                        );
                    }
                };
                let matched: Vec<&String> = names
                    .dns
                    .iter()
                    .filter(|san| dns_name_matches(san, domain))
                    .collect();
                let verifier_says_mismatch = [&tls.trust.at_scan_time, &tls.trust.chain_only]
                    .iter()
                    .any(|v| v.as_ref().is_some_and(|e| e.kind == "not_valid_for_name"));
                let evidence = json!({
                    "domain": domain,
                    "sni": tls.sni,
                    "san_dns_names": names.dns,
                    "san_ip_addresses": names.ip,
                    "common_names": names.common_names,
                    "matched_by": matched,
                    "verifier": verifier,
                    "verifier_reports_name_mismatch": verifier_says_mismatch,
                });
                if !matched.is_empty() {
                    EndpointVerdict::new(
                        Status::Pass,
                        Finding::NameMatches.key(),
                        format!("the certificate covers {domain} (as {})", matched[0]),
                        evidence,
                    )
                } else if names.dns.is_empty() {
                    EndpointVerdict::new(
                        Status::Fail,
                        Finding::NoSubjectAltName.key(),
                        format!(
                            "the certificate lists no DNS names in subjectAltName (Common Name: {}); \
                         browsers ignore the Common Name",
                            names.common_names.join(", ")
                        ),
                        evidence,
                    )
                } else {
                    EndpointVerdict::new(
                        Status::Fail,
                        Finding::NameMismatch.key(),
                        format!(
                            "the certificate is for {} and does not cover {domain}",
                            names.dns.join(", ")
                        ),
                        evidence,
                    )
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names_match_case_insensitively() {
        assert!(dns_name_matches("example.ee", "example.ee"));
        assert!(dns_name_matches("EXAMPLE.ee", "example.EE"));
        assert!(dns_name_matches("example.ee.", "example.ee"));
        assert!(dns_name_matches("example.ee", "example.ee."));
        assert!(!dns_name_matches("example.ee", "www.example.ee"));
        assert!(!dns_name_matches("www.example.ee", "example.ee"));
        assert!(!dns_name_matches("", "example.ee"));
        assert!(!dns_name_matches("example.ee", ""));
    }

    #[test]
    fn wildcards_match_exactly_one_left_most_label() {
        assert!(dns_name_matches("*.example.ee", "www.example.ee"));
        assert!(dns_name_matches("*.Example.ee", "XN--BCHER-KVA.example.ee"));
        assert!(!dns_name_matches("*.example.ee", "example.ee"));
        assert!(!dns_name_matches("*.example.ee", "a.b.example.ee"));
        assert!(!dns_name_matches("*.example.ee", ".example.ee"));
    }

    #[test]
    fn partial_misplaced_and_too_broad_wildcards_never_match() {
        assert!(!dns_name_matches("w*.example.ee", "www.example.ee"));
        assert!(!dns_name_matches("*w.example.ee", "www.example.ee"));
        assert!(!dns_name_matches("www.*.ee", "www.example.ee"));
        assert!(!dns_name_matches("*.*.ee", "www.example.ee"));
        assert!(!dns_name_matches("*", "localhost"));
        assert!(!dns_name_matches("*.ee", "example.ee"));
        assert!(!dns_name_matches("*.example.ee", "*.example.ee"));
        assert!(!dns_name_matches("example.ee", "*.example.ee"));
    }
}
