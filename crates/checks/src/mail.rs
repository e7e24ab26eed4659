//! E-mail checks: SPF, DMARC, MTA-STS, TLS-RPT and null MX, with the record parsers they use.

pub mod dmarc;
pub(crate) mod dmarc_record;
pub mod mta_sts;
pub(crate) mod mta_sts_policy;
pub mod null_mx;
pub mod spf;
pub(crate) mod spf_record;
pub mod tls_rpt;

use govscan_model::{MxRecord, Observations};

use crate::dns::answered;

/// Whether the domain receives mail: `Some(true)` with a real MX, `Some(false)` with only a
/// null MX or none, `Err` when the MX lookup failed.
pub(crate) fn receives_mail(obs: &Observations) -> Result<(bool, Vec<MxRecord>), String> {
    let mx = answered(&obs.dns.mx)?;
    Ok((mx.iter().any(|m| !m.exchange.is_empty()), mx.to_vec()))
}
