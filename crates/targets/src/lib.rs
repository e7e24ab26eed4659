//! Target files: load a YAML portfolio of organisations and domains, normalise and validate it.
//!
//! Every error names the file, the line and the offending value. Domain names are normalised
//! (trimmed, lower case, trailing dot removed, IDN to punycode); duplicates merge.

mod domain;
mod selectors;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use govscan_model::{OrgKind, Organisation, Portfolio, Target};
use serde::Deserialize;
use serde_saphyr::Spanned;

pub use domain::{DomainNameError, normalise_domain};
pub use selectors::MAX_DKIM_SELECTORS;
use selectors::dkim_selectors;

/// A target-file or command-line target error, with where it happened.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TargetError {
    /// File name, or `command line`.
    pub origin: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// What is wrong, naming the offending value.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    portfolio: Option<String>,
    #[serde(default)]
    description: Option<String>,
    organisations: Vec<RawOrganisation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    /// A free-form grouping for like-with-like comparison (e.g. `ministry`, `agency`); read
    /// by people and kept in the file, not yet carried into results.
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    domains: Vec<RawDomain>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    name: Spanned<String>,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    note: Option<String>,
    /// DKIM selectors published under `<selector>._domainkey.<name>` (mail.dkim).
    #[serde(default)]
    dkim_selectors: Vec<Spanned<String>>,
}

fn kind_from(text: &str) -> Option<OrgKind> {
    Some(match text {
        "government" => OrgKind::Government,
        "ministry" => OrgKind::Ministry,
        "agency" => OrgKind::Agency,
        "parliament" => OrgKind::Parliament,
        "court" => OrgKind::Court,
        "constitutional" => OrgKind::Constitutional,
        "municipality" => OrgKind::Municipality,
        "other" => OrgKind::Other,
        _ => return None,
    })
}

/// Loads and validates a target file.
pub fn load_file(path: &Path) -> Result<Portfolio, TargetError> {
    use std::io::Read as _;
    let origin = path.display().to_string();
    let cannot = |message: String| TargetError {
        origin: origin.clone(),
        line: None,
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(format!("cannot read: {e}")))?;
    // Read at most one byte past the cap, so a huge file costs bounded memory and time.
    let mut bytes = Vec::new();
    file.take(MAX_TARGET_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_TARGET_FILE_BYTES {
        return Err(cannot(format!(
            "larger than {} MiB; split the portfolio into several files",
            MAX_TARGET_FILE_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        cannot(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(&origin, &text)
}

/// The largest target file read (16 MiB: about 200,000 domains with notes).
pub const MAX_TARGET_FILE_BYTES: u64 = 16 << 20;

/// Most YAML nodes (mappings, sequences, scalars) in a target file. A domain entry is three
/// (`- name: x`), one with a note five, so this admits every file under
/// [`MAX_TARGET_FILE_BYTES`] (the parser's default of 250,000 refused portfolios of more than
/// about 83,000 domains); the byte cap, not this one, bounds the work.
const MAX_TARGET_FILE_NODES: usize = 4_000_000;

/// The parser's limits for a target file: the defaults (depth, aliases, anchors, merge keys:
/// what guards against alias bombs and deep nesting), with node and event counts sized to the
/// byte cap.
fn parser_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: MAX_TARGET_FILE_NODES,
            max_events: 2 * MAX_TARGET_FILE_NODES,
        },
    }
}

/// Parses and validates target-file text; `origin` names it in errors.
pub fn parse(origin: &str, text: &str) -> Result<Portfolio, TargetError> {
    let err = |line: Option<u64>, message: String| TargetError {
        origin: origin.to_owned(),
        line,
        message,
    };
    let raw: RawFile = serde_saphyr::from_str_with_options(text, parser_options())
        .map_err(|e| err(None, format!("invalid target file: {e}")))?;
    let _ = (&raw.portfolio, &raw.description);
    let mut portfolio = Portfolio::default();
    let mut org_lines: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for org in &raw.organisations {
        let name = org.name.value.trim().to_owned();
        let line = org.name.referenced.line();
        if name.is_empty() {
            return Err(err(Some(line), "an organisation has an empty name".into()));
        }
        if let Some(first) = org_lines.get(&name) {
            return Err(err(
                Some(line),
                format!("organisation {name:?} is listed twice (first at line {first})"),
            ));
        }
        org_lines.insert(name.clone(), line);
        let kind = kind_from(org.kind.value.trim()).ok_or_else(|| {
            err(
                Some(org.kind.referenced.line()),
                format!(
                    "organisation {name:?} has unknown kind {:?} (expected government, ministry, agency, parliament, court, constitutional, municipality or other)",
                    org.kind.value
                ),
            )
        })?;
        let _ = (&org.note, &org.tier);
        portfolio.organisations.push(Organisation {
            name: name.clone(),
            kind,
            parent: org.parent.as_ref().map(|p| p.value.trim().to_owned()),
        });
        for domain in &org.domains {
            let _ = &domain.note;
            let normalised = normalise_domain(&domain.name.value)
                .map_err(|e| err(Some(domain.name.referenced.line()), e.to_string()))?;
            let selectors = dkim_selectors(&normalised, &domain.dkim_selectors)
                .map_err(|(line, m)| err(line, m))?;
            merge_target(
                &mut portfolio,
                &mut seen,
                normalised.clone(),
                Some(name.clone()),
                domain.verified,
            );
            add_selectors(&mut portfolio, &seen, &normalised, selectors);
        }
    }
    for org in &raw.organisations {
        if let Some(parent) = &org.parent {
            let wanted = parent.value.trim();
            if !org_lines.contains_key(wanted) {
                return Err(err(
                    Some(parent.referenced.line()),
                    format!(
                        "organisation {:?} names unknown parent {wanted:?}",
                        org.name.value
                    ),
                ));
            }
        }
    }
    check_parent_cycles(&portfolio).map_err(|m| err(None, m))?;
    Ok(portfolio)
}

/// Adds `selectors` to the (already merged) target `domain`, keeping each once.
fn add_selectors(
    portfolio: &mut Portfolio,
    seen: &BTreeMap<String, usize>,
    domain: &str,
    selectors: Vec<String>,
) {
    if let Some(&index) = seen.get(domain) {
        let target = &mut portfolio.targets[index];
        for selector in selectors {
            if !target.dkim_selectors.contains(&selector) {
                target.dkim_selectors.push(selector);
            }
        }
    }
}

fn merge_target(
    portfolio: &mut Portfolio,
    seen: &mut BTreeMap<String, usize>,
    domain: String,
    organisation: Option<String>,
    verified: bool,
) {
    match seen.get(&domain) {
        Some(&index) => {
            let existing = &mut portfolio.targets[index];
            existing.verified |= verified;
            if existing.organisation.is_none() {
                existing.organisation = organisation;
            } else if organisation.is_some() && existing.organisation != organisation {
                let warning = format!(
                    "warning: {domain} is listed under {:?} and {:?}; keeping the first\n",
                    existing.organisation.as_deref().unwrap_or_default(),
                    organisation.as_deref().unwrap_or_default()
                );
                eprint!("{}", govscan_model::terminal::terminal_safe(&warning));
            }
        }
        None => {
            seen.insert(domain.clone(), portfolio.targets.len());
            portfolio.targets.push(Target {
                domain,
                organisation,
                verified,
                dkim_selectors: Vec::new(),
            });
        }
    }
}

fn check_parent_cycles(portfolio: &Portfolio) -> Result<(), String> {
    let parents: BTreeMap<&str, &str> = portfolio
        .organisations
        .iter()
        .filter_map(|o| o.parent.as_deref().map(|p| (o.name.as_str(), p)))
        .collect();
    for start in parents.keys() {
        let mut visited = BTreeSet::new();
        let mut current = *start;
        while let Some(parent) = parents.get(current) {
            if !visited.insert(current) {
                return Err(format!(
                    "organisation {start:?} is its own ancestor (parent cycle)"
                ));
            }
            current = parent;
        }
    }
    Ok(())
}

/// Adds domains given on the command line to a portfolio (normalised, merged).
pub fn add_command_line(portfolio: &mut Portfolio, domains: &[String]) -> Result<(), TargetError> {
    let mut seen: BTreeMap<String, usize> = portfolio
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.domain.clone(), i))
        .collect();
    for raw in domains {
        let domain = normalise_domain(raw).map_err(|e| TargetError {
            origin: "command line".into(),
            line: None,
            message: e.to_string(),
        })?;
        merge_target(portfolio, &mut seen, domain, None, false);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
