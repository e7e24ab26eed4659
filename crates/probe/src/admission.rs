//! When a domain starts probing: at most `--per-network` domains on one network block at once.
//!
//! The scan admits up to `--concurrency` domains (`ProbeConfig::domains_at_once`). Each is first
//! resolved (A and AAAA; the answers are kept for its probe, not asked twice), then waits until
//! the network block (IPv4 /24, IPv6 /48) of its first address has fewer than `--per-network`
//! domains probing. A portfolio on one hosting network therefore has as many domains probing as
//! that network has connection slots, so each domain runs as fast as the network's cap lets one
//! run, instead of many domains queueing on the same slots and each taking many times as long;
//! a portfolio spread over several networks has up to `--concurrency` domains probing at once.
//! The wait comes before the domain's budget starts: the budget times the probe, not the queue.
//! Which connections any address or network sees is still bounded by the connection slots
//! (`net.rs`); this only decides which domains hold a place in the queue for them.

use std::net::IpAddr;

use govscan_model::Probed;
use hickory_resolver::proto::rr::RecordType;
use tokio::sync::OwnedSemaphorePermit;

use crate::{Prober, dns};

/// A domain's A or AAAA answer: the addresses, and whether the name does not exist.
pub(crate) type AddressAnswer = (Probed<Vec<IpAddr>>, bool);

/// A domain's place among those probing, and the address answers asked to find its network.
#[derive(Debug, Default)]
pub struct Admission {
    /// The A and AAAA answers asked before admission, used by the probe instead of asking again.
    addresses: Option<(AddressAnswer, AddressAnswer)>,
    /// The place held in the domain's network block until the probe ends (none for a domain
    /// with no address, or one that is not probed at all).
    _place: Option<OwnedSemaphorePermit>,
}

impl Admission {
    /// Admitted without a wait and without answers asked ahead: the probe asks for itself.
    pub fn immediate() -> Admission {
        Admission::default()
    }

    /// The address answers asked at admission, if any (taken once, by the probe).
    pub(crate) fn take_addresses(&mut self) -> Option<(AddressAnswer, AddressAnswer)> {
        self.addresses.take()
    }

    /// Whether this domain holds a place in a network block's queue.
    pub fn holds_network_place(&self) -> bool {
        self._place.is_some()
    }
}

/// The address a domain's network place is taken for: the lowest of its addresses (IPv4 before
/// IPv6), so the choice does not depend on the order of the answers.
pub(crate) fn keyed_address(a: &AddressAnswer, aaaa: &AddressAnswer) -> Option<IpAddr> {
    [a, aaaa]
        .into_iter()
        .flat_map(|(probed, _)| probed.value().into_iter().flatten().copied())
        .min()
}

impl Prober {
    /// Resolves `domain`'s addresses and waits for a place among the domains probing on the
    /// network of its first address (see the module documentation). A domain that is excluded
    /// or whose name is not valid is admitted at once, with nothing asked.
    pub async fn admit(&self, domain: &str) -> Admission {
        let (name, domain) = crate::normalised(domain);
        let Ok(name) = name else {
            return Admission::immediate();
        };
        if self.inner.limits.policy().check_host(&domain).is_err() {
            return Admission::immediate();
        }
        let dns: &dns::Dns = &self.inner.dns;
        let (a, aaaa) = tokio::join!(
            dns.addresses(&name, RecordType::A),
            dns.addresses(&name, RecordType::AAAA)
        );
        let place = match keyed_address(&a, &aaaa) {
            Some(ip) => self.inner.limits.admit_domain(ip).await,
            None => None,
        };
        Admission {
            addresses: Some((a, aaaa)),
            _place: place,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::FailureKind;

    fn answer(ips: &[&str]) -> AddressAnswer {
        (
            Probed::ok(ips.iter().map(|ip| ip.parse().expect("ip")).collect()),
            false,
        )
    }

    #[test]
    fn the_keyed_address_is_the_lowest_ipv4_before_any_ipv6() {
        let a = answer(&["203.0.113.9", "198.51.100.4"]);
        let aaaa = answer(&["2001:db8::1"]);
        assert_eq!(
            keyed_address(&a, &aaaa),
            Some("198.51.100.4".parse().expect("ip"))
        );
        assert_eq!(
            keyed_address(&answer(&[]), &aaaa),
            Some("2001:db8::1".parse().expect("ip"))
        );
    }

    #[test]
    fn a_domain_without_addresses_has_no_keyed_address() {
        let failed: AddressAnswer = (Probed::failed(FailureKind::Timeout, "timed out"), false);
        assert_eq!(keyed_address(&failed, &answer(&[])), None);
    }
}
