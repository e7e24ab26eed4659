//! The DKIM keys at the selectors the target file names exist and are strong: RSA of at least
//! 2048 bits or Ed25519, not revoked, not SHA-1 only, not in testing mode. Run only for
//! domains whose target entry names `dkim_selectors:` (a selector cannot be discovered).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{
    CheckMeta, DkimSelector, FailureKind, Family, FindingDecl, Level, Observations, Outcome,
    Probed, Reference, Status,
};
use serde_json::{Value, json};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::{PublicKey, RSAPublicKey};
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::endpoints::{EndpointVerdict, rank};
use crate::{Check, Context};

/// The check.
pub struct Dkim;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.dkim",
    family: Family::Mail,
    title: "DKIM keys at the named selectors exist and are strong (RSA ≥ 2048 bits or Ed25519)",
    level: Level::May,
    rationale: "DKIM signs outgoing mail so receivers (and DMARC) can tell it really comes \
                from the domain. A short RSA key can be factored and used to forge signed mail \
                (512-bit DKIM keys have been cracked in hours); RFC 8301 forbids keys under \
                1024 bits and asks for 2048, and forbids SHA-1. A key in testing mode (`t=y`) \
                tells receivers to treat failures as unsigned. govscan cannot discover \
                selectors, so it checks those the target file names.",
    remediation: "Publish a 2048-bit RSA key (or an Ed25519 key beside it) under a new \
                  selector, switch signing to it, then remove the old record (or empty its \
                  `p=` to revoke it).\n\
                  OpenDKIM: `opendkim-genkey -b 2048 -s sel2026 -d example.ee`.\n\
                  Microsoft 365: rotate the DKIM keys to 2048 bits in the Defender portal \
                  (`Rotate-DkimSigningConfig -KeySize 2048`).\n\
                  Remove `t=y` once signatures verify.",
    references: &[
        Reference {
            title: "RFC 6376 §3.6.1 (the key record: v, k, p, t, h tags; empty p= is revoked)",
            url: "https://www.rfc-editor.org/rfc/rfc6376#section-3.6.1",
        },
        Reference {
            title: "RFC 8301 §3.2 (RSA keys: at least 1024 bits, SHOULD be 2048; SHA-1 MUST NOT be used)",
            url: "https://www.rfc-editor.org/rfc/rfc8301#section-3.2",
        },
        Reference {
            title: "RFC 8463 §3 (Ed25519-SHA256 keys for DKIM)",
            url: "https://www.rfc-editor.org/rfc/rfc8463#section-3",
        },
        Reference {
            title: "internet.nl mail test: DKIM",
            url: "https://internet.nl/faqs/mailauth/",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "key_strong",
            status: Status::Pass,
            meaning: "every DKIM key found is usable and strong",
        },
        FindingDecl {
            key: "weak_key",
            status: Status::Fail,
            meaning: "a DKIM RSA key is shorter than the 2048 bits RFC 8301 asks for",
        },
        FindingDecl {
            key: "key_missing",
            status: Status::Fail,
            meaning: "a selector has no key record",
        },
        FindingDecl {
            key: "key_revoked",
            status: Status::Fail,
            meaning: "a selector's key is revoked (empty p=)",
        },
        FindingDecl {
            key: "key_unparseable",
            status: Status::Fail,
            meaning: "a selector's key does not parse",
        },
        FindingDecl {
            key: "unknown_key_type",
            status: Status::Fail,
            meaning: "a selector's key type is one verifiers do not know",
        },
        FindingDecl {
            key: "multiple_key_records",
            status: Status::Fail,
            meaning: "a selector has several key records",
        },
        FindingDecl {
            key: "sha1_only",
            status: Status::Fail,
            meaning: "a key allows SHA-1 signatures only, which verifiers ignore",
        },
        FindingDecl {
            key: "testing_mode",
            status: Status::Warn,
            meaning: "a key is in testing mode (t=y): receivers treat its signatures as unsigned",
        },
        FindingDecl {
            key: "not_configured",
            status: Status::NotApplicable,
            meaning: "the target file names no DKIM selector for the domain (selectors cannot be discovered)",
        },
    ],
    params: &[],
};

/// Least RSA key length judged strong.
const MIN_RSA_BITS: usize = 2048;
/// Below this RFC 8301 §3.2 has verifiers reject the signature outright.
const VERIFIER_MIN_RSA_BITS: usize = 1024;

/// The tags of a DKIM key record (RFC 6376 §3.6.1, tag=value list of §3.2).
fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| {
            let value: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            (k.trim().to_ascii_lowercase(), value)
        })
        .collect()
}

/// RSA key length in bits from `p=` (SubjectPublicKeyInfo, or a bare RSAPublicKey as some
/// signers publish and verifiers accept).
fn rsa_bits(der: &[u8]) -> Option<usize> {
    if let Ok((_, spki)) = SubjectPublicKeyInfo::from_der(der)
        && let Ok(PublicKey::RSA(rsa)) = spki.parsed()
    {
        return Some(rsa.key_size());
    }
    RSAPublicKey::from_der(der)
        .ok()
        .map(|(_, rsa)| rsa.key_size())
}

fn judge_selector(selector: &DkimSelector) -> EndpointVerdict {
    let name = &selector.name;
    let txt = match &selector.txt {
        Probed::Ok { value } => value.as_slice(),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => &[],
        other => {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "probe_incomplete",
                format!("{name}: {}", other.missing_reason().unwrap_or_default()),
                json!({ "name": name }),
            );
        }
    };
    let keys: Vec<&String> = txt
        .iter()
        .filter(|t| {
            let tags = tags(t);
            tags.iter().any(|(k, _)| k == "p")
                && tags.first().is_none_or(|(k, v)| k != "v" || v == "DKIM1")
        })
        .collect();
    let evidence = json!({ "name": name, "txt_records": txt });
    let verdict = |status, finding, message: String| {
        EndpointVerdict::new(status, finding, message, evidence.clone())
    };
    let record = match keys.as_slice() {
        [] => {
            return verdict(
                Status::Fail,
                "key_missing",
                format!("no DKIM key record at {name}"),
            );
        }
        [one] => *one,
        many => {
            return verdict(
                Status::Fail,
                "multiple_key_records",
                format!(
                    "{name} has {} key records; verifiers may pick either (RFC 6376 §3.6.2.2)",
                    many.len()
                ),
            );
        }
    };
    let tags = tags(record);
    let tag = |k: &str| tags.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let p = tag("p").unwrap_or("");
    if p.is_empty() {
        return verdict(
            Status::Fail,
            "key_revoked",
            format!("the key at {name} is revoked (empty p=)"),
        );
    }
    if let Some(hashes) = tag("h")
        && !hashes.split(':').any(|h| h.eq_ignore_ascii_case("sha256"))
    {
        return verdict(
            Status::Fail,
            "sha1_only",
            format!(
                "the key at {name} allows only {hashes}; RFC 8301 §3.1 forbids SHA-1, so verifiers ignore it"
            ),
        );
    }
    let Ok(key) = STANDARD.decode(p) else {
        return verdict(
            Status::Fail,
            "key_unparseable",
            format!("the p= value at {name} is not base64"),
        );
    };
    let key_type = tag("k").unwrap_or("rsa").to_ascii_lowercase();
    let strength = match key_type.as_str() {
        "rsa" => match rsa_bits(&key) {
            None => Err((
                Status::Fail,
                "key_unparseable",
                format!("the RSA key at {name} does not parse"),
            )),
            Some(bits) if bits < VERIFIER_MIN_RSA_BITS => Err((
                Status::Fail,
                "weak_key",
                format!(
                    "the key at {name} is RSA {bits} bits: verifiers reject it (RFC 8301 §3.2) and it can be factored"
                ),
            )),
            Some(bits) if bits < MIN_RSA_BITS => Err((
                Status::Fail,
                "weak_key",
                format!(
                    "the key at {name} is RSA {bits} bits; RFC 8301 §3.2 asks for at least {MIN_RSA_BITS}"
                ),
            )),
            Some(bits) => Ok(format!("RSA {bits} bits")),
        },
        "ed25519" if key.len() == 32 => Ok("Ed25519".to_owned()),
        "ed25519" => Err((
            Status::Fail,
            "key_unparseable",
            format!(
                "the Ed25519 key at {name} is {} bytes, not 32 (RFC 8463 §4.2)",
                key.len()
            ),
        )),
        other => Err((
            Status::Fail,
            "unknown_key_type",
            format!("the key at {name} has type k={other}, which verifiers do not know"),
        )),
    };
    let what = match strength {
        Ok(what) => what,
        Err((status, finding, message)) => return verdict(status, finding, message),
    };
    let mut evidence = evidence.clone();
    evidence["key"] = json!(what);
    let testing =
        tag("t").is_some_and(|flags| flags.split(':').any(|f| f.eq_ignore_ascii_case("y")));
    if testing {
        evidence["testing"] = json!(true);
        return EndpointVerdict::new(
            Status::Warn,
            "testing_mode",
            format!(
                "the key at {name} ({what}) is in testing mode (t=y): receivers treat its signatures as unsigned"
            ),
            evidence,
        );
    }
    EndpointVerdict::new(
        Status::Pass,
        "key_strong",
        format!("the key at {name} is {what}"),
        evidence,
    )
}

impl Check for Dkim {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let dkim = match &obs.dkim {
            Probed::Ok { value } if !value.selectors.is_empty() => value,
            Probed::Ok { .. } | Probed::Skipped { .. } => {
                return Outcome::new(
                    META.id,
                    Status::NotApplicable,
                    "not_configured",
                    "DKIM was not checked: the target file names no dkim_selectors for this domain (selectors cannot be discovered)",
                    json!({ "enable": "add dkim_selectors: [selector, ...] to the domain in the target file" }),
                );
            }
            other => {
                return Outcome::inconclusive(META.id, other.missing_reason().unwrap_or_default());
            }
        };
        let verdicts: Vec<EndpointVerdict> = dkim.selectors.iter().map(judge_selector).collect();
        let Some(worst) = verdicts.iter().min_by_key(|v| rank(v.status)) else {
            return Outcome::inconclusive(META.id, "no selector");
        };
        let rows: Vec<Value> = dkim
            .selectors
            .iter()
            .zip(&verdicts)
            .map(|(s, v)| json!({ "selector": s.selector, "status": v.status.as_str(), "finding": v.finding, "message": v.message, "evidence": v.evidence }))
            .collect();
        Outcome::new(
            META.id,
            worst.status,
            worst.finding,
            worst.message.clone(),
            json!({ "selectors": rows }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_ignore_folding_whitespace() {
        let t = tags("v=DKIM1; k=rsa;\t p=MIIB IjAN ;t = y");
        assert_eq!(t[2], ("p".to_owned(), "MIIBIjAN".to_owned()));
        assert_eq!(t[3], ("t".to_owned(), "y".to_owned()));
    }
}
