//! Domain names as targets: trimmed, lower case, trailing dot removed, IDN to punycode, and
//! refused when they are not a host name of at least two labels.

/// Normalises one domain name, or says why it is not one.
pub fn normalise_domain(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if without_dot.is_empty() {
        return Err(format!("{input:?} is not a domain name: it is empty"));
    }
    if without_dot.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!("{input:?} is an IP address, not a domain name"));
    }
    let ascii = idna::domain_to_ascii(without_dot)
        .map_err(|_| format!("{input:?} is not a valid internationalised domain name"))?;
    if ascii.len() > 253 {
        return Err(format!("{input:?} is longer than 253 characters"));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "{input:?} has a single label; give a full domain name such as gov.je"
        ));
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
            return Err(format!("{input:?} has an invalid label {label:?}"));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{input:?} ends in a numeric label"));
    }
    Ok(ascii)
}
