//! EHLO keywords (RFC 5321 §4.1.1.1): the first line of a 250 reply to EHLO is the server's
//! greeting; every later line starts with an extension keyword, then its parameters.

use crate::Reply;

/// The extension keywords of an EHLO reply, upper case, in order (empty unless the reply is a
/// 250).
pub fn ehlo_keywords(reply: &Reply) -> Vec<String> {
    if reply.code != 250 {
        return Vec::new();
    }
    reply
        .lines
        .iter()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_ascii_uppercase)
        .collect()
}

/// True when the EHLO reply lists `keyword` (compared case-insensitively, RFC 5321 §2.4).
pub fn offers(reply: &Reply, keyword: &str) -> bool {
    ehlo_keywords(reply)
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, lines: &[&str]) -> Reply {
        Reply {
            code,
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            truncated: false,
        }
    }

    #[test]
    fn keywords_skip_the_greeting_line() {
        let ehlo = reply(
            250,
            &["mx.example.ee", "PIPELINING", "starttls", "SIZE 10240000"],
        );
        assert_eq!(ehlo_keywords(&ehlo), vec!["PIPELINING", "STARTTLS", "SIZE"]);
        assert!(offers(&ehlo, "STARTTLS"));
        // The greeting line naming STARTTLS is not an extension.
        assert!(!offers(&reply(250, &["STARTTLS", "8BITMIME"]), "STARTTLS"));
        assert!(!offers(&reply(502, &["x", "STARTTLS"]), "STARTTLS"));
    }
}
