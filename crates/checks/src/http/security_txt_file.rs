//! security.txt parsing (RFC 9116 §2–§3): fields as `Name: value` lines, comments and the
//! OpenPGP cleartext armour skipped; Expires parsed as an RFC 3339 date-time.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Most lines read (a real file has a dozen).
const MAX_LINES: usize = 1000;

/// The fields that matter for the check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SecurityTxt {
    /// Contact values, in order.
    pub(crate) contacts: Vec<String>,
    /// Expires values as written.
    pub(crate) expires: Vec<String>,
    /// Lines that are neither fields, comments nor blank (RFC 9116 §2.2 grammar violations).
    pub(crate) invalid_lines: usize,
    /// True when the file is an OpenPGP cleartext-signed message.
    pub(crate) signed: bool,
}

/// Parses the body of a security.txt file.
pub(crate) fn parse(body: &str) -> SecurityTxt {
    let mut out = SecurityTxt::default();
    let mut in_signature = false;
    for line in body.lines().take(MAX_LINES) {
        let line = line.trim_end_matches('\r');
        if line.starts_with("-----BEGIN PGP SIGNED MESSAGE-----") {
            out.signed = true;
            continue;
        }
        if line.starts_with("-----BEGIN PGP SIGNATURE-----") {
            in_signature = true;
            continue;
        }
        if line.starts_with("-----END PGP SIGNATURE-----") {
            in_signature = false;
            continue;
        }
        if in_signature || line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if out.signed && line.starts_with("Hash:") {
            continue;
        }
        let line = line.strip_prefix("- ").unwrap_or(line);
        match line.split_once(':') {
            Some((name, value))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                let value = value.trim().to_string();
                match name.to_ascii_lowercase().as_str() {
                    "contact" => out.contacts.push(value),
                    "expires" => out.expires.push(value),
                    _ => {}
                }
            }
            _ => out.invalid_lines += 1,
        }
    }
    out
}

/// Parses an Expires value (RFC 3339 / ISO 8601 internet date-time) into Unix seconds.
pub(crate) fn expires_unix(value: &str) -> Option<i64> {
    OffsetDateTime::parse(value.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_are_read_case_insensitively() {
        let txt = parse(
            "# comment\ncontact: mailto:a@b.test\r\nContact: https://b.test/report\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: en\n",
        );
        assert_eq!(txt.contacts.len(), 2);
        assert_eq!(txt.expires, ["2027-01-01T00:00:00Z"]);
        assert_eq!(txt.invalid_lines, 0);
        assert_eq!(expires_unix(&txt.expires[0]), Some(1_798_761_600));
    }

    #[test]
    fn signed_files_are_read_without_the_armour() {
        let txt = parse(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.test\nExpires: 2027-01-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\nabc:def\n-----END PGP SIGNATURE-----\n",
        );
        assert!(txt.signed);
        assert_eq!(txt.contacts, ["mailto:a@b.test"]);
        assert_eq!(txt.invalid_lines, 0);
    }

    #[test]
    fn html_and_garbage_are_invalid_lines() {
        let txt = parse("<html><body>Not found</body></html>\n");
        assert!(txt.contacts.is_empty());
        assert_eq!(txt.invalid_lines, 1);
        assert_eq!(expires_unix("next tuesday"), None);
        assert_eq!(expires_unix("2027-13-01T00:00:00Z"), None);
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "(?s).{0,500}") {
            let txt = parse(&text);
            for e in &txt.expires {
                let _ = expires_unix(e);
            }
        }
    }
}
