//! Which address a host other than the endpoint's own may be fetched from: a redirect hop to
//! another host of the target set, or the MTA-STS policy host. The first resolved address the
//! address policy allows (`policy.rs`); a host on the exclude list, or one that resolves only
//! into blocked addresses, is not fetched at all.

use std::net::IpAddr;

use govscan_model::{FailureKind, Probed};
use hickory_resolver::proto::rr::{Name, RecordType};

use crate::Inner;
use crate::dns::addresses_of;

/// The address to fetch a redirect hop to `host` from, or why the hop is not fetched.
pub(crate) async fn hop_address(inner: &Inner, host: &str) -> Result<IpAddr, String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !inner.config.allowed_redirect_hosts.contains(&host) {
        return Err(format!("{host} is not in the target set"));
    }
    allowed_address::<()>(inner, &host)
        .await
        .map_err(|failed| match failed {
            Probed::Failed {
                kind: FailureKind::Blocked,
                detail,
            } => format!("{detail}; redirects there are not followed"),
            Probed::Failed { detail, .. } => {
                format!("{host} is in the target set but could not be resolved: {detail}")
            }
            Probed::Skipped { why } => why,
            Probed::Ok { .. } => format!("{host}: no address"),
        })
}

/// The first address of `host` that the address policy allows: its `--connect` override, else
/// its A records, else its AAAA records. A host on the exclude list, or whose addresses are all
/// blocked, is a `Blocked` failure naming why; a host without addresses is `NoData`.
pub(crate) async fn allowed_address<T>(inner: &Inner, host: &str) -> Result<IpAddr, Probed<T>> {
    let policy = inner.limits.policy();
    let blocked = |reason: String| Probed::failed(FailureKind::Blocked, reason);
    policy.check_host(host).map_err(|r| blocked(r.reason))?;
    let mut refused: Option<String> = None;
    let mut pick = |ips: &[IpAddr]| {
        for ip in ips {
            match policy.check(*ip) {
                Ok(()) => return Some(*ip),
                Err(refusal) => {
                    refused.get_or_insert(refusal.reason);
                }
            }
        }
        None
    };
    if let Some(ips) = inner.config.connect_overrides.get(host) {
        if let Some(ip) = pick(ips) {
            return Ok(ip);
        }
    } else {
        let name = Name::from_ascii(format!("{host}."))
            .map_err(|e| Probed::failed(FailureKind::Dns, format!("cannot form {host}: {e}")))?;
        for rtype in [RecordType::A, RecordType::AAAA] {
            match inner.dns.query(&name, rtype).await {
                Ok(answer) => {
                    if let Some(ip) = pick(&addresses_of(&answer.records)) {
                        return Ok(ip);
                    }
                }
                Err((kind, detail)) => return Err(Probed::failed(kind, detail)),
            }
        }
    }
    Err(match refused {
        Some(reason) => blocked(format!(
            "{host} resolves only to addresses govscan does not contact ({reason})"
        )),
        None => Probed::failed(
            FailureKind::NoData,
            format!("{host} has no A or AAAA record"),
        ),
    })
}
