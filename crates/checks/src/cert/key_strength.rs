//! Every certificate the server sends (below the root) has a strong key: RSA ≥ 2048 bits, EC ≥ 256.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, ParamDecl, ParamKind,
    ParamValue, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::facts::{CertFacts, judged};
use crate::cert::{no_certificate, parsed_chain};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct KeyStrength;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.key-strength",
    family: Family::Cert,
    title: "Certificate keys are strong (RSA ≥ 2048 bits, EC ≥ 256 bits)",
    level: Level::Must,
    rationale: "A weak certificate key lets an attacker forge the server's identity. RSA-1024 \
                has been within reach of well-funded attackers for years; the CA/Browser Forum \
                requires RSA ≥ 2048 and P-256 or larger curves, and NCSC-NL rates RSA 2048–3071 \
                phase-out, RSA ≥ 3072 and P-256/384/521 good.",
    remediation: "Issue a new certificate on a new key: ECDSA P-256 (or RSA 3072).\n\
                  openssl: `openssl ecparam -name prime256v1 -genkey -out key.pem` (or \
                  `openssl genrsa -out key.pem 3072`), then a new CSR and certificate.\n\
                  nginx / Apache: point `ssl_certificate_key` / `SSLCertificateKeyFile` at the \
                  new key.\n\
                  IIS: create the CSR with an ECDSA_P256 or 3072-bit RSA key.",
    references: &[
        Reference {
            title: "CA/Browser Forum Baseline Requirements §6.1.5 (key sizes)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (certificate keys)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "keys_strong",
            status: Status::Pass,
            meaning: "every certificate key meets the minimum size",
        },
        FindingDecl {
            key: "weak_key",
            status: Status::Fail,
            meaning: "a certificate key is below the minimum size",
        },
        FindingDecl {
            key: "key_unrecognised",
            status: Status::Inconclusive,
            meaning: "a key type govscan cannot rate",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[ParamDecl {
        name: "min_rsa_bits",
        kind: ParamKind::Integer {
            min: 1024,
            max: 16384,
        },
        default: ParamValue::Integer(2048),
        doc: "the smallest RSA modulus, in bits, that passes",
    }],
};

/// `Some(reason)` when the key is weak, `None` when strong; `Err` when unknown.
fn weakness(c: &CertFacts, min_rsa: usize) -> Result<Option<String>, String> {
    let k = &c.key;
    match k.algorithm {
        "rsa" if k.bits < min_rsa => Ok(Some(format!("RSA {} bits", k.bits))),
        "rsa" | "ed25519" | "ed448" => Ok(None),
        "ec" => match k.curve.as_deref() {
            Some(
                "P-256" | "P-384" | "P-521" | "brainpoolP256r1" | "brainpoolP384r1"
                | "brainpoolP512r1",
            ) => Ok(None),
            Some(curve) => Ok(Some(format!("EC curve {curve} ({} bits)", k.bits))),
            None if k.bits >= 256 => Ok(None),
            None => Ok(Some(format!("EC {} bits", k.bits))),
        },
        "dsa" => Ok(Some(format!("DSA {} bits", k.bits))),
        _ => Err("an unrecognised key algorithm".into()),
    }
}

pub(crate) fn judge(tls: &TlsObservation, min_rsa: usize) -> EndpointVerdict {
    let chain = match parsed_chain(tls, "") {
        Ok(c) => c,
        Err(verdict) => return verdict,
    };
    let mut weak = Vec::new();
    let mut unknown = Vec::new();
    let mut rows = Vec::new();
    for c in judged(&chain) {
        rows.push(json!({ "position": c.position, "subject": c.subject, "algorithm": c.key.algorithm, "bits": c.key.bits, "curve": c.key.curve }));
        match weakness(c, min_rsa) {
            Ok(Some(why)) => {
                weak.push(format!("certificate {} ({}): {why}", c.position, c.subject))
            }
            Ok(None) => {}
            Err(why) => unknown.push(format!("certificate {}: {why}", c.position)),
        }
    }
    let evidence = json!({ "keys": rows, "min_rsa_bits": min_rsa });
    if rows.is_empty() {
        no_certificate(evidence)
    } else if !weak.is_empty() {
        EndpointVerdict::new(Status::Fail, "weak_key", weak.join("; "), evidence)
    } else if !unknown.is_empty() {
        EndpointVerdict::new(
            Status::Inconclusive,
            "key_unrecognised",
            unknown.join("; "),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "keys_strong",
            "every certificate key is strong enough",
            evidence,
        )
    }
}

impl Check for KeyStrength {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let min_rsa = usize::try_from(ctx.param_i64(&META, "min_rsa_bits")).unwrap_or(0);
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| judge(tls, min_rsa),
        )
    }
}
