//! The version, suite, server-order and compression steps of the scan.

use govscan_model::{SuiteSeen, VersionProbe};
use govscan_tls_hello::{
    Flight, ProtocolVersion, ReadUntil, ServerReply, build_client_hello, suites,
};

use super::exchange::{Answer, offer_deflate};
use super::{
    HelloVerdict, Scanner, Stop, VersionState, judge_hello, reply_kind, suite_name, version_key,
    version_of,
};

impl Scanner<'_> {
    pub(super) async fn probe_version(
        &mut self,
        version: ProtocolVersion,
    ) -> Result<VersionState, Stop> {
        let hello = build_client_hello(&self.spec(version));
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

    /// Removes each chosen suite and asks again until the server refuses.
    pub(super) async fn enumerate_suites(&mut self, state: &mut VersionState) -> Result<(), Stop> {
        let Some(version) = version_of(&state.probe.version) else {
            return Ok(());
        };
        if version == ProtocolVersion::Ssl2 || state.first.is_none() {
            return Ok(());
        }
        let mut offer = suites::ids_usable_at(version);
        offer.retain(|id| !state.probe.suites.iter().any(|s| s.id == u32::from(*id)));
        while !offer.is_empty() {
            let hello = build_client_hello(&self.spec(version).with_suites(offer.clone()));
            match self.send(&hello, ReadUntil::ServerHello).await? {
                Answer::Hello(flight) => match judge_hello(&flight.reply, version) {
                    HelloVerdict::Accepted(suite) if offer.contains(&suite) => {
                        offer.retain(|id| *id != suite);
                        state.probe.suites.push(SuiteSeen {
                            id: u32::from(suite),
                            name: suite_name(version, suite),
                        });
                    }
                    // A suite not offered, or a lower version: the server is confused; stop.
                    _ => return Ok(()),
                },
                Answer::Refused(_) => {
                    state.probe.suites_complete = true;
                    return Ok(());
                }
                Answer::Unknown(_) => return Ok(()),
            }
        }
        state.probe.suites_complete = true;
        Ok(())
    }

    /// Offers the accepted suites in reverse: a server that still picks its first choice
    /// enforces its own order.
    pub(super) async fn server_order(&mut self, state: &mut VersionState) -> Result<(), Stop> {
        let Some(version) = version_of(&state.probe.version) else {
            return Ok(());
        };
        if version == ProtocolVersion::Ssl2 || state.probe.suites.len() < 2 {
            return Ok(());
        }
        let reversed: Vec<u16> = state
            .probe
            .suites
            .iter()
            .rev()
            .filter_map(|s| u16::try_from(s.id).ok())
            .collect();
        let (Some(first_choice), Some(last)) = (state.probe.suites.first(), reversed.first())
        else {
            return Ok(());
        };
        let (first_choice, last) = (first_choice.id, u32::from(*last));
        let hello = build_client_hello(&self.spec(version).with_suites(reversed));
        if let Some(reply) = self.send(&hello, ReadUntil::ServerHello).await?.reply()
            && let HelloVerdict::Accepted(suite) = judge_hello(reply, version)
        {
            let suite = u32::from(suite);
            state.probe.server_order = if suite == first_choice {
                Some(true)
            } else if suite == last {
                Some(false)
            } else {
                None
            };
        }
        Ok(())
    }

    /// Offers DEFLATE next to null compression at `version`.
    pub(super) async fn compression(
        &mut self,
        version: ProtocolVersion,
    ) -> Result<Option<bool>, Stop> {
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
