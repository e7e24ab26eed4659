//! The trend chart: the portfolio score over past scans as an inline SVG line, with a table
//! that says the same in text. Coordinates are computed here, so the template only prints
//! numbers.

use serde::Serialize;

use crate::input::HistoryEntry;
use crate::text::{day, group_letter, score_text, signed};

/// Chart size in SVG user units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Points drawn at most (the latest ones); the table lists the same points.
const MAX_POINTS: usize = 60;

/// The chart and its text equivalent.
#[derive(Debug, Serialize)]
pub(crate) struct TrendChart {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) plot_left: f64,
    pub(crate) plot_right: f64,
    pub(crate) has_line: bool,
    pub(crate) polyline: String,
    pub(crate) points: Vec<ChartPoint>,
    pub(crate) y_ticks: Vec<Tick>,
    pub(crate) description: String,
    pub(crate) axis_note: String,
    pub(crate) rows: Vec<TrendRow>,
}

/// A dot on the line.
#[derive(Debug, Serialize)]
pub(crate) struct ChartPoint {
    pub(crate) x: String,
    pub(crate) y: String,
    pub(crate) label: String,
    pub(crate) show_label: bool,
    pub(crate) label_y: String,
    pub(crate) value: String,
}

/// A horizontal grid line.
#[derive(Debug, Serialize)]
pub(crate) struct Tick {
    pub(crate) y: String,
    pub(crate) text_y: String,
    pub(crate) label: String,
}

/// One scan in the table.
#[derive(Debug, Serialize)]
pub(crate) struct TrendRow {
    pub(crate) label: String,
    pub(crate) date: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) change: String,
    pub(crate) domains: u64,
    pub(crate) baseline: String,
}

impl TrendChart {
    /// Lays out the chart for these scans (oldest first).
    pub(crate) fn new(history: &[HistoryEntry]) -> TrendChart {
        let history = &history[history.len().saturating_sub(MAX_POINTS)..];
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let step = if history.len() > 1 {
            plot_w / (history.len() - 1) as f64
        } else {
            0.0
        };
        let (low, high) = y_range(history);
        let y_of =
            |score: f64| TOP + plot_h * (1.0 - (score.clamp(low, high) - low) / (high - low));
        let label_every = history.len().div_ceil(8).max(1);
        let points: Vec<ChartPoint> = history
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let score = h.portfolio_score?;
                let x = if history.len() > 1 {
                    LEFT + step * i as f64
                } else {
                    LEFT + plot_w / 2.0
                };
                Some(ChartPoint {
                    x: format!("{x:.1}"),
                    y: format!("{:.1}", y_of(score)),
                    label: day(&h.started_at),
                    show_label: i % label_every == 0 || i + 1 == history.len(),
                    label_y: format!("{:.1}", HEIGHT - BOTTOM + 18.0),
                    value: format!("{score:.1}"),
                })
            })
            .collect();
        let polyline = points
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ");
        let tick_step = if high - low > 40.0 {
            20.0
        } else if high - low > 20.0 {
            10.0
        } else {
            5.0
        };
        let y_ticks = (0..=20)
            .map(|i| low + tick_step * f64::from(i))
            .take_while(|v| *v <= high + 0.01)
            .collect::<Vec<f64>>()
            .iter()
            .map(|v| Tick {
                y: format!("{:.1}", y_of(*v)),
                text_y: format!("{:.1}", y_of(*v) + 4.0),
                label: format!("{v:.0}"),
            })
            .collect();
        let mut previous: Option<f64> = None;
        let rows = history
            .iter()
            .map(|h| {
                let change = match (h.portfolio_score, previous) {
                    (Some(now), Some(before)) => signed(now - before),
                    _ => "–".to_owned(),
                };
                if h.portfolio_score.is_some() {
                    previous = h.portfolio_score;
                }
                TrendRow {
                    label: h.label.clone(),
                    date: day(&h.started_at),
                    score: score_text(h.portfolio_score),
                    grade: group_letter(h.portfolio_score).to_owned(),
                    change,
                    domains: h.domains,
                    baseline: h.baseline.clone(),
                }
            })
            .collect();
        TrendChart {
            width: WIDTH,
            height: HEIGHT,
            plot_left: LEFT,
            plot_right: WIDTH - RIGHT,
            has_line: points.len() > 1,
            description: describe(history),
            axis_note: format!("The vertical axis shows scores from {low:.0} to {high:.0}."),
            polyline,
            points,
            y_ticks,
            rows,
        }
    }
}

/// The score range shown: the scores with some room, in steps of 10, within 0–100, at least
/// 20 points tall so small moves are visible but not exaggerated. The axis is labelled.
fn y_range(history: &[HistoryEntry]) -> (f64, f64) {
    let scores: Vec<f64> = history.iter().filter_map(|h| h.portfolio_score).collect();
    let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !min.is_finite() || !max.is_finite() {
        return (0.0, 100.0);
    }
    let mut low = ((min - 5.0) / 10.0).floor() * 10.0;
    let mut high = ((max + 5.0) / 10.0).ceil() * 10.0;
    if high - low < 20.0 {
        high = low + 20.0;
    }
    if high > 100.0 {
        low -= high - 100.0;
        high = 100.0;
    }
    low = low.max(0.0);
    (low, high)
}

/// One sentence saying what the line shows.
fn describe(history: &[HistoryEntry]) -> String {
    let scored: Vec<&HistoryEntry> = history
        .iter()
        .filter(|h| h.portfolio_score.is_some())
        .collect();
    match (scored.first(), scored.last()) {
        (Some(first), Some(last)) if scored.len() > 1 => {
            let (a, b) = (
                first.portfolio_score.unwrap_or(0.0),
                last.portfolio_score.unwrap_or(0.0),
            );
            let verb = if b - a >= 0.05 {
                "rose"
            } else if a - b >= 0.05 {
                "fell"
            } else {
                "stayed"
            };
            format!(
                "Portfolio score over {} scans: it {verb} from {a:.1} on {} to {b:.1} on {}.",
                scored.len(),
                day(&first.started_at),
                day(&last.started_at)
            )
        }
        (Some(only), _) => format!(
            "Only one scan so far ({}), scoring {}; the line grows with every scan saved to the history database.",
            day(&only.started_at),
            score_text(only.portfolio_score)
        ),
        _ => "No scan had a score yet.".to_owned(),
    }
}
