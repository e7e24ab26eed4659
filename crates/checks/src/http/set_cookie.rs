//! `Set-Cookie` parsing (RFC 6265 §5.2, lenient like browsers): the name and the attributes
//! that matter for security.

/// One cookie as set by a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetCookie {
    /// Cookie name (as sent).
    pub(crate) name: String,
    /// `Secure` attribute.
    pub(crate) secure: bool,
    /// `HttpOnly` attribute.
    pub(crate) http_only: bool,
    /// `SameSite` value, lower case, if present.
    pub(crate) same_site: Option<String>,
    /// True when neither Expires nor Max-Age is set (a browser-session cookie).
    pub(crate) session_lifetime: bool,
}

/// Parses one Set-Cookie value; `None` when it has no `name=value` pair (browsers ignore it).
pub(crate) fn parse(value: &str) -> Option<SetCookie> {
    let mut parts = value.split(';');
    let pair = parts.next()?;
    let (name, _) = pair.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name: name.to_string(),
        secure: false,
        http_only: false,
        same_site: None,
        session_lifetime: true,
    };
    for attribute in parts {
        let (key, val) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (attribute.trim(), ""),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = Some(val.to_ascii_lowercase()),
            "expires" | "max-age" => cookie.session_lifetime = false,
            _ => {}
        }
    }
    Some(cookie)
}

/// True when the name looks like a login-session or authentication cookie (Observatory-style
/// heuristic: the cookie that must never be readable by script).
pub(crate) fn is_session_cookie(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["sess", "sid", "login", "auth", "token", "jwt"]
        .iter()
        .any(|k| lower.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn attributes_are_case_insensitive() {
        let c = parse("SESSIONID=abc; path=/; SECURE; httponly; SameSite=Lax").expect("cookie");
        assert_eq!(c.name, "SESSIONID");
        assert!(c.secure && c.http_only);
        assert_eq!(c.same_site.as_deref(), Some("lax"));
        assert!(c.session_lifetime);
        let c = parse("pref=1; Max-Age=3600").expect("cookie");
        assert!(!c.secure && !c.http_only && !c.session_lifetime && c.same_site.is_none());
    }

    #[test]
    fn nameless_cookies_are_ignored() {
        assert_eq!(parse("=abc; Secure"), None);
        assert_eq!(parse("no-equals-sign"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn session_names_are_recognised() {
        assert!(is_session_cookie("PHPSESSID"));
        assert!(is_session_cookie("connect.sid"));
        assert!(is_session_cookie("auth_token"));
        assert!(!is_session_cookie("lang"));
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in ".{0,300}") {
            if let Some(c) = parse(&text) {
                let _ = is_session_cookie(&c.name);
            }
        }
    }
}
