//! The mail transport, DANE, DKIM and RPKI parts of a domain's probe (issue 13), kept apart
//! from `lib.rs`: the MX lookup followed by the mail servers over SMTP, the web's TLSA
//! records, the DKIM selectors, and — once everything else is known — the route origins of
//! every address the domain uses.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Mutex;

use govscan_model::{DnsObservations, EndpointObservations, MailServers, Probed, RpkiObservation};
use hickory_resolver::proto::rr::Name;

use crate::partial::Partial;
use crate::{Inner, dkim, lock, smtp, tlsa};

/// The MX records, then the mail servers they name.
pub(crate) async fn mx_and_mail_servers(inner: &Inner, name: &Name, state: &Mutex<Partial>) {
    let mx = inner.dns.mx(name).await;
    lock(state).dns.mx = Some(mx.clone());
    let servers = smtp::probe(inner, &mx, state).await;
    lock(state).mail.servers = Some(servers);
}

/// TLSA at `_443._tcp.<domain>` and the DKIM keys at the named selectors.
pub(crate) async fn web_tlsa_and_dkim(
    inner: &Inner,
    domain: &str,
    name: &Name,
    state: &Mutex<Partial>,
) {
    tokio::join!(
        async {
            let v = tlsa::lookup(inner, 443, domain).await;
            lock(state).mail.web_tlsa = Some(v);
        },
        async {
            let v = dkim::probe(inner, domain, name).await;
            lock(state).mail.dkim = Some(v);
        },
    );
}

/// The route origins of the web, mail and name servers' addresses, or skipped when no RPKI
/// data was given.
pub(crate) fn rpki(
    inner: &Inner,
    dns: &DnsObservations,
    endpoints: &[EndpointObservations],
    servers: &Probed<MailServers>,
) -> Probed<RpkiObservation> {
    let Some(data) = &inner.config.rpki else {
        return Probed::skipped(
            "route origin validation is not configured (no --rpki-vrps and --ip-to-asn)",
        );
    };
    let mut roles: BTreeMap<IpAddr, Vec<String>> = BTreeMap::new();
    let mut add = |address: &str, role: String| {
        if let Ok(ip) = address.parse::<IpAddr>() {
            let list = roles.entry(ip).or_default();
            if !list.contains(&role) {
                list.push(role);
            }
        }
    };
    for ep in endpoints {
        add(&ep.address, "web".to_owned());
    }
    if let Some(servers) = servers.value() {
        for host in &servers.hosts {
            for address in host.addresses.value().into_iter().flatten() {
                add(address, format!("mail {}", host.name));
            }
        }
    }
    if let Some(ns) = dns.nameservers.value() {
        for server in &ns.servers {
            for address in &server.addresses {
                add(&address.address, format!("name server {}", server.name));
            }
        }
    }
    Probed::ok(data.0.observe(&roles))
}
