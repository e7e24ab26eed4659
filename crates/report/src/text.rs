//! Formatting shared by every page: numbers as text, grade and status styles chosen from fixed
//! lists (never from scan data), and plain-words dates (page names: `links.rs`).

use govscan_model::Status;

/// Grades in report order, best first, with their CSS class.
pub(crate) const GRADES: [(&str, &str); 8] = [
    ("A+", "grade-aplus"),
    ("A", "grade-a"),
    ("B", "grade-b"),
    ("C", "grade-c"),
    ("D", "grade-d"),
    ("E", "grade-e"),
    ("F", "grade-f"),
    ("?", "grade-unknown"),
];

/// The grade as shown and its class; an unexpected grade string shows as `?`.
pub(crate) fn grade_of(grade: &str) -> (&'static str, &'static str) {
    GRADES
        .iter()
        .copied()
        .find(|(g, _)| *g == grade)
        .unwrap_or(("?", "grade-unknown"))
}

/// Word, symbol and CSS class of a status: colour is never the only cue.
pub(crate) fn status_style(status: Status) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Pass => ("Pass", "✓", "status-pass"),
        Status::Fail => ("Fail", "✗", "status-fail"),
        Status::Warn => ("Warning", "!", "status-warn"),
        Status::Info => ("Info", "i", "status-info"),
        Status::NotApplicable => ("Not applicable", "–", "status-na"),
        Status::Inconclusive => ("Inconclusive", "?", "status-inconclusive"),
    }
}

/// A score as text, one decimal, or `no score`.
pub(crate) fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "no score".to_owned(), |s| format!("{s:.1}"))
}

/// A 0–1 share as a whole percentage, rounded down (so 99.6 % of the weight judged never
/// reads as 100 %, and a coverage under the floor never reads as the floor; the scoring
/// crate words coverage the same way).
pub(crate) fn percent(share: f64) -> String {
    // The small epsilon keeps 0.29 × 100 = 28.999… at 29.
    format!("{:.0} %", (share * 100.0 + 1e-9).floor().clamp(0.0, 100.0))
}

/// A signed change in points, e.g. `+2.5`, `−1.0`, `±0.0` (deltas are differences of
/// rounded scores, so they are already multiples of 0.1).
pub(crate) fn signed(delta: f64) -> String {
    if delta.abs() < 0.05 {
        "±0.0".to_owned()
    } else if delta > 0.0 {
        format!("+{delta:.1}")
    } else {
        format!("−{:.1}", -delta)
    }
}

/// "1 domain", "3 domains", "no domains".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// 100000 → "100,000".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The date part of an RFC 3339 timestamp as "27 Nov 2026"; the input unchanged if it does not
/// look like one.
pub(crate) fn day(timestamp: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = timestamp.get(..10).unwrap_or("");
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return timestamp.to_owned();
    };
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (month, d.parse::<u32>(), y.len() == 4) {
        (Some(month), Ok(d), true) => format!("{d} {month} {y}"),
        _ => timestamp.to_owned(),
    }
}

/// The date and minute of an RFC 3339 timestamp, "27 Nov 2026 08:26 UTC" when it is in UTC.
pub(crate) fn day_time(timestamp: &str) -> String {
    let time = timestamp
        .get(11..16)
        .filter(|t| t.as_bytes().get(2) == Some(&b':'));
    match time {
        Some(t) if timestamp.ends_with('Z') => format!("{} {t} UTC", day(timestamp)),
        Some(t) => format!("{} {t}", day(timestamp)),
        None => day(timestamp),
    }
}

/// The first letter in lower case, for a title inside a sentence, unless the first word is an
/// acronym or a name written with capitals inside it ("DNS answers…" stays as it is).
pub(crate) fn lower_first(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().skip(1).any(char::is_uppercase);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if !acronym => c.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

/// The word with its first letter in upper case (`estonia` → `Estonia`).
pub(crate) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A piece of prose: plain text or a `code` span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Segment {
    pub(crate) text: String,
    pub(crate) code: bool,
}

/// Splits text at backticks into plain and code segments (an unpaired backtick stays text).
pub(crate) fn segments(text: &str) -> Vec<Segment> {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return vec![Segment {
            text: text.to_owned(),
            code: false,
        }];
    }
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| Segment {
            text: (*p).to_owned(),
            code: i % 2 == 1,
        })
        .collect()
}

pub(crate) use crate::links::unique_slugs;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_become_code_segments() {
        let s = segments("Send `nosniff` on `every` response");
        let code: Vec<(&str, bool)> = s.iter().map(|s| (s.text.as_str(), s.code)).collect();
        assert_eq!(
            code,
            [
                ("Send ", false),
                ("nosniff", true),
                (" on ", false),
                ("every", true),
                (" response", false)
            ]
        );
        assert_eq!(
            segments("odd ` tick"),
            [Segment {
                text: "odd ` tick".to_owned(),
                code: false
            }]
        );
    }

    #[test]
    fn dates_and_moves_read_plainly() {
        assert_eq!(day("2026-11-27T08:26:59.76Z"), "27 Nov 2026");
        assert_eq!(day_time("2026-11-27T08:26:59.76Z"), "27 Nov 2026 08:26 UTC");
        assert_eq!(day("yesterday"), "yesterday");
        assert_eq!(day("2026-13-01T00:00:00Z"), "2026-13-01T00:00:00Z");
        assert_eq!(signed(2.345), "+2.3");
        assert_eq!(signed(-1.0), "−1.0");
        assert_eq!(signed(0.01), "±0.0");
        assert_eq!(
            lower_first("DNS answers are signed"),
            "DNS answers are signed"
        );
        assert_eq!(lower_first("TLS 1.3 is supported"), "TLS 1.3 is supported");
        assert_eq!(
            lower_first("OCSP responses are stapled"),
            "OCSP responses are stapled"
        );
        assert_eq!(
            lower_first("The website is reachable"),
            "the website is reachable"
        );
        assert_eq!(lower_first("A DMARC policy"), "a DMARC policy");
        assert_eq!(
            plural(0, "organisation", "organisations"),
            "no organisations"
        );
    }
}
