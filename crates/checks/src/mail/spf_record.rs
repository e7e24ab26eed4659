//! A parser for SPF records (RFC 7208 §4.5, §5, §6, §12): syntax only, no DNS.

use std::net::{Ipv4Addr, Ipv6Addr};

/// What a matching mechanism yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualifier {
    /// `+` (the default).
    Pass,
    /// `-`.
    Fail,
    /// `~`.
    SoftFail,
    /// `?`.
    Neutral,
}

impl Qualifier {
    /// The qualifier character.
    pub(crate) fn symbol(self) -> char {
        match self {
            Qualifier::Pass => '+',
            Qualifier::Fail => '-',
            Qualifier::SoftFail => '~',
            Qualifier::Neutral => '?',
        }
    }
}

/// One mechanism with its qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Directive {
    /// The qualifier.
    pub(crate) qualifier: Qualifier,
    /// Mechanism name, lower case (`all`, `include`, `a`, `mx`, `ptr`, `ip4`, `ip6`, `exists`).
    pub(crate) mechanism: String,
    /// The text after the name (`:domain/cidr`), as written.
    pub(crate) argument: String,
}

/// A syntactically valid SPF record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpfRecord {
    /// Mechanisms, in order.
    pub(crate) directives: Vec<Directive>,
    /// The `redirect=` target.
    pub(crate) redirect: Option<String>,
    /// The `exp=` target.
    pub(crate) exp: Option<String>,
    /// Names of other modifiers (ignored by receivers).
    pub(crate) unknown_modifiers: Vec<String>,
}

impl SpfRecord {
    /// The first `all` directive (evaluation never passes it).
    pub(crate) fn all(&self) -> Option<&Directive> {
        self.directives.iter().find(|d| d.mechanism == "all")
    }
}

/// True when a TXT string is an SPF record: `v=spf1` (case-insensitive) then a space or the end.
pub(crate) fn is_spf(txt: &str) -> bool {
    let bytes = txt.as_bytes();
    bytes.len() >= 6
        && bytes[..6].eq_ignore_ascii_case(b"v=spf1")
        && bytes.get(6).is_none_or(|b| *b == b' ')
}

/// RFC 7208 §7.1 macro-string: visible ASCII, `%` only as `%%`, `%_`, `%-` or `%{...}`.
fn domain_spec_problem(spec: &str) -> Option<String> {
    if spec.is_empty() {
        return Some("empty domain".into());
    }
    let bytes = spec.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(0x21..=0x7e).contains(&b) {
            return Some(format!(
                "domain {spec:?} has a character outside visible ASCII"
            ));
        }
        if b == b'%' {
            match bytes.get(i + 1) {
                Some(b'%' | b'_' | b'-') => i += 1,
                Some(b'{') => match bytes[i..].iter().position(|c| *c == b'}') {
                    Some(close) => i += close,
                    None => return Some(format!("unterminated macro in {spec:?}")),
                },
                _ => return Some(format!("bad macro in {spec:?}")),
            }
        }
        i += 1;
    }
    None
}

fn cidr_problem(text: &str, max: u8) -> Option<String> {
    match text.parse::<u8>() {
        Ok(n) if n <= max && (text == "0" || !text.starts_with('0')) => None,
        _ => Some(format!("bad prefix length /{text}")),
    }
}

/// Checks the argument of `a`/`mx`: `[":" domain] ["/" ip4-cidr] ["//" ip6-cidr]`.
fn a_mx_problem(arg: &str) -> Option<String> {
    let (domain_part, cidr_part) = match arg.find('/') {
        Some(i) => (&arg[..i], &arg[i..]),
        None => (arg, ""),
    };
    if let Some(domain) = domain_part.strip_prefix(':') {
        if let Some(p) = domain_spec_problem(domain) {
            return Some(p);
        }
    } else if !domain_part.is_empty() {
        return Some(format!("unexpected {domain_part:?}"));
    }
    if cidr_part.is_empty() {
        return None;
    }
    let (v4, v6) = match cidr_part.strip_prefix("//") {
        Some(v6) => (None, Some(v6)),
        None => {
            let rest = &cidr_part[1..];
            match rest.split_once("//") {
                Some((v4, v6)) => (Some(v4), Some(v6)),
                None => (Some(rest), None),
            }
        }
    };
    v4.and_then(|v| cidr_problem(v, 32))
        .or_else(|| v6.and_then(|v| cidr_problem(v, 128)))
}

fn ip_problem(arg: &str, v6: bool) -> Option<String> {
    let Some(rest) = arg.strip_prefix(':') else {
        return Some("an address is required".into());
    };
    let (addr, cidr) = match rest.split_once('/') {
        Some((addr, cidr)) => (addr, Some(cidr)),
        None => (rest, None),
    };
    let (ok, max) = if v6 {
        (addr.parse::<Ipv6Addr>().is_ok(), 128)
    } else {
        (addr.parse::<Ipv4Addr>().is_ok(), 32)
    };
    if !ok {
        return Some(format!(
            "{addr:?} is not an IPv{} address",
            if v6 { 6 } else { 4 }
        ));
    }
    cidr.and_then(|c| cidr_problem(c, max))
}

fn directive(term: &str) -> Result<Directive, String> {
    let (qualifier, rest) = match term.as_bytes().first() {
        Some(b'+') => (Qualifier::Pass, &term[1..]),
        Some(b'-') => (Qualifier::Fail, &term[1..]),
        Some(b'~') => (Qualifier::SoftFail, &term[1..]),
        Some(b'?') => (Qualifier::Neutral, &term[1..]),
        _ => (Qualifier::Pass, term),
    };
    let name_end = rest.find([':', '/']).unwrap_or(rest.len());
    let (name, argument) = rest.split_at(name_end);
    let mechanism = name.to_ascii_lowercase();
    let problem = match mechanism.as_str() {
        "all" => (!argument.is_empty()).then(|| "all takes no argument".to_owned()),
        "include" | "exists" => match argument.strip_prefix(':') {
            Some(domain) => domain_spec_problem(domain),
            None => Some(format!("{mechanism} needs a domain")),
        },
        "a" | "mx" => a_mx_problem(argument),
        "ptr" => match argument.strip_prefix(':') {
            Some(domain) => domain_spec_problem(domain),
            None => (!argument.is_empty()).then(|| format!("unexpected {argument:?}")),
        },
        "ip4" => ip_problem(argument, false),
        "ip6" => ip_problem(argument, true),
        _ => Some("unknown mechanism".to_owned()),
    };
    match problem {
        Some(p) => Err(format!("term {term:?}: {p}")),
        None => Ok(Directive {
            qualifier,
            mechanism,
            argument: argument.to_owned(),
        }),
    }
}

/// Parses an SPF record; the error says which term is wrong (a receiver's permerror).
pub(crate) fn parse(txt: &str) -> Result<SpfRecord, String> {
    if !is_spf(txt) {
        return Err("the record does not start with v=spf1".into());
    }
    let mut record = SpfRecord {
        directives: Vec::new(),
        redirect: None,
        exp: None,
        unknown_modifiers: Vec::new(),
    };
    for term in txt[6..].split(' ').filter(|t| !t.is_empty()) {
        let name_len = term
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .count();
        let is_modifier = name_len > 0
            && term.as_bytes()[0].is_ascii_alphabetic()
            && term.as_bytes().get(name_len) == Some(&b'=');
        if !is_modifier {
            record.directives.push(directive(term)?);
            continue;
        }
        let name = term[..name_len].to_ascii_lowercase();
        let value = &term[name_len + 1..];
        let slot = match name.as_str() {
            "redirect" => &mut record.redirect,
            "exp" => &mut record.exp,
            _ => {
                if let Some(p) = value
                    .bytes()
                    .any(|b| !(0x21..=0x7e).contains(&b))
                    .then_some("bad character")
                {
                    return Err(format!("modifier {term:?}: {p}"));
                }
                record.unknown_modifiers.push(name);
                continue;
            }
        };
        if slot.is_some() {
            return Err(format!("modifier {name} appears more than once"));
        }
        if let Some(p) = domain_spec_problem(value) {
            return Err(format!("modifier {term:?}: {p}"));
        }
        *slot = Some(value.to_owned());
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(txt: &str) -> SpfRecord {
        parse(txt).unwrap_or_else(|e| panic!("{txt:?}: {e}"))
    }

    #[test]
    fn recognises_spf_records() {
        assert!(is_spf("v=spf1"));
        assert!(is_spf("V=SPF1 -all"));
        assert!(!is_spf("v=spf10 -all"));
        assert!(!is_spf("v=spf1-all"));
        assert!(!is_spf(" v=spf1 -all"));
        assert!(!is_spf("v=spf"));
        assert!(!is_spf("google-site-verification=abc"));
        assert!(!is_spf("v=spf\u{e4}"));
    }

    #[test]
    fn parses_mechanisms_and_modifiers() {
        let r = ok(
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.ee/24//64 include:_spf.example.net ~all exp=explain.%{d}",
        );
        assert_eq!(r.directives.len(), 6);
        assert_eq!(r.all().map(|d| d.qualifier), Some(Qualifier::SoftFail));
        assert_eq!(r.exp.as_deref(), Some("explain.%{d}"));
        let r = ok("v=spf1  redirect=_spf.example.net  ");
        assert_eq!(r.redirect.as_deref(), Some("_spf.example.net"));
        assert_eq!(
            ok("v=spf1 -ALL").all().map(|d| d.qualifier),
            Some(Qualifier::Fail)
        );
        assert_eq!(
            ok("v=spf1 all").all().map(|d| d.qualifier),
            Some(Qualifier::Pass)
        );
        assert_eq!(ok("v=spf1").all(), None);
        assert_eq!(
            ok("v=spf1 ptr ptr:x.example a/24 a//64 exists:%{i}._spf.%{d} -all")
                .directives
                .len(),
            6
        );
        assert_eq!(
            ok("v=spf1 foo=bar -all").unknown_modifiers,
            vec!["foo".to_owned()]
        );
    }

    #[test]
    fn rejects_bad_terms() {
        for bad in [
            "v=spf1 all:x",
            "v=spf1 include",
            "v=spf1 include:",
            "v=spf1 ip4:300.1.1.1",
            "v=spf1 ip4:192.0.2.1/33",
            "v=spf1 ip4",
            "v=spf1 ip6:2001:db8::/129",
            "v=spf1 ip6:192.0.2.1",
            "v=spf1 a/024",
            "v=spf1 mx:/24",
            "v=spf1 a:%x.example",
            "v=spf1 a:%{d.example",
            "v=spf1 frobnicate",
            "v=spf1 =all",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 exp=",
            "v=spf1 -all\tip4:192.0.2.1",
            "v=spf1 ,all",
            "spf1 -all",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "v=spf1 \u{0}",
            "v=spf1 %",
            "v=spf1 a:%",
            "v=spf1 ip6:",
            "v=spf1 +",
            "v=spf1 -",
            "v=spf1 ~/",
            "v=spf1 a//",
            "v=spf1 a/",
            "v=spf1 ä",
            "v=spf1 a:ü.example",
        ] {
            let _ = parse(s);
        }
        let long = format!("v=spf1 {}", "include:x.example ".repeat(10_000));
        assert_eq!(ok(&long).directives.len(), 10_000);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// One SPF term, valid or nearly so.
        fn term() -> impl Strategy<Value = String> {
            let qualifier = prop::sample::select(vec!["", "+", "-", "~", "?", "!"]);
            let mechanism = prop::sample::select(vec![
                "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", "redirect", "exp",
                "x-custom", "",
            ]);
            let separator = prop::sample::select(vec!["", ":", "=", "/"]);
            (qualifier, mechanism, separator, "[a-z0-9.:/%{}_-]{0,24}")
                .prop_map(|(q, m, s, arg)| format!("{q}{m}{s}{arg}"))
        }

        proptest! {
            #[test]
            fn arbitrary_input_never_panics(text in ".{0,300}") {
                let _ = is_spf(&text);
                if let Ok(record) = parse(&text) {
                    let _ = record.all();
                }
            }

            #[test]
            fn near_valid_records_never_panic(
                prefix in prop::sample::select(vec!["v=spf1", "V=SPF1", "v=spf1 ", "v=spf10"]),
                terms in prop::collection::vec(term(), 0..12),
            ) {
                let text = format!("{prefix} {}", terms.join(" "));
                if let Ok(record) = parse(&text) {
                    prop_assert!(record.directives.len() <= terms.len());
                    for d in &record.directives {
                        prop_assert_eq!(d.mechanism.clone(), d.mechanism.to_ascii_lowercase());
                    }
                }
            }

            #[test]
            fn ip4_mechanisms_with_any_prefix_parse_or_fail_cleanly(
                a in any::<[u8; 4]>(),
                cidr in 0u8..=40,
            ) {
                let text = format!("v=spf1 ip4:{}.{}.{}.{}/{cidr} -all", a[0], a[1], a[2], a[3]);
                prop_assert_eq!(parse(&text).is_ok(), cidr <= 32, "{}", text);
            }
        }
    }
}
