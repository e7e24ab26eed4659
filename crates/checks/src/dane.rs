//! DANE: TLSA records judged against the certificate chain a server presented, as a DANE
//! client does (RFC 6698 §2.1, RFC 7671 §5, RFC 7672 §3 for SMTP). Pure: the records, the
//! chain and "now" come in, a verdict with the reason per record goes out.
//!
//! `matching` decides whether one record is usable and whether its association data matches
//! the selected part of one certificate; `evaluate` walks every record over the chain (a
//! DANE-TA record also needs a path from the leaf to the trust anchor and the leaf's name) and
//! names the rollover scheme as internet.nl reports it.

pub mod evaluate;
pub mod matching;

/// Which protocol's DANE rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// SMTP on port 25 (RFC 7672): PKIX-TA(0) and PKIX-EE(1) records are unusable (§3.1.3).
    Smtp,
    /// HTTPS on port 443 (RFC 6698, RFC 7671): all four usages; the PKIX ones also need the
    /// chain to be trusted by the web PKI.
    Https,
}

use govscan_model::{DnssecStatus, FailureKind, Probed, TlsaLookup};

/// What a TLSA lookup gives a DANE client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsaState<'a> {
    /// DNSSEC-secure records, to be judged against the chain.
    Secure(&'a TlsaLookup),
    /// No TLSA records: DANE is not deployed for the name.
    Absent(String),
    /// Records a client cannot use: published in an unsigned zone (ignored, RFC 7672 §2.2,
    /// RFC 6698 §4.1) or failing validation (bogus: a validating sender cannot read them and
    /// defers the mail, RFC 7672 §2.2.1). The finding key and the reason.
    Void(&'static str, String),
    /// The lookup, or its validation, did not complete.
    Unknown(String),
}

/// Classifies a TLSA lookup.
pub fn tlsa_state(lookup: &Probed<TlsaLookup>) -> TlsaState<'_> {
    let value = match lookup {
        Probed::Ok { value } => value,
        Probed::Failed {
            kind: FailureKind::NoData,
            detail,
        } => return TlsaState::Absent(format!("no TLSA records ({detail})")),
        other => return TlsaState::Unknown(other.missing_reason().unwrap_or_default()),
    };
    let name = &value.name;
    match (value.records.is_empty(), value.dnssec) {
        (_, DnssecStatus::Bogus) => TlsaState::Void(
            "tlsa_bogus",
            format!(
                "the TLSA answer for {name} fails DNSSEC validation ({}): validating senders cannot read it and hold the mail back",
                value.dnssec_detail
            ),
        ),
        (true, _) => TlsaState::Absent(format!("{name} has no TLSA records")),
        (false, DnssecStatus::Insecure) => TlsaState::Void(
            "tlsa_insecure",
            format!(
                "{name} has TLSA records, but in a zone that is not DNSSEC-signed (or not secure), so clients ignore them: {}",
                value.dnssec_detail
            ),
        ),
        (false, DnssecStatus::Indeterminate) => TlsaState::Unknown(format!(
            "the DNSSEC status of the TLSA answer for {name} could not be decided: {}",
            value.dnssec_detail
        )),
        (false, DnssecStatus::Secure) => TlsaState::Secure(value),
    }
}
