//! Every address of the domain completes a TLS handshake on port 443.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, Need, Observations, Outcome, Probed,
    Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine_each, incomplete_finding};
use crate::{Check, Context};

/// The check.
pub struct HttpsAvailable;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const HANDSHAKE_COMPLETED: FindingDecl = FindingDecl {
    key: "handshake_completed",
    status: Status::Pass,
    meaning: "the TLS handshake on port 443 completes",
};
const HTTPS_NOT_OFFERED: FindingDecl = FindingDecl {
    key: "https_not_offered",
    status: Status::Fail,
    meaning: "port 443 does not offer HTTPS",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.https-available",
    family: Family::Tls,
    title: "The website is available over HTTPS on every address",
    level: Level::Must,
    rationale: "Without HTTPS, everything a visitor sends and receives can be read and changed \
                by anyone on the network path. Every address the name resolves to must offer \
                HTTPS, or some visitors silently get a broken or insecure site.",
    remediation: "Serve the site on port 443 with a valid certificate on every IPv4 and IPv6 \
                  address in DNS (or remove the addresses that do not serve it).\n\
                  nginx: `listen 443 ssl; listen [::]:443 ssl;` with `ssl_certificate` and \
                  `ssl_certificate_key`.\n\
                  Apache: `<VirtualHost *:443>` with `SSLEngine on`, `SSLCertificateFile`, \
                  `SSLCertificateKeyFile`.\n\
                  IIS: add an `https` site binding on port 443 with the certificate.",
    references: &[
        Reference {
            title: "RFC 9110 §4.2.2 (https URI scheme)",
            url: "https://www.rfc-editor.org/rfc/rfc9110#section-4.2.2",
        },
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "internet.nl website test (HTTPS available)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[HANDSHAKE_COMPLETED, HTTPS_NOT_OFFERED],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// The handshake completed.
    HandshakeCompleted,
    /// Port 443 refused the connection.
    HttpsNotOffered,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::HandshakeCompleted => HANDSHAKE_COMPLETED,
            Finding::HttpsNotOffered => HTTPS_NOT_OFFERED,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

impl Check for HttpsAvailable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine_each(META.id, &obs.endpoints, |ep| match &ep.tls {
            Probed::Ok { value } => EndpointVerdict::new(
                Status::Pass,
                Finding::HandshakeCompleted.key(),
                format!("a {} handshake on port 443 completed", value.version),
                json!({
                    "version": value.version,
                    "cipher_suite": value.cipher_suite,
                    "sni": value.sni,
                }),
            ),
            // A refused connection is an answer from the host: nothing listens on 443.
            Probed::Failed {
                kind: FailureKind::Refused,
                detail,
            } => EndpointVerdict::new(
                Status::Fail,
                Finding::HttpsNotOffered.key(),
                "port 443 refused connections (HTTPS is not offered)",
                json!({ "failure": "refused", "detail": detail }),
            ),
            // Timeouts, unreachable hosts, handshake errors and skips are not judged here.
            Probed::Failed { kind, detail } => EndpointVerdict::new(
                Status::Inconclusive,
                incomplete_finding(Some(*kind)),
                format!("the TLS handshake did not complete ({kind:?}): {detail}"),
                json!({ "failure": kind, "detail": detail }),
            ),
            Probed::Skipped { why } => EndpointVerdict::new(
                Status::Inconclusive,
                "probe_incomplete",
                format!("the TLS handshake was not attempted: {why}"),
                json!({ "skipped": why }),
            ),
        })
    }
}
