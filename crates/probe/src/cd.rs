//! Reading a record set again with the CD (checking disabled) bit, RFC 4035 §3.2.2, after the
//! resolver answered SERVFAIL. A validating resolver answers SERVFAIL for every name of a bogus
//! zone: the site has vanished for its users, and that is the finding, not a reason to stop
//! looking. With CD the resolver hands over the data without validating it, so the web and mail
//! of the domain are still probed and judged, and govscan's own validator (`dnssec.rs`, which
//! sends every query through the same CD-setting handle) says why the zone is bogus.
//!
//! Which record sets of a domain were read this way is logged per domain probe (a task-local
//! list, `reads_of`) and lands in `DnsObservations::read_with_cd`, so the evidence says so.

use std::future::Future;
use std::sync::{Arc, Mutex};

use govscan_model::FailureKind;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::{DnsHandle, FirstAnswer};
use hickory_resolver::net::{DnsError, NetError, RetryDnsHandle};
use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::{NameServerPool, PoolContext, TlsConfig};

use crate::ProbeConfig;
use crate::dns::{
    Answer, Dns, QueryFailure, classify_error, cname_walk, empty_answer, name_text, resolver_parts,
};
use crate::error::ProbeError;

/// A handle that sets the CD bit on every query it sends.
#[derive(Clone)]
pub(crate) struct CheckingDisabled<H>(H);

impl<H: DnsHandle> DnsHandle for CheckingDisabled<H> {
    type Response = H::Response;
    type Runtime = H::Runtime;

    fn send(&self, mut request: DnsRequest) -> Self::Response {
        request.metadata.checking_disabled = true;
        self.0.send(request)
    }
}

/// The configured servers (hickory's name-server pool with retries), every query with CD set.
pub(crate) type CdHandle = CheckingDisabled<RetryDnsHandle<NameServerPool<TokioRuntimeProvider>>>;

/// Builds the CD handle for the servers and options of the probe's resolver.
pub(crate) fn cd_handle(config: &ProbeConfig) -> Result<CdHandle, ProbeError> {
    let (servers, opts, _) = resolver_parts(config)?;
    let attempts = opts.attempts;
    let tls = TlsConfig::new()
        .map_err(|e| ProbeError::Resolver(format!("building the CD handle: {e}")))?;
    let context = Arc::new(PoolContext::new(opts, tls));
    let pool = NameServerPool::from_config(
        servers.name_servers().iter().cloned(),
        context,
        TokioRuntimeProvider::default(),
    );
    Ok(CheckingDisabled(RetryDnsHandle::new(pool, attempts)))
}

/// True when the resolver answered SERVFAIL.
pub(crate) fn is_servfail(error: &NetError) -> bool {
    matches!(
        error,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail))
    )
}

impl Dns {
    /// `name`/`rtype` again with CD after `servfail`; on success the answer is marked and the
    /// read is logged for the domain being probed, on failure both errors are reported.
    pub(crate) async fn read_with_cd(
        &self,
        name: &Name,
        rtype: RecordType,
        servfail: &NetError,
    ) -> Result<Answer, QueryFailure> {
        let mut answer = match cd_query(&self.cd, name, rtype).await {
            Ok(answer) => answer,
            Err((_, again)) => {
                let (kind, detail) = classify_error(servfail, name, rtype);
                return Err((
                    kind,
                    format!("{detail}; asked again with the CD bit: {again}"),
                ));
            }
        };
        answer.checking_disabled = true;
        note(name, rtype);
        Ok(answer)
    }
}

/// One query with CD set: the records of `rtype` (CNAMEs followed inside the answer), or the
/// empty answer of NODATA/NXDOMAIN.
pub(crate) async fn cd_query(
    handle: &CdHandle,
    name: &Name,
    rtype: RecordType,
) -> Result<Answer, QueryFailure> {
    let options = DnsRequestOptions::default();
    let response = handle
        .lookup(Query::query(name.clone(), rtype), options)
        .first_answer()
        .await;
    match response {
        Ok(response) => {
            if rtype != RecordType::CNAME
                && let Err(why) = cname_walk(name, &response.answers)
            {
                return Err((
                    FailureKind::Dns,
                    format!("{rtype} query for {} failed: {why}", name_text(name)),
                ));
            }
            // The pool hands NODATA/NXDOMAIN over as a response: its SOA is in the authority section.
            let authority_soa = response.authorities.iter().find_map(|r| match &r.data {
                RData::SOA(soa) => Some((r.name.clone(), soa.clone())),
                _ => None,
            });
            Ok(Answer {
                records: response
                    .answers
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .cloned()
                    .collect(),
                authority_soa,
                nxdomain: response.response_code == ResponseCode::NXDomain,
                checking_disabled: true,
            })
        }
        Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
            let mut answer = empty_answer(no);
            answer.checking_disabled = true;
            Ok(answer)
        }
        Err(e) => Err(classify_error(&e, name, rtype)),
    }
}

tokio::task_local! {
    /// The record sets of the domain being probed that were read with CD.
    static CD_READS: Arc<Mutex<Vec<String>>>;
}

/// Runs one domain's probe, logging the record sets it read with CD into `log`.
pub(crate) async fn reads_of<F: Future>(log: Arc<Mutex<Vec<String>>>, probe: F) -> F::Output {
    CD_READS.scope(log, probe).await
}

/// Logs that `name`/`rtype` was read with CD (once), for the domain being probed, if any.
pub(crate) fn note(name: &Name, rtype: RecordType) {
    let read = format!("{rtype} {}", name_text(name));
    let _ = CD_READS.try_with(|log| {
        // A poisoned lock only means another task panicked mid-push; the list is still usable.
        let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
        if !log.contains(&read) {
            log.push(read);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn reads_are_logged_once_per_domain_and_only_inside_its_probe() {
        let name = Name::from_str("www.bogus.test.").expect("name");
        note(&name, RecordType::A);
        let log = Arc::new(Mutex::new(Vec::new()));
        reads_of(Arc::clone(&log), async {
            note(&name, RecordType::A);
            note(&name, RecordType::A);
            note(&name, RecordType::MX);
        })
        .await;
        let got = log.lock().expect("lock").clone();
        assert_eq!(got, ["A www.bogus.test", "MX www.bogus.test"]);
    }

    #[test]
    fn only_servfail_triggers_the_cd_read() {
        let servfail = NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail));
        let refused = NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused));
        assert!(is_servfail(&servfail));
        assert!(!is_servfail(&refused));
        assert!(!is_servfail(&NetError::Timeout));
    }
}
