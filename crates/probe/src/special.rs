//! The special-purpose address ranges (IANA registries) that are not globally reachable, the
//! cloud metadata addresses, and the private ranges `--allow-private` lifts: the tables the
//! address policy (`policy.rs`) consults.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The ranges `--allow-private` allows (metadata addresses inside them stay blocked).
const PRIVATE_V4: &[(u32, u8)] = &[
    (0x7f00_0000, 8),  // 127.0.0.0/8
    (0x0a00_0000, 8),  // 10.0.0.0/8
    (0xac10_0000, 12), // 172.16.0.0/12
    (0xc0a8_0000, 16), // 192.168.0.0/16
];
const PRIVATE_V6: &[(u128, u8)] = &[
    (1, 128),                                       // ::1
    (0xfc00_0000_0000_0000_0000_0000_0000_0000, 7), // fc00::/7
];

/// Special-purpose IPv4 ranges that are not globally reachable (IANA registry), most specific
/// first where they nest.
const SPECIAL_V4: &[(u32, u8, &str)] = &[
    (
        0x0000_0000,
        8,
        "\"this network\" (0.0.0.0/8), which reaches the scanner itself",
    ),
    (0x0a00_0000, 8, "private (RFC 1918, 10.0.0.0/8)"),
    (
        0x6440_0000,
        10,
        "shared address space / CGNAT (RFC 6598, 100.64.0.0/10)",
    ),
    (0x7f00_0000, 8, "loopback (127.0.0.0/8)"),
    (0xa9fe_0000, 16, "link-local (169.254.0.0/16)"),
    (0xac10_0000, 12, "private (RFC 1918, 172.16.0.0/12)"),
    (0xc000_0000, 24, "IETF protocol assignments (192.0.0.0/24)"),
    (0xc000_0200, 24, "documentation (TEST-NET-1, 192.0.2.0/24)"),
    (
        0xc058_6300,
        24,
        "deprecated 6to4 relay anycast (192.88.99.0/24)",
    ),
    (0xc0a8_0000, 16, "private (RFC 1918, 192.168.0.0/16)"),
    (0xc612_0000, 15, "benchmarking (198.18.0.0/15)"),
    (
        0xc633_6400,
        24,
        "documentation (TEST-NET-2, 198.51.100.0/24)",
    ),
    (
        0xcb00_7100,
        24,
        "documentation (TEST-NET-3, 203.0.113.0/24)",
    ),
    (0xe000_0000, 4, "multicast (224.0.0.0/4)"),
    (0xffff_ffff, 32, "limited broadcast (255.255.255.255)"),
    (0xf000_0000, 4, "reserved (240.0.0.0/4)"),
];

/// Special-purpose IPv6 ranges that are not globally reachable (IANA registry). IPv4-mapped
/// addresses are judged as the IPv4 address they carry, before this table.
const SPECIAL_V6: &[(u128, u8, &str)] = &[
    (0, 128, "unspecified (::)"),
    (1, 128, "loopback (::1)"),
    (0, 96, "IPv4-compatible (deprecated, ::/96)"),
    (
        0x0064_ff9b_0000_0000_0000_0000_0000_0000,
        96,
        "NAT64 (64:ff9b::/96), which a local translator turns into any IPv4 address",
    ),
    (
        0x0064_ff9b_0001_0000_0000_0000_0000_0000,
        48,
        "local-use NAT64 (64:ff9b:1::/48)",
    ),
    (
        0x0100_0000_0000_0000_0000_0000_0000_0000,
        64,
        "discard-only (100::/64)",
    ),
    (
        0x2001_0000_0000_0000_0000_0000_0000_0000,
        32,
        "Teredo (2001::/32)",
    ),
    (
        0x2001_0002_0000_0000_0000_0000_0000_0000,
        48,
        "benchmarking (2001:2::/48)",
    ),
    (
        0x2001_0010_0000_0000_0000_0000_0000_0000,
        28,
        "deprecated ORCHID (2001:10::/28)",
    ),
    (
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        32,
        "documentation (2001:db8::/32)",
    ),
    (
        0x3fff_0000_0000_0000_0000_0000_0000_0000,
        20,
        "documentation (3fff::/20)",
    ),
    (
        0x5f00_0000_0000_0000_0000_0000_0000_0000,
        16,
        "segment routing SIDs (5f00::/16)",
    ),
    (
        0xfc00_0000_0000_0000_0000_0000_0000_0000,
        7,
        "unique local (RFC 4193, fc00::/7)",
    ),
    (
        0xfe80_0000_0000_0000_0000_0000_0000_0000,
        10,
        "link-local (fe80::/10)",
    ),
    (
        0xfec0_0000_0000_0000_0000_0000_0000_0000,
        10,
        "deprecated site-local (fec0::/10)",
    ),
    (
        0xff00_0000_0000_0000_0000_0000_0000_0000,
        8,
        "multicast (ff00::/8)",
    ),
];

/// Cloud metadata and host-agent addresses: blocked even under `--allow-private`.
pub(crate) fn metadata_class(ip: IpAddr) -> Option<&'static str> {
    const AWS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);
    match ip {
        IpAddr::V4(v4) if v4 == Ipv4Addr::new(169, 254, 169, 254) => {
            Some("a cloud metadata address (169.254.169.254)")
        }
        IpAddr::V4(v4) if v4 == Ipv4Addr::new(168, 63, 129, 16) => {
            Some("the Azure host agent address (168.63.129.16)")
        }
        IpAddr::V6(v6) if v6 == AWS_V6 => Some("a cloud metadata address (fd00:ec2::254)"),
        _ => None,
    }
}

fn in_v4(ip: u32, base: u32, len: u8) -> bool {
    len == 0 || (ip >> (32 - u32::from(len))) == (base >> (32 - u32::from(len)))
}

fn in_v6(ip: u128, base: u128, len: u8) -> bool {
    len == 0 || (ip >> (128 - u32::from(len))) == (base >> (128 - u32::from(len)))
}

/// The IPv4 address an IPv4-mapped IPv6 address carries; other addresses unchanged.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The special-purpose class of `ip` that is not globally reachable, or `None`.
pub(crate) fn special_class(ip: IpAddr) -> Option<String> {
    if let Some(class) = metadata_class(canonical(ip)) {
        return Some(class.to_string());
    }
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let class = SPECIAL_V4
                .iter()
                .find(|(base, len, _)| in_v4(bits, *base, *len))
                .map(|(_, _, class)| (*class).to_string());
            match (class, ip) {
                (Some(class), IpAddr::V6(_)) => Some(format!("the IPv4-mapped form of {class}")),
                (class, _) => class,
            }
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            if let Some((_, _, class)) = SPECIAL_V6
                .iter()
                .find(|(base, len, _)| in_v6(bits, *base, *len))
            {
                return Some((*class).to_string());
            }
            // 6to4 (2002::/16) carries an IPv4 address in bits 16..48.
            let seg = v6.segments();
            if seg[0] == 0x2002 {
                let [a, b] = seg[1].to_be_bytes();
                let [c, d] = seg[2].to_be_bytes();
                let inner = IpAddr::V4(Ipv4Addr::new(a, b, c, d));
                return special_class(inner).map(|class| format!("the 6to4 form of {class}"));
            }
            None
        }
    }
}

pub(crate) fn is_private(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => PRIVATE_V4
            .iter()
            .any(|(base, len)| in_v4(u32::from(v4), *base, *len)),
        IpAddr::V6(v6) => PRIVATE_V6
            .iter()
            .any(|(base, len)| in_v6(u128::from(v6), *base, *len)),
    }
}
