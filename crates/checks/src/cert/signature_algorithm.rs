//! No certificate the server sends (below the root) is signed with SHA-1, MD5 or MD2.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use serde_json::json;

use crate::cert::facts::judged;
use crate::cert::{no_certificate, parsed_chain};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct SignatureAlgorithm;

/// `weak_signature`: declared once for every check that judges signatures with [`judge`].
pub(crate) const WEAK_SIGNATURE: FindingDecl = FindingDecl {
    key: "weak_signature",
    status: Status::Fail,
    meaning: "a certificate is signed with a broken algorithm (MD5, SHA-1)",
};

/// `signature_unrecognised`: declared once for every check that judges signatures with
/// [`judge`].
pub(crate) const SIGNATURE_UNRECOGNISED: FindingDecl = FindingDecl {
    key: "signature_unrecognised",
    status: Status::Inconclusive,
    meaning: "a signature algorithm govscan cannot rate",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.signature-algorithm",
    family: Family::Cert,
    title: "Certificates are signed with SHA-2 or better",
    level: Level::Must,
    rationale: "A certificate signed with a broken hash can be forged by a chosen-prefix \
                collision (MD5: 2008 rogue CA; SHA-1: SHAttered 2017, chosen-prefix 2020). \
                Browsers reject SHA-1 certificates; NCSC-NL rates SHA-256/384/512 sufficient, \
                SHA-224 phase-out and everything else insufficient. The root's own signature \
                does not count: a root is trusted by being in the store.",
    remediation: "Reissue the certificate (and use intermediates) signed with SHA-256 or \
                  better; every public CA does this by default.\n\
                  openssl: sign with `-sha256` (`openssl req -new -sha256 …`, `openssl ca -md sha256`).\n\
                  nginx / Apache / IIS: install the reissued certificate and its current \
                  intermediate; remove old SHA-1 intermediates from the chain file or store.",
    references: &[
        Reference {
            title: "CA/Browser Forum Baseline Requirements §7.1.3 (signature algorithms)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (certificate signatures)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "signatures_strong",
            status: Status::Pass,
            meaning: "every certificate below the root is signed with SHA-2 or better",
        },
        FindingDecl {
            key: "phase_out_signature",
            status: Status::Warn,
            meaning: "a signature uses an algorithm rated phase-out",
        },
        WEAK_SIGNATURE,
        SIGNATURE_UNRECOGNISED,
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[],
};

/// (name, verdict) of a signature algorithm OID: `Some(Fail|Warn|Pass)`, `None` unknown.
fn classify(oid: &str) -> (&'static str, Option<Status>) {
    match oid {
        "1.2.840.113549.1.1.2" => ("md2WithRSAEncryption", Some(Status::Fail)),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", Some(Status::Fail)),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", Some(Status::Fail)),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", Some(Status::Fail)),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", Some(Status::Fail)),
        "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", Some(Status::Warn)),
        "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", Some(Status::Warn)),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", Some(Status::Pass)),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", Some(Status::Pass)),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", Some(Status::Pass)),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", Some(Status::Pass)),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", Some(Status::Pass)),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", Some(Status::Pass)),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", Some(Status::Pass)),
        "1.3.101.112" => ("Ed25519", Some(Status::Pass)),
        "1.3.101.113" => ("Ed448", Some(Status::Pass)),
        _ => ("unknown", None),
    }
}

pub(crate) fn judge(tls: &TlsObservation) -> EndpointVerdict {
    let chain = match parsed_chain(tls, "") {
        Ok(c) => c,
        Err(verdict) => return verdict,
    };
    let mut rows = Vec::new();
    let (mut fail, mut warn, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for c in judged(&chain) {
        let (name, verdict) = classify(&c.signature_oid);
        rows.push(json!({ "position": c.position, "subject": c.subject, "algorithm": name, "oid": c.signature_oid }));
        let line = format!(
            "certificate {} ({}) is signed with {name}",
            c.position, c.subject
        );
        match verdict {
            Some(Status::Fail) => fail.push(line),
            Some(Status::Warn) => warn.push(line),
            Some(_) => {}
            None => unknown.push(format!(
                "certificate {} uses signature algorithm {}",
                c.position, c.signature_oid
            )),
        }
    }
    let evidence = json!({ "signatures": rows });
    if rows.is_empty() {
        no_certificate(evidence)
    } else if !fail.is_empty() {
        EndpointVerdict::new(
            WEAK_SIGNATURE.status,
            WEAK_SIGNATURE.key,
            fail.join("; "),
            evidence,
        )
    } else if !warn.is_empty() {
        EndpointVerdict::new(
            Status::Warn,
            "phase_out_signature",
            warn.join("; "),
            evidence,
        )
    } else if !unknown.is_empty() {
        EndpointVerdict::new(
            SIGNATURE_UNRECOGNISED.status,
            SIGNATURE_UNRECOGNISED.key,
            unknown.join("; "),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "signatures_strong",
            "every certificate below the root is signed with SHA-2 or better",
            evidence,
        )
    }
}

impl Check for SignatureAlgorithm {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(META.id, &obs.endpoints, |ep| &ep.tls, |_, tls| judge(tls))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_common_oids() {
        assert_eq!(classify("1.2.840.113549.1.1.5").1, Some(Status::Fail));
        assert_eq!(classify("1.2.840.10045.4.3.2").1, Some(Status::Pass));
        assert_eq!(classify("1.2.3").1, None);
    }
}
