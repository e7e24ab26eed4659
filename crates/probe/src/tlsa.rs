//! TLSA records for DANE (RFC 6698): `_<port>._tcp.<host>` read through the resolver (once a
//! scan per name: an MX host shared by a thousand domains is asked once), and the validator's
//! verdict on the answer (`dnssec.rs`), because only a DNSSEC-secure TLSA record set may be
//! used (RFC 7672 §2.2, RFC 6698 §4.1).

use govscan_model::{FailureKind, Probed, TlsaLookup, TlsaRecord};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::Inner;
use crate::dns::name_text;

/// The TLSA records at `_<port>._tcp.<host>` and their DNSSEC status; no records is a
/// `no_data` failure (DANE is not deployed).
pub(crate) async fn lookup(inner: &Inner, port: u16, host: &str) -> Probed<TlsaLookup> {
    let owner = format!("_{port}._tcp.{}.", host.trim_end_matches('.'));
    let name = match Name::from_ascii(&owner) {
        Ok(name) => name,
        Err(e) => return Probed::failed(FailureKind::Dns, format!("cannot form {owner}: {e}")),
    };
    let answer = match inner.dns.zone_query(&name, RecordType::TLSA).await {
        Ok(answer) => answer,
        Err((kind, detail)) => return Probed::failed(kind, detail),
    };
    let records: Vec<TlsaRecord> = answer
        .records
        .iter()
        .filter_map(|r| match &r.data {
            RData::TLSA(tlsa) => Some(TlsaRecord {
                usage: u8::from(tlsa.cert_usage),
                selector: u8::from(tlsa.selector),
                matching_type: u8::from(tlsa.matching),
                data_hex: tlsa.cert_data.iter().map(|b| format!("{b:02x}")).collect(),
            }),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return Probed::failed(
            FailureKind::NoData,
            format!("no TLSA records at {}", name_text(&name)),
        );
    }
    let (dnssec, dnssec_detail) = inner.validator.answer_status(&name, RecordType::TLSA).await;
    Probed::ok(TlsaLookup {
        name: name_text(&name),
        records,
        dnssec,
        dnssec_detail,
    })
}
