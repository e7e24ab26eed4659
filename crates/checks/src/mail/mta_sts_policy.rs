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

/// RFC 8461 §3.2: the longest `max_age` allowed (one year, in seconds).
pub(crate) const MAX_AGE_LIMIT: u64 = 31_557_600;

/// A parsed policy file (RFC 8461 §3.2): the first `version`, `mode` and `max_age` fields and
/// every `mx` field; other fields are ignored, as the RFC says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StsPolicy {
    /// `version` value.
    pub(crate) version: Option<String>,
    /// `mode` value (enforce / testing / none).
    pub(crate) mode: Option<String>,
    /// `mx` patterns, lower case.
    pub(crate) mx: Vec<String>,
    /// `max_age`, as written.
    pub(crate) max_age: Option<String>,
}

impl StsPolicy {
    /// `max_age` in seconds when it is 1 to 10 digits (RFC 8461 §3.2 `1*10DIGIT`).
    pub(crate) fn max_age_seconds(&self) -> Option<u64> {
        let text = self.max_age.as_deref()?;
        let digits = (1..=10).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse().ok()).flatten()
    }

    /// Why senders would reject the policy (RFC 8461 §3.2), in order; empty when it is valid.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.version.as_deref() {
            Some("STSv1") => {}
            Some(other) => problems.push(format!("version is {other:?}, not STSv1")),
            None => problems.push("no version field".to_owned()),
        }
        let mode = self.mode.as_deref();
        match mode {
            Some("enforce" | "testing" | "none") => {}
            Some(other) => {
                problems.push(format!("mode is {other:?}, not enforce, testing or none"))
            }
            None => problems.push("no mode field".to_owned()),
        }
        match (self.max_age.as_deref(), self.max_age_seconds()) {
            (None, _) => problems.push("no max_age field".to_owned()),
            (Some(raw), None) => {
                problems.push(format!("max_age {raw:?} is not 1 to 10 digits"));
            }
            (Some(_), Some(age)) if age > MAX_AGE_LIMIT => problems.push(format!(
                "max_age {age} is above the maximum of {MAX_AGE_LIMIT} seconds"
            )),
            _ => {}
        }
        if matches!(mode, Some("enforce" | "testing")) && self.mx.is_empty() {
            problems.push("no mx field, so no MX host is allowed".to_owned());
        }
        for pattern in &self.mx {
            if !is_mx_pattern(pattern) {
                problems.push(format!(
                    "mx {pattern:?} is not a host name or *.name pattern"
                ));
            }
        }
        problems
    }
}

/// RFC 8461 §3.2 `sts-policy-mx-value = ["*."] Domain`.
fn is_mx_pattern(pattern: &str) -> bool {
    let name = pattern.strip_prefix("*.").unwrap_or(pattern);
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
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
            "max_age" if policy.max_age.is_none() => policy.max_age = Some(value),
            _ => {}
        }
    }
    policy
}

/// True when a `Content-Type` value is `text/plain` (parameters ignored, RFC 8461 §3.3).
pub(crate) fn is_text_plain(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("text/plain"))
}

/// True when `host` matches an `mx` pattern (RFC 8461 §4.1: `*.` matches exactly one leftmost
/// label).
pub(crate) fn mx_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(_, tail)| tail == rest.trim_end_matches('.')),
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
        assert_eq!(p.max_age_seconds(), Some(604_800));
        assert!(p.problems().is_empty());
        assert!(mx_matches("*.mail.example", "a.mail.example."));
        assert!(!mx_matches("*.mail.example", "a.b.mail.example"));
        assert!(!mx_matches("*.mail.example", "mail.example"));
        assert!(mx_matches("mx.example", "MX.example"));
        assert!(mx_matches("mx.example.", "mx.example"));
    }

    #[test]
    fn policies_senders_reject_name_their_problems() {
        let problems = |body: &str| parse_policy(body).problems();
        assert_eq!(
            problems("version: STSv1\nmode: none\nmax_age: 86400\n"),
            Vec::<String>::new()
        );
        for (body, needle) in [
            ("mode: enforce\nmx: a.test\nmax_age: 1", "no version"),
            (
                "version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1",
                "not STSv1",
            ),
            (
                "version: STSv1\nmode: report\nmx: a.test\nmax_age: 1",
                "not enforce",
            ),
            ("version: STSv1\nmode: enforce\nmx: a.test", "no max_age"),
            (
                "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: +5",
                "1 to 10 digits",
            ),
            (
                "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601",
                "above the maximum",
            ),
            ("version: STSv1\nmode: testing\nmax_age: 86400", "no mx"),
            (
                "version: STSv1\nmode: enforce\nmx: *.*.a.test\nmax_age: 86400",
                "not a host name",
            ),
        ] {
            let found = problems(body);
            assert!(
                found.iter().any(|p| p.contains(needle)),
                "{body:?}: {found:?}"
            );
        }
        assert_eq!(
            parse_policy("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557600")
                .max_age_seconds(),
            Some(MAX_AGE_LIMIT)
        );
    }

    #[test]
    fn only_text_plain_is_text_plain() {
        assert!(is_text_plain("text/plain"));
        assert!(is_text_plain("Text/Plain; charset=utf-8"));
        assert!(!is_text_plain("text/html"));
        assert!(!is_text_plain("text/plainx"));
        assert!(!is_text_plain(""));
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "(?s).{0,300}") {
            let _ = parse_record(&text);
            let p = parse_policy(&text);
            let _ = p.problems();
            let _ = p.max_age_seconds();
            for m in &p.mx {
                let _ = mx_matches(m, &text);
            }
        }
    }
}
