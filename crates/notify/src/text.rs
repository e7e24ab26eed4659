//! Text from scanned servers made safe for a message: control and invisible formatting
//! characters shown as visible escapes, length capped, then escaped for each payload's markup
//! (Slack mrkdwn, Markdown code spans, Adaptive Card text).

/// Most characters kept of one server-controlled text (a check's message).
pub(crate) const DETAIL_MAX_CHARS: usize = 240;

/// `text` as one line of plain text: line breaks and tabs become spaces, every other control
/// character (C0, DEL, C1) and every invisible formatting character that can reorder or hide
/// text (bidi overrides and isolates, zero-width characters, line and paragraph separators,
/// the BOM) becomes a visible escape (`\x1b`, `\u{202e}`); at most `max_chars` characters are
/// kept, the cut marked with `…`.
pub(crate) fn plain(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    for (kept, c) in text.chars().enumerate() {
        if kept >= max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if is_invisible_format(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Characters that change how surrounding text is displayed without showing themselves.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// Slack's three control characters as the entities Slack decodes (api.slack.com,
/// "Formatting text": escaping). After this, no `<!channel>`, `<@U…>` or `<url|text>`
/// sequence can come from the text.
pub(crate) fn slack_entities(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` as an inline code span: no formatting, link or mention is recognised inside one in
/// Slack mrkdwn or Markdown (Mattermost). A backtick inside would end the span, so it becomes
/// an apostrophe; an empty text becomes a single space.
pub(crate) fn code_span(text: &str) -> String {
    let inner = text.replace('`', "'");
    if inner.trim().is_empty() {
        return "` `".to_owned();
    }
    format!("`{inner}`")
}

/// Adaptive Card text runs render text as it is, except the `{{DATE(…)}}`/`{{TIME(…)}}`
/// functions; a server's `{{` is broken so that nothing of it is evaluated.
pub(crate) fn adaptive_card_text(text: &str) -> String {
    text.replace("{{", "{ {")
}

/// A score with one decimal, or "no score".
pub(crate) fn score(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "no score".to_owned(),
    }
}

/// "10 s" or "300 ms".
pub(crate) fn duration(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_shows_controls_and_invisible_characters() {
        assert_eq!(plain("a\r\nb\tc", 100), "a  b c");
        assert_eq!(plain("\u{1b}[31mred", 100), "\\x1b[31mred");
        assert_eq!(plain("x\u{7f}\u{85}", 100), "x\\x7f\\x85");
        assert_eq!(plain("abc\u{202e}fed", 100), "abc\\u{202e}fed");
        assert_eq!(plain("a\u{200b}b\u{feff}", 100), "a\\u{200b}b\\u{feff}");
        assert_eq!(plain("héllo wörld", 100), "héllo wörld");
    }

    #[test]
    fn plain_caps_the_length() {
        assert_eq!(plain("abcdef", 3), "abc…");
        assert_eq!(plain("abc", 3), "abc");
        assert_eq!(plain(&"é".repeat(1000), 5).chars().count(), 6);
    }

    #[test]
    fn slack_entities_defuse_mentions_and_links() {
        assert_eq!(
            slack_entities("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
    }

    #[test]
    fn code_spans_cannot_be_closed_early() {
        assert_eq!(code_span("a`b"), "`a'b`");
        assert_eq!(code_span(""), "` `");
        assert_eq!(code_span("@channel"), "`@channel`");
    }

    #[test]
    fn scores_are_finite_or_named() {
        assert_eq!(score(Some(71.26)), "71.3");
        assert_eq!(score(None), "no score");
        assert_eq!(score(Some(f64::NAN)), "no score");
    }
}
