//! The modern handshake (the client offers TLS 1.3 and 1.2) negotiates TLS 1.3.

use govscan_model::{CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct Tls13Supported;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.tls13-supported",
    family: Family::Tls,
    title: "TLS 1.3 is supported",
    level: Level::Should,
    rationale: "TLS 1.3 removes the weak options of earlier versions, always gives forward \
                secrecy and encrypts more of the handshake. Estonian guidance (RIA) prefers \
                TLS 1.3 and keeps TLS 1.2 only where it is really needed; NCSC-NL rates 1.3 \
                \"good\" and 1.2 \"sufficient\".",
    remediation: "Enable TLS 1.3 next to TLS 1.2.\n\
                  nginx (OpenSSL ≥ 1.1.1): `ssl_protocols TLSv1.2 TLSv1.3;`\n\
                  Apache (OpenSSL ≥ 1.1.1): `SSLProtocol -all +TLSv1.2 +TLSv1.3`\n\
                  IIS: Windows Server 2022 or later enables TLS 1.3 by default; check that it \
                  is not disabled under `SCHANNEL\\Protocols\\TLS 1.3` in the registry.",
    references: &[
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (TLS settings)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "RFC 8446 (TLS 1.3)",
            url: "https://www.rfc-editor.org/rfc/rfc8446",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS v2.1 (TLS 1.3 good, 1.2 sufficient)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// TLS 1.3 was negotiated.
    Tls13Negotiated,
    /// A lower version was negotiated although the client offered 1.3.
    Tls13NotNegotiated,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::Tls13Negotiated => "tls13_negotiated",
            Finding::Tls13NotNegotiated => "tls13_not_negotiated",
        }
    }
}

impl Check for Tls13Supported {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| {
                let evidence = json!({
                    "negotiated_version": tls.version,
                    "cipher_suite": tls.cipher_suite,
                    "offered": ["TLSv1_3", "TLSv1_2"],
                });
                if tls.version == "TLSv1_3" {
                    EndpointVerdict::new(
                        Status::Pass,
                        Finding::Tls13Negotiated.key(),
                        "TLS 1.3 was negotiated",
                        evidence,
                    )
                } else {
                    EndpointVerdict::new(
                        Status::Fail,
                        Finding::Tls13NotNegotiated.key(),
                        format!(
                            "{} was negotiated although TLS 1.3 was offered",
                            tls.version
                        ),
                        evidence,
                    )
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Tls13Supported);
    }
}
