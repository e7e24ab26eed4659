//! CRLs (RFC 5280 §5): reading a fetched CRL for one certificate — issuer, signature by the
//! issuer's key (§6.3.3 (f)), scope (§5.2.5 issuing distribution point, delta CRLs, unknown
//! critical extensions: §6.3.3 (b)), the certificate's entry — and judging the reading at a
//! moment (freshness, §6.3.3 (a)).

use govscan_model::{CrlEntry, CrlRead, CrlReading};
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::answer::{Answer, Problem, ProblemKind, fresh, reason_name};
use crate::cert::{Cert, serial_text, strip_leading_zeros};
use crate::signature::{SignatureCheck, verify_raw};

/// deltaCRLIndicator (RFC 5280 §5.2.4).
const OID_DELTA_CRL: &str = "2.5.29.27";

/// Reads the DER CRL `der`, fetched from `url`, for `leaf` issued by `issuer`.
pub fn read(der: &[u8], leaf: &Cert, issuer: &Cert, url: &str) -> CrlRead {
    let crl = match CertificateRevocationList::from_der(der) {
        Ok(([], crl)) => crl,
        Ok(_) => {
            return CrlRead::Unreadable {
                detail: "the CRL is followed by trailing bytes".to_string(),
            };
        }
        Err(e) => {
            return CrlRead::Unreadable {
                detail: format!("the body is not a DER CRL: {e}"),
            };
        }
    };
    let issuer_matches = crl.issuer().as_raw() == issuer.subject_raw.as_slice();
    let signature = if issuer.crl_sign == Some(false) {
        SignatureCheck::Invalid(format!(
            "{} may not sign CRLs (its key usage lacks cRLSign)",
            issuer.subject
        ))
    } else {
        verify_raw(
            &issuer.spki_raw,
            &crl.signature_algorithm,
            &crl.signature_value.data,
            crl.tbs_cert_list.as_ref(),
        )
    };
    let mut entries: u64 = 0;
    let mut entry = None;
    let mut out_of_scope = scope_problems(&crl, url);
    for revoked in crl.iter_revoked_certificates() {
        entries += 1;
        if entry.is_none() && strip_leading_zeros(revoked.raw_serial()) == leaf.serial.as_slice() {
            if revoked
                .extensions()
                .iter()
                .any(|e| e.critical && e.parsed_extension().unsupported())
            {
                out_of_scope.push(
                    "the certificate's entry carries an unrecognised critical extension (e.g. an indirect CRL's certificateIssuer)".to_string(),
                );
            }
            entry = Some(CrlEntry {
                serial: serial_text(&leaf.serial),
                revoked_at: revoked.revocation_date.timestamp(),
                reason: revoked
                    .reason_code()
                    .map(|(_, code)| reason_name(u32::from(code.0))),
            });
        }
    }
    CrlRead::Read {
        value: CrlReading {
            issuer: crl.issuer().to_string(),
            issuer_matches,
            signature: signature.label().to_string(),
            signature_detail: signature.detail().to_string(),
            this_update: crl.last_update().timestamp(),
            next_update: crl.next_update().map(|t| t.timestamp()),
            crl_number: crl.crl_number().map(|n| n.to_string()),
            entries,
            out_of_scope,
            entry,
        },
    }
}

/// Why the CRL does not cover an end-entity certificate fetched from `url`, if so.
fn scope_problems(crl: &CertificateRevocationList<'_>, url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for ext in crl.extensions() {
        if ext.oid.to_id_string() == OID_DELTA_CRL {
            problems.push("it is a delta CRL, not a complete one (RFC 5280 §5.2.4)".to_string());
            continue;
        }
        match ext.parsed_extension() {
            ParsedExtension::IssuingDistributionPoint(idp) => {
                if idp.only_contains_ca_certs || idp.only_contains_attribute_certs {
                    problems.push(
                        "its issuing distribution point limits it to CA or attribute certificates"
                            .to_string(),
                    );
                }
                if idp.only_some_reasons.is_some() {
                    problems.push(
                        "its issuing distribution point covers only some revocation reasons"
                            .to_string(),
                    );
                }
                if idp.indirect_crl {
                    problems.push("it is an indirect CRL, which govscan does not read".to_string());
                }
                if let Some(DistributionPointName::FullName(names)) = &idp.distribution_point {
                    let listed = names
                        .iter()
                        .any(|n| matches!(n, GeneralName::URI(u) if same_url(u, url)));
                    if !listed {
                        problems.push(format!(
                            "its issuing distribution point does not name {url}, the location the certificate gives (RFC 5280 §6.3.3 (b)(2)(i))"
                        ));
                    }
                }
            }
            other if ext.critical && other.unsupported() => problems.push(format!(
                "it has an unrecognised critical extension {} (RFC 5280 §5.2)",
                ext.oid.to_id_string()
            )),
            _ => {}
        }
    }
    problems
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// What `reading` means for the certificate at `now` (Unix seconds).
pub fn judge(reading: &CrlReading, now: i64) -> Answer {
    if !reading.issuer_matches {
        return Answer::Problem(Problem::new(
            ProblemKind::WrongCertificate,
            format!(
                "the CRL is issued by {}, not by the certificate's issuer",
                reading.issuer
            ),
        ));
    }
    match reading.signature.as_str() {
        "valid" => {}
        "unverifiable" => {
            return Answer::Problem(Problem::new(
                ProblemKind::Unverifiable,
                reading.signature_detail.clone(),
            ));
        }
        _ => {
            return Answer::Problem(Problem::new(
                ProblemKind::BadSignature,
                format!(
                    "the CRL's signature does not verify with the issuer's key: {}",
                    reading.signature_detail
                ),
            ));
        }
    }
    if !reading.out_of_scope.is_empty() {
        return Answer::Problem(Problem::new(
            ProblemKind::OutOfScope,
            format!(
                "the CRL does not cover this certificate: {}",
                reading.out_of_scope.join("; ")
            ),
        ));
    }
    // A listed certificate stays revoked however old the CRL (removeFromCRL only appears in
    // delta CRLs, which are out of scope above).
    if let Some(entry) = &reading.entry {
        return Answer::Revoked {
            at: entry.revoked_at,
            reason: entry.reason.clone(),
        };
    }
    match fresh(reading.this_update, reading.next_update, now) {
        Ok(()) => Answer::Good,
        Err(problem) => Answer::Problem(problem),
    }
}
