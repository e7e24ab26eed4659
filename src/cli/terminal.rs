//! Every byte the CLI prints goes through here: text through
//! [`govscan_model::terminal::terminal_safe`], JSON through
//! [`govscan_model::terminal::json_terminal_safe`], so no control character from a server, a
//! target file, a baseline or a stored scan reaches the terminal raw. The other CLI modules use
//! the macros [`outln!`], [`out!`] and [`errln!`] instead of `println!`, `print!` and
//! `eprintln!`; the test `every_printer_goes_through_the_terminal_filter` (tests/terminal.rs)
//! fails on a raw one.

use std::io::Write;

use govscan_model::terminal::{json_terminal_safe, terminal_safe};

/// The panic payload of a printer whose reader has gone (stdout's pipe was closed, told by
/// `io::ErrorKind::BrokenPipe`): `cli::run` ends the command with exit 0, as other Unix tools
/// do, after unwinding (so temporary files are still removed).
pub(crate) struct StdoutClosed;

/// Writes bytes on stdout; a closed pipe unwinds with [`StdoutClosed`], any other error panics
/// as `print!` does.
fn write_stdout(bytes: &[u8]) {
    if let Err(e) = std::io::stdout().lock().write_all(bytes) {
        stdout_failed(e);
    }
}

/// Ends the command after a failed write to stdout: quietly for a closed pipe.
pub(crate) fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::panic::panic_any(StdoutClosed);
    }
    panic!("failed printing to stdout: {e}");
}

/// Prints text on stdout with control characters escaped (a closed pipe ends the command
/// quietly, see `cli::run`).
pub(crate) fn write_out(text: &str) {
    write_stdout(terminal_safe(text).as_bytes());
}

/// Prints text on stderr with control characters escaped.
pub(crate) fn write_err(text: &str) {
    eprint!("{}", terminal_safe(text));
}

/// Prints a JSON document and a newline on stdout; the characters of the unsafe set become
/// `\uXXXX` escapes, so the document keeps its value.
pub(crate) fn print_json(json: &str) {
    let mut text = json_terminal_safe(json).into_owned();
    text.push('\n');
    write_stdout(text.as_bytes());
}

/// `println!` through the terminal filter.
macro_rules! outln {
    () => {
        $crate::cli::terminal::write_out("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::terminal::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` through the terminal filter.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::terminal::write_out(&format!($($arg)*))
    };
}

/// `eprintln!` through the terminal filter.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::terminal::write_err(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, out, outln};

/// A writer of JSON text whose output goes to a terminal: complete UTF-8 characters pass
/// through [`json_terminal_safe`]; a character split across two writes waits for its rest.
pub(crate) struct JsonTerminalWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> JsonTerminalWriter<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W) -> Self {
        JsonTerminalWriter {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_text(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.inner.write_all(json_terminal_safe(text).as_bytes())?;
                    rest = &[];
                }
                Err(e) => {
                    let (valid, tail) = rest.split_at(e.valid_up_to());
                    let valid = std::str::from_utf8(valid).unwrap_or_default();
                    self.inner.write_all(json_terminal_safe(valid).as_bytes())?;
                    match e.error_len() {
                        // An incomplete character at the end: keep it for the next write.
                        None => {
                            self.pending.extend_from_slice(tail);
                            rest = &[];
                        }
                        // Not UTF-8 (serde_json never writes this): a replacement character.
                        Some(bad) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &tail[bad..];
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl<W: Write> Write for JsonTerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.write_text(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.write_text(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            // A character cut off at the very end: it cannot be completed any more.
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_written_byte_by_byte_is_escaped_like_json_written_whole() {
        let value = serde_json::json!({ "san": "x\u{1b}]0;t\u{7}\u{9b}\u{202e}é✓" });
        let text = serde_json::to_string(&value).expect("json");
        let mut writer = JsonTerminalWriter::new(Vec::new());
        for byte in text.as_bytes() {
            writer.write_all(std::slice::from_ref(byte)).expect("write");
        }
        writer.flush().expect("flush");
        let written = String::from_utf8(writer.inner).expect("utf-8");
        assert_eq!(written, json_terminal_safe(&text));
        let back: serde_json::Value = serde_json::from_str(&written).expect("json");
        assert_eq!(back, value);
    }
}
