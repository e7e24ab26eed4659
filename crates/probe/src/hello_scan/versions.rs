//! The version, suite, server-order and compression steps of the scan.

use govscan_model::{SuiteSeen, VersionProbe};
use govscan_tls_hello::{Flight, ProtocolVersion, ReadUntil, ServerReply, build_client_hello};

use super::exchange::{Answer, offer_deflate};
use super::groups::tls13_group_offer;
use super::{
    HelloVerdict, Scanner, Stop, VersionState, judge_hello, reply_kind, suite_name, version_key,
};

/// What enumerating one class of suites found.
#[derive(Default)]
pub(super) struct ClassResult {
    /// The suites picked, in the order the server picked them.
    pub(super) found: Vec<SuiteSeen>,
    /// The server refused the rest of the class (or nothing was left to offer).
    pub(super) complete: bool,
    /// Why the scan must stop (budget, a dead server), if it must.
    pub(super) stop: Option<Stop>,
}

impl Scanner<'_> {
    pub(super) async fn probe_version(
        &self,
        version: ProtocolVersion,
    ) -> Result<VersionState, Stop> {
        let mut spec = self.spec(version);
        if version == ProtocolVersion::Tls13 {
            // The groups step's first hello, so its answer also names the first group.
            spec.groups = tls13_group_offer();
        }
        let hello = build_client_hello(&spec);
        let answer = self.send(&hello, ReadUntil::ServerHello).await?;
        let mut probe = VersionProbe {
            version: version_key(version).into(),
            accepted: None,
            detail: String::new(),
            suites: Vec::new(),
            suites_complete: false,
            server_order: None,
            secure_renegotiation: None,
            extended_master_secret: None,
        };
        let mut first = None;
        match answer {
            Answer::Hello(flight) => match judge_hello(&flight.reply, version) {
                HelloVerdict::Accepted(suite) => {
                    let reply = flight.reply;
                    probe.accepted = Some(true);
                    probe.detail = format!("{} {}", reply_kind(&reply), suite_name(version, suite));
                    if let ServerReply::Ssl2ServerHello { cipher_specs, .. } = &reply {
                        probe.suites = cipher_specs
                            .iter()
                            .map(|id| SuiteSeen {
                                id: *id,
                                name: suite_name(version, *id),
                            })
                            .collect();
                        probe.suites_complete = true;
                    } else {
                        probe.suites.push(SuiteSeen {
                            id: u32::from(suite),
                            name: suite_name(version, suite),
                        });
                    }
                    if let ServerReply::ServerHello {
                        secure_renegotiation,
                        extended_master_secret,
                        ..
                    } = &reply
                        && matches!(
                            version,
                            ProtocolVersion::Tls10
                                | ProtocolVersion::Tls11
                                | ProtocolVersion::Tls12
                        )
                    {
                        probe.secure_renegotiation = Some(*secure_renegotiation);
                        probe.extended_master_secret = Some(*extended_master_secret);
                    }
                    first = Some(reply);
                }
                HelloVerdict::Refused(why) => {
                    probe.accepted = Some(false);
                    probe.detail = why;
                }
                HelloVerdict::Unknown(why) => probe.detail = why,
            },
            Answer::Refused(why) => {
                probe.accepted = Some(false);
                probe.detail = why;
            }
            Answer::Unknown(u) => probe.detail = u.reason,
        }
        Ok(VersionState { probe, first })
    }

    /// Offers one class of suites at `version`, records the suite picked, removes it and asks
    /// again until the server refuses (the class is then complete) or gives no clear answer.
    pub(super) async fn enumerate_class(
        &self,
        version: ProtocolVersion,
        mut offer: Vec<u16>,
    ) -> ClassResult {
        let mut result = ClassResult::default();
        while !offer.is_empty() {
            let hello = build_client_hello(&self.spec(version).with_suites(offer.clone()));
            let answer = match self.send(&hello, ReadUntil::ServerHello).await {
                Ok(answer) => answer,
                Err(stop) => {
                    result.stop = Some(stop);
                    return result;
                }
            };
            match answer {
                Answer::Hello(flight) => match judge_hello(&flight.reply, version) {
                    HelloVerdict::Accepted(suite) if offer.contains(&suite) => {
                        offer.retain(|id| *id != suite);
                        result.found.push(SuiteSeen {
                            id: u32::from(suite),
                            name: suite_name(version, suite),
                        });
                    }
                    // A suite not offered, or a lower version: the server is confused; stop.
                    _ => return result,
                },
                Answer::Refused(_) => {
                    result.complete = true;
                    return result;
                }
                Answer::Unknown(_) => return result,
            }
        }
        result.complete = true;
        result
    }

    /// Offers the accepted suites in reverse: a server that still picks its first choice
    /// enforces its own order.
    /// `None` when there is nothing to tell (fewer than two suites) or no clear answer.
    pub(super) async fn server_order(
        &self,
        version: ProtocolVersion,
        suites: &[SuiteSeen],
    ) -> Result<Option<bool>, Stop> {
        if version == ProtocolVersion::Ssl2 || suites.len() < 2 {
            return Ok(None);
        }
        let reversed: Vec<u16> = suites
            .iter()
            .rev()
            .filter_map(|s| u16::try_from(s.id).ok())
            .collect();
        let (Some(first_choice), Some(last)) = (suites.first(), reversed.first()) else {
            return Ok(None);
        };
        let (first_choice, last) = (first_choice.id, u32::from(*last));
        let hello = build_client_hello(&self.spec(version).with_suites(reversed));
        if let Some(reply) = self.send(&hello, ReadUntil::ServerHello).await?.reply()
            && let HelloVerdict::Accepted(suite) = judge_hello(reply, version)
        {
            let suite = u32::from(suite);
            return Ok(if suite == first_choice {
                Some(true)
            } else if suite == last {
                Some(false)
            } else {
                None
            });
        }
        Ok(None)
    }

    /// Offers DEFLATE next to null compression at `version`.
    pub(super) async fn compression(&self, version: ProtocolVersion) -> Result<Option<bool>, Stop> {
        let Some(hello) = offer_deflate(&build_client_hello(&self.spec(version))) else {
            return Ok(None);
        };
        let answer = self.send(&hello, ReadUntil::ServerHello).await?;
        Ok(match answer {
            Answer::Hello(Flight {
                reply: ServerReply::ServerHello { compression, .. },
                ..
            }) => Some(compression != 0),
            // Refusing a hello that offers compression is itself "no compression".
            Answer::Refused(_) => Some(false),
            _ => None,
        })
    }
}
