//! govscan's probe: every byte that crosses the network (DNS, TLS, HTTP), under budgets, turned
//! into `govscan_model::Observations`. A failure is recorded as data; nothing here panics on
//! hostile input.

mod anchor_file;
mod anchors;
mod bogus;
mod cd;
mod config;
mod counter;
mod declared_dns;
mod dkim;
mod dns;
mod dnssec;
mod error;
mod fair;
pub mod hello_scan;
mod http;
mod mail_policy;
mod mail_transport;
mod nameservers;
mod net;
mod offsite;
mod partial;
mod policy;
mod resolver_health;
mod revocation;
pub mod rpki;
mod scanner_side;
mod select;
mod session;
mod smtp;
mod special;
mod spf_tree;
mod tlsa;
mod trust;
mod zone_cache;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use govscan_model::{AddressSelection, FailureKind, Observations, PathFetch, Probed};
use hickory_resolver::proto::rr::{Name, RecordType};

pub use config::{
    DEFAULT_CONCURRENCY, DEFAULT_MAX_ADDRESSES, DEFAULT_PER_ADDRESS, DEFAULT_PER_NETWORK,
    DEFAULT_USER_AGENT, GENTLE_MIN_GAP, GENTLE_PER_ADDRESS, GENTLE_PER_NETWORK, GENTLE_RATE,
    GENTLE_TLS_SCAN_HANDSHAKES, ProbeConfig,
};
pub use config::{DEFAULT_EHLO_NAME, SmtpConfig};
pub use error::ProbeError;
pub use ipnet::IpNet;
pub use policy::{ExcludeList, ExcludeRule, ExcludeTarget};
pub use rpki::{RpkiData, RpkiFileError, RpkiTables};

use crate::dns::Dns;
use crate::fair::DomainShare;
use crate::http::BodyPolicy;
use crate::net::{ConnCounter, Limits};
use crate::partial::{Finished, Partial, PartialEndpoint};
use crate::policy::AddressPolicy;
use crate::session::{Scheme, Session};
use crate::trust::TrustStore;

/// Most body bytes kept as text for security.txt.
const SECURITY_TXT_CAP: usize = 64 * 1024;

/// The `Origin` sent with `GET /` over https:// so that CORS answers can be judged; the
/// `.invalid` TLD (RFC 2606) cannot belong to anyone.
pub const CORS_PROBE_ORIGIN: &str = "https://govscan-cors-probe.invalid";

/// Shared state of a prober.
pub(crate) struct Inner {
    pub(crate) config: ProbeConfig,
    pub(crate) dns: Dns,
    pub(crate) validator: dnssec::Validator,
    pub(crate) trust: TrustStore,
    pub(crate) limits: Limits,
    /// Revocation fetches of this scan (CRLs, OCSP answers), shared by every domain.
    pub(crate) revocation: revocation::FetchCache,
    /// SMTP sessions, the per-MX-address gate and port 25's state, shared by every domain.
    pub(crate) smtp: smtp::SmtpState,
}

/// Probes domains. Cheap to clone; clones share the resolver, roots and connection limits.
#[derive(Clone)]
pub struct Prober {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Prober {
    /// Loads the trust roots and builds the resolver.
    pub fn new(config: ProbeConfig) -> Result<Prober, ProbeError> {
        if config.concurrency == 0
            || config.per_network == 0
            || config.per_address == 0
            || config.max_addresses == 0
        {
            return Err(ProbeError::Config(
                "concurrency, per_network, per_address and max_addresses must be at least 1".into(),
            ));
        }
        if config.rate == Some(0) {
            return Err(ProbeError::Config(
                "rate must be at least 1 connection per second".into(),
            ));
        }
        govscan_smtp_wire::valid_ehlo_name(&config.smtp.ehlo_name)
            .map_err(|e| ProbeError::Config(format!("EHLO name: {e}")))?;
        let trust = TrustStore::new(&config)?;
        let dns = Dns::new(&config)?;
        let validator = dnssec::Validator::new(&config)?;
        let limits = Limits::new(config.concurrency, config.per_address)
            .with_per_network(config.per_network)
            .with_pacing(config.min_gap, config.rate)
            .with_policy(AddressPolicy::from_config(&config));
        let smtp = smtp::SmtpState::new(config.smtp.session_gap);
        Ok(Prober {
            inner: Arc::new(Inner {
                config,
                dns,
                validator,
                trust,
                limits,
                revocation: revocation::FetchCache::default(),
                smtp,
            }),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ProbeConfig {
        &self.inner.config
    }

    /// Probes one domain: DNS, then TLS and HTTP on its addresses. Bounded by `domain_timeout`
    /// (plus the time it waited for slots other domains held, at most once more); on expiry the
    /// probes that had not finished are recorded as timeouts, or as scanner-side failures when
    /// they were waiting for a connection slot. A domain on the exclude list is not probed.
    pub async fn probe_domain(&self, domain: &str) -> Observations {
        let started = Instant::now();
        let probed_at = now_rfc3339();
        let raw = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let name = dns::parse_domain(&raw);
        let domain = name.as_ref().map(dns::name_text).unwrap_or(raw);
        let limits = &self.inner.limits;
        let state = Mutex::new(Partial::default());
        let budget = self.inner.config.domain_timeout;
        let cd_reads = Arc::new(Mutex::new(Vec::new()));
        let share = limits.domain_share();
        let finished = match limits.policy().check_host(&domain) {
            Err(refusal) => {
                excluded(&mut lock(&state), &refusal.reason);
                true
            }
            Ok(()) => {
                // Boxed: the whole probe is a large future, kept off the caller's stack. The CD
                // reads of a bogus zone are logged per domain (`cd::reads_of`).
                let run = Box::pin(cd::reads_of(
                    Arc::clone(&cd_reads),
                    self.run(&domain, name, &state, &share),
                ));
                fair::within_budget(budget, &share, run).await
            }
        };
        let starved = share.starved();
        let budget_text = if starved >= std::time::Duration::from_millis(1) {
            format!(
                "{budget:?} (domain_timeout, plus {:.1}s spent waiting for connection slots that other domains held)",
                starved.as_secs_f64()
            )
        } else {
            format!("{budget:?} (domain_timeout)")
        };
        let why = if finished {
            "internal: probe ended without a result".to_string()
        } else {
            format!("the domain's budget of {budget_text} ran out before this probe finished")
        };
        let open_own = share.open_at_budget_end().unwrap_or(0);
        let waiting = |stage| {
            format!(
                "the domain's budget of {budget_text} ran out while this probe waited for {}: \
                 a limit of the scanner, not a failure of the target",
                limits.describe_wait(stage, open_own)
            )
        };
        let mut partial = state.into_inner().unwrap_or_else(|p| p.into_inner());
        let mail = std::mem::take(&mut partial.mail).finish(&why);
        let Finished {
            mut dns,
            endpoints,
            addresses,
        } = partial.finish(self.inner.dns.description.clone(), &why, &waiting);
        dns.read_with_cd = std::mem::take(&mut *cd_reads.lock().unwrap_or_else(|p| p.into_inner()));
        let rpki = mail_transport::rpki(&self.inner, &dns, &endpoints, &mail.servers);
        Observations {
            domain,
            probed_at,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            dns,
            endpoints,
            mail_servers: mail.servers,
            web_tlsa: mail.web_tlsa,
            rpki,
            dkim: mail.dkim,
            addresses,
        }
    }

    /// All probes of one domain, writing each result into `state` as soon as it is known.
    async fn run(
        &self,
        domain: &str,
        name: Result<Name, String>,
        state: &Mutex<Partial>,
        share: &Arc<DomainShare>,
    ) {
        let name = match name {
            Ok(name) => name,
            Err(why) => {
                let fail = || Probed::failed(FailureKind::Dns, why.clone());
                {
                    let mut s = lock(state);
                    let d = &mut s.dns;
                    (d.a, d.aaaa, d.ns, d.txt, d.dmarc) = (
                        Some(fail()),
                        Some(fail()),
                        Some(fail()),
                        Some(fail()),
                        Some(fail()),
                    );
                    d.mx = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    d.caa = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    d.soa = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    d.spf = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    let m = &mut s.mail;
                    m.servers = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    m.web_tlsa = Some(Probed::failed(FailureKind::Dns, why.clone()));
                    m.dkim = Some(Probed::failed(FailureKind::Dns, why.clone()));
                }
                self.endpoints(domain, Vec::new(), state, share).await;
                return;
            }
        };
        let dns = &self.inner.dns;
        // The SOA answer is asked once and shared by the SOA, DNSSEC and name-server probes.
        let soa = dns::SharedSoa::new();
        let addresses_then_endpoints = async {
            let ((a, a_nxdomain), (aaaa, aaaa_nxdomain)) = tokio::join!(
                dns.addresses(&name, RecordType::A),
                dns.addresses(&name, RecordType::AAAA)
            );
            let mut resolved: Vec<IpAddr> = Vec::new();
            for probed in [&a, &aaaa] {
                resolved.extend(probed.value().into_iter().flatten().copied());
            }
            let nxdomain = a_nxdomain && aaaa_nxdomain;
            // Asked once per scan, and only after an NXDOMAIN: does this resolver see the
            // root zone at all? (A resolver cut off from the public DNS may answer NXDOMAIN
            // for every name; that is the scanner's failure, not a wrong target list.)
            let root_nxdomain = nxdomain && dns.root_does_not_exist().await;
            {
                let mut s = lock(state);
                s.dns.nxdomain = nxdomain;
                s.dns.root_nxdomain = root_nxdomain;
                s.dns.a = Some(a.map(|ips| ips.iter().map(IpAddr::to_string).collect()));
                s.dns.aaaa = Some(aaaa.map(|ips| ips.iter().map(IpAddr::to_string).collect()));
            }
            self.endpoints(domain, resolved, state, share).await;
        };
        let dmarc = async {
            match name.prepend_label("_dmarc") {
                Ok(dmarc_name) => dns.txt(&dmarc_name).await,
                Err(e) => Probed::failed(
                    FailureKind::Dns,
                    format!("cannot form _dmarc.{domain}: {e}"),
                ),
            }
        };
        let store = |f: &dyn Fn(&mut Partial)| f(&mut lock(state));
        tokio::join!(
            addresses_then_endpoints,
            async {
                let v = dns.ns(&name).await;
                store(&|s| s.dns.ns = Some(v.clone()))
            },
            mail_transport::mx_and_mail_servers(&self.inner, &name, state),
            mail_transport::web_tlsa_and_dkim(&self.inner, domain, &name, state),
            async {
                let v = dns.txt(&name).await;
                store(&|s| s.dns.txt = Some(v.clone()));
                let tree = spf_tree::gather(dns, &name, &v).await;
                store(&|s| s.dns.spf = Some(tree.clone()))
            },
            async {
                let v = dns.caa(&name).await;
                store(&|s| s.dns.caa = Some(v.clone()))
            },
            async {
                let v = dmarc.await;
                store(&|s| s.dns.dmarc = Some(v.clone()))
            },
            async {
                let v = dns.soa(&soa, &name).await;
                store(&|s| s.dns.soa = Some(v.clone()))
            },
            self.mail_and_zone(domain, &name, &soa, state, share),
        );
    }

    /// DNSSEC, name servers, MTA-STS (TXT then policy), TLS-RPT, the organisational domain and
    /// its DMARC record.
    async fn mail_and_zone(
        &self,
        domain: &str,
        name: &Name,
        soa: &dns::SharedSoa,
        state: &Mutex<Partial>,
        share: &Arc<DomainShare>,
    ) {
        let inner = &*self.inner;
        let store = |f: &dyn Fn(&mut Partial)| f(&mut lock(state));
        tokio::join!(
            async {
                let v = inner.validator.probe(&inner.dns, soa, name).await;
                store(&|s| s.dns.dnssec = Some(v.clone()))
            },
            async {
                let v = nameservers::probe(inner, soa, name).await;
                store(&|s| s.dns.nameservers = Some(v.clone()))
            },
            async {
                let txt = mail_policy::txt_at(inner, "_mta-sts", name).await;
                store(&|s| s.dns.mta_sts = Some(txt.clone()));
                let policy = mail_policy::mta_sts_policy(inner, domain, &txt, share).await;
                store(&|s| s.dns.mta_sts_policy = Some(policy.clone()))
            },
            async {
                let v = mail_policy::txt_at(inner, "_smtp._tls", name).await;
                store(&|s| s.dns.tls_rpt = Some(v.clone()))
            },
            async {
                let extra = declared_dns::query_all(inner, domain).await;
                store(&|s| s.dns.extra = extra.clone())
            },
            async {
                let org = mail_policy::organisational_domain(domain);
                store(&|s| s.dns.organisational_domain = org.clone());
                let v = mail_policy::organisational_dmarc(inner, domain).await;
                store(&|s| s.dns.dmarc_organisational = Some(v.clone()))
            },
        );
    }

    /// Probes the addresses (overrides replace the resolved ones) that the address policy
    /// allows, at most `max_addresses` per family, endpoints concurrently.
    async fn endpoints(
        &self,
        domain: &str,
        resolved: Vec<IpAddr>,
        state: &Mutex<Partial>,
        share: &Arc<DomainShare>,
    ) {
        let config = &self.inner.config;
        let candidates = config
            .connect_overrides
            .get(domain)
            .cloned()
            .unwrap_or(resolved);
        let (ips, selection) = select::choose(
            &candidates,
            self.inner.limits.policy(),
            config.max_addresses,
        );
        let counters: Vec<Arc<ConnCounter>> = ips
            .iter()
            .map(|_| Arc::new(ConnCounter::for_domain(share)))
            .collect();
        {
            let mut s = lock(state);
            s.addresses = selection;
            s.endpoints = ips
                .iter()
                .zip(&counters)
                .map(|(ip, counter)| PartialEndpoint {
                    address: ip.to_string(),
                    counter: Arc::clone(counter),
                    ..Default::default()
                })
                .collect();
        }
        let probes = ips
            .iter()
            .zip(&counters)
            .enumerate()
            .map(|(i, (ip, counter))| self.endpoint(domain, *ip, i, counter, state));
        futures_util::future::join_all(probes).await;
    }

    /// TLS, https chain, security.txt, then http chain on one address over one connection at a
    /// time (reused across requests of one scheme), then the declared paths; once the modern
    /// handshake has answered, the hand-built-hello scan runs alongside them in the address's
    /// other slots.
    async fn endpoint(
        &self,
        domain: &str,
        ip: IpAddr,
        index: usize,
        counter: &ConnCounter,
        state: &Mutex<Partial>,
    ) {
        let set = |f: &dyn Fn(&mut PartialEndpoint)| {
            if let Some(ep) = lock(state).endpoints.get_mut(index) {
                f(ep);
            }
        };
        let mut session = Session::new(&self.inner, domain, ip, counter);
        let page = BodyPolicy {
            cap: self.inner.config.body_cap,
            keep_text: false,
            origin: None,
        };
        let home = BodyPolicy {
            origin: Some(CORS_PROBE_ORIGIN),
            ..page
        };
        let text = BodyPolicy {
            cap: self.inner.config.body_cap.min(SECURITY_TXT_CAP),
            keep_text: true,
            origin: None,
        };
        // Declared paths are fetched last (below), so that they never starve the built-in
        // probes of the domain's budget; until fetched, each reads as cut off by the budget.
        set(&|e| {
            e.paths = self
                .inner
                .config
                .extra_paths
                .iter()
                .map(|path| PathFetch {
                    path: path.clone(),
                    result: Probed::failed(
                        FailureKind::Timeout,
                        "the domain's budget ran out before this path was fetched",
                    ),
                })
                .collect();
        });
        let opened = session.open_tls().await;
        let modern_tls_failure = opened
            .as_ref()
            .err()
            .map(|failure| (failure.kind, failure.detail.clone()));
        let requests = async {
            let mut ask_ca = None;
            let mut https_ok = false;
            match opened {
                Ok(tls) => {
                    set(&|e| e.tls = Some(Probed::ok(tls.clone())));
                    // The CA is asked about the certificate while this endpoint's requests go on.
                    ask_ca = Some(revocation::spawn(Arc::clone(&self.inner), tls.clone()));
                    let https = match session.url_for(Scheme::Https, "/") {
                        Ok(url) => session.redirect_chain(url, home).await,
                        Err(f) => Err(f),
                    };
                    let https = https.map_or_else(|f| f.probed(), Probed::ok);
                    set(&|e| e.https = Some(https.clone()));
                    let security_txt =
                        match session.url_for(Scheme::Https, "/.well-known/security.txt") {
                            Ok(url) => session.exchange(&url, text).await,
                            Err(f) => Err(f),
                        };
                    let security_txt = security_txt.map_or_else(|f| f.probed(), Probed::ok);
                    set(&|e| e.security_txt = Some(security_txt.clone()));
                    https_ok = true;
                }
                Err(failure) => {
                    let why = format!(
                        "not attempted because the TLS probe of this address failed: {}",
                        failure.detail
                    );
                    set(&|e| {
                        e.tls = Some(failure.probed());
                        e.revocation =
                            Some(revocation::not_attempted(failure.kind, &failure.detail));
                        e.https = Some(Probed::failed(failure.kind, why.clone()));
                        e.security_txt = Some(Probed::failed(failure.kind, why.clone()));
                        e.paths = self
                            .inner
                            .config
                            .extra_paths
                            .iter()
                            .map(|path| PathFetch {
                                path: path.clone(),
                                result: Probed::failed(failure.kind, why.clone()),
                            })
                            .collect();
                    });
                }
            }
            let http = match session.url_for(Scheme::Http, "/") {
                Ok(url) => session.redirect_chain(url, page).await,
                Err(f) => Err(f),
            };
            let http = http.map_or_else(|f| f.probed(), Probed::ok);
            set(&|e| e.http = Some(http.clone()));
            // Closed before waiting for the CA: its slot goes to the hello scan.
            session.conn = None;
            if let Some(asked) = ask_ca {
                let revocation = asked.await_result().await;
                set(&|e| e.revocation = Some(revocation.clone()));
            }
            if https_ok {
                for (i, path) in self.inner.config.extra_paths.iter().enumerate() {
                    let result = match session.url_for(Scheme::Https, path) {
                        Ok(url) => session.exchange(&url, text).await,
                        Err(f) => Err(f),
                    };
                    let fetch = PathFetch {
                        path: path.clone(),
                        result: result.map_or_else(|f| f.probed(), Probed::ok),
                    };
                    set(&|e| {
                        if let Some(slot) = e.paths.get_mut(i) {
                            *slot = fetch.clone();
                        }
                    });
                }
                session.conn = None;
            }
        };
        let hellos = async {
            let tls_scan = self.tls_scan(domain, ip, modern_tls_failure, counter).await;
            set(&|e| e.tls_scan = Some(tls_scan.clone()));
        };
        tokio::join!(requests, hellos);
    }

    /// The hand-built-hello scan of one address, unless disabled or pointless (port closed or
    /// silent to the modern handshake).
    async fn tls_scan(
        &self,
        domain: &str,
        ip: IpAddr,
        modern_tls_failure: Option<(FailureKind, String)>,
        counter: &ConnCounter,
    ) -> Probed<govscan_model::TlsScan> {
        let config = &self.inner.config;
        if !config.tls_scan {
            return Probed::skipped("the TLS scan is disabled in the configuration");
        }
        if let Some((kind, detail)) = modern_tls_failure
            && matches!(
                kind,
                FailureKind::Refused | FailureKind::Unreachable | FailureKind::Timeout
            )
        {
            return Probed::failed(
                kind,
                format!(
                    "not attempted because the modern TLS probe of this address failed: {detail}"
                ),
            );
        }
        let options = hello_scan::ScanOptions {
            connect_timeout: config.connect_timeout,
            reply_timeout: config.handshake_timeout,
            retries: config.retries,
            gap: config.tls_scan_gap,
            max_handshakes: config.tls_scan_max_handshakes,
            // The address's whole allowance; the slots themselves are still taken per
            // handshake, so HTTP requests to the same address share them.
            lanes: u32::try_from(config.per_address).unwrap_or(u32::MAX),
        };
        let addr = std::net::SocketAddr::new(ip, config.https_port);
        hello_scan::scan_limited(addr, domain, &options, &self.inner.limits, counter).await
    }
}

/// Records a domain on the exclude list: every probe skipped with `reason`, nothing contacted.
fn excluded(state: &mut Partial, reason: &str) {
    fn skip<T>(reason: &str) -> Option<Probed<T>> {
        Some(Probed::skipped(reason))
    }
    let d = &mut state.dns;
    (d.a, d.aaaa, d.ns, d.txt) = (skip(reason), skip(reason), skip(reason), skip(reason));
    (d.dmarc, d.mta_sts, d.tls_rpt) = (skip(reason), skip(reason), skip(reason));
    (d.mx, d.caa, d.soa) = (skip(reason), skip(reason), skip(reason));
    (d.dnssec, d.nameservers) = (skip(reason), skip(reason));
    (d.mta_sts_policy, d.dmarc_organisational) = (skip(reason), skip(reason));
    state.addresses = AddressSelection {
        excluded: Some(reason.to_string()),
        ..AddressSelection::default()
    };
}

/// Locks the partial state; a poisoned lock still holds valid data.
pub(crate) fn lock(state: &Mutex<Partial>) -> std::sync::MutexGuard<'_, Partial> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// The current time as RFC 3339 UTC.
fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}
