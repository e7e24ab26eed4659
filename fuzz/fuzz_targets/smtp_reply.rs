//! Fuzzes `govscan_smtp_wire::ReplyReader`, the SMTP reply reader (multi-line replies, huge
//! lines, garbage).
//!
//! Invariants: no panic; the input is fed in pieces whose sizes come from the input's first
//! byte, and the answer (reply, or error kind) is the same as when fed whole; a reply is
//! decided within the caps (`MAX_REPLY_BYTES`, `MAX_LINE_BYTES`, `MAX_REPLY_LINES`); a reply
//! keeps at most `KEPT_LINES` lines of `KEPT_LINE_CHARS` characters, with no control characters;
//! its code is 100–599; `used` never exceeds the piece fed.
#![no_main]

use govscan_smtp_wire::{
    KEPT_LINE_CHARS, KEPT_LINES, MAX_REPLY_BYTES, Progress, Reply, ReplyError, ReplyReader,
};
use libfuzzer_sys::fuzz_target;

/// Feeds `bytes` in pieces of `step` bytes; the reply and where it ended, or the error.
fn read(bytes: &[u8], step: usize) -> Result<Option<(Reply, usize)>, ReplyError> {
    let mut reader = ReplyReader::new();
    let mut offset = 0;
    for piece in bytes.chunks(step.max(1)) {
        match reader.feed(piece) {
            Ok(Progress::NeedMore) => {}
            Ok(Progress::Done { reply, used }) => {
                assert!(used >= 1 && used <= piece.len(), "used {used} of {}", piece.len());
                return Ok(Some((reply, offset + used)));
            }
            Err(e) => {
                assert!(reader.received() <= MAX_REPLY_BYTES + 1, "read past the cap");
                return Err(e);
            }
        }
        offset += piece.len();
    }
    Ok(None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let whole = read(bytes, bytes.len().max(1));
    let pieces = read(bytes, usize::from(first % 7) + 1);
    assert_eq!(whole, pieces, "feeding in pieces changed the answer");
    if let Ok(Some((reply, end))) = whole {
        assert!(end <= bytes.len() && end <= MAX_REPLY_BYTES);
        assert!((100..=599).contains(&reply.code), "code {}", reply.code);
        assert!(reply.lines.len() <= KEPT_LINES);
        for line in &reply.lines {
            assert!(line.chars().count() <= KEPT_LINE_CHARS);
            assert!(!line.chars().any(char::is_control), "control character kept");
        }
    }
});
