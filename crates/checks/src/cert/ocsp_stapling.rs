//! The server staples a fresh, correctly signed OCSP response saying the certificate is good,
//! when its certificate names an OCSP responder (RFC 6066 §8, read as RFC 6960 §3.2 says).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use govscan_revocation::ocsp::read_response;
use govscan_revocation::{Answer, ProblemKind, time_text};
use serde_json::json;

use crate::cert::staple::{judged_at, leaf_and_issuer, ocsp_evidence, revoked_words, staple_bytes};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct OcspStapling;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.ocsp-stapling",
    family: Family::Cert,
    title: "A fresh, correctly signed OCSP response saying \"good\" is stapled",
    level: Level::Should,
    rationale: "With stapling the server hands clients a fresh, CA-signed revocation status, so \
                clients do not have to ask the CA (which leaks which sites people visit and \
                fails open when the responder is slow). The staple is judged as a client must \
                (RFC 6960 §3.2): it has to be about this certificate and its issuer, be signed \
                by the issuer or by a responder the issuer certified for OCSP signing, be \
                current (thisUpdate passed, nextUpdate not yet), and say \"good\". A staple \
                that says revoked or unknown, is stale, or is badly signed fails. Certificates \
                that name no OCSP responder (e.g. Let's Encrypt since 2025, which uses CRLs) \
                cannot be stapled, so the check does not apply to them. Whether the certificate \
                is revoked is judged by cert.not-revoked.",
    remediation: "Turn on OCSP stapling and let the server refresh the response itself.\n\
                  nginx: `ssl_stapling on; ssl_stapling_verify on;` plus a `resolver` and \
                  `ssl_trusted_certificate` with the chain (a static `ssl_stapling_file` goes \
                  stale: refresh it before its nextUpdate).\n\
                  Apache: `SSLUseStapling on` and `SSLStaplingCache shmcb:/var/run/ocsp(128000)` \
                  (outside the virtual host).\n\
                  IIS / Windows: stapling is on by default when the server can reach the CA's \
                  OCSP responder.\n\
                  A staple that says \"revoked\" means the certificate itself must be replaced: \
                  get a new certificate (with a new key after a key compromise) and install it.",
    references: &[
        Reference {
            title: "RFC 6066 §8 (Certificate Status Request)",
            url: "https://www.rfc-editor.org/rfc/rfc6066#section-8",
        },
        Reference {
            title: "RFC 6960 §3.2 (signed response acceptance requirements)",
            url: "https://www.rfc-editor.org/rfc/rfc6960#section-3.2",
        },
        Reference {
            title: "RFC 6960 §4.2.2.1 (time) and §4.2.2.2 (authorized responders)",
            url: "https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements §4.9.10 (OCSP response validity)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "Mozilla Server Side TLS (OCSP stapling)",
            url: "https://wiki.mozilla.org/Security/Server_Side_TLS",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "stapled",
            status: Status::Pass,
            meaning: "the server staples a good, current OCSP response for its certificate",
        },
        FindingDecl {
            key: "not_stapled",
            status: Status::Fail,
            meaning: "the server sends no OCSP response",
        },
        FindingDecl {
            key: "staple_revoked",
            status: Status::Fail,
            meaning: "the stapled response says the certificate is revoked",
        },
        FindingDecl {
            key: "staple_unknown",
            status: Status::Fail,
            meaning: "the stapled response says the responder does not know the certificate",
        },
        FindingDecl {
            key: "staple_stale",
            status: Status::Fail,
            meaning: "the stapled response is past its nextUpdate",
        },
        FindingDecl {
            key: "staple_not_yet_valid",
            status: Status::Fail,
            meaning: "the stapled response is not valid yet",
        },
        FindingDecl {
            key: "staple_bad_signature",
            status: Status::Fail,
            meaning: "the stapled response's signature does not verify",
        },
        FindingDecl {
            key: "staple_unauthorized_signer",
            status: Status::Fail,
            meaning: "the stapled response is signed by a key not authorised for the issuer",
        },
        FindingDecl {
            key: "staple_wrong_certificate",
            status: Status::Fail,
            meaning: "the stapled response is about another certificate",
        },
        FindingDecl {
            key: "staple_not_successful",
            status: Status::Fail,
            meaning: "the stapled response is an OCSP error, not a status",
        },
        FindingDecl {
            key: "staple_unparseable",
            status: Status::Fail,
            meaning: "the stapled response does not parse",
        },
        FindingDecl {
            key: "staple_unverifiable",
            status: Status::Inconclusive,
            meaning: "the staple cannot be verified with what the server sent",
        },
        FindingDecl {
            key: "issuer_not_sent",
            status: Status::Inconclusive,
            meaning: "the issuer certificate is needed to verify the staple and was not sent",
        },
        FindingDecl {
            key: "leaf_unparseable",
            status: Status::Inconclusive,
            meaning: "the leaf certificate does not parse",
        },
        FindingDecl {
            key: "no_ocsp_responder",
            status: Status::NotApplicable,
            meaning: "the certificate names no OCSP responder, so there is nothing to staple",
        },
    ],
    params: &[],
};

/// The finding for an unusable staple (RFC 6960 §3.2: what a client must check).
fn problem_finding(kind: ProblemKind) -> (Status, &'static str) {
    match kind {
        ProblemKind::Unparseable => (Status::Fail, "staple_unparseable"),
        ProblemKind::NotSuccessful => (Status::Fail, "staple_not_successful"),
        ProblemKind::WrongCertificate | ProblemKind::OutOfScope => {
            (Status::Fail, "staple_wrong_certificate")
        }
        ProblemKind::BadSignature => (Status::Fail, "staple_bad_signature"),
        ProblemKind::UnauthorizedSigner => (Status::Fail, "staple_unauthorized_signer"),
        ProblemKind::NotYetValid => (Status::Fail, "staple_not_yet_valid"),
        ProblemKind::Stale => (Status::Fail, "staple_stale"),
        // The scanner cannot check the algorithm or key: no verdict on the target.
        ProblemKind::Unverifiable => (Status::Inconclusive, "staple_unverifiable"),
    }
}

fn judge(tls: &TlsObservation, now: i64) -> EndpointVerdict {
    let pair = match leaf_and_issuer(tls) {
        Ok(pair) => pair,
        Err(e) => {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "leaf_unparseable",
                format!("the stapled response cannot be judged: {e}"),
                json!({ "error": e }),
            );
        }
    };
    let responders = pair.leaf.ocsp_urls.clone();
    let mut evidence = json!({
        "ocsp_responders": responders,
        "stapled": tls.ocsp_stapled.is_some(),
        "serial": pair.leaf.serial_hex(),
    });
    let staple = match staple_bytes(tls) {
        None if responders.is_empty() => {
            return EndpointVerdict::new(
                Status::NotApplicable,
                "no_ocsp_responder",
                "the certificate names no OCSP responder, so there is nothing to staple",
                evidence,
            );
        }
        None => {
            return EndpointVerdict::new(
                Status::Fail,
                "not_stapled",
                format!(
                    "no OCSP response is stapled although the certificate names a responder ({})",
                    responders.join(", ")
                ),
                evidence,
            );
        }
        Some(Err(e)) => {
            return EndpointVerdict::new(Status::Fail, "staple_unparseable", e, evidence);
        }
        Some(Ok(der)) => der,
    };
    evidence["stapled_bytes"] = json!(staple.len());
    let Some(issuer) = pair.issuer.as_ref() else {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "issuer_not_sent",
            "an OCSP response is stapled, but the server did not send the certificate of the \
             leaf's issuer, so the response's signature and certificate ID cannot be checked",
            evidence,
        );
    };
    let reading = read_response(&staple, &pair.leaf, issuer, now);
    evidence["response"] = ocsp_evidence(&reading.facts);
    let signer = reading.facts.signer.clone().unwrap_or_default();
    match reading.answer {
        Answer::Good => {
            let until = reading
                .facts
                .next_update
                .map_or_else(|| "(no nextUpdate)".to_string(), time_text);
            EndpointVerdict::new(
                Status::Pass,
                "stapled",
                format!(
                    "a fresh OCSP response signed by {signer} is stapled: the certificate is good (next update {until})"
                ),
                evidence,
            )
        }
        Answer::Revoked { at, reason } => EndpointVerdict::new(
            Status::Fail,
            "staple_revoked",
            format!(
                "the stapled OCSP response, signed by {signer}, says the certificate was {}",
                revoked_words(at, reason.as_deref())
            ),
            evidence,
        ),
        Answer::Unknown => EndpointVerdict::new(
            Status::Fail,
            "staple_unknown",
            format!(
                "the stapled OCSP response, signed by {signer}, says the responder does not know the certificate (status unknown)"
            ),
            evidence,
        ),
        Answer::Problem(problem) => {
            let (status, finding) = problem_finding(problem.kind);
            EndpointVerdict::new(
                status,
                finding,
                format!(
                    "the stapled OCSP response cannot be relied on: {}",
                    problem.detail
                ),
                evidence,
            )
        }
    }
}

impl Check for OcspStapling {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let at = judged_at(obs, ctx.now_unix);
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| judge(tls, at),
        )
    }
}
