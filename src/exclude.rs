//! The `--exclude FILE` list: domains and address ranges govscan never contacts, for the owners
//! who asked not to be scanned (zmap's blocklist, with domain names as well).
//!
//! One entry per line: an IPv4 or IPv6 address, a CIDR range (`192.0.2.0/24`, `2001:db8::/32`)
//! or a domain name, which also covers every name under it (`*.` in front is accepted and means
//! the same). `#` starts a comment; blank lines are ignored. Every error names file and line.

use std::io::Read as _;
use std::path::Path;

use govscan_probe::{ExcludeList, ExcludeRule, ExcludeTarget, IpNet};

use govscan_targets::normalise_domain;

/// Largest exclude file read (a blocklist of a few hundred thousand lines).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why an exclude file was refused; every variant names the file (`origin`), an entry also
/// its line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExcludeError {
    /// The file could not be opened or read.
    #[error("{origin}: cannot read: {source}")]
    Unreadable {
        /// The file.
        origin: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Larger than [`MAX_FILE_BYTES`].
    #[error(
        "{origin}: larger than {} MiB; an exclude list is one entry per line",
        MAX_FILE_BYTES >> 20
    )]
    TooLarge {
        /// The file.
        origin: String,
    },
    /// Not UTF-8 text.
    #[error("{origin}: not UTF-8 text: {source}")]
    NotUtf8 {
        /// The file.
        origin: String,
        /// Where the text stops being UTF-8.
        source: std::string::FromUtf8Error,
    },
    /// A line that is not an entry.
    #[error("{origin}:{line}: {message}")]
    Entry {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// What is wrong, quoting the entry.
        message: String,
    },
}

/// Reads and parses an exclude file.
pub fn load_file(path: &Path) -> Result<ExcludeList, ExcludeError> {
    let origin = path.display().to_string();
    let unreadable = |source| ExcludeError::Unreadable {
        origin: origin.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ExcludeError::TooLarge { origin });
    }
    let text = String::from_utf8(bytes).map_err(|source| ExcludeError::NotUtf8 {
        origin: origin.clone(),
        source,
    })?;
    parse(&origin, &text)
}

/// Parses the text of an exclude file; `origin` names it in errors and in the entries.
pub fn parse(origin: &str, text: &str) -> Result<ExcludeList, ExcludeError> {
    let mut list = ExcludeList::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let entry = raw.split('#').next().unwrap_or_default().trim();
        if entry.is_empty() {
            continue;
        }
        let target = entry_target(entry).map_err(|message| ExcludeError::Entry {
            origin: origin.to_owned(),
            line,
            message,
        })?;
        list.rules.push(ExcludeRule {
            target,
            origin: format!("{origin}:{line}"),
        });
    }
    Ok(list)
}

/// One entry: a range, an address, or a domain.
fn entry_target(entry: &str) -> Result<ExcludeTarget, String> {
    if entry.split_whitespace().nth(1).is_some() {
        return Err(format!(
            "{entry:?}: one entry per line (a domain, an IP address or a CIDR range)"
        ));
    }
    if entry.contains('/') {
        return entry
            .parse::<IpNet>()
            .map(|net| ExcludeTarget::Net(net.trunc()))
            .map_err(|_| format!("{entry:?} is not a CIDR range such as 192.0.2.0/24"));
    }
    let bare = entry.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(ExcludeTarget::Net(IpNet::from(ip)));
    }
    let domain = entry.strip_prefix("*.").unwrap_or(entry);
    normalise_domain(domain)
        .map(ExcludeTarget::Domain)
        .map_err(|why| format!("{why} (expected a domain, an IP address or a CIDR range)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_comments_and_blank_lines() {
        let text = "# owners who asked not to be scanned\n\
                    \n\
                    Archive.Gov.Example.   # asked 2026-11-02\n\
                    *.legacy.gov.example\n\
                    192.0.2.0/24\n\
                    198.51.100.7\n\
                    2001:db8::/32\n\
                    10.1.2.3/8\n";
        let list = parse("skip.txt", text).expect("parses");
        let targets: Vec<String> = list
            .rules
            .iter()
            .map(|r| match &r.target {
                ExcludeTarget::Domain(d) => d.clone(),
                ExcludeTarget::Net(n) => n.to_string(),
            })
            .collect();
        assert_eq!(
            targets,
            [
                "archive.gov.example",
                "legacy.gov.example",
                "192.0.2.0/24",
                "198.51.100.7/32",
                "2001:db8::/32",
                "10.0.0.0/8"
            ]
        );
        assert_eq!(list.rules[0].origin, "skip.txt:3");
        assert_eq!(list.rules[5].origin, "skip.txt:8");
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        for (text, line, words) in [
            ("gov.example\nnot a domain\n", 2, "one entry per line"),
            ("192.0.2.0/33\n", 1, "not a CIDR range"),
            ("\n\nlocalhost\n", 3, "single label"),
            ("bad_name!.example\n", 1, "invalid label"),
            ("1.2.3\n", 1, "numeric label"),
        ] {
            let err = parse("skip.txt", text).expect_err(text).to_string();
            assert!(err.starts_with(&format!("skip.txt:{line}: ")), "{err}");
            assert!(err.contains(words), "{err}");
        }
    }

    #[test]
    fn a_missing_or_binary_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("none.txt");
        assert!(
            load_file(&missing)
                .expect_err("missing")
                .to_string()
                .contains("none.txt: cannot read")
        );
        let binary = dir.path().join("bin.txt");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
        assert!(
            load_file(&binary)
                .expect_err("binary")
                .to_string()
                .contains("not UTF-8")
        );
    }
}
