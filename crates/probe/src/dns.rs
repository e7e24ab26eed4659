//! DNS probes with a non-validating hickory resolver: address, NS, MX, TXT, CAA (climbed), DMARC, SOA.

use std::net::IpAddr;
use std::sync::Arc;

use govscan_model::{CaaObservation, CaaRecord, FailureKind, MxRecord, Probed, SoaRecord};
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError, NoRecords};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::rdata::SOA;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use hickory_resolver::{ResolverBuilder, TokioResolver};

use crate::ProbeConfig;
use crate::error::ProbeError;
use crate::resolver_health::ResolverHealth;
use crate::zone_cache::ZoneFacts;

/// Most names queried while climbing for CAA (a name has at most 127 labels; real ones few).
const MAX_CAA_CLIMB: usize = 16;

/// What one query returned when it did not fail.
#[derive(Debug, Default, Clone)]
pub(crate) struct Answer {
    /// Answer records of the queried type (CNAMEs and signatures filtered out).
    pub(crate) records: Vec<Record>,
    /// The SOA from the authority section of an empty (NODATA/NXDOMAIN) answer, if any.
    pub(crate) authority_soa: Option<(Name, SOA)>,
    /// True when the server answered NXDOMAIN (the name does not exist at all).
    pub(crate) nxdomain: bool,
    /// True when the resolver answered SERVFAIL and this was read again with the CD bit.
    pub(crate) checking_disabled: bool,
}

/// A query that failed, already classified.
pub(crate) type QueryFailure = (FailureKind, String);

/// The resolver plus a description of where it sends queries.
#[derive(Clone)]
pub(crate) struct Dns {
    resolver: TokioResolver,
    /// "IP:PORT" of the configured server, or "system".
    pub(crate) description: String,
    /// Zone-level facts shared by every domain of the scan.
    pub(crate) facts: Arc<ZoneFacts>,
    /// Whether the resolver is there at all (asked when a query times out).
    health: Arc<ResolverHealth>,
    /// The same servers asked with the CD bit, after a SERVFAIL (`cd.rs`).
    pub(crate) cd: crate::cd::CdHandle,
}

/// One domain's SOA answer, asked once and shared by the probes that need the zone.
pub(crate) type SharedSoa = tokio::sync::OnceCell<Result<Answer, QueryFailure>>;

/// Where govscan's resolvers send queries (`--resolver`, or the system's servers) and the
/// options every one of them shares: no cache, no hosts file, the scan's timeout and retries.
/// Returns the servers, the options and a description of the server asked.
pub(crate) fn resolver_parts(
    config: &ProbeConfig,
) -> Result<(ResolverConfig, ResolverOpts, String), ProbeError> {
    let (servers, mut opts, description) = match config.resolver {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            let cfg = ResolverConfig::from_parts(None, vec![], vec![server]);
            (cfg, ResolverOpts::default(), addr.to_string())
        }
        None => {
            let (cfg, opts) = hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| ProbeError::Resolver(format!("reading system DNS config: {e}")))?;
            (cfg, opts, "system".to_string())
        }
    };
    opts.cache_size = 0;
    opts.validate = false;
    opts.timeout = config.dns_timeout;
    opts.attempts = (config.retries as usize).saturating_add(1);
    opts.use_hosts_file = ResolveHosts::Never;
    opts.ndots = 0;
    Ok((servers, opts, description))
}

/// A non-validating resolver builder with `resolver_parts`' servers and options.
pub(crate) fn resolver_builder(
    config: &ProbeConfig,
) -> Result<(ResolverBuilder<TokioRuntimeProvider>, String), ProbeError> {
    let (servers, opts, description) = resolver_parts(config)?;
    let mut builder = TokioResolver::builder_with_config(servers, TokioRuntimeProvider::default());
    *builder.options_mut() = opts;
    Ok((builder, description))
}

/// The resolver addresses this scan asks: `--resolver`, or the system's name servers.
fn resolver_addresses(config: &ProbeConfig) -> Vec<std::net::SocketAddr> {
    match config.resolver {
        Some(addr) => vec![addr],
        None => hickory_resolver::system_conf::read_system_conf()
            .map(|(cfg, _)| {
                cfg.name_servers()
                    .iter()
                    .map(|ns| {
                        let port = ns.connections.first().map_or(53, |c| c.port);
                        std::net::SocketAddr::new(ns.ip, port)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl Dns {
    /// Builds a non-validating, non-caching resolver as configured.
    pub(crate) fn new(config: &ProbeConfig) -> Result<Dns, ProbeError> {
        let (builder, description) = resolver_builder(config)?;
        let resolver = builder
            .build()
            .map_err(|e| ProbeError::Resolver(format!("building resolver: {e}")))?;
        Ok(Dns {
            resolver,
            description,
            facts: Arc::new(ZoneFacts::default()),
            health: Arc::new(ResolverHealth::new(
                resolver_addresses(config),
                config.connect_timeout,
            )),
            cd: crate::cd::cd_handle(config)?,
        })
    }

    /// One query; "no such name" and "no records of this type" are an empty answer.
    pub(crate) async fn query(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> Result<Answer, QueryFailure> {
        let mut result = self.resolver.lookup(name.clone(), rtype).await;
        // A TCP connection to the server that another answer broke (cut short) cancels every
        // query in flight on it; that says nothing about this name, so it is asked once more.
        if matches!(&result, Err(e) if e.to_string().contains("receiver was canceled")) {
            result = self.resolver.lookup(name.clone(), rtype).await;
        }
        match result {
            Ok(lookup) if rtype != RecordType::CNAME => {
                if let Some(why) = cname_trouble(name, lookup.answers()) {
                    return Err((
                        FailureKind::Dns,
                        format!("{rtype} query for {} failed: {why}", name_text(name)),
                    ));
                }
                Ok(Answer {
                    records: lookup
                        .answers()
                        .iter()
                        .filter(|r| r.record_type() == rtype)
                        .cloned()
                        .collect(),
                    authority_soa: None,
                    nxdomain: false,
                    checking_disabled: false,
                })
            }
            Ok(lookup) => Ok(Answer {
                records: lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .cloned()
                    .collect(),
                authority_soa: None,
                nxdomain: false,
                checking_disabled: false,
            }),
            Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
                let answer = empty_answer(no);
                // hickory follows a CNAME loop to its depth limit and reports "no records";
                // a real empty answer carries the zone's SOA, so only one without is checked.
                // "No such name" is no loop: it stands, and is judged with the root check (a
                // resolver that cannot see the DNS answers NXDOMAIN, without SOA, for all).
                if answer.authority_soa.is_none()
                    && !answer.nxdomain
                    && rtype != RecordType::CNAME
                    && let Some((kind, why)) = Box::pin(self.cname_chain_trouble(name)).await
                {
                    return Err((
                        kind,
                        format!("{rtype} query for {} failed: {why}", name_text(name)),
                    ));
                }
                Ok(answer)
            }
            // A validating resolver refuses a bogus zone with SERVFAIL: ask again with CD.
            Err(e) if crate::cd::is_servfail(&e) => self.read_with_cd(name, rtype, &e).await,
            Err(e) => {
                let (kind, detail) = classify_error(&e, name, rtype);
                if kind == FailureKind::Timeout
                    && let Some(why) = self.health.down().await
                {
                    return Err((FailureKind::Scanner, format!("{detail}: {why}")));
                }
                Err((kind, detail))
            }
        }
    }

    /// Follows `name`'s CNAME chain with explicit CNAME queries (at most `MAX_CNAME_CHAIN`):
    /// why it cannot lead to data (a loop, or too long), or `None` when it ends at a name. A
    /// CNAME query that fails (times out, is refused, cannot be sent) leaves the chain unknown:
    /// that failure is returned, with its kind, so the empty answer is never taken for "no
    /// records".
    async fn cname_chain_trouble(&self, name: &Name) -> Option<QueryFailure> {
        let mut records: Vec<Record> = Vec::new();
        let mut asked: Vec<Name> = Vec::new();
        let mut current = name.clone();
        for _ in 0..=MAX_CNAME_CHAIN {
            // Asked like any query (a cut-short connection asked again, SERVFAIL read again
            // with CD, a timeout from a resolver that is down the scanner's failure); "no
            // CNAME here" is an empty answer, which ends the chain.
            let cnames = match Box::pin(self.query(&current, RecordType::CNAME)).await {
                Ok(answer) => answer.records,
                Err((kind, detail)) => {
                    return Some((
                        kind,
                        format!("its CNAME chain could not be followed: {detail}"),
                    ));
                }
            };
            asked.push(current);
            records.extend(cnames);
            match cname_walk(name, &records) {
                Err(why) => return Some((FailureKind::Dns, why)),
                Ok(end) if asked.contains(&end) => return None,
                Ok(end) => current = end,
            }
        }
        Some((
            FailureKind::Dns,
            format!(
                "CNAME chain longer than {MAX_CNAME_CHAIN} names from {}",
                name_text(name)
            ),
        ))
    }

    /// A query for a fact shared by many domains (DNSKEY, DS, NS of a zone; a name server's
    /// addresses; a parent's CAA set; the organisational DMARC record), answered once per
    /// scan and shared by every domain that asks. Never for the scanned name's own records.
    pub(crate) async fn zone_query(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> Result<Answer, QueryFailure> {
        let key = (name.to_lowercase(), rtype);
        let answer = self
            .facts
            .queries
            .get_or_fetch(key, || Box::pin(self.query(name, rtype)))
            .await;
        if let Ok(read) = &answer
            && read.checking_disabled
        {
            crate::cd::note(name, rtype);
        }
        answer
    }

    /// True when the resolver answers NXDOMAIN for the root zone's SOA, which always exists:
    /// it cannot see the public DNS. Asked once per scan (a zone-level fact); any other answer,
    /// failure included, is false.
    pub(crate) async fn root_does_not_exist(&self) -> bool {
        matches!(
            self.zone_query(&Name::root(), RecordType::SOA).await,
            Ok(answer) if answer.nxdomain
        )
    }

    /// The domain's SOA answer, asked once per domain (`shared`) whoever asks first.
    pub(crate) async fn soa_answer(
        &self,
        shared: &SharedSoa,
        name: &Name,
    ) -> Result<Answer, QueryFailure> {
        shared
            .get_or_init(|| Box::pin(self.query(name, RecordType::SOA)))
            .await
            .clone()
    }

    /// The zone containing `name`, from its SOA answer (answer or authority section).
    pub(crate) async fn zone_of(
        &self,
        shared: &SharedSoa,
        name: &Name,
    ) -> Result<Name, QueryFailure> {
        let answer = self.soa_answer(shared, name).await?;
        let from_answer = answer
            .records
            .iter()
            .find(|r| matches!(r.data, RData::SOA(_)))
            .map(|r| r.name.clone());
        from_answer
            .or(answer.authority_soa.map(|(zone, _)| zone))
            .ok_or_else(|| {
                (
                    FailureKind::NoData,
                    format!("no SOA found for {} to find its zone", name_text(name)),
                )
            })
    }

    /// A or AAAA addresses, and whether the answer was NXDOMAIN.
    pub(crate) async fn addresses(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> (Probed<Vec<IpAddr>>, bool) {
        match self.query(name, rtype).await {
            Ok(answer) => (Probed::ok(addresses_of(&answer.records)), answer.nxdomain),
            Err((kind, detail)) => (Probed::failed(kind, detail), false),
        }
    }

    /// NS names.
    pub(crate) async fn ns(&self, name: &Name) -> Probed<Vec<String>> {
        self.query(name, RecordType::NS).await.map_or_else(
            |(k, d)| Probed::failed(k, d),
            |a| {
                Probed::ok(
                    a.records
                        .iter()
                        .filter_map(|r| match &r.data {
                            RData::NS(ns) => Some(name_text(&ns.0)),
                            _ => None,
                        })
                        .collect(),
                )
            },
        )
    }

    /// MX records (null MX → exchange "").
    pub(crate) async fn mx(&self, name: &Name) -> Probed<Vec<MxRecord>> {
        self.query(name, RecordType::MX).await.map_or_else(
            |(k, d)| Probed::failed(k, d),
            |a| Probed::ok(mx_records(&a.records)),
        )
    }

    /// TXT records, each joined.
    pub(crate) async fn txt(&self, name: &Name) -> Probed<Vec<String>> {
        self.query(name, RecordType::TXT).await.map_or_else(
            |(k, d)| Probed::failed(k, d),
            |a| Probed::ok(txt_strings(&a.records)),
        )
    }

    /// TXT records of a name shared by many domains (see `zone_query`), each joined.
    pub(crate) async fn shared_txt(&self, name: &Name) -> Probed<Vec<String>> {
        self.zone_query(name, RecordType::TXT).await.map_or_else(
            |(k, d)| Probed::failed(k, d),
            |a| Probed::ok(txt_strings(&a.records)),
        )
    }

    /// The relevant CAA set, climbing from `name` towards (not including) the root.
    pub(crate) async fn caa(&self, name: &Name) -> Probed<CaaObservation> {
        let mut queried = Vec::new();
        for (i, candidate) in caa_candidates(name).into_iter().enumerate() {
            queried.push(name_text(&candidate));
            // The parents' CAA sets are shared by every domain under them: asked once a scan.
            let answer = if i == 0 {
                self.query(&candidate, RecordType::CAA).await
            } else {
                self.zone_query(&candidate, RecordType::CAA).await
            };
            match answer {
                Ok(answer) => {
                    let records = caa_records(&answer.records);
                    if !records.is_empty() {
                        return Probed::ok(CaaObservation {
                            found_at: Some(name_text(&candidate)),
                            records,
                            queried,
                        });
                    }
                }
                Err((kind, detail)) => {
                    return Probed::failed(
                        kind,
                        format!(
                            "{detail} (while climbing for CAA; queried so far: {})",
                            queried.join(", ")
                        ),
                    );
                }
            }
        }
        if usize::from(name.num_labels()) > MAX_CAA_CLIMB {
            // The ancestors nearest the root (where a registrant's CAA set often is) were not
            // asked: "no CAA" cannot be claimed.
            return Probed::failed(
                FailureKind::TooLarge,
                format!(
                    "{} has more than {MAX_CAA_CLIMB} labels; CAA was asked at {} only, not at the ancestors nearer the root",
                    name_text(name),
                    queried.join(", ")
                ),
            );
        }
        Probed::ok(CaaObservation {
            found_at: None,
            records: Vec::new(),
            queried,
        })
    }

    /// The SOA of the zone containing `name` (the answer shared with the zone probes).
    pub(crate) async fn soa(&self, shared: &SharedSoa, name: &Name) -> Probed<SoaRecord> {
        match self.soa_answer(shared, name).await {
            Ok(answer) => {
                let from_answer = answer.records.iter().find_map(|r| match &r.data {
                    RData::SOA(soa) => Some((r.name.clone(), soa.clone())),
                    _ => None,
                });
                match from_answer.or(answer.authority_soa) {
                    Some((zone, soa)) => Probed::ok(soa_record(&zone, &soa)),
                    None => Probed::failed(
                        FailureKind::NoData,
                        format!(
                            "SOA query for {} returned no SOA in answer or authority section",
                            name_text(name)
                        ),
                    ),
                }
            }
            Err((kind, detail)) => Probed::failed(kind, detail),
        }
    }
}

/// Most CNAMEs followed from the queried name before the chain counts as too long.
const MAX_CNAME_CHAIN: usize = 16;

/// Why the CNAME chain in an answer cannot lead to data: it loops, or it is absurdly long.
fn cname_trouble(name: &Name, answers: &[Record]) -> Option<String> {
    cname_walk(name, answers).err()
}

/// Walks the CNAME chain from `name` through `answers`: the last name reached, or why the
/// chain cannot lead to data ("CNAME loop: a -> b -> a", or longer than `MAX_CNAME_CHAIN`).
pub(crate) fn cname_walk(name: &Name, answers: &[Record]) -> Result<Name, String> {
    let target_of = |owner: &Name| {
        answers.iter().find_map(|r| match &r.data {
            RData::CNAME(cname) if r.name == *owner => Some(cname.0.clone()),
            _ => None,
        })
    };
    let mut seen = vec![name.clone()];
    let mut current = name.clone();
    while let Some(next) = target_of(&current) {
        if seen.contains(&next) {
            let chain: Vec<String> = seen.iter().map(name_text).collect();
            return Err(format!(
                "CNAME loop: {} -> {}",
                chain.join(" -> "),
                name_text(&next)
            ));
        }
        if seen.len() > MAX_CNAME_CHAIN {
            return Err(format!(
                "CNAME chain longer than {MAX_CNAME_CHAIN} names from {}",
                name_text(name)
            ));
        }
        seen.push(next.clone());
        current = next;
    }
    Ok(current)
}

/// The answer for "no such name" or "no records of this type".
pub(crate) fn empty_answer(no: NoRecords) -> Answer {
    Answer {
        records: Vec::new(),
        nxdomain: no.response_code == ResponseCode::NXDomain,
        authority_soa: no.soa.map(|soa| (soa.name.clone(), soa.data.clone())),
        checking_disabled: false,
    }
}

/// Classifies a resolver error into a failure kind and a precise message.
/// Every query here goes to the configured resolver, so a resolver that cannot be reached at
/// all (refused, no route from this host, no descriptors, no connection) is the scanner's
/// failure, not the domain's; its answers (SERVFAIL, REFUSED) and its silence are not.
pub(crate) fn classify_error(e: &NetError, name: &Name, rtype: RecordType) -> QueryFailure {
    let query = format!("{rtype} query for {}", name_text(name));
    match e {
        NetError::Timeout => (FailureKind::Timeout, format!("{query} failed: {e}")),
        NetError::NoConnections => (
            FailureKind::Scanner,
            format!("{query} failed: the resolver could not be reached from this host ({e})"),
        ),
        NetError::Io(io) if resolver_unreachable(io) => (
            FailureKind::Scanner,
            format!("{query} failed: the resolver could not be reached from this host ({io})"),
        ),
        _ => {
            let text = e.to_string();
            let why = if text.contains("receiver was canceled") {
                format!(
                    "the server's connection broke with the query in flight (an answer cut \
                     short?): {text}"
                )
            } else {
                text
            };
            (FailureKind::Dns, format!("{query} failed: {why}"))
        }
    }
}

/// True for an I/O error that means the resolver is not there for this host: refused (nothing
/// listens), no route, the local network down, no descriptors.
fn resolver_unreachable(io: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        io.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::NetworkUnreachable
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable
            | ErrorKind::PermissionDenied
    ) || matches!(
        io.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS)
    )
}

/// A domain name as text, lower case, without the trailing dot ("" for the root).
pub(crate) fn name_text(name: &Name) -> String {
    let mut text = name.to_ascii().to_ascii_lowercase();
    if text.ends_with('.') {
        text.pop();
    }
    text
}

/// Parses a domain (IDN allowed) into a fully qualified name.
pub(crate) fn parse_domain(domain: &str) -> Result<Name, String> {
    let mut name = Name::from_utf8(domain)
        .map_err(|e| format!("{domain:?} is not a valid domain name: {e}"))?;
    name.set_fqdn(true);
    if name.is_root() {
        return Err("the root name cannot be probed".to_string());
    }
    Ok(name)
}

/// The names to query for CAA: the name, then each parent, not the root (RFC 8659 §3).
pub(crate) fn caa_candidates(name: &Name) -> Vec<Name> {
    let mut out = Vec::new();
    let mut current = name.clone();
    while !current.is_root() && out.len() < MAX_CAA_CLIMB {
        out.push(current.clone());
        current = current.base_name();
    }
    out
}

/// IP addresses in A/AAAA answer records.
pub(crate) fn addresses_of(records: &[Record]) -> Vec<IpAddr> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect()
}

/// TXT records with their character-strings joined without separator (RFC 7208 §3.3).
pub(crate) fn txt_strings(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(txt) => Some(join_character_strings(&txt.txt_data)),
            _ => None,
        })
        .collect()
}

/// Joins the character-strings of one TXT record, lossy UTF-8.
pub(crate) fn join_character_strings(parts: &[Box<[u8]>]) -> String {
    let bytes: Vec<u8> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// MX records; a null MX (exchange ".") has exchange "".
pub(crate) fn mx_records(records: &[Record]) -> Vec<MxRecord> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::MX(mx) => Some(MxRecord {
                preference: mx.preference,
                exchange: name_text(&mx.exchange),
            }),
            _ => None,
        })
        .collect()
}

/// CAA records with lossy-text values.
pub(crate) fn caa_records(records: &[Record]) -> Vec<CaaRecord> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::CAA(caa) => Some(CaaRecord {
                critical: caa.issuer_critical,
                tag: caa.tag.clone(),
                value: String::from_utf8_lossy(&caa.value).into_owned(),
            }),
            _ => None,
        })
        .collect()
}

/// The model's SOA record from a zone name and SOA data.
pub(crate) fn soa_record(zone: &Name, soa: &SOA) -> SoaRecord {
    SoaRecord {
        zone: name_text(zone),
        mname: name_text(&soa.mname),
        rname: name_text(&soa.rname),
        serial: soa.serial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::rr::rdata::{MX, TXT};
    use std::str::FromStr;

    fn name(s: &str) -> Name {
        Name::from_str(s).expect("valid name")
    }

    #[test]
    fn caa_candidates_climb_to_the_tld_not_the_root() {
        let got: Vec<String> = caa_candidates(&name("a.b.example.com."))
            .iter()
            .map(name_text)
            .collect();
        assert_eq!(
            got,
            ["a.b.example.com", "b.example.com", "example.com", "com"]
        );
    }

    #[test]
    fn txt_strings_are_joined_without_separator() {
        let rec = Record::from_rdata(
            name("x.test."),
            60,
            RData::TXT(TXT::new(vec![
                "v=DMARC1; p=reject; ".into(),
                "rua=mailto:a@x.test".into(),
            ])),
        );
        assert_eq!(
            txt_strings(&[rec]),
            ["v=DMARC1; p=reject; rua=mailto:a@x.test"]
        );
    }

    #[test]
    fn null_mx_has_empty_exchange() {
        let null = Record::from_rdata(name("x.test."), 60, RData::MX(MX::new(0, Name::root())));
        let real = Record::from_rdata(
            name("x.test."),
            60,
            RData::MX(MX::new(10, name("Mail.X.test."))),
        );
        let got = mx_records(&[null, real]);
        assert_eq!(
            got[0],
            MxRecord {
                preference: 0,
                exchange: String::new()
            }
        );
        assert_eq!(
            got[1],
            MxRecord {
                preference: 10,
                exchange: "mail.x.test".into()
            }
        );
    }

    #[test]
    fn a_cname_loop_is_trouble_and_a_chain_to_data_is_not() {
        use hickory_resolver::proto::rr::rdata::{A, CNAME};
        let cname = |from: &str, to: &str| {
            Record::from_rdata(name(from), 60, RData::CNAME(CNAME(name(to))))
        };
        let looped = [cname("a.test.", "b.test."), cname("b.test.", "a.test.")];
        let why = cname_trouble(&name("a.test."), &looped).expect("loop");
        assert_eq!(why, "CNAME loop: a.test -> b.test -> a.test");
        let fine = [
            cname("a.test.", "b.test."),
            Record::from_rdata(name("b.test."), 60, RData::A(A::new(192, 0, 2, 1))),
        ];
        assert_eq!(cname_trouble(&name("a.test."), &fine), None);
    }

    #[test]
    fn parse_domain_accepts_idn_and_rejects_garbage() {
        assert_eq!(
            name_text(&parse_domain("bücher.example").expect("idn")),
            "xn--bcher-kva.example"
        );
        assert!(parse_domain("").is_err());
        assert!(parse_domain("a..b").is_err());
    }
}
