//! `Probed<T>`: the envelope every sub-probe returns, so a failure is data and never a crash.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The result of one sub-probe: the data, or why there is none. A probe envelope tagged by
/// `state`: `ok` with `value`, `failed` with `kind` and `detail`, or `skipped` with `why`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
#[schemars(rename = "Probed_{T}")]
pub enum Probed<T> {
    /// The probe completed and saw this.
    Ok {
        /// What was observed.
        value: T,
    },
    /// The probe was attempted and did not complete.
    Failed {
        /// The class of failure.
        kind: FailureKind,
        /// Human-readable detail (the error chain, the limit that was hit).
        detail: String,
    },
    /// The probe was not attempted.
    Skipped {
        /// Why it was not attempted (e.g. "no A/AAAA records").
        why: String,
    },
}

/// Why a probe failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// A connect, handshake, read or total budget ran out.
    Timeout,
    /// The peer refused the TCP connection.
    Refused,
    /// No route, host down, or no address to try.
    Unreachable,
    /// The DNS query failed (SERVFAIL, REFUSED, malformed answer, network error).
    Dns,
    /// The name does not exist (NXDOMAIN) or has no records of this type.
    NoData,
    /// The TLS handshake failed (alert, protocol error).
    Tls,
    /// The HTTP exchange failed (malformed response, protocol error).
    Http,
    /// A size or count limit was exceeded (giant header, endless body, too many records).
    TooLarge,
    /// The scanner's own side failed, not the target: no route from this host (e.g. no IPv6),
    /// no free file descriptors, the domain's budget spent waiting for a connection slot, a
    /// local connect error. Never judged as a failure of the target.
    Scanner,
    /// The address policy refused the connection: a special-purpose address (loopback,
    /// private, link-local, metadata, ...) not allowed by `--allow-private`/`--allow-cidr`, or a
    /// domain or range on the `--exclude` list. Nothing was sent; never judged as the target's
    /// failure.
    Blocked,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// True when the failure lies with the scanner or the machine it runs on, not the target.
    pub fn is_scanner_side(self) -> bool {
        matches!(self, FailureKind::Scanner)
    }
}

impl<T> Probed<T> {
    /// Wraps a value as a completed probe.
    pub fn ok(value: T) -> Self {
        Probed::Ok { value }
    }

    /// Builds a failed probe.
    pub fn failed(kind: FailureKind, detail: impl Into<String>) -> Self {
        Probed::Failed {
            kind,
            detail: detail.into(),
        }
    }

    /// Builds a skipped probe.
    pub fn skipped(why: impl Into<String>) -> Self {
        Probed::Skipped { why: why.into() }
    }

    /// The value, if the probe completed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Probed::Ok { value } => Some(value),
            _ => None,
        }
    }

    /// Why there is no value (failure detail or skip reason); `None` when the probe completed.
    pub fn missing_reason(&self) -> Option<String> {
        self.as_result().err().map(|missing| missing.to_string())
    }

    /// Maps the value, keeping failures and skips.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Probed<U> {
        match self {
            Probed::Ok { value } => Probed::Ok { value: f(value) },
            Probed::Failed { kind, detail } => Probed::Failed { kind, detail },
            Probed::Skipped { why } => Probed::Skipped { why },
        }
    }

    /// The value or, when the probe did not complete, why not as an error.
    pub fn as_result(&self) -> Result<&T, NotObserved> {
        match self {
            Probed::Ok { value } => Ok(value),
            Probed::Failed { kind, detail } => Err(NotObserved::Failed {
                kind: *kind,
                detail: detail.clone(),
            }),
            Probed::Skipped { why } => Err(NotObserved::Skipped { why: why.clone() }),
        }
    }
}

/// Why a [`Probed`] holds no value; its text is [`Probed::missing_reason`]'s
/// (`Timeout failure: connect 5s`, `skipped: no A/AAAA records`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotObserved {
    /// The probe was attempted and did not complete.
    #[error("{kind:?} failure: {detail}")]
    Failed {
        /// The class of failure.
        kind: FailureKind,
        /// Human-readable detail.
        detail: String,
    },
    /// The probe was not attempted.
    #[error("skipped: {why}")]
    Skipped {
        /// Why it was not attempted.
        why: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_a_state_tag() {
        let ok: Probed<Vec<String>> = Probed::ok(vec!["a".into()]);
        let json = serde_json::to_value(&ok).expect("serialise");
        assert_eq!(json["state"], "ok");
        assert_eq!(json["value"][0], "a");
        let failed: Probed<u8> = Probed::failed(FailureKind::Timeout, "connect 5s");
        let json = serde_json::to_string(&failed).expect("serialise");
        let back: Probed<u8> = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, failed);
        assert_eq!(
            back.missing_reason().as_deref(),
            Some("Timeout failure: connect 5s")
        );
        assert_eq!(
            back.as_result(),
            Err(NotObserved::Failed {
                kind: FailureKind::Timeout,
                detail: "connect 5s".to_owned()
            })
        );
        let skipped: Probed<u8> = Probed::skipped("no A/AAAA records");
        let missing = skipped.as_result().expect_err("skipped");
        assert_eq!(missing.to_string(), "skipped: no A/AAAA records");
        assert_eq!(Probed::ok(7u8).as_result(), Ok(&7));
    }
}
