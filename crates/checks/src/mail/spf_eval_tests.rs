//! Tests of the SPF evaluation replay (RFC 7208 §4.6.4, §5).

use super::*;
use govscan_model::{FailureKind, SpfQuery};

const AT: &str = "example.test";

fn records(rs: &[&str]) -> SpfAnswer {
    SpfAnswer::Records {
        records: rs.iter().map(|r| r.to_string()).collect(),
    }
}

fn tree(entries: &[(&str, SpfQueryType, SpfAnswer)]) -> SpfTree {
    SpfTree {
        queries: entries
            .iter()
            .map(|(name, rtype, answer)| SpfQuery {
                name: name.to_string(),
                rtype: *rtype,
                answer: answer.clone(),
            })
            .collect(),
        stopped: None,
    }
}

fn eval(record: &str, tree: Option<&SpfTree>) -> Evaluation {
    evaluate(AT, record, tree, Family::V4)
}

fn result(record: &str, tree: Option<&SpfTree>) -> SpfResult {
    eval(record, tree).result
}

#[test]
fn the_all_term_decides_for_an_unlisted_sender() {
    assert_eq!(
        result("v=spf1 ip4:192.0.2.1 -all", None),
        SpfResult::Fail("-all at example.test".into())
    );
    assert!(matches!(
        result("v=spf1 ~all", None),
        SpfResult::SoftFail(_)
    ));
    assert!(matches!(
        result("v=spf1 all", None),
        SpfResult::Pass(GrantKind::All, _)
    ));
    assert!(matches!(
        result("v=spf1 ?all", None),
        SpfResult::Neutral { default: false, .. }
    ));
    assert!(matches!(
        result("v=spf1 ip4:192.0.2.1", None),
        SpfResult::Neutral { default: true, .. }
    ));
    // Terms after all are never evaluated, so never counted.
    let ev = eval("v=spf1 -all include:never.test a mx", None);
    assert_eq!((ev.lookups, ev.voids), (0, 0));
}

#[test]
fn an_include_of_a_record_that_passes_everybody_authorises_everybody() {
    let t = tree(&[
        ("open.test", SpfQueryType::Txt, records(&["v=spf1 +all"])),
        ("strict.test", SpfQueryType::Txt, records(&["v=spf1 -all"])),
        ("neutral.test", SpfQueryType::Txt, records(&["v=spf1 ?all"])),
    ]);
    let r = result("v=spf1 include:open.test -all", Some(&t));
    assert!(matches!(r, SpfResult::Pass(GrantKind::Include, _)), "{r}");
    assert!(r.to_string().contains("+all at open.test"), "{r}");
    // An included fail, softfail or neutral is no match: evaluation goes on to the -all.
    let r = result(
        "v=spf1 include:strict.test include:neutral.test -all",
        Some(&t),
    );
    assert_eq!(r, SpfResult::Fail("-all at example.test".into()));
    // A -include of an open record rejects everybody.
    assert!(matches!(
        result("v=spf1 -include:open.test +all", Some(&t)),
        SpfResult::Fail(_)
    ));
}

#[test]
fn ranges_that_admit_a_huge_share_of_the_internet_pass_everybody() {
    let v4 = "v=spf1 ip4:0.0.0.0/1 -all";
    assert!(matches!(
        result(v4, None),
        SpfResult::Pass(GrantKind::Broad, _)
    ));
    // Only IPv4 senders: an IPv6 sender meets the -all.
    assert!(matches!(
        evaluate(AT, v4, None, Family::V6).result,
        SpfResult::Fail(_)
    ));
    assert!(matches!(
        evaluate(AT, "v=spf1 ip6:::/1 -all", None, Family::V6).result,
        SpfResult::Pass(GrantKind::Broad, _)
    ));
    assert!(matches!(
        result("v=spf1 ip4:128.0.0.0/7 -all", None),
        SpfResult::Pass(GrantKind::Broad, _)
    ));
    // A /8 and narrower are someone's network, not the Internet.
    assert!(matches!(
        result("v=spf1 ip4:10.0.0.0/8 -all", None),
        SpfResult::Fail(_)
    ));
    assert!(matches!(
        evaluate(AT, "v=spf1 ip6:2001:db8::/16 -all", None, Family::V6).result,
        SpfResult::Fail(_)
    ));
    // A broad range that rejects is simply avoided by an attacker, unless it is everything.
    assert!(matches!(
        result("v=spf1 -ip4:0.0.0.0/1 ~all", None),
        SpfResult::SoftFail(_)
    ));
    assert!(matches!(
        result("v=spf1 ?ip4:0.0.0.0/0 -all", None),
        SpfResult::Neutral { default: false, .. }
    ));
}

#[test]
fn a_and_mx_with_a_broad_cidr_and_exists_without_macros_match_everybody() {
    let t = tree(&[
        (AT, SpfQueryType::A, records(&["192.0.2.1"])),
        (AT, SpfQueryType::Mx, records(&["mx.example.test"])),
        ("always.test", SpfQueryType::A, records(&["127.0.0.2"])),
    ]);
    for record in ["v=spf1 a/0 -all", "v=spf1 mx/4 -all"] {
        assert!(
            matches!(
                result(record, Some(&t)),
                SpfResult::Pass(GrantKind::Broad, _)
            ),
            "{record}"
        );
    }
    assert!(matches!(
        result("v=spf1 a mx -all", Some(&t)),
        SpfResult::Fail(_)
    ));
    assert!(matches!(
        result("v=spf1 exists:always.test -all", Some(&t)),
        SpfResult::Pass(GrantKind::Exists, _)
    ));
    let ev = eval("v=spf1 exists:%{i}._spf.example.test -all", Some(&t));
    assert!(matches!(ev.result, SpfResult::Fail(_)));
    assert_eq!(ev.lookups, 1);
    assert!(
        ev.notes[0].contains("depends on the sender"),
        "{:?}",
        ev.notes
    );
}

#[test]
fn more_than_ten_lookups_through_includes_is_a_permerror() {
    let mut entries = Vec::new();
    for i in 1..=11 {
        let record = if i < 11 {
            format!("v=spf1 include:c{}.test -all", i + 1)
        } else {
            "v=spf1 ip4:192.0.2.11 -all".to_string()
        };
        entries.push((format!("c{i}.test"), SpfQueryType::Txt, records(&[&record])));
    }
    let entries: Vec<(&str, SpfQueryType, SpfAnswer)> = entries
        .iter()
        .map(|(n, t, a)| (n.as_str(), *t, a.clone()))
        .collect();
    let t = tree(&entries);
    let ev = eval("v=spf1 include:c1.test -all", Some(&t));
    assert!(
        matches!(ev.result, SpfResult::PermError(PermKind::TooManyLookups, _)),
        "{}",
        ev.result
    );
    assert_eq!(ev.lookups, 11);
    // Ten are fine.
    let ev = eval("v=spf1 include:c2.test -all", Some(&t));
    assert!(matches!(ev.result, SpfResult::Fail(_)), "{}", ev.result);
    assert_eq!(ev.lookups, 10);
    // An include loop ends at the limit.
    let looped = tree(&[
        (
            "l1.test",
            SpfQueryType::Txt,
            records(&["v=spf1 include:l2.test -all"]),
        ),
        (
            "l2.test",
            SpfQueryType::Txt,
            records(&["v=spf1 include:l1.test -all"]),
        ),
    ]);
    assert!(matches!(
        result("v=spf1 include:l1.test -all", Some(&looped)),
        SpfResult::PermError(PermKind::TooManyLookups, _)
    ));
}

#[test]
fn a_third_void_lookup_is_a_permerror() {
    let t = tree(&[
        ("nx1.test", SpfQueryType::A, SpfAnswer::NxDomain),
        ("nx1.test", SpfQueryType::Aaaa, SpfAnswer::NxDomain),
        ("nx2.test", SpfQueryType::A, SpfAnswer::NoData),
        ("nx3.test", SpfQueryType::Mx, SpfAnswer::NxDomain),
    ]);
    let ev = eval("v=spf1 a:nx1.test a:nx2.test -all", Some(&t));
    assert!(matches!(ev.result, SpfResult::Fail(_)));
    assert_eq!(ev.voids, 2);
    let ev = eval("v=spf1 a:nx1.test a:nx2.test mx:nx3.test -all", Some(&t));
    assert!(
        matches!(ev.result, SpfResult::PermError(PermKind::TooManyVoids, _)),
        "{}",
        ev.result
    );
    assert_eq!(ev.voids, 3);
}

#[test]
fn an_mx_with_more_than_ten_names_is_a_permerror() {
    let names: Vec<String> = (0..11).map(|i| format!("mx{i}.example.test")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let t = tree(&[(AT, SpfQueryType::Mx, records(&names))]);
    assert!(matches!(
        result("v=spf1 mx -all", Some(&t)),
        SpfResult::PermError(PermKind::TooManyMxNames, _)
    ));
}

#[test]
fn redirect_is_followed_and_its_result_is_the_result() {
    let t = tree(&[
        (
            "_spf.provider.test",
            SpfQueryType::Txt,
            records(&["v=spf1 ip4:192.0.2.0/24 ~all"]),
        ),
        ("open.test", SpfQueryType::Txt, records(&["v=spf1 +all"])),
    ]);
    let ev = eval("v=spf1 redirect=_spf.provider.test", Some(&t));
    assert_eq!(
        ev.result,
        SpfResult::SoftFail("~all at _spf.provider.test".into())
    );
    assert_eq!(ev.lookups, 1);
    assert_eq!(ev.records.len(), 2);
    assert!(matches!(
        result("v=spf1 redirect=open.test", Some(&t)),
        SpfResult::Pass(GrantKind::All, _)
    ));
    // With an all, the redirect is ignored (RFC 7208 §6.1).
    assert!(matches!(
        result("v=spf1 -all redirect=open.test", Some(&t)),
        SpfResult::Fail(_)
    ));
}

#[test]
fn broken_targets_are_permerrors_and_failed_lookups_temperrors() {
    let t = tree(&[
        ("none.test", SpfQueryType::Txt, records(&[])),
        ("gone.test", SpfQueryType::Txt, SpfAnswer::NxDomain),
        (
            "two.test",
            SpfQueryType::Txt,
            records(&["v=spf1 -all", "v=spf1 ~all"]),
        ),
        (
            "bad.test",
            SpfQueryType::Txt,
            records(&["v=spf1 frobnicate -all"]),
        ),
        (
            "down.test",
            SpfQueryType::Txt,
            SpfAnswer::Failed {
                kind: FailureKind::Dns,
                detail: "SERVFAIL".into(),
            },
        ),
    ]);
    for target in ["none.test", "gone.test", "two.test"] {
        let r = result(&format!("v=spf1 include:{target} -all"), Some(&t));
        assert!(
            matches!(r, SpfResult::PermError(PermKind::TargetWithoutRecord, _)),
            "{target}: {r}"
        );
    }
    assert!(matches!(
        result("v=spf1 redirect=gone.test", Some(&t)),
        SpfResult::PermError(PermKind::TargetWithoutRecord, _)
    ));
    assert!(matches!(
        result("v=spf1 include:bad.test -all", Some(&t)),
        SpfResult::PermError(PermKind::Syntax, _)
    ));
    assert!(matches!(
        result("v=spf1 include:down.test -all", Some(&t)),
        SpfResult::TempError(_)
    ));
    assert!(matches!(
        result("v=spf1 include:a..b -all", Some(&t)),
        SpfResult::PermError(PermKind::BadDomain, _)
    ));
    // A permerror met before the failing lookup decides.
    let voids = tree(&[
        ("nx.test", SpfQueryType::A, SpfAnswer::NxDomain),
        (
            "down.test",
            SpfQueryType::Txt,
            SpfAnswer::Failed {
                kind: FailureKind::Timeout,
                detail: "5s".into(),
            },
        ),
    ]);
    assert!(matches!(
        result(
            "v=spf1 a:nx.test a:nx.test a:nx.test include:down.test -all",
            Some(&voids)
        ),
        SpfResult::PermError(PermKind::TooManyVoids, _)
    ));
}

#[test]
fn answers_that_were_not_recorded_make_the_result_unknown_only_when_they_matter() {
    // No tree (results written before it existed): a record that needs no expansion is judged.
    let ev = eval("v=spf1 mx a ip4:192.0.2.1 -all", None);
    assert!(matches!(ev.result, SpfResult::Fail(_)), "{}", ev.result);
    assert_eq!(ev.lookups, 2);
    assert!(ev.notes.iter().any(|n| n.contains("not recorded")));
    // Includes need their target; three unknown lookups could be three voids.
    assert!(matches!(
        result("v=spf1 include:x.test -all", None),
        SpfResult::Unknown(_)
    ));
    assert!(matches!(
        result("v=spf1 a:h1.test a:h2.test a:h3.test -all", None),
        SpfResult::Unknown(_)
    ));
    assert!(matches!(
        result("v=spf1 a/0 -all", None),
        SpfResult::Unknown(_)
    ));
    // The lookup count is known without answers: eleven terms are a permerror anyway.
    let many = format!("v=spf1 {} -all", "mx ".repeat(11));
    assert!(matches!(
        result(&many, None),
        SpfResult::PermError(PermKind::TooManyLookups, _)
    ));
    // A walk that stopped says why.
    let stopped = SpfTree {
        queries: Vec::new(),
        stopped: Some("the query budget ran out".into()),
    };
    let r = result("v=spf1 include:x.test -all", Some(&stopped));
    assert!(r.to_string().contains("budget"), "{r}");
}

#[test]
fn argument_parts_are_read_as_written() {
    assert_eq!(a_mx_parts(""), (None, 32, 128));
    assert_eq!(a_mx_parts(":m.test"), (Some("m.test"), 32, 128));
    assert_eq!(a_mx_parts("/24"), (None, 24, 128));
    assert_eq!(a_mx_parts("//64"), (None, 32, 64));
    assert_eq!(a_mx_parts(":m.test/0//48"), (Some("m.test"), 0, 48));
    assert_eq!(ip_prefix(":192.0.2.0/24", 32), 24);
    assert_eq!(ip_prefix(":192.0.2.1", 32), 32);
    assert_eq!(ip_prefix(":2001:db8::/32", 128), 32);
    assert!(is_domain("a.example.test."));
    assert!(!is_domain("a..test"));
    assert!(!is_domain("odd.test/24"));
    assert!(is_domain("_spf.Example-1.test"));
    assert!(!is_domain(&format!("{}.test", "x".repeat(64))));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a.test", "b.test", "c.test", "example.test"])
            .prop_map(str::to_owned)
    }

    fn term() -> impl Strategy<Value = String> {
        let q = prop::sample::select(vec!["", "+", "-", "~", "?"]);
        let body = prop_oneof![
            name().prop_map(|n| format!("include:{n}")),
            name().prop_map(|n| format!("a:{n}")),
            name().prop_map(|n| format!("mx:{n}/0")),
            name().prop_map(|n| format!("exists:{n}")),
            Just("ptr".to_owned()),
            Just("ip4:0.0.0.0/1".to_owned()),
            Just("ip6:::/0".to_owned()),
            Just("all".to_owned()),
        ];
        (q, body).prop_map(|(q, b)| format!("{q}{b}"))
    }

    fn answer() -> impl Strategy<Value = SpfAnswer> {
        prop_oneof![
            Just(SpfAnswer::NxDomain),
            Just(SpfAnswer::NoData),
            Just(records(&["192.0.2.1"])),
            Just(SpfAnswer::Failed {
                kind: FailureKind::Timeout,
                detail: "t".into()
            }),
        ]
    }

    fn record() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(term(), 0..6),
            prop::option::of(name()),
        )
            .prop_map(|(terms, redirect)| {
                let redirect = redirect
                    .map(|r| format!(" redirect={r}"))
                    .unwrap_or_default();
                format!("v=spf1 {}{redirect}", terms.join(" "))
            })
    }

    proptest! {
        #[test]
        fn any_tree_evaluates_within_the_limits(
            root in record(),
            txt in prop::collection::vec(record(), 4),
            hosts in prop::collection::vec(answer(), 4),
            v6 in any::<bool>(),
        ) {
            let names = ["a.test", "b.test", "c.test", "example.test"];
            let mut queries = Vec::new();
            for (i, n) in names.iter().enumerate() {
                queries.push((*n, SpfQueryType::Txt, records(&[&txt[i]])));
                for rtype in [SpfQueryType::A, SpfQueryType::Aaaa, SpfQueryType::Mx] {
                    queries.push((*n, rtype, hosts[i].clone()));
                }
            }
            let t = tree(&queries);
            let family = if v6 { Family::V6 } else { Family::V4 };
            let ev = evaluate(AT, &root, Some(&t), family);
            prop_assert!(ev.lookups <= LOOKUP_LIMIT + 1);
            prop_assert!(ev.voids <= VOID_LIMIT + 1);
            prop_assert!(ev.records.len() <= LOOKUP_LIMIT + 1);
        }
    }
}
