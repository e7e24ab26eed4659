//! The scan-health banner: when most domains could not be measured because of the scanning
//! side (offline, resolver down, no route), every page says so first, in plain words, with
//! what to try. The banner is added beside each page's own view, so the page models stay as
//! they are.

use govscan_model::ScanHealth;
use serde::Serialize;

use crate::input::ReportInput;

/// What the banner says.
#[derive(Debug, Serialize)]
pub(crate) struct HealthBanner {
    pub(crate) title: &'static str,
    pub(crate) what_happened: String,
    pub(crate) what_to_try: String,
}

impl HealthBanner {
    /// The banner for an unhealthy scan; `None` for a healthy (or unassessed) one.
    pub(crate) fn of(health: Option<&ScanHealth>) -> Option<HealthBanner> {
        let health = health.filter(|h| h.unhealthy)?;
        Some(HealthBanner {
            title: "This scan did not measure the domains",
            what_happened: health.what_happened(),
            what_to_try: health.what_to_try(),
        })
    }
}

/// A page's view with the scan-health banner beside it: one template context, the banner
/// under `scan_health` (null when the scan is healthy).
#[derive(Debug, Serialize)]
pub(crate) struct WithHealth<V: Serialize> {
    #[serde(flatten)]
    pub(crate) page: V,
    pub(crate) scan_health: Option<HealthBanner>,
    /// The scan-wide SMTP condition (outbound port 25 blocked from the scanner), if any.
    pub(crate) smtp_condition: Option<String>,
}

impl<V: Serialize> WithHealth<V> {
    /// `page` with the banner of `input`'s scan.
    pub(crate) fn new(page: V, input: &ReportInput<'_>) -> WithHealth<V> {
        WithHealth {
            page,
            scan_health: HealthBanner::of(input.health.as_ref()),
            smtp_condition: input.health.as_ref().and_then(ScanHealth::smtp_condition),
        }
    }
}
