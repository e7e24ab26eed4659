//! The parser's unit tests: normalisation, merging, and errors that name file, line and value.

use super::*;

#[test]
fn an_oversized_file_is_refused_without_reading_it_all() {
    let dir = std::env::temp_dir().join(format!("govscan-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("huge.yaml");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(MAX_TARGET_FILE_BYTES + 10)
        .expect("sparse file");
    let e = load_file(&path).expect_err("too large");
    assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
    std::fs::write(&path, b"organisations: [\xff]\n").expect("write");
    let e = load_file(&path).expect_err("not utf-8");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_nation_sized_portfolio_parses_and_an_alias_bomb_does_not() {
    // 150,000 domains (Estonia's .ee has ~160,000): the YAML parser's default node budget
    // refused anything past ~83,000.
    let mut text =
        String::from("organisations:\n  - name: Gov\n    kind: government\n    domains:\n");
    for i in 0..150_000 {
        text.push_str(&format!("      - name: site{i}.example.ee\n"));
    }
    assert!(text.len() as u64 <= MAX_TARGET_FILE_BYTES);
    let p = parse("big.yaml", &text).expect("a 150,000-domain portfolio parses");
    assert_eq!(p.targets.len(), 150_000);
    // The guards that matter stay: an alias bomb is refused, not expanded.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = level - 1;
        bomb.push_str(&format!(
            "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    bomb.push_str("organisations: []\n");
    assert!(parse("bomb.yaml", &bomb).is_err());
}

#[test]
fn normalises_case_dot_and_idn() {
    assert_eq!(normalise_domain(" Gov.JE. ").as_deref(), Ok("gov.je"));
    assert_eq!(
        normalise_domain("bücher.example").as_deref(),
        Ok("xn--bcher-kva.example")
    );
    assert!(normalise_domain("localhost").is_err());
    assert!(normalise_domain("a..b").is_err());
    assert!(normalise_domain("-bad.je").is_err());
    assert!(normalise_domain("127.0.0.1").is_err());
    assert!(normalise_domain("exa mple.je").is_err());
    assert!(normalise_domain(&format!("{}.je", "a".repeat(64))).is_err());
}

#[test]
fn parses_organisations_and_merges_duplicates() {
    let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: GOV.je\n      - name: gov.je.\n        verified: true\n  - name: Health\n    kind: agency\n    parent: Gov\n    domains:\n      - name: health.gov.je\n";
    let p = parse("t.yaml", text).expect("valid");
    assert_eq!(p.organisations.len(), 2);
    assert_eq!(p.targets.len(), 2);
    assert_eq!(p.targets[0].domain, "gov.je");
    assert!(p.targets[0].verified);
    assert_eq!(p.organisations[1].parent.as_deref(), Some("Gov"));
}

#[test]
fn bad_domain_names_file_line_and_value() {
    let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n      - name: not a domain\n";
    let e = parse("t.yaml", text).expect_err("invalid");
    let shown = e.to_string();
    assert!(shown.starts_with("t.yaml:6:"), "{shown}");
    assert!(shown.contains("not a domain"), "{shown}");
}

#[test]
fn unknown_kind_parent_and_keys_are_errors() {
    let kind = parse("t.yaml", "organisations:\n  - name: A\n    kind: club\n").expect_err("kind");
    assert_eq!(kind.line, Some(3));
    let parent = parse(
        "t.yaml",
        "organisations:\n  - name: A\n    kind: agency\n    parent: Nobody\n",
    )
    .expect_err("parent");
    assert_eq!(parent.line, Some(4));
    let key = parse(
        "t.yaml",
        "organisations:\n  - name: A\n    kind: agency\n    colour: red\n",
    )
    .expect_err("key");
    assert!(key.to_string().contains("colour"), "{key}");
    let cycle = parse(
        "t.yaml",
        "organisations:\n  - name: A\n    kind: agency\n    parent: B\n  - name: B\n    kind: agency\n    parent: A\n",
    )
    .expect_err("cycle");
    assert!(cycle.to_string().contains("cycle"));
    assert!(parse("t.yaml", ": : :\n- [").is_err());
}

#[test]
fn dkim_selectors_are_read_normalised_and_checked() {
    let text = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n        dkim_selectors: [Sel1, s2._k, sel1]\n      - name: gov.je\n        dkim_selectors: [extra]\n";
    let p = parse("t.yaml", text).expect("valid");
    assert_eq!(p.targets[0].dkim_selectors, ["sel1", "s2._k", "extra"]);
    let bad = "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n        dkim_selectors:\n          - good\n          - \"bad selector\"\n";
    let e = parse("t.yaml", bad).expect_err("invalid selector");
    assert_eq!(e.line, Some(8), "{e}");
    assert!(e.to_string().contains("bad selector"), "{e}");
}
