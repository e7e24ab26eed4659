//! Alerts on change: `govscan notify` and the alerts `govscan scan --notify` sends once the
//! scan is saved. The message is the diff `govscan diff` shows for the scan and the last one
//! before it that measured the domains (the same streaming diff the report uses), delivered by
//! `govscan-notify`; a scan that did not measure the domains (unhealthy) is always told, with
//! what happened and what to try instead of a diff.

use anyhow::{Context as _, anyhow};
use govscan_model::LightScan;
use govscan_notify::{
    DeliveryOptions, Destination, Notification, ScanSide, WebhookOptions, deliver_all,
    parse_destination,
};
use govscan_store::{ScanId, ScanSummary, Store};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use super::args::{AlertOptions, NotifyArgs};
use super::history_cmd::{open_existing, store_error};
use super::terminal::errln;
use super::{CliError, exit};

/// Destinations and delivery options, checked before any work starts.
#[derive(Debug)]
pub(super) struct Alerts {
    destinations: Vec<Destination>,
    delivery: DeliveryOptions,
    report_url: Option<String>,
    always: bool,
}

/// Checks the destinations and options (a usage error, exit 2, names the bad one); `None`
/// when no destination is given.
pub(super) fn prepare(
    destinations: &[String],
    options: &AlertOptions,
) -> Result<Option<Alerts>, CliError> {
    if destinations.is_empty() {
        return Ok(None);
    }
    let format = options.notify_format.format();
    let destinations = destinations
        .iter()
        .map(|d| parse_destination(d, format))
        .collect::<Result<Vec<_>, _>>()
        .context("--notify")
        .map_err(CliError::usage)?;
    let report_url = options
        .report_url
        .as_deref()
        .map(check_report_url)
        .transpose()?;
    let mut extra_roots: Vec<CertificateDer<'static>> = Vec::new();
    for path in &options.notify_ca_files {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
            .with_context(|| format!("--notify-ca-file {}", path.display()))
            .map_err(CliError::usage)?;
        if certs.is_empty() {
            return Err(CliError::usage(anyhow!(
                "--notify-ca-file {}: no certificate in the file",
                path.display()
            )));
        }
        extra_roots.extend(certs);
    }
    Ok(Some(Alerts {
        destinations,
        delivery: DeliveryOptions {
            webhook: WebhookOptions {
                timeout: options.notify_timeout,
                retries: options.notify_retries,
                extra_roots,
            },
            sendmail: options.sendmail.clone(),
            sendmail_timeout: options
                .notify_timeout
                .max(std::time::Duration::from_secs(30)),
        },
        report_url,
        always: options.notify_always,
    }))
}

/// The report URL as given, when it is an http(s) URL.
fn check_report_url(text: &str) -> Result<String, CliError> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(url.to_string())
        }
        _ => Err(CliError::usage(anyhow!(
            "--report-url {text:?}: expected an http:// or https:// URL"
        ))),
    }
}

/// Runs `govscan notify`: exit 0 when every notification was delivered (or nothing needed
/// sending), 4 when one failed.
pub(super) fn run(args: NotifyArgs) -> Result<u8, CliError> {
    let Some(alerts) = prepare(&args.to, &args.alerts)? else {
        return Err(CliError::usage(anyhow!("give at least one --to DEST")));
    };
    let store = open_existing(&args.db)?;
    let id = match args.scan {
        Some(id) => ScanId(id),
        None => store
            .latest_scan_id()
            .map_err(store_error)?
            .ok_or_else(|| CliError::usage(anyhow!("{}: no scans saved yet", args.db.display())))?,
    };
    let light = store.load_scan_light(id).map_err(store_error)?;
    match send_for_scan(&store, id, &light, &alerts, args.quiet)? {
        true => Ok(exit::DONE),
        false => Ok(exit::FOLLOW_UP_FAILED),
    }
}

/// Builds the notification for saved scan `id` (light form `light`) against the last healthy
/// scan before it and delivers it when something changed or the scan is unhealthy (or always,
/// when asked). Every delivery is
/// reported on stderr (successes only without `quiet`); true when none failed.
pub(super) fn send_for_scan(
    store: &Store,
    id: ScanId,
    light: &LightScan,
    alerts: &Alerts,
    quiet: bool,
) -> Result<bool, CliError> {
    let scans = store.list_scans().map_err(store_error)?;
    let side = |id: ScanId| scans.iter().find(|s| s.id == id).map(scan_side);
    let scan =
        side(id).ok_or_else(|| CliError::usage(anyhow!("scan #{} is not complete", id.0)))?;
    let health = store.scan_health(id).map_err(store_error)?;
    if let Some(health) = health.filter(|h| h.unhealthy) {
        // The scan measured this machine: say so (always), and compare nothing.
        let notification = Notification::unhealthy(scan, &health, alerts.report_url.clone());
        return Ok(deliver(&notification, alerts, quiet));
    }
    // Changes are told against the last scan that measured the domains.
    let previous_id = store.previous_measured_scan_id(id).map_err(store_error)?;
    let (previous, diff) = match previous_id {
        Some(prev) => {
            let previous_light = store.load_scan_light(prev).map_err(store_error)?;
            let diff =
                super::report_stream::diff_from_store(store, prev, &previous_light, id, light)
                    .map_err(store_error)?;
            (side(prev), Some(diff))
        }
        None => (None, None),
    };
    let notification = Notification::new(scan, previous, diff, alerts.report_url.clone());
    if !notification.should_send(alerts.always) {
        if !quiet {
            errln!(
                "govscan: {}; no notification sent (--notify-always sends anyway)",
                notification.title()
            );
        }
        return Ok(true);
    }
    Ok(deliver(&notification, alerts, quiet))
}

/// Delivers `notification` to every destination, reporting each on stderr (successes only
/// without `quiet`); true when none failed.
fn deliver(notification: &Notification, alerts: &Alerts, quiet: bool) -> bool {
    let mut all_delivered = true;
    for delivery in deliver_all(notification, &alerts.destinations, &alerts.delivery) {
        match delivery.result {
            Ok(detail) if !quiet => {
                errln!("govscan: notified {}: {detail}", delivery.destination)
            }
            Ok(_) => {}
            Err(error) => {
                all_delivered = false;
                errln!(
                    "govscan: notification to {} failed: {error}",
                    delivery.destination
                );
            }
        }
    }
    all_delivered
}

fn scan_side(s: &ScanSummary) -> ScanSide {
    ScanSide {
        id: s.id.0,
        started_at: s.started_at.clone(),
        finished_at: s.finished_at.clone(),
        domains: s.domain_count,
        portfolio_score: s.mean_score,
    }
}
