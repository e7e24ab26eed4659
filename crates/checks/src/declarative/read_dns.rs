//! Reading DNS record sets and mail policy records for tree leaves (see [`super::sources`]):
//! "no such records" is an empty, complete set; a failed lookup is an error (unknown).

use govscan_model::{FailureKind, Observations, Probed};

use super::sources::{MailField, Values, body, probed};
use crate::mail::dmarc_policy::{self, Discovery};

/// A record set where "no such records" is an empty answer.
fn records<T>(
    p: &Probed<Vec<T>>,
    name: &str,
    show: impl Fn(&T) -> String,
) -> Result<Values, String> {
    match p {
        Probed::Ok { value } => Ok(Values::new(value.iter().map(show).collect(), name)),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => Ok(Values::new(Vec::new(), name)),
        other => Err(other.missing_reason().unwrap_or_default()),
    }
}

/// The DNS record sets govscan records for every domain, by name template and type; other
/// names and types are read from the extra queries the checks declared.
pub(super) fn dns(obs: &Observations, name: &str, rtype: &str) -> Result<Values, String> {
    let d = &obs.dns;
    let domain = obs.domain.as_str();
    let text = |s: &String| s.clone();
    let at_domain = name.eq_ignore_ascii_case(domain);
    match rtype {
        "A" if at_domain => records(&d.a, name, text),
        "AAAA" if at_domain => records(&d.aaaa, name, text),
        "NS" if at_domain => records(&d.ns, name, text),
        "TXT" if at_domain => records(&d.txt, name, text),
        "MX" if at_domain => records(&d.mx, name, |m| {
            let host = if m.exchange.is_empty() {
                "."
            } else {
                &m.exchange
            };
            format!("{} {host}", m.preference)
        }),
        "CAA" if at_domain => {
            let caa = probed(&d.caa)?;
            let items = caa
                .records
                .iter()
                .map(|r| format!("{} {} \"{}\"", u8::from(r.critical) * 128, r.tag, r.value))
                .collect();
            let at = caa.found_at.clone().unwrap_or_else(|| name.to_owned());
            Ok(Values::new(items, at))
        }
        "SOA" if at_domain => {
            let soa = probed(&d.soa)?;
            Ok(Values::new(
                vec![format!("{} {} {}", soa.mname, soa.rname, soa.serial)],
                soa.zone.clone(),
            ))
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_dmarc.{domain}")) => {
            records(&d.dmarc, name, text)
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_mta-sts.{domain}")) => {
            records(&d.mta_sts, name, text)
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_smtp._tls.{domain}")) => {
            records(&d.tls_rpt, name, text)
        }
        _ => {
            let query = d
                .extra
                .iter()
                .find(|q| q.name.eq_ignore_ascii_case(name) && q.rtype == rtype)
                .ok_or_else(|| format!("{rtype} {name} was not queried in this scan"))?;
            records(&query.result, name, text)
        }
    }
}

pub(super) fn mail(obs: &Observations, field: MailField) -> Result<Values, String> {
    let d = &obs.dns;
    let domain = &obs.domain;
    match field {
        MailField::DmarcRecord => match dmarc_policy::discover(obs) {
            Discovery::Found(found) => {
                Ok(Values::new(vec![found.record.clone()], found.name.clone()))
            }
            Discovery::Missing { .. } | Discovery::Multiple { .. } | Discovery::Invalid { .. } => {
                Ok(Values::new(Vec::new(), format!("_dmarc.{domain}")))
            }
            Discovery::Unknown(why) => Err(why),
        },
        MailField::SpfRecords => {
            let mut v = records(&d.txt, domain, |s: &String| s.clone())?;
            // RFC 7208 §4.5: "v=spf1" followed by a space or the end, case-insensitively.
            v.items.retain(|t| {
                let lower = t.to_ascii_lowercase();
                lower == "v=spf1" || lower.starts_with("v=spf1 ")
            });
            Ok(v)
        }
        MailField::Mx => records(&d.mx, domain, |m| {
            if m.exchange.is_empty() {
                ".".to_owned()
            } else {
                m.exchange.clone()
            }
        }),
        MailField::MtaSts => records(&d.mta_sts, &format!("_mta-sts.{domain}"), |s: &String| {
            s.clone()
        }),
        MailField::TlsRpt => records(&d.tls_rpt, &format!("_smtp._tls.{domain}"), |s: &String| {
            s.clone()
        }),
        MailField::MtaStsPolicy => {
            let fetch = probed(&d.mta_sts_policy)?;
            let body = body(&fetch.response)?;
            let lines = body
                .items
                .iter()
                .flat_map(|b| b.lines())
                .map(|l| l.trim().to_owned());
            Ok(Values {
                items: lines.filter(|l| !l.is_empty()).collect(),
                ..body
            })
        }
    }
}
