//! The named-group steps of the scan: TLS 1.3 groups, and the curves of the highest accepted
//! TLS 1.0–1.2 version (read from the ServerKeyExchange), both enumerated the way suites are:
//! offer every group not yet seen, record the one the server picks, and ask again until it
//! refuses. That costs one handshake per accepted group plus one (plus one more for TLS 1.0–1.2,
//! to tell a refusal from an ECDSA certificate's curve no longer offered, unless the last pick
//! came with an RSA-signed suite), instead of one per group. The first pick costs no hello of its own: the TLS 1.3 version probe is the groups
//! step's first hello (it offers every group), and the compression probe is the curves step's
//! first hello (it also offers DEFLATE; a server that refuses that hello gets both asked
//! separately, as before).

use govscan_model::{GroupProbe, TlsScan};
use govscan_tls_hello::groups::{self, GroupKind, NamedGroup};
use govscan_tls_hello::suites::{self, Authentication, KeyExchange};
use govscan_tls_hello::{
    Flight, HelloSpec, KeyExchangeReply, ProtocolVersion, ReadUntil, ServerReply,
    build_client_hello,
};

use super::exchange::{Answer, offer_deflate};
use super::{Scanner, Stop, version_key};

/// The groups of the TLS 1.3 version probe and of the groups step's hellos: every table group.
pub(super) fn tls13_group_offer() -> Vec<u16> {
    groups::all().iter().map(|g| g.id).collect()
}

/// The group a TLS 1.3 reply names (ServerHello or HelloRetryRequest), if any.
fn tls13_pick(reply: &ServerReply) -> Option<u16> {
    match reply {
        ServerReply::ServerHello {
            version: ProtocolVersion::Tls13,
            selected_group: Some(group),
            ..
        }
        | ServerReply::HelloRetryRequest {
            selected_group: Some(group),
            ..
        } => Some(*group),
        _ => None,
    }
}

/// How one enumeration hello ended.
enum Pick {
    /// The server chose this group.
    Group(u16),
    /// The server refused every group offered.
    Refused,
    /// No usable answer (why, for the note).
    Unknown(String),
}

impl Scanner<'_> {
    /// TLS 1.3: every table group offered (an X25519 key share only while x25519 is offered, so
    /// a server preferring another group answers with a HelloRetryRequest naming it). `seed`
    /// is the TLS 1.3 version probe's reply (the same first hello).
    pub(super) async fn groups_tls13(
        &self,
        seed: Option<ServerReply>,
        scan: &mut TlsScan,
    ) -> Result<(), Stop> {
        let seed = seed.map(|reply| {
            Answer::Hello(Flight {
                reply,
                key_exchange: None,
            })
        });
        let version = ProtocolVersion::Tls13;
        scan.groups_version = Some(version_key(version).into());
        let candidates: Vec<&NamedGroup> = groups::all().iter().collect();
        self.enumerate(version, candidates, seed, scan, |answer| match answer {
            Answer::Hello(Flight { reply, .. }) => match tls13_pick(reply) {
                Some(group) => Pick::Group(group),
                None => Pick::Unknown("a reply naming no TLS 1.3 group".into()),
            },
            Answer::Refused(_) => Pick::Refused,
            Answer::Unknown(u) => Pick::Unknown(u.reason.clone()),
        })
        .await
    }

    /// TLS 1.0–1.2: ECDHE suites only, every table curve offered; the curve the server picked
    /// is in its ServerKeyExchange (RFC 8422 §5.4). Finite-field groups are the DHE probe's.
    /// The first hello also offers DEFLATE: its ServerHello answers the compression probe
    /// (`scan.compression_accepted`) and its curve is the first pick. When that hello gets no
    /// ECDHE ServerHello of `version` (refused: perhaps for the DEFLATE offer alone), the
    /// compression hello and the curves are asked separately, exactly as before the merge.
    pub(super) async fn curves_and_compression(
        &self,
        version: ProtocolVersion,
        scan: &mut TlsScan,
    ) -> Result<(), Stop> {
        if scan.groups_version.is_none() {
            scan.groups_version = Some(version_key(version).into());
        }
        let candidates: Vec<&NamedGroup> = groups::all()
            .iter()
            .filter(|g| matches!(g.kind, GroupKind::EllipticCurve | GroupKind::Montgomery))
            .collect();
        let first = offer_deflate(&build_client_hello(&self.curve_spec(version, &candidates)));
        let mut seed = None;
        if let Some(hello) = first {
            match self.send(&hello, ReadUntil::KeyExchange).await {
                Ok(answer) => {
                    if let Answer::Hello(Flight {
                        reply:
                            ServerReply::ServerHello {
                                version: v,
                                compression,
                                ..
                            },
                        ..
                    }) = &answer
                        && *v == version
                    {
                        scan.compression_accepted = Some(*compression != 0);
                        seed = Some(answer);
                    }
                }
                Err(stop) => {
                    record_open(scan, version, &candidates, None);
                    return Err(stop);
                }
            }
        }
        if scan.compression_accepted.is_none() {
            match self.compression(version).await {
                Ok(accepted) => scan.compression_accepted = accepted,
                Err(stop) => {
                    record_open(scan, version, &candidates, None);
                    return Err(stop);
                }
            }
        }
        self.enumerate(version, candidates, seed, scan, |answer| match answer {
            Answer::Hello(Flight {
                reply: ServerReply::ServerHello { version: v, .. },
                key_exchange,
            }) if *v == version => match key_exchange {
                Some(KeyExchangeReply::Ec { curve }) => Pick::Group(*curve),
                Some(KeyExchangeReply::Unusable { reason }) => Pick::Unknown(reason.clone()),
                _ => Pick::Unknown("the ServerKeyExchange carried no curve".into()),
            },
            Answer::Hello(_) => {
                Pick::Unknown(format!("a reply that is not a {version} ECDHE ServerHello"))
            }
            Answer::Refused(_) => Pick::Refused,
            Answer::Unknown(u) => Pick::Unknown(u.reason.clone()),
        })
        .await
    }

    /// The curves step's hello at `version` offering `groups` (ECDHE suites only).
    fn curve_spec(&self, version: ProtocolVersion, groups: &[&NamedGroup]) -> HelloSpec {
        let ecdhe: Vec<u16> = suites::ids_usable_at(version)
            .into_iter()
            .filter(|id| suites::lookup(*id).is_some_and(|s| s.key_exchange == KeyExchange::Ecdhe))
            .collect();
        let mut spec = self.spec(version).with_suites(ecdhe);
        spec.groups = groups.iter().map(|g| g.id).collect();
        spec
    }

    /// Offers the candidates still open, records the group picked, and repeats until the
    /// server refuses; every group left open when the enumeration stops is recorded as refused
    /// (after a refusal) or unknown (anything else, including the handshake budget). `seed` is
    /// the answer to a first hello identical to this enumeration's first (but for a DEFLATE
    /// offer): when it names an open group, that is the first pick and is not asked again.
    async fn enumerate(
        &self,
        version: ProtocolVersion,
        mut open: Vec<&NamedGroup>,
        seed: Option<Answer>,
        scan: &mut TlsScan,
        pick: impl Fn(&Answer) -> Pick,
    ) -> Result<(), Stop> {
        let key = version_key(version);
        let record = |scan: &mut TlsScan, id: u16, accepted: Option<bool>| {
            scan.groups.push(group_probe(key, id, accepted));
        };
        // TLS 1.0–1.2 only: a curve the server needs in the list, offered last. An ECDSA
        // certificate is only usable when its curve is among the client's groups (RFC 8422
        // §5.1; OpenSSL enforces it), so once that curve is picked and removed, every later
        // hello would be refused although other curves are accepted.
        // Not when the last pick came with an RSA-signed suite: the server then has an RSA
        // certificate, which no curve offer can make unusable, so a refusal after removing
        // that curve means no curve left is accepted.
        let mut anchor: Option<u16> = None;
        let mut last_pick: Option<(u16, bool)> = None;
        if let Some(answer) = seed
            && let Pick::Group(id) = pick(&answer)
            && open.iter().any(|g| g.id == id)
        {
            record(scan, id, Some(true));
            open.retain(|g| g.id != id);
            last_pick = Some((id, rsa_signed(&answer)));
        }
        while !open.is_empty() {
            let (spec, until) = if version == ProtocolVersion::Tls13 {
                let mut spec = self.spec(version);
                spec.groups = open.iter().map(|g| g.id).chain(anchor).collect();
                (spec, ReadUntil::ServerHello)
            } else {
                let mut spec = self.curve_spec(version, &open);
                spec.groups.extend(anchor);
                (spec, ReadUntil::KeyExchange)
            };
            let answer = match self.send(&build_client_hello(&spec), until).await {
                Ok(answer) => answer,
                Err(stop) => {
                    for g in open {
                        record(scan, g.id, None);
                    }
                    return Err(stop);
                }
            };
            let (left, why) = match pick(&answer) {
                Pick::Group(id) if open.iter().any(|g| g.id == id) => {
                    record(scan, id, Some(true));
                    open.retain(|g| g.id != id);
                    last_pick = Some((id, rsa_signed(&answer)));
                    continue;
                }
                Pick::Group(id) if Some(id) == anchor => {
                    // Every client must offer the anchor to use the certificate, and with it
                    // offered the server prefers it (or knows none of the others): the others
                    // are never used. The usual end of the enumeration, so no note.
                    (Some(false), String::new())
                }
                Pick::Group(id) => {
                    let seen = scan
                        .groups
                        .iter()
                        .any(|g| g.id == id && g.version.as_deref() == Some(key));
                    if seen {
                        // It picked a group it had already picked, now that it is not
                        // offered: it uses that group whatever the client offers.
                        (
                            Some(false),
                            format!(
                                "{key}: the server chose {} again although it was no longer \
                                 offered, so it ignores the client's groups",
                                group_name(id)
                            ),
                        )
                    } else {
                        record(scan, id, Some(true));
                        (
                            None,
                            format!(
                                "{key}: the server chose {}, which was not offered",
                                group_name(id)
                            ),
                        )
                    }
                }
                Pick::Refused if version != ProtocolVersion::Tls13 && anchor.is_none() => {
                    // Refused once the last curve picked was removed: that may be the curve of
                    // an ECDSA certificate. Ask again with it offered last.
                    if let Some((id, false)) = last_pick {
                        anchor = Some(id);
                        continue;
                    }
                    (Some(false), String::new())
                }
                Pick::Refused => (Some(false), String::new()),
                Pick::Unknown(why) => (None, format!("{key}: no clear answer ({why})")),
            };
            for g in open.drain(..) {
                record(scan, g.id, left);
            }
            if !why.is_empty() {
                scan.groups_note = Some(match scan.groups_note.take() {
                    Some(note) => format!("{note}; {why}"),
                    None => why,
                });
            }
        }
        Ok(())
    }
}

/// Whether `answer` is a ServerHello choosing a suite signed with an RSA certificate.
fn rsa_signed(answer: &Answer) -> bool {
    matches!(
        answer,
        Answer::Hello(Flight {
            reply: ServerReply::ServerHello { cipher_suite, .. },
            ..
        }) if suites::lookup(*cipher_suite).is_some_and(|s| s.authentication == Authentication::Rsa)
    )
}

fn group_probe(key: &str, id: u16, accepted: Option<bool>) -> GroupProbe {
    GroupProbe {
        id,
        name: groups::name(id).map_or_else(|| format!("unknown {id:#06x}"), str::to_string),
        accepted,
        version: Some(key.into()),
    }
}

/// Records every group of `open` at `version` as `accepted` (the scan stopped before them).
fn record_open(
    scan: &mut TlsScan,
    version: ProtocolVersion,
    open: &[&NamedGroup],
    accepted: Option<bool>,
) {
    let key = version_key(version);
    scan.groups
        .extend(open.iter().map(|g| group_probe(key, g.id, accepted)));
}

fn group_name(id: u16) -> String {
    groups::name(id).map_or_else(|| format!("group {id:#06x}"), str::to_string)
}
