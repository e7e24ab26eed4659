//! The DNS record sets declarative checks declare (`dns: {name: "_bimi.{domain}", type: TXT}`)
//! beyond the ones govscan records for every domain: each queried once per domain through the
//! scan's resolver, under its timeouts and retries.

use std::str::FromStr;

use govscan_model::{DnsQuery, FailureKind, Probed};
use hickory_resolver::proto::rr::{Name, RecordType};

use crate::Inner;
use crate::dns::{name_text, txt_strings};

/// Queries every declared (name template, type) for `domain`, one after the other.
pub(crate) async fn query_all(inner: &Inner, domain: &str) -> Vec<DnsQuery> {
    let mut out = Vec::new();
    for (template, rtype) in &inner.config.extra_dns {
        let name = template.replace("{domain}", domain);
        let result = query_one(inner, &name, rtype).await;
        out.push(DnsQuery {
            name: name.trim_end_matches('.').to_owned(),
            rtype: rtype.clone(),
            result,
        });
    }
    out
}

async fn query_one(inner: &Inner, name: &str, rtype: &str) -> Probed<Vec<String>> {
    let parsed = Name::from_ascii(name).map(|mut n| {
        n.set_fqdn(true);
        n
    });
    let (Ok(name), Ok(rtype)) = (parsed, RecordType::from_str(rtype)) else {
        return Probed::failed(FailureKind::Dns, format!("cannot query {rtype} {name}"));
    };
    match inner.dns.query(&name, rtype).await {
        Ok(answer) if rtype == RecordType::TXT => Probed::ok(txt_strings(&answer.records)),
        Ok(answer) => Probed::ok(
            answer
                .records
                .iter()
                .map(|r| r.data.to_string().trim_end_matches('.').to_owned())
                .collect(),
        ),
        Err((kind, detail)) => {
            Probed::failed(kind, format!("{rtype} {}: {detail}", name_text(&name)))
        }
    }
}
