//! DNSSEC: govscan validates the zone's SOA itself, with hickory's validator, from the closest
//! trust anchor enclosing the zone (the IANA root KSKs, or `--trust-anchor`: DS and DNSKEY
//! anchors at any zone, `anchors.rs`), as unbound does; a zone under no anchor is insecure.
//! The non-validating resolver reads DNSKEY and DS for evidence.
//!
//! Every validation query carries the CD bit (`cd.rs`, RFC 4035 §3.2.2), so behind a
//! validating resolver govscan still sees a bogus zone's data and can say why it is bogus
//! (`bogus.rs`). An anchor is primed first (RFC 4035 §5): the zone's DNSKEY set must be signed
//! by a key that the anchor pins; then every key of that set is handed to hickory as trusted
//! for that zone, so hickory's chain stops there and never climbs above the anchor (hickory
//! itself only follows DNSKEY anchors, and only when every key of the set is an anchor).

use std::path::Path;
use std::sync::Arc;

use govscan_model::{BogusReason, DnssecObservation, DnssecStatus, FailureKind, Probed};
use hickory_resolver::net::dnssec::DnssecDnsHandle;
use hickory_resolver::net::xfer::{DnsHandle, FirstAnswer};
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::DNSSECRData;
use hickory_resolver::proto::dnssec::{Proof, PublicKey as _, TrustAnchors};
use hickory_resolver::proto::op::{DnsRequestOptions, Query};
use hickory_resolver::proto::rr::{LowerName, Name, RData, RecordType};

use crate::ProbeConfig;
use crate::anchors::{AnchorSet, zone_text};
use crate::bogus::{self, judge_signatures, read_signed, tags};
use crate::cd::{CdHandle, cd_handle};
use crate::dns::{Dns, SharedSoa, name_text};
use crate::error::ProbeError;
use crate::zone_cache::{MAX_ZONE_FACTS, ZoneCache};

/// hickory's validator over the CD handle, trusting one primed anchor zone's keys.
type Validating = DnssecDnsHandle<CdHandle>;

/// A primed anchor: the validator for names under it, or why the anchor's zone is bogus.
type Primed = Result<Validating, BogusReason>;

/// Priming an anchor: primed, or the query for its DNSKEY set failed.
type Priming = Result<Primed, (FailureKind, String)>;

/// The trust anchors and the validators primed from them.
#[derive(Clone)]
pub(crate) struct Validator {
    anchors: Arc<AnchorSet>,
    cd: CdHandle,
    /// One validator per anchor zone, primed once per scan.
    primed: Arc<ZoneCache<Name, Priming>>,
}

/// Reads a `--trust-anchor` file (see `anchors.rs` for the formats).
pub(crate) fn load_trust_anchors(path: &Path) -> Result<AnchorSet, ProbeError> {
    AnchorSet::from_file(path)
}

/// Seconds since 1970 as DNSSEC counts them (RFC 4034 §3.1.5, modulo 2^32).
fn now_serial() -> u32 {
    let secs = time::OffsetDateTime::now_utc().unix_timestamp();
    // Truncation is the serial arithmetic of RFC 4034 §3.1.5.
    (secs.rem_euclid(1 << 32)) as u32
}

impl Validator {
    /// Loads the anchors; validation queries go to the probe's resolver with CD set.
    pub(crate) fn new(config: &ProbeConfig) -> Result<Validator, ProbeError> {
        let anchors = match &config.trust_anchor {
            Some(path) => load_trust_anchors(path)?,
            None => AnchorSet::iana_root(),
        };
        Ok(Validator {
            anchors: Arc::new(anchors),
            cd: cd_handle(config)?,
            primed: Arc::new(ZoneCache::new(MAX_ZONE_FACTS)),
        })
    }

    /// The DNSSEC status of the zone containing `name`, with DNSKEY and DS facts; judged once
    /// per zone and scan (`Dns::facts`), the zone found from the domain's shared SOA answer.
    pub(crate) async fn probe(
        &self,
        dns: &Dns,
        soa: &SharedSoa,
        name: &Name,
    ) -> Probed<DnssecObservation> {
        let zone = match dns.zone_of(soa, name).await {
            Ok(zone) => zone,
            Err((kind, detail)) => return Probed::failed(kind, detail),
        };
        dns.facts
            .dnssec
            .get_or_fetch(zone.to_lowercase(), || Box::pin(self.judge_zone(dns, zone)))
            .await
    }

    /// The validator for names under `anchor_zone`, primed once per scan.
    async fn primed(&self, anchor_zone: &Name) -> Priming {
        self.primed
            .get_or_fetch(anchor_zone.clone(), || Box::pin(self.prime(anchor_zone)))
            .await
    }

    /// RFC 4035 §5: the anchor zone's DNSKEY set must be signed, inside its validity period,
    /// by a zone key that an anchor pins (by DS digest or as the key itself).
    async fn prime(&self, zone: &Name) -> Priming {
        let set = read_signed(&self.cd, zone, RecordType::DNSKEY)
            .await
            .map_err(|e| (FailureKind::Dns, format!("priming the trust anchor: {e}")))?;
        let keys = set.dnskeys();
        let pinned: Vec<_> = keys
            .iter()
            .filter(|k| k.zone_key() && !k.revoke())
            .filter(|k| self.anchors.at(zone).any(|a| a.matches(zone, k)))
            .cloned()
            .collect();
        let bogus = |kind, detail| BogusReason {
            kind,
            zone: zone_text(zone),
            detail,
        };
        if pinned.is_empty() {
            let want: Vec<u16> = self.anchors.at(zone).filter_map(|a| a.key_tag()).collect();
            return Ok(Err(bogus(
                govscan_model::BogusKind::AnchorMismatch,
                format!(
                    "no DNSKEY of {} matches the trust anchor (anchor key tags {want:?}; the zone publishes {:?})",
                    zone_text(zone),
                    tags(&keys)
                ),
            )));
        }
        if let Err((kind, detail)) =
            judge_signatures(zone, RecordType::DNSKEY, &set, &pinned, now_serial())
        {
            return Ok(Err(bogus(kind, detail)));
        }
        let mut trusted = TrustAnchors::empty();
        let owner = LowerName::from(zone.clone());
        for key in keys.iter().filter(|k| k.zone_key() && !k.revoke()) {
            trusted.insert_with_name(key.public_key(), owner.clone());
        }
        Ok(Ok(DnssecDnsHandle::with_trust_anchor(
            self.cd.clone(),
            Arc::new(trusted),
        )))
    }

    /// Validates the zone's SOA and reads its DNSKEY and DS records.
    async fn judge_zone(&self, dns: &Dns, zone: Name) -> Probed<DnssecObservation> {
        let (dnskey, ds, verdict) = tokio::join!(
            dns.zone_query(&zone, RecordType::DNSKEY),
            dns.zone_query(&zone, RecordType::DS),
            self.verdict(&zone)
        );
        let dnskey_algorithms = match dnskey {
            Ok(answer) => {
                let mut algs: Vec<u8> = answer
                    .records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::DNSSEC(DNSSECRData::DNSKEY(k)) => {
                            Some(u8::from(k.public_key().algorithm()))
                        }
                        _ => None,
                    })
                    .collect();
                algs.sort_unstable();
                algs.dedup();
                algs
            }
            Err((kind, detail)) => return Probed::failed(kind, format!("DNSKEY: {detail}")),
        };
        let ds_records = match ds {
            Ok(answer) => answer.records.iter().map(|r| r.data.to_string()).collect(),
            Err((kind, detail)) => return Probed::failed(kind, format!("DS: {detail}")),
        };
        let verdict = match verdict {
            Ok(verdict) => verdict,
            Err((kind, detail)) => return Probed::failed(kind, detail),
        };
        Probed::ok(DnssecObservation {
            zone: name_text(&zone),
            status: verdict.status,
            detail: verdict.detail,
            dnskey_algorithms,
            ds_records,
            trust_anchor: self.anchors.description.clone(),
            anchor_zone: verdict.anchor_zone.as_ref().map(zone_text),
            bogus_reason: verdict.bogus_reason,
            no_anchor: verdict.anchor_zone.is_none(),
        })
    }

    /// The validator's verdict on the zone's SOA, from the closest enclosing anchor.
    async fn verdict(&self, zone: &Name) -> Result<Verdict, (FailureKind, String)> {
        let Some(anchor_zone) = self.anchors.closest(zone) else {
            return Ok(Verdict {
                status: DnssecStatus::Insecure,
                detail: format!(
                    "no trust anchor covers {} ({}), so validating resolvers with these anchors treat it as insecure",
                    zone_text(zone),
                    self.anchors.description
                ),
                anchor_zone: None,
                bogus_reason: None,
            });
        };
        let primed = match self.primed(&anchor_zone).await {
            Ok(primed) => primed,
            // The anchor's DNSKEY set could not be read (e.g. a root the resolver cannot
            // reach): undecided, but the zone's own DNSKEY and DS facts are still recorded.
            Err((_, detail)) => {
                return Ok(Verdict {
                    status: DnssecStatus::Indeterminate,
                    detail,
                    anchor_zone: Some(anchor_zone),
                    bogus_reason: None,
                });
            }
        };
        let validating = match primed {
            Ok(validating) => validating,
            Err(reason) => {
                return Ok(Verdict {
                    status: DnssecStatus::Bogus,
                    detail: format!(
                        "the trust anchor for {} cannot be primed: {}",
                        zone_text(&anchor_zone),
                        reason.detail
                    ),
                    anchor_zone: Some(anchor_zone),
                    bogus_reason: Some(reason),
                });
            }
        };
        let mut options = DnsRequestOptions::default();
        options.edns_set_dnssec_ok = true;
        let answer = validating
            .lookup(Query::query(zone.clone(), RecordType::SOA), options)
            .first_answer()
            .await;
        let (status, detail) = match answer {
            Ok(response) => {
                let proofs: Vec<Proof> = response
                    .answers
                    .iter()
                    .filter(|r| r.record_type() == RecordType::SOA)
                    .map(|r| r.proof)
                    .collect();
                status_of(&proofs)
            }
            Err(NetError::Dns(DnsError::Nsec { proof, .. })) => status_of(&[proof]),
            Err(NetError::Dns(DnsError::NoRecordsFound(_))) => (
                DnssecStatus::Indeterminate,
                format!(
                    "the validating resolver found no SOA at {}",
                    name_text(zone)
                ),
            ),
            Err(e) => {
                return Err((
                    FailureKind::Dns,
                    format!("validating SOA query for {}: {e}", name_text(zone)),
                ));
            }
        };
        let bogus_reason = if status == DnssecStatus::Bogus {
            Some(bogus::diagnose(&self.cd, &self.anchors, zone, &anchor_zone, now_serial()).await)
        } else {
            None
        };
        let detail = match &bogus_reason {
            Some(reason) => format!(
                "validation of the SOA of {} from the trust anchor at {} fails: {} in {}: {}",
                name_text(zone),
                zone_text(&anchor_zone),
                reason.kind.words(),
                reason.zone,
                reason.detail
            ),
            None => detail,
        };
        Ok(Verdict {
            status,
            detail,
            anchor_zone: Some(anchor_zone),
            bogus_reason,
        })
    }
}

impl Validator {
    /// The validator's verdict on the answer for `name` and `rtype` (its records, or the proof
    /// that there are none), from the closest enclosing anchor, with the CD bit: what a
    /// validating client would conclude before using, say, TLSA records (RFC 7672 §2.2).
    pub(crate) async fn answer_status(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> (DnssecStatus, String) {
        let what = format!("{rtype} {}", name_text(name));
        let Some(anchor_zone) = self.anchors.closest(name) else {
            return (
                DnssecStatus::Insecure,
                format!(
                    "no trust anchor covers {what} ({}), so validating clients treat it as insecure",
                    self.anchors.description
                ),
            );
        };
        let validating = match self.primed(&anchor_zone).await {
            Ok(Ok(validating)) => validating,
            Ok(Err(reason)) => {
                return (
                    DnssecStatus::Bogus,
                    format!(
                        "the trust anchor for {} cannot be primed: {}",
                        zone_text(&anchor_zone),
                        reason.detail
                    ),
                );
            }
            Err((_, detail)) => return (DnssecStatus::Indeterminate, detail),
        };
        let mut options = DnsRequestOptions::default();
        options.edns_set_dnssec_ok = true;
        let answer = validating
            .lookup(Query::query(name.clone(), rtype), options)
            .first_answer()
            .await;
        let proofs: Vec<Proof> = match answer {
            Ok(response) => response
                .answers
                .iter()
                .filter(|r| r.record_type() == rtype)
                .map(|r| r.proof)
                .collect(),
            Err(NetError::Dns(DnsError::Nsec { proof, .. })) => vec![proof],
            Err(NetError::Dns(DnsError::NoRecordsFound(_))) => {
                return (
                    DnssecStatus::Indeterminate,
                    format!(
                        "the validating lookup of {what} found no records and no proof of their absence"
                    ),
                );
            }
            Err(e) => {
                return (
                    DnssecStatus::Indeterminate,
                    format!("validating lookup of {what}: {e}"),
                );
            }
        };
        if proofs.is_empty() {
            return (
                DnssecStatus::Indeterminate,
                format!("the validating lookup of {what} returned no {rtype} record"),
            );
        }
        let (status, _) = status_of(&proofs);
        (
            status,
            format!(
                "validator proof of {what} from the trust anchor at {}: {:?}",
                zone_text(&anchor_zone),
                proofs[0]
            ),
        )
    }
}

/// What the validator concluded about one zone.
struct Verdict {
    status: DnssecStatus,
    detail: String,
    anchor_zone: Option<Name>,
    bogus_reason: Option<BogusReason>,
}

/// The status of an RRset from its records' proofs: the weakest one wins.
pub(crate) fn status_of(proofs: &[Proof]) -> (DnssecStatus, String) {
    if proofs.is_empty() {
        return (
            DnssecStatus::Indeterminate,
            "the validating resolver returned no SOA record".to_string(),
        );
    }
    let status = if proofs.iter().any(|p| p.is_bogus()) {
        DnssecStatus::Bogus
    } else if proofs.iter().any(|p| p.is_indeterminate()) {
        DnssecStatus::Indeterminate
    } else if proofs.iter().any(|p| p.is_insecure()) {
        DnssecStatus::Insecure
    } else {
        DnssecStatus::Secure
    };
    let detail = format!("validator proof of the zone's SOA: {:?}", proofs[0]);
    (status, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weakest_proof_decides() {
        assert_eq!(status_of(&[Proof::Secure]).0, DnssecStatus::Secure);
        assert_eq!(
            status_of(&[Proof::Secure, Proof::Insecure]).0,
            DnssecStatus::Insecure
        );
        assert_eq!(
            status_of(&[Proof::Insecure, Proof::Bogus]).0,
            DnssecStatus::Bogus
        );
        assert_eq!(status_of(&[]).0, DnssecStatus::Indeterminate);
    }

    #[test]
    fn a_trust_anchor_file_without_anchors_is_a_config_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("anchor");
        std::fs::write(&path, "this is not a zone file {").expect("write");
        assert!(matches!(
            load_trust_anchors(&path),
            Err(ProbeError::Config(_))
        ));
        assert!(load_trust_anchors(&dir.path().join("missing")).is_err());
    }
}
