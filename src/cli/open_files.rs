//! The open-files limit: every connection and DNS socket is a descriptor, so `scan` raises the
//! soft limit to the hard limit at start (rustix's safe `setrlimit`) and warns when even that
//! is low for `--concurrency`. A connection that still finds no descriptor is recorded as a
//! scanner-side failure (`FailureKind::Scanner`), never as the target being unreachable.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors govscan needs besides its connections: DNS sockets of the domains in flight,
/// the database, the output files, the runtime.
const BASE_DESCRIPTORS: u64 = 256;

/// The soft limit before and after raising it, when it could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OpenFiles {
    /// The soft limit govscan started with.
    pub(super) before: u64,
    /// The soft limit now.
    pub(super) now: u64,
}

/// Raises the soft open-files limit to the hard limit; `None` when the limit is unlimited or
/// could not be read.
pub(super) fn raise() -> Option<OpenFiles> {
    let limit = getrlimit(Resource::Nofile);
    let before = limit.current?;
    let Some(hard) = limit.maximum else {
        return Some(OpenFiles {
            before,
            now: before,
        });
    };
    if hard <= before {
        return Some(OpenFiles {
            before,
            now: before,
        });
    }
    let raised = Rlimit {
        current: Some(hard),
        maximum: Some(hard),
    };
    let now = match setrlimit(Resource::Nofile, raised) {
        Ok(()) => hard,
        Err(_) => before,
    };
    Some(OpenFiles { before, now })
}

/// A warning when `limit` descriptors are few for `concurrency` connections in flight (two
/// descriptors each at worst: the connection and a DNS socket of its domain).
pub(super) fn warning(limit: u64, concurrency: u32) -> Option<String> {
    let needed = u64::from(concurrency) * 2 + BASE_DESCRIPTORS;
    (limit < needed).then(|| {
        format!(
            "govscan: warning: the open-files limit is {limit}, low for --concurrency \
             {concurrency} (about {needed} wanted; raise it with `ulimit -n`); connections \
             that find no free descriptor are recorded as scanner-side failures"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_ends_at_the_hard_limit() {
        let before = getrlimit(Resource::Nofile);
        if let Some(files) = raise() {
            let after = getrlimit(Resource::Nofile);
            assert_eq!(after.current, Some(files.now));
            assert!(files.now >= files.before);
            if let Some(hard) = before.maximum {
                assert_eq!(files.now, hard, "raised to the hard limit");
            }
        }
    }

    #[test]
    fn a_low_limit_is_reported() {
        assert!(warning(64, 16).is_some_and(|w| w.contains("ulimit -n")));
        assert_eq!(warning(1_048_576, 1024), None);
    }
}
