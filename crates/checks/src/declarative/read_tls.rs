//! Reading TLS facts (the modern handshake and the hand-built-hello scan) and certificate
//! fields for tree leaves (see [`super::sources`]).

use govscan_model::{FailureKind, Probed};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::sources::{CertField, Scope, TlsField, Values, endpoint, probed};
use crate::cert::der_bytes;

pub(super) fn tls(scope: &Scope<'_>, field: TlsField) -> Result<Values, String> {
    let ep = endpoint(scope)?;
    let at = ep.address.clone();
    match field {
        TlsField::Handshake => match &ep.tls {
            Probed::Ok { .. } => Ok(Values::new(vec!["ok".to_owned()], at)),
            Probed::Failed { kind, detail }
                if !kind.is_scanner_side() && *kind != FailureKind::Blocked =>
            {
                let kind = serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| detail.clone());
                Ok(Values::new(vec![kind], at))
            }
            other => Err(other.missing_reason().unwrap_or_default()),
        },
        TlsField::Version | TlsField::Cipher | TlsField::Group | TlsField::Alpn => {
            let t = probed(&ep.tls)?;
            let value = match field {
                TlsField::Version => Some(t.version.clone()),
                TlsField::Cipher => Some(t.cipher_suite.clone()),
                TlsField::Group => t.key_exchange_group.clone(),
                _ => t.alpn.clone(),
            };
            Ok(Values::new(value.into_iter().collect(), at))
        }
        TlsField::Versions | TlsField::Suites | TlsField::Groups => {
            let scan = probed(&ep.tls_scan)?;
            let unknown_version = scan.versions.iter().any(|v| v.accepted.is_none());
            let accepted = scan.versions.iter().filter(|v| v.accepted == Some(true));
            Ok(match field {
                TlsField::Versions => Values {
                    items: accepted.map(|v| v.version.clone()).collect(),
                    complete: !unknown_version,
                    at,
                },
                TlsField::Suites => {
                    let accepted: Vec<_> = accepted.collect();
                    let complete = !unknown_version
                        && !scan.budget_exhausted
                        && accepted.iter().all(|v| v.suites_complete);
                    let mut items: Vec<String> = accepted
                        .iter()
                        .flat_map(|v| v.suites.iter().map(|s| s.name.clone()))
                        .collect();
                    items.sort();
                    items.dedup();
                    Values {
                        items,
                        complete,
                        at,
                    }
                }
                _ => {
                    let complete = scan.groups_note.is_none()
                        && !scan.groups.is_empty()
                        && scan.groups.iter().all(|g| g.accepted.is_some());
                    let mut items: Vec<String> = scan
                        .groups
                        .iter()
                        .filter(|g| g.accepted == Some(true))
                        .map(|g| g.name.clone())
                        .collect();
                    items.sort();
                    items.dedup();
                    Values {
                        items,
                        complete,
                        at,
                    }
                }
            })
        }
    }
}

pub(super) fn cert(scope: &Scope<'_>, field: CertField, chain: bool) -> Result<Values, String> {
    let ep = endpoint(scope)?;
    let t = probed(&ep.tls)?;
    let at = format!("certificate of {}", ep.address);
    if field == CertField::Trust {
        let verdict = t
            .trust
            .at_scan_time
            .as_ref()
            .map_or_else(|| "valid".to_owned(), |e| e.kind.clone());
        return Ok(Values::new(vec![verdict], at));
    }
    if t.chain.is_empty() {
        return Err("the server sent no certificate".to_owned());
    }
    let mut items = Vec::new();
    for (position, sent) in t.chain.iter().enumerate() {
        let der = der_bytes(sent)?;
        let (_, c) = X509Certificate::from_der(&der)
            .map_err(|e| format!("certificate {position} does not parse: {e}"))?;
        // A client trusts a root by its presence in the store, not by what was sent.
        let self_issued_ca = c.subject().as_raw() == c.issuer().as_raw() && c.is_ca();
        if position > 0 && self_issued_ca {
            continue;
        }
        items.extend(cert_field(&c, sent, field, scope.now)?);
        if !chain {
            break;
        }
    }
    Ok(Values::new(items, at))
}

fn cert_field(
    c: &X509Certificate<'_>,
    sent: &govscan_model::CertificateDer,
    field: CertField,
    now: i64,
) -> Result<Vec<String>, String> {
    Ok(match field {
        CertField::Issuer => vec![c.issuer().to_string()],
        CertField::Subject => vec![c.subject().to_string()],
        CertField::Sans => {
            let mut sans = Vec::new();
            for ext in c.extensions() {
                if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
                    for name in &san.general_names {
                        match name {
                            GeneralName::DNSName(d) => sans.push((*d).to_owned()),
                            GeneralName::IPAddress(ip) => sans.push(ip_text(ip)),
                            _ => {}
                        }
                    }
                }
            }
            sans
        }
        CertField::KeyType | CertField::KeyBits | CertField::RsaBits | CertField::EcBits => {
            let key = crate::cert::facts::facts(sent, 0)?.key;
            match field {
                CertField::KeyType => vec![key.algorithm.to_owned()],
                CertField::KeyBits => vec![key.bits.to_string()],
                CertField::RsaBits if key.algorithm == "rsa" => vec![key.bits.to_string()],
                CertField::EcBits if key.algorithm == "ec" => vec![key.bits.to_string()],
                _ => Vec::new(),
            }
        }
        CertField::NotBefore => vec![crate::cert::rfc3339(c.validity().not_before.timestamp())],
        CertField::NotAfter => vec![crate::cert::rfc3339(c.validity().not_after.timestamp())],
        CertField::DaysLeft => {
            let left = c.validity().not_after.timestamp() - now;
            vec![left.div_euclid(86_400).to_string()]
        }
        CertField::DaysValid => {
            let since = now - c.validity().not_before.timestamp();
            vec![since.div_euclid(86_400).to_string()]
        }
        CertField::PolicyOids => {
            let mut oids = Vec::new();
            for ext in c.extensions() {
                if let ParsedExtension::CertificatePolicies(policies) = ext.parsed_extension() {
                    oids.extend(policies.iter().map(|p| p.policy_id.to_id_string()));
                }
            }
            oids
        }
        CertField::Extensions => c
            .extensions()
            .iter()
            .map(|e| e.oid.to_id_string())
            .collect(),
        CertField::SignatureAlgorithm => vec![c.signature_algorithm.algorithm.to_id_string()],
        CertField::Trust => Vec::new(),
    })
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => format!("{bytes:02x?}"),
    }
}
