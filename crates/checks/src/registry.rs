//! The one explicit list of built-in checks, sorted by id.

use crate::Check;
use crate::cert::{
    chain_complete::ChainComplete, expiry_soon::ExpirySoon, key_strength::KeyStrength,
    lifetime::Lifetime, ocsp_stapling::OcspStapling, signature_algorithm::SignatureAlgorithm,
    transparency::Transparency,
};
use crate::cert::{
    hostname_match::HostnameMatch, not_expired::NotExpired, not_revoked::NotRevoked,
    trusted_chain::TrustedChain,
};
use crate::dns::{
    caa::Caa, dnssec::Dnssec, ipv6_nameservers::Ipv6Nameservers, ipv6_web::Ipv6Web,
    nameservers::Nameservers,
};
use crate::http::{
    cookies::Cookies, cors::Cors, csp::Csp, dane::Dane as HttpDane,
    frame_protection::FrameProtection, hsts::Hsts, hsts_preload_ready::HstsPreloadReady,
    https_redirect::HttpsRedirect, permissions_policy::PermissionsPolicy,
    referrer_policy::ReferrerPolicy, security_txt::SecurityTxt, server_banner::ServerBanner,
    x_content_type_options::XContentTypeOptions,
};
use crate::mail::ipv6_mx::Ipv6Mx;
use crate::mail::{
    dane::Dane as MailDane, dkim::Dkim, dmarc::Dmarc, mta_sts::MtaSts, null_mx::NullMx, spf::Spf,
    starttls::Starttls, starttls_certificate::StarttlsCertificate, starttls_tls::StarttlsTls,
    tls_rpt::TlsRpt,
};
use crate::net::rpki::Rpki;
use crate::tls::{
    cipher_suites::CipherSuites, compression_disabled::CompressionDisabled,
    extended_master_secret::ExtendedMasterSecret, forward_secrecy::ForwardSecrecy,
    key_exchange_groups::KeyExchangeGroups, legacy_protocols_disabled::LegacyProtocolsDisabled,
    secure_renegotiation::SecureRenegotiation,
};
use crate::tls::{https_available::HttpsAvailable, tls13_supported::Tls13Supported};

/// Every built-in check, sorted by id.
pub static ALL: &[&dyn Check] = &[
    &ChainComplete,
    &ExpirySoon,
    &HostnameMatch,
    &KeyStrength,
    &Lifetime,
    &NotExpired,
    &NotRevoked,
    &OcspStapling,
    &SignatureAlgorithm,
    &Transparency,
    &TrustedChain,
    &Caa,
    &Dnssec,
    &Ipv6Nameservers,
    &Ipv6Web,
    &Nameservers,
    &Cookies,
    &Cors,
    &Csp,
    &HttpDane,
    &FrameProtection,
    &Hsts,
    &HstsPreloadReady,
    &HttpsRedirect,
    &PermissionsPolicy,
    &ReferrerPolicy,
    &SecurityTxt,
    &ServerBanner,
    &XContentTypeOptions,
    &MailDane,
    &Dkim,
    &Dmarc,
    &Ipv6Mx,
    &MtaSts,
    &NullMx,
    &Spf,
    &Starttls,
    &StarttlsCertificate,
    &StarttlsTls,
    &TlsRpt,
    &Rpki,
    &CipherSuites,
    &CompressionDisabled,
    &ExtendedMasterSecret,
    &ForwardSecrecy,
    &HttpsAvailable,
    &KeyExchangeGroups,
    &LegacyProtocolsDisabled,
    &SecureRenegotiation,
    &Tls13Supported,
];

/// Finds a built-in check by id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.meta().id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::Family;

    #[test]
    fn ids_are_unique_sorted_and_match_their_family() {
        let ids: Vec<&str> = ALL.iter().map(|c| c.meta().id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "registry must be sorted and unique");
        for check in ALL {
            let meta = check.meta();
            let (prefix, slug) = meta.id.split_once('.').expect("id has a family prefix");
            assert_eq!(
                Family::from_prefix(prefix),
                Some(meta.family),
                "{}",
                meta.id
            );
            assert!(
                !slug.is_empty()
                    && slug
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} slug must be kebab-case",
                meta.id
            );
            assert!(!meta.references.is_empty(), "{} cites no source", meta.id);
            for r in meta.references {
                assert!(
                    r.url.starts_with("https://"),
                    "{} reference {} is not https",
                    meta.id,
                    r.url
                );
            }
        }
    }
}
