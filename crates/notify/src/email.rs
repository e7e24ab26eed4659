//! The e-mail: `mailto:` addresses checked strictly, headers built only from govscan's own
//! words and those addresses (so no server-controlled text can add a header or a recipient),
//! and a plain-text UTF-8 body in quoted-printable, so long lines and any character travel
//! safely through any mail server.

use crate::message::Notification;
use crate::render::{context_line, more_line, shown};

/// Longest address accepted (RFC 5321 §4.5.3.1.3 path limit less the brackets).
const MAX_ADDRESS: usize = 254;

/// The addresses of a `mailto:` destination (`mailto:a@x.example,b@y.example`). Each must be
/// a plain `local@domain` of printable ASCII without spaces, quotes, brackets or commas in
/// it; percent-escapes and `?header=` fields (RFC 6068) are refused, so nothing but these
/// addresses can reach the headers.
pub(crate) fn parse_mailto(text: &str) -> Result<Vec<String>, String> {
    let rest = text
        .strip_prefix("mailto:")
        .ok_or_else(|| "a mail destination starts with mailto:".to_owned())?;
    if rest.contains('?') {
        return Err("mailto: header fields (?subject=…, ?cc=…) are not supported".to_owned());
    }
    let addresses: Vec<String> = rest.split(',').map(|a| a.trim().to_owned()).collect();
    for address in &addresses {
        check_address(address)?;
    }
    Ok(addresses)
}

fn check_address(address: &str) -> Result<(), String> {
    let shown = crate::text::plain(address, 80);
    let bad = |why: &str| Err(format!("mailto:{shown}: {why}"));
    if address.is_empty() {
        return bad("empty address");
    }
    if address.len() > MAX_ADDRESS {
        return bad("address longer than 254 characters");
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return bad("not local@domain");
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$&'*+-/=^_`{|}~.".contains(&b));
    if !local_ok {
        return bad("the part before @ has characters a plain address does not have");
    }
    let domain_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !domain_ok {
        return bad("the part after @ is not a domain name (use punycode for IDN)");
    }
    Ok(())
}

/// The whole message (headers, blank line, body) with at most `per_section` items a section.
pub(crate) fn message(n: &Notification, to: &[String], per_section: usize) -> String {
    let mut out = String::new();
    header(&mut out, "To", &to.join(", "));
    header(&mut out, "Subject", &n.subject());
    header(&mut out, "MIME-Version", "1.0");
    header(&mut out, "Content-Type", "text/plain; charset=utf-8");
    header(&mut out, "Content-Transfer-Encoding", "quoted-printable");
    // RFC 3834: automatic mail; auto-responders should not answer it.
    header(&mut out, "Auto-Submitted", "auto-generated");
    header(&mut out, "X-Govscan-Scan", &n.scan.id.to_string());
    out.push('\n');
    out.push_str(&quoted_printable(&body(n, per_section)));
    out
}

/// One header line. Values are govscan's own ASCII words and checked addresses; as a last
/// guard, any character outside printable ASCII is dropped, so a line break can never start a
/// new header.
fn header(out: &mut String, name: &str, value: &str) {
    let value: String = value.chars().filter(|c| (' '..='~').contains(c)).collect();
    out.push_str(name);
    out.push_str(": ");
    out.push_str(&value);
    out.push('\n');
}

/// The plain-text body.
pub(crate) fn body(n: &Notification, per_section: usize) -> String {
    let mut out = format!("{}\n{}\n", n.title(), context_line(n));
    for section in n.sections() {
        let (items, more) = shown(&section, per_section);
        out.push_str(&format!("\n{} ({}):\n", section.title, section.items.len()));
        for item in items {
            let check = item
                .check
                .as_deref()
                .map_or_else(String::new, |c| format!("  {c}"));
            out.push_str(&format!(
                "  - {}{check}  {}\n      {}\n",
                item.domain, item.change, item.detail
            ));
        }
        if more > 0 {
            out.push_str(&format!("  {}\n", more_line(more, n)));
        }
    }
    if let Some(url) = &n.report_url {
        out.push_str(&format!("\nReport: {url}\n"));
    }
    out.push_str(&format!(
        "\n-- \ngovscan {} (automatic message)\n",
        n.govscan_version
    ));
    out
}

/// Quoted-printable (RFC 2045 §6.7) of UTF-8 text, lines ending in `\n` (sendmail turns them
/// into CRLF), encoded lines at most 76 characters with soft breaks.
pub(crate) fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split('\n') {
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let literal = (b'!'..=b'~').contains(&b) && b != b'=' || (b == b' ' && !last);
            let piece = if literal {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            // Leave room for the soft break's "=".
            if width + piece.len() > 75 {
                out.push_str("=\n");
                width = 0;
            }
            out.push_str(&piece);
            width += piece.len();
        }
        out.push('\n');
    }
    // `split` yields one more (empty) line after a final newline; drop its newline.
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_takes_plain_addresses_only() {
        assert_eq!(
            parse_mailto("mailto:soc@gov.example,ciso@gov.example").expect("two"),
            vec!["soc@gov.example", "ciso@gov.example"]
        );
        for bad in [
            "soc@gov.example",
            "mailto:",
            "mailto:soc",
            "mailto:soc@localhost",
            "mailto:soc@gov.example?subject=hi",
            "mailto:soc@gov.example%0d%0aBcc:evil@x.example",
            "mailto:soc@gov.example\r\nBcc: evil@x.example",
            "mailto:\"a b\"@gov.example",
            "mailto:<soc@gov.example>",
            "mailto:soc@gov.example ,",
            "mailto:so c@gov.example",
            "mailto:soc@-gov.example",
            "mailto:sóc@gov.example",
        ] {
            assert!(parse_mailto(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn headers_cannot_be_broken() {
        let mut out = String::new();
        header(&mut out, "Subject", "a\r\nBcc: evil@x.example\u{85}b");
        assert_eq!(out, "Subject: aBcc: evil@x.exampleb\n");
    }

    #[test]
    fn quoted_printable_round_trips_and_keeps_lines_short() {
        let text = format!(
            "plain line\nnon-ASCII → é = sign\ntrailing space \n{}\n",
            "x".repeat(200)
        );
        let encoded = quoted_printable(&text);
        assert!(encoded.lines().all(|l| l.len() <= 76), "{encoded}");
        assert!(encoded.is_ascii());
        assert!(encoded.contains("non-ASCII =E2=86=92 =C3=A9 =3D sign"));
        assert!(encoded.contains("trailing space=20\n"));
        assert_eq!(decode(&encoded), text);
    }

    /// A minimal decoder for the test: soft breaks joined, `=XX` turned back into bytes.
    fn decode(text: &str) -> String {
        let joined = text.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    }
}
