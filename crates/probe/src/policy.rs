//! The one address policy of the probe: which addresses and host names govscan may connect to.
//!
//! Every TCP connection (`net::connect_tcp`) and every direct name-server query checks the exact
//! address it is about to use, so nothing can resolve, pass a check, and then connect elsewhere.
//! Blocked by default: the IANA special-purpose ranges that are not globally reachable
//! (loopback, RFC 1918, CGNAT, link-local, documentation, benchmarking, multicast, NAT64, ...),
//! the cloud metadata addresses, and IPv4-mapped, -compatible and 6to4 forms of them.
//! `--allow-private` lifts loopback, RFC 1918 and unique-local; `--allow-cidr` lifts any range
//! (metadata addresses only by an explicit `--allow-cidr`); `--exclude` blocks domains and
//! ranges whatever else is allowed. See docs/design/politeness.md ("Address policy").

use std::net::IpAddr;

use ipnet::IpNet;

use crate::ProbeConfig;
use crate::special::{canonical, is_private, metadata_class, special_class};

/// What one exclude-list entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExcludeTarget {
    /// A domain (lower case, no trailing dot) and every name under it.
    Domain(String),
    /// An address range.
    Net(IpNet),
}

/// One entry of the exclude list and where it was written (`FILE:LINE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludeRule {
    /// The domain or range.
    pub target: ExcludeTarget,
    /// Where the entry came from, e.g. `exclude.txt:3`.
    pub origin: String,
}

/// Domains and ranges never contacted (`--exclude FILE`), as zmap's blocklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExcludeList {
    /// The entries, in file order.
    pub rules: Vec<ExcludeRule>,
}

impl ExcludeList {
    /// The rule that excludes `host` (the host itself or a parent domain), if any.
    pub fn domain_rule(&self, host: &str) -> Option<&ExcludeRule> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.rules.iter().find(|rule| match &rule.target {
            ExcludeTarget::Domain(domain) => {
                host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }
            ExcludeTarget::Net(_) => false,
        })
    }

    /// The rule that excludes `ip`, if any.
    pub fn net_rule(&self, ip: IpAddr) -> Option<&ExcludeRule> {
        self.rules.iter().find(|rule| match &rule.target {
            ExcludeTarget::Net(net) => net.contains(&ip),
            ExcludeTarget::Domain(_) => false,
        })
    }
}

impl std::fmt::Display for ExcludeRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.target {
            ExcludeTarget::Domain(domain) => write!(f, "{domain} ({})", self.origin),
            ExcludeTarget::Net(net) => write!(f, "{net} ({})", self.origin),
        }
    }
}

/// Why the policy refused a connection: a whole sentence for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) reason: String,
}

/// The policy the probe applies to every connection it makes.
#[derive(Debug, Clone, Default)]
pub(crate) struct AddressPolicy {
    /// Ranges allowed explicitly (`--allow-cidr`, and the addresses named by `--connect`).
    allow: Vec<IpNet>,
    /// `--allow-private`: loopback, RFC 1918 and unique-local are allowed.
    allow_private: bool,
    /// Never contacted, whatever else allows them.
    exclude: ExcludeList,
}

impl AddressPolicy {
    /// The policy of a probe configuration: `allow_cidrs`, `allow_private`, `exclude`, and the
    /// addresses named by `connect_overrides` (the operator's explicit choice, like `--resolver`).
    pub(crate) fn from_config(config: &ProbeConfig) -> AddressPolicy {
        let mut allow = config.allow_cidrs.clone();
        allow.extend(
            config
                .connect_overrides
                .values()
                .flatten()
                .map(|ip| IpNet::from(*ip)),
        );
        AddressPolicy {
            allow,
            allow_private: config.allow_private,
            exclude: config.exclude.clone(),
        }
    }

    /// A policy that allows exactly `ip` besides the public addresses (a caller's explicit choice).
    pub(crate) fn only(ip: IpAddr) -> AddressPolicy {
        AddressPolicy {
            allow: vec![IpNet::from(ip)],
            ..AddressPolicy::default()
        }
    }

    /// Whether a connection to `ip` is allowed; the refusal says why not and what would allow it.
    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), Refusal> {
        let canon = canonical(ip);
        if let Some(rule) = self
            .exclude
            .net_rule(ip)
            .or_else(|| self.exclude.net_rule(canon))
        {
            return Err(Refusal {
                reason: format!(
                    "{ip} is on the exclude list ({rule}): never contacted, at its owner's request"
                ),
            });
        }
        if self
            .allow
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canon))
        {
            return Ok(());
        }
        let lifted_by_private =
            self.allow_private && is_private(ip) && metadata_class(canon).is_none();
        match special_class(ip) {
            Some(_) if lifted_by_private => Ok(()),
            Some(class) => Err(Refusal {
                reason: format!(
                    "{ip} is {class}: govscan does not connect to special-purpose addresses \
                     unless allowed (--allow-cidr{})",
                    if metadata_class(canon).is_some() {
                        ""
                    } else {
                        ", --allow-private"
                    }
                ),
            }),
            None => Ok(()),
        }
    }

    /// Whether `host` may be contacted at all (the exclude list's domains).
    pub(crate) fn check_host(&self, host: &str) -> Result<(), Refusal> {
        match self.exclude.domain_rule(host) {
            Some(rule) => Err(Refusal {
                reason: format!(
                    "{} is on the exclude list ({rule}): never contacted, at its owner's request",
                    host.trim_end_matches('.')
                ),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    fn strict() -> AddressPolicy {
        AddressPolicy::default()
    }

    #[test]
    fn special_purpose_addresses_are_blocked_by_default() {
        for text in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.10.3.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.1.1",
            "169.254.169.254",
            "168.63.129.16",
            "192.0.0.170",
            "192.0.2.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::808:808",
            "64:ff9b:1::1",
            "100::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "5f00::1",
            "fc00::1",
            "fd00:ec2::254",
            "fdab::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
        ] {
            let refused = strict().check(ip(text));
            assert!(refused.is_err(), "{text} must be blocked");
            let reason = refused.err().map(|r| r.reason).unwrap_or_default();
            assert!(reason.starts_with(&ip(text).to_string()), "{reason}");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.0.1.1",
            "192.0.3.1",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "2001:4860:4860::8888",
            "2a00:1450::1",
            "2002:808:808::1",
            "2001:db9::1",
        ] {
            assert_eq!(strict().check(ip(text)), Ok(()), "{text} is public");
        }
    }

    #[test]
    fn the_reasons_name_the_class_and_the_way_out() {
        let reason = |text: &str| strict().check(ip(text)).err().map(|r| r.reason);
        let loopback = reason("127.0.0.1").unwrap_or_default();
        assert!(loopback.contains("loopback (127.0.0.0/8)"), "{loopback}");
        assert!(loopback.contains("--allow-private"), "{loopback}");
        let metadata = reason("169.254.169.254").unwrap_or_default();
        assert!(metadata.contains("cloud metadata"), "{metadata}");
        assert!(!metadata.contains("--allow-private"), "{metadata}");
        let mapped = reason("::ffff:127.0.0.1").unwrap_or_default();
        assert!(mapped.contains("IPv4-mapped form of loopback"), "{mapped}");
        let zero = reason("0.0.0.0").unwrap_or_default();
        assert!(zero.contains("reaches the scanner itself"), "{zero}");
    }

    #[test]
    fn allow_private_lifts_private_ranges_but_not_metadata_or_link_local() {
        let policy = AddressPolicy {
            allow_private: true,
            ..AddressPolicy::default()
        };
        for text in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.5",
            "192.168.0.1",
            "::1",
            "fd12::1",
        ] {
            assert_eq!(policy.check(ip(text)), Ok(()), "{text}");
        }
        assert_eq!(policy.check(ip("::ffff:127.0.0.1")), Ok(()));
        for text in [
            "169.254.169.254",
            "fd00:ec2::254",
            "168.63.129.16",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
        ] {
            assert!(policy.check(ip(text)).is_err(), "{text}");
        }
    }

    #[test]
    fn allow_cidr_lifts_exactly_its_range_and_exclude_wins() {
        let mut config = ProbeConfig {
            allow_cidrs: vec![
                "127.10.0.0/16".parse().expect("net"),
                "169.254.169.254/32".parse().expect("net"),
            ],
            ..ProbeConfig::default()
        };
        config.exclude.rules.push(ExcludeRule {
            target: ExcludeTarget::Net("127.10.9.0/24".parse().expect("net")),
            origin: "skip.txt:4".into(),
        });
        config
            .connect_overrides
            .insert("lab.test".into(), vec![ip("10.9.9.9")]);
        let policy = AddressPolicy::from_config(&config);
        assert_eq!(policy.check(ip("127.10.3.1")), Ok(()));
        assert_eq!(policy.check(ip("::ffff:127.10.3.1")), Ok(()));
        assert_eq!(
            policy.check(ip("169.254.169.254")),
            Ok(()),
            "explicitly allowed"
        );
        assert_eq!(policy.check(ip("10.9.9.9")), Ok(()), "named by --connect");
        assert!(policy.check(ip("127.11.0.1")).is_err());
        assert!(policy.check(ip("10.9.9.8")).is_err());
        let excluded = policy.check(ip("127.10.9.1")).err().map(|r| r.reason);
        assert!(
            excluded
                .as_deref()
                .unwrap_or_default()
                .contains("skip.txt:4"),
            "{excluded:?}"
        );
        // A public range on the exclude list is refused too, in either form.
        config.exclude.rules.push(ExcludeRule {
            target: ExcludeTarget::Net("8.8.8.0/24".parse().expect("net")),
            origin: "skip.txt:5".into(),
        });
        let policy = AddressPolicy::from_config(&config);
        assert!(policy.check(ip("8.8.8.8")).is_err());
        assert!(policy.check(ip("::ffff:8.8.8.8")).is_err());
    }

    #[test]
    fn an_excluded_domain_covers_its_subdomains_only() {
        let exclude = ExcludeList {
            rules: vec![ExcludeRule {
                target: ExcludeTarget::Domain("gov.example".into()),
                origin: "x:1".into(),
            }],
        };
        let policy = AddressPolicy {
            exclude,
            ..AddressPolicy::default()
        };
        assert!(policy.check_host("gov.example").is_err());
        assert!(policy.check_host("WWW.Gov.Example.").is_err());
        assert!(policy.check_host("mta-sts.a.gov.example").is_err());
        assert_eq!(policy.check_host("notgov.example"), Ok(()));
        assert_eq!(policy.check_host("gov.example.org"), Ok(()));
    }
}
