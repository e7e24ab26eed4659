//! The DHE step of the scan: which finite-field groups the server uses with its DHE suites,
//! read from the ServerKeyExchange (RFC 5246 §7.4.3). First a hello without supported_groups
//! (what a client that knows no RFC 7919 group gets: the server's own group, often a custom
//! prime), then hellos offering the RFC 7919 groups (RFC 7919 §4: a server that knows them picks
//! one; each one picked is removed and the hello sent again, while the server keeps picking
//! offered groups).

use govscan_model::{DhGroup, DheHello, DheProbe, Probed, SuiteSeen, TlsScan};
use govscan_tls_hello::dh::{prime_bits, rfc7919_group};
use govscan_tls_hello::groups::{self, GroupKind};
use govscan_tls_hello::suites::{self, KeyExchange};
use govscan_tls_hello::{KeyExchangeReply, ProtocolVersion, ReadUntil, build_client_hello};

use super::exchange::Answer;
use super::{
    HelloVerdict, Scanner, Stop, VersionState, judge_hello, suite_name, version_key, version_of,
};

/// The versions DHE is probed with, newest first (SSL 3.0 has no extensions).
const CLASSIC: [ProtocolVersion; 3] = [
    ProtocolVersion::Tls12,
    ProtocolVersion::Tls11,
    ProtocolVersion::Tls10,
];

impl Scanner<'_> {
    /// Runs the DHE probe when a DHE suite was accepted (or the suite list is incomplete, so one
    /// may hide there) and records it in `scan.dhe`, also when the budget cuts it short.
    pub(super) async fn dhe(
        &self,
        states: &[VersionState],
        scan: &mut TlsScan,
    ) -> Result<(), Stop> {
        let version = match dhe_version(states) {
            Ok(version) => version,
            Err(why) => {
                scan.dhe = Probed::skipped(why);
                return Ok(());
            }
        };
        let suites: Vec<u16> = suites::ids_usable_at(version)
            .into_iter()
            .filter(|id| is_dhe(*id))
            .collect();
        let mut probe = DheProbe {
            version: version_key(version).into(),
            hellos: Vec::new(),
            complete: false,
        };
        let result = self.dhe_hellos(version, &suites, &mut probe).await;
        probe.complete = result.is_ok()
            && probe.hellos.iter().all(|h| match h.accepted {
                Some(true) => h.group.is_some(),
                Some(false) => true,
                None => false,
            });
        scan.dhe = Probed::ok(probe);
        result
    }

    async fn dhe_hellos(
        &self,
        version: ProtocolVersion,
        suites: &[u16],
        probe: &mut DheProbe,
    ) -> Result<(), Stop> {
        let legacy = self.dhe_hello(version, suites, &[]).await?;
        probe.hellos.push(legacy);
        let mut open: Vec<u16> = groups::all()
            .iter()
            .filter(|g| g.kind == GroupKind::FiniteField)
            .map(|g| g.id)
            .collect();
        while !open.is_empty() {
            let hello = self.dhe_hello(version, suites, &open).await?;
            let picked = hello
                .group
                .as_ref()
                .and_then(|g| g.named_id)
                .filter(|id| open.contains(id));
            probe.hellos.push(hello);
            match picked {
                Some(id) => open.retain(|g| *g != id),
                None => break,
            }
        }
        Ok(())
    }

    /// One hello offering only `suites` (DHE) and `offered` in supported_groups (none: the
    /// extension is left out).
    async fn dhe_hello(
        &self,
        version: ProtocolVersion,
        suites: &[u16],
        offered: &[u16],
    ) -> Result<DheHello, Stop> {
        let mut spec = self.spec(version).with_suites(suites.to_vec());
        spec.groups = offered.to_vec();
        let answer = self
            .send(&build_client_hello(&spec), ReadUntil::KeyExchange)
            .await?;
        let mut hello = DheHello {
            offered_groups: offered
                .iter()
                .map(|id| groups::name(*id).map_or_else(|| format!("{id:#06x}"), str::to_string))
                .collect(),
            accepted: None,
            detail: String::new(),
            suite: None,
            group: None,
        };
        match answer {
            Answer::Hello(flight) => match judge_hello(&flight.reply, version) {
                HelloVerdict::Accepted(suite) if suites.contains(&suite) => {
                    hello.accepted = Some(true);
                    let name = suite_name(version, suite);
                    hello.suite = Some(SuiteSeen {
                        id: u32::from(suite),
                        name: name.clone(),
                    });
                    match flight.key_exchange {
                        Some(KeyExchangeReply::Dh { prime, generator }) => {
                            let named_id = rfc7919_group(&prime, &generator);
                            let group = DhGroup {
                                prime_bits: prime_bits(&prime),
                                named: named_id.and_then(groups::name).map(str::to_string),
                                named_id,
                            };
                            hello.detail = format!(
                                "ServerHello {name}, ServerKeyExchange with a {}-bit prime{}",
                                group.prime_bits,
                                group
                                    .named
                                    .as_deref()
                                    .map(|n| format!(" ({n})"))
                                    .unwrap_or_default()
                            );
                            hello.group = Some(group);
                        }
                        Some(KeyExchangeReply::Unusable { reason }) => {
                            hello.detail = format!("ServerHello {name}; {reason}");
                        }
                        other => {
                            hello.detail =
                                format!("ServerHello {name}; no DH parameters read ({other:?})");
                        }
                    }
                }
                HelloVerdict::Accepted(suite) => {
                    hello.detail = format!(
                        "the server chose {}, which was not offered",
                        suite_name(version, suite)
                    );
                }
                HelloVerdict::Refused(why) => {
                    hello.accepted = Some(false);
                    hello.detail = why;
                }
                HelloVerdict::Unknown(why) => hello.detail = why,
            },
            Answer::Refused(why) => {
                hello.accepted = Some(false);
                hello.detail = why;
            }
            Answer::Unknown(u) => hello.detail = u.reason,
        }
        Ok(hello)
    }
}

/// Whether suite `id` sends finite-field DH parameters in its ServerKeyExchange.
fn is_dhe(id: u16) -> bool {
    suites::lookup(id)
        .is_some_and(|s| matches!(s.key_exchange, KeyExchange::Dhe | KeyExchange::DhAnon))
}

/// The version to probe DHE with: the highest accepted TLS 1.0–1.2 version that accepted a DHE
/// suite, else the highest whose suite list is incomplete (a DHE suite may hide there); or why
/// there is nothing to probe.
fn dhe_version(states: &[VersionState]) -> Result<ProtocolVersion, String> {
    let classic: Vec<(ProtocolVersion, &VersionState)> = CLASSIC
        .into_iter()
        .filter_map(|v| {
            states
                .iter()
                .find(|s| s.probe.accepted == Some(true) && version_of(&s.probe.version) == Some(v))
                .map(|s| (v, s))
        })
        .collect();
    if classic.is_empty() {
        return Err("no version from TLS 1.0 to TLS 1.2 is accepted".into());
    }
    let with_dhe = classic.iter().find(|(_, s)| {
        s.probe
            .suites
            .iter()
            .any(|seen| u16::try_from(seen.id).is_ok_and(is_dhe))
    });
    let incomplete = classic.iter().find(|(_, s)| !s.probe.suites_complete);
    match with_dhe.or(incomplete) {
        Some((version, _)) => Ok(*version),
        None => Err("no DHE suite is accepted".into()),
    }
}
