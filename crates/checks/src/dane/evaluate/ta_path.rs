//! DANE-TA's path and leaf conditions (RFC 7672 §3.2): a path of signatures from the leaf to
//! the trust anchor, every certificate of it inside its validity period, a reference name on
//! the leaf.

use govscan_revocation::SignatureCheck;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{Input, Presented};
use crate::cert::hostname_match::dns_name_matches;
use crate::cert::rfc3339;

/// Positions from the leaf up to the first certificate `is_anchor` accepts, each issued by the
/// next (a signature the scanner cannot check counts by name, as elsewhere in govscan).
pub(super) fn path_to(
    presented: &[Presented],
    is_anchor: impl Fn(&Presented) -> bool,
) -> Result<Vec<usize>, String> {
    let mut path = vec![0usize];
    let mut current = 0usize;
    for _ in 0..presented.len() {
        if is_anchor(&presented[current]) {
            return Ok(path.iter().map(|i| presented[*i].position).collect());
        }
        let next = (0..presented.len())
            .filter(|i| !path.contains(i))
            .find(|i| {
                !matches!(
                    presented[current].cert.issued_by(&presented[*i].cert),
                    SignatureCheck::Invalid(_)
                )
            });
        match next {
            Some(i) => {
                path.push(i);
                current = i;
            }
            None => {
                return Err(format!(
                    "no certificate in the chain issued certificate {} ({})",
                    presented[current].position, presented[current].cert.subject
                ));
            }
        }
    }
    Err("the chain does not lead to the trust anchor".to_owned())
}

/// DANE-TA's conditions on the leaf and the path: a reference name on the leaf (RFC 7672
/// §3.2.2), every certificate of the path inside its validity period. Returns the name found.
pub(super) fn leaf_conditions(
    input: &Input<'_>,
    presented: &[Presented],
    path: &[usize],
) -> Result<String, String> {
    for position in path {
        if let Some(p) = presented.iter().find(|p| p.position == *position)
            && !p.cert.valid_at(input.now)
        {
            return Err(format!(
                "certificate {position} ({}) is outside its validity period ({} to {})",
                p.cert.subject,
                rfc3339(p.cert.not_before),
                rfc3339(p.cert.not_after)
            ));
        }
    }
    let names = leaf_dns_names(&presented[0].cert.der);
    input
        .names
        .iter()
        .find(|want| names.iter().any(|have| dns_name_matches(have, want)))
        .map(|n| (*n).to_owned())
        .ok_or_else(|| {
            format!(
                "the leaf names {} and not {} (DANE-TA needs the name, RFC 7672 §3.2.2)",
                if names.is_empty() {
                    "nothing".to_owned()
                } else {
                    names.join(", ")
                },
                input.names.join(" or ")
            )
        })
}

/// The leaf's subjectAltName dNSNames, or its common names when it has none (RFC 7672 §3.2.3).
fn leaf_dns_names(der: &[u8]) -> Vec<String> {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let san: Vec<String> = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| {
            ext.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some((*d).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if !san.is_empty() {
        return san;
    }
    cert.subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
        .collect()
}

pub(super) fn path_text(path: &[usize]) -> String {
    path.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" → ")
}
