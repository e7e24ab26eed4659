//! What one CSP source expression reaches (W3C CSP Level 3 §2.3.1 grammar, §6.7.2 URL
//! matching, for a page served over https): host wildcards (`*`, `*:443`, `https://*`,
//! `*.<public suffix>`) and the scheme sources `https:`, `http:`, `data:`, `blob:`; and the
//! inline rule of §6.7.3.2 (a nonce, a hash or `'strict-dynamic'` makes `'unsafe-inline'`
//! ignored).

use crate::public_suffix;

/// What one source expression matches, as far as an attacker is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceReach {
    /// Any https host (`*`, `https:`, `http:`, `https://*`, `*:443`, `*.<public suffix>`).
    AnyHost,
    /// `data:` URLs.
    Data,
    /// `blob:` or `filesystem:` URLs.
    Blob,
    /// Something narrower (a named host, `'self'`, a keyword, a nonce or hash).
    Narrow,
}

/// Classifies one (lower-case) source expression for a page served over https.
pub(crate) fn reach(source: &str) -> SourceReach {
    if source.starts_with('\'') {
        return SourceReach::Narrow;
    }
    // scheme-source: `scheme ":"` alone (§2.3.1). `http:` matches https too (§6.7.2 scheme-part
    // match).
    if let Some(scheme) = source.strip_suffix(':')
        && !scheme.contains([':', '/'])
    {
        return match scheme {
            "https" | "http" => SourceReach::AnyHost,
            "data" => SourceReach::Data,
            "blob" | "filesystem" => SourceReach::Blob,
            _ => SourceReach::Narrow,
        };
    }
    // host-source: [ scheme "://" ] host [ ":" port ] [ path ].
    let (scheme, rest) = match source.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, source),
    };
    // Without a scheme the page's own (https) applies; "http" also matches https.
    if !matches!(scheme, None | Some("https" | "http")) {
        return SourceReach::Narrow;
    }
    let host_end = rest.find([':', '/']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host == "*" {
        return SourceReach::AnyHost;
    }
    // `*.com` or `*.github.io`: anyone can register a name under a public suffix.
    if let Some(base) = host.strip_prefix("*.")
        && public_suffix::is_public_suffix(base)
    {
        return SourceReach::AnyHost;
    }
    SourceReach::Narrow
}

/// True for a nonce-source or hash-source (§2.3.1).
fn is_nonce_or_hash(source: &str) -> bool {
    source.len() > 2
        && source.ends_with('\'')
        && ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| source.starts_with(p))
}

/// §6.7.3.2 "does a source list allow all inline behavior" for scripts: `'unsafe-inline'`
/// counts only without a nonce, a hash or `'strict-dynamic'`.
pub(crate) fn allows_all_inline(list: &[String]) -> bool {
    list.iter().any(|s| s == "'unsafe-inline'")
        && !list
            .iter()
            .any(|s| is_nonce_or_hash(s) || s == "'strict-dynamic'")
}

/// True when a frame-ancestors source list lets any https site frame the page. An empty list
/// matches nothing (§6.7.2), like `'none'`.
pub(crate) fn frame_ancestors_allow_anyone(list: &[String]) -> bool {
    list.iter().any(|s| reach(s) == SourceReach::AnyHost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_wildcards_are_any_host() {
        for source in [
            "*",
            "*:443",
            "*:*",
            "https:",
            "http:",
            "https://*",
            "http://*",
            "https://*:443/js/",
            "*.com",
            "https://*.github.io",
        ] {
            assert_eq!(reach(source), SourceReach::AnyHost, "{source}");
        }
        for source in [
            "'self'",
            "cdn.example.ee",
            "*.ria.ee",
            "https://*.gov.uk.example",
            "wss://*",
            "ws:",
            "'none'",
            "mediastream:",
        ] {
            assert_eq!(reach(source), SourceReach::Narrow, "{source}");
        }
        assert_eq!(reach("data:"), SourceReach::Data);
        assert_eq!(reach("blob:"), SourceReach::Blob);
    }

    #[test]
    fn frame_ancestors_is_judged_by_its_sources() {
        assert!(!frame_ancestors_allow_anyone(&[]));
        assert!(!frame_ancestors_allow_anyone(&[
            "'self'".into(),
            "https://portal.gov.je".into()
        ]));
        assert!(frame_ancestors_allow_anyone(&[
            "'self'".into(),
            "https:".into()
        ]));
        assert!(frame_ancestors_allow_anyone(&["*".into()]));
    }
}
