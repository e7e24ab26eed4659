//! E-mail checks: SPF, DMARC, DKIM, MTA-STS, TLS-RPT and null MX, with the record parsers they
//! use; and mail transport: STARTTLS, the TLS and certificate behind it, DANE (issue 13).

pub mod dane;
pub mod dkim;
pub mod dmarc;
pub(crate) mod dmarc_policy;
pub(crate) mod dmarc_record;
pub mod ipv6_mx;
pub mod mta_sts;
pub(crate) mod mta_sts_policy;
pub(crate) mod mx_view;
pub mod null_mx;
pub mod spf;
pub(crate) mod spf_eval;
pub(crate) mod spf_record;
pub(crate) mod spf_result;
pub mod starttls;
pub mod starttls_certificate;
pub mod starttls_tls;
pub mod tls_rpt;

use govscan_model::{MxRecord, Observations, Outcome, Probed, Status};
use serde_json::json;

use crate::dns::answered;

/// Whether the domain receives mail: `Some(true)` with a real MX, `Some(false)` with only a
/// null MX or none, `Err` when the MX lookup failed.
pub(crate) fn receives_mail(obs: &Observations) -> Result<(bool, Vec<MxRecord>), String> {
    let mx = answered(&obs.dns.mx)?;
    Ok((mx.iter().any(|m| !m.exchange.is_empty()), mx.to_vec()))
}

/// For check `id` of a policy published for the domain's mail servers: the MX records and the
/// TXT records at `name` (looked up as `txt`). Or the outcome that ends the check early:
/// inconclusive when a lookup failed, not applicable when there is no MX host to `purpose`.
pub(crate) fn mail_policy_txt<'a>(
    id: &str,
    obs: &Observations,
    name: &str,
    txt: &'a Probed<Vec<String>>,
    purpose: &str,
) -> Result<(Vec<MxRecord>, &'a [String]), Outcome> {
    let (receives, mx) = receives_mail(obs)
        .map_err(|reason| Outcome::inconclusive(id, format!("MX lookup: {reason}")))?;
    if !receives {
        return Err(Outcome::new(
            id,
            Status::NotApplicable,
            "no_mail_servers",
            format!("{} has no MX host to {purpose}", obs.domain),
            json!({ "mx": mx }),
        ));
    }
    let txt = answered(txt)
        .map_err(|reason| Outcome::inconclusive(id, format!("{name} TXT lookup: {reason}")))?;
    Ok((mx, txt))
}
