//! A parser for the Strict-Transport-Security header value (RFC 6797 §6.1).
//!
//! Grammar: `[ directive ] *( ";" [ directive ] )`, `directive = name [ "=" value ]`, value a
//! token or quoted-string. Names are case-insensitive; a directive that appears twice, a
//! missing or non-numeric `max-age` make the whole header invalid (§6.1: the UA ignores it).
//! Unknown directives are kept and ignored.

/// A valid HSTS policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HstsPolicy {
    /// `max-age` in seconds (saturated at `u64::MAX`).
    pub(crate) max_age: u64,
    /// `includeSubDomains` present.
    pub(crate) include_subdomains: bool,
    /// `preload` present (not part of RFC 6797; browser preload lists use it).
    pub(crate) preload: bool,
    /// Names of directives the RFC does not define, lower case.
    pub(crate) unknown: Vec<String>,
}

/// Why a header value is not a valid policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HstsError {
    /// No `max-age` directive.
    MissingMaxAge,
    /// `max-age` is not a (possibly quoted) string of digits.
    InvalidMaxAge(String),
    /// A directive name appears more than once.
    DuplicateDirective(String),
    /// The value does not follow the grammar.
    Syntax(String),
}

impl std::fmt::Display for HstsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HstsError::MissingMaxAge => write!(f, "the required max-age directive is missing"),
            HstsError::InvalidMaxAge(v) => {
                write!(f, "max-age value {v:?} is not a number of seconds")
            }
            HstsError::DuplicateDirective(n) => write!(f, "directive {n:?} appears more than once"),
            HstsError::Syntax(detail) => write!(f, "syntax error: {detail}"),
        }
    }
}

/// RFC 9110 tchar.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// One directive: lower-cased name and unquoted value.
type Directive = (String, Option<String>);

/// Splits the value into directives, honouring quoted strings.
fn directives(value: &str) -> Result<Vec<Directive>, HstsError> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| is_tchar(*c)) {
            name.push(c);
        }
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut directive_value = None;
        if chars.next_if_eq(&'=').is_some() {
            if name.is_empty() {
                return Err(HstsError::Syntax("a value without a directive name".into()));
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            let mut v = String::new();
            if chars.next_if_eq(&'"').is_some() {
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some(escaped) => v.push(escaped),
                            None => break,
                        },
                        c => v.push(c),
                    }
                }
                if !closed {
                    return Err(HstsError::Syntax("unterminated quoted string".into()));
                }
            } else {
                while let Some(c) = chars.next_if(|c| is_tchar(*c)) {
                    v.push(c);
                }
            }
            directive_value = Some(v);
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        }
        if !name.is_empty() {
            out.push((name.to_ascii_lowercase(), directive_value));
        }
        match chars.next() {
            None => return Ok(out),
            Some(';') => {}
            Some(c) => return Err(HstsError::Syntax(format!("unexpected character {c:?}"))),
        }
    }
}

/// Parses one Strict-Transport-Security header value.
pub(crate) fn parse(value: &str) -> Result<HstsPolicy, HstsError> {
    let directives = directives(value)?;
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in &directives {
        if !seen.insert(name.as_str()) {
            return Err(HstsError::DuplicateDirective(name.clone()));
        }
    }
    let mut max_age = None;
    let mut policy = HstsPolicy {
        max_age: 0,
        include_subdomains: false,
        preload: false,
        unknown: Vec::new(),
    };
    for (name, value) in directives {
        match name.as_str() {
            "max-age" => {
                let raw = value.unwrap_or_default();
                if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(HstsError::InvalidMaxAge(raw));
                }
                // Digits only, so the only parse error is overflow: saturate.
                max_age = Some(raw.parse::<u64>().unwrap_or(u64::MAX));
            }
            "includesubdomains" => policy.include_subdomains = true,
            "preload" => policy.preload = true,
            _ => policy.unknown.push(name),
        }
    }
    policy.max_age = max_age.ok_or(HstsError::MissingMaxAge)?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str) -> HstsPolicy {
        parse(value).unwrap_or_else(|e| panic!("{value:?}: {e}"))
    }

    #[test]
    fn parses_the_usual_forms() {
        let p = ok("max-age=31536000; includeSubDomains; preload");
        assert_eq!(
            (p.max_age, p.include_subdomains, p.preload),
            (31_536_000, true, true)
        );
        let p = ok("max-age=300");
        assert_eq!(
            (p.max_age, p.include_subdomains, p.preload),
            (300, false, false)
        );
        assert_eq!(ok("MAX-AGE=5;INCLUDESUBDOMAINS").max_age, 5);
        assert!(ok("includesubdomains; Max-Age=5").include_subdomains);
        assert_eq!(ok("  max-age = 10 ;  ").max_age, 10);
        assert_eq!(ok(";;max-age=7;;").max_age, 7);
    }

    #[test]
    fn accepts_quoted_values_and_keeps_unknown_directives() {
        assert_eq!(ok("max-age=\"31536000\"").max_age, 31_536_000);
        let p = ok("max-age=1; report-uri=\"https://x.test/a;b\"; foo");
        assert_eq!(p.unknown, vec!["report-uri".to_owned(), "foo".to_owned()]);
        assert_eq!(ok("max-age=\"1\\0\"").max_age, 10);
    }

    #[test]
    fn zero_and_huge_max_age() {
        assert_eq!(ok("max-age=0").max_age, 0);
        assert_eq!(ok("max-age=99999999999999999999999999").max_age, u64::MAX);
    }

    #[test]
    fn rejects_invalid_headers() {
        assert_eq!(parse(""), Err(HstsError::MissingMaxAge));
        assert_eq!(parse("includeSubDomains"), Err(HstsError::MissingMaxAge));
        assert_eq!(
            parse("max-age"),
            Err(HstsError::InvalidMaxAge(String::new()))
        );
        assert_eq!(
            parse("max-age="),
            Err(HstsError::InvalidMaxAge(String::new()))
        );
        assert_eq!(
            parse("max-age=-1"),
            Err(HstsError::InvalidMaxAge("-1".into()))
        );
        assert_eq!(
            parse("max-age=1y"),
            Err(HstsError::InvalidMaxAge("1y".into()))
        );
        assert_eq!(
            parse("max-age=\"\""),
            Err(HstsError::InvalidMaxAge(String::new()))
        );
        assert_eq!(
            parse("max-age=1.5"),
            Err(HstsError::InvalidMaxAge("1.5".into()))
        );
        assert_eq!(
            parse("max-age=1; max-age=2"),
            Err(HstsError::DuplicateDirective("max-age".into()))
        );
        assert_eq!(
            parse("max-age=1; includeSubDomains; INCLUDESUBDOMAINS"),
            Err(HstsError::DuplicateDirective("includesubdomains".into()))
        );
        assert!(matches!(parse("max-age=\"5"), Err(HstsError::Syntax(_))));
        assert!(matches!(
            parse("max-age=5, includeSubDomains"),
            Err(HstsError::Syntax(_))
        ));
        assert!(matches!(parse("=5"), Err(HstsError::Syntax(_))));
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "\u{0}\u{1}\u{7f}",
            "\"",
            "\\",
            ";=;=;",
            "max-age=\"\\",
            "ma\u{e4}x-age=5",
            "max-age=٣",
            "max-age=5\r\nSet-Cookie: x",
            "<script>alert(1)</script>",
        ];
        for s in samples {
            let _ = parse(s);
        }
        let long = "a;".repeat(50_000);
        assert_eq!(parse(&long), Err(HstsError::DuplicateDirective("a".into())));
        let distinct: String = (0..50_000).map(|i| format!("d{i};")).collect();
        assert_eq!(parse(&distinct), Err(HstsError::MissingMaxAge));
        let long_digits = format!("max-age={}", "9".repeat(100_000));
        assert_eq!(ok(&long_digits).max_age, u64::MAX);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// One HSTS directive, valid or nearly so.
        fn directive() -> impl Strategy<Value = String> {
            prop_oneof![
                "(max-age|MAX-AGE|Max-Age) ?= ?\"?[0-9]{0,25}\"?",
                prop::sample::select(vec![
                    "includeSubDomains",
                    "preload",
                    "report-uri=\"a;b\"",
                    "x"
                ])
                .prop_map(str::to_owned),
                "[ -~]{0,16}",
            ]
        }

        proptest! {
            #[test]
            fn arbitrary_input_never_panics(text in ".{0,300}") {
                let _ = parse(&text);
            }

            #[test]
            fn near_valid_headers_never_panic(
                directives in prop::collection::vec(directive(), 0..6),
                separator in prop::sample::select(vec![";", "; ", " ;", ";;"]),
            ) {
                let text = directives.join(separator);
                if let Ok(policy) = parse(&text) {
                    prop_assert!(text.to_ascii_lowercase().contains("max-age"));
                    prop_assert!(!policy.unknown.iter().any(|n| n == "max-age"));
                }
            }

            #[test]
            fn digit_max_age_round_trips(max_age in any::<u64>(), quoted in any::<bool>()) {
                let value = if quoted { format!("max-age=\"{max_age}\"") } else { format!("max-age={max_age}") };
                prop_assert_eq!(parse(&value).map(|p| p.max_age), Ok(max_age));
                let with_flags = format!("{value}; includeSubDomains; preload");
                let policy = parse(&with_flags);
                prop_assert!(policy.as_ref().is_ok_and(|p| p.max_age == max_age && p.include_subdomains && p.preload));
            }
        }
    }
}
