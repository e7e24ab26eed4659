//! DNS hygiene checks: DNSSEC, CAA, name servers and IPv6 reachability.

pub mod caa;
pub mod dnssec;
pub mod ipv6_nameservers;
pub mod ipv6_web;
pub mod nameservers;

use govscan_model::{FailureKind, Probed};

/// The records of a record-set lookup, treating "no such records" (NXDOMAIN/NODATA) as an
/// empty answer; any other failure is returned as its reason.
pub(crate) fn answered<T>(probe: &Probed<Vec<T>>) -> Result<&[T], String> {
    match probe {
        Probed::Ok { value } => Ok(value),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => Ok(&[]),
        other => Err(other.missing_reason().unwrap_or_default()),
    }
}
