//! Property tests over the runner (issue 10 §6), seeded with every recorded fixture:
//!
//! 1. For every registered check, breaking a probe the check needs (failed with any class but
//!    "no such records", skipped, or partial: a redirect chain whose later hop failed) never
//!    yields `pass`.
//! 2. A probe that failed on the scanner's side (`FailureKind::Scanner`), injected anywhere,
//!    never turns a verdict that was not `fail` into `fail`.
//!
//! What each check needs is written out below (`needs`), one group per alternative source of
//! the same fact: a group is broken when all of its probes are. Some failures are answers to a
//! check and are listed as such: a refused port 80 tells `http.https-redirect` and
//! `http.hsts-preload-ready` that plain HTTP is not offered.

use std::sync::OnceLock;

use govscan_model::{FailureKind, Observations, Probed, RedirectEnd, Status};
use proptest::prelude::*;

use crate::fixtures::load;
use crate::runner::evaluate_one;
use crate::{Context, registry::ALL};

/// A probe that can be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    A,
    Aaaa,
    Ns,
    Mx,
    Txt,
    Caa,
    Dmarc,
    Soa,
    Dnssec,
    Nameservers,
    /// One name server address's direct answer.
    NsAnswer,
    MtaSts,
    MtaStsPolicy,
    TlsRpt,
    DmarcOrganisational,
    Tls,
    TlsScan,
    Http,
    Https,
    SecurityTxt,
    /// The whole SMTP probe of the MX hosts.
    MailServers,
    /// One MX address's SMTP session.
    Smtp,
    /// One MX address's hello scan through STARTTLS.
    SmtpTlsScan,
    /// One MX host's TLSA lookup.
    MxTlsa,
    WebTlsa,
    Dkim,
    Rpki,
}

const ALL_PROBES: [Probe; 27] = [
    Probe::A,
    Probe::Aaaa,
    Probe::Ns,
    Probe::Mx,
    Probe::Txt,
    Probe::Caa,
    Probe::Dmarc,
    Probe::Soa,
    Probe::Dnssec,
    Probe::Nameservers,
    Probe::NsAnswer,
    Probe::MtaSts,
    Probe::MtaStsPolicy,
    Probe::TlsRpt,
    Probe::DmarcOrganisational,
    Probe::Tls,
    Probe::TlsScan,
    Probe::Http,
    Probe::Https,
    Probe::SecurityTxt,
    Probe::MailServers,
    Probe::Smtp,
    Probe::SmtpTlsScan,
    Probe::MxTlsa,
    Probe::WebTlsa,
    Probe::Dkim,
    Probe::Rpki,
];

/// How a probe is broken.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    Failed(FailureKind),
    Skipped,
    /// A redirect chain whose later hop failed (other probes: failed with a timeout).
    Partial,
}

/// Failure classes other than "no such records" (an answer for a record set).
const KINDS: [FailureKind; 9] = [
    FailureKind::Timeout,
    FailureKind::Refused,
    FailureKind::Unreachable,
    FailureKind::Dns,
    FailureKind::Tls,
    FailureKind::Http,
    FailureKind::TooLarge,
    FailureKind::Scanner,
    FailureKind::Other,
];

/// One group of probes a check needs, and failure classes that are answers to it.
struct Need {
    probes: &'static [Probe],
    answers: &'static [FailureKind],
}

const fn need(probes: &'static [Probe]) -> Need {
    Need {
        probes,
        answers: &[],
    }
}

/// What each registered check needs, by id. A check missing here fails the test.
fn needs(id: &str) -> Option<Vec<Need>> {
    const ADDRESSES: [Need; 2] = [need(&[Probe::A]), need(&[Probe::Aaaa])];
    let endpoint = |extra: Vec<Need>| {
        let mut all: Vec<Need> = ADDRESSES.into_iter().collect();
        all.extend(extra);
        Some(all)
    };
    let (family, _) = id.split_once('.')?;
    let mail = |extra: &[&'static [Probe]]| {
        let mut all = vec![need(&[Probe::Mx]), need(&[Probe::MailServers])];
        all.extend(extra.iter().map(|p| need(p)));
        Some(all)
    };
    match id {
        "mail.starttls" | "mail.starttls-certificate" => mail(&[&[Probe::Smtp]]),
        "mail.starttls-tls" => mail(&[&[Probe::Smtp], &[Probe::SmtpTlsScan]]),
        "mail.dane" => mail(&[&[Probe::Smtp], &[Probe::MxTlsa]]),
        "http.dane" => endpoint(vec![need(&[Probe::WebTlsa]), need(&[Probe::Tls])]),
        "mail.dkim" => Some(vec![need(&[Probe::Dkim])]),
        "net.rpki" => Some(vec![need(&[Probe::Rpki])]),
        "tls.https-available" => endpoint(vec![need(&[Probe::Tls])]),
        // TLS 1.3 support can be read from the hand-built hellos when the handshake failed.
        "tls.tls13-supported" => endpoint(vec![need(&[Probe::Tls, Probe::TlsScan])]),
        _ if family == "tls" => endpoint(vec![need(&[Probe::TlsScan])]),
        _ if family == "cert" => endpoint(vec![need(&[Probe::Tls])]),
        "http.https-redirect" => endpoint(vec![Need {
            probes: &[Probe::Http],
            answers: &[FailureKind::Refused],
        }]),
        "http.hsts-preload-ready" => endpoint(vec![
            need(&[Probe::Https]),
            Need {
                probes: &[Probe::Http],
                answers: &[FailureKind::Refused],
            },
        ]),
        "http.security-txt" => endpoint(vec![need(&[Probe::SecurityTxt])]),
        _ if family == "http" => endpoint(vec![need(&[Probe::Https])]),
        "dns.caa" => Some(vec![need(&[Probe::Caa])]),
        "dns.dnssec" => Some(vec![need(&[Probe::Dnssec])]),
        "dns.nameservers" => Some(vec![need(&[Probe::Nameservers]), need(&[Probe::NsAnswer])]),
        "dns.ipv6-nameservers" => Some(vec![need(&[Probe::Nameservers])]),
        "dns.ipv6-web" => Some(vec![need(&[Probe::Aaaa])]),
        "mail.dmarc" => Some(vec![need(&[Probe::Dmarc])]),
        "mail.spf" => Some(vec![need(&[Probe::Txt])]),
        "mail.mta-sts" => Some(vec![need(&[Probe::MtaSts]), need(&[Probe::MtaStsPolicy])]),
        "mail.null-mx" => Some(vec![
            need(&[Probe::Mx]),
            need(&[Probe::Txt]),
            need(&[Probe::Dmarc]),
        ]),
        "mail.tls-rpt" => Some(vec![need(&[Probe::TlsRpt])]),
        // Only the IPv6 addresses' SMTP sessions matter, so no single session is a need.
        "mail.ipv6-mx" => mail(&[]),
        _ => None,
    }
}

fn broken<T>(b: Breakage) -> Probed<T> {
    match b {
        Breakage::Failed(kind) => Probed::failed(kind, "injected by the property test"),
        Breakage::Skipped => Probed::skipped("injected by the property test"),
        Breakage::Partial => Probed::failed(FailureKind::Timeout, "injected partial probe"),
    }
}

fn break_chain(chain: &mut Probed<govscan_model::RedirectChain>, b: Breakage) -> bool {
    match (b, chain.value().is_some()) {
        (Breakage::Partial, true) => {
            if let Probed::Ok { value } = chain {
                value.hops.truncate(1);
                value.end = RedirectEnd::HopFailed {
                    url: "https://example.test/next".to_owned(),
                    detail: "injected by the property test".to_owned(),
                    failure: Some(FailureKind::Http),
                };
            }
            true
        }
        (Breakage::Partial, false) => false,
        _ => {
            *chain = broken(b);
            true
        }
    }
}

/// Breaks `probe` (on endpoint / name-server address number `at`); false when the
/// observations have no such probe to break.
fn apply(obs: &mut Observations, probe: Probe, b: Breakage, at: usize) -> bool {
    let dns = &mut obs.dns;
    match probe {
        Probe::A => dns.a = broken(b),
        Probe::Aaaa => dns.aaaa = broken(b),
        Probe::Ns => dns.ns = broken(b),
        Probe::Mx => dns.mx = broken(b),
        Probe::Txt => dns.txt = broken(b),
        Probe::Caa => dns.caa = broken(b),
        Probe::Dmarc => dns.dmarc = broken(b),
        Probe::Soa => dns.soa = broken(b),
        Probe::Dnssec => dns.dnssec = broken(b),
        Probe::Nameservers => dns.nameservers = broken(b),
        Probe::MtaSts => dns.mta_sts = broken(b),
        Probe::MtaStsPolicy => dns.mta_sts_policy = broken(b),
        Probe::TlsRpt => dns.tls_rpt = broken(b),
        Probe::DmarcOrganisational => dns.dmarc_organisational = broken(b),
        Probe::NsAnswer => {
            let Probed::Ok { value } = &mut dns.nameservers else {
                return false;
            };
            let mut answers: Vec<_> = value
                .servers
                .iter_mut()
                .flat_map(|s| s.addresses.iter_mut())
                .collect();
            if answers.is_empty() {
                return false;
            }
            let n = answers.len();
            answers[at % n].answer = broken(b);
        }
        Probe::MailServers => obs.mail_servers = broken(b),
        Probe::WebTlsa => obs.web_tlsa = broken(b),
        Probe::Dkim => obs.dkim = broken(b),
        Probe::Rpki => obs.rpki = broken(b),
        Probe::Smtp | Probe::SmtpTlsScan | Probe::MxTlsa => {
            let Probed::Ok { value } = &mut obs.mail_servers else {
                return false;
            };
            if probe == Probe::MxTlsa {
                if value.hosts.is_empty() {
                    return false;
                }
                let n = value.hosts.len();
                value.hosts[at % n].tlsa = broken(b);
                return true;
            }
            let mut endpoints: Vec<_> = value
                .hosts
                .iter_mut()
                .flat_map(|h| h.endpoints.iter_mut())
                .collect();
            if endpoints.is_empty() {
                return false;
            }
            let n = endpoints.len();
            let ep = &mut endpoints[at % n];
            match probe {
                Probe::Smtp => ep.smtp = broken(b),
                _ => ep.tls_scan = broken(b),
            }
        }
        Probe::Tls | Probe::TlsScan | Probe::Http | Probe::Https | Probe::SecurityTxt => {
            if obs.endpoints.is_empty() {
                return false;
            }
            let n = obs.endpoints.len();
            let ep = &mut obs.endpoints[at % n];
            match probe {
                Probe::Tls => ep.tls = broken(b),
                Probe::TlsScan => ep.tls_scan = broken(b),
                Probe::SecurityTxt => ep.security_txt = broken(b),
                Probe::Http => return break_chain(&mut ep.http, b),
                _ => return break_chain(&mut ep.https, b),
            }
        }
    }
    true
}

/// Every fixture's observations and context (the seeds).
fn seeds() -> &'static [(Observations, Context)] {
    static SEEDS: OnceLock<Vec<(Observations, Context)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        crate::fixtures::all_files()
            .iter()
            .map(|p| {
                let (obs, ctx, _) = load(p);
                (obs, ctx)
            })
            .collect()
    })
}

fn breakage() -> impl Strategy<Value = Breakage> {
    prop_oneof![
        (0..KINDS.len()).prop_map(|i| Breakage::Failed(KINDS[i])),
        Just(Breakage::Skipped),
        Just(Breakage::Partial),
    ]
}

#[test]
fn every_registered_check_declares_what_it_needs() {
    for check in ALL {
        assert!(
            needs(check.meta().id).is_some(),
            "{}: add it to runner_properties::needs",
            check.meta().id
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        max_global_rejects: 1 << 20,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_broken_needed_probe_never_passes(
        seed in any::<prop::sample::Index>(),
        check in any::<prop::sample::Index>(),
        group in any::<prop::sample::Index>(),
        how in breakage(),
        at in 0usize..8,
    ) {
        let (obs, ctx) = seed.get(seeds());
        let check = *check.get(ALL);
        let id = check.meta().id;
        let groups = needs(id).expect("declared");
        let need = group.get(&groups);
        if let Breakage::Failed(kind) = how {
            prop_assume!(!need.answers.contains(&kind));
        }
        let mut mutated = obs.clone();
        let mut applied = false;
        for probe in need.probes {
            applied |= apply(&mut mutated, *probe, how, at);
        }
        prop_assume!(applied);
        let outcome = evaluate_one(check, &mutated, ctx);
        let undeclared = crate::declared_findings::undeclared(check.meta(), &outcome);
        prop_assert!(undeclared.is_none(), "{:?}", undeclared);
        prop_assert_ne!(
            outcome.status,
            Status::Pass,
            "{} passed with {:?} broken ({:?}): {}",
            id,
            need.probes,
            how,
            outcome.message
        );
    }

    #[test]
    fn a_scanner_side_failure_never_fails_the_target(
        seed in any::<prop::sample::Index>(),
        probe in 0..ALL_PROBES.len(),
        at in 0usize..8,
    ) {
        let (obs, ctx) = seed.get(seeds());
        let mut mutated = obs.clone();
        let applied = apply(
            &mut mutated,
            ALL_PROBES[probe],
            Breakage::Failed(FailureKind::Scanner),
            at,
        );
        prop_assume!(applied);
        for check in ALL {
            let before = evaluate_one(*check, obs, ctx);
            if before.status == Status::Fail {
                continue;
            }
            let after = evaluate_one(*check, &mutated, ctx);
            let undeclared = crate::declared_findings::undeclared(check.meta(), &after);
            prop_assert!(undeclared.is_none(), "{:?}", undeclared);
            prop_assert_ne!(
                after.status,
                Status::Fail,
                "{} went from {:?} to fail with {:?} failed on the scanner's side: {}",
                check.meta().id,
                before.status,
                ALL_PROBES[probe],
                after.message
            );
        }
    }
}
