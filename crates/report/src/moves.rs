//! Score moves in words: the arrow, sentence and table cell of a like-for-like comparison, or
//! why there is none ("first scan", "not compared: the baseline changed").

use govscan_score::Comparison;

use crate::text::{plural, signed};

/// A move as arrow + text; the text always says what the arrow shows. Built only from a
/// like-for-like [`Comparison`], or saying why there is none.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Trend {
    pub(crate) arrow: &'static str,
    /// The move in words, for sentences ("up 0.6 points since the previous scan").
    pub(crate) text: String,
    /// The move in a table cell ("+0.6", "first scan", "not compared").
    pub(crate) short: String,
    /// What the short form compares, when it is not simply the two scans' scores.
    pub(crate) note: String,
    pub(crate) class: &'static str,
}

impl Trend {
    /// No earlier scan (the first, or none was given).
    pub(crate) fn first_scan() -> Trend {
        Trend {
            arrow: "·",
            text: "no earlier scan to compare with".to_owned(),
            short: "no earlier scan".to_owned(),
            note: String::new(),
            class: "trend-flat",
        }
    }

    /// The previous scan exists but was judged differently.
    pub(crate) fn not_compared(reason: &str) -> Trend {
        Trend {
            arrow: "·",
            text: format!("not compared with the previous scan: {reason}"),
            short: "not compared".to_owned(),
            note: reason.to_owned(),
            class: "trend-flat",
        }
    }

    /// A group with no domain at all in the previous scan.
    pub(crate) fn new_since_previous() -> Trend {
        Trend {
            arrow: "★",
            text: "new since the previous scan".to_owned(),
            short: "new".to_owned(),
            note: String::new(),
            class: "trend-flat",
        }
    }

    /// The move of a like-for-like comparison.
    pub(crate) fn of(c: &Comparison) -> Trend {
        let Some(delta) = c.delta else {
            return Trend {
                arrow: "·",
                text: "not compared: no domain was scored in both scans".to_owned(),
                short: "–".to_owned(),
                note: "no domain scored in both scans".to_owned(),
                class: "trend-flat",
            };
        };
        let (arrow, class) = if delta > 0.0 {
            ("▲", "trend-up")
        } else if delta < 0.0 {
            ("▼", "trend-down")
        } else {
            ("▶", "trend-flat")
        };
        let moved = moved_words(delta);
        if c.same_domains() {
            return Trend {
                arrow,
                text: format!("{moved} since the previous scan"),
                short: signed(delta),
                note: String::new(),
                class,
            };
        }
        let set = set_change(c);
        let shared = plural(c.shared as usize, "domain", "domains");
        Trend {
            arrow,
            text: format!(
                "{moved} since the previous scan over the {shared} scored in both scans ({set})"
            ),
            short: signed(delta),
            note: format!("over the {shared} scored in both scans; {set}"),
            class,
        }
    }
}

/// "up 0.6 points", "down 1.0 point", "no change".
pub(crate) fn moved_words(delta: f64) -> String {
    if delta > 0.0 {
        format!("up {}", points(delta))
    } else if delta < 0.0 {
        format!("down {}", points(-delta))
    } else {
        "no change".to_owned()
    }
}

/// "0.6 points", "1.0 point".
pub(crate) fn points(magnitude: f64) -> String {
    if (magnitude - 1.0).abs() < 1e-9 {
        "1.0 point".to_owned()
    } else {
        format!("{magnitude:.1} points")
    }
}

/// What differs between the two scans' domain sets, e.g. "1 added, 0 removed".
pub(crate) fn set_change(c: &Comparison) -> String {
    let mut parts = vec![
        format!("{} added", c.added),
        format!("{} removed", c.removed),
    ];
    if c.scored_once > 0 {
        parts.push(format!("{} scored in only one of them", c.scored_once));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_say_what_they_compare() {
        let compared = |before: f64, now: f64, added: u32| Comparison {
            shared: 2,
            added,
            removed: 0,
            scored_once: 0,
            before: Some(before),
            now: Some(now),
            delta: Some(govscan_score::difference(now, before)),
        };
        assert_eq!(Trend::of(&compared(70.0, 80.0, 0)).arrow, "▲");
        assert_eq!(Trend::of(&compared(70.0, 60.0, 0)).class, "trend-down");
        assert_eq!(
            Trend::of(&compared(70.0, 70.6, 0)).text,
            "up 0.6 points since the previous scan"
        );
        assert_eq!(
            Trend::of(&compared(70.0, 69.0, 1)).text,
            "down 1.0 point since the previous scan over the 2 domains scored in both scans \
             (1 added, 0 removed)"
        );
        assert_eq!(Trend::first_scan().short, "no earlier scan");
        assert!(!Trend::first_scan().text.contains("new"));
    }
}
