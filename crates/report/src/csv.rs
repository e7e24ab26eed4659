//! `findings.csv`: one row per domain × check, RFC 4180 quoting, and cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`.

use govscan_model::{CheckCatalog, DomainResult, ScanResult};

/// Column names, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "scan_started_at",
    "organisation",
    "domain",
    "domain_score",
    "domain_grade",
    "domain_coverage",
    "check",
    "family",
    "level",
    "title",
    "status",
    "finding",
    "message",
];

/// Renders the findings table (CRLF line ends, every field quoted when it needs to be); the
/// level and title of each check come from `checks`.
pub fn render_findings_csv(result: &ScanResult, checks: &CheckCatalog) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_COLUMNS.iter().map(|c| (*c).to_owned()));
    for d in &result.domains {
        push_domain_rows(&mut out, checks, &result.started_at, d);
    }
    out
}

/// The header row.
pub(crate) fn header_row() -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_COLUMNS.iter().map(|c| (*c).to_owned()));
    out
}

/// Appends the rows of one domain.
pub(crate) fn push_domain_rows(
    out: &mut String,
    checks: &CheckCatalog,
    started_at: &str,
    d: &DomainResult,
) {
    {
        for o in &d.outcomes {
            let meta = checks.find(&o.check);
            push_row(
                out,
                [
                    started_at.to_owned(),
                    d.organisation.clone().unwrap_or_default(),
                    d.domain.clone(),
                    d.score.map_or_else(String::new, |s| format!("{s:.1}")),
                    d.grade.clone(),
                    format!("{:.3}", d.coverage),
                    o.check.clone(),
                    o.check.split('.').next().unwrap_or_default().to_owned(),
                    meta.map_or_else(String::new, |m| {
                        serde_json::to_value(m.level)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    }),
                    meta.map_or_else(String::new, |m| m.title.to_owned()),
                    o.status.as_str().to_owned(),
                    o.finding.clone(),
                    o.message.clone(),
                ]
                .into_iter(),
            );
        }
    }
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    let mut first = true;
    for field in fields {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&cell(&field));
    }
    out.push_str("\r\n");
}

/// One cell: formula-guarded, then quoted if it holds a comma, quote, CR or LF.
pub(crate) fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formula_guarded() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell(""), "");
    }
}
