//! `govscan baseline list|show|validate|derive`: inspect baselines and fill a baseline's
//! measured reference from a scan of the reference portfolio.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use govscan_model::CheckCatalog;
use govscan_score::{
    Baseline, Origin, ReferenceProvenance, RuleLevel, Strength, measure, sha256_hex,
    write_reference,
};

use super::args::{BaselineAction, BaselineArgs, Format};
use super::data_dirs::baselines_dir;
use super::rescore_cmd::{builtin_catalog, read_scan, rejudge};
use super::terminal::{errln, outln};
use super::{CliError, exit};
use govscan_targets as targets;

/// Runs the baseline command and returns its exit code.
pub(super) fn run(args: BaselineArgs) -> Result<u8, CliError> {
    match args.action {
        BaselineAction::List { dir } => list(&baselines_dir(dir.as_deref())),
        BaselineAction::Show {
            baseline,
            dir,
            format,
        } => show(&baseline, &baselines_dir(dir.as_deref()), format),
        BaselineAction::Validate { files, dir } => validate(&files, &baselines_dir(dir.as_deref())),
        BaselineAction::Derive {
            scan,
            name,
            targets,
            out,
            dir,
        } => derive(
            &scan,
            &name,
            targets.as_deref(),
            out.as_deref(),
            &baselines_dir(dir.as_deref()),
        ),
    }
}

/// `*.yaml` files of a directory, sorted; a missing directory has none.
fn baseline_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

fn reference_summary(b: &Baseline) -> String {
    match (&b.reference.measured_on, b.reference.domains) {
        (Some(day), Some(n)) => format!("reference measured {day} on {n} domain(s)"),
        (Some(day), None) => format!("reference measured {day}"),
        _ => "no measured reference yet".to_owned(),
    }
}

fn list(dir: &Path) -> Result<u8, CliError> {
    let builtin = Baseline::builtin_estonia();
    outln!(
        "{:<14} {:<10} {:>5}  where / reference",
        "id",
        "version",
        "rules"
    );
    outln!(
        "{:<14} {:<10} {:>5}  built in (embedded {}); {}",
        builtin.id,
        builtin.version,
        builtin.rules.len(),
        builtin.file,
        reference_summary(&builtin)
    );
    let mut code = exit::DONE;
    for path in baseline_files(dir) {
        match Baseline::load(&path) {
            Ok(b) => outln!(
                "{:<14} {:<10} {:>5}  {}; {}",
                b.id,
                b.version,
                b.rules.len(),
                path.display(),
                reference_summary(&b)
            ),
            Err(e) => {
                errln!("govscan: invalid baseline: {:#}", anyhow::Error::from(e));
                code = exit::USAGE;
            }
        }
    }
    Ok(code)
}

/// A file path, DIR/NAME.yaml, or `builtin`.
fn resolve(baseline: &str, dir: &Path) -> Result<Baseline, CliError> {
    let as_path = Path::new(baseline);
    let in_dir = dir.join(format!("{baseline}.yaml"));
    let loaded = if as_path.is_file() {
        Baseline::load(as_path)
    } else if in_dir.is_file() {
        Baseline::load(&in_dir)
    } else if baseline == "builtin" {
        Ok(Baseline::builtin_estonia())
    } else {
        return Err(CliError::usage(anyhow!(
            "no baseline {baseline:?}: not a file, not {}, not `builtin`",
            in_dir.display()
        )));
    };
    loaded.map_err(CliError::usage)
}

fn level_word(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Required => "required",
        RuleLevel::Recommended => "recommended",
        RuleLevel::Optional => "optional",
    }
}

fn strength_word(strength: Strength) -> &'static str {
    match strength {
        Strength::Must => "must",
        Strength::Should => "should",
        Strength::May => "may",
    }
}

fn show(baseline: &str, dir: &Path, format: Format) -> Result<u8, CliError> {
    let b = resolve(baseline, dir)?;
    if format == Format::Json {
        let json = serde_json::to_string_pretty(&b).map_err(CliError::runtime)?;
        super::terminal::print_json(&json);
        return Ok(exit::DONE);
    }
    outln!("{} {} ({})", b.id, b.version, b.file);
    if let Some(title) = &b.title {
        outln!("{title}");
    }
    outln!("sha256 {}", b.sha256);
    outln!();
    for (check, rule) in &b.rules {
        let origin = match rule.origin {
            Origin::Estonia => "Estonian source",
            Origin::External => "external source (not Estonian)",
        };
        outln!(
            "{check}: {} weight {} — {origin}",
            level_word(rule.level),
            rule.weight
        );
        if let Some(params) = &rule.params {
            outln!("  params: {params}");
        }
        let s = &rule.source;
        outln!("  source: {} — {}", s.issuer, s.title);
        outln!(
            "          {} § {} (wording: {}, read {})",
            s.url,
            s.section,
            strength_word(s.strength),
            s.read_on
        );
        if let Some(note) = &s.note {
            outln!("  note: {note}");
        }
    }
    outln!();
    outln!("{}", reference_summary(&b));
    for (check, rate) in &b.reference.per_check {
        let share = rate
            .share
            .map_or_else(|| "-".to_owned(), |s| format!("{:.0}%", s * 100.0));
        outln!(
            "  {check}: {share} pass ({} pass, {} warn, {} fail, {} inconclusive of {})",
            rate.pass,
            rate.warn,
            rate.fail,
            rate.inconclusive,
            rate.n
        );
    }
    if !b.context.is_empty() {
        outln!();
        outln!("Third-party context (not this baseline's measurement, never scored against):");
        for c in &b.context {
            outln!(
                "  {:.0}% {} — {}, {} ({}; confidence {})",
                c.value * 100.0,
                c.label,
                c.population,
                c.measured,
                c.source,
                c.confidence
            );
        }
    }
    Ok(exit::DONE)
}

/// Loads one file and checks it against the registry; prints the outcome.
fn validate_one(path: &Path, known: &CheckCatalog) -> bool {
    match Baseline::load(path).and_then(|b| b.validate_against(known).map(|()| b)) {
        Ok(b) => {
            outln!(
                "ok {} ({} {}, {} rules)",
                path.display(),
                b.id,
                b.version,
                b.rules.len()
            );
            report_unruled(&b, known);
            true
        }
        Err(e) => {
            errln!("{:#}", anyhow::Error::from(e));
            false
        }
    }
}

fn report_unruled(b: &Baseline, known: &CheckCatalog) {
    let ids: Vec<&str> = known.iter().map(|m| m.id).collect();
    let unruled = b.unruled_checks(&ids);
    if !unruled.is_empty() {
        outln!(
            "  note: no rule for {} (these run and are reported, not scored)",
            unruled.join(", ")
        );
    }
}

fn validate(files: &[PathBuf], dir: &Path) -> Result<u8, CliError> {
    let known = builtin_catalog();
    let mut ok = true;
    if files.is_empty() {
        let builtin = Baseline::builtin_estonia();
        match builtin.validate_against(&known) {
            Ok(()) => {
                outln!("ok built-in {} {}", builtin.id, builtin.version);
                report_unruled(&builtin, &known);
            }
            Err(e) => {
                errln!("built-in: {:#}", anyhow::Error::from(e));
                ok = false;
            }
        }
        for path in baseline_files(dir) {
            ok &= validate_one(&path, &known);
        }
    } else {
        for path in files {
            ok &= validate_one(path, &known);
        }
    }
    Ok(if ok { exit::DONE } else { exit::USAGE })
}

fn derive(
    scan_path: &Path,
    name: &str,
    targets_path: Option<&Path>,
    out: Option<&Path>,
    dir: &Path,
) -> Result<u8, CliError> {
    let baseline_path = dir.join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&baseline_path)
        .with_context(|| format!("cannot read baseline {}", baseline_path.display()))
        .map_err(CliError::usage)?;
    let file_name = baseline_path.display().to_string();
    let baseline = Baseline::from_yaml(&file_name, &text).map_err(CliError::usage)?;
    baseline
        .validate_against(&builtin_catalog())
        .map_err(CliError::usage)?;

    let targets_path = targets_path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("targets").join(format!("{name}.yaml")));
    let targets_bytes = std::fs::read(&targets_path)
        .with_context(|| format!("cannot read target file {}", targets_path.display()))
        .map_err(CliError::usage)?;
    let portfolio = targets::load_file(&targets_path).map_err(CliError::usage)?;

    let scan = read_scan(scan_path)?;
    check_same_domains(&portfolio, &scan, &targets_path)?;
    // Judge the observations under THIS baseline's parameters, as at the scan's time.
    let judged = rejudge(&scan, &baseline)?;
    let measured_on = scan.started_at.get(..10).unwrap_or_default().to_owned();
    let reference = measure(
        &judged,
        &baseline,
        ReferenceProvenance {
            measured_on,
            targets: targets_path.display().to_string(),
            targets_sha256: sha256_hex(&targets_bytes),
            govscan_version: scan.govscan_version.clone(),
        },
    );
    let written = write_reference(&file_name, &text, &reference).map_err(CliError::usage)?;
    let destination = out.map_or_else(|| baseline_path.clone(), Path::to_path_buf);
    write_atomically(&destination, &written)?;
    outln!(
        "wrote the reference of {} ({} domain(s), measured {}) to {}",
        baseline.id,
        judged.domains.len(),
        reference.measured_on.as_deref().unwrap_or("-"),
        destination.display()
    );
    Ok(exit::DONE)
}

/// The scan must cover exactly the target file's domains, so the reference says what it
/// claims to measure.
fn check_same_domains(
    portfolio: &govscan_model::Portfolio,
    scan: &govscan_model::ScanResult,
    targets_path: &Path,
) -> Result<(), CliError> {
    let wanted: BTreeSet<&str> = portfolio
        .targets
        .iter()
        .map(|t| t.domain.as_str())
        .collect();
    let scanned: BTreeSet<&str> = scan.domains.iter().map(|d| d.domain.as_str()).collect();
    if wanted == scanned {
        return Ok(());
    }
    let missing: Vec<&str> = wanted.difference(&scanned).copied().collect();
    let extra: Vec<&str> = scanned.difference(&wanted).copied().collect();
    Err(CliError::usage(anyhow!(
        "the scan does not match {}: not scanned: [{}]; not in the target file: [{}]",
        targets_path.display(),
        missing.join(", "),
        extra.join(", ")
    )))
}

/// Writes a new sibling temporary file and renames it over the destination (never through a
/// symbolic link; the old file stays whole on any error).
fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    govscan_report::write_file_atomically(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
        .map_err(CliError::runtime)
}
