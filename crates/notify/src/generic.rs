//! The generic JSON payload: the diff's own structure (as `govscan diff --format json` prints
//! it), lists cut to a number of items, with the scan ids, portfolio scores, counts and the
//! report link. Documented in `docs/operations.md` ("Alerts on change").

use govscan_score::ScanDiff;
use serde_json::{Value, json};

use crate::message::Notification;

/// Version of the generic payload's layout; bumped on any incompatible change.
pub const GENERIC_PAYLOAD_VERSION: u32 = 1;

/// The payload with at most `per_list` items in each list of the diff.
pub(crate) fn render(n: &Notification, per_list: usize) -> Value {
    let mut truncated = false;
    let mut cut = |list: Value| -> Value {
        match list {
            Value::Array(mut items) => {
                if items.len() > per_list {
                    items.truncate(per_list);
                    truncated = true;
                }
                Value::Array(items)
            }
            other => other,
        }
    };
    let diff = n.diff.as_ref().map(|d| lists(d, &mut cut));
    let (baseline, baseline_changed) = match &n.diff {
        Some(d) => (json!(d.new.baseline), json!(d.baseline_changed)),
        None => (Value::Null, Value::Null),
    };
    json!({
        "govscan_notification": GENERIC_PAYLOAD_VERSION,
        "kind": n.kind,
        "title": n.title(),
        "scan": n.scan,
        "previous_scan": n.previous,
        "portfolio_score_delta": n.portfolio_delta(),
        "baseline": baseline,
        "baseline_changed": baseline_changed,
        "counts": n.counts(),
        "changes": diff,
        "truncated": truncated,
        "report_url": n.report_url,
        "scan_health": n.health.as_ref().map(|h| json!({
            "domains": h.domains,
            "not_measured": h.not_measured,
            "main_cause": h.main_cause(),
            "what_happened": h.what_happened(),
            "what_to_try": h.what_to_try(),
        })),
        "govscan_version": n.govscan_version,
    })
}

/// The diff's lists, each passed through `cut`.
fn lists(d: &ScanDiff, cut: &mut impl FnMut(Value) -> Value) -> Value {
    json!({
        "new_failures": cut(json!(d.new_failures)),
        "new_warnings": cut(json!(d.new_warnings)),
        "fixed": cut(json!(d.fixed)),
        "improved": cut(json!(d.improved)),
        "became_inconclusive": cut(json!(d.became_inconclusive)),
        "other_changes": cut(json!(d.other_changes)),
        "domains_added": cut(json!(d.domains_added)),
        "domains_removed": cut(json!(d.domains_removed)),
        "score_moves": cut(json!(d.score_moves)),
    })
}
