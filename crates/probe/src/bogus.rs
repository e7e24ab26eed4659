//! Why a zone is bogus. hickory's validator says *that* an answer is bogus but keeps the cause
//! to itself, so once it has, this module reads the chain (with CD and DO, unvalidated) and
//! redoes the checks of RFC 4035 §5 one link at a time with hickory's primitives (`DS::covers`,
//! `Verifier::verify_rrsig`), from the zone up to its trust anchor: the DS set at the parent
//! must match a DNSKEY (§5.2), the DNSKEY set must be signed by such a key, and the zone's data
//! by a key of that set, with signatures inside their validity period (§5.3.1) that verify
//! (§5.3.3). The first broken link is the reason. The same signature judgement primes a trust
//! anchor (`dnssec.rs`).

use govscan_model::{BogusKind, BogusReason};
use hickory_resolver::net::xfer::{DnsHandle, FirstAnswer};
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::Verifier as _;
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_resolver::proto::op::{DnsRequestOptions, Query};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, Record, RecordType, SerialNumber};

use crate::anchors::{AnchorSet, zone_text};
use crate::cd::CdHandle;

/// Most zones walked from the scanned zone towards its anchor.
const MAX_WALK: usize = 12;
/// Most signatures tried per record set (a KeyTrap-style flood costs nothing more).
const MAX_RRSIGS: usize = 8;

/// One record set as served, unvalidated, with the signatures over it.
#[derive(Debug, Default)]
pub(crate) struct SignedSet {
    pub(crate) records: Vec<Record>,
    pub(crate) rrsigs: Vec<RRSIG>,
}

impl SignedSet {
    /// The DNSKEYs of a DNSKEY set.
    pub(crate) fn dnskeys(&self) -> Vec<DNSKEY> {
        self.records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
                _ => None,
            })
            .collect()
    }

    fn ds(&self) -> Vec<DS> {
        self.records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DS(ds)) => Some(ds.clone()),
                _ => None,
            })
            .collect()
    }
}

/// `name`/`rtype` read with CD and DO: the records owned by `name` and their RRSIGs.
pub(crate) async fn read_signed(
    cd: &CdHandle,
    name: &Name,
    rtype: RecordType,
) -> Result<SignedSet, String> {
    let mut options = DnsRequestOptions::default();
    options.edns_set_dnssec_ok = true;
    let response = cd
        .lookup(Query::query(name.clone(), rtype), options)
        .first_answer()
        .await;
    let answers = match response {
        Ok(response) => response.answers.clone(),
        Err(NetError::Dns(DnsError::NoRecordsFound(_))) => Vec::new(),
        Err(e) => return Err(format!("{rtype} {}: {e}", zone_text(name))),
    };
    let owned = |r: &&Record| r.name.eq_case(name) || r.name == *name;
    let mut set = SignedSet::default();
    for record in answers.iter().filter(owned) {
        match &record.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == rtype => {
                set.rrsigs.push(sig.clone());
            }
            _ if record.record_type() == rtype => set.records.push(record.clone()),
            _ => {}
        }
    }
    Ok(set)
}

/// A signature time (RFC 4034 §3.1.5, seconds since 1970 modulo 2^32) as a UTC date.
fn date(serial: SerialNumber) -> String {
    time::OffsetDateTime::from_unix_timestamp(i64::from(serial.get()))
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| serial.get().to_string())
}

/// Accepts `set` (owned by `owner`, of type `rtype`) when one of its RRSIGs by one of `keys`
/// (zone keys, not revoked) is inside its validity period at `now` and verifies; otherwise
/// says why not, preferring a bad signature over an expired one over one not yet valid.
pub(crate) fn judge_signatures(
    owner: &Name,
    rtype: RecordType,
    set: &SignedSet,
    keys: &[DNSKEY],
    now: u32,
) -> Result<(), (BogusKind, String)> {
    let what = format!("the {rtype} set of {}", zone_text(owner));
    if set.rrsigs.is_empty() {
        return Err((
            BogusKind::MissingSignatures,
            format!("{what} carries no RRSIG"),
        ));
    }
    let now = SerialNumber::from(now);
    let (mut bad, mut expired, mut early, mut unknown) = (None, None, None, Vec::new());
    for sig in set.rrsigs.iter().take(MAX_RRSIGS) {
        let input = sig.input();
        let tag = input.key_tag;
        let signer_keys: Vec<&DNSKEY> = keys
            .iter()
            .filter(|k| k.zone_key() && !k.revoke() && k.algorithm() == input.algorithm)
            .filter(|k| k.calculate_key_tag().ok() == Some(tag))
            .collect();
        if signer_keys.is_empty() {
            unknown.push(tag);
            continue;
        }
        if now > input.sig_expiration {
            expired.get_or_insert(format!(
                "the RRSIG over {what} by key {tag} expired on {} (valid from {})",
                date(input.sig_expiration),
                date(input.sig_inception)
            ));
            continue;
        }
        if now < input.sig_inception {
            early.get_or_insert(format!(
                "the RRSIG over {what} by key {tag} is valid only from {}",
                date(input.sig_inception)
            ));
            continue;
        }
        let verified = signer_keys.iter().any(|key| {
            key.verify_rrsig(owner, DNSClass::IN, sig, set.records.iter())
                .is_ok()
        });
        if verified {
            return Ok(());
        }
        bad.get_or_insert(format!(
            "the RRSIG over {what} by key {tag} does not verify with that key (valid {} to {})",
            date(input.sig_inception),
            date(input.sig_expiration)
        ));
    }
    let reason = bad
        .map(|d| (BogusKind::BadSignature, d))
        .or(expired.map(|d| (BogusKind::ExpiredSignature, d)))
        .or(early.map(|d| (BogusKind::SignatureNotYetValid, d)))
        .unwrap_or_else(|| {
            (
                BogusKind::BadSignature,
                format!(
                    "{what} is signed only by key tag(s) {unknown:?}, which are not in the trusted DNSKEY set"
                ),
            )
        });
    Err(reason)
}

/// Key tags of keys, for messages.
pub(crate) fn tags(keys: &[DNSKEY]) -> Vec<u16> {
    keys.iter()
        .filter_map(|k| k.calculate_key_tag().ok())
        .collect()
}

/// Walks from `zone` up to `anchor_zone` and returns the first broken link.
pub(crate) async fn diagnose(
    cd: &CdHandle,
    anchors: &AnchorSet,
    zone: &Name,
    anchor_zone: &Name,
    now: u32,
) -> BogusReason {
    let mut current = zone.clone();
    for _ in 0..MAX_WALK {
        match check_zone(cd, anchors, &current, anchor_zone, now).await {
            Ok(Some((kind, broken, detail))) => {
                return BogusReason {
                    kind,
                    zone: zone_text(&broken),
                    detail,
                };
            }
            Ok(None) => {}
            Err(detail) => return unidentified(zone, format!("reading the chain: {detail}")),
        }
        if current == *anchor_zone || current.is_root() {
            break;
        }
        current = match parent_zone(cd, &current).await {
            Some(parent) if anchor_zone.zone_of(&parent) => parent,
            _ => break,
        };
    }
    unidentified(
        zone,
        format!(
            "every signature and DS link from {} to the trust anchor at {} checks out here; the validator's objection is elsewhere (e.g. a denial-of-existence proof)",
            zone_text(zone),
            zone_text(anchor_zone)
        ),
    )
}

fn unidentified(zone: &Name, detail: String) -> BogusReason {
    BogusReason {
        kind: BogusKind::Unidentified,
        zone: zone_text(zone),
        detail,
    }
}

/// A broken link: what, in which zone, in words.
type Broken = (BogusKind, Name, String);

/// The links of one zone: DS at the parent (or the anchor), the DNSKEY set, the SOA.
async fn check_zone(
    cd: &CdHandle,
    anchors: &AnchorSet,
    zone: &Name,
    anchor_zone: &Name,
    now: u32,
) -> Result<Option<Broken>, String> {
    let dnskey_set = read_signed(cd, zone, RecordType::DNSKEY).await?;
    let keys = dnskey_set.dnskeys();
    let zone_keys: Vec<DNSKEY> = keys
        .iter()
        .filter(|k| k.zone_key() && !k.revoke())
        .cloned()
        .collect();
    let entry_keys: Vec<DNSKEY> = if zone == anchor_zone {
        let trusted: Vec<DNSKEY> = zone_keys
            .iter()
            .filter(|k| anchors.at(zone).any(|a| a.matches(zone, k)))
            .cloned()
            .collect();
        if trusted.is_empty() {
            let want: Vec<u16> = anchors.at(zone).filter_map(|a| a.key_tag()).collect();
            let detail = format!(
                "no DNSKEY of {} matches the trust anchor (anchor key tags {want:?}; the zone publishes {:?})",
                zone_text(zone),
                tags(&keys)
            );
            return Ok(Some((BogusKind::AnchorMismatch, zone.clone(), detail)));
        }
        trusted
    } else {
        let ds_set = read_signed(cd, zone, RecordType::DS).await?;
        let ds = ds_set.ds();
        if ds.is_empty() {
            // No DS: not this zone's fault (an insecure delegation, or a broken proof above).
            return Ok(None);
        }
        if let Some(broken) = check_ds_signatures(cd, zone, &ds_set, now).await? {
            return Ok(Some(broken));
        }
        let ds_tags: Vec<u16> = ds.iter().map(DS::key_tag).collect();
        if keys.is_empty() {
            let detail = format!(
                "the parent publishes DS records (key tags {ds_tags:?}) for {} but the zone serves no DNSKEY",
                zone_text(zone)
            );
            return Ok(Some((BogusKind::NoDnskey, zone.clone(), detail)));
        }
        let matched: Vec<DNSKEY> = zone_keys
            .iter()
            .filter(|k| {
                ds.iter().any(|d| {
                    d.algorithm() == k.algorithm()
                        && k.calculate_key_tag().ok() == Some(d.key_tag())
                        && d.covers(zone, k).unwrap_or(false)
                })
            })
            .cloned()
            .collect();
        if matched.is_empty() {
            let detail = format!(
                "the DS records at the parent (key tags {ds_tags:?}) match no DNSKEY of {} (it publishes key tags {:?})",
                zone_text(zone),
                tags(&keys)
            );
            return Ok(Some((BogusKind::DsMatchesNoDnskey, zone.clone(), detail)));
        }
        matched
    };
    if let Err((kind, detail)) =
        judge_signatures(zone, RecordType::DNSKEY, &dnskey_set, &entry_keys, now)
    {
        return Ok(Some((kind, zone.clone(), detail)));
    }
    let soa = read_signed(cd, zone, RecordType::SOA).await?;
    if let Err((kind, detail)) = judge_signatures(zone, RecordType::SOA, &soa, &zone_keys, now) {
        return Ok(Some((kind, zone.clone(), detail)));
    }
    Ok(None)
}

/// The DS set's own signatures, by the parent's DNSKEYs.
async fn check_ds_signatures(
    cd: &CdHandle,
    zone: &Name,
    ds_set: &SignedSet,
    now: u32,
) -> Result<Option<Broken>, String> {
    let signer = match ds_set.rrsigs.first() {
        Some(sig) => sig.input().signer_name.clone(),
        None => zone.base_name(),
    };
    let parent_keys = read_signed(cd, &signer, RecordType::DNSKEY)
        .await?
        .dnskeys();
    Ok(
        judge_signatures(zone, RecordType::DS, ds_set, &parent_keys, now)
            .err()
            .map(|(kind, detail)| (kind, signer, detail)),
    )
}

/// The zone that contains `zone`'s parent name (the owner of its SOA), read with CD.
async fn parent_zone(cd: &CdHandle, zone: &Name) -> Option<Name> {
    let parent = zone.base_name();
    let mut options = DnsRequestOptions::default();
    options.edns_set_dnssec_ok = false;
    match cd
        .lookup(Query::query(parent.clone(), RecordType::SOA), options)
        .first_answer()
        .await
    {
        Ok(response) => response
            .answers
            .iter()
            .chain(response.authorities.iter())
            .find(|r| r.record_type() == RecordType::SOA)
            .map(|r| r.name.to_lowercase()),
        Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
            no.soa.map(|soa| soa.name.to_lowercase())
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::dnssec::crypto::EcdsaSigningKey;
    use hickory_resolver::proto::dnssec::{Algorithm, DnssecSigner, SigningKey};
    use hickory_resolver::proto::rr::RecordSet;
    use hickory_resolver::proto::rr::rdata::A;
    use std::str::FromStr;

    fn zone() -> Name {
        Name::from_str("bogus.test.").expect("name")
    }

    /// An A set signed by a fresh key, valid `from`..`until` (UNIX seconds), and that key.
    fn signed(from: i64, until: i64) -> (SignedSet, DNSKEY) {
        let pkcs8 = EcdsaSigningKey::generate_pkcs8(Algorithm::ECDSAP256SHA256).expect("key");
        let key = EcdsaSigningKey::from_pkcs8(&pkcs8, Algorithm::ECDSAP256SHA256).expect("key");
        let dnskey = DNSKEY::from_key(&key.to_public_key().expect("public"));
        let duration =
            std::time::Duration::from_secs(u64::try_from(until - from).expect("until > from"));
        let signer = DnssecSigner::new(dnskey.clone(), Box::new(key), zone(), duration);
        let record = Record::from_rdata(zone(), 60, RData::A(A::new(127, 10, 11, 1)));
        let mut rrset = RecordSet::new(zone(), RecordType::A, 0);
        rrset.insert(record.clone(), 0);
        let at = |t: i64| time::OffsetDateTime::from_unix_timestamp(t).expect("time");
        let sig = RRSIG::from_rrset(&rrset, DNSClass::IN, at(from), &signer).expect("sign");
        (
            SignedSet {
                records: vec![record],
                rrsigs: vec![sig],
            },
            dnskey,
        )
    }

    const NOW: u32 = 1_800_000_000;

    #[test]
    fn a_valid_signature_is_accepted() {
        let (set, key) = signed(i64::from(NOW) - 3600, i64::from(NOW) + 3600);
        assert_eq!(
            judge_signatures(&zone(), RecordType::A, &set, &[key], NOW),
            Ok(())
        );
    }

    #[test]
    fn an_expired_signature_says_when_it_expired() {
        let (set, key) = signed(1_735_689_600, 1_738_368_000);
        let (kind, detail) =
            judge_signatures(&zone(), RecordType::A, &set, &[key], NOW).expect_err("expired");
        assert_eq!(kind, BogusKind::ExpiredSignature);
        assert!(
            detail.contains("expired on 2025-02-01 00:00:00 UTC"),
            "{detail}"
        );
    }

    #[test]
    fn a_future_signature_is_not_yet_valid() {
        let (set, key) = signed(i64::from(NOW) + 3600, i64::from(NOW) + 7200);
        let (kind, _) =
            judge_signatures(&zone(), RecordType::A, &set, &[key], NOW).expect_err("early");
        assert_eq!(kind, BogusKind::SignatureNotYetValid);
    }

    #[test]
    fn a_tampered_record_is_a_bad_signature() {
        let (mut set, key) = signed(i64::from(NOW) - 3600, i64::from(NOW) + 3600);
        set.records[0].data = RData::A(A::new(127, 10, 11, 2));
        let (kind, detail) =
            judge_signatures(&zone(), RecordType::A, &set, &[key], NOW).expect_err("bad");
        assert_eq!(kind, BogusKind::BadSignature);
        assert!(detail.contains("does not verify"), "{detail}");
    }

    #[test]
    fn unsigned_or_signed_by_a_stranger_is_bogus() {
        let (set, _) = signed(i64::from(NOW) - 3600, i64::from(NOW) + 3600);
        let (_, stranger) = signed(i64::from(NOW) - 3600, i64::from(NOW) + 3600);
        let (kind, detail) =
            judge_signatures(&zone(), RecordType::A, &set, &[stranger], NOW).expect_err("stranger");
        assert_eq!(kind, BogusKind::BadSignature);
        assert!(detail.contains("not in the trusted DNSKEY set"), "{detail}");
        let bare = SignedSet {
            records: set.records,
            rrsigs: Vec::new(),
        };
        let (kind, _) =
            judge_signatures(&zone(), RecordType::A, &bare, &[], NOW).expect_err("bare");
        assert_eq!(kind, BogusKind::MissingSignatures);
    }
}
