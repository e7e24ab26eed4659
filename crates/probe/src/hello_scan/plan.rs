//! The order of the scan's steps and how they share the lanes (at most `lanes` handshakes in
//! flight, each holding the prober's connection slots):
//!
//! 1. Versions: TLS 1.2 first, alone, then the others one at a time until the server has
//!    answered once (so a dead or silent server is recognised exactly as before); once it has
//!    answered, the remaining versions at once.
//! 2. Details, at once: the class of suites of every accepted version (`classes.rs`), the TLS
//!    1.3 groups and the TLS 1.0–1.2 curves with compression (`groups.rs`). Each is a chain of
//!    hellos (the next depends on the last answer); the chains run side by side. Each chain's
//!    first answer comes from a hello already sent where one is identical: a version's first
//!    suite and the first TLS 1.3 group from the version probe.
//! 3. What needs the whole suite lists, at once: the server-order hello of each version and the
//!    DHE probe.
//!
//! Over SMTP (`Scanner::mail`) there is one lane, the suites of SSL 3.0, TLS 1.0 and TLS 1.1
//! are not enumerated (their first pick stays, `suites_complete` false) and stage 3 is the DHE
//! probe alone (no server-order hellos).
//!
//! Results are put together in a fixed order whatever order the answers came in: a version's
//! suites are its first pick, then the class's picks in the order the server made them (for a
//! server that enforces its order, its preference order); groups are TLS 1.3's, then the
//! curves.

use std::cmp::Reverse;

use futures_util::stream::{self, StreamExt};
use govscan_model::{SuiteSeen, TlsScan};
use govscan_tls_hello::{ProtocolVersion, ServerReply};

use super::classes::suite_classes;
use super::versions::ClassResult;
use super::{
    Scanner, Stop, VERSION_ORDER, VersionState, empty_scan, version_key, version_of, version_rank,
};

/// One chain of hellos of the details stage.
enum Step {
    /// One class of suites of `states[state]`.
    Class {
        state: usize,
        version: ProtocolVersion,
        offer: Vec<u16>,
    },
    /// The TLS 1.3 groups, with the group the version probe was answered with.
    Groups13(Option<ServerReply>),
    /// The TLS 1.0–1.2 curves and compression.
    Curves(ProtocolVersion),
}

/// What one step found.
enum Found {
    Class {
        state: usize,
        class: ClassResult,
    },
    /// The groups (and compression) a step recorded (in a scan of its own) and how it ended.
    Groups(Box<TlsScan>, Result<(), Stop>),
}

/// One chain of the last stage.
enum Late<'s> {
    Order(usize, ProtocolVersion, &'s [SuiteSeen]),
    Dhe,
}

/// What the last stage found.
enum LateFound {
    Order(usize, Result<Option<bool>, Stop>),
    Dhe(Box<TlsScan>, Result<(), Stop>),
}

impl Scanner<'_> {
    pub(super) async fn run_steps(&self, scan: &mut TlsScan) -> Result<(), Stop> {
        let (mut states, stop) = self.versions().await;
        // Keep whatever was learned, even when the scan stops early.
        let result = match stop {
            Some(s) => Err(s),
            None => self.details(&mut states, scan).await,
        };
        scan.versions = states.into_iter().map(|s| s.probe).collect();
        result
    }

    /// Stage 1: the version probes.
    async fn versions(&self) -> (Vec<VersionState>, Option<Stop>) {
        let mut states = Vec::new();
        let mut order = VERSION_ORDER.into_iter();
        for version in order.by_ref() {
            match self.probe_version(version).await {
                Ok(state) => states.push(state),
                Err(stop) => return (states, Some(stop)),
            }
            if self.answered_once() {
                break;
            }
        }
        // The futures are made up front (not in a stream's closure), which keeps them `Send`.
        let probes: Vec<_> = order.map(|version| self.probe_version(version)).collect();
        let mut stop = None;
        for answer in in_lanes(probes, self.lanes()).await {
            match answer {
                Ok(state) => states.push(state),
                Err(s) => {
                    stop.get_or_insert(s);
                }
            }
        }
        (states, stop)
    }

    /// Stages 2 and 3: suites, order, compression and groups, after the versions are known.
    async fn details(&self, states: &mut [VersionState], scan: &mut TlsScan) -> Result<(), Stop> {
        states.sort_by_key(|s| Reverse(version_rank(&s.probe.version)));
        let accepted = |s: &VersionState| s.probe.accepted == Some(true);
        let highest_classic = states
            .iter()
            .filter(|s| accepted(s))
            .filter_map(|s| version_of(&s.probe.version))
            .find(|v| {
                matches!(
                    v,
                    ProtocolVersion::Tls10 | ProtocolVersion::Tls11 | ProtocolVersion::Tls12
                )
            });
        let tls13 = states
            .iter()
            .any(|s| accepted(s) && s.probe.version == version_key(ProtocolVersion::Tls13));

        let mut steps = Vec::new();
        let mut enumerated = Vec::new();
        for (i, state) in states.iter().enumerate() {
            let version = match version_of(&state.probe.version) {
                Some(v) if accepted(state) && v != ProtocolVersion::Ssl2 => v,
                _ => continue,
            };
            if state.first.is_none() || !self.enumerates_suites(version) {
                continue;
            }
            enumerated.push(i);
            let known: Vec<u32> = state.probe.suites.iter().map(|s| s.id).collect();
            for offer in suite_classes(version, &known) {
                steps.push(Step::Class {
                    state: i,
                    version,
                    offer,
                });
            }
        }
        if tls13 {
            let seed = states
                .iter()
                .find(|s| s.probe.version == version_key(ProtocolVersion::Tls13))
                .and_then(|s| s.first.clone());
            steps.push(Step::Groups13(seed));
        }
        if let Some(version) = highest_classic {
            steps.push(Step::Curves(version));
        }
        let chains: Vec<_> = steps.into_iter().map(|step| self.step(step)).collect();
        let found = in_lanes(chains, self.lanes()).await;

        let mut stop = None;
        let mut complete = vec![true; states.len()];
        for f in found {
            match f {
                Found::Class { state, class } => {
                    if let Some(s) = states.get_mut(state) {
                        s.probe.suites.extend(class.found);
                    }
                    if !class.complete
                        && let Some(c) = complete.get_mut(state)
                    {
                        *c = false;
                    }
                    if let Some(s) = class.stop {
                        stop.get_or_insert(s);
                    }
                }
                Found::Groups(part, result) => {
                    merge_groups(scan, *part);
                    if let Err(s) = result {
                        stop.get_or_insert(s);
                    }
                }
            }
        }
        for i in enumerated {
            if let (Some(state), Some(done)) = (states.get_mut(i), complete.get(i)) {
                state.probe.suites_complete = *done;
            }
        }
        if let Some(s) = stop {
            return Err(s);
        }
        if scan.groups_version.is_none() {
            scan.groups_note = Some("no version from TLS 1.0 to TLS 1.3 is accepted".into());
        }
        self.late(states, scan).await
    }

    /// Stage 3: each accepted version's server order, and the DHE probe.
    async fn late(&self, states: &mut [VersionState], scan: &mut TlsScan) -> Result<(), Stop> {
        let mut steps = vec![Late::Dhe];
        for (i, state) in states.iter().enumerate() {
            if state.probe.accepted == Some(true)
                && self.probes_server_order()
                && let Some(version) = version_of(&state.probe.version)
            {
                steps.push(Late::Order(i, version, &state.probe.suites));
            }
        }
        let shared: &[VersionState] = states;
        let chains: Vec<_> = steps
            .into_iter()
            .map(|step| self.late_step(step, shared))
            .collect();
        let found = in_lanes(chains, self.lanes()).await;
        let mut stop = None;
        for f in found {
            match f {
                LateFound::Order(state, Ok(order)) => {
                    if let Some(s) = states.get_mut(state) {
                        s.probe.server_order = order;
                    }
                }
                LateFound::Order(_, Err(s)) => {
                    stop.get_or_insert(s);
                }
                LateFound::Dhe(part, result) => {
                    scan.dhe = part.dhe;
                    if let Err(s) = result {
                        stop.get_or_insert(s);
                    }
                }
            }
        }
        stop.map_or(Ok(()), Err)
    }

    async fn late_step(&self, step: Late<'_>, states: &[VersionState]) -> LateFound {
        match step {
            Late::Order(state, version, suites) => {
                LateFound::Order(state, self.server_order(version, suites).await)
            }
            Late::Dhe => {
                let mut part = empty_scan();
                let result = self.dhe(states, &mut part).await;
                LateFound::Dhe(Box::new(part), result)
            }
        }
    }

    async fn step(&self, step: Step) -> Found {
        match step {
            Step::Class {
                state,
                version,
                offer,
            } => Found::Class {
                state,
                class: self.enumerate_class(version, offer).await,
            },
            Step::Groups13(seed) => {
                let mut part = empty_scan();
                let result = self.groups_tls13(seed, &mut part).await;
                Found::Groups(Box::new(part), result)
            }
            Step::Curves(version) => {
                let mut part = empty_scan();
                let result = self.curves_and_compression(version, &mut part).await;
                Found::Groups(Box::new(part), result)
            }
        }
    }
}

/// Runs `futures` at most `lanes` at a time and gives their outputs in the futures' order,
/// whatever order they finished in.
async fn in_lanes<F: std::future::Future>(futures: Vec<F>, lanes: usize) -> Vec<F::Output> {
    let tagged: Vec<_> = futures
        .into_iter()
        .enumerate()
        .map(|(i, future)| async move { (i, future.await) })
        .collect();
    let mut answers: Vec<(usize, F::Output)> =
        stream::iter(tagged).buffer_unordered(lanes).collect().await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// Adds one group step's findings to the scan, as if the steps had run one after the other.
fn merge_groups(scan: &mut TlsScan, part: TlsScan) {
    if scan.groups_version.is_none() {
        scan.groups_version = part.groups_version;
    }
    scan.groups.extend(part.groups);
    if part.compression_accepted.is_some() {
        scan.compression_accepted = part.compression_accepted;
    }
    if let Some(note) = part.groups_note {
        scan.groups_note = Some(match scan.groups_note.take() {
            Some(earlier) => format!("{earlier}; {note}"),
            None => note,
        });
    }
}
