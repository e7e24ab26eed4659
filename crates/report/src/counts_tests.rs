//! The group counts and the provisional note: a domain on the exclude list is "not scanned at
//! its owner's request", never "could not be scored".

use govscan_model::GroupScore;

use crate::dashboard::{counts_text, provisional_text};

fn group(domains: u32, scored: u32, excluded: u32) -> GroupScore {
    GroupScore {
        score: Some(90.0),
        gap: Some(10.0),
        worst_domain: None,
        worst_score: None,
        worst_ties: 0,
        coverage: 1.0,
        domains,
        domains_scored: scored,
        domains_provisional: 0,
        domains_failing_required: 0,
        domains_excluded: excluded,
    }
}

#[test]
fn an_excluded_domain_is_named_as_such() {
    let g = group(13, 12, 1);
    assert_eq!(
        counts_text(&g),
        "13 checked, 12 scored, 1 not scanned at its owner's request"
    );
    let note = provisional_text(&g);
    assert!(!note.contains("could not be scored"), "{note}");
    assert!(
        note.contains("1 domain was not scanned at its owner's request"),
        "{note}"
    );
    assert!(note.contains("never A or A+"), "{note}");
}

#[test]
fn excluded_and_unscorable_domains_are_counted_apart() {
    let g = group(13, 10, 2);
    assert_eq!(
        counts_text(&g),
        "13 checked, 10 scored, 1 could not be scored, 2 not scanned at their owners' request"
    );
    let note = provisional_text(&g);
    assert!(
        note.contains("1 domain could not be scored at all and is left out"),
        "{note}"
    );
    assert!(
        note.contains("2 domains were not scanned at their owners' request (nothing of them"),
        "{note}"
    );
}

#[test]
fn without_exclusions_the_counts_are_as_before() {
    assert_eq!(
        counts_text(&group(13, 12, 0)),
        "13 checked, 12 scored, 1 could not be scored"
    );
}
