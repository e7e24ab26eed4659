//! The measured half of a baseline: counting a scan's outcomes per check, and writing the
//! `reference:` block into a baseline file without touching anything else in it.

use std::collections::BTreeMap;

use govscan_model::{ScanResult, Status};

use crate::baseline::{Baseline, MeasuredRate, MeasuredReference, hex_sha256};
use crate::error::{BaselineError, Location};

/// What a derive run records besides the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceProvenance {
    /// The day of the scan, `YYYY-MM-DD`.
    pub measured_on: String,
    /// The target file as named on the command line.
    pub targets: String,
    /// Hex SHA-256 of the target file's bytes.
    pub targets_sha256: String,
    /// The govscan version that made the scan.
    pub govscan_version: String,
}

/// Hex SHA-256 of some bytes (for target-file hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_sha256(bytes)
}

/// Counts, per rule of the baseline, how the scan's domains did. The outcomes are taken as
/// they are in `scan` (judge them under the baseline's parameters first). A domain with no
/// outcome for a ruled check counts as inconclusive; not-applicable and info outcomes are
/// not counted at all (they are not in `n`).
pub fn measure(
    scan: &ScanResult,
    baseline: &Baseline,
    provenance: ReferenceProvenance,
) -> MeasuredReference {
    let mut per_check: BTreeMap<String, MeasuredRate> = BTreeMap::new();
    for check in baseline.rules.keys() {
        let mut rate = MeasuredRate {
            n: 0,
            pass: 0,
            warn: 0,
            fail: 0,
            inconclusive: 0,
            share: None,
        };
        for domain in &scan.domains {
            let status = domain
                .outcomes
                .iter()
                .find(|o| &o.check == check)
                .map_or(Status::Inconclusive, |o| o.status);
            match status {
                Status::Pass => rate.pass += 1,
                Status::Warn => rate.warn += 1,
                Status::Fail => rate.fail += 1,
                Status::Inconclusive => rate.inconclusive += 1,
                Status::Info | Status::NotApplicable => continue,
            }
            rate.n += 1;
        }
        let judged = rate.pass + rate.warn + rate.fail;
        rate.share = (judged > 0).then(|| f64::from(rate.pass) / f64::from(judged));
        per_check.insert(check.clone(), rate);
    }
    MeasuredReference {
        measured_on: Some(provenance.measured_on),
        targets: Some(provenance.targets),
        targets_sha256: Some(provenance.targets_sha256),
        govscan_version: Some(provenance.govscan_version),
        scoring_version: Some(crate::SCORING_VERSION),
        domains: u32::try_from(scan.domains.len()).ok(),
        per_check,
    }
}

/// Returns `text` (a baseline file) with its top-level `reference:` block replaced by
/// `reference`; every other byte stays as it was (comments included). When the file has no
/// `reference:` block, one is appended. The result is parsed again and must have exactly the
/// same rules, id and version as `text`, or this is an error.
pub fn write_reference(
    name_for_errors: &str,
    text: &str,
    reference: &MeasuredReference,
) -> Result<String, BaselineError> {
    let before = Baseline::from_yaml(name_for_errors, text)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("reference:") || l.starts_with("\"reference\":"));
    let block = render(reference);
    let out = match start {
        Some(start) => {
            // The block runs until the next top-level line that is not blank or a comment;
            // comment and blank lines just before that line belong to what follows.
            let mut end = start + 1;
            while end < lines.len() && !is_top_level_content(lines[end]) {
                end += 1;
            }
            while end > start + 1 && is_blank_or_comment(lines[end - 1]) {
                end -= 1;
            }
            let mut out: String = lines[..start].concat();
            out.push_str(&block);
            out.push_str(&lines[end..].concat());
            out
        }
        None => {
            let mut out = text.to_owned();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&block);
            out
        }
    };
    let after = Baseline::from_yaml(name_for_errors, &out)?;
    if after.rules != before.rules
        || after.id != before.id
        || after.version != before.version
        || after.context != before.context
        || after.reference != *reference
    {
        return Err(BaselineError::Invalid {
            at: Location {
                file: name_for_errors.to_owned(),
                line: start.and_then(|s| u64::try_from(s + 1).ok()),
                column: None,
            },
            message: "writing the reference block would change more than the reference; \
                      is `reference:` laid out as in baselines/estonia.yaml?"
                .to_owned(),
        });
    }
    Ok(out)
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_top_level_content(line: &str) -> bool {
    !is_blank_or_comment(line) && !line.starts_with([' ', '\t'])
}

/// A JSON string is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn optional(value: Option<String>) -> String {
    value.unwrap_or_else(|| "null".to_owned())
}

/// The `reference:` block in the layout of `baselines/estonia.yaml`.
fn render(reference: &MeasuredReference) -> String {
    let mut out = String::from("reference:\n");
    let mut field = |name: &str, value: String| out.push_str(&format!("  {name}: {value}\n"));
    field(
        "measured_on",
        optional(reference.measured_on.as_deref().map(quoted)),
    );
    field(
        "targets",
        optional(reference.targets.as_deref().map(quoted)),
    );
    field(
        "targets_sha256",
        optional(reference.targets_sha256.as_deref().map(quoted)),
    );
    field(
        "govscan_version",
        optional(reference.govscan_version.as_deref().map(quoted)),
    );
    field(
        "scoring_version",
        optional(reference.scoring_version.map(|v| v.to_string())),
    );
    field(
        "domains",
        optional(reference.domains.map(|v| v.to_string())),
    );
    if reference.per_check.is_empty() {
        out.push_str("  per_check: {}\n");
        return out;
    }
    out.push_str("  per_check:\n");
    for (check, rate) in &reference.per_check {
        let share = rate.share.map_or_else(
            || "null".to_owned(),
            |s| serde_json::Value::from(s).to_string(),
        );
        out.push_str(&format!(
            "    {check}: {{ n: {}, pass: {}, warn: {}, fail: {}, inconclusive: {}, share: {share} }}\n",
            rate.n, rate.pass, rate.warn, rate.fail, rate.inconclusive
        ));
    }
    out
}
