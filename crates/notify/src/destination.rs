//! Where a notification goes: `[FORMAT:]http(s)://…` webhooks, `mailto:` addresses, or `@FILE`
//! holding one of those (so a webhook URL, which is a secret, need not appear on a command
//! line or in `ps`). Labels for messages never show a webhook's path or query.

use std::path::Path;

use url::Url;

use crate::email::parse_mailto;
use crate::render::Format;

/// Longest webhook URL accepted.
const MAX_URL: usize = 4096;
/// Largest `@FILE` read.
const MAX_FILE: u64 = 8 * 1024;

/// Why a destination was refused. Messages never quote a URL read from a file (a secret).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DestinationError {
    /// Not a usable webhook URL or mail address (the message says why).
    #[error("{0}")]
    Invalid(String),
    /// An `@FILE` that could not be read.
    #[error("{path}: {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One place to send a notification.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    /// An HTTP(S) webhook and the payload shape it takes.
    Webhook {
        /// The URL (`http` or `https`, with a host, no fragment).
        url: Url,
        /// The payload shape.
        format: Format,
    },
    /// E-mail through the local sendmail.
    Mail {
        /// Checked addresses.
        to: Vec<String>,
    },
}

impl Destination {
    /// A name for messages: `slack https://hooks.example/…` (scheme, host and port only: a
    /// webhook's path and query are its secret) or `mailto:a@x.example`.
    pub fn label(&self) -> String {
        match self {
            Destination::Webhook { url, format } => {
                let mut label = format!("{} {}://", format.name(), url.scheme());
                label.push_str(url.host_str().unwrap_or("?"));
                if let Some(port) = url.port() {
                    label.push_str(&format!(":{port}"));
                }
                if url.path() != "/" || url.query().is_some() {
                    label.push_str("/…");
                }
                label
            }
            Destination::Mail { to } => format!("mailto:{}", to.join(",")),
        }
    }
}

/// Parses a destination: `mailto:ADDR[,ADDR…]`, `[FORMAT:]http(s)://…` (FORMAT one of
/// `generic`, `slack`, `teams`, `mattermost`; without it, `default_format`), or
/// `[FORMAT:]@FILE` whose first line that is neither empty nor a `#` comment is one of those
/// (FORMAT then the default for a URL in the file without a prefix).
pub fn parse_destination(
    text: &str,
    default_format: Format,
) -> Result<Destination, DestinationError> {
    // `slack:@FILE`: the format here, the URL (the secret) in the file.
    if let Some((prefix, rest)) = text.split_once(':')
        && let Some(format) = Format::from_name(prefix)
        && rest.starts_with('@')
    {
        return parse_destination(rest, format);
    }
    if let Some(path) = text.strip_prefix('@') {
        let line = read_destination_file(Path::new(path))?;
        return parse_inline(&line, default_format, false)
            .map_err(|e| DestinationError::Invalid(format!("{path}: {e}")));
    }
    parse_inline(text, default_format, true).map_err(DestinationError::Invalid)
}

/// Parses one destination; errors quote it only when `echo` (never a URL read from a file).
fn parse_inline(text: &str, default_format: Format, echo: bool) -> Result<Destination, String> {
    let text = text.trim();
    if text.starts_with("mailto:") {
        return parse_mailto(text).map(|to| Destination::Mail { to });
    }
    let (format, url_text) = match text.split_once(':') {
        Some((prefix, rest)) => match Format::from_name(prefix) {
            Some(format) => (format, rest),
            None => (default_format, text),
        },
        None => (default_format, text),
    };
    let shown = if echo {
        crate::text::plain(text, 60)
    } else {
        "the destination in the file".to_owned()
    };
    if url_text.len() > MAX_URL {
        return Err(format!("{shown}: URL longer than {MAX_URL} characters"));
    }
    let url = Url::parse(url_text).map_err(|e| {
        format!("{shown}: not a URL ({e}); expected [generic|slack|teams|mattermost:]https://…, mailto:ADDRESS or @FILE")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{shown}: a webhook URL is http:// or https:// (or use mailto:ADDRESS)"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown}: the URL has no host"));
    }
    if url.fragment().is_some() {
        return Err(format!("{shown}: a webhook URL has no #fragment"));
    }
    Ok(Destination::Webhook { url, format })
}

fn read_destination_file(path: &Path) -> Result<String, DestinationError> {
    let shown = path.display();
    let unreadable = |source| DestinationError::Unreadable {
        path: shown.to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return Err(DestinationError::Invalid(format!(
            "{shown}: not a file of at most {MAX_FILE} bytes holding a destination"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .ok_or_else(|| DestinationError::Invalid(format!("{shown}: no destination in the file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_prefix_urls() {
        let d = parse_destination(
            "slack:https://hooks.example/services/T/B/secret",
            Format::Generic,
        )
        .expect("slack");
        assert!(matches!(
            d,
            Destination::Webhook {
                format: Format::Slack,
                ..
            }
        ));
        assert_eq!(d.label(), "slack https://hooks.example/…");
        let d = parse_destination("http://127.0.0.1:8080/", Format::Teams).expect("default");
        assert!(matches!(
            d,
            Destination::Webhook {
                format: Format::Teams,
                ..
            }
        ));
        assert_eq!(d.label(), "teams http://127.0.0.1:8080");
        let d = parse_destination("mailto:soc@gov.example", Format::Slack).expect("mail");
        assert_eq!(
            d,
            Destination::Mail {
                to: vec!["soc@gov.example".into()]
            }
        );
    }

    #[test]
    fn rejects_what_is_not_a_webhook() {
        for bad in [
            "ftp://x.example/",
            "file:///etc/passwd",
            "slack:ftp://x.example/",
            "https://x.example/#frag",
            "hooks.example/path",
            "https://",
            "unknown:https://x.example/",
        ] {
            assert!(parse_destination(bad, Format::Generic).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_a_destination_file_without_echoing_it() {
        let dir = std::env::temp_dir().join(format!("govscan-notify-dest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("hook");
        std::fs::write(
            &file,
            "# the SOC channel\n\nmattermost:https://chat.example/hooks/s3cret\n",
        )
        .expect("write");
        let d = parse_destination(&format!("@{}", file.display()), Format::Generic).expect("file");
        assert!(matches!(
            d,
            Destination::Webhook {
                format: Format::Mattermost,
                ..
            }
        ));
        std::fs::write(&file, "https://chat.example/hooks/s3cret#x\n").expect("write");
        let e = parse_destination(&format!("@{}", file.display()), Format::Generic)
            .expect_err("fragment")
            .to_string();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(parse_destination("@/nonexistent/govscan-hook", Format::Generic).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
