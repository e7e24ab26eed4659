//! DKIM selectors named in a target file: checked (RFC 6376 §3.1) and normalised.

use serde_saphyr::Spanned;

/// Most DKIM selectors one domain may name.
pub const MAX_DKIM_SELECTORS: usize = 16;

/// Checks and normalises a domain's DKIM selectors (RFC 6376 §3.1: dot-separated
/// sub-domain labels), lower case, duplicates dropped; an error names the line and value.
pub(crate) fn dkim_selectors(
    domain: &str,
    raw: &[Spanned<String>],
) -> Result<Vec<String>, (Option<u64>, String)> {
    if raw.len() > MAX_DKIM_SELECTORS {
        let line = raw.get(MAX_DKIM_SELECTORS).map(|s| s.referenced.line());
        return Err((
            line,
            format!("{domain} names more than {MAX_DKIM_SELECTORS} DKIM selectors"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for selector in raw {
        let text = selector.value.trim().to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if text.is_empty() || text.len() > 200 || !text.split('.').all(label_ok) {
            return Err((
                Some(selector.referenced.line()),
                format!(
                    "{domain}: DKIM selector {:?} is not a selector (dot-separated labels of letters, digits, '-' and '_')",
                    selector.value
                ),
            ));
        }
        if !out.contains(&text) {
            out.push(text);
        }
    }
    Ok(out)
}
