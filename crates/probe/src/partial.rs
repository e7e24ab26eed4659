//! Results gathered so far for one domain, so a domain that runs out of time keeps what it saw.

use govscan_model::{
    CaaObservation, DnsObservations, EndpointObservations, FailureKind, HttpExchange, MxRecord,
    Probed, RedirectChain, SoaRecord, TlsObservation, TlsScan,
};
use std::sync::Arc;

use crate::net::{ConnCounter, WaitStage};
use govscan_model::{
    AddressSelection, DkimObservation, DnssecObservation, MailServers, MtaStsPolicyFetch, MxHost,
    NameServersObservation, OrganisationalDmarc, PathFetch, RevocationObservation, SpfTree,
    TlsaLookup,
};

/// DNS results, `None` while unfinished.
#[derive(Debug, Default)]
pub(crate) struct PartialDns {
    pub(crate) a: Option<Probed<Vec<String>>>,
    pub(crate) aaaa: Option<Probed<Vec<String>>>,
    pub(crate) ns: Option<Probed<Vec<String>>>,
    pub(crate) mx: Option<Probed<Vec<MxRecord>>>,
    pub(crate) txt: Option<Probed<Vec<String>>>,
    pub(crate) caa: Option<Probed<CaaObservation>>,
    pub(crate) dmarc: Option<Probed<Vec<String>>>,
    pub(crate) soa: Option<Probed<SoaRecord>>,
    pub(crate) nxdomain: bool,
    pub(crate) root_nxdomain: bool,
    pub(crate) dnssec: Option<Probed<DnssecObservation>>,
    pub(crate) nameservers: Option<Probed<NameServersObservation>>,
    pub(crate) mta_sts: Option<Probed<Vec<String>>>,
    pub(crate) mta_sts_policy: Option<Probed<MtaStsPolicyFetch>>,
    pub(crate) tls_rpt: Option<Probed<Vec<String>>>,
    pub(crate) dmarc_organisational: Option<Probed<OrganisationalDmarc>>,
    pub(crate) organisational_domain: Option<String>,
    pub(crate) spf: Option<Probed<SpfTree>>,
    /// Record sets declared by declarative checks (empty while unfinished: a check then reads
    /// "not queried in this scan", which is inconclusive).
    pub(crate) extra: Vec<govscan_model::DnsQuery>,
}

/// One endpoint's results, `None` while unfinished.
#[derive(Debug, Default)]
pub(crate) struct PartialEndpoint {
    pub(crate) address: String,
    pub(crate) tls: Option<Probed<TlsObservation>>,
    pub(crate) http: Option<Probed<RedirectChain>>,
    pub(crate) https: Option<Probed<RedirectChain>>,
    pub(crate) security_txt: Option<Probed<HttpExchange>>,
    pub(crate) tls_scan: Option<Probed<TlsScan>>,
    pub(crate) paths: Vec<PathFetch>,
    pub(crate) revocation: Option<Probed<RevocationObservation>>,
    /// Connections made so far for this endpoint (kept when the domain's budget runs out).
    pub(crate) counter: Arc<ConnCounter>,
}

/// Everything gathered for one domain so far.
#[derive(Debug, Default)]
pub(crate) struct Partial {
    pub(crate) dns: PartialDns,
    pub(crate) endpoints: Vec<PartialEndpoint>,
    pub(crate) addresses: AddressSelection,
    /// Mail transport and DANE/DKIM results (issue 13).
    pub(crate) mail: PartialMail,
}

/// Mail transport results so far (issue 13).
#[derive(Debug, Default)]
pub(crate) struct PartialMail {
    /// The whole mail-server probe, once finished.
    pub(crate) servers: Option<Probed<MailServers>>,
    /// Before it finishes: the MX hosts planned (preference, name) and the probe's settings.
    pub(crate) plan: Option<(MailServers, Vec<(u16, String)>)>,
    /// Before it finishes: the hosts done so far.
    pub(crate) hosts: Vec<MxHost>,
    pub(crate) web_tlsa: Option<Probed<TlsaLookup>>,
    pub(crate) dkim: Option<Probed<DkimObservation>>,
}

/// The mail transport observations of a domain, every unfinished probe filled in.
pub(crate) struct FinishedMail {
    pub(crate) servers: Probed<MailServers>,
    pub(crate) web_tlsa: Probed<TlsaLookup>,
    pub(crate) dkim: Probed<DkimObservation>,
}

impl PartialMail {
    /// Fills every unfinished probe with a timeout failure saying `why`; MX hosts that had not
    /// finished are listed with their lookups failed that way.
    pub(crate) fn finish(self, why: &str) -> FinishedMail {
        fn timeout<T>(why: &str) -> Probed<T> {
            Probed::failed(FailureKind::Timeout, why)
        }
        let servers = match (self.servers, self.plan) {
            (Some(done), _) => done,
            (None, Some((mut servers, planned))) => {
                let mut hosts = self.hosts;
                for (preference, name) in planned {
                    if !hosts.iter().any(|h| h.name == name) {
                        hosts.push(MxHost {
                            name,
                            preference,
                            addresses: timeout(why),
                            addresses_not_probed: Vec::new(),
                            tlsa: timeout(why),
                            endpoints: Vec::new(),
                        });
                    }
                }
                hosts.sort_by(|a, b| (a.preference, &a.name).cmp(&(b.preference, &b.name)));
                servers.hosts = hosts;
                Probed::ok(servers)
            }
            (None, None) => timeout(why),
        };
        FinishedMail {
            servers,
            web_tlsa: self.web_tlsa.unwrap_or_else(|| timeout(why)),
            dkim: self.dkim.unwrap_or_else(|| timeout(why)),
        }
    }
}

/// What the probe of one domain gathered, every unfinished probe filled in.
pub(crate) struct Finished {
    pub(crate) dns: DnsObservations,
    pub(crate) endpoints: Vec<EndpointObservations>,
    pub(crate) addresses: AddressSelection,
}

impl Partial {
    /// Fills every unfinished probe with a timeout failure saying `why`; an endpoint that was
    /// waiting for a connection slot gets a scanner-side failure saying `waiting(stage)`.
    pub(crate) fn finish(
        self,
        resolver: String,
        why: &str,
        waiting: &dyn Fn(WaitStage) -> String,
    ) -> Finished {
        fn done<T>(slot: Option<Probed<T>>, why: &str) -> Probed<T> {
            slot.unwrap_or_else(|| Probed::failed(FailureKind::Timeout, why))
        }
        fn done_as<T>(slot: Option<Probed<T>>, kind: FailureKind, why: &str) -> Probed<T> {
            slot.unwrap_or_else(|| Probed::failed(kind, why))
        }
        let d = self.dns;
        let dns = DnsObservations {
            a: done(d.a, why),
            aaaa: done(d.aaaa, why),
            ns: done(d.ns, why),
            mx: done(d.mx, why),
            txt: done(d.txt, why),
            caa: done(d.caa, why),
            dmarc: done(d.dmarc, why),
            soa: done(d.soa, why),
            resolver,
            nxdomain: d.nxdomain,
            root_nxdomain: d.root_nxdomain,
            dnssec: done(d.dnssec, why),
            nameservers: done(d.nameservers, why),
            mta_sts: done(d.mta_sts, why),
            mta_sts_policy: done(d.mta_sts_policy, why),
            tls_rpt: done(d.tls_rpt, why),
            dmarc_organisational: done(d.dmarc_organisational, why),
            read_with_cd: Vec::new(),
            organisational_domain: d.organisational_domain,
            spf: done(d.spf, why),
            extra: d.extra,
        };
        let endpoints = self
            .endpoints
            .into_iter()
            .map(|e| {
                let (kind, why) = match e.counter.waiting_for() {
                    Some(stage) => (FailureKind::Scanner, waiting(stage)),
                    None => (FailureKind::Timeout, why.to_string()),
                };
                EndpointObservations {
                    tls: done_as(e.tls, kind, &why),
                    http: done_as(e.http, kind, &why),
                    https: done_as(e.https, kind, &why),
                    security_txt: done_as(e.security_txt, kind, &why),
                    tls_scan: done_as(e.tls_scan, kind, &why),
                    revocation: done_as(e.revocation, kind, &why),
                    address: e.address,
                    paths: e.paths,
                    connections: e.counter.snapshot(),
                }
            })
            .collect();
        Finished {
            dns,
            endpoints,
            addresses: self.addresses,
        }
    }
}
