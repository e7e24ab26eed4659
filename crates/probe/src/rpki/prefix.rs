//! An IP prefix (`192.0.2.0/24`, `2001:db8::/32`): parsed strictly (no host bits set), and the
//! masked form used as a table key.

use std::fmt;
use std::net::IpAddr;

/// Why a text or an address and length are not a prefix; each variant quotes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrefixError {
    /// No `/LENGTH`.
    #[error("{0:?} is not a prefix (ADDRESS/LENGTH)")]
    NotAPrefix(String),
    /// The part before `/` is not an IP address.
    #[error("{0:?} is not an IP address")]
    NotAnAddress(String),
    /// The part after `/` is not a number.
    #[error("{0:?} is not a prefix length")]
    NotALength(String),
    /// Longer than the address family allows.
    #[error("prefix length {len} is longer than {width} bits")]
    TooLong {
        /// The length given.
        len: u8,
        /// 32 or 128.
        width: u8,
    },
    /// The address has bits set after the prefix length.
    #[error("{addr}/{len} has host bits set")]
    HostBits {
        /// The address.
        addr: IpAddr,
        /// The length.
        len: u8,
    },
}

/// A prefix: the family, the network as a left-aligned 128-bit number, the length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    v6: bool,
    network: u128,
    len: u8,
}

impl Prefix {
    /// Parses `a.b.c.d/n` or `x::/n`; host bits must be zero.
    pub fn parse(text: &str) -> Result<Prefix, PrefixError> {
        let (addr, len) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| PrefixError::NotAPrefix(text.to_owned()))?;
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| PrefixError::NotAnAddress(addr.to_owned()))?;
        let len: u8 = len
            .parse()
            .map_err(|_| PrefixError::NotALength(len.to_owned()))?;
        Prefix::new(addr, len)
    }

    /// The prefix of `addr` and `len`; host bits must be zero.
    pub fn new(addr: IpAddr, len: u8) -> Result<Prefix, PrefixError> {
        let (network, width) = left_aligned(addr);
        if len > width {
            return Err(PrefixError::TooLong { len, width });
        }
        if network & !mask(len) != 0 {
            return Err(PrefixError::HostBits { addr, len });
        }
        Ok(Prefix {
            v6: addr.is_ipv6(),
            network,
            len,
        })
    }

    /// The prefix of length `len` that holds `addr`.
    pub fn containing(addr: IpAddr, len: u8) -> Prefix {
        let (network, _) = left_aligned(addr);
        Prefix {
            v6: addr.is_ipv6(),
            network: network & mask(len),
            len,
        }
    }

    /// The prefix length.
    pub fn length(self) -> u8 {
        self.len
    }

    /// The longest prefix length of the family (32 or 128).
    pub fn width(self) -> u8 {
        if self.v6 { 128 } else { 32 }
    }

    /// The prefix of length `len` (at most this one's) that holds this one.
    pub fn truncated(self, len: u8) -> Prefix {
        Prefix {
            network: self.network & mask(len),
            len: len.min(self.len),
            ..self
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.v6 {
            write!(f, "{}/{}", std::net::Ipv6Addr::from(self.network), self.len)
        } else {
            // The IPv4 network sits in the top 32 bits; the truncation is the intent.
            let v4 = (self.network >> 96) as u32;
            write!(f, "{}/{}", std::net::Ipv4Addr::from(v4), self.len)
        }
    }
}

/// The address as a left-aligned 128-bit number and the family's width.
fn left_aligned(addr: IpAddr) -> (u128, u8) {
    match addr {
        IpAddr::V4(a) => (u128::from(u32::from(a)) << 96, 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

/// The left-aligned mask of `len` bits.
fn mask(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len.min(128)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_families_strictly() {
        let p = Prefix::parse("192.0.2.0/24").expect("v4");
        assert_eq!(p.to_string(), "192.0.2.0/24");
        assert_eq!(p.width(), 32);
        assert_eq!(
            Prefix::parse("2001:db8::/32").expect("v6").to_string(),
            "2001:db8::/32"
        );
        assert!(Prefix::parse("192.0.2.1/24").is_err(), "host bits");
        assert!(Prefix::parse("192.0.2.0/33").is_err());
        assert!(Prefix::parse("192.0.2.0").is_err());
        assert!(Prefix::parse("0.0.0.0/0").is_ok());
        let held = Prefix::containing("192.0.2.77".parse().expect("ip"), 25);
        assert_eq!(held.to_string(), "192.0.2.0/25");
        assert_eq!(held.truncated(16).to_string(), "192.0.0.0/16");
    }
}
