//! The SMTP wire format govscan reads (RFC 5321 §4.2 replies, RFC 5321 §4.1.1.1 EHLO keywords)
//! and writes (the few commands a STARTTLS probe sends), without I/O. The reply reader is
//! incremental (each byte is examined once, however the server splits its writes) and bounded
//! in line length, lines per reply and bytes per reply; no function panics on any input.

mod command;
mod ehlo;
mod reply;

pub use command::{Command, EhloNameError, valid_ehlo_name};
pub use ehlo::{ehlo_keywords, offers};
pub use reply::{
    KEPT_LINE_CHARS, KEPT_LINES, MAX_LINE_BYTES, MAX_REPLY_BYTES, MAX_REPLY_LINES, Progress, Reply,
    ReplyError, ReplyReader,
};
