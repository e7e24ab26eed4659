//! Which resolved addresses become endpoints: distinct, allowed by the address policy, and at
//! most `max_addresses` per family; the rest are recorded in an `AddressSelection`.

use std::collections::HashSet;
use std::net::IpAddr;

use govscan_model::{AddressSelection, BlockedAddress};

use crate::policy::AddressPolicy;

/// The addresses to probe, in the order given, and the record of those left alone.
pub(crate) fn choose(
    candidates: &[IpAddr],
    policy: &AddressPolicy,
    max_per_family: usize,
) -> (Vec<IpAddr>, AddressSelection) {
    let mut seen = HashSet::new();
    let mut chosen = Vec::new();
    let (mut v4, mut v6) = (0usize, 0usize);
    let mut selection = AddressSelection {
        max_per_family: u32::try_from(max_per_family).unwrap_or(u32::MAX),
        ..AddressSelection::default()
    };
    for ip in candidates.iter().filter(|ip| seen.insert(**ip)) {
        if let Err(refusal) = policy.check(*ip) {
            selection.blocked_total = selection.blocked_total.saturating_add(1);
            if selection.blocked.len() < AddressSelection::BLOCKED_LISTED {
                selection.blocked.push(BlockedAddress {
                    address: ip.to_string(),
                    reason: refusal.reason,
                });
            }
            continue;
        }
        let family = if ip.is_ipv4() { &mut v4 } else { &mut v6 };
        if *family < max_per_family {
            *family += 1;
            chosen.push(*ip);
        } else {
            selection.not_probed = selection.not_probed.saturating_add(1);
        }
    }
    (chosen, selection)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(texts: &[&str]) -> Vec<IpAddr> {
        texts.iter().map(|t| t.parse().expect("ip")).collect()
    }

    #[test]
    fn the_cap_applies_per_family_after_the_policy() {
        let many: Vec<IpAddr> = (1..=200u8)
            .map(|i| IpAddr::from([8, 8, 4, i]))
            .chain(ips(&[
                "127.0.0.1",
                "10.0.0.1",
                "2001:4860::1",
                "2001:4860::2",
            ]))
            .chain((1..=50u8).map(|i| IpAddr::from([8, 8, 4, i])))
            .collect();
        let (chosen, selection) = choose(&many, &AddressPolicy::default(), 8);
        assert_eq!(chosen.len(), 10, "8 IPv4 and both IPv6: {chosen:?}");
        assert_eq!(
            chosen[..8],
            ips(&[
                "8.8.4.1", "8.8.4.2", "8.8.4.3", "8.8.4.4", "8.8.4.5", "8.8.4.6", "8.8.4.7",
                "8.8.4.8"
            ])[..]
        );
        assert_eq!(selection.max_per_family, 8);
        assert_eq!(selection.not_probed, 192, "duplicates count once");
        assert_eq!(selection.blocked_total, 2);
        assert_eq!(selection.blocked[0].address, "127.0.0.1");
        assert!(selection.blocked[0].reason.contains("loopback"));
        assert!(selection.is_partial());
    }

    #[test]
    fn blocked_addresses_are_listed_up_to_a_bound_and_counted() {
        let private: Vec<IpAddr> = (0..=255u8).map(|i| IpAddr::from([10, 0, 0, i])).collect();
        let (chosen, selection) = choose(&private, &AddressPolicy::default(), 8);
        assert!(chosen.is_empty());
        assert_eq!(selection.blocked_total, 256);
        assert_eq!(selection.blocked.len(), AddressSelection::BLOCKED_LISTED);
        assert_eq!(selection.not_probed, 0);
    }

    #[test]
    fn an_ordinary_domain_is_probed_whole() {
        let (chosen, selection) = choose(
            &ips(&["8.8.8.8", "2001:4860::8888"]),
            &AddressPolicy::default(),
            8,
        );
        assert_eq!(chosen.len(), 2);
        assert!(!selection.is_partial());
    }
}
