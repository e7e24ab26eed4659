//! Fuzzes the pure DANE matching (`govscan_checks::dane`): TLSA records (usage, selector,
//! matching type, association data) judged against a certificate chain, under the SMTP and the
//! HTTPS rules.
//!
//! The input is split into records and a chain: byte 0 is the record count (up to 4); each
//! record takes usage, selector, matching type, a length byte and that many data bytes (hex
//! encoded for the record, sometimes with an odd digit); the rest of the input is split into up
//! to 3 "certificates" (arbitrary DER, mostly unparseable).
//!
//! Invariants: no panic; every record gets exactly one result; a record that authenticates is
//! usable; an authenticated verdict names a record; SMTP never accepts a PKIX usage (0, 1,
//! RFC 7672 §3.1.3); the rollover scheme depends on the records only.
#![no_main]

use base64::Engine as _;
use govscan_checks::dane::Service;
use govscan_checks::dane::evaluate::{Input, Verdict, evaluate, rollover};
use govscan_model::{CertificateDer, TlsaRecord};
use libfuzzer_sys::fuzz_target;

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, tail) = data.split_at(n);
    *data = tail;
    head
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let count = take(&mut data, 1).first().map_or(0, |b| usize::from(b % 5));
    let mut records = Vec::new();
    for _ in 0..count {
        let head = take(&mut data, 4);
        if head.len() < 4 {
            break;
        }
        let body = take(&mut data, usize::from(head[3] % 80));
        let mut hex: String = body.iter().map(|b| format!("{b:02x}")).collect();
        if head[3] & 0x80 != 0 {
            hex.push('f');
        }
        records.push(TlsaRecord {
            usage: head[0] % 6,
            selector: head[1] % 4,
            matching_type: head[2] % 5,
            data_hex: hex,
        });
    }
    let chain: Vec<CertificateDer> = data
        .chunks(data.len().div_ceil(3).max(1))
        .take(3)
        .map(|der| CertificateDer {
            der_base64: base64::engine::general_purpose::STANDARD.encode(der),
        })
        .collect();
    for service in [Service::Smtp, Service::Https] {
        for pkix_trusted in [false, true] {
            let input = Input {
                records: &records,
                service,
                names: &["mx.example.test"],
                now: 1_790_000_000,
                pkix_trusted,
            };
            let Ok(evaluation) = evaluate(&input, &chain) else {
                continue;
            };
            assert_eq!(evaluation.records.len(), records.len(), "one result per record");
            for (result, record) in evaluation.records.iter().zip(&records) {
                if result.authenticates {
                    assert!(result.unusable.is_none(), "an unusable record authenticated");
                    if service == Service::Smtp {
                        assert!(record.usage >= 2, "SMTP accepted PKIX usage {}", record.usage);
                    }
                }
            }
            match &evaluation.verdict {
                Verdict::Authenticated(_) => {
                    assert!(evaluation.records.iter().any(|r| r.authenticates));
                }
                _ => assert!(!evaluation.records.iter().any(|r| r.authenticates)),
            }
            assert_eq!(evaluation.rollover, rollover(&records, service));
            let _ = evaluation.evidence();
        }
    }
});
