//! The SMTP reply reader (RFC 5321 §4.2): `code SP text CRLF` for the last line of a reply,
//! `code - text CRLF` for every line before it, the same code on every line.
//!
//! Fed bytes as they arrive; keeps only the line being read and the text it will return, so a
//! server that sends one byte at a time costs linear work, and a server that sends an endless
//! line, endless lines or garbage gets a [`ReplyError`] after a bounded number of bytes.

use std::fmt;

/// Longest reply line accepted, CRLF included. RFC 5321 §4.5.3.1.5 allows 512 octets; real
/// servers stay far below, so four times that is generous and still bounded.
pub const MAX_LINE_BYTES: usize = 2048;
/// Most lines in one reply (an EHLO reply lists one extension per line; a few dozen at most).
pub const MAX_REPLY_LINES: usize = 128;
/// Most bytes of one reply.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;
/// Lines of text kept in a [`Reply`] (the rest are dropped and `truncated` is set).
pub const KEPT_LINES: usize = 32;
/// Characters kept per line of text.
pub const KEPT_LINE_CHARS: usize = 512;

/// One whole reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code (100–599).
    pub code: u16,
    /// The text after `code` and the separator on each line (lossy UTF-8, control characters
    /// replaced by U+FFFD), at most [`KEPT_LINES`] lines of [`KEPT_LINE_CHARS`] characters.
    pub lines: Vec<String>,
    /// True when lines or characters were dropped.
    pub truncated: bool,
}

impl Reply {
    /// The reply class: 2 completion, 3 intermediate, 4 transient failure, 5 permanent.
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    /// True for a 2yz reply.
    pub fn is_positive(&self) -> bool {
        self.class() == 2
    }

    /// The first line's text, for messages.
    pub fn first_line(&self) -> &str {
        self.lines.first().map_or("", String::as_str)
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.first_line())
    }
}

/// Why bytes are not an SMTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyError {
    /// A line longer than [`MAX_LINE_BYTES`].
    LineTooLong,
    /// More than [`MAX_REPLY_LINES`] lines.
    TooManyLines,
    /// More than [`MAX_REPLY_BYTES`] bytes.
    TooLarge,
    /// A line that does not start with a three-digit code and a separator.
    Malformed(String),
    /// A continuation line with another code than the first line.
    InconsistentCode {
        /// The first line's code.
        first: u16,
        /// The later line's code.
        later: u16,
    },
    /// The connection closed before the reply was complete (`bytes` of it had arrived).
    Truncated {
        /// Bytes received of the incomplete reply.
        bytes: usize,
    },
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::LineTooLong => {
                write!(f, "a reply line longer than {MAX_LINE_BYTES} bytes")
            }
            ReplyError::TooManyLines => write!(f, "a reply of more than {MAX_REPLY_LINES} lines"),
            ReplyError::TooLarge => write!(f, "a reply of more than {MAX_REPLY_BYTES} bytes"),
            ReplyError::Malformed(why) => write!(f, "not an SMTP reply: {why}"),
            ReplyError::InconsistentCode { first, later } => write!(
                f,
                "not an SMTP reply: a line with code {later} inside a reply with code {first}"
            ),
            ReplyError::Truncated { bytes: 0 } => {
                write!(f, "the connection closed without a reply")
            }
            ReplyError::Truncated { bytes } => write!(
                f,
                "the connection closed after {bytes} bytes of an incomplete reply"
            ),
        }
    }
}

impl std::error::Error for ReplyError {}

/// What feeding bytes achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The reply is not complete yet; every byte was used.
    NeedMore,
    /// A whole reply; `used` bytes of this feed belong to it, the rest (if any) came after it.
    Done {
        /// The reply.
        reply: Reply,
        /// Bytes of the last feed that belong to the reply.
        used: usize,
    },
}

/// Reads one reply from bytes fed in pieces. After `Done` or an error, make a new reader.
#[derive(Debug, Default)]
pub struct ReplyReader {
    /// The line being read, without its line end.
    line: Vec<u8>,
    /// The first line's code, once a line has been read.
    code: Option<u16>,
    lines: Vec<String>,
    line_count: usize,
    total: usize,
    truncated: bool,
}

impl ReplyReader {
    /// A reader at the start of a reply.
    pub fn new() -> ReplyReader {
        ReplyReader::default()
    }

    /// Bytes of the reply received so far.
    pub fn received(&self) -> usize {
        self.total
    }

    /// Feeds the next bytes. Each byte is examined once.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Progress, ReplyError> {
        for (i, &byte) in bytes.iter().enumerate() {
            self.total += 1;
            if self.total > MAX_REPLY_BYTES {
                return Err(ReplyError::TooLarge);
            }
            if byte != b'\n' {
                if self.line.len() >= MAX_LINE_BYTES {
                    return Err(ReplyError::LineTooLong);
                }
                self.line.push(byte);
                continue;
            }
            // A line end: CRLF, or a bare LF (tolerated, as most clients do).
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let last = self.end_line()?;
            if last {
                let reply = Reply {
                    code: self.code.unwrap_or(0),
                    lines: std::mem::take(&mut self.lines),
                    truncated: self.truncated,
                };
                return Ok(Progress::Done { reply, used: i + 1 });
            }
        }
        Ok(Progress::NeedMore)
    }

    /// The error for a connection that closed now.
    pub fn closed(&self) -> ReplyError {
        ReplyError::Truncated { bytes: self.total }
    }

    /// Parses the line just read; true when it was the last line of the reply.
    fn end_line(&mut self) -> Result<bool, ReplyError> {
        self.line_count += 1;
        if self.line_count > MAX_REPLY_LINES {
            return Err(ReplyError::TooManyLines);
        }
        let line = std::mem::take(&mut self.line);
        let (code, last, text) = split_line(&line)?;
        match self.code {
            None => self.code = Some(code),
            Some(first) if first != code => {
                return Err(ReplyError::InconsistentCode { first, later: code });
            }
            Some(_) => {}
        }
        if self.lines.len() < KEPT_LINES {
            let (kept, cut) = printable(text);
            self.truncated |= cut;
            self.lines.push(kept);
        } else {
            self.truncated = true;
        }
        Ok(last)
    }
}

/// `(code, last line?, text)` of one line without its line end.
fn split_line(line: &[u8]) -> Result<(u16, bool, &[u8]), ReplyError> {
    let digits = line.get(..3).unwrap_or(line);
    let valid_code = digits.len() == 3
        && matches!(digits[0], b'1'..=b'5')
        && digits[1].is_ascii_digit()
        && digits[2].is_ascii_digit();
    if !valid_code {
        return Err(ReplyError::Malformed(format!(
            "the line starts with {:?}, not a three-digit code",
            preview(line)
        )));
    }
    let code = digits
        .iter()
        .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    match line.get(3) {
        None => Ok((code, true, &[])),
        Some(b' ') => Ok((code, true, line.get(4..).unwrap_or_default())),
        Some(b'-') => Ok((code, false, line.get(4..).unwrap_or_default())),
        Some(_) => Err(ReplyError::Malformed(format!(
            "the code is followed by {:?}, not a space or a hyphen",
            preview(line)
        ))),
    }
}

/// The first bytes of a line, for an error message (lossy, control characters escaped by
/// `{:?}` formatting of the caller).
fn preview(line: &[u8]) -> String {
    String::from_utf8_lossy(line.get(..24).unwrap_or(line)).into_owned()
}

/// Lossy UTF-8 with control characters replaced, cut at [`KEPT_LINE_CHARS`]; true when cut.
fn printable(text: &[u8]) -> (String, bool) {
    let lossy = String::from_utf8_lossy(text);
    let mut out = String::new();
    let mut cut = false;
    for (n, c) in lossy.chars().enumerate() {
        if n >= KEPT_LINE_CHARS {
            cut = true;
            break;
        }
        out.push(if c.is_control() { '\u{FFFD}' } else { c });
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<(Reply, usize), ReplyError> {
        match ReplyReader::new().feed(bytes)? {
            Progress::Done { reply, used } => Ok((reply, used)),
            Progress::NeedMore => Err(ReplyError::Truncated { bytes: bytes.len() }),
        }
    }

    #[test]
    fn reads_single_and_multi_line_replies() {
        let (reply, used) = read(b"220 mx.example.ee ESMTP\r\n").expect("greeting");
        assert_eq!((reply.code, used), (220, 25));
        assert_eq!(reply.lines, vec!["mx.example.ee ESMTP"]);
        let ehlo = b"250-mx.example.ee\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
        let (reply, used) = read(ehlo).expect("ehlo");
        assert_eq!(reply.code, 250);
        assert_eq!(used, ehlo.len());
        assert_eq!(
            reply.lines,
            vec!["mx.example.ee", "PIPELINING", "STARTTLS", "8BITMIME"]
        );
        // A bare code is a complete last line; a bare LF ends a line too.
        assert_eq!(read(b"250\n").expect("bare").0.lines, vec![""]);
    }

    #[test]
    fn bytes_after_the_reply_are_not_used() {
        let (reply, used) = read(b"220 go ahead\r\nEXTRA").expect("reply");
        assert_eq!(reply.code, 220);
        assert_eq!(used, 14);
    }

    #[test]
    fn one_byte_at_a_time_gives_the_same_reply() {
        let ehlo = b"250-mx\r\n250-STARTTLS\r\n250 SIZE 1000\r\n";
        let mut reader = ReplyReader::new();
        let mut done = None;
        for (i, byte) in ehlo.iter().enumerate() {
            match reader.feed(&[*byte]).expect("feed") {
                Progress::NeedMore => assert!(i + 1 < ehlo.len()),
                Progress::Done { reply, used } => {
                    assert_eq!(used, 1);
                    done = Some(reply);
                }
            }
        }
        assert_eq!(done.expect("done").lines.len(), 3);
    }

    #[test]
    fn garbage_and_hostile_replies_are_errors() {
        assert!(matches!(
            read(b"HTTP/1.1 400 Bad Request\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(read(b"220x\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(read(b"999 no\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(
            read(b"250-a\r\n251 b\r\n"),
            Err(ReplyError::InconsistentCode {
                first: 250,
                later: 251
            })
        ));
        let long = vec![b'2'; MAX_LINE_BYTES + 1];
        assert_eq!(read(&long), Err(ReplyError::LineTooLong));
        let many = b"250-x\r\n".repeat(MAX_REPLY_LINES + 1);
        assert_eq!(read(&many), Err(ReplyError::TooManyLines));
    }

    #[test]
    fn kept_text_is_bounded_and_printable() {
        let mut ehlo = Vec::new();
        for _ in 0..40 {
            ehlo.extend_from_slice(b"250-");
            ehlo.extend_from_slice(&[b'A'; 600]);
            ehlo.extend_from_slice(b"\x1b[31m\r\n");
        }
        ehlo.extend_from_slice(b"250 end\r\n");
        let (reply, _) = read(&ehlo).expect("reply");
        assert!(reply.truncated);
        assert_eq!(reply.lines.len(), KEPT_LINES);
        assert!(
            reply
                .lines
                .iter()
                .all(|l| l.chars().count() <= KEPT_LINE_CHARS)
        );
        let (reply, _) = read(b"220 a\x1b[2Jb\r\n").expect("reply");
        assert_eq!(reply.lines, vec!["a\u{FFFD}[2Jb"]);
    }

    #[test]
    fn a_closed_connection_mid_reply_says_how_much_arrived() {
        let mut reader = ReplyReader::new();
        assert_eq!(
            reader.feed(b"250-mx\r\n250-ST").expect("feed"),
            Progress::NeedMore
        );
        assert_eq!(reader.closed(), ReplyError::Truncated { bytes: 14 });
        assert_eq!(
            ReplyReader::new().closed().to_string(),
            "the connection closed without a reply"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_in_any_pieces_never_panic_and_stay_bounded(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
            split in 1usize..64,
        ) {
            let mut reader = ReplyReader::new();
            for piece in bytes.chunks(split) {
                match reader.feed(piece) {
                    Ok(Progress::NeedMore) => {}
                    Ok(Progress::Done { reply, used }) => {
                        proptest::prop_assert!(used <= piece.len());
                        proptest::prop_assert!(reply.lines.len() <= KEPT_LINES);
                        proptest::prop_assert!((100..600).contains(&reply.code));
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
    }
}
