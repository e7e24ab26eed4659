//! Markdown escaping for the generated check pages: every text taken from check metadata, a
//! declarative check file, a baseline or a fixture is data, so it is written such that it
//! cannot open a fence, a heading, a list, a link, raw HTML or a new table cell.
//!
//! Authors write inline code as `` `code` `` in rationales and remediations; a matched
//! backtick run on one line stays a code span (its content is literal in Markdown), everything
//! else is escaped character by character.

/// ASCII punctuation that is escaped with a backslash outside code spans: what could start
/// emphasis, a link or an image, raw HTML, an entity, strikethrough or a table cell.
const ESCAPED: &[char] = &['\\', '*', '_', '[', ']', '<', '>', '|', '&', '~', '`'];

/// One line of text as inline Markdown, to stand after other text on a line: code spans
/// kept, everything else escaped, line breaks turned into spaces. `in_table` escapes `|`
/// inside code spans too (GFM reads a pipe as a cell boundary even there; `\|` renders as
/// `|`). Text that starts a line goes through [`line`].
pub(crate) fn inline(text: &str, in_table: bool) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    let mut out = String::with_capacity(flat.len() + 8);
    let chars: Vec<char> = flat.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = run_length(&chars, i);
            if let Some(close) = closing_run(&chars, i + run, run) {
                let content: String = chars[i + run..close].iter().collect();
                let fence = "`".repeat(run);
                let content = if in_table {
                    content.replace('|', "\\|")
                } else {
                    content
                };
                out.push_str(&fence);
                out.push_str(&content);
                out.push_str(&fence);
                i = close + run;
                continue;
            }
            for _ in 0..run {
                out.push_str("\\`");
            }
            i += run;
            continue;
        }
        if ESCAPED.contains(&chars[i]) {
            out.push('\\');
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// One line of text as [`inline`] Markdown that starts a line: its start made safe too (no
/// heading, list, quote, thematic break or indented code).
pub(crate) fn line(text: &str) -> String {
    safe_line_start(inline(text, false))
}

/// A table cell: inline Markdown with `|` escaped everywhere; an empty text is a dash.
pub(crate) fn cell(text: &str) -> String {
    let text = inline(text, true);
    if text.is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

/// Multi-line prose (a rationale, a remediation): each non-empty line of the text becomes
/// its own paragraph, escaped as [`inline`].
pub(crate) fn paragraphs(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(line)
        .collect();
    if lines.is_empty() {
        return "(not given)\n".to_owned();
    }
    lines.join("\n\n") + "\n"
}

/// A code span holding `text` literally (one line): the fence is one backtick longer than
/// the longest run inside, padded with spaces when the text starts or ends with a backtick.
pub(crate) fn code(text: &str, in_table: bool) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let fence = "`".repeat(longest_run(&flat, '`') + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_table {
        flat.replace('|', "\\|")
    } else {
        flat
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A fenced code block of `text` with info string `lang`: the fence is longer than any
/// backtick run in the text, so the text cannot close it.
pub(crate) fn code_block(text: &str, lang: &str) -> String {
    let fence = "`".repeat((longest_run(text, '`') + 1).max(3));
    let body: String = text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

/// Text for an HTML context (`<summary>`): `&`, `<`, `>` and quotes as entities, on one line.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link destination: the characters that could end it or break the table it stands in
/// (spaces, parentheses, angle brackets, quotes, backticks, pipes, backslashes, anything not
/// ASCII) percent-encoded.
pub(crate) fn link_target(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    for byte in target.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/:?#@!$&*+,;=%".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A Markdown link with escaped text.
pub(crate) fn link(text: &str, target: &str, in_table: bool) -> String {
    format!("[{}]({})", inline(text, in_table), link_target(target))
}

/// A link whose text is a code span (a file path, a check id).
pub(crate) fn code_link(text: &str, target: &str, in_table: bool) -> String {
    format!("[{}]({})", code(text, in_table), link_target(target))
}

fn run_length(chars: &[char], start: usize) -> usize {
    chars[start..].iter().take_while(|c| **c == '`').count()
}

/// The start of the next backtick run of exactly `run` backticks at or after `from`.
fn closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = run_length(chars, i);
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        if ch == c {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Escapes what would make a line something other than a paragraph line: `#` (a heading),
/// `-`, `+`, `=` (a list, a setext heading underline, a thematic break), a number followed
/// by `.` or `)` (an ordered list). `>`, `*`, `_` and backticks are escaped everywhere, and
/// the line was trimmed, so it starts with no indentation.
fn safe_line_start(line: String) -> String {
    let first = line.chars().next();
    if matches!(first, Some('#' | '-' | '+' | '=')) {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')')) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_stay_and_everything_else_is_escaped() {
        assert_eq!(
            inline("Send `max-age=1 | x` <b>now</b> [x](y)", false),
            "Send `max-age=1 | x` \\<b\\>now\\</b\\> \\[x\\](y)"
        );
        assert_eq!(
            inline("a `b|c` d|e", true),
            "a `b\\|c` d\\|e",
            "a pipe never splits a table cell"
        );
        assert_eq!(inline("unmatched ` tick", false), "unmatched \\` tick");
        assert_eq!(line("# not a heading"), "\\# not a heading");
        assert_eq!(line("- not a list"), "\\- not a list");
        assert_eq!(line("12. not a list"), "12\\. not a list");
        assert_eq!(
            inline("26.04", false),
            "26.04",
            "mid-line text needs no line-start escape"
        );
        assert_eq!(inline("a\nb", false), "a b");
    }

    #[test]
    fn fences_and_spans_are_longer_than_any_run_inside() {
        assert_eq!(code("a``b", false), "```a``b```");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code_block("````\nx", "yaml"), "`````yaml\n````\nx\n`````\n");
    }

    #[test]
    fn link_targets_cannot_end_early() {
        assert_eq!(
            link_target("../a b)(c|d<e>.json"),
            "../a%20b%29%28c%7Cd%3Ce%3E.json"
        );
        assert_eq!(html("<script>&'\""), "&lt;script&gt;&amp;&#39;&quot;");
    }
}
