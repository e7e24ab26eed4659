//! Mail policy records beyond SPF/DMARC: MTA-STS (TXT + the HTTPS policy file), TLS-RPT, and
//! the DMARC record of the organisational domain (RFC 7489 §6.6.3), found with the public
//! suffix list compiled into the `psl` crate (offline, no fetch at run time).

use std::sync::Arc;

use govscan_model::{FailureKind, MtaStsPolicyFetch, OrganisationalDmarc, Probed};
use hickory_resolver::proto::rr::Name;

use crate::dns::name_text;
use crate::fair::DomainShare;
use crate::http::BodyPolicy;
use crate::net::ConnCounter;
use crate::session::{Scheme, Session};
use crate::{Inner, offsite};

/// Most policy-file bytes kept (RFC 8461 policies are a few hundred bytes).
const POLICY_CAP: usize = 64 * 1024;

/// TXT records at `<label>.<name>`.
pub(crate) async fn txt_at(inner: &Inner, label: &str, name: &Name) -> Probed<Vec<String>> {
    match Name::from_ascii(label).and_then(|l| l.append_domain(name)) {
        Ok(full) => inner.dns.txt(&full).await,
        Err(e) => Probed::failed(
            FailureKind::Dns,
            format!("cannot form {label}.{}: {e}", name_text(name)),
        ),
    }
}

/// The organisational domain of `domain` (public suffix + one label), lower case.
pub(crate) fn organisational_domain(domain: &str) -> Option<String> {
    psl::domain_str(&domain.to_ascii_lowercase()).map(str::to_string)
}

/// `_dmarc.<organisational domain>`, or skipped when the domain is its own.
pub(crate) async fn organisational_dmarc(
    inner: &Inner,
    domain: &str,
) -> Probed<OrganisationalDmarc> {
    let Some(org) = organisational_domain(domain) else {
        return Probed::skipped(format!(
            "{domain} has no organisational domain (it is a public suffix)"
        ));
    };
    if org == domain {
        return Probed::skipped(format!("{domain} is its own organisational domain"));
    }
    let name = match Name::from_ascii(format!("_dmarc.{org}.")) {
        Ok(name) => name,
        Err(e) => {
            return Probed::failed(FailureKind::Dns, format!("cannot form _dmarc.{org}: {e}"));
        }
    };
    // Shared by every domain under the organisational domain: asked once a scan.
    match inner.dns.shared_txt(&name).await {
        Probed::Ok { value } => Probed::ok(OrganisationalDmarc {
            domain: org,
            records: value,
        }),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => Probed::ok(OrganisationalDmarc {
            domain: org,
            records: Vec::new(),
        }),
        Probed::Failed { kind, detail } => Probed::failed(kind, detail),
        Probed::Skipped { why } => Probed::skipped(why),
    }
}

/// Fetches `https://mta-sts.<domain>/.well-known/mta-sts.txt` when `_mta-sts` announces a policy,
/// from the first address of the policy host that the address policy allows, charging the
/// connection to the domain's share of the slots.
pub(crate) async fn mta_sts_policy(
    inner: &Inner,
    domain: &str,
    txt: &Probed<Vec<String>>,
    share: &Arc<DomainShare>,
) -> Probed<MtaStsPolicyFetch> {
    let announced = txt
        .value()
        .is_some_and(|records| records.iter().any(|r| r.starts_with("v=STSv1")));
    if !announced {
        return Probed::skipped(format!(
            "_mta-sts.{domain} has no v=STSv1 record, so there is no policy to fetch"
        ));
    }
    let host = format!("mta-sts.{domain}");
    let ip = match offsite::allowed_address(inner, &host).await {
        Ok(ip) => ip,
        Err(failure) => return failure,
    };
    let counter = ConnCounter::for_domain(share);
    let mut session = Session::new(inner, &host, ip, &counter);
    let tls = match session.open_tls().await {
        Ok(tls) => tls,
        Err(failure) => return failure.probed(),
    };
    let url = match session.url_for(Scheme::Https, "/.well-known/mta-sts.txt") {
        Ok(url) => url,
        Err(failure) => return failure.probed(),
    };
    let body = BodyPolicy {
        cap: inner.config.body_cap.min(POLICY_CAP),
        keep_text: true,
        origin: None,
    };
    match session.exchange(&url, body).await {
        Ok(response) => Probed::ok(MtaStsPolicyFetch {
            address: ip.to_string(),
            certificate_error: tls.trust.at_scan_time,
            response,
        }),
        Err(failure) => failure.probed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisational_domain_uses_the_public_suffix_list() {
        assert_eq!(
            organisational_domain("www.example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            organisational_domain("a.b.cabinetoffice.gov.uk").as_deref(),
            Some("cabinetoffice.gov.uk")
        );
        assert_eq!(
            organisational_domain("www.ria.ee").as_deref(),
            Some("ria.ee")
        );
        // An unlisted TLD falls back to the default rule "*" (one-label suffix).
        assert_eq!(
            organisational_domain("good.lab.test").as_deref(),
            Some("lab.test")
        );
        assert_eq!(organisational_domain("com"), None);
    }
}
