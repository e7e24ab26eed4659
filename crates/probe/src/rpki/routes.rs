//! The route table (`--ip-to-asn`): which prefix is announced from which AS. A text file, one
//! route per line, in either of two layouts:
//!
//! - `PREFIX ORIGIN`: `192.0.2.0/24 64500` (pyasn's IP-to-ASN layout; `AS64500` also works);
//! - `NETWORK LENGTH ORIGIN`: `192.0.2.0 24 64500` (CAIDA's RouteViews prefix2as layout, where
//!   ORIGIN may be `64500_64501` for a prefix announced from several ASes).
//!
//! Fields are separated by tabs or spaces; `#` starts a comment; blank lines are skipped. An
//! origin that is an AS set (`64500,64501`) cannot be validated (RFC 6811 §2) and is skipped
//! and counted.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::Path;

use super::vrps::parse_asn;
use super::{Prefix, RpkiFileError, read_capped};

/// The announced routes of a scan.
#[derive(Debug, Default)]
pub(super) struct RouteTable {
    origins: HashMap<Prefix, Vec<u32>>,
    /// Prefix lengths present, per family (false = IPv4), longest first when searched.
    lengths: [BTreeSet<u8>; 2],
    routes: usize,
    as_sets_skipped: usize,
}

impl RouteTable {
    /// Reads a route table.
    pub(super) fn load(path: &Path) -> Result<RouteTable, RpkiFileError> {
        let text = read_capped(path)?;
        let mut table = RouteTable::default();
        for (i, line) in text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let fail = |message: String| RpkiFileError {
                path: path.to_path_buf(),
                line: Some(i + 1),
                message,
            };
            let fields: Vec<&str> = content.split_whitespace().collect();
            let (prefix, origin) = match fields.as_slice() {
                [prefix, origin] => (
                    Prefix::parse(prefix).map_err(|e| fail(e.to_string()))?,
                    *origin,
                ),
                [network, len, origin] => {
                    let addr: IpAddr = network
                        .parse()
                        .map_err(|_| fail(format!("{network:?} is not an IP address")))?;
                    let len: u8 = len
                        .parse()
                        .map_err(|_| fail(format!("{len:?} is not a prefix length")))?;
                    (
                        Prefix::new(addr, len).map_err(|e| fail(e.to_string()))?,
                        *origin,
                    )
                }
                _ => {
                    return Err(fail(format!(
                        "expected PREFIX ORIGIN or NETWORK LENGTH ORIGIN, found {} fields",
                        fields.len()
                    )));
                }
            };
            if origin.contains(',') || origin.starts_with('{') {
                table.as_sets_skipped += 1;
                continue;
            }
            for asn in origin.split('_') {
                let asn = parse_asn(asn).map_err(fail)?;
                let list = table.origins.entry(prefix).or_default();
                if !list.contains(&asn) {
                    list.push(asn);
                    table.routes += 1;
                }
            }
            table.lengths[usize::from(prefix.width() == 128)].insert(prefix.length());
        }
        Ok(table)
    }

    /// "N routes" (and the AS sets skipped), for evidence.
    pub(super) fn describe(&self) -> String {
        if self.as_sets_skipped == 0 {
            format!("{} routes", self.routes)
        } else {
            format!(
                "{} routes, {} AS-set routes skipped",
                self.routes, self.as_sets_skipped
            )
        }
    }

    /// The most specific announced prefix holding `ip`, and its origins.
    pub(super) fn longest_match(&self, ip: IpAddr) -> Option<(Prefix, &[u32])> {
        let lengths = &self.lengths[usize::from(ip.is_ipv6())];
        lengths.iter().rev().find_map(|len| {
            let key = Prefix::containing(ip, *len);
            self.origins.get(&key).map(|o| (key, o.as_slice()))
        })
    }
}
