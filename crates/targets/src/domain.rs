//! Domain names as targets: trimmed, lower case, trailing dot removed, IDN to punycode, and
//! refused when they are not a host name of at least two labels.

/// Why a text is not a domain name a target can have; each names the input as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainNameError {
    /// Nothing but white space and dots.
    #[error("{input:?} is not a domain name: it is empty")]
    Empty {
        /// The input.
        input: String,
    },
    /// An IPv4 or IPv6 address.
    #[error("{input:?} is an IP address, not a domain name")]
    IpAddress {
        /// The input.
        input: String,
    },
    /// IDNA (UTS #46) processing refused it.
    #[error("{input:?} is not a valid internationalised domain name")]
    InvalidIdn {
        /// The input.
        input: String,
    },
    /// Longer than 253 characters as punycode.
    #[error("{input:?} is longer than 253 characters")]
    TooLong {
        /// The input.
        input: String,
    },
    /// One label only (`localhost`).
    #[error("{input:?} has a single label; give a full domain name such as gov.je")]
    SingleLabel {
        /// The input.
        input: String,
    },
    /// A label that is empty, too long, or not letters, digits and inner hyphens.
    #[error("{input:?} has an invalid label {label:?}")]
    InvalidLabel {
        /// The input.
        input: String,
        /// The offending label (after IDN processing).
        label: String,
    },
    /// The last label is all digits.
    #[error("{input:?} ends in a numeric label")]
    NumericTopLabel {
        /// The input.
        input: String,
    },
}

/// Normalises one domain name, or says why it is not one.
pub fn normalise_domain(input: &str) -> Result<String, DomainNameError> {
    let input_owned = || input.to_owned();
    let trimmed = input.trim();
    let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if without_dot.is_empty() {
        return Err(DomainNameError::Empty {
            input: input_owned(),
        });
    }
    if without_dot.parse::<std::net::IpAddr>().is_ok() {
        return Err(DomainNameError::IpAddress {
            input: input_owned(),
        });
    }
    let ascii = idna::domain_to_ascii(without_dot).map_err(|_| DomainNameError::InvalidIdn {
        input: input_owned(),
    })?;
    if ascii.len() > 253 {
        return Err(DomainNameError::TooLong {
            input: input_owned(),
        });
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(DomainNameError::SingleLabel {
            input: input_owned(),
        });
    }
    for label in &labels {
        let valid_chars = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if label.is_empty()
            || label.len() > 63
            || !valid_chars
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(DomainNameError::InvalidLabel {
                input: input_owned(),
                label: (*label).to_owned(),
            });
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DomainNameError::NumericTopLabel {
            input: input_owned(),
        });
    }
    Ok(ascii)
}
