//! Route origin data the operator supplies (`--rpki-vrps`, `--ip-to-asn`), loaded once per
//! scan, and the per-domain lookup: for each address of the web, mail and name servers, the
//! most specific announced prefix with its origin AS and every VRP that covers it. The
//! validation itself (RFC 6811 §2) is the `net.rpki` check's, over this recorded data.
//!
//! No network: both files are read from disk. A bad file is an error naming the file and line.

mod prefix;
mod routes;
mod vrps;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use govscan_model::{RouteOrigin, RpkiAddress, RpkiObservation, Vrp};

pub use prefix::{Prefix, PrefixError};
use routes::RouteTable;
use vrps::VrpTable;

/// Most VRPs recorded per address (a prefix is rarely covered by more than a handful).
const MAX_COVERING: usize = 64;
/// Largest file read (a full VRP export is about 50 MB, a full route table about 30 MB).
pub(crate) const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A file the operator gave that cannot be used: which file, which line, what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RpkiFileError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, naming the value.
    pub message: String,
}

/// The validated ROA payloads and the route table of one scan.
#[derive(Debug)]
pub struct RpkiTables {
    vrps: VrpTable,
    routes: RouteTable,
    vrps_source: String,
    routes_source: String,
}

impl RpkiTables {
    /// Reads the VRP export (JSON of rpki-client or Routinator) and the prefix → origin table.
    pub fn load(vrps_path: &Path, routes_path: &Path) -> Result<RpkiTables, RpkiFileError> {
        let vrps = VrpTable::load(vrps_path)?;
        let routes = RouteTable::load(routes_path)?;
        Ok(RpkiTables {
            vrps_source: format!("{} ({} VRPs)", file_name(vrps_path), vrps.len()),
            routes_source: format!("{} ({})", file_name(routes_path), routes.describe()),
            vrps,
            routes,
        })
    }

    /// The route facts of `addresses` (address → what it serves), in address order.
    pub fn observe(&self, addresses: &BTreeMap<IpAddr, Vec<String>>) -> RpkiObservation {
        RpkiObservation {
            vrps_source: self.vrps_source.clone(),
            routes_source: self.routes_source.clone(),
            addresses: addresses
                .iter()
                .map(|(ip, roles)| self.address(*ip, roles.clone()))
                .collect(),
        }
    }

    fn address(&self, ip: IpAddr, roles: Vec<String>) -> RpkiAddress {
        let Some((prefix, origins)) = self.routes.longest_match(ip) else {
            return RpkiAddress {
                address: ip.to_string(),
                roles,
                routes: Vec::new(),
                covering_vrps: Vec::new(),
            };
        };
        let covering_vrps = self
            .vrps
            .covering(prefix)
            .take(MAX_COVERING)
            .map(|(p, asn, max_length)| Vrp {
                asn,
                prefix: p.to_string(),
                max_length,
            })
            .collect();
        RpkiAddress {
            address: ip.to_string(),
            roles,
            routes: origins
                .iter()
                .map(|asn| RouteOrigin {
                    prefix: prefix.to_string(),
                    origin_asn: *asn,
                })
                .collect(),
            covering_vrps,
        }
    }
}

/// The tables of a scan, shared by every domain; compared by identity.
#[derive(Debug, Clone)]
pub struct RpkiData(pub Arc<RpkiTables>);

impl PartialEq for RpkiData {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for RpkiData {}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads a whole file, at most [`MAX_FILE_BYTES`].
pub(crate) fn read_capped(path: &Path) -> Result<String, RpkiFileError> {
    use std::io::Read as _;
    let fail = |message: String| RpkiFileError {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!("larger than {} MiB", MAX_FILE_BYTES >> 20)));
    }
    String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 text: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn an_address_gets_its_most_specific_route_and_the_vrps_covering_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let vrps = write(
            &dir,
            "vrps.json",
            r#"{"metadata": {"generated": 1}, "roas": [
                {"asn": 64500, "prefix": "192.0.2.0/23", "maxLength": 24, "ta": "ripe"},
                {"asn": "AS64501", "prefix": "192.0.2.0/24", "maxLength": 24},
                {"asn": 64502, "prefix": "198.51.100.0/24", "maxLength": 24},
                {"asn": 64500, "prefix": "2001:db8::/32", "maxLength": 48}
            ]}"#,
        );
        let routes = write(
            &dir,
            "routes.tsv",
            "# prefix origin\n192.0.2.0/23\t64500\n192.0.2.0/24 AS64501\n192.0.2.0/24\t64666\n\n2001:db8:1::/48 64500\n",
        );
        let tables = RpkiTables::load(&vrps, &routes).expect("load");
        let mut addresses = BTreeMap::new();
        addresses.insert("192.0.2.25".parse().expect("ip"), vec!["web".to_owned()]);
        addresses.insert(
            "2001:db8:1::25".parse().expect("ip"),
            vec!["mail mx".to_owned()],
        );
        addresses.insert("203.0.113.1".parse().expect("ip"), vec!["web".to_owned()]);
        let obs = tables.observe(&addresses);
        assert_eq!(obs.vrps_source, "vrps.json (4 VRPs)");
        let v4 = &obs.addresses[0];
        assert_eq!(v4.address, "192.0.2.25");
        assert_eq!(v4.routes.len(), 2, "both origins of the /24: {v4:?}");
        assert!(v4.routes.iter().all(|r| r.prefix == "192.0.2.0/24"));
        let covering: Vec<&str> = v4.covering_vrps.iter().map(|v| v.prefix.as_str()).collect();
        assert_eq!(covering, vec!["192.0.2.0/23", "192.0.2.0/24"]);
        assert!(
            obs.addresses[1].routes.is_empty(),
            "203.0.113.1 is not routed"
        );
        let v6 = &obs.addresses[2];
        assert_eq!(v6.routes[0].prefix, "2001:db8:1::/48");
        assert_eq!(v6.covering_vrps[0].max_length, 48);
    }

    #[test]
    fn bad_files_name_the_file_and_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let good_routes = write(&dir, "r.tsv", "192.0.2.0/24 64500\n");
        let cases = [
            (
                "{\"roas\": [\n{\"asn\": 1, \"prefix\": \"192.0.2.0/33\", \"maxLength\": 24}\n]}",
                2,
            ),
            (
                "{\"roas\": [\n{\"asn\": 1, \"prefix\": \"192.0.2.0/24\",\n \"maxLength\": 16}\n]}",
                3,
            ),
            (
                "{\"roas\": [\n{\"asn\": \"ASx\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}\n]}",
                2,
            ),
            ("{\"roas\": [\n{\"asn\": 1}]}", 2),
            ("not json", 1),
        ];
        for (text, line) in cases {
            let vrps = write(&dir, "v.json", text);
            let err = RpkiTables::load(&vrps, &good_routes).expect_err(text);
            assert_eq!(err.line, Some(line), "{err}");
            assert!(
                err.to_string()
                    .starts_with(&format!("{}:{line}: ", vrps.display())),
                "{err}"
            );
        }
        let good_vrps = write(&dir, "g.json", "{\"roas\": []}");
        for (text, line) in [
            ("192.0.2.0/24 64500\n192.0.2.0/24\n", 2),
            ("# c\n192.0.2.0/99 1\n", 2),
            ("192.0.2.1/24 1\n", 1),
            ("192.0.2.0/24 ASnope\n", 1),
            ("192.0.2.0 24 1 extra junk\n", 1),
        ] {
            let routes = write(&dir, "r2.tsv", text);
            let err = RpkiTables::load(&good_vrps, &routes).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
        }
        let missing =
            RpkiTables::load(&dir.path().join("none.json"), &good_routes).expect_err("missing");
        assert_eq!(missing.line, None);
    }
}
