//! The report of a scan too large to hold whole: rendered from a light scan (scores, grades and
//! per-check verdicts; `govscan_store::Store::load_scan_light`) plus a loader that reads one
//! whole domain at a time. `results.json`, `findings.csv` and `results.sarif` are streamed
//! domain by domain in target order; the domain pages are rendered in parallel on rayon, each
//! worker with its own loader. Memory: the light scan plus one domain per worker.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use govscan_model::{DomainResult, LightScan};
use rayon::prelude::*;

use crate::health::WithHealth;
use crate::links::Links;
use crate::outdir::OutputDir;
use crate::{
    ReportError, ReportInput, csv, dashboard, io_error, org_page, page, registry, render,
    render_owned, sarif,
};

/// Why a loader could not be opened or could not load a domain: the loader's own error, kept
/// whole (its cause chain survives into [`ReportError::Load`]).
pub type LoadError = Box<dyn std::error::Error + Send + Sync>;

/// Reads whole domains (with observations, messages and evidence) of the scan being reported.
pub trait DomainLoader {
    /// The whole result of `domain`.
    fn load(&mut self, domain: &str) -> Result<DomainResult, LoadError>;
}

/// Writes `results.json` of the scan whose light form is `light` to `out`: the header, then
/// each domain loaded in target order, so only one domain is in memory at a time. The document
/// is the same JSON value as `serde_json::to_string_pretty` of the whole scan.
pub fn write_results_json(
    light: &LightScan,
    loader: &mut dyn DomainLoader,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let header = light.header.clone().into_scan(Vec::new());
    let text = serde_json::to_string_pretty(&header)?;
    // The top-level key is the only one at two spaces of indent; nested strings are escaped.
    let marker = "\n  \"domains\": []";
    let at = text.rfind(marker).unwrap_or(text.len());
    let tail = text.get(at + marker.len()..).unwrap_or("\n}");
    let io = |e| io_error("write", Path::new("results.json"), e);
    out.write_all(&text.as_bytes()[..at]).map_err(io)?;
    out.write_all(b"\n  \"domains\": [").map_err(io)?;
    for (index, d) in light.domains().enumerate() {
        let full = load(loader, d.domain())?;
        out.write_all(if index == 0 { b"\n" } else { b",\n" })
            .map_err(io)?;
        serde_json::to_writer_pretty(&mut *out, &full)?;
    }
    out.write_all(if light.is_empty() { b"]" } else { b"\n  ]" })
        .map_err(io)?;
    out.write_all(tail.as_bytes()).map_err(io)?;
    out.write_all(b"\n").map_err(io)?;
    Ok(())
}

/// Renders and writes every report file into `dir` from `input` (whose scan is read light)
/// and whole domains read through loaders made by `open_loader` (one per rayon worker).
/// Each file is written to a temporary name and renamed; pages of the previous report that
/// this one does not write are removed (only those: see `outdir.rs`).
pub fn write_report_streamed<L, F>(
    input: &ReportInput<'_>,
    open_loader: F,
    dir: &Path,
) -> Result<(), ReportError>
where
    L: DomainLoader,
    F: Fn() -> Result<L, LoadError> + Sync,
{
    let registry = registry()?;
    let links = Links::new(&input.scan, &input.rollups);
    let out = OutputDir::prepare(
        dir,
        [
            "results.json",
            "findings.csv",
            "results.sarif",
            "index.html",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain(links.paths().map(str::to_owned)),
    )?;
    let mut written: Vec<String> = [
        "results.json",
        "findings.csv",
        "results.sarif",
        "index.html",
    ]
    .map(str::to_owned)
    .to_vec();

    let mut loader = open_loader().map_err(loader_error)?;
    out.stream("results.json", |out| {
        write_results_json(&input.scan, &mut loader, out)
    })?;
    out.stream("findings.csv", |out| {
        let io = |e| io_error("write", Path::new("findings.csv"), e);
        out.write_all(csv::header_row().as_bytes()).map_err(io)?;
        for d in input.scan.domains() {
            let mut rows = String::new();
            csv::push_domain_rows(
                &mut rows,
                &input.checks,
                &input.scan.header.started_at,
                &load(&mut loader, d.domain())?,
            );
            out.write_all(rows.as_bytes()).map_err(io)?;
        }
        Ok(())
    })?;
    out.stream("results.sarif", |out| {
        let io = |e| io_error("write", Path::new("results.sarif"), e);
        let (head, tail, rules) = sarif::sarif_around_results(&input.scan.header, &input.checks)?;
        out.write_all(head.as_bytes()).map_err(io)?;
        let mut first = true;
        for d in input.scan.domains() {
            for result in sarif::domain_results(&rules, &load(&mut loader, d.domain())?) {
                out.write_all(if first { b"\n" } else { b",\n" })
                    .map_err(io)?;
                first = false;
                serde_json::to_writer_pretty(&mut *out, &result)?;
            }
        }
        out.write_all(tail.as_bytes()).map_err(io)?;
        Ok(())
    })?;
    drop(loader);

    let dashboard = dashboard::DashboardView::new(input, &links);
    out.write(
        "index.html",
        render_owned(&registry, "index", WithHealth::new(dashboard, input))?.as_bytes(),
    )?;
    for org in &input.rollups.organisations {
        if let Some(path) = links.org(&org.name) {
            out.stream(path, |out| {
                let io = |e| io_error("write", Path::new(path), e);
                org_page::write_org_page(&registry, input, &links, org, &mut |text| {
                    out.write_all(text.as_bytes()).map_err(io)
                })
            })?;
            written.push(path.to_owned());
        }
    }
    let pages: Vec<String> = (0..input.scan.len().min(input.rollups.domains.len()))
        .into_par_iter()
        .map_init(
            || open_loader().map_err(Arc::from),
            |loader, index| -> Result<Option<String>, ReportError> {
                let (Some(d), Some(gap)) =
                    (input.scan.domain(index), input.rollups.domains.get(index))
                else {
                    return Ok(None);
                };
                let Some(path) = links.domain(d.domain()) else {
                    return Ok(None);
                };
                let loader = loader.as_mut().map_err(|e| ReportError::Load {
                    domain: None,
                    source: Arc::clone(e),
                })?;
                let full = load(loader, d.domain())?;
                let view = WithHealth::new(
                    page::DomainPage::new(input, &links, &full, Some(gap)),
                    input,
                );
                out.write(path, render(&registry, "domain", &view)?.as_bytes())?;
                Ok(Some(path.to_owned()))
            },
        )
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    written.extend(pages);
    let written: BTreeSet<String> = written.into_iter().collect();
    out.finish(&written)
}

fn load(loader: &mut dyn DomainLoader, domain: &str) -> Result<DomainResult, ReportError> {
    loader.load(domain).map_err(|e| ReportError::Load {
        domain: Some(domain.to_owned()),
        source: Arc::from(e),
    })
}

fn loader_error(e: LoadError) -> ReportError {
    ReportError::Load {
        domain: None,
        source: Arc::from(e),
    }
}
