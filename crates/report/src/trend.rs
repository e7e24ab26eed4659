//! The trend chart: the portfolio score over past scans as an inline SVG line, with a table
//! that says the same in text. The line is broken where the baseline or scoring version
//! changes (scores on either side are on different scales); every point records what judged
//! it. Coordinates are computed here, so the template only prints numbers.

use serde::Serialize;

use crate::input::{PointChange, TrendPoint};
use crate::text::{day, day_time, score_text, signed};

/// Chart size in SVG user units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Points drawn at most (the latest ones); the table lists the same points.
pub const MAX_POINTS: usize = 60;

/// The chart and its text equivalent.
#[derive(Debug, Serialize)]
pub(crate) struct TrendChart {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) plot_left: f64,
    pub(crate) plot_right: f64,
    pub(crate) has_line: bool,
    /// One polyline per run of points on the same scale (same baseline and scoring version).
    pub(crate) polylines: Vec<String>,
    pub(crate) points: Vec<ChartPoint>,
    pub(crate) breaks: Vec<ChartBreak>,
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

/// Where the line breaks: a dashed vertical line before the point.
#[derive(Debug, Serialize)]
pub(crate) struct ChartBreak {
    pub(crate) x: String,
    pub(crate) top: String,
    pub(crate) bottom: String,
    pub(crate) why: String,
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
    pub(crate) change_note: String,
    pub(crate) domains: String,
    pub(crate) baseline: String,
    pub(crate) versions: String,
}

impl TrendChart {
    /// Lays out the chart for these points (oldest first).
    pub(crate) fn new(all: &[TrendPoint]) -> TrendChart {
        let history = &all[all.len().saturating_sub(MAX_POINTS)..];
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let step = if history.len() > 1 {
            plot_w / (history.len() - 1) as f64
        } else {
            0.0
        };
        let x_of = |i: usize| {
            if history.len() > 1 {
                LEFT + step * i as f64
            } else {
                LEFT + plot_w / 2.0
            }
        };
        let (low, high) = y_range(history);
        let y_of =
            |score: f64| TOP + plot_h * (1.0 - (score.clamp(low, high) - low) / (high - low));
        let labels = point_labels(history);
        let label_every = history.len().div_ceil(8).max(1);
        let mut points = Vec::new();
        let mut polylines: Vec<Vec<String>> = vec![Vec::new()];
        let mut breaks = Vec::new();
        for (i, p) in history.iter().enumerate() {
            if p.new_scale && i > 0 {
                polylines.push(Vec::new());
                breaks.push(ChartBreak {
                    x: format!("{:.1}", x_of(i) - step / 2.0),
                    top: format!("{TOP:.1}"),
                    bottom: format!("{:.1}", HEIGHT - BOTTOM),
                    why: scale_change(&history[i - 1], p),
                });
            }
            let Some(score) = p.score else { continue };
            let (x, y) = (format!("{:.1}", x_of(i)), format!("{:.1}", y_of(score)));
            if let Some(line) = polylines.last_mut() {
                line.push(format!("{x},{y}"));
            }
            points.push(ChartPoint {
                x,
                y,
                label: labels[i].clone(),
                show_label: i % label_every == 0 || i + 1 == history.len(),
                label_y: format!("{:.1}", HEIGHT - BOTTOM + 18.0),
                value: score_text(Some(score)),
            });
        }
        let polylines: Vec<String> = polylines
            .into_iter()
            .filter(|line| line.len() > 1)
            .map(|line| line.join(" "))
            .collect();
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
            .map(|v| Tick {
                y: format!("{:.1}", y_of(v)),
                text_y: format!("{:.1}", y_of(v) + 4.0),
                label: format!("{v:.0}"),
            })
            .collect();
        let rows = history
            .iter()
            .zip(&labels)
            .map(|(p, date)| {
                let (change, change_note) = change_cells(p);
                TrendRow {
                    label: p.entry.label.clone(),
                    date: date.clone(),
                    score: score_text(p.score),
                    grade: p.grade.to_owned(),
                    change,
                    change_note,
                    domains: format!("{} ({} scored)", p.entry.domains, p.entry.domains_scored),
                    baseline: format!(
                        "{} {}",
                        p.entry.basis.baseline_id, p.entry.basis.baseline_version
                    ),
                    versions: format!(
                        "scoring {}, govscan {}, baseline SHA-256 {}",
                        p.entry.basis.scoring_version,
                        p.entry.basis.govscan_version,
                        p.entry
                            .basis
                            .baseline_sha256
                            .chars()
                            .take(12)
                            .collect::<String>()
                    ),
                }
            })
            .collect();
        TrendChart {
            width: WIDTH,
            height: HEIGHT,
            plot_left: LEFT,
            plot_right: WIDTH - RIGHT,
            has_line: !polylines.is_empty(),
            description: describe(history, &labels),
            axis_note: format!("The vertical axis shows scores from {low:.0} to {high:.0}."),
            polylines,
            points,
            breaks,
            y_ticks,
            rows,
        }
    }
}

/// The date of each point; where several points share a date, the date and time; where they
/// share the minute too, the time to the second; and where even that repeats, the scan's label
/// as well. Labels never repeat.
fn point_labels(points: &[TrendPoint]) -> Vec<String> {
    let seconds = |p: &TrendPoint| {
        let t = &p.entry.started_at;
        match t.get(11..19) {
            Some(hms) if t.as_bytes().get(13) == Some(&b':') => {
                format!(
                    "{} {hms}{}",
                    day(t),
                    if t.ends_with('Z') { " UTC" } else { "" }
                )
            }
            _ => day_time(t),
        }
    };
    let formats: [&dyn Fn(&TrendPoint) -> String; 4] = [
        &|p| day(&p.entry.started_at),
        &|p| day_time(&p.entry.started_at),
        &seconds,
        &|p| format!("{} ({})", seconds(p), p.entry.label),
    ];
    let mut labels = Vec::new();
    for (i, p) in points.iter().enumerate() {
        // The first form under which no other point reads the same.
        let label = formats
            .iter()
            .find(|f| {
                let mine = f(p);
                points
                    .iter()
                    .enumerate()
                    .all(|(j, q)| j == i || f(q) != mine)
            })
            .map_or_else(|| format!("{} ({i})", seconds(p)), |f| f(p));
        labels.push(label);
    }
    labels
}

/// Why the line breaks between two points.
fn scale_change(before: &TrendPoint, now: &TrendPoint) -> String {
    now.entry
        .basis
        .incomparable_with(&before.entry.basis)
        .unwrap_or_default()
}

/// The change cell and its note for one point.
fn change_cells(p: &TrendPoint) -> (String, String) {
    match &p.change {
        PointChange::First => ("no earlier scan".to_owned(), String::new()),
        PointChange::NotCompared { reason } => ("not compared".to_owned(), reason.clone()),
        PointChange::Compared {
            against,
            adjacent,
            comparison,
            ..
        } => {
            let cell = comparison.delta.map_or_else(|| "–".to_owned(), signed);
            let mut notes = Vec::new();
            if !adjacent {
                notes.push(format!(
                    "compared with {against}, the latest scan judged the same way"
                ));
            }
            match (comparison.before, comparison.now) {
                (Some(b), Some(n)) if !comparison.same_domains() => notes.push(format!(
                    "the {} scored in both: {b:.1} → {n:.1}; {}",
                    crate::text::plural(comparison.shared as usize, "domain", "domains"),
                    crate::moves::set_change(comparison)
                )),
                (None, _) | (_, None) => {
                    notes.push("no domain was scored in both scans".to_owned());
                }
                _ => {}
            }
            (cell, notes.join("; "))
        }
    }
}

/// The score range shown: the scores with some room, in steps of 10, within 0–100, at least
/// 20 points tall so small moves are visible but not exaggerated. The axis is labelled.
fn y_range(history: &[TrendPoint]) -> (f64, f64) {
    let scores: Vec<f64> = history.iter().filter_map(|h| h.score).collect();
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

/// What the line shows, in sentences: the latest run on one scale, and where it breaks.
fn describe(history: &[TrendPoint], labels: &[String]) -> String {
    let start = history.iter().rposition(|p| p.new_scale).unwrap_or(0);
    let run: Vec<(usize, f64)> = history
        .iter()
        .enumerate()
        .skip(start)
        .filter_map(|(i, p)| p.score.map(|s| (i, s)))
        .collect();
    let mut text = match (run.first(), run.last()) {
        (Some(&(i, a)), Some(&(j, b))) if run.len() > 1 => {
            let verb = if b > a {
                "rose"
            } else if b < a {
                "fell"
            } else {
                "stayed"
            };
            let (a, b) = (score_text(Some(a)), score_text(Some(b)));
            let moved = if verb == "stayed" {
                format!("stayed at {a}")
            } else {
                format!("{verb} from {a} on {} to {b} on {}", labels[i], labels[j])
            };
            format!(
                "Portfolio score over {} scans judged the same way: it {moved}. Each point is \
                 the score of the domains of that scan; the table below compares like for like.",
                run.len()
            )
        }
        (Some(&(i, _)), _) => format!(
            "Only one scan on this scale so far ({}), scoring {}; the line grows with every \
             scan saved to the history database.",
            labels[i],
            score_text(history[i].score)
        ),
        _ => "No scan had a score yet.".to_owned(),
    };
    if let Some(last) = history.last()
        && let PointChange::Compared { comparison, .. } = &last.change
        && !comparison.same_domains()
        && let Some(delta) = comparison.delta
    {
        text.push_str(&format!(
            " The latest point covers other domains than the one it is compared with ({}); \
             over the {} scored in both it moved {}.",
            crate::moves::set_change(comparison),
            crate::text::plural(comparison.shared as usize, "domain", "domains"),
            signed(delta)
        ));
    }
    let breaks = history.iter().filter(|p| p.new_scale).count();
    if breaks > 0 {
        text.push_str(&format!(
            " The line is broken {} where the baseline or the scoring rules changed; scores on \
             either side are not comparable.",
            crate::text::plural(breaks, "time", "times")
                .replace("1 time", "once")
                .replace("2 times", "twice")
        ));
    }
    text
}
