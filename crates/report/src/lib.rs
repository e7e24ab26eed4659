//! Reports: the ministers' dashboard (`index.html`), a detail page per organisation and per
//! domain for the security team, and the exports `results.json`, `findings.csv` and
//! `results.sarif`. Pages are self-contained HTML (inline CSS and SVG, no scripts), rendered
//! with strict handlebars so every value from a scan is escaped.

mod changes;
#[cfg(test)]
mod counts_tests;
mod csv;
mod dashboard;
mod fixes;
mod health;
mod heat;
mod history;
mod inline;
mod input;
mod league;
mod links;
mod moves;
mod org_page;
#[cfg(test)]
mod org_page_tests;
mod orgs;
mod outdir;
mod page;
mod partial;
mod plain;
mod rules;
mod sarif;
mod sentences;
mod stream;
mod summary;
mod text;
mod trend;
mod validators;
mod write;

use std::path::{Path, PathBuf};

use govscan_model::{BaselineRef, CheckCatalog, ScanResult};
use govscan_score::Baseline;
use handlebars::Handlebars;

use crate::health::WithHealth;

pub use csv::{CSV_COLUMNS, render_findings_csv};
pub use history::HistoryEntry;
pub use input::{PreviousScan, ReportInput};
pub use outdir::{MANIFEST, write_file_atomically};
pub use sarif::{SARIF_VERSION, render_sarif};
pub use stream::{DomainLoader, LoadError, write_report_streamed, write_results_json};
pub use trend::MAX_POINTS as TREND_POINTS;
pub use write::{write_outputs, write_report};

/// The templates, embedded at build time: (name, text). An organisation's page is three: its
/// top (`org`, up to the `<tbody>` of its domain table), one row per domain (`org_domain`) and
/// the rest (`org_bottom`), so that its rows are rendered one at a time
/// ([`org_page::write_org_page`]).
const TEMPLATES: [(&str, &str); 5] = [
    ("index", include_str!("../templates/index.hbs")),
    ("domain", include_str!("../templates/domain.hbs")),
    ("org", include_str!("../templates/org.hbs")),
    ("org_domain", include_str!("../templates/org_domain.hbs")),
    ("org_bottom", include_str!("../templates/org_bottom.hbs")),
];
/// Templates that stop mid-line (the top of an organisation's page at `<tbody>`, a domain row):
/// the newline their files end with is not part of them.
const MID_LINE: [&str; 2] = ["org", "org_domain"];
/// Partials shared by the pages: (name, text).
const PARTIALS: [(&str, &str); 5] = [
    ("style", include_str!("../templates/style.css")),
    ("head", include_str!("../templates/head.hbs")),
    ("foot", include_str!("../templates/foot.hbs")),
    ("changes", include_str!("../templates/changes.hbs")),
    ("health", include_str!("../templates/health.hbs")),
];

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A template did not compile (a defect in `crates/report/templates`).
    #[error("report template is invalid: {0}")]
    Template(#[from] Box<handlebars::TemplateError>),
    /// Rendering failed (strict mode: the template named a missing field).
    #[error("cannot render the report: {0}")]
    Render(#[from] Box<handlebars::RenderError>),
    /// The result could not be serialised.
    #[error("cannot serialise results: {0}")]
    Json(#[from] serde_json::Error),
    /// The scan was judged under a baseline this call was not given.
    #[error(
        "the scan was judged under baseline {id} {version} (SHA-256 {sha256}), not the built-in one; \
         give that baseline file to render its roll-ups"
    )]
    UnknownBaseline {
        /// Baseline id.
        id: String,
        /// Baseline version.
        version: String,
        /// Baseline hash.
        sha256: String,
    },
    /// A report of a light input ([`ReportInput::from_light`]) was asked for in memory: its
    /// domain pages and exports need the domains whole, so it is written with
    /// [`write_report_streamed`].
    #[error("a report of a light scan is written with write_report_streamed")]
    LightInput,
    /// A domain of the scan could not be loaded, or the loader not opened (streamed reports).
    #[error(
        "cannot load a domain of the scan: {}{source}",
        domain.as_ref().map(|d| format!("{d}: ")).unwrap_or_default()
    )]
    Load {
        /// The domain, when one failed (not the opening of a loader).
        domain: Option<String>,
        /// The loader's error (shared: one failed loader fails every domain of its worker).
        source: std::sync::Arc<dyn std::error::Error + Send + Sync>,
    },
    /// govscan refused to write there: a sub-directory of the report is a symbolic link or not
    /// a directory.
    #[error("refusing to write into {path}: {reason}")]
    Refused {
        /// The path concerned.
        path: PathBuf,
        /// Why, in plain words.
        reason: String,
    },
    /// A file or directory could not be written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("create directory", "write", "rename").
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The built-in Estonia baseline when it is the baseline a scan was judged under.
pub fn builtin_baseline_for(judged_by: &BaselineRef) -> Result<Baseline, ReportError> {
    let builtin = Baseline::builtin_estonia();
    if builtin.sha256 == judged_by.sha256 {
        Ok(builtin)
    } else {
        Err(ReportError::UnknownBaseline {
            id: judged_by.id.clone(),
            version: judged_by.version.clone(),
            sha256: judged_by.sha256.clone(),
        })
    }
}

/// Renders the dashboard of a scan judged under the built-in baseline, with no history, its
/// checks described by `checks`.
pub fn render_index(result: &ScanResult, checks: &CheckCatalog) -> Result<String, ReportError> {
    let baseline = builtin_baseline_for(&result.baseline)?;
    let input = ReportInput::new(result, &baseline, checks.clone());
    let rendered = render_report(&input)?;
    Ok(rendered
        .into_iter()
        .find(|(path, _)| path == "index.html")
        .map(|(_, text)| text)
        .unwrap_or_default())
}

/// Renders every file of the report: (path relative to the output directory, contents).
/// Paths are `index.html`, `results.json`, `findings.csv`, `results.sarif`,
/// `domains/<slug>.html` and `orgs/<slug>.html`; slugs are sanitised and unique.
/// The input must be whole ([`ReportInput::new`]; a light one is [`ReportError::LightInput`]).
pub fn render_report(input: &ReportInput<'_>) -> Result<Vec<(String, String)>, ReportError> {
    let whole = input.whole.ok_or(ReportError::LightInput)?;
    let registry = registry()?;
    let links = links::Links::new(&input.scan, &input.rollups);
    let mut files = Vec::new();
    let mut json = serde_json::to_string_pretty(whole)?;
    json.push('\n');
    files.push(("results.json".to_owned(), json));
    let dashboard = dashboard::DashboardView::new(input, &links);
    files.push((
        "index.html".to_owned(),
        render(&registry, "index", &WithHealth::new(&dashboard, input))?,
    ));
    for (i, d) in whole.domains.iter().enumerate() {
        if let Some(path) = links.domain(&d.domain) {
            let view = page::DomainPage::new(input, &links, d, input.rollups.domains.get(i));
            let view = WithHealth::new(view, input);
            files.push((path.to_owned(), render(&registry, "domain", &view)?));
        }
    }
    for org in &input.rollups.organisations {
        if let Some(path) = links.org(&org.name) {
            let mut page = String::new();
            org_page::write_org_page(&registry, input, &links, org, &mut |text| {
                page.push_str(text);
                Ok(())
            })?;
            files.push((path.to_owned(), page));
        }
    }
    files.push((
        "findings.csv".to_owned(),
        render_findings_csv(whole, &input.checks),
    ));
    files.push((
        "results.sarif".to_owned(),
        render_sarif(whole, &input.checks)?,
    ));
    Ok(files)
}

/// The dashboard's view model as JSON: every value exactly as the page prints it. For snapshot
/// tests and for other renderers.
pub fn dashboard_model(input: &ReportInput<'_>) -> Result<serde_json::Value, ReportError> {
    let links = links::Links::new(&input.scan, &input.rollups);
    Ok(serde_json::to_value(dashboard::DashboardView::new(
        input, &links,
    ))?)
}

/// A domain page's view model as JSON (see [`dashboard_model`]); `None` for an unknown domain.
/// The input must be whole, as for [`render_report`].
pub fn domain_model(
    input: &ReportInput<'_>,
    domain: &str,
) -> Result<Option<serde_json::Value>, ReportError> {
    let whole = input.whole.ok_or(ReportError::LightInput)?;
    let links = links::Links::new(&input.scan, &input.rollups);
    whole
        .domains
        .iter()
        .enumerate()
        .find(|(_, d)| d.domain == domain)
        .map(|(i, d)| {
            serde_json::to_value(page::DomainPage::new(
                input,
                &links,
                d,
                input.rollups.domains.get(i),
            ))
        })
        .transpose()
        .map_err(ReportError::from)
}

fn registry() -> Result<Handlebars<'static>, ReportError> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    for (name, text) in PARTIALS {
        registry.register_partial(name, text).map_err(Box::new)?;
    }
    for (name, text) in TEMPLATES {
        registry
            .register_template_string(
                name,
                inline::inline_partials(template_source(name, text), &PARTIALS),
            )
            .map_err(Box::new)?;
    }
    Ok(registry)
}

/// The source of template `name` from its file's `text` (see [`MID_LINE`]).
fn template_source(name: &str, text: &'static str) -> &'static str {
    match MID_LINE.contains(&name) {
        true => text.strip_suffix('\n').unwrap_or(text),
        false => text,
    }
}

fn render(
    registry: &Handlebars<'_>,
    name: &str,
    view: &impl serde::Serialize,
) -> Result<String, ReportError> {
    Ok(registry.render(name, view).map_err(Box::new)?)
}

/// Like [`render`], but the view is turned into the template context and dropped before
/// rendering, so a large view and its JSON form are not held at once.
fn render_owned(
    registry: &Handlebars<'_>,
    name: &str,
    view: impl serde::Serialize,
) -> Result<String, ReportError> {
    render_context(registry, name, &owned_context(view)?)
}

/// `view` turned into a template context, and dropped.
fn owned_context(view: impl serde::Serialize) -> Result<handlebars::Context, ReportError> {
    Ok(handlebars::Context::from(serde_json::to_value(&view)?))
}

fn render_context(
    registry: &Handlebars<'_>,
    name: &str,
    context: &handlebars::Context,
) -> Result<String, ReportError> {
    Ok(registry
        .render_with_context(name, context)
        .map_err(Box::new)?)
}

/// A path for messages.
pub(crate) fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}
