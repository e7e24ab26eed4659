//! Tests of the TLSA evaluation over the mail.dane fixtures' chains and records.

use super::*;
use govscan_model::{MailServers, Observations};

/// The TLSA records and presented chain of a mail.dane fixture.
fn fixture(file: &str) -> (Vec<TlsaRecord>, Vec<CertificateDer>) {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/checks/mail.dane")
        .join(file);
    let (obs, _, _): (Observations, _, _) = crate::fixtures::load(&path);
    let servers: &MailServers = obs.mail_servers.value().expect("mail servers");
    let host = &servers.hosts[0];
    let records = host
        .tlsa
        .value()
        .map(|l| l.records.clone())
        .unwrap_or_default();
    let session = host.endpoints[0].smtp.value().expect("session");
    (records, session.tls.value().expect("tls").chain.clone())
}

fn run(file: &str) -> Evaluation {
    let (records, chain) = fixture(file);
    let names = ["mx.example.test"];
    let input = Input {
        records: &records,
        service: Service::Smtp,
        names: &names,
        now: crate::fixtures::FIXTURE_NOW,
        pkix_trusted: false,
    };
    evaluate(&input, &chain).expect("evaluation")
}

#[test]
fn dane_ta_paths_names_and_bare_keys() {
    let e = run("pass_dane_ta_key_not_in_chain_2_1_0.json");
    assert!(e.authenticated(), "{e:?}");
    assert!(
        e.records[0].result.contains("trust-anchor key signed"),
        "{e:?}"
    );
    assert!(e.records[0].result.contains("0 → 1"), "{e:?}");
    let e = run("pass_dane_ta_2_0_1.json");
    assert!(
        e.records[0].result.contains("matches certificate 1"),
        "{e:?}"
    );
    let e = run("fail_dane_ta_wrong_name.json");
    assert_eq!(e.verdict, Verdict::NotAuthenticated);
    assert!(e.records[0].result.contains("other.example.test"), "{e:?}");
    let e = run("fail_dane_ta_expired_leaf.json");
    assert!(e.records[0].result.contains("validity period"), "{e:?}");
}

#[test]
fn dane_ee_ignores_names_and_dates() {
    assert!(run("pass_dane_ee_expired_certificate.json").authenticated());
    assert!(run("pass_self_signed_dane_ee.json").authenticated());
    let e = run("fail_only_pkix_usages.json");
    assert_eq!(e.verdict, Verdict::NoUsableRecords);
    assert!(e.records.iter().all(|r| {
        r.unusable
            .as_deref()
            .is_some_and(|u| u.contains("RFC 7672"))
    }));
}

#[test]
fn rollover_schemes_as_internet_nl_names_them() {
    let (records, _) = fixture("pass_rollover_ee_and_ta.json");
    assert_eq!(rollover(&records, Service::Smtp), Rollover::EeAndTa);
    assert_eq!(rollover(&records[..1], Service::Smtp), Rollover::None);
    let mut next = records[0].clone();
    next.data_hex = "00".repeat(32);
    assert_eq!(
        rollover(&[records[0].clone(), next.clone()], Service::Smtp),
        Rollover::CurrentAndNext
    );
    assert_eq!(
        rollover(&[records[0].clone(), records[0].clone()], Service::Smtp),
        Rollover::None,
        "the same record twice is one key"
    );
    let mut pkix = next;
    pkix.usage = 1;
    assert_eq!(
        rollover(&[records[0].clone(), pkix], Service::Smtp),
        Rollover::None,
        "an unusable record is no rollover"
    );
}
