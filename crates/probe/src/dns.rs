//! DNS probes with a non-validating hickory resolver: address, NS, MX, TXT, CAA (climbed), DMARC, SOA.

use std::net::IpAddr;
use std::sync::Arc;

use govscan_model::{CaaObservation, CaaRecord, FailureKind, MxRecord, Probed, SoaRecord};
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::rdata::SOA;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use hickory_resolver::{ResolverBuilder, TokioResolver};

use crate::ProbeConfig;
use crate::error::ProbeError;
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
}

/// One domain's SOA answer, asked once and shared by the probes that need the zone.
pub(crate) type SharedSoa = tokio::sync::OnceCell<Result<Answer, QueryFailure>>;

/// A resolver builder asking `--resolver` (or the system's servers), with the options every
/// govscan resolver shares: no cache, no hosts file, the scan's timeout and retries; `validate`
/// turns DNSSEC validation on. Returns the builder and a description of the server asked.
pub(crate) fn resolver_builder(
    config: &ProbeConfig,
    validate: bool,
) -> Result<(ResolverBuilder<TokioRuntimeProvider>, String), ProbeError> {
    let provider = TokioRuntimeProvider::default();
    let (mut builder, description) = match config.resolver {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            let cfg = ResolverConfig::from_parts(None, vec![], vec![server]);
            (
                TokioResolver::builder_with_config(cfg, provider),
                addr.to_string(),
            )
        }
        None => {
            let builder = TokioResolver::builder(provider)
                .map_err(|e| ProbeError::Resolver(format!("reading system DNS config: {e}")))?;
            (builder, "system".to_string())
        }
    };
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.cache_size = 0;
    opts.validate = validate;
    opts.timeout = config.dns_timeout;
    opts.attempts = (config.retries as usize).saturating_add(1);
    opts.use_hosts_file = ResolveHosts::Never;
    opts.ndots = 0;
    Ok((builder, description))
}

impl Dns {
    /// Builds a non-validating, non-caching resolver as configured.
    pub(crate) fn new(config: &ProbeConfig) -> Result<Dns, ProbeError> {
        let (builder, description) = resolver_builder(config, false)?;
        let resolver = builder
            .build()
            .map_err(|e| ProbeError::Resolver(format!("building resolver: {e}")))?;
        Ok(Dns {
            resolver,
            description,
            facts: Arc::new(ZoneFacts::default()),
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
            }),
            Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
                let answer = Answer {
                    records: Vec::new(),
                    nxdomain: no.response_code == ResponseCode::NXDomain,
                    authority_soa: no.soa.map(|soa| (soa.name.clone(), soa.data.clone())),
                };
                // hickory follows a CNAME loop to its depth limit and reports "no records";
                // a real empty answer carries the zone's SOA, so only one without is checked.
                if answer.authority_soa.is_none()
                    && rtype != RecordType::CNAME
                    && let Some(why) = Box::pin(self.cname_chain_trouble(name)).await
                {
                    return Err((
                        FailureKind::Dns,
                        format!("{rtype} query for {} failed: {why}", name_text(name)),
                    ));
                }
                Ok(answer)
            }
            Err(e) => Err(classify_error(&e, name, rtype)),
        }
    }

    /// Follows `name`'s CNAME chain with explicit CNAME queries (at most `MAX_CNAME_CHAIN`):
    /// why it cannot lead to data (a loop, or too long), or `None` when it ends at a name.
    async fn cname_chain_trouble(&self, name: &Name) -> Option<String> {
        let mut records: Vec<Record> = Vec::new();
        let mut asked: Vec<Name> = Vec::new();
        let mut current = name.clone();
        for _ in 0..=MAX_CNAME_CHAIN {
            let lookup = self
                .resolver
                .lookup(current.clone(), RecordType::CNAME)
                .await
                .ok()?;
            asked.push(current);
            records.extend(
                lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == RecordType::CNAME)
                    .cloned(),
            );
            match cname_walk(name, &records) {
                Err(why) => return Some(why),
                Ok(end) if asked.contains(&end) => return None,
                Ok(end) => current = end,
            }
        }
        Some(format!(
            "CNAME chain longer than {MAX_CNAME_CHAIN} names from {}",
            name_text(name)
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
        self.facts
            .queries
            .get_or_fetch(key, || Box::pin(self.query(name, rtype)))
            .await
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
fn cname_walk(name: &Name, answers: &[Record]) -> Result<Name, String> {
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

/// Classifies a resolver error into a failure kind and a precise message.
fn classify_error(e: &NetError, name: &Name, rtype: RecordType) -> QueryFailure {
    let kind = match e {
        NetError::Timeout => FailureKind::Timeout,
        _ => FailureKind::Dns,
    };
    let text = e.to_string();
    let why = if text.contains("receiver was canceled") {
        format!(
            "the server's connection broke with the query in flight (an answer cut short?): {text}"
        )
    } else {
        text
    };
    (
        kind,
        format!("{rtype} query for {} failed: {why}", name_text(name)),
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
