//! The Slack payload: a header block, one mrkdwn section per part of the diff and a context
//! block with the report link. Server-controlled text sits in code spans (no formatting, links
//! or mentions inside) after `&`, `<` and `>` became entities, so no `<!channel>` or
//! `<http://…|…>` can come from a scanned server.

use serde_json::{Value, json};

use crate::message::{Item, Notification};
use crate::render::{context_line, more_line, shown};
use crate::text::{code_span, slack_entities};

/// Slack's limits: header text 150 characters, section text 3,000 characters.
const HEADER_MAX_CHARS: usize = 150;
const SECTION_MAX_CHARS: usize = 2_900;

/// The payload with at most `per_section` items in each section.
pub(crate) fn render(n: &Notification, per_section: usize) -> Value {
    let title = n.title();
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut_chars(&title, HEADER_MAX_CHARS), "emoji": false},
    })];
    for section in n.sections() {
        let (items, mut more) = shown(&section, per_section);
        let mut text = format!("*{} ({})*", section.title, section.items.len());
        for (i, item) in items.iter().enumerate() {
            let line = format!("\n• {}", line(item));
            if text.chars().count() + line.chars().count() > SECTION_MAX_CHARS {
                more += items.len() - i;
                break;
            }
            text.push_str(&line);
        }
        if more > 0 {
            text.push_str(&format!("\n{}", slack_entities(&more_line(more, n))));
        }
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": text}}));
    }
    let mut context = slack_entities(&context_line(n));
    if let Some(url) = &n.report_url {
        context.push_str(&format!(" <{}|Open the report>", link_target(url)));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": context}],
    }));
    json!({"text": slack_entities(&title), "blocks": blocks})
}

/// "• `domain` `check` pass → fail: `detail`".
fn line(item: &Item) -> String {
    let check = item.check.as_deref().map_or_else(String::new, |c| {
        format!(" {}", code_span(&slack_entities(c)))
    });
    format!(
        "{}{check} {}: {}",
        code_span(&slack_entities(&item.domain)),
        slack_entities(&item.change),
        code_span(&slack_entities(&item.detail))
    )
}

/// A URL inside `<…|…>`: `|` would end the URL part, so it is percent-encoded; `&`, `<`, `>`
/// become entities.
fn link_target(url: &str) -> String {
    slack_entities(&url.replace('|', "%7C"))
}

fn cut_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}
