//! Shard scans record their `K/N` and target set; a merged scan copies domains from shard
//! databases exactly, records its shards, and reads back like any other scan.

mod common;

use govscan_store::{MergedScope, ScanHeader, ScanScope, ShardScope, ShardSpec, Store, StoreError};

use common::sample_scan;

fn shard_scope(index: u32, count: u32) -> ShardScope {
    ShardScope {
        shard: ShardSpec { index, count },
        targets_sha256: "whole-set".to_owned(),
        target_count: 10,
        shard_target_count: 2,
        run_id: Some("night-1".to_owned()),
    }
}

#[test]
fn a_shard_scan_records_its_shard_and_keeps_positions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shard.db");
    let scan = sample_scan("2026-03-01T10:00:00Z");
    let mut store = Store::open(&db).expect("open");
    let scope = shard_scope(2, 4);
    let id = store
        .start_shard_scan(&ScanHeader::from(&scan), "subset", 2, &scope)
        .expect("start");
    // Positions are indexes in the whole target list: gaps are normal in a shard.
    store
        .add_domains(
            id,
            &[(7, scan.domains[1].clone()), (3, scan.domains[0].clone())],
        )
        .expect("batch");
    assert_eq!(
        store.scan_scope(id).expect("scope"),
        Some(ScanScope::Shard(scope.clone())),
        "readable while running, for --resume"
    );
    store
        .complete_scan(id, "2026-03-01T10:05:00Z")
        .expect("complete");
    assert_eq!(
        store.domain_positions(id).expect("positions"),
        vec![
            (3, scan.domains[0].domain.clone()),
            (7, scan.domains[1].domain.clone())
        ]
    );
    assert_eq!(
        store.scan_scope(id).expect("scope"),
        Some(ScanScope::Shard(scope))
    );
    // An ordinary scan has no scope.
    let plain = store
        .save_scan(&sample_scan("2026-03-02T10:00:00Z"))
        .expect("save");
    assert_eq!(store.scan_scope(plain).expect("scope"), None);
    // Deleting a shard scan deletes its shard row (cascade), as retention does.
    assert!(store.delete_scan(id).expect("delete"));
    assert_eq!(store.scan_scope(id).expect("scope"), None);
}

#[test]
fn a_shard_outside_k_of_n_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path().join("bad.db")).expect("open");
    let scan = sample_scan("2026-03-01T10:00:00Z");
    for (index, count) in [(0, 4), (5, 4), (1, 0)] {
        let err = store
            .start_shard_scan(&ScanHeader::from(&scan), "x", 1, &shard_scope(index, count))
            .expect_err("refused");
        assert!(matches!(err, StoreError::InvalidScan { .. }), "{err}");
    }
    assert_eq!(store.resumable_scan().expect("query"), None);
}

#[test]
fn merged_domains_are_copied_exactly_and_the_merge_is_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scan = sample_scan("2026-03-01T10:00:00Z");
    // Two shard databases, each with part of the sample scan.
    let mut shards = Vec::new();
    for (index, part) in [(1u32, 0usize), (2, 1)] {
        let path = dir.path().join(format!("shard-{index}.db"));
        let mut store = Store::open(&path).expect("open");
        let id = store
            .start_shard_scan(
                &ScanHeader::from(&scan),
                "subset",
                1,
                &shard_scope(index, 2),
            )
            .expect("start");
        store
            .add_domains(id, &[(part as u64, scan.domains[part].clone())])
            .expect("add");
        store
            .complete_scan(id, "2026-03-01T10:05:00Z")
            .expect("done");
        shards.push((store, id));
    }
    let mut out = Store::open(dir.path().join("merged.db")).expect("open out");
    let mut header = ScanHeader::from(&scan);
    header.finished_at = "2026-03-01T10:05:00Z".to_owned();
    let merge = MergedScope {
        shard_count: 2,
        merged: vec![1, 2],
        missing: vec![],
        targets_sha256: "whole-set".to_owned(),
        target_count: 2,
        run_id: Some("night-1".to_owned()),
    };
    let mut writer = out.begin_scan(&header).expect("begin");
    for (part, (store, id)) in shards.iter().enumerate() {
        writer
            .copy_domain(store, *id, &scan.domains[part].domain)
            .expect("copy");
    }
    // The same domain twice is refused, names the shard file, and leaves the writer usable.
    let err = writer
        .copy_domain(&shards[0].0, shards[0].1, &scan.domains[0].domain)
        .expect_err("duplicate");
    assert!(err.to_string().contains("shard-1.db"), "{err}");
    writer.record_merge(&merge).expect("record");
    let id = writer.commit().expect("commit");

    let loaded = out.load_scan(id).expect("load");
    assert_eq!(loaded.domains, scan.domains[..2].to_vec(), "bit for bit");
    assert_eq!(
        out.scan_scope(id).expect("scope"),
        Some(ScanScope::Merged(merge))
    );
    assert_eq!(out.list_scans().expect("list").len(), 1);
}
