//! Payload formats and how each is fitted under its size limit: every format is rendered with
//! at most N items per section, and N shrinks until the payload fits.

use crate::message::{Item, Notification, Section};
use crate::{email, generic, mattermost, slack, teams};

/// The payload shape posted to a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// govscan's own JSON: the diff's structure (`docs/operations.md`).
    Generic,
    /// A Slack incoming webhook: Block Kit blocks with mrkdwn text.
    Slack,
    /// A Microsoft Teams webhook (Workflows "post to a channel when a webhook request is
    /// received"): an Adaptive Card in a message attachment.
    Teams,
    /// A Mattermost incoming webhook: Markdown `text`.
    Mattermost,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 4] = [
        Format::Generic,
        Format::Slack,
        Format::Teams,
        Format::Mattermost,
    ];

    /// The name used on the command line and in destination prefixes (`slack:https://…`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Generic => "generic",
            Format::Slack => "slack",
            Format::Teams => "teams",
            Format::Mattermost => "mattermost",
        }
    }

    /// The format with this name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Largest payload sent, in bytes: under each service's documented message limit
    /// (Teams 28 KB; Mattermost posts 16,383 characters; Slack 40,000 characters of text).
    pub fn max_bytes(self) -> usize {
        match self {
            Format::Generic => 256 * 1024,
            Format::Slack => 38_000,
            Format::Teams => 26_000,
            Format::Mattermost => 15_000,
        }
    }
}

/// Items per section tried in turn until a payload fits.
const ITEMS_PER_SECTION: [usize; 7] = [25, 12, 6, 3, 2, 1, 0];

/// Why a message could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The payload did not encode as JSON.
    #[error("encoding the {format} payload: {source}")]
    Encode {
        /// The payload format's name.
        format: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// Even with no items the message is larger than the destination accepts.
    #[error("the message does not fit in {max_bytes} bytes even without items ({size} bytes)")]
    TooLarge {
        /// The most the destination accepts.
        max_bytes: usize,
        /// The size of the smallest rendering.
        size: usize,
    },
}

/// The webhook body for `format`, at most [`Format::max_bytes`] long.
pub fn render_webhook(format: Format, n: &Notification) -> Result<Vec<u8>, RenderError> {
    fit(format.max_bytes(), |per_section| {
        let value = match format {
            Format::Generic => generic::render(n, per_section),
            Format::Slack => slack::render(n, per_section),
            Format::Teams => teams::render(n, per_section),
            Format::Mattermost => mattermost::render(n, per_section),
        };
        serde_json::to_vec(&value).map_err(|source| RenderError::Encode {
            format: format.name(),
            source,
        })
    })
}

/// The e-mail (headers and body) for `to`, at most 512 KiB.
pub fn render_email(n: &Notification, to: &[String]) -> Result<Vec<u8>, RenderError> {
    fit(512 * 1024, |per_section| {
        Ok(email::message(n, to, per_section).into_bytes())
    })
}

fn fit(
    max_bytes: usize,
    render: impl Fn(usize) -> Result<Vec<u8>, RenderError>,
) -> Result<Vec<u8>, RenderError> {
    let mut size = 0;
    for per_section in ITEMS_PER_SECTION {
        let bytes = render(per_section)?;
        if bytes.len() <= max_bytes {
            return Ok(bytes);
        }
        size = bytes.len();
    }
    Err(RenderError::TooLarge { max_bytes, size })
}

/// The first `per_section` items of a section, and how many were left out.
pub(crate) fn shown(section: &Section, per_section: usize) -> (&[Item], usize) {
    let n = section.items.len().min(per_section);
    (&section.items[..n], section.items.len() - n)
}

/// "…and 12 more (see the report)" or "…and 12 more".
pub(crate) fn more_line(more: usize, n: &Notification) -> String {
    if n.report_url.is_some() {
        format!("…and {more} more (see the report)")
    } else {
        format!("…and {more} more (see `govscan diff`)")
    }
}

/// One-line comparison context: "Compared with scan #14 (2026-11-26 02:31 UTC), baseline
/// estonia 2026.1." (govscan's words, the baseline id from the baseline file); for a scan that
/// did not measure the domains, what happened and what to try.
pub(crate) fn context_line(n: &Notification) -> String {
    if let Some((happened, to_try)) = n.health_lines() {
        return format!("{happened} {to_try}");
    }
    let mut line = match &n.previous {
        Some(p) => format!(
            "Compared with scan #{} ({}).",
            p.id,
            short_time(&p.started_at)
        ),
        None => "No earlier scan in the history database to compare with.".to_owned(),
    };
    if let Some(d) = &n.diff {
        let b = &d.new.baseline;
        line.push_str(&format!(
            " Baseline {} {}",
            crate::text::plain(&b.id, 64),
            crate::text::plain(&b.version, 32)
        ));
        line.push_str(if d.baseline_changed {
            " (changed since the earlier scan: some moves come from the rules, not the servers)."
        } else {
            "."
        });
    }
    line
}

/// `2026-11-27T08:26:59Z` → `2026-11-27 08:26 UTC`; other text made plain.
pub(crate) fn short_time(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(date), Some(time)) if timestamp.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {time} UTC")
        }
        _ => crate::text::plain(timestamp, 40),
    }
}
