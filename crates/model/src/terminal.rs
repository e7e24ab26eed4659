//! Text that is safe to print on a terminal: the one place where govscan neutralises control
//! characters in everything it prints (scan data comes from servers and target files, and a
//! certificate SAN or a header value can carry escape sequences).
//!
//! The set (documented in `docs/reliability.md`, "Output a hostile server cannot abuse"):
//!
//! - C0 controls U+0000–U+001F except tab (U+0009) and line feed (U+000A), so also CR (which
//!   lets a line overwrite itself), BS, BEL and ESC (the start of every CSI/OSC/DCS sequence);
//! - DEL U+007F;
//! - C1 controls U+0080–U+009F (including the 8-bit CSI U+009B, OSC U+009D and ST U+009C);
//! - bidirectional formatting characters that can reorder what a line seems to say: U+061C,
//!   U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
//! - the Unicode line and paragraph separators U+2028 and U+2029.
//!
//! [`terminal_safe`] writes each of these as a visible escape (`\x1b`, `\u{202e}`), so nothing
//! is hidden and the reader can see that the value held one. [`json_terminal_safe`] writes them
//! as JSON `\uXXXX` escapes, so the document stays valid and means exactly the same value.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is one of the characters that must not reach a terminal raw (see the module).
pub fn is_unsafe_for_terminal(c: char) -> bool {
    match c {
        '\t' | '\n' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{61c}' | '\u{200e}' | '\u{200f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// `text` with every character of the unsafe set written as a visible escape: `\xHH` for C0,
/// DEL and C1 controls, `\u{HHHH}` for the others. Text without one is borrowed unchanged.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !is_unsafe_for_terminal(c) {
            out.push(c);
        } else if u32::from(c) <= 0x9f {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character of the unsafe set that serde_json leaves raw (DEL, C1 and the
/// bidi and separator characters; it already escapes C0) written as a `\uXXXX` escape. Such
/// characters can only occur inside JSON strings, where the escape denotes the same character,
/// so the document parses to exactly the same value.
pub fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_for_terminal(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "a\u{1b}]0;owned\u{7}b\u{1b}[31mc\rd\u{8}e\u{7f}f\u{9b}2Jg\u{202e}h\u{2066}i\u{2028}j\u{0}";

    #[test]
    fn every_control_of_the_set_is_escaped_visibly() {
        let safe = terminal_safe(HOSTILE);
        assert!(!safe.chars().any(is_unsafe_for_terminal), "{safe}");
        assert_eq!(
            safe,
            "a\\x1b]0;owned\\x07b\\x1b[31mc\\x0dd\\x08e\\x7ff\\x9b2Jg\\u{202e}h\\u{2066}i\\u{2028}j\\x00"
        );
        assert!(matches!(
            terminal_safe("plain\ttext\nÕ ✓"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_escapes_keep_the_value() {
        let value = serde_json::json!({ "san": HOSTILE, "plain": "Õiguskantsler ✓" });
        let text = serde_json::to_string_pretty(&value).expect("json");
        let safe = json_terminal_safe(&text);
        assert!(!safe.chars().any(is_unsafe_for_terminal), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn the_set_is_exactly_the_documented_one() {
        let unsafe_chars: Vec<u32> = (0..=0x10ffffu32)
            .filter_map(char::from_u32)
            .filter(|c| is_unsafe_for_terminal(*c))
            .map(u32::from)
            .collect();
        let mut expected: Vec<u32> = (0..=0x1f).filter(|c| *c != 9 && *c != 10).collect();
        expected.extend(0x7f..=0x9f);
        expected.extend([0x61c, 0x200e, 0x200f]);
        expected.extend(0x202a..=0x202e);
        expected.extend(0x2066..=0x2069);
        expected.extend([0x2028, 0x2029]);
        expected.sort_unstable();
        assert_eq!(unsafe_chars, expected);
    }
}
