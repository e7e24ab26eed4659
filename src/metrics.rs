//! Prometheus metrics of a finished scan in the text exposition format (version 0.0.4), for
//! node_exporter's textfile collector: scores and coverage of the portfolio and of each
//! organisation, outcome counts per check, scan duration and speed, probe failures by kind,
//! the scan's health and the last-success timestamp (the last scan that measured the domains). The file is written to a temporary name and renamed, so
//! the collector never reads half a file. Metric reference: `docs/operations.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use govscan_model::{GroupScore, LightScan, Rollups, Status};

/// What the scan run measured besides its results.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// The scan's id in the history database.
    pub scan_id: i64,
    /// Wall time from the start of probing to the scan being saved.
    pub duration: Duration,
    /// Domains probed by this run (fewer than the scan's when `--resume` continued one).
    pub probed: u64,
    /// When the scan was saved, seconds since the Unix epoch.
    pub finished_unix: f64,
    /// Domains of the scan that could not be measured because of the scanning side.
    pub not_measured: u64,
    /// True when the scan measured the domains (not unhealthy).
    pub healthy: bool,
    /// When the last healthy scan was saved (this one when healthy), seconds since the Unix
    /// epoch; `None` when the history holds none.
    pub last_success_unix: Option<f64>,
}

/// Every failure kind of the probe, so that each series exists even at zero.
const FAILURE_KINDS: [&str; 11] = [
    "timeout",
    "refused",
    "unreachable",
    "dns",
    "no_data",
    "tls",
    "http",
    "too_large",
    "scanner",
    "blocked",
    "other",
];

/// Every outcome status, so that each series exists even at zero.
const STATUSES: [Status; 6] = Status::ALL;

/// A gauge family being written: `# HELP` and `# TYPE` before its first sample (a family
/// with no sample is left out), then samples.
struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
    help: &'static str,
    started: bool,
}

impl<'a> Family<'a> {
    /// A gauge family.
    fn gauge(out: &'a mut String, name: &'static str, help: &'static str) -> Family<'a> {
        Family {
            out,
            name,
            help,
            started: false,
        }
    }

    /// One sample; a non-finite value is left out (no NaN in the file).
    fn sample(&mut self, labels: &[(&str, &str)], value: f64) {
        if !value.is_finite() {
            return;
        }
        if !self.started {
            let name = self.name;
            let _ = writeln!(self.out, "# HELP {name} {}", escape_help(self.help));
            let _ = writeln!(self.out, "# TYPE {name} gauge");
            self.started = true;
        }
        self.out.push_str(self.name);
        if !labels.is_empty() {
            let pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
                .collect();
            let _ = write!(self.out, "{{{}}}", pairs.join(","));
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// A label value as the text format needs it: `\`, `"` and line feed escaped.
pub fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// HELP text: `\` and line feed escaped.
fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The metrics file of a scan (its light view), its roll-ups under the baseline it was judged
/// by, the run's figures and its probe failures by kind.
pub fn render(
    light: &LightScan,
    rollups: &Rollups,
    stats: &RunStats,
    failures: &BTreeMap<String, u64>,
) -> String {
    let mut out = String::new();
    let mut f = Family::gauge(
        &mut out,
        "govscan_scan_info",
        "The last scan: govscan version and baseline (value always 1).",
    );
    f.sample(
        &[
            ("govscan_version", &light.header.govscan_version),
            ("baseline", &light.header.baseline.id),
            ("baseline_version", &light.header.baseline.version),
        ],
        1.0,
    );
    Family::gauge(
        &mut out,
        "govscan_scan_id",
        "Id of the last scan in the history database.",
    )
    .sample(&[], stats.scan_id as f64);
    Family::gauge(
        &mut out,
        "govscan_scan_healthy",
        "1 when the last scan measured the domains; 0 when most domains could not be checked \
         because of the scanning computer (offline, resolver down, no route; exit code 3).",
    )
    .sample(&[], if stats.healthy { 1.0 } else { 0.0 });
    Family::gauge(
        &mut out,
        "govscan_scan_domains_not_measured",
        "Domains of the last scan that could not be checked because of the scanning computer.",
    )
    .sample(&[], stats.not_measured as f64);
    Family::gauge(
        &mut out,
        "govscan_last_scan_timestamp_seconds",
        "When the last scan was saved, healthy or not (Unix time).",
    )
    .sample(&[], stats.finished_unix);
    if let Some(at) = stats.last_success_unix {
        Family::gauge(
            &mut out,
            "govscan_last_success_timestamp_seconds",
            "When the last scan that measured the domains (a healthy scan) was saved (Unix time).",
        )
        .sample(&[], at);
    }
    let seconds = stats.duration.as_secs_f64();
    Family::gauge(
        &mut out,
        "govscan_scan_duration_seconds",
        "Wall time of the last scan, from the start of probing to the scan being saved.",
    )
    .sample(&[], seconds);
    Family::gauge(
        &mut out,
        "govscan_scan_domains_probed",
        "Domains probed by the last run (fewer than the scan's when --resume continued one).",
    )
    .sample(&[], stats.probed as f64);
    Family::gauge(
        &mut out,
        "govscan_scan_domains_per_second",
        "Domains probed per second of scan duration in the last run.",
    )
    .sample(
        &[],
        if seconds > 0.0 {
            stats.probed as f64 / seconds
        } else {
            0.0
        },
    );
    portfolio(&mut out, light, &rollups.portfolio);
    organisations(&mut out, rollups);
    checks(&mut out, light);
    let mut f = Family::gauge(
        &mut out,
        "govscan_probe_failures",
        "Probes of the last scan that failed, by kind (scanner: the scanner's own side failed).",
    );
    let kinds: BTreeSet<&str> = FAILURE_KINDS
        .iter()
        .copied()
        .chain(failures.keys().map(String::as_str))
        .collect();
    for kind in kinds {
        let count = failures.get(kind).copied().unwrap_or(0);
        f.sample(&[("kind", kind)], count as f64);
    }
    out
}

fn portfolio(out: &mut String, light: &LightScan, group: &GroupScore) {
    if let Some(score) = group.score {
        Family::gauge(
            out,
            "govscan_portfolio_score",
            "Mean score (0-100) of the portfolio's scored domains; absent when none has a score.",
        )
        .sample(&[], score);
    }
    Family::gauge(
        out,
        "govscan_portfolio_coverage_ratio",
        "Mean coverage (0-1) over all domains (a domain with no score counts 0).",
    )
    .sample(&[], group.coverage);
    let mut f = Family::gauge(
        out,
        "govscan_domains",
        "Domains of the last scan, scored or not.",
    );
    let scored = light.domains().filter(|d| d.score().is_some()).count();
    f.sample(&[("state", "scored")], scored as f64);
    f.sample(&[("state", "unscored")], (light.len() - scored) as f64);
    let mut grades: BTreeMap<&str, u64> = BTreeMap::new();
    for d in light.domains() {
        *grades.entry(d.grade()).or_insert(0) += 1;
    }
    let mut f = Family::gauge(
        out,
        "govscan_domains_by_grade",
        "Domains of the last scan per grade.",
    );
    for (grade, count) in grades {
        f.sample(&[("grade", grade)], count as f64);
    }
}

fn organisations(out: &mut String, rollups: &Rollups) {
    let groups = |o: &govscan_model::OrganisationScore| {
        [
            ("own", o.own.clone()),
            ("with_children", o.with_children.clone()),
        ]
    };
    let mut f = Family::gauge(
        out,
        "govscan_organisation_score",
        "Mean score (0-100) of an organisation's scored domains: its own (scope=own) or with \
         every organisation below it (scope=with_children); absent when none has a score.",
    );
    for o in &rollups.organisations {
        for (scope, group) in groups(o) {
            if let Some(score) = group.score {
                f.sample(&[("organisation", &o.name), ("scope", scope)], score);
            }
        }
    }
    let mut f = Family::gauge(
        out,
        "govscan_organisation_coverage_ratio",
        "Mean coverage (0-1) over an organisation's domains (scope as for the score).",
    );
    for o in &rollups.organisations {
        for (scope, group) in groups(o) {
            f.sample(
                &[("organisation", &o.name), ("scope", scope)],
                group.coverage,
            );
        }
    }
    let mut f = Family::gauge(
        out,
        "govscan_organisation_domains",
        "Domains of an organisation (scope as for the score).",
    );
    for o in &rollups.organisations {
        for (scope, group) in groups(o) {
            f.sample(
                &[("organisation", &o.name), ("scope", scope)],
                f64::from(group.domains),
            );
        }
    }
}

fn checks(out: &mut String, light: &LightScan) {
    let mut counts: BTreeMap<&str, [u64; STATUSES.len()]> = BTreeMap::new();
    for d in light.domains() {
        for o in d.verdicts() {
            let row = counts.entry(o.check).or_default();
            if let Some(i) = STATUSES.iter().position(|s| *s == o.status) {
                row[i] += 1;
            }
        }
    }
    let mut f = Family::gauge(
        out,
        "govscan_check_outcomes",
        "Domains of the last scan per check and outcome status (pass, fail, warn, info, \
         not_applicable, inconclusive).",
    );
    for (check, row) in counts {
        for (status, count) in STATUSES.iter().zip(row) {
            f.sample(
                &[("check", check), ("status", status.as_str())],
                count as f64,
            );
        }
    }
}

/// Writes `text` to `path` through a temporary file beside it (`.NAME.tmp-PID`, which the
/// textfile collector ignores: it reads `*.prom` only), synced, then renamed over `path`.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the metrics path names no file"))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let mut out = String::new();
        Family::gauge(&mut out, "govscan_x", "help with \\ and\nnewline")
            .sample(&[("organisation", "Treasury \"HQ\"")], 1.5);
        assert_eq!(
            out,
            "# HELP govscan_x help with \\\\ and\\nnewline\n# TYPE govscan_x gauge\ngovscan_x{organisation=\"Treasury \\\"HQ\\\"\"} 1.5\n"
        );
    }

    #[test]
    fn non_finite_values_are_left_out() {
        let mut out = String::new();
        let mut f = Family::gauge(&mut out, "govscan_x", "x");
        f.sample(&[], f64::NAN);
        f.sample(&[], f64::INFINITY);
        assert_eq!(out, "", "a family without samples is left out");
    }
}
