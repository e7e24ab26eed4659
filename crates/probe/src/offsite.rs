//! Whether a redirect to another host may be fetched: only hosts of the target set, and never
//! (unless `allow_private`) at an address inside a private network or a cloud metadata service,
//! so that a scanner inside a government network cannot be steered into it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::Inner;

/// The cloud metadata address of AWS, GCP, Azure and others (link-local IPv4).
const METADATA_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);
/// The AWS IPv6 metadata address.
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

/// The address class that forbids a redirect hop to `ip`, or `None` for a public address.
pub(crate) fn forbidden_class(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(if ip == METADATA_V4 {
        "a cloud metadata address (169.254.169.254)"
    } else if ip.is_loopback() {
        "loopback (127.0.0.0/8)"
    } else if a == 10 || (a == 172 && (16..32).contains(&b)) || (a == 192 && b == 168) {
        "private (RFC 1918)"
    } else if ip.is_link_local() {
        "link-local (169.254.0.0/16)"
    } else if a == 100 && (64..128).contains(&b) {
        "shared address space / CGNAT (100.64.0.0/10)"
    } else if ip.is_multicast() {
        "multicast (224.0.0.0/4)"
    } else if a == 0 {
        "unspecified / this network (0.0.0.0/8)"
    } else if ip.is_broadcast() || a >= 240 {
        "reserved (240.0.0.0/4)"
    } else {
        return None;
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let first = ip.segments()[0];
    let seg = ip.segments();
    // NAT64 (RFC 6052): the IPv4 address sits in the last 32 bits.
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        return forbidden_v4(v4);
    }
    Some(if ip == METADATA_V6 {
        "a cloud metadata address (fd00:ec2::254)"
    } else if ip.is_loopback() {
        "loopback (::1)"
    } else if ip.is_unspecified() {
        "unspecified (::)"
    } else if first & 0xfe00 == 0xfc00 {
        "unique local (RFC 4193, fc00::/7)"
    } else if first & 0xffc0 == 0xfe80 {
        "link-local (fe80::/10)"
    } else if ip.is_multicast() {
        "multicast (ff00::/8)"
    } else {
        return None;
    })
}

/// The address to fetch a redirect hop to `host` from, or why the hop is not fetched.
pub(crate) async fn hop_address(inner: &Inner, host: &str) -> Result<IpAddr, String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let config = &inner.config;
    if !config.allowed_redirect_hosts.contains(&host) {
        return Err(format!("{host} is not in the target set"));
    }
    // Operator-chosen addresses are trusted like the targets themselves.
    if let Some(ip) = config.connect_overrides.get(&host).and_then(|v| v.first()) {
        return Ok(*ip);
    }
    let ip = crate::mail_policy::resolve_first::<()>(inner, &host)
        .await
        .map_err(|failed| {
            let why = match failed {
                govscan_model::Probed::Failed { detail, .. } => detail,
                _ => "no address".to_string(),
            };
            format!("{host} is in the target set but could not be resolved: {why}")
        })?;
    match forbidden_class(ip) {
        Some(class) if !config.allow_private => Err(format!(
            "{host} resolves to {ip}, {class}; redirects into private networks are not followed without --allow-private"
        )),
        _ => Ok(ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(ip: &str) -> Option<&'static str> {
        forbidden_class(ip.parse().expect("ip"))
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "127.10.3.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fc00::1",
            "fdab::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(class(ip).is_some(), "{ip} must be forbidden");
        }
        assert_eq!(
            class("169.254.169.254"),
            Some("a cloud metadata address (169.254.169.254)")
        );
        assert_eq!(
            class("fd00:ec2::254"),
            Some("a cloud metadata address (fd00:ec2::254)")
        );
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "8.8.8.8",
            "172.32.0.1",
            "172.15.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "2001:db8::1",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(class(ip), None, "{ip} is public");
        }
    }
}
