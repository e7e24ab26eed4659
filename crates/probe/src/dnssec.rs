//! DNSSEC: a second, validating resolver (hickory, trust anchors = IANA root or `--trust-anchor`)
//! judges the zone's SOA; the non-validating resolver reads DNSKEY and DS for evidence.
//!
//! Two resolvers because a bogus answer comes back from hickory as `Err(DnssecBogus)` with
//! the records lost: the status comes from the validating one, the facts from the other.

use std::path::Path;
use std::sync::Arc;

use govscan_model::{DnssecObservation, DnssecStatus, FailureKind, Probed};
use hickory_resolver::TokioResolver;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::DNSSECRData;
use hickory_resolver::proto::dnssec::{Proof, PublicKey, TrustAnchors};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::ProbeConfig;
use crate::dns::{Dns, SharedSoa, name_text, resolver_builder};
use crate::error::ProbeError;

/// The validating resolver and a description of its trust anchors.
#[derive(Clone)]
pub(crate) struct Validator {
    resolver: TokioResolver,
    anchors: String,
}

/// Reads a `--trust-anchor` file: DNSKEY records in zone-file syntax (hickory does not read DS).
pub(crate) fn load_trust_anchors(path: &Path) -> Result<TrustAnchors, ProbeError> {
    TrustAnchors::from_file(path).map_err(|e| {
        ProbeError::Config(format!(
            "--trust-anchor {}: not a file of DNSKEY records in zone-file syntax: {e}",
            path.display()
        ))
    })
}

impl Validator {
    /// Builds a validating, non-caching resolver that asks the same server as the probe.
    pub(crate) fn new(config: &ProbeConfig) -> Result<Validator, ProbeError> {
        let (builder, _) = resolver_builder(config, true)?;
        let (anchors, description) = match &config.trust_anchor {
            Some(path) => (
                load_trust_anchors(path)?,
                format!("--trust-anchor {}", path.display()),
            ),
            None => (
                TrustAnchors::default(),
                "IANA root KSKs (built in)".to_string(),
            ),
        };
        let resolver = builder
            .with_trust_anchor(Arc::new(anchors))
            .build()
            .map_err(|e| ProbeError::Resolver(format!("building validating resolver: {e}")))?;
        Ok(Validator {
            resolver,
            anchors: description,
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

    /// Validates the zone's SOA and reads its DNSKEY and DS records.
    async fn judge_zone(&self, dns: &Dns, zone: Name) -> Probed<DnssecObservation> {
        let (dnskey, ds, verdict) = tokio::join!(
            dns.zone_query(&zone, RecordType::DNSKEY),
            dns.zone_query(&zone, RecordType::DS),
            self.resolver.lookup(zone.clone(), RecordType::SOA)
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
        let (status, detail) = match verdict {
            Ok(lookup) => {
                let proofs: Vec<Proof> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == RecordType::SOA)
                    .map(|r| r.proof)
                    .collect();
                status_of(&proofs)
            }
            Err(NetError::Dns(DnsError::DnssecBogus)) => (
                DnssecStatus::Bogus,
                format!(
                    "validation of the SOA of {} failed (bogus: bad, expired or unverifiable signatures, or a DS that matches no DNSKEY)",
                    name_text(&zone)
                ),
            ),
            Err(NetError::Dns(DnsError::NoRecordsFound(_))) => (
                DnssecStatus::Indeterminate,
                format!(
                    "the validating resolver found no SOA at {}",
                    name_text(&zone)
                ),
            ),
            Err(e) => {
                return Probed::failed(
                    FailureKind::Dns,
                    format!("validating SOA query for {}: {e}", name_text(&zone)),
                );
            }
        };
        Probed::ok(DnssecObservation {
            zone: name_text(&zone),
            status,
            detail,
            dnskey_algorithms,
            ds_records,
            trust_anchor: self.anchors.clone(),
        })
    }
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
    fn a_trust_anchor_file_that_is_not_dnskeys_is_a_config_error() {
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
