//! The network block of an address (IPv4 /24, IPv6 /48): the unit `--per-network` caps.
//!
//! A /24 is the longest IPv4 prefix routed between networks (longer ones are filtered by most
//! of the internet) and the smallest block a provider usually assigns; a /48 is the usual IPv6
//! assignment to one site (RFC 6177 leaves /48 to /56 to the registries) and likewise the
//! longest prefix accepted in the global routing table. A
//! hosting provider's servers, a government data centre or a shared-hosting platform therefore
//! sit in one such block far more often than in one address, and the block is what the next
//! router, firewall or load balancer in front of them shares.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Prefix length of an IPv4 network block.
pub(crate) const IPV4_BLOCK_PREFIX: u8 = 24;
/// Prefix length of an IPv6 network block.
pub(crate) const IPV6_BLOCK_PREFIX: u8 = 48;

/// The network block `ip` belongs to: its /24 for IPv4, its /48 for IPv6. An IPv4-mapped IPv6
/// address (`::ffff:a.b.c.d`) reaches the IPv4 host it carries, so it is in that host's /24.
pub(crate) fn network_block(ip: IpAddr) -> IpNet {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    match ip {
        // The prefix lengths are constants within range, so `new` cannot fail; the fallback
        // (the address alone) is never taken.
        IpAddr::V4(v4) => Ipv4Net::new(v4, IPV4_BLOCK_PREFIX)
            .map_or_else(|_| IpNet::from(ip), |net| IpNet::V4(net.trunc())),
        IpAddr::V6(v6) => Ipv6Net::new(v6, IPV6_BLOCK_PREFIX)
            .map_or_else(|_| IpNet::from(ip), |net| IpNet::V6(net.trunc())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(ip: &str) -> String {
        network_block(ip.parse().expect("ip")).to_string()
    }

    #[test]
    fn ipv4_addresses_share_their_slash_24() {
        assert_eq!(block("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(block("203.0.113.254"), "203.0.113.0/24");
        assert_ne!(block("203.0.113.7"), block("203.0.112.7"));
        assert_eq!(block("127.20.3.1"), "127.20.3.0/24");
    }

    #[test]
    fn ipv6_addresses_share_their_slash_48() {
        assert_eq!(block("2001:db8:1:2::7"), "2001:db8:1::/48");
        assert_eq!(block("2001:db8:1:ffff::1"), "2001:db8:1::/48");
        assert_ne!(block("2001:db8:1::1"), block("2001:db8:2::1"));
        assert_eq!(block("::1"), "::/48");
    }

    #[test]
    fn an_ipv4_mapped_address_is_in_the_block_of_its_ipv4_host() {
        assert_eq!(block("::ffff:203.0.113.9"), "203.0.113.0/24");
        assert_eq!(block("::ffff:203.0.113.9"), block("203.0.113.200"));
    }
}
