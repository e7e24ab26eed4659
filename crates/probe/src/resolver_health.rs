//! Whether the resolver this scan asks is there at all. A stub resolver sends its queries over
//! unconnected UDP, so a resolver that is not running (or not reachable from this host) shows
//! up as a timeout, exactly like a domain whose name servers are dead. When a query times
//! out, the resolver's TCP port is tried once (at most every few seconds per scan): refused,
//! or no route from here, means the resolver is down and the timeout is the scanner's failure,
//! not the domain's.

use std::net::SocketAddr;
use std::time::Duration;

use govscan_model::FailureKind;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::net::connect_resolver;

/// How long a verdict on the resolver is reused.
const RECHECK_AFTER: Duration = Duration::from_secs(5);

/// The resolver's addresses and the last verdict on them.
#[derive(Debug)]
pub(crate) struct ResolverHealth {
    servers: Vec<SocketAddr>,
    timeout: Duration,
    last: Mutex<Option<(Instant, Option<String>)>>,
}

impl ResolverHealth {
    /// Watches `servers` (the configured resolver, or the system's), connecting with `timeout`.
    pub(crate) fn new(servers: Vec<SocketAddr>, timeout: Duration) -> ResolverHealth {
        ResolverHealth {
            servers,
            timeout,
            last: Mutex::new(None),
        }
    }

    /// Why no resolver of this scan can be reached from this host, if none can; `None` when one
    /// accepts connections, or when it cannot be told (no server known, or silence).
    pub(crate) async fn down(&self) -> Option<String> {
        let mut last = self.last.lock().await;
        if let Some((at, verdict)) = last.as_ref()
            && at.elapsed() < RECHECK_AFTER
        {
            return verdict.clone();
        }
        let verdict = self.check().await;
        *last = Some((Instant::now(), verdict.clone()));
        verdict
    }

    async fn check(&self) -> Option<String> {
        if self.servers.is_empty() {
            return None;
        }
        let mut reasons = Vec::new();
        for server in &self.servers {
            match connect_resolver(*server, self.timeout).await {
                Ok(_) => return None,
                Err(f) if f.kind == FailureKind::Refused => {
                    reasons.push(format!("nothing listens on {server} (TCP connect refused)"));
                }
                Err(f) if f.kind == FailureKind::Scanner => reasons.push(f.detail),
                // Silence or anything else: cannot tell a dead resolver from a slow one.
                Err(_) => return None,
            }
        }
        Some(format!(
            "the resolver is not reachable from this host: {}",
            reasons.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_is_a_resolver_that_is_down_and_a_listener_is_not() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let open = listener.local_addr().expect("addr");
        let up = ResolverHealth::new(vec![open], Duration::from_secs(2));
        assert_eq!(up.down().await, None);
        drop(listener);
        let down = ResolverHealth::new(vec![open], Duration::from_secs(2));
        let why = down.down().await.expect("down");
        assert!(why.contains("refused"), "{why}");
    }
}
