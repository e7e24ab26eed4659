//! Every TLSA record of a name judged over one presented chain, as a DANE client does:
//!
//! - DANE-EE(3): the leaf matches; nothing else is checked, not the name, not the dates
//!   (RFC 7672 §3.1.1, RFC 7671 §5.1).
//! - DANE-TA(2): a certificate above the leaf matches (or, for `2 1 0`, the published key
//!   signed the top of the path), there is a path of signatures from the leaf to it, the leaf
//!   carries one of the reference names, and the certificates of the path are inside their
//!   validity periods (RFC 7672 §3.1.2 and §3.2, RFC 7671 §5.2).
//! - PKIX-EE(1), PKIX-TA(0), HTTPS only: the leaf (or a CA certificate) matches and the chain
//!   is trusted by the web PKI (RFC 6698 §2.1.1); unusable for SMTP (RFC 7672 §3.1.3).
//!
//! One record that authenticates is enough (RFC 6698 §4.1). The rollover scheme is named as
//! internet.nl reports it: two DANE-EE records (current and next key), or DANE-EE beside
//! DANE-TA (the key and its issuer), or two DANE-TA records.

mod ta_path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{CertificateDer, TlsaRecord};
use govscan_revocation::{Cert, CertParseError, SignatureCheck};
use serde_json::{Value, json};

use crate::cert::der_bytes;
use crate::dane::Service;
use crate::dane::matching::{Usable, association_matches, record_text, selected, usable};
use ta_path::{leaf_conditions, path_text, path_to};

/// What the records are judged against.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The TLSA records of the name (already known to be DNSSEC-secure).
    pub records: &'a [TlsaRecord],
    /// Whose rules apply.
    pub service: Service,
    /// The names the leaf must carry for DANE-TA (the MX host, or the web host).
    pub names: &'a [&'a str],
    /// "Now", Unix seconds.
    pub now: i64,
    /// The chain is trusted by the web PKI (needed by the PKIX usages on HTTPS).
    pub pkix_trusted: bool,
}

/// One record and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordResult {
    /// `3 1 1 ab12…`.
    pub record: String,
    /// Why the record is unusable, if it is.
    pub unusable: Option<String>,
    /// What happened, in words.
    pub result: String,
    /// True when this record authenticates the chain.
    pub authenticates: bool,
}

/// The overall answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A usable record authenticates the chain (its text).
    Authenticated(String),
    /// Every record is unusable: senders treat the name as having no usable TLSA records.
    NoUsableRecords,
    /// Usable records exist, none authenticates the chain.
    NotAuthenticated,
}

/// How keys can roll over without a gap, from the usable records alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollover {
    /// Two or more DANE-EE records (the current key and the next).
    CurrentAndNext,
    /// DANE-EE beside DANE-TA (the key and its issuer).
    EeAndTa,
    /// Two or more DANE-TA records (the current and the next issuer).
    TwoTrustAnchors,
    /// A single usable record (or none): a key change needs a new record first.
    None,
}

impl Rollover {
    /// The JSON word.
    pub fn key(self) -> &'static str {
        match self {
            Rollover::CurrentAndNext => "current_and_next",
            Rollover::EeAndTa => "ee_and_ta",
            Rollover::TwoTrustAnchors => "two_trust_anchors",
            Rollover::None => "none",
        }
    }
}

/// Every record's result, the verdict and the rollover scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// One entry per record, in the order published.
    pub records: Vec<RecordResult>,
    /// The answer.
    pub verdict: Verdict,
    /// The rollover scheme.
    pub rollover: Rollover,
}

impl Evaluation {
    /// The evidence: each record and its result, the rollover scheme.
    pub fn evidence(&self) -> Value {
        json!({
            "records": self.records.iter().map(|r| json!({
                "record": r.record,
                "unusable": r.unusable,
                "result": r.result,
                "authenticates": r.authenticates,
            })).collect::<Vec<_>>(),
            "rollover": self.rollover.key(),
        })
    }

    /// True when a record authenticates the chain.
    pub fn authenticated(&self) -> bool {
        matches!(self.verdict, Verdict::Authenticated(_))
    }
}

/// The rollover scheme of `records` under `service`'s rules.
pub fn rollover(records: &[TlsaRecord], service: Service) -> Rollover {
    let mut ee: Vec<&str> = Vec::new();
    let mut ta: Vec<&str> = Vec::new();
    for r in records {
        if usable(r, service).is_err() {
            continue;
        }
        let data = r.data_hex.as_str();
        match r.usage {
            3 | 1 if !ee.iter().any(|d| d.eq_ignore_ascii_case(data)) => ee.push(data),
            2 | 0 if !ta.iter().any(|d| d.eq_ignore_ascii_case(data)) => ta.push(data),
            _ => {}
        }
    }
    match (ee.len(), ta.len()) {
        (e, _) if e >= 2 => Rollover::CurrentAndNext,
        (e, t) if e >= 1 && t >= 1 => Rollover::EeAndTa,
        (_, t) if t >= 2 => Rollover::TwoTrustAnchors,
        _ => Rollover::None,
    }
}

/// A presented certificate, parsed once.
struct Presented {
    position: usize,
    cert: Cert,
}

/// Why a chain cannot be judged at all.
#[derive(Debug, thiserror::Error)]
pub enum Unjudgeable {
    /// The chain is empty.
    #[error("the server sent no certificate")]
    NoCertificate,
    /// The leaf's recorded DER is not base64 (a damaged observations file).
    #[error("certificate is not valid base64: {0}")]
    LeafNotBase64(#[source] base64::DecodeError),
    /// The leaf does not parse as a certificate.
    #[error("the leaf {0}")]
    LeafUnparseable(#[source] CertParseError),
}

/// Judges every record of `input` over `chain` (leaf first). The error says why the chain
/// cannot be judged at all (no certificate, or a leaf that does not parse).
pub fn evaluate(input: &Input<'_>, chain: &[CertificateDer]) -> Result<Evaluation, Unjudgeable> {
    let leaf = chain.first().ok_or(Unjudgeable::NoCertificate)?;
    let leaf_der = STANDARD
        .decode(leaf.der_base64.trim())
        .map_err(Unjudgeable::LeafNotBase64)?;
    let leaf = Cert::parse(&leaf_der).map_err(Unjudgeable::LeafUnparseable)?;
    let mut presented = vec![Presented {
        position: 0,
        cert: leaf,
    }];
    for (position, c) in chain.iter().enumerate().skip(1) {
        // A certificate above the leaf that cannot be read is left out: it can neither match
        // nor be on a path.
        if let Some(cert) = der_bytes(c).ok().and_then(|der| Cert::parse(&der).ok()) {
            presented.push(Presented { position, cert });
        }
    }
    let mut results = Vec::new();
    let mut verdict = None;
    let mut any_usable = false;
    for record in input.records {
        let result = match usable(record, input.service) {
            Err(why) => RecordResult {
                record: record_text(record),
                unusable: Some(why.to_string()),
                result: "ignored".to_owned(),
                authenticates: false,
            },
            Ok(usable) => {
                any_usable = true;
                let (authenticates, result) = judge_record(input, &usable, &presented);
                RecordResult {
                    record: record_text(record),
                    unusable: None,
                    result,
                    authenticates,
                }
            }
        };
        if result.authenticates && verdict.is_none() {
            verdict = Some(Verdict::Authenticated(result.record.clone()));
        }
        results.push(result);
    }
    let verdict = verdict.unwrap_or(if any_usable {
        Verdict::NotAuthenticated
    } else {
        Verdict::NoUsableRecords
    });
    Ok(Evaluation {
        records: results,
        verdict,
        rollover: rollover(input.records, input.service),
    })
}

/// `(authenticates, what happened)` for one usable record.
fn judge_record(input: &Input<'_>, record: &Usable, presented: &[Presented]) -> (bool, String) {
    let matches = |p: &Presented| {
        association_matches(record, selected(record, &p.cert.der, &p.cert.spki_raw))
    };
    let pkix = |what: String| {
        if input.pkix_trusted {
            (
                true,
                format!("{what}, and the chain is trusted by the web PKI"),
            )
        } else {
            (
                false,
                format!(
                    "{what}, but the chain is not trusted by the web PKI, which a PKIX usage also needs (RFC 6698 §2.1.1)"
                ),
            )
        }
    };
    let leaf = &presented[0];
    match record.usage {
        3 if matches(leaf) => (true, "matches the leaf certificate".to_owned()),
        3 | 1 if !matches(leaf) => (false, "does not match the leaf certificate".to_owned()),
        1 => pkix("matches the leaf certificate".to_owned()),
        _ => {
            let anchors: Vec<&Presented> =
                presented.iter().skip(1).filter(|p| matches(p)).collect();
            if anchors.is_empty() {
                let bare_key =
                    record.usage == 2 && record.selector == 1 && record.matching_type == 0;
                if bare_key {
                    return trust_anchor_key(input, record, presented);
                }
                return (
                    false,
                    "matches no certificate above the leaf in the chain the server sent".to_owned(),
                );
            }
            let mut last_failure = String::new();
            for anchor in anchors {
                let at = format!(
                    "matches certificate {} ({})",
                    anchor.position, anchor.cert.subject
                );
                match path_to(presented, |p| p.position == anchor.position) {
                    Err(why) => last_failure = format!("{at}, but {why}"),
                    Ok(path) if record.usage == 0 => {
                        return pkix(format!(
                            "{at} on a path from the leaf ({})",
                            path_text(&path)
                        ));
                    }
                    Ok(path) => match leaf_conditions(input, presented, &path) {
                        Ok(names) => {
                            return (
                                true,
                                format!(
                                    "{at}; the path from the leaf ({}) verifies and the leaf names {names}",
                                    path_text(&path)
                                ),
                            );
                        }
                        Err(why) => last_failure = format!("{at}, but {why}"),
                    },
                }
            }
            (false, last_failure)
        }
    }
}

/// A `2 1 0` record whose key is not in the chain: the top of the path must be signed by it.
fn trust_anchor_key(input: &Input<'_>, record: &Usable, presented: &[Presented]) -> (bool, String) {
    let signed = |p: &Presented| p.cert.signed_by_key(&record.data) == SignatureCheck::Valid;
    match path_to(presented, signed) {
        Err(_) => (
            false,
            "matches no certificate in the chain, and the published key signed none of them"
                .to_owned(),
        ),
        Ok(path) => match leaf_conditions(input, presented, &path) {
            Ok(names) => (
                true,
                format!(
                    "the published trust-anchor key signed the top of the path ({}); the leaf names {names}",
                    path_text(&path)
                ),
            ),
            Err(why) => (
                false,
                format!("the published trust-anchor key signed the path, but {why}"),
            ),
        },
    }
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
