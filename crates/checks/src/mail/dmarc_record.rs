//! A parser for DMARC records (RFC 7489 §6.3–§6.4): `v=DMARC1` first, then `tag=value` pairs
//! separated by `;`. Tag names are case-insensitive; unknown tags are kept and ignored.

/// A requested policy (`p=` / `sp=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// `none`: monitor only.
    None,
    /// `quarantine`.
    Quarantine,
    /// `reject`.
    Reject,
}

impl Policy {
    fn parse(value: &str) -> Option<Policy> {
        match value.to_ascii_lowercase().as_str() {
            "none" => Some(Policy::None),
            "quarantine" => Some(Policy::Quarantine),
            "reject" => Some(Policy::Reject),
            _ => None,
        }
    }

    /// The keyword.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::Quarantine => "quarantine",
            Policy::Reject => "reject",
        }
    }
}

/// A valid DMARC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DmarcRecord {
    /// `p=`.
    pub(crate) policy: Policy,
    /// `sp=`, if given.
    pub(crate) subdomain_policy: Option<Policy>,
    /// `pct=` (default 100).
    pub(crate) pct: u8,
    /// `rua=`, as written.
    pub(crate) rua: Option<String>,
    /// `ruf=`, as written.
    pub(crate) ruf: Option<String>,
    /// Every tag in order, names lower case.
    pub(crate) tags: Vec<(String, String)>,
}

/// Why a DMARC record is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DmarcError {
    /// No `p=` tag.
    MissingPolicy,
    /// Anything else, described.
    Invalid(String),
}

impl std::fmt::Display for DmarcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DmarcError::MissingPolicy => write!(f, "the required p= tag is missing"),
            DmarcError::Invalid(detail) => write!(f, "{detail}"),
        }
    }
}

/// Splits `name=value` around the first `=`, trimming whitespace.
fn tag(part: &str) -> Option<(&str, &str)> {
    part.split_once('=').map(|(n, v)| (n.trim(), v.trim()))
}

/// True when a TXT string is a DMARC record: its first tag is `v=DMARC1` (value exact).
pub(crate) fn is_dmarc(txt: &str) -> bool {
    let first = txt.split(';').next().unwrap_or_default();
    tag(first).is_some_and(|(name, value)| name.eq_ignore_ascii_case("v") && value == "DMARC1")
}

/// Parses a DMARC record.
pub(crate) fn parse(txt: &str) -> Result<DmarcRecord, DmarcError> {
    if !is_dmarc(txt) {
        return Err(DmarcError::Invalid(
            "the record does not start with v=DMARC1".into(),
        ));
    }
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for part in txt
        .split(';')
        .map(|p| p.trim_matches([' ', '\t']))
        .filter(|p| !p.is_empty())
    {
        let Some((name, value)) = tag(part) else {
            return Err(DmarcError::Invalid(format!("{part:?} is not tag=value")));
        };
        let valid_name = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid_name {
            return Err(DmarcError::Invalid(format!("{name:?} is not a tag name")));
        }
        let name = name.to_ascii_lowercase();
        if !seen.insert(name.clone()) {
            return Err(DmarcError::Invalid(format!(
                "tag {name} appears more than once"
            )));
        }
        tags.push((name, value.to_owned()));
    }
    let get = |name: &str| {
        tags.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let policy = match get("p") {
        None => return Err(DmarcError::MissingPolicy),
        Some(p) => Policy::parse(p).ok_or_else(|| {
            DmarcError::Invalid(format!("p={p} is not none, quarantine or reject"))
        })?,
    };
    let subdomain_policy = match get("sp") {
        None => None,
        Some(sp) => Some(Policy::parse(sp).ok_or_else(|| {
            DmarcError::Invalid(format!("sp={sp} is not none, quarantine or reject"))
        })?),
    };
    let pct = match get("pct") {
        None => 100,
        Some(pct) => match pct.parse::<u8>() {
            Ok(n) if n <= 100 && !pct.starts_with('+') => n,
            _ => {
                return Err(DmarcError::Invalid(format!(
                    "pct={pct} is not a number from 0 to 100"
                )));
            }
        },
    };
    Ok(DmarcRecord {
        policy,
        subdomain_policy,
        pct,
        rua: get("rua").map(str::to_owned),
        ruf: get("ruf").map(str::to_owned),
        tags: tags.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(txt: &str) -> DmarcRecord {
        parse(txt).unwrap_or_else(|e| panic!("{txt:?}: {e}"))
    }

    #[test]
    fn recognises_dmarc_records() {
        assert!(is_dmarc("v=DMARC1; p=reject"));
        assert!(is_dmarc("V = DMARC1;p=none"));
        assert!(is_dmarc("v=DMARC1"));
        assert!(!is_dmarc("v=dmarc1; p=reject"));
        assert!(!is_dmarc("p=reject; v=DMARC1"));
        assert!(!is_dmarc("v=DMARC10; p=reject"));
        assert!(!is_dmarc("v=spf1 -all"));
        assert!(!is_dmarc(""));
    }

    #[test]
    fn parses_tags() {
        let r = ok("v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:d@example.ee; adkim=s;");
        assert_eq!(r.policy, Policy::Reject);
        assert_eq!(r.subdomain_policy, Some(Policy::Quarantine));
        assert_eq!(r.pct, 50);
        assert_eq!(r.rua.as_deref(), Some("mailto:d@example.ee"));
        assert_eq!(ok("v=DMARC1;P=Quarantine").policy, Policy::Quarantine);
        assert_eq!(ok("v=DMARC1; p=none; pct=100").pct, 100);
        assert_eq!(ok("v=DMARC1 ; p = none ;; ").policy, Policy::None);
        assert_eq!(ok("v=DMARC1; p=reject; future_tag=x").tags.len(), 3);
        assert_eq!(ok("v=DMARC1; p=reject; pct=0").pct, 0);
    }

    #[test]
    fn rejects_invalid_records() {
        assert_eq!(parse("v=DMARC1"), Err(DmarcError::MissingPolicy));
        assert_eq!(
            parse("v=DMARC1; rua=mailto:a@b.example"),
            Err(DmarcError::MissingPolicy)
        );
        for bad in [
            "v=DMARC1; p=rejected",
            "v=DMARC1; p=",
            "v=DMARC1; p=reject; p=none",
            "v=DMARC1; p=reject; P=none",
            "v=DMARC1; p=reject; pct=101",
            "v=DMARC1; p=reject; pct=-1",
            "v=DMARC1; p=reject; pct=+5",
            "v=DMARC1; p=reject; pct=fifty",
            "v=DMARC1; p=reject; sp=all",
            "v=DMARC1; p=reject; garbage",
            "v=DMARC1; p=reject; 1x=y",
            "v=DMARC1; p=reject; =y",
            "v=DMARC1, p=reject",
            "p=reject",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "v=DMARC1;\u{0}",
            "v=DMARC1; p=\u{e4}",
            ";;;;",
            "=",
            "v=DMARC1; ä=1",
            "v=DMARC1; pct=99999999999999999999",
        ] {
            let _ = parse(s);
        }
        let long: String = format!(
            "v=DMARC1; p=none; {}",
            (0..20_000).map(|i| format!("t{i}=x;")).collect::<String>()
        );
        assert_eq!(ok(&long).tags.len(), 20_002);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// One DMARC tag, valid or nearly so.
        fn tag() -> impl Strategy<Value = String> {
            let name = prop::sample::select(vec![
                "p", "sp", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "x_new", "1bad", "",
            ]);
            let value = prop_oneof![
                prop::sample::select(vec!["none", "quarantine", "reject", "Reject", ""])
                    .prop_map(str::to_owned),
                "[+-]?[0-9]{1,4}",
                "[ -~]{0,20}",
            ];
            let equals = prop::sample::select(vec!["=", " = ", ""]);
            (name, equals, value).prop_map(|(n, e, v)| format!("{n}{e}{v}"))
        }

        proptest! {
            #[test]
            fn arbitrary_input_never_panics(text in ".{0,300}") {
                let _ = is_dmarc(&text);
                if let Ok(record) = parse(&text) {
                    prop_assert!(record.pct <= 100);
                }
            }

            #[test]
            fn near_valid_records_keep_their_invariants(
                tags in prop::collection::vec(tag(), 0..8),
                separator in prop::sample::select(vec![";", "; ", " ;", ";;"]),
            ) {
                let text = format!("v=DMARC1{separator}{}", tags.join(separator));
                if let Ok(record) = parse(&text) {
                    prop_assert!(record.pct <= 100);
                    prop_assert!(record.tags.iter().any(|(n, _)| n == "p"));
                    let mut names: Vec<&str> = record.tags.iter().map(|(n, _)| n.as_str()).collect();
                    names.sort_unstable();
                    let before = names.len();
                    names.dedup();
                    prop_assert_eq!(before, names.len(), "duplicate tags accepted: {}", text);
                }
            }

            #[test]
            fn pct_round_trips_within_range(pct in 0u32..1000) {
                let parsed = parse(&format!("v=DMARC1; p=reject; pct={pct}"));
                match parsed {
                    Ok(record) => prop_assert_eq!(u32::from(record.pct), pct),
                    Err(_) => prop_assert!(pct > 100),
                }
            }
        }
    }
}
