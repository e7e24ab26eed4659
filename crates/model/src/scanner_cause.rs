//! Why the scanning side failed, in a user's words: the probe's scanner-side failure messages
//! (`crates/probe/src/scanner_side.rs`, `dns.rs`, `resolver_health.rs`, the slot waits of
//! `lib.rs`) sorted into a few causes, each with a plain sentence saying what happened and
//! what to try. An unhealthy scan names its most frequent cause on the terminal, the report
//! banner and in alerts, so a first run on an offline machine explains itself.

use serde::{Deserialize, Serialize};

/// A kind of scanner-side failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScannerCause {
    /// The DNS resolver answered nothing: nothing listens at its address, or it cannot be
    /// reached from this machine.
    ResolverDown,
    /// The DNS resolver answers, but that no name exists, not even the root zone: it cannot
    /// see the public DNS (a sandbox, a captive or split-horizon resolver without forwarding).
    ResolverBlind,
    /// No IPv6 route from this machine (IPv6 addresses could not be tried).
    NoIpv6,
    /// No route from this machine (IPv4, or either family): usually offline.
    NoRoute,
    /// This machine's network interface is down.
    NetworkDown,
    /// A local firewall or policy refused the connection.
    Firewall,
    /// No free file descriptors, socket buffers or memory.
    Resources,
    /// The domain's time budget ran out while waiting for a connection slot.
    SlotWait,
    /// Anything else on the scanner's side.
    Other,
}

/// Phrases of the probe's scanner-side messages, first match wins (the resolver first: its
/// messages may quote an OS error that also names a route or a descriptor).
const PHRASES: [(&str, ScannerCause); 13] = [
    (
        "the resolver is not reachable from this host",
        ScannerCause::ResolverDown,
    ),
    (
        "the resolver could not be reached from this host",
        ScannerCause::ResolverDown,
    ),
    ("cannot see the public dns", ScannerCause::ResolverBlind),
    ("(ipv6)", ScannerCause::NoIpv6),
    ("cannot open an ipv6 socket", ScannerCause::NoIpv6),
    ("has no route to", ScannerCause::NoRoute),
    ("network is down", ScannerCause::NetworkDown),
    ("firewall or policy", ScannerCause::Firewall),
    ("no free file descriptors", ScannerCause::Resources),
    ("out of socket buffers", ScannerCause::Resources),
    ("out of memory", ScannerCause::Resources),
    ("no local address or port", ScannerCause::Resources),
    ("while this probe waited for", ScannerCause::SlotWait),
];

impl ScannerCause {
    /// The cause of one scanner-side failure message (as the probe wrote it).
    pub fn classify(message: &str) -> ScannerCause {
        let lower = message.to_ascii_lowercase();
        PHRASES
            .iter()
            .find(|(phrase, _)| lower.contains(phrase))
            .map_or(ScannerCause::Other, |(_, cause)| *cause)
    }

    /// What happened, in one plain sentence without a full stop.
    pub fn headline(self) -> &'static str {
        match self {
            ScannerCause::ResolverDown => {
                "No DNS answers from the resolver: this machine may be offline, or its DNS \
                 resolver is not running"
            }
            ScannerCause::ResolverBlind => {
                "The DNS resolver answers that no name exists, not even the root of the DNS: it \
                 cannot see the public DNS, so no domain could be looked up"
            }
            ScannerCause::NoIpv6 => {
                "This machine has no IPv6 connection, so the domains' IPv6 addresses could not \
                 be tried"
            }
            ScannerCause::NoRoute => {
                "This machine has no route to the internet: it is probably offline"
            }
            ScannerCause::NetworkDown => "This machine's network connection is down",
            ScannerCause::Firewall => {
                "A firewall or security policy on this machine blocked the scan's connections"
            }
            ScannerCause::Resources => {
                "This machine ran out of resources for connections (file descriptors, socket \
                 buffers or memory)"
            }
            ScannerCause::SlotWait => {
                "The scan ran out of time waiting for free connections: too many domains for \
                 the time and connections allowed"
            }
            ScannerCause::Other => "The computer that ran the scan could not carry out its probes",
        }
    }

    /// What to try, in plain words.
    pub fn what_to_try(self) -> &'static str {
        match self {
            ScannerCause::ResolverDown => {
                "Check that this machine is online and that its DNS resolver is running: a \
                 lookup such as `getent hosts example.org` should print an address, and \
                 /etc/resolv.conf (or `resolvectl status`) shows which resolver is used. If \
                 you gave --resolver, check that address; or pass your network's resolver \
                 with --resolver ADDRESS:53."
            }
            ScannerCause::ResolverBlind => {
                "Use a resolver that answers for public names: `getent hosts example.org` \
                 should print an address; pass your network's resolver with --resolver \
                 ADDRESS:53, or run the scan where the public DNS can be reached."
            }
            ScannerCause::NoIpv6 => {
                "Run the scan on a machine with IPv6, or give this one an IPv6 connection; \
                 the IPv4 results are in the report, but a dual-stack domain cannot be judged \
                 without both."
            }
            ScannerCause::NoRoute => {
                "Connect this machine to the network (`ip route` should show a default \
                 route), or run the scan from a machine that reaches the internet."
            }
            ScannerCause::NetworkDown => {
                "Bring the network interface up (`ip link`) and check the connection, then \
                 scan again."
            }
            ScannerCause::Firewall => {
                "Allow outgoing DNS (port 53), HTTP (80), HTTPS (443) and SMTP (25) from this \
                 machine, or run the scan where they are allowed."
            }
            ScannerCause::Resources => {
                "Raise the open-files limit (`ulimit -n`, or LimitNOFILE= in the systemd unit) \
                 or lower --concurrency, and check free memory."
            }
            ScannerCause::SlotWait => {
                "Raise --domain-timeout or --concurrency (with `ulimit -n`), or scan fewer \
                 domains per run. A wait for one network's slots (--per-network) means many \
                 of the domains are hosted on one network: give them more time, or fewer \
                 domains at once (a lower --concurrency), rather than raising that \
                 politeness cap."
            }
            ScannerCause::Other => {
                "Check that this machine is online, that its DNS resolver is running and \
                 answering (or pass a working one with --resolver), that it has IPv6 if the \
                 domains publish IPv6 addresses, and that it has enough free file descriptors \
                 (ulimit -n) for the --concurrency used."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probes_own_messages_are_sorted_into_causes() {
        // Messages as the probe writes them (see the module docs for where).
        for (message, cause) in [
            (
                "Could not be judged: A lookup: Scanner failure: A query for one.example.test \
                 failed: request timed out: the resolver is not reachable from this host: \
                 nothing listens on 127.0.0.1:9 (TCP connect refused)",
                ScannerCause::ResolverDown,
            ),
            (
                "MX query for a.test failed: the resolver could not be reached from this host \
                 (Network is unreachable (os error 101))",
                ScannerCause::ResolverDown,
            ),
            (
                "TCP connect to [2001:db8::1]:443 failed on the scanner's side, not the \
                 target's: this host has no route to 2001:db8::1 (IPv6): Network is unreachable",
                ScannerCause::NoIpv6,
            ),
            (
                "TCP connect to 192.0.2.1:443 failed on the scanner's side, not the target's: \
                 this host has no route to 192.0.2.1 (IPv4): Network is unreachable",
                ScannerCause::NoRoute,
            ),
            (
                "this host has no free file descriptors (Too many open files); raise the limit",
                ScannerCause::Resources,
            ),
            (
                "the domain's budget of 30s (domain_timeout) ran out while this probe waited \
                 for a connection slot: a limit of the scanner, not a failure of the target",
                ScannerCause::SlotWait,
            ),
            (
                "the domain's budget of 60s (domain_timeout) ran out while this probe waited \
                 for one of the 16 connection slots to the network 203.0.113.0/24 \
                 (--per-network), all held by other domains: a limit of the scanner, not a \
                 failure of the target",
                ScannerCause::SlotWait,
            ),
            (
                "this host's firewall or policy does not allow connecting to 192.0.2.1",
                ScannerCause::Firewall,
            ),
            (
                "the revocation probe failed inside the scanner",
                ScannerCause::Other,
            ),
        ] {
            assert_eq!(ScannerCause::classify(message), cause, "{message}");
        }
    }

    #[test]
    fn every_cause_has_words() {
        for cause in [
            ScannerCause::ResolverDown,
            ScannerCause::NoIpv6,
            ScannerCause::NoRoute,
            ScannerCause::NetworkDown,
            ScannerCause::Firewall,
            ScannerCause::Resources,
            ScannerCause::SlotWait,
            ScannerCause::Other,
        ] {
            assert!(!cause.headline().ends_with('.'), "{cause:?}");
            assert!(cause.what_to_try().ends_with('.'), "{cause:?}");
        }
    }
}
