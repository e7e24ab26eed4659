//! Name servers of the zone: NS set, their addresses, and each address asked directly
//! (RD=0) for the zone's SOA to read the AA bit and the serial. Bounded in count and time.
//! Name servers are target-controlled addresses: each passes the address policy before it is
//! asked (the configured `--resolver` is the operator's own choice and is always asked).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures_util::StreamExt;
use govscan_model::{
    FailureKind, NameServer, NameServerAddress, NameServerAnswer, NameServersObservation, Probed,
};
use hickory_resolver::net::NetError;
use hickory_resolver::net::client::Client;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::udp::UdpClientStream;
use hickory_resolver::net::xfer::DnsHandle;
use hickory_resolver::proto::op::{DnsRequestOptions, Query};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::{Dns, SharedSoa, addresses_of, name_text};
use crate::policy::AddressPolicy;
use crate::{Inner, ProbeConfig, scanner_side};

/// Most NS names examined.
const MAX_NAME_SERVERS: usize = 8;
/// Most addresses asked per NS name.
const MAX_ADDRESSES: usize = 4;

/// Reads the zone's NS set and asks every address of every name server for the SOA; once
/// per zone and scan (`Dns::facts`), the zone found from the domain's shared SOA answer.
pub(crate) async fn probe(
    inner: &Inner,
    soa: &SharedSoa,
    name: &Name,
) -> Probed<NameServersObservation> {
    let (dns, config) = (&inner.dns, &inner.config);
    let policy = inner.limits.policy();
    let zone = match dns.zone_of(soa, name).await {
        Ok(zone) => zone,
        Err((kind, detail)) => return Probed::failed(kind, detail),
    };
    dns.facts
        .nameservers
        .get_or_fetch(zone.to_lowercase(), || {
            Box::pin(probe_zone(dns, config, policy, zone))
        })
        .await
}

/// The name-server observation of one zone.
async fn probe_zone(
    dns: &Dns,
    config: &ProbeConfig,
    policy: &AddressPolicy,
    zone: Name,
) -> Probed<NameServersObservation> {
    let ns_names: Vec<Name> = match dns.zone_query(&zone, RecordType::NS).await {
        Ok(answer) => answer
            .records
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(ns.0.clone()),
                _ => None,
            })
            .take(MAX_NAME_SERVERS)
            .collect(),
        Err((kind, detail)) => return Probed::failed(kind, format!("NS of the zone: {detail}")),
    };
    let servers = ns_names
        .iter()
        .map(|ns| server(dns, config, policy, &zone, ns));
    let servers = futures_util::future::join_all(servers).await;
    Probed::ok(NameServersObservation {
        zone: name_text(&zone),
        servers,
    })
}

/// One name server: its addresses, each asked for the SOA.
async fn server(
    dns: &Dns,
    config: &ProbeConfig,
    policy: &AddressPolicy,
    zone: &Name,
    ns: &Name,
) -> NameServer {
    if let Err(refusal) = policy.check_host(&name_text(ns)) {
        return NameServer {
            name: name_text(ns),
            lookup_error: Some(refusal.reason),
            addresses: Vec::new(),
        };
    }
    let (a, aaaa) = tokio::join!(
        dns.zone_query(ns, RecordType::A),
        dns.zone_query(ns, RecordType::AAAA)
    );
    let mut ips: Vec<IpAddr> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for answer in [a, aaaa] {
        match answer {
            Ok(answer) => ips.extend(addresses_of(&answer.records)),
            Err((_, detail)) => errors.push(detail),
        }
    }
    ips.truncate(MAX_ADDRESSES * 2);
    let asks = ips.iter().map(|ip| async move {
        NameServerAddress {
            address: ip.to_string(),
            answer: match admit(config, policy, *ip) {
                Ok(()) => ask_soa(config, *ip, zone).await,
                Err(reason) => Probed::failed(FailureKind::Blocked, reason),
            },
        }
    });
    let addresses = futures_util::future::join_all(asks).await;
    NameServer {
        name: name_text(ns),
        lookup_error: (!errors.is_empty()).then(|| errors.join("; ")),
        addresses,
    }
}

/// The port a name server is asked on: 53, or the configured resolver's port when the name
/// server is the configured resolver's address (so a lab on another port still works).
pub(crate) fn port_for(config: &ProbeConfig, ip: IpAddr) -> u16 {
    match config.resolver {
        Some(addr) if addr.ip() == ip => addr.port(),
        _ => 53,
    }
}

/// Whether name server address `ip` may be asked: the configured resolver always, any other
/// address as the address policy says.
fn admit(config: &ProbeConfig, policy: &AddressPolicy, ip: IpAddr) -> Result<(), String> {
    if config.resolver.is_some_and(|resolver| resolver.ip() == ip) {
        return Ok(());
    }
    policy.check(ip).map_err(|refusal| refusal.reason)
}

/// One direct UDP query, RD=0, for the zone's SOA.
async fn ask_soa(config: &ProbeConfig, ip: IpAddr, zone: &Name) -> Probed<NameServerAnswer> {
    let addr = SocketAddr::new(ip, port_for(config, ip));
    // A server this host cannot route to (e.g. an IPv6 server from a host without IPv6) is
    // not asked: its silence would say nothing about the zone.
    if let Some(why) = scanner_side::route_missing(ip) {
        return Probed::failed(
            FailureKind::Scanner,
            format!("SOA {} not asked of {addr}: {why}", name_text(zone)),
        );
    }
    let timeout: Duration = config.dns_timeout;
    let attempts = config.retries.saturating_add(1);
    let mut last = String::new();
    for _ in 0..attempts {
        match tokio::time::timeout(timeout, query_once(addr, zone, timeout)).await {
            Ok(Ok(answer)) => return Probed::ok(answer),
            Ok(Err(QueryError::Local(why))) => {
                return Probed::failed(
                    FailureKind::Scanner,
                    format!(
                        "SOA {} asked of {addr} failed on this host's side: {why}",
                        name_text(zone)
                    ),
                );
            }
            Ok(Err(QueryError::Other(e))) => last = e,
            Err(_) => last = format!("no answer from {addr} within {timeout:?} (dns_timeout)"),
        }
    }
    let kind = if last.contains("within") || last.to_ascii_lowercase().contains("timed out") {
        FailureKind::Timeout
    } else {
        FailureKind::Dns
    };
    Probed::failed(
        kind,
        format!("SOA {} asked of {addr}: {last}", name_text(zone)),
    )
}

/// Why one direct query gave no answer.
enum QueryError {
    /// An error on this host's side (no descriptors, no local address): see `scanner_side`.
    Local(String),
    /// Anything else, as text.
    Other(String),
}

async fn query_once(
    addr: SocketAddr,
    zone: &Name,
    timeout: Duration,
) -> Result<NameServerAnswer, QueryError> {
    let stream = UdpClientStream::builder(addr, TokioRuntimeProvider::default())
        .with_timeout(Some(timeout))
        .build();
    let (client, background) = Client::<TokioRuntimeProvider>::from_sender(stream);
    let task = tokio::spawn(background);
    let mut options = DnsRequestOptions::default();
    options.recursion_desired = false;
    let result = client
        .lookup(Query::query(zone.clone(), RecordType::SOA), options)
        .next()
        .await;
    task.abort();
    match result {
        Some(Ok(response)) => Ok(NameServerAnswer {
            authoritative: response.metadata.authoritative,
            rcode: format!("{:?}", response.metadata.response_code),
            serial: response.answers.iter().find_map(|r| match &r.data {
                RData::SOA(soa) => Some(soa.serial),
                _ => None,
            }),
        }),
        Some(Err(NetError::Io(io))) => match scanner_side::local_cause(&io, addr.ip()) {
            Some(why) => Err(QueryError::Local(why)),
            None => Err(QueryError::Other(format!("io error: {io}"))),
        },
        Some(Err(e)) => Err(QueryError::Other(e.to_string())),
        None => Err(QueryError::Other(
            "the connection closed without a response".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_servers_are_asked_on_53_unless_they_are_the_configured_resolver() {
        let mut config = ProbeConfig::default();
        let ip: IpAddr = "127.10.0.53".parse().expect("ip");
        assert_eq!(port_for(&config, ip), 53);
        config.resolver = Some("127.10.0.53:5353".parse().expect("addr"));
        assert_eq!(port_for(&config, ip), 5353);
        assert_eq!(port_for(&config, "127.0.0.1".parse().expect("ip")), 53);
    }

    #[test]
    fn name_servers_pass_the_address_policy_except_the_configured_resolver() {
        let config = ProbeConfig {
            resolver: Some("127.10.0.53:53".parse().expect("addr")),
            ..ProbeConfig::default()
        };
        let policy = AddressPolicy::default();
        let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
        assert_eq!(admit(&config, &policy, ip("127.10.0.53")), Ok(()));
        let refused = admit(&config, &policy, ip("127.0.0.1")).expect_err("loopback");
        assert!(refused.contains("loopback"), "{refused}");
        assert!(admit(&config, &policy, ip("169.254.169.254")).is_err());
        assert_eq!(admit(&config, &policy, ip("192.5.5.241")), Ok(()));
    }
}
