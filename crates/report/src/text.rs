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

/// The letter a group score's points give. Groups (organisations, the portfolio) have no cap;
/// the boundaries are those of `docs/scoring.md` (A+ ≥ 95, A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60,
/// E ≥ 50, else F) and must follow `govscan_score` if they change.
pub(crate) fn group_letter(score: Option<f64>) -> &'static str {
    match score {
        None => "?",
        Some(s) if s >= 95.0 => "A+",
        Some(s) if s >= 90.0 => "A",
        Some(s) if s >= 80.0 => "B",
        Some(s) if s >= 70.0 => "C",
        Some(s) if s >= 60.0 => "D",
        Some(s) if s >= 50.0 => "E",
        Some(_) => "F",
    }
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

/// A 0–1 share as a whole percentage.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.0} %", (share * 100.0).clamp(0.0, 100.0))
}

/// A signed change in points, e.g. `+2.5`, `−1.0`, `±0.0`.
pub(crate) fn signed(delta: f64) -> String {
    if delta.abs() < 0.05 {
        "±0.0".to_owned()
    } else if delta > 0.0 {
        format!("+{delta:.1}")
    } else {
        format!("−{:.1}", -delta)
    }
}

/// Arrow, words and CSS class for a move between two scores.
pub(crate) fn trend(now: Option<f64>, before: Option<f64>) -> Trend {
    match (now, before) {
        (Some(now), Some(before)) => {
            let delta = now - before;
            let (arrow, word, class) = if delta >= 0.05 {
                ("▲", "up", "trend-up")
            } else if delta <= -0.05 {
                ("▼", "down", "trend-down")
            } else {
                ("▶", "no change", "trend-flat")
            };
            Trend {
                arrow,
                text: format!("{word} {} since the previous scan", signed(delta)),
                short: signed(delta),
                class,
            }
        }
        (Some(_), None) => Trend {
            arrow: "★",
            text: "new since the previous scan".to_owned(),
            short: "new".to_owned(),
            class: "trend-flat",
        },
        _ => Trend {
            arrow: "·",
            text: "no comparison".to_owned(),
            short: "–".to_owned(),
            class: "trend-flat",
        },
    }
}

/// A move as arrow + text; the text always says what the arrow shows.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Trend {
    pub(crate) arrow: &'static str,
    pub(crate) text: String,
    pub(crate) short: String,
    pub(crate) class: &'static str,
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
        assert_eq!(trend(Some(80.0), Some(70.0)).arrow, "▲");
        assert_eq!(trend(Some(60.0), Some(70.0)).class, "trend-down");
        assert_eq!(trend(Some(60.0), None).short, "new");
        assert_eq!(group_letter(Some(95.0)), "A+");
        assert_eq!(group_letter(Some(49.9)), "F");
        assert_eq!(group_letter(None), "?");
    }
}
