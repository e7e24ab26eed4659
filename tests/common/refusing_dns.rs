//! A DNS server on a loopback UDP port that answers every query with REFUSED: a resolver that
//! is there and answers, so a scan through it is healthy (the domains' lookups fail on the
//! resolver's word, not for the scanner's own reasons) while still sending nothing beyond
//! loopback. Included with `#[path]` by the tests that need a healthy offline scan.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The server; it stops when dropped.
pub(crate) struct RefusingDns {
    pub(crate) address: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl RefusingDns {
    pub(crate) fn start() -> RefusingDns {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let address = socket.local_addr().expect("address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            // Bounded by the flag: the thread ends within 200 ms of the drop.
            while !stopped.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if n < 12 {
                    continue;
                }
                let mut answer = buf[..n].to_vec();
                // QR=1, opcode and RD kept; RA=1, RCODE=5 (REFUSED); no records.
                answer[2] |= 0x80;
                answer[3] = 0x80 | 5;
                answer[6..12].fill(0);
                // Keep the question only (cut any EDNS OPT record in the additional section).
                answer.truncate(question_end(&answer).unwrap_or(12));
                let _ = socket.send_to(&answer, from);
            }
        });
        RefusingDns { address, stop }
    }

    /// `--resolver` argument.
    pub(crate) fn resolver(&self) -> String {
        self.address.to_string()
    }
}

impl Drop for RefusingDns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// End of the first question (name, type, class) after the 12-byte header.
fn question_end(message: &[u8]) -> Option<usize> {
    let mut at = 12;
    loop {
        let len = usize::from(*message.get(at)?);
        if len == 0 {
            at += 1;
            break;
        }
        if len & 0xc0 != 0 {
            return None;
        }
        at += 1 + len;
    }
    (at + 4 <= message.len()).then_some(at + 4)
}
