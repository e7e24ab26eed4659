//! The leaf certificate has not been revoked: judged from a stapled OCSP response, or from the
//! CRL and OCSP answers the probe fetched from the CA, each read as RFC 5280 §6.3 and RFC 6960
//! §3.2 say a client must. A revoked answer fails; no usable answer is inconclusive, never a pass.

use govscan_model::{
    CheckMeta, CrlRead, EndpointObservations, Family, FindingDecl, Level, Need, Observations,
    Outcome, Probed, Reference, RevocationQuery, RevocationSource, Status, TlsObservation,
};
use govscan_revocation::{Answer, Problem, ProblemKind, chain_untrusted, crl, time_text};
use serde_json::{Value, json};

use crate::cert::staple::{
    LeafAndIssuer, answer_label, judged_at, leaf_and_issuer, ocsp_evidence, read_staple,
    revoked_words, staple_bytes,
};
use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::{Check, Context};

/// The check.
pub struct NotRevoked;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.not-revoked",
    family: Family::Cert,
    title: "The certificate has not been revoked",
    level: Level::Must,
    rationale: "A CA revokes a certificate when its key was compromised or it was issued wrongly; \
                a revoked certificate must not be trusted, whatever its dates say. govscan \
                reads a stapled OCSP response, or else asks the CA itself (the CRL named in the \
                certificate, then its OCSP responder, over http:// as clients do) and checks \
                that each answer is about this certificate, is signed by its issuer (or a \
                responder the issuer certified) and is current. A revoked answer fails with its \
                date and reason. When no source gives a usable answer the result is \
                inconclusive, never a pass. A certificate that names no way to check it (no CRL, \
                no OCSP responder) cannot be revoked in any client's eyes and fails, unless it \
                is short-lived (at most ten days), which the CA/Browser Forum exempts.",
    remediation: "A revoked certificate must be replaced: request a new certificate from the CA \
                  (with a new key if the old one may be compromised), install it with its \
                  chain, reload the server, and remove the revoked one from every server and \
                  load balancer that still sends it.\n\
                  nginx: point `ssl_certificate`/`ssl_certificate_key` at the new files and run \
                  `nginx -s reload`; with `ssl_stapling_file`, replace that file too.\n\
                  Apache: update `SSLCertificateFile`/`SSLCertificateKeyFile` and run \
                  `apachectl graceful`.\n\
                  IIS: import the new certificate and change the site's https binding.\n\
                  A certificate without CRL Distribution Points or an OCSP responder comes from \
                  a CA that offers no revocation: use a publicly trusted CA.",
    references: &[
        Reference {
            title: "RFC 5280 §6.3 (CRL validation) and §5 (CRL profile)",
            url: "https://www.rfc-editor.org/rfc/rfc5280#section-6.3",
        },
        Reference {
            title: "RFC 6960 §3.2 (signed response acceptance) and §4.2.2.2 (authorized responders)",
            url: "https://www.rfc-editor.org/rfc/rfc6960#section-3.2",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements §7.1.2.11.2 (CRL Distribution Points) and §4.9.7, §4.9.10 (CRL and OCSP validity)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "RFC 5019 (lightweight OCSP profile: GET requests, SHA-1 CertID)",
            url: "https://www.rfc-editor.org/rfc/rfc5019",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "not_revoked",
            status: Status::Pass,
            meaning: "OCSP or the CRL says the leaf is not revoked",
        },
        FindingDecl {
            key: "revoked",
            status: Status::Fail,
            meaning: "the leaf certificate is revoked",
        },
        FindingDecl {
            key: "no_revocation_information",
            status: Status::Fail,
            meaning: "the leaf names no CRL and no OCSP responder, so it cannot be revoked",
        },
        FindingDecl {
            key: "no_answer",
            status: Status::Inconclusive,
            meaning: "no revocation source gave a usable answer",
        },
        FindingDecl {
            key: "issuer_not_sent",
            status: Status::Inconclusive,
            meaning: "the issuer certificate is needed to ask and was not sent",
        },
        FindingDecl {
            key: "leaf_unparseable",
            status: Status::Inconclusive,
            meaning: "the leaf certificate does not parse",
        },
        FindingDecl {
            key: "expired",
            status: Status::NotApplicable,
            meaning: "the leaf has expired: CAs keep revocation status only until expiry",
        },
        FindingDecl {
            key: "short_lived",
            status: Status::NotApplicable,
            meaning: "the leaf is short-lived and names no revocation source, which it may omit",
        },
        FindingDecl {
            key: "self_signed",
            status: Status::NotApplicable,
            meaning: "a self-signed leaf cannot be revoked",
        },
        FindingDecl {
            key: "chain_not_trusted",
            status: Status::NotApplicable,
            meaning: "the chain is not trusted: clients refuse it before revocation matters",
        },
    ],
    params: &[],
};

/// Longest validity of a Short-lived Subscriber Certificate, which may omit revocation
/// information (CA/Browser Forum BR §7.1.2.11.2; ten days until 2026-03-15, seven after).
const SHORT_LIVED_SECONDS: i64 = 10 * 86_400;

/// One source's answer about the leaf.
struct SourceAnswer {
    /// `stapled OCSP response`, `CRL <url>` or `OCSP responder <url>`.
    source: String,
    answer: Answer,
    evidence: Value,
}

fn source_kind(source: RevocationSource) -> &'static str {
    match source {
        RevocationSource::Crl => "crl",
        RevocationSource::Ocsp => "ocsp",
    }
}

/// Reads one fetched answer for the leaf; `None` for the answer when nothing usable came back.
fn read_query(q: &RevocationQuery, pair: &LeafAndIssuer, now: i64) -> (Option<Answer>, Value) {
    let mut evidence = json!({
        "source": source_kind(q.source),
        "url": q.url,
        "method": q.method,
        "shared": q.shared,
    });
    let response = match &q.response {
        Probed::Ok { value } => value,
        other => {
            evidence["outcome"] = json!(other.missing_reason());
            return (None, evidence);
        }
    };
    evidence["address"] = json!(response.address);
    evidence["http_status"] = json!(response.status);
    evidence["bytes"] = json!(response.bytes);
    evidence["duration_ms"] = json!(response.duration_ms);
    let answer = if response.status != 200 {
        Answer::Problem(Problem::new(
            ProblemKind::NotSuccessful,
            format!("HTTP status {}", response.status),
        ))
    } else {
        match (q.source, &q.crl, &response.body_base64, &pair.issuer) {
            (RevocationSource::Crl, Some(CrlRead::Read { value }), _, _) => {
                evidence["crl"] = json!({
                    "issuer": value.issuer,
                    "signature": value.signature,
                    "this_update": time_text(value.this_update),
                    "next_update": value.next_update.map(time_text),
                    "crl_number": value.crl_number,
                    "entries": value.entries,
                    "entry": value.entry,
                    "out_of_scope": value.out_of_scope,
                });
                crl::judge(value, now)
            }
            (RevocationSource::Crl, Some(CrlRead::Unreadable { detail }), _, _) => {
                Answer::Problem(Problem::new(ProblemKind::Unparseable, detail.clone()))
            }
            (RevocationSource::Ocsp, _, Some(body), Some(issuer)) => {
                match crate::cert::staple::decode(body) {
                    Ok(der) => {
                        let reading =
                            govscan_revocation::ocsp::read_response(&der, &pair.leaf, issuer, now);
                        evidence["response"] = ocsp_evidence(&reading.facts);
                        reading.answer
                    }
                    Err(e) => Answer::Problem(Problem::new(ProblemKind::Unparseable, e)),
                }
            }
            (RevocationSource::Ocsp, _, Some(_), None) => Answer::Problem(Problem::new(
                ProblemKind::Unverifiable,
                "the issuer's certificate was not sent, so the answer cannot be checked",
            )),
            _ => Answer::Problem(Problem::new(
                ProblemKind::Unparseable,
                "no body was recorded for this answer",
            )),
        }
    };
    evidence["outcome"] = json!(answer_label(&answer));
    (Some(answer), evidence)
}

/// Every usable-or-not answer: the staple first, then each fetched one; plus the plain
/// record of what was asked and the reason the probe gave when it asked nothing.
fn answers(
    ep: &EndpointObservations,
    tls: &TlsObservation,
    pair: &LeafAndIssuer,
    now: i64,
) -> (Vec<SourceAnswer>, Vec<Value>, Option<String>) {
    let mut found = Vec::new();
    if let Some(reading) = read_staple(tls, pair, now) {
        found.push(SourceAnswer {
            source: match &reading.facts.signer {
                Some(signer) => format!("the stapled OCSP response (signed by {signer})"),
                None => "the stapled OCSP response".to_string(),
            },
            evidence: json!({ "source": "staple", "response": ocsp_evidence(&reading.facts),
                              "outcome": answer_label(&reading.answer) }),
            answer: reading.answer,
        });
    }
    let mut asked = Vec::new();
    let probe_note = match &ep.revocation {
        Probed::Ok { value } => {
            for q in &value.queries {
                let (answer, evidence) = read_query(q, pair, now);
                if let Some(answer) = answer {
                    let source = match q.source {
                        RevocationSource::Crl => format!("the CRL at {}", q.url),
                        RevocationSource::Ocsp => match evidence["response"]["signer"].as_str() {
                            Some(signer) => {
                                format!("the OCSP responder at {} (signed by {signer})", q.url)
                            }
                            None => format!("the OCSP responder at {}", q.url),
                        },
                    };
                    found.push(SourceAnswer {
                        source,
                        answer,
                        evidence: evidence.clone(),
                    });
                }
                asked.push(evidence);
            }
            for n in &value.not_asked {
                asked.push(json!({ "source": source_kind(n.source), "url": n.url,
                                   "outcome": format!("not asked: {}", n.why) }));
            }
            None
        }
        other => other.missing_reason(),
    };
    (found, asked, probe_note)
}

fn judge(ep: &EndpointObservations, now: i64) -> EndpointVerdict {
    let tls = match &ep.tls {
        Probed::Ok { value } => value,
        other => return missing_probe_verdict(other),
    };
    let pair = match leaf_and_issuer(tls) {
        Ok(pair) => pair,
        Err(e) => {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "leaf_unparseable",
                format!("the revocation status cannot be judged: {e}"),
                json!({ "error": e }),
            );
        }
    };
    let leaf = &pair.leaf;
    let serial = leaf.serial_hex();
    let (found, asked, probe_note) = answers(ep, tls, &pair, now);
    let revoked = found.iter().find_map(|a| match &a.answer {
        Answer::Revoked { at, reason } => Some((a, *at, reason.clone())),
        _ => None,
    });
    if let Some((hit, at, reason)) = revoked {
        return EndpointVerdict::new(
            Status::Fail,
            "revoked",
            format!(
                "the certificate (serial {serial}) was {}, says {}",
                revoked_words(at, reason.as_deref()),
                hit.source
            ),
            json!({ "serial": serial, "answer": hit.evidence, "asked": asked }),
        );
    }
    let plain = |status, finding, message: String| {
        EndpointVerdict::new(
            status,
            finding,
            message,
            json!({ "serial": serial, "asked": asked }),
        )
    };
    if leaf.self_issued() {
        return plain(
            Status::NotApplicable,
            "self_signed",
            "the certificate is self-signed: no CA can revoke it (cert.trusted-chain judges it)"
                .to_string(),
        );
    }
    if let Some(error) = chain_untrusted(&tls.trust) {
        return plain(
            Status::NotApplicable,
            "chain_not_trusted",
            format!(
                "the chain is not trusted ({}), so clients refuse it before revocation matters (cert.trusted-chain judges it)",
                error.kind
            ),
        );
    }
    if leaf.not_after < now {
        return plain(
            Status::NotApplicable,
            "expired",
            format!(
                "the certificate expired on {}; CAs keep revocation status only until expiry (RFC 5280 §3.3), and cert.not-expired judges it",
                time_text(leaf.not_after)
            ),
        );
    }
    if let Some(good) = found.iter().find(|a| a.answer == Answer::Good) {
        return EndpointVerdict::new(
            Status::Pass,
            "not_revoked",
            format!(
                "the certificate (serial {serial}) is not revoked, says {}",
                good.source
            ),
            json!({ "serial": serial, "answer": good.evidence, "asked": asked }),
        );
    }
    let names_nothing =
        leaf.ocsp_urls.is_empty() && leaf.crl_urls.is_empty() && leaf.crl_unusable.is_empty();
    if names_nothing && staple_bytes(tls).is_none() {
        let lifetime = leaf.not_after.saturating_sub(leaf.not_before);
        return if lifetime <= SHORT_LIVED_SECONDS {
            plain(
                Status::NotApplicable,
                "short_lived",
                format!(
                    "the certificate names no revocation source, which a short-lived certificate ({} days) may omit (CA/Browser Forum BR §7.1.2.11.2)",
                    lifetime / 86_400
                ),
            )
        } else {
            plain(
                Status::Fail,
                "no_revocation_information",
                "the certificate names no CRL distribution point and no OCSP responder, so it cannot be revoked in any client's eyes (CA/Browser Forum BR §7.1.2.11.2)".to_string(),
            )
        };
    }
    if pair.issuer.is_none() {
        return plain(
            Status::Inconclusive,
            "issuer_not_sent",
            "the server did not send the certificate of the leaf's issuer, so no CA answer about it could be checked".to_string(),
        );
    }
    // The staple (if any) and then every source asked or not asked, each with its outcome.
    let mut reasons: Vec<String> = found
        .iter()
        .filter(|a| a.evidence["source"] == "staple")
        .map(|a| format!("{}: {}", a.source, answer_label(&a.answer)))
        .collect();
    reasons.extend(asked.iter().map(|q| {
        format!(
            "{} {}: {}",
            q["source"].as_str().unwrap_or_default().to_uppercase(),
            q["url"].as_str().unwrap_or_default(),
            q["outcome"].as_str().unwrap_or_default()
        )
    }));
    reasons.extend(probe_note.map(|n| format!("the CA was not asked ({n})")));
    if reasons.is_empty() {
        reasons.push("no source could be asked".to_string());
    }
    EndpointVerdict::new(
        Status::Inconclusive,
        "no_answer",
        format!(
            "no revocation source gave a usable answer about the certificate (serial {serial}): {}",
            reasons.join("; ")
        ),
        json!({ "serial": serial, "asked": asked, "answers": found.iter().map(|a| &a.evidence).collect::<Vec<_>>() }),
    )
}

impl Check for NotRevoked {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let at = judged_at(obs, ctx.now_unix);
        combine_each(META.id, &obs.endpoints, |ep| judge(ep, at))
    }
}
