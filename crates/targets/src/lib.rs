//! Target files: load a YAML portfolio of organisations and domains, normalise and validate it.
//!
//! Every error names the file, the line and the offending value. Domain names are normalised
//! (trimmed, lower case, trailing dot removed, IDN to punycode); duplicates merge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use govscan_model::{OrgKind, Organisation, Portfolio, Target};
use serde::Deserialize;
use serde_saphyr::Spanned;

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

/// Most DKIM selectors one domain may name.
pub const MAX_DKIM_SELECTORS: usize = 16;

/// Checks and normalises a domain's DKIM selectors (RFC 6376 §3.1: dot-separated
/// sub-domain labels), lower case, duplicates dropped; an error names the line and value.
fn dkim_selectors(
    domain: &str,
    raw: &[Spanned<String>],
) -> Result<Vec<String>, (Option<u64>, String)> {
    if raw.len() > MAX_DKIM_SELECTORS {
        let line = raw.get(MAX_DKIM_SELECTORS).map(|s| s.referenced.line());
        return Err((
            line,
            format!("{domain} names more than {MAX_DKIM_SELECTORS} DKIM selectors"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for selector in raw {
        let text = selector.value.trim().to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if text.is_empty() || text.len() > 200 || !text.split('.').all(label_ok) {
            return Err((
                Some(selector.referenced.line()),
                format!(
                    "{domain}: DKIM selector {:?} is not a selector (dot-separated labels of letters, digits, '-' and '_')",
                    selector.value
                ),
            ));
        }
        if !out.contains(&text) {
            out.push(text);
        }
    }
    Ok(out)
}

/// Normalises one domain name, or says why it is not one.
pub fn normalise_domain(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if without_dot.is_empty() {
        return Err(format!("{input:?} is not a domain name: it is empty"));
    }
    if without_dot.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!("{input:?} is an IP address, not a domain name"));
    }
    let ascii = idna::domain_to_ascii(without_dot)
        .map_err(|_| format!("{input:?} is not a valid internationalised domain name"))?;
    if ascii.len() > 253 {
        return Err(format!("{input:?} is longer than 253 characters"));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "{input:?} has a single label; give a full domain name such as gov.je"
        ));
    }
    for label in &labels {
        let valid_chars = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if label.is_empty()
            || label.len() > 63
            || !valid_chars
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(format!("{input:?} has an invalid label {label:?}"));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{input:?} ends in a numeric label"));
    }
    Ok(ascii)
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

/// Parses and validates target-file text; `origin` names it in errors.
pub fn parse(origin: &str, text: &str) -> Result<Portfolio, TargetError> {
    let err = |line: Option<u64>, message: String| TargetError {
        origin: origin.to_owned(),
        line,
        message,
    };
    let raw: RawFile =
        serde_saphyr::from_str(text).map_err(|e| err(None, format!("invalid target file: {e}")))?;
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
                .map_err(|m| err(Some(domain.name.referenced.line()), m))?;
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
        let domain = normalise_domain(raw).map_err(|message| TargetError {
            origin: "command line".into(),
            line: None,
            message,
        })?;
        merge_target(portfolio, &mut seen, domain, None, false);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_file_is_refused_without_reading_it_all() {
        let dir = std::env::temp_dir().join(format!("govscan-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("huge.yaml");
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(MAX_TARGET_FILE_BYTES + 10)
            .expect("sparse file");
        let e = load_file(&path).expect_err("too large");
        assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
        std::fs::write(&path, b"organisations: [\xff]\n").expect("write");
        let e = load_file(&path).expect_err("not utf-8");
        assert!(e.to_string().contains("not UTF-8"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn normalises_case_dot_and_idn() {
        assert_eq!(normalise_domain(" Gov.JE. ").as_deref(), Ok("gov.je"));
        assert_eq!(
            normalise_domain("bücher.example").as_deref(),
            Ok("xn--bcher-kva.example")
        );
        assert!(normalise_domain("localhost").is_err());
        assert!(normalise_domain("a..b").is_err());
        assert!(normalise_domain("-bad.je").is_err());
        assert!(normalise_domain("127.0.0.1").is_err());
        assert!(normalise_domain("exa mple.je").is_err());
        assert!(normalise_domain(&format!("{}.je", "a".repeat(64))).is_err());
    }

    #[test]
    fn parses_organisations_and_merges_duplicates() {
        let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: GOV.je\n      - name: gov.je.\n        verified: true\n  - name: Health\n    kind: agency\n    parent: Gov\n    domains:\n      - name: health.gov.je\n";
        let p = parse("t.yaml", text).expect("valid");
        assert_eq!(p.organisations.len(), 2);
        assert_eq!(p.targets.len(), 2);
        assert_eq!(p.targets[0].domain, "gov.je");
        assert!(p.targets[0].verified);
        assert_eq!(p.organisations[1].parent.as_deref(), Some("Gov"));
    }

    #[test]
    fn bad_domain_names_file_line_and_value() {
        let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n      - name: not a domain\n";
        let e = parse("t.yaml", text).expect_err("invalid");
        let shown = e.to_string();
        assert!(shown.starts_with("t.yaml:6:"), "{shown}");
        assert!(shown.contains("not a domain"), "{shown}");
    }

    #[test]
    fn unknown_kind_parent_and_keys_are_errors() {
        let kind =
            parse("t.yaml", "organisations:\n  - name: A\n    kind: club\n").expect_err("kind");
        assert_eq!(kind.line, Some(3));
        let parent = parse(
            "t.yaml",
            "organisations:\n  - name: A\n    kind: agency\n    parent: Nobody\n",
        )
        .expect_err("parent");
        assert_eq!(parent.line, Some(4));
        let key = parse(
            "t.yaml",
            "organisations:\n  - name: A\n    kind: agency\n    colour: red\n",
        )
        .expect_err("key");
        assert!(key.to_string().contains("colour"), "{key}");
        let cycle = parse(
            "t.yaml",
            "organisations:\n  - name: A\n    kind: agency\n    parent: B\n  - name: B\n    kind: agency\n    parent: A\n",
        )
        .expect_err("cycle");
        assert!(cycle.to_string().contains("cycle"));
        assert!(parse("t.yaml", ": : :\n- [").is_err());
    }

    #[test]
    fn dkim_selectors_are_read_normalised_and_checked() {
        let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n        dkim_selectors: [Sel1, s2._k, sel1]\n      - name: gov.je\n        dkim_selectors: [extra]\n";
        let p = parse("t.yaml", text).expect("valid");
        assert_eq!(p.targets[0].dkim_selectors, ["sel1", "s2._k", "extra"]);
        let bad = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n        dkim_selectors:\n          - good\n          - \"bad selector\"\n";
        let e = parse("t.yaml", bad).expect_err("invalid selector");
        assert_eq!(e.line, Some(8), "{e}");
        assert!(e.to_string().contains("bad selector"), "{e}");
    }
}
