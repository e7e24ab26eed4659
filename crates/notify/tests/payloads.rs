//! Every payload format built from a diff whose messages carry hostile markup: the shapes each
//! service takes, escaping (nothing a server wrote becomes a mention, a link, a header or a
//! control character), and the size caps.

mod common;

use common::{HOSTILE, notification};
use govscan_notify::{Format, Kind, Notification, render_email, render_webhook};
use serde_json::Value;

fn payload(format: Format, n: &Notification) -> Value {
    let bytes = render_webhook(format, n).expect("renders");
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// Every string in a JSON value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn all_text(value: &Value) -> String {
    let mut out = Vec::new();
    strings(value, &mut out);
    out.join("\n")
}

/// The text with every inline code span removed.
fn outside_code_spans(text: &str) -> String {
    text.split('`').step_by(2).collect::<Vec<_>>().join("")
}

#[test]
fn kinds_decide_what_is_sent() {
    let n = notification(2, None);
    assert_eq!(n.kind, Kind::Changes);
    assert!(n.should_send(false));
    assert_eq!(
        n.title(),
        "govscan scan #5: 2 new failures, 1 fixed, 1 domain added, 1 score move; portfolio score 72.5 -> 70.0 (-2.5)"
    );
    let mut empty = common::diff(0);
    empty.fixed.clear();
    empty.domains_added.clear();
    empty.score_moves.clear();
    let quiet = Notification::new(n.scan.clone(), n.previous.clone(), Some(empty), None);
    assert_eq!(quiet.kind, Kind::NoChanges);
    assert!(!quiet.should_send(false) && quiet.should_send(true));
    assert!(quiet.title().contains("nothing changed since scan #4"));
    let first = Notification::new(n.scan.clone(), None, None, None);
    assert_eq!(first.kind, Kind::FirstScan);
    assert!(!first.should_send(false) && first.should_send(true));
    for format in Format::ALL {
        payload(format, &quiet);
        payload(format, &first);
    }
}

#[test]
fn no_payload_carries_control_or_bidi_characters() {
    let n = notification(3, Some("https://reports.gov.example/govscan/"));
    for format in Format::ALL {
        let text = all_text(&payload(format, &n));
        assert!(
            !text
                .chars()
                .any(|c| c == '\u{1b}' || c == '\r' || c == '\u{202e}'),
            "{format:?}: {text}"
        );
        assert!(
            text.contains("\\x1b[31mred"),
            "{format:?} shows the escape visibly"
        );
        assert!(text.contains("\\u{202e}"), "{format:?}");
    }
}

#[test]
fn generic_payload_is_the_diff() {
    let n = notification(3, Some("https://reports.gov.example/govscan/"));
    let v = payload(Format::Generic, &n);
    assert_eq!(v["govscan_notification"], 1);
    assert_eq!(v["kind"], "changes");
    assert_eq!(v["scan"]["id"], 5);
    assert_eq!(v["previous_scan"]["id"], 4);
    assert_eq!(v["portfolio_score_delta"], -2.5);
    assert_eq!(v["counts"]["new_failures"], 3);
    assert_eq!(v["changes"]["new_failures"][0]["domain"], "d0.gov.example");
    assert_eq!(v["changes"]["new_failures"][0]["new_status"], "fail");
    assert_eq!(v["changes"]["fixed"][0]["check"], "tls.min-version");
    assert_eq!(v["changes"]["score_moves"][0]["delta"], -20.0);
    assert_eq!(v["truncated"], false);
    assert_eq!(v["report_url"], "https://reports.gov.example/govscan/");
    assert_eq!(v["baseline"]["id"], "estonia");
}

#[test]
fn slack_text_cannot_mention_or_link() {
    let n = notification(3, Some("https://reports.gov.example/a|b"));
    let v = payload(Format::Slack, &n);
    assert_eq!(v["blocks"][0]["type"], "header");
    assert!(
        v["blocks"][0]["text"]["text"]
            .as_str()
            .expect("header")
            .chars()
            .count()
            <= 150
    );
    let sections: Vec<&str> = v["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["type"] == "section")
        .map(|b| b["text"]["text"].as_str().expect("mrkdwn"))
        .collect();
    assert!(
        sections[0].starts_with("*New failures (3)*"),
        "{}",
        sections[0]
    );
    for text in &sections {
        assert!(text.chars().count() <= 3000);
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        // Everything the server wrote is inside code spans.
        let outside = outside_code_spans(text);
        for marker in ["@all", "evil", "*bold*", "_it_", "channel"] {
            assert!(
                !outside.contains(marker),
                "{marker} outside a code span: {outside}"
            );
        }
    }
    assert!(sections[0].contains("&lt;!channel&gt;"));
    let context = v["blocks"]
        .as_array()
        .expect("blocks")
        .last()
        .expect("context");
    let context = context["elements"][0]["text"].as_str().expect("text");
    assert!(
        context.ends_with("<https://reports.gov.example/a%7Cb|Open the report>"),
        "{context}"
    );
}

#[test]
fn teams_card_has_no_markdown_text() {
    let n = notification(2, Some("https://reports.gov.example/"));
    let v = payload(Format::Teams, &n);
    assert_eq!(v["type"], "message");
    let attachment = &v["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    for element in card["body"].as_array().expect("body") {
        // TextBlock would read Markdown; RichTextBlock text runs never do.
        assert_eq!(element["type"], "RichTextBlock", "{element}");
    }
    assert_eq!(card["actions"][0]["url"], "https://reports.gov.example/");
    let text = all_text(card);
    assert!(
        !text.contains("{{"),
        "template functions are broken: {text}"
    );
    assert!(text.contains("<!channel> @all"), "shown as it is");
}

#[test]
fn mattermost_text_cannot_mention_or_link() {
    let n = notification(2, Some("https://reports.gov.example/x(1)"));
    let v = payload(Format::Mattermost, &n);
    let text = v["text"].as_str().expect("text");
    assert!(text.starts_with("#### govscan scan #5: "), "{text}");
    let outside = outside_code_spans(text);
    for marker in ["@all", "@here", "@channel", "evil", "*bold*"] {
        assert!(
            !outside.contains(marker),
            "{marker} outside a code span: {outside}"
        );
    }
    assert!(text.contains("[Open the report](https://reports.gov.example/x%281%29)"));
    assert!(text.contains("- `d0.gov.example` `http.hsts` pass → fail: `<!channel> @all"));
}

#[test]
fn payloads_fit_their_services_limits() {
    let n = notification(2000, Some("https://reports.gov.example/"));
    for format in Format::ALL {
        let bytes = render_webhook(format, &n).expect("fits");
        assert!(
            bytes.len() <= format.max_bytes(),
            "{format:?}: {}",
            bytes.len()
        );
        let text = all_text(&serde_json::from_slice(&bytes).expect("json"));
        match format {
            Format::Generic => assert!(text.contains("d1.gov.example")),
            _ => assert!(text.contains("more (see the report)"), "{format:?}"),
        }
    }
    let v = payload(Format::Generic, &n);
    assert_eq!(v["truncated"], true);
    assert_eq!(v["counts"]["new_failures"], 2000);
}

#[test]
fn email_headers_hold_only_govscans_words() {
    let n = notification(3, Some("https://reports.gov.example/"));
    let to = vec!["soc@gov.example".to_owned(), "ciso@gov.example".to_owned()];
    let message = String::from_utf8(render_email(&n, &to).expect("renders")).expect("utf-8");
    assert!(message.is_ascii(), "quoted-printable body");
    let (headers, body) = message
        .split_once("\n\n")
        .expect("headers, blank line, body");
    let names: Vec<&str> = headers
        .lines()
        .map(|l| l.split_once(':').expect("name: value").0)
        .collect();
    assert_eq!(
        names,
        [
            "To",
            "Subject",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "Auto-Submitted",
            "X-Govscan-Scan"
        ]
    );
    assert!(headers.contains("To: soc@gov.example, ciso@gov.example\n"));
    assert!(headers.contains(
        "Subject: [govscan] scan #5: 3 new failures, 1 fixed, 1 domain added, 1 score move\n"
    ));
    assert!(body.lines().all(|l| l.len() <= 76));
    // The hostile "\r\nBcc:" stays inside the body: the header block has no Bcc.
    assert!(!headers.contains("Bcc"));
    assert!(body.contains("Report: https://reports.gov.example/"));
    assert!(!body.contains('\u{1b}'));
    let _ = HOSTILE;
}
