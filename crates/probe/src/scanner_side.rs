//! Failures on the scanner's side: operating-system errors that come from this host rather
//! than from the target (no route for an address family, no free descriptors, no local
//! address, a local firewall), and the route check that tells a local "network unreachable"
//! from one reported by the network. Recorded as `FailureKind::Scanner`, which checks never
//! turn into the target's failure.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// Why this host has no route to `ip`, if it has none. A UDP `connect` only looks up the
/// route and binds a local address; it sends no packet, so this is safe for any address.
pub(crate) fn route_missing(ip: IpAddr) -> Option<String> {
    let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
    let local: SocketAddr = match ip {
        IpAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = match UdpSocket::bind(local) {
        Ok(socket) => socket,
        Err(e) => return Some(format!("this host cannot open an {family} socket ({e})")),
    };
    match socket.connect((ip, 9)) {
        Ok(()) => None,
        Err(e) => Some(format!("this host has no route to {ip} ({family}): {e}")),
    }
}

/// Why an error of a connect (TCP) or send (UDP) to `ip` lies with this host, if it does:
/// no route from here for the address (`ENETUNREACH` or `EHOSTUNREACH` while this host has no
/// route to it), no local address
/// or port (`EADDRNOTAVAIL`), the local network down, a local firewall (`EPERM`/`EACCES`),
/// no free descriptors (`EMFILE`, `ENFILE`) or buffers (`ENOBUFS`, `ENOMEM`). A "network
/// unreachable" for which this host does have a route was reported by the network: the
/// target's side.
pub(crate) fn local_cause(e: &io::Error, ip: IpAddr) -> Option<String> {
    match e.kind() {
        // No route from here (no default route for the family, or a local `unreachable`
        // route) fails locally; the same errors reported by a router come with a route.
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => route_missing(ip),
        io::ErrorKind::AddrNotAvailable => {
            Some(format!("no local address or port available for {ip} ({e})"))
        }
        io::ErrorKind::NetworkDown => Some(format!("this host's network is down ({e})")),
        io::ErrorKind::PermissionDenied => Some(format!(
            "this host's firewall or policy does not allow connecting to {ip} ({e})"
        )),
        io::ErrorKind::OutOfMemory => Some(format!("this host is out of memory ({e})")),
        _ => match e.raw_os_error() {
            Some(libc::EMFILE | libc::ENFILE) => Some(format!(
                "this host has no free file descriptors ({e}); raise the limit (ulimit -n) or \
                 lower --concurrency"
            )),
            Some(libc::ENOBUFS) => Some(format!("this host is out of socket buffers ({e})")),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_and_local_address_errors_are_the_scanners() {
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        for errno in [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::EADDRNOTAVAIL,
        ] {
            let e = io::Error::from_raw_os_error(errno);
            assert!(local_cause(&e, ip).is_some(), "{e}");
        }
        let descriptors = local_cause(&io::Error::from_raw_os_error(libc::EMFILE), ip);
        assert!(descriptors.is_some_and(|why| why.contains("file descriptors")));
        for errno in [libc::ECONNREFUSED, libc::ETIMEDOUT] {
            let e = io::Error::from_raw_os_error(errno);
            assert_eq!(local_cause(&e, ip), None, "{e}");
        }
    }

    #[test]
    fn loopback_is_always_routable() {
        assert_eq!(route_missing("127.0.0.1".parse().expect("ip")), None);
        // "Network unreachable" towards an address this host can route to came from the
        // network, so it is not the scanner's.
        for errno in [libc::ENETUNREACH, libc::EHOSTUNREACH] {
            let e = io::Error::from_raw_os_error(errno);
            assert_eq!(local_cause(&e, "127.0.0.1".parse().expect("ip")), None);
        }
    }
}
