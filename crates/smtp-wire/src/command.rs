//! The commands a STARTTLS probe sends (RFC 5321 §4.1.1, RFC 3207 §4), and the EHLO name
//! check: govscan never sends a line an operator could use to inject a second command.

/// A command of the probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command<'a> {
    /// `EHLO <name>` (RFC 5321 §4.1.1.1).
    Ehlo(&'a str),
    /// `STARTTLS` (RFC 3207 §4).
    StartTls,
    /// `QUIT` (RFC 5321 §4.1.1.10).
    Quit,
}

impl Command<'_> {
    /// The bytes on the wire, CRLF-terminated.
    pub fn to_bytes(self) -> Vec<u8> {
        match self {
            Command::Ehlo(name) => format!("EHLO {name}\r\n").into_bytes(),
            Command::StartTls => b"STARTTLS\r\n".to_vec(),
            Command::Quit => b"QUIT\r\n".to_vec(),
        }
    }
}

/// Why a name cannot be sent in EHLO (RFC 5321 §4.1.3); each variant quotes the name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EhloNameError {
    /// Bracketed, but not an IPv4 or `IPv6:` address.
    NotAddressLiteral {
        /// The name as given.
        name: String,
    },
    /// Empty, or longer than 253 characters.
    BadLength {
        /// The name as given.
        name: String,
    },
    /// A label that is empty, longer than 63 characters, or not letters, digits and inner
    /// hyphens.
    BadLabel {
        /// The name as given.
        name: String,
        /// The offending label.
        label: String,
    },
}

impl std::fmt::Display for EhloNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EhloNameError::NotAddressLiteral { name } => {
                write!(f, "{name:?} is not an address literal such as [192.0.2.1]")
            }
            EhloNameError::BadLength { name } => write!(f, "{name:?} must be 1 to 253 characters"),
            EhloNameError::BadLabel { name, label } => write!(
                f,
                "{name:?} is not a domain name (label {label:?}); use letters, digits, hyphens and dots"
            ),
        }
    }
}

impl std::error::Error for EhloNameError {}

/// Checks an EHLO name: a domain name (letters, digits, hyphens, dots; labels of 1 to 63
/// characters, at most 253 in all) or an address literal such as `[192.0.2.1]` (RFC 5321
/// §4.1.3); anything else (spaces, CR, LF) is refused with the reason.
pub fn valid_ehlo_name(name: &str) -> Result<(), EhloNameError> {
    if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        let ip = inner.strip_prefix("IPv6:").unwrap_or(inner);
        return ip.parse::<std::net::IpAddr>().map(|_| ()).map_err(|_| {
            EhloNameError::NotAddressLiteral {
                name: name.to_owned(),
            }
        });
    }
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.is_empty() || bare.len() > 253 {
        return Err(EhloNameError::BadLength {
            name: name.to_owned(),
        });
    }
    for label in bare.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(EhloNameError::BadLabel {
                name: name.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_crlf_terminated() {
        assert_eq!(
            Command::Ehlo("govscan.invalid").to_bytes(),
            b"EHLO govscan.invalid\r\n"
        );
        assert_eq!(Command::StartTls.to_bytes(), b"STARTTLS\r\n");
        assert_eq!(Command::Quit.to_bytes(), b"QUIT\r\n");
    }

    #[test]
    fn ehlo_names_cannot_inject_commands() {
        assert!(valid_ehlo_name("govscan-probe.example.ee").is_ok());
        assert!(valid_ehlo_name("[192.0.2.1]").is_ok());
        assert!(valid_ehlo_name("[IPv6:2001:db8::1]").is_ok());
        assert!(valid_ehlo_name("a\r\nMAIL FROM:<x>").is_err());
        assert!(valid_ehlo_name("two words").is_err());
        assert!(valid_ehlo_name("").is_err());
        assert!(valid_ehlo_name("-bad.example").is_err());
        assert!(valid_ehlo_name(&"a".repeat(64)).is_err());
    }
}
