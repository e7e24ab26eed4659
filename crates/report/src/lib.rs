//! Reports: a self-contained HTML page (handlebars, strict mode, every scan value escaped) and
//! `results.json`, written atomically into an output directory.

mod view;
mod write;

use std::path::{Path, PathBuf};

use govscan_model::ScanResult;
use handlebars::Handlebars;

pub use write::write_outputs;

/// The page template, embedded at build time.
const INDEX_TEMPLATE: &str = include_str!("../../../reports/templates/index.hbs");
/// The stylesheet, embedded into the page (registered as the `style` partial).
const STYLE_CSS: &str = include_str!("../../../reports/templates/style.css");

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A template did not compile (a defect in `reports/templates`).
    #[error("report template is invalid: {0}")]
    Template(#[from] Box<handlebars::TemplateError>),
    /// Rendering failed (strict mode: the template named a missing field).
    #[error("cannot render the report: {0}")]
    Render(#[from] Box<handlebars::RenderError>),
    /// The result could not be serialised.
    #[error("cannot serialise results: {0}")]
    Json(#[from] serde_json::Error),
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

/// Renders the self-contained HTML report for a scan.
pub fn render_index(result: &ScanResult) -> Result<String, ReportError> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry
        .register_partial("style", STYLE_CSS)
        .map_err(Box::new)?;
    registry
        .register_template_string("index", INDEX_TEMPLATE)
        .map_err(Box::new)?;
    let view = view::IndexView::from_result(result);
    Ok(registry.render("index", &view).map_err(Box::new)?)
}

/// A path for messages.
pub(crate) fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}
