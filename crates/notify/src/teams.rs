//! The Microsoft Teams payload: an Adaptive Card (version 1.4) in a `message` attachment, the
//! shape Teams' Workflows webhooks accept. All text is in `RichTextBlock` text runs, which
//! Adaptive Cards never read as Markdown, so a scanned server's text shows as it is.

use serde_json::{Value, json};

use crate::message::{Item, Notification};
use crate::render::{context_line, more_line, shown};
use crate::text::adaptive_card_text;

/// The payload with at most `per_section` items in each section.
pub(crate) fn render(n: &Notification, per_section: usize) -> Value {
    let mut body = vec![rich(vec![json!({
        "type": "TextRun", "text": n.title(), "weight": "Bolder", "size": "Medium",
    })])];
    body.push(rich(vec![run(&context_line(n), true)]));
    for section in n.sections() {
        let (items, more) = shown(&section, per_section);
        let mut heading = rich(vec![json!({
            "type": "TextRun",
            "text": format!("{} ({})", section.title, section.items.len()),
            "weight": "Bolder",
        })]);
        heading["spacing"] = json!("Medium");
        body.push(heading);
        body.extend(items.iter().map(item));
        if more > 0 {
            body.push(rich(vec![run(&more_line(more, n), true)]));
        }
    }
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    });
    if let Some(url) = &n.report_url {
        card["actions"] =
            json!([{"type": "Action.OpenUrl", "title": "Open the report", "url": url}]);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

/// One item: the domain in monospace, the check and the change, the detail subtle.
fn item(item: &Item) -> Value {
    let mut runs = vec![json!({
        "type": "TextRun", "text": adaptive_card_text(&item.domain), "fontType": "Monospace",
    })];
    if let Some(check) = &item.check {
        runs.push(run("  ", false));
        runs.push(json!({
            "type": "TextRun", "text": adaptive_card_text(check), "fontType": "Monospace",
        }));
    }
    runs.push(run(&format!("  {}: ", item.change), false));
    runs.push(run(&item.detail, true));
    rich(runs)
}

fn run(text: &str, subtle: bool) -> Value {
    let mut run = json!({"type": "TextRun", "text": adaptive_card_text(text)});
    if subtle {
        run["isSubtle"] = json!(true);
    }
    run
}

fn rich(inlines: Vec<Value>) -> Value {
    json!({"type": "RichTextBlock", "inlines": inlines})
}
