//! The Mattermost payload: Markdown in `text`. Server-controlled text sits in code spans, where
//! Mattermost recognises no formatting, link or mention (`@channel`, `@all`), so a scanned
//! server cannot ping a channel or plant a link.

use serde_json::{Value, json};

use crate::message::{Item, Notification};
use crate::render::{context_line, more_line, shown};
use crate::text::code_span;

/// The payload with at most `per_section` items in each section.
pub(crate) fn render(n: &Notification, per_section: usize) -> Value {
    let mut text = format!("#### {}\n{}\n", n.title(), context_line(n));
    for section in n.sections() {
        let (items, more) = shown(&section, per_section);
        text.push_str(&format!(
            "\n**{} ({})**\n",
            section.title,
            section.items.len()
        ));
        for item in items {
            text.push_str(&format!("- {}\n", line(item)));
        }
        if more > 0 {
            text.push_str(&format!("- {}\n", more_line(more, n)));
        }
    }
    if let Some(url) = &n.report_url {
        text.push_str(&format!("\n[Open the report]({})\n", link_target(url)));
    }
    json!({"text": text})
}

/// "`domain` `check` pass → fail: `detail`".
fn line(item: &Item) -> String {
    let check = item
        .check
        .as_deref()
        .map_or_else(String::new, |c| format!(" {}", code_span(c)));
    format!(
        "{}{check} {}: {}",
        code_span(&item.domain),
        item.change,
        code_span(&item.detail)
    )
}

/// A URL inside `(…)`: parentheses and spaces would end it, so they are percent-encoded.
fn link_target(url: &str) -> String {
    url.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}
