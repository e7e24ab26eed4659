//! The mail servers of a domain over SMTP (issue 13): every MX host (at most
//! [`MAX_MX_HOSTS`], by preference), every address (at most `--max-addresses` per
//! family, as for the web endpoints), the TLSA records at `_25._tcp.<host>`, one SMTP session per address (greeting,
//! EHLO, STARTTLS, rustls handshake, QUIT) and the hand-built-hello scan through STARTTLS.
//!
//! Shared by the whole scan: an MX host and address is probed once (a government's domains
//! mostly share a few MX hosts), one session per MX address at a time with a gap (`gate.rs`),
//! and what port 25 looks like from here. A port-25 connect that fails while no mail server of
//! the scan has ever accepted one is recorded as the scanner's condition (`FailureKind::Scanner`,
//! never the domain's failure), and after [`gate::PORT25_GIVE_UP`] such addresses port 25 is no
//! longer tried.

pub(crate) mod gate;
mod session;
pub(crate) mod wire;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use govscan_model::{
    ConnectionCount, FailureKind, MAX_MX_HOSTS, MailServers, MxEndpoint, MxHost, MxRecord, Probed,
    SmtpSession, TlsScan, TlsaLookup,
};
use hickory_resolver::proto::rr::{Name, RecordType};

use crate::dns::addresses_of;
use crate::net::{ConnCounter, Failure};
use crate::partial::Partial;
use crate::zone_cache::{MAX_ZONE_FACTS, ZoneCache};
use crate::{Inner, hello_scan, lock};
use gate::{Port25, SmtpGate};

/// What one (MX host, address) showed, before the port-25 question is applied.
#[derive(Clone)]
struct Raw {
    smtp: Probed<SmtpSession>,
    tls_scan: Probed<TlsScan>,
    connect_failed: Option<Failure>,
    connections: ConnectionCount,
}

/// The scan-wide SMTP state.
pub(crate) struct SmtpState {
    pub(crate) gate: SmtpGate,
    pub(crate) port25: Port25,
    endpoints: ZoneCache<(String, IpAddr), Arc<Raw>>,
    tlsa: ZoneCache<String, Probed<TlsaLookup>>,
}

impl SmtpState {
    /// A fresh state keeping `gap` between sessions to one MX address.
    pub(crate) fn new(gap: Duration) -> SmtpState {
        SmtpState {
            gate: SmtpGate::new(gap),
            port25: Port25::default(),
            endpoints: ZoneCache::new(MAX_ZONE_FACTS),
            tlsa: ZoneCache::new(MAX_ZONE_FACTS),
        }
    }
}

/// Probes the mail servers named by `mx`, recording each host in `state` as it finishes (so a
/// domain that runs out of time keeps them).
pub(crate) async fn probe(
    inner: &Inner,
    mx: &Probed<Vec<MxRecord>>,
    state: &Mutex<Partial>,
) -> Probed<MailServers> {
    let records = match mx {
        Probed::Ok { value } => value,
        Probed::Failed { kind, detail } => {
            return Probed::failed(
                *kind,
                format!("not attempted: the MX lookup failed: {detail}"),
            );
        }
        Probed::Skipped { why } => return Probed::skipped(why.clone()),
    };
    let mut hosts: Vec<(u16, String)> = records
        .iter()
        .filter(|m| !m.exchange.is_empty())
        .map(|m| {
            (
                m.preference,
                m.exchange.trim_end_matches('.').to_ascii_lowercase(),
            )
        })
        .collect();
    hosts.sort();
    let mut seen = HashSet::new();
    hosts.retain(|(_, name)| seen.insert(name.clone()));
    let not_probed: Vec<String> = hosts
        .iter()
        .skip(MAX_MX_HOSTS)
        .map(|(_, n)| n.clone())
        .collect();
    hosts.truncate(MAX_MX_HOSTS);
    let config = &inner.config.smtp;
    let mut servers = MailServers {
        hosts: Vec::new(),
        hosts_not_probed: not_probed,
        ehlo_name: config.ehlo_name.clone(),
        smtp_disabled: !config.enabled,
    };
    lock(state).mail.plan = Some((servers.clone(), hosts.clone()));
    let probes = hosts.iter().map(|(preference, name)| async move {
        let host = probe_host(inner, *preference, name).await;
        lock(state).mail.hosts.push(host.clone());
        host
    });
    servers.hosts = futures_util::future::join_all(probes).await;
    Probed::ok(servers)
}

/// One MX host: its addresses, its TLSA records, and each address.
async fn probe_host(inner: &Inner, preference: u16, name: &str) -> MxHost {
    let state = &inner.smtp;
    let (addresses, not_probed) = host_addresses(inner, name).await;
    let tlsa = state
        .tlsa
        .get_or_fetch(name.to_owned(), || {
            Box::pin(crate::tlsa::lookup(inner, 25, name))
        })
        .await;
    let ips: Vec<IpAddr> = addresses.value().cloned().unwrap_or_default();
    let endpoints =
        futures_util::future::join_all(ips.iter().map(|ip| endpoint(inner, name, *ip))).await;
    MxHost {
        name: name.to_owned(),
        preference,
        addresses: addresses.map(|ips| ips.iter().map(IpAddr::to_string).collect()),
        addresses_not_probed: not_probed,
        tlsa,
        endpoints,
    }
}

/// The host's A and AAAA addresses (asked once a scan), at most `max_addresses`
/// of each; the rest are returned as not probed.
async fn host_addresses(inner: &Inner, name: &str) -> (Probed<Vec<IpAddr>>, Vec<String>) {
    let Ok(fqdn) = Name::from_ascii(format!("{name}.")) else {
        return (
            Probed::failed(FailureKind::Dns, format!("{name:?} is not a host name")),
            Vec::new(),
        );
    };
    let (a, aaaa) = tokio::join!(
        inner.dns.zone_query(&fqdn, RecordType::A),
        inner.dns.zone_query(&fqdn, RecordType::AAAA)
    );
    let cap = inner.config.max_addresses;
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    let mut failure = None;
    for answer in [a, aaaa] {
        match answer {
            Ok(answer) => {
                let ips = addresses_of(&answer.records);
                kept.extend(ips.iter().take(cap).copied());
                dropped.extend(ips.iter().skip(cap).map(IpAddr::to_string));
            }
            Err(f) => failure = Some(f),
        }
    }
    let probed = match (kept.is_empty(), failure) {
        (true, Some((kind, detail))) => Probed::failed(kind, detail),
        (true, None) => Probed::failed(
            FailureKind::NoData,
            format!("{name} has no A or AAAA record"),
        ),
        (false, _) => Probed::ok(kept),
    };
    (probed, dropped)
}

/// One address of an MX host: the shared raw result, then the port-25 question.
async fn endpoint(inner: &Inner, host: &str, ip: IpAddr) -> MxEndpoint {
    let config = &inner.config;
    if !config.smtp.enabled {
        let off = "SMTP probing is off (--no-smtp)";
        return MxEndpoint {
            address: ip.to_string(),
            smtp: Probed::skipped(off),
            tls_scan: Probed::skipped(off),
            connections: ConnectionCount::default(),
        };
    }
    let raw = inner
        .smtp
        .endpoints
        .get_or_fetch((host.to_owned(), ip), || {
            Box::pin(probe_endpoint(inner, host, ip))
        })
        .await;
    let mut out = MxEndpoint {
        address: ip.to_string(),
        smtp: raw.smtp.clone(),
        tls_scan: raw.tls_scan.clone(),
        connections: raw.connections,
    };
    if let Some(failure) = &raw.connect_failed
        && session::port25_doubt(failure.kind)
    {
        let port25 = &inner.smtp.port25;
        if !port25.wait_open(config.smtp.unverified_wait).await {
            let detail = format!(
                "{}; no mail server of this scan has accepted a connection on port 25, so outbound port 25 may be blocked from this host (the scanner's condition, not the domain's)",
                failure.detail
            );
            out.smtp = Probed::failed(FailureKind::Scanner, detail.clone());
            out.tls_scan = Probed::failed(FailureKind::Scanner, detail);
        }
    }
    out
}

/// The SMTP session and the TLS scan of one (host, address), once a scan.
async fn probe_endpoint(inner: &Inner, host: &str, ip: IpAddr) -> Arc<Raw> {
    let state = &inner.smtp;
    let counter = ConnCounter::default();
    if state.port25.looks_blocked() {
        let failure = Failure::new(
            FailureKind::Scanner,
            format!(
                "not attempted: {} mail server addresses of this scan did not accept a connection on port 25 and none did, so outbound port 25 appears blocked from this host",
                state.port25.failures()
            ),
        );
        return Arc::new(Raw {
            smtp: failure.probed(),
            tls_scan: failure.probed(),
            connect_failed: Some(failure),
            connections: ConnectionCount::default(),
        });
    }
    let attempt = {
        let _gate = state.gate.enter(ip).await;
        session::run(inner, host, ip, &counter).await
    };
    match &attempt.connect_failed {
        Some(f) if session::port25_doubt(f.kind) => state.port25.failed(ip),
        Some(_) => {}
        None if attempt.connected => state.port25.connected(),
        None => {}
    }
    let tls_scan = match &attempt.smtp {
        Probed::Ok { value } if value.tls_established() => scan(inner, host, ip, &counter).await,
        Probed::Ok { .. } => Probed::skipped("no TLS after STARTTLS to scan"),
        Probed::Failed { kind, detail } => Probed::failed(
            *kind,
            format!("not attempted: the SMTP session failed: {detail}"),
        ),
        Probed::Skipped { why } => Probed::skipped(why.clone()),
    };
    Arc::new(Raw {
        smtp: attempt.smtp,
        tls_scan,
        connect_failed: attempt.connect_failed,
        connections: counter.snapshot(),
    })
}

/// The hand-built-hello scan through STARTTLS, within the web scan's handshake cap.
async fn scan(inner: &Inner, host: &str, ip: IpAddr, counter: &ConnCounter) -> Probed<TlsScan> {
    let config = &inner.config;
    if !config.tls_scan {
        return Probed::skipped("the TLS scan is disabled in the configuration");
    }
    let options = hello_scan::ScanOptions {
        connect_timeout: config.connect_timeout,
        reply_timeout: config.handshake_timeout,
        retries: config.retries,
        // The gate keeps the gap between sessions.
        gap: Duration::ZERO,
        max_handshakes: config.tls_scan_max_handshakes,
        // One session per MX address at a time (the scan runs in one lane over SMTP anyway).
        lanes: 1,
    };
    let mail = hello_scan::MailMode {
        ehlo_name: &config.smtp.ehlo_name,
        step: config.read_timeout,
        gate: &inner.smtp.gate,
    };
    let addr = SocketAddr::new(ip, config.smtp.port);
    hello_scan::scan_starttls(addr, host, &options, &inner.limits, counter, mail).await
}
