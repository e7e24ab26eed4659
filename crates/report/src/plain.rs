//! One line in plain words per check, for the ministers' page: what the check protects,
//! without acronyms or commands. Check titles and "how to fix" lines are written for the
//! technical team; the dashboard shows this line beside them. A test requires a line for every
//! built-in check.

/// (check id, what it means in plain words).
const PLAIN: &[(&str, &str)] = &[
    (
        "cert.chain-complete",
        "The site sends everything a browser needs to check its identity card, so no visitor gets a warning.",
    ),
    (
        "cert.expiry-soon",
        "The site's identity certificate is renewed in good time, not at the last minute.",
    ),
    (
        "cert.hostname-match",
        "The site's identity certificate is made out to the site's own name.",
    ),
    (
        "cert.key-strength",
        "The site's identity certificate uses keys too strong to forge.",
    ),
    (
        "cert.lifetime",
        "The site's identity certificate is short-lived, as browsers now require.",
    ),
    (
        "cert.not-expired",
        "The site's identity certificate is still valid, so browsers do not warn visitors away.",
    ),
    (
        "cert.not-revoked",
        "The authority that issued the site's identity certificate has not withdrawn it.",
    ),
    (
        "cert.ocsp-stapling",
        "The site proves on each visit that its certificate has not been withdrawn.",
    ),
    (
        "cert.signature-algorithm",
        "The site's identity certificate is signed with a method that cannot be forged today.",
    ),
    (
        "cert.transparency",
        "The site's certificate is in the public logs that expose wrongly issued certificates.",
    ),
    (
        "cert.trusted-chain",
        "The site's identity certificate comes from an authority that browsers trust.",
    ),
    (
        "dns.caa",
        "The domain names the only certificate authorities allowed to issue certificates for it.",
    ),
    (
        "dns.dnssec",
        "The domain's address book entries are signed, so they cannot be forged on the way.",
    ),
    (
        "dns.ipv6-nameservers",
        "The domain's address book can be reached over the newer internet protocol (IPv6).",
    ),
    (
        "dns.ipv6-web",
        "The website can be reached over the newer internet protocol (IPv6).",
    ),
    (
        "dns.nameservers",
        "The domain's address book is kept on at least two servers that agree, so one failure does not take it offline.",
    ),
    (
        "http.cookies",
        "The site's cookies are protected from being read or sent by other sites.",
    ),
    (
        "http.cors",
        "Other websites cannot read this site's pages in a visitor's name.",
    ),
    (
        "http.csp",
        "The site limits where the code on its pages may come from, which blunts injected scripts.",
    ),
    (
        "http.frame-protection",
        "Other sites cannot show this site's pages inside their own to trick visitors.",
    ),
    (
        "http.hsts",
        "Browsers are told to always use the encrypted connection, even if a link says otherwise.",
    ),
    (
        "http.hsts-preload-ready",
        "The site is ready to be built into browsers as encrypted-only.",
    ),
    (
        "http.https-redirect",
        "Visitors who arrive without encryption are sent straight to the encrypted site.",
    ),
    (
        "http.permissions-policy",
        "The site switches off browser features it does not use, such as camera and location.",
    ),
    (
        "http.referrer-policy",
        "Page addresses do not leak to other sites when visitors follow a link.",
    ),
    (
        "http.security-txt",
        "The site says how to report a security problem, and the notice is current.",
    ),
    (
        "http.server-banner",
        "The site does not advertise which software versions it runs.",
    ),
    (
        "http.x-content-type-options",
        "Browsers are told not to guess what a file is, which closes a route for attacks.",
    ),
    (
        "http.dane",
        "The site publishes, in its signed address book, which identity certificate visitors should expect.",
    ),
    (
        "mail.dane",
        "The domain's mail servers publish, in its signed address book, which certificate senders should expect, so delivery cannot be intercepted.",
    ),
    (
        "mail.dkim",
        "Mail from the domain carries a strong signature that receivers can check.",
    ),
    (
        "mail.starttls",
        "Mail sent to the domain can travel encrypted to its mail servers.",
    ),
    (
        "mail.starttls-tls",
        "The encryption offered by the domain's mail servers uses only methods that are still considered safe.",
    ),
    (
        "mail.starttls-certificate",
        "The domain's mail servers show a valid identity certificate for their own name.",
    ),
    (
        "net.rpki",
        "The internet routes to the domain's servers are protected against being hijacked.",
    ),
    (
        "mail.dmarc",
        "Mail forged in the domain's name is rejected or quarantined by receivers.",
    ),
    (
        "mail.ipv6-mx",
        "The domain's mail servers can receive mail over the newer internet protocol (IPv6).",
    ),
    (
        "mail.mta-sts",
        "Mail servers sending to the domain must encrypt the delivery.",
    ),
    (
        "mail.null-mx",
        "A domain that sends no mail says so, so no one can send mail in its name.",
    ),
    (
        "mail.spf",
        "The domain lists which servers may send its mail and asks receivers to reject the rest.",
    ),
    (
        "mail.tls-rpt",
        "Mail servers can report to the domain when encrypted delivery fails.",
    ),
    (
        "tls.cipher-suites",
        "The site accepts only encryption methods that are still considered safe.",
    ),
    (
        "tls.compression-disabled",
        "A feature that lets attackers guess encrypted secrets is switched off.",
    ),
    (
        "tls.extended-master-secret",
        "The encrypted connection is protected against being spliced by an attacker in the middle.",
    ),
    (
        "tls.forward-secrecy",
        "Recorded traffic stays secret even if the site's key is stolen later.",
    ),
    (
        "tls.https-available",
        "The website can be visited over an encrypted connection.",
    ),
    (
        "tls.key-exchange-groups",
        "The encryption keys are agreed with methods that are still considered strong.",
    ),
    (
        "tls.legacy-protocols-disabled",
        "Old, broken versions of encryption are switched off.",
    ),
    (
        "tls.secure-renegotiation",
        "An old weakness that lets attackers inject requests into an encrypted connection is closed.",
    ),
    (
        "tls.tls13-supported",
        "The site offers the newest, fastest and safest version of encryption.",
    ),
];

/// The plain-words line of a check, if there is one.
pub(crate) fn plain_words(check: &str) -> Option<&'static str> {
    PLAIN
        .iter()
        .find(|(id, _)| *id == check)
        .map(|(_, line)| *line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that need explaining to a minister; a plain-words line must not use them bare.
    const JARGON: [&str; 16] = [
        "TLS", "SSL", "HSTS", "DNSSEC", "OCSP", "RFC", "CAA", "SPF", "DMARC", "MTA", "CSP", "CORS",
        "AA bit", "dig ", "nginx", "`",
    ];

    #[test]
    fn every_built_in_check_has_a_plain_line_without_jargon() {
        for check in govscan_checks::registry::ALL {
            let id = check.meta().id;
            let line = plain_words(id).unwrap_or_else(|| {
                panic!("{id}: add a plain-words line to crates/report/src/plain.rs")
            });
            for word in JARGON {
                assert!(!line.contains(word), "{id}: {word:?} in {line:?}");
            }
            assert!(line.ends_with('.'), "{id}: a sentence: {line:?}");
        }
        for (id, _) in PLAIN {
            assert!(govscan_checks::find(id).is_some(), "{id} is not a check");
        }
    }
}
