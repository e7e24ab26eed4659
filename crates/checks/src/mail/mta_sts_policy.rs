//! MTA-STS parsing: the `_mta-sts` TXT record (RFC 8461 §3.1) and the policy file (§3.2).

/// Most policy lines read.
const MAX_LINES: usize = 200;

/// A parsed `_mta-sts` TXT record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StsRecord {
    /// The `id` value (1–32 alphanumerics).
    pub(crate) id: String,
}

/// Parses `v=STSv1; id=...;`; `Err` names the problem.
pub(crate) fn parse_record(txt: &str) -> Result<StsRecord, String> {
    let mut fields = txt.split(';').map(str::trim).filter(|f| !f.is_empty());
    if fields.next() != Some("v=STSv1") {
        return Err("the record does not start with v=STSv1".into());
    }
    let mut id = None;
    for field in fields {
        let (k, v) = field
            .split_once('=')
            .ok_or_else(|| format!("field {field:?} is not key=value"))?;
        if k.trim() == "id" {
            id = Some(v.trim().to_string());
        }
    }
    let id = id.ok_or("no id field")?;
    if id.is_empty() || id.len() > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("id {id:?} is not 1-32 letters and digits"));
    }
    Ok(StsRecord { id })
}

/// A parsed policy file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StsPolicy {
    /// `version` value.
    pub(crate) version: Option<String>,
    /// `mode` value (enforce / testing / none).
    pub(crate) mode: Option<String>,
    /// `mx` patterns.
    pub(crate) mx: Vec<String>,
    /// `max_age` in seconds.
    pub(crate) max_age: Option<u64>,
}

/// Parses a policy file (`key: value` lines, CRLF or LF).
pub(crate) fn parse_policy(body: &str) -> StsPolicy {
    let mut policy = StsPolicy::default();
    for line in body.lines().take(MAX_LINES) {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "version" if policy.version.is_none() => policy.version = Some(value),
            "mode" if policy.mode.is_none() => policy.mode = Some(value),
            "mx" => policy.mx.push(value.to_ascii_lowercase()),
            "max_age" if policy.max_age.is_none() => policy.max_age = value.parse().ok(),
            _ => {}
        }
    }
    policy
}

/// True when `host` matches an `mx` pattern (`*.` matches exactly one leftmost label).
pub(crate) fn mx_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host.split_once('.').is_some_and(|(_, tail)| tail == rest),
        None => host == pattern.trim_end_matches('.'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records_and_policies_parse() {
        assert_eq!(
            parse_record("v=STSv1; id=20240101T000000;").map(|r| r.id),
            Ok("20240101T000000".to_string())
        );
        assert!(parse_record("v=STSv1;").is_err());
        assert!(parse_record("v=spf1 -all").is_err());
        let p = parse_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: *.mail.example\r\nmx: mx.example\r\nmax_age: 604800\r\n",
        );
        assert_eq!(p.mode.as_deref(), Some("enforce"));
        assert_eq!(p.mx.len(), 2);
        assert_eq!(p.max_age, Some(604_800));
        assert!(mx_matches("*.mail.example", "a.mail.example."));
        assert!(!mx_matches("*.mail.example", "a.b.mail.example"));
        assert!(mx_matches("mx.example", "MX.example"));
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "(?s).{0,300}") {
            let _ = parse_record(&text);
            let p = parse_policy(&text);
            for m in &p.mx {
                let _ = mx_matches(m, &text);
            }
        }
    }
}
