//! Writing a report into a directory harms nothing else there: a user's own pages survive,
//! only pages govscan wrote before are removed (the manifest), symbolic links are never
//! written through, an interrupted write leaves the old file whole, and organisation names
//! that share a slug get pages of their own with links that lead to the right one.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{builtin_checks, sample_result};
use govscan_model::{DomainResult, OrgKind, Organisation, ScanResult};
use govscan_report::{
    DomainLoader, LoadError, MANIFEST, ReportError, ReportInput, render_report, write_report,
    write_report_streamed,
};
use govscan_score::Baseline;

struct MapLoader {
    domains: BTreeMap<String, DomainResult>,
    /// Fail on this many-th load (counted from 1), to interrupt a file part-way.
    fail_at: Option<usize>,
    loads: usize,
}

impl DomainLoader for MapLoader {
    fn load(&mut self, domain: &str) -> Result<DomainResult, LoadError> {
        self.loads += 1;
        if self.fail_at == Some(self.loads) {
            return Err("disk unplugged".into());
        }
        self.domains
            .get(domain)
            .cloned()
            .ok_or_else(|| "not stored".into())
    }
}

fn loader(scan: &ScanResult, fail_at: Option<usize>) -> MapLoader {
    MapLoader {
        domains: scan
            .domains
            .iter()
            .map(|d| (d.domain.clone(), d.clone()))
            .collect(),
        fail_at,
        loads: 0,
    }
}

fn page_of(dir: &Path, sub: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_users_own_files_survive_and_only_govscans_old_pages_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    std::fs::create_dir_all(out.join("domains")).expect("mkdir");
    std::fs::create_dir_all(out.join("orgs")).expect("mkdir");
    std::fs::write(out.join("domains/my-notes.html"), "mine").expect("user file");
    std::fs::write(out.join("orgs/contacts.html"), "mine too").expect("user file");
    std::fs::write(out.join("about.html"), "top-level, mine").expect("user file");

    let baseline = Baseline::builtin_estonia();
    let scan = sample_result();
    write_report(&ReportInput::new(&scan, &baseline, builtin_checks()), out).expect("first report");
    let first = page_of(out, "domains");
    let dropped = scan.domains[2].domain.clone();
    assert!(first.contains(&format!("{dropped}.html")), "{first:?}");

    // The next scan no longer has one domain: its page goes, the user's files stay.
    let mut next = scan.clone();
    next.domains.remove(2);
    write_report(&ReportInput::new(&next, &baseline, builtin_checks()), out)
        .expect("second report");
    let second = page_of(out, "domains");
    assert!(!second.contains(&format!("{dropped}.html")), "{second:?}");
    assert_eq!(
        std::fs::read_to_string(out.join("domains/my-notes.html")).expect("kept"),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("orgs/contacts.html")).expect("kept"),
        "mine too"
    );
    assert!(out.join("about.html").exists());

    // The streamed writer keeps the same promise.
    write_report_streamed(
        &ReportInput::new(&scan, &baseline, builtin_checks()),
        || Ok(loader(&scan, None)),
        out,
    )
    .expect("streamed");
    next.domains.truncate(1);
    write_report_streamed(
        &ReportInput::new(&next, &baseline, builtin_checks()),
        || Ok(loader(&next, None)),
        out,
    )
    .expect("streamed again");
    assert_eq!(
        page_of(out, "domains"),
        vec![
            format!("{}.html", next.domains[0].domain),
            "my-notes.html".to_owned()
        ]
    );
    assert!(out.join("orgs/contacts.html").exists());
    let manifest = std::fs::read_to_string(out.join(MANIFEST)).expect("manifest");
    assert!(!manifest.contains("my-notes") && !manifest.contains("contacts"));
}

#[test]
fn a_manifest_cannot_make_govscan_delete_anything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let victim = dir.path().join("victim.html");
    std::fs::write(&victim, "keep").expect("write");
    std::fs::create_dir_all(out.join("domains")).expect("mkdir");
    std::fs::write(out.join("domains/mine.html"), "keep").expect("write");
    std::fs::write(out.join("domains/.hidden.html"), "keep").expect("write");
    std::fs::write(
        out.join(MANIFEST),
        "# govscan report manifest v1: files written by govscan\n../victim.html\n\
         domains/../../victim.html\n/etc/hostname\ndomains/.hidden.html\nnotes.txt\n",
    )
    .expect("forged manifest");
    let baseline = Baseline::builtin_estonia();
    write_report(
        &ReportInput::new(&sample_result(), &baseline, builtin_checks()),
        &out,
    )
    .expect("report");
    assert!(victim.exists() && out.join("domains/mine.html").exists());
    assert!(out.join("domains/.hidden.html").exists());
}

#[test]
fn a_symbolic_link_is_never_written_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let outside = dir.path().join("outside.html");
    std::fs::write(&outside, "precious").expect("write");
    std::fs::create_dir_all(out.join("domains")).expect("mkdir");
    let scan = sample_result();
    let baseline = Baseline::builtin_estonia();
    let page = render_report(&ReportInput::new(&scan, &baseline, builtin_checks()))
        .expect("render")
        .into_iter()
        .map(|(name, _)| name)
        .find(|name| name.starts_with("domains/"))
        .expect("a domain page");
    // Links where the report's files and its manifest will go.
    let links = vec![
        out.join("index.html"),
        out.join("results.json"),
        out.join(&page),
        out.join(MANIFEST),
        out.join(".govscan-write-test"),
    ];
    // (A link at a temporary file's name: `outdir::tests`, which knows the next name.)
    for link in &links {
        std::os::unix::fs::symlink(&outside, link).expect("symlink");
    }
    write_report(&ReportInput::new(&scan, &baseline, builtin_checks()), &out).expect("report");
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");
    for name in ["index.html", "results.json", page.as_str(), MANIFEST] {
        let meta = std::fs::symlink_metadata(out.join(name)).expect("meta");
        assert!(
            meta.file_type().is_file(),
            "{name}: the link was replaced by the file"
        );
    }
    write_report_streamed(
        &ReportInput::new(&scan, &baseline, builtin_checks()),
        || Ok(loader(&scan, None)),
        &out,
    )
    .expect("streamed");
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");

    // A page directory that is a link is refused, and nothing is written where it points.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, linked.join("orgs")).expect("symlink");
    let err = write_report(
        &ReportInput::new(&scan, &baseline, builtin_checks()),
        &linked,
    )
    .expect_err("refused");
    assert!(matches!(err, ReportError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
    assert!(
        !linked.join("index.html").exists(),
        "refused before writing"
    );
}

#[test]
fn an_interrupted_write_leaves_the_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let scan = sample_result();
    let baseline = Baseline::builtin_estonia();
    let input = ReportInput::new(&scan, &baseline, builtin_checks());
    write_report_streamed(&input, || Ok(loader(&scan, None)), out).expect("first");
    let before = std::fs::read(out.join("results.json")).expect("read");
    let manifest = std::fs::read(out.join(MANIFEST)).expect("read");

    // The second report's loader fails on the second domain: results.json is half streamed.
    let mut changed = scan.clone();
    changed.finished_at = "2026-11-27T09:00:00Z".to_owned();
    let input = ReportInput::new(&changed, &baseline, builtin_checks());
    let err = write_report_streamed(&input, || Ok(loader(&changed, Some(2))), out)
        .expect_err("interrupted");
    assert!(err.to_string().contains("disk unplugged"), "{err}");
    assert_eq!(
        std::fs::read(out.join("results.json")).expect("read"),
        before,
        "the old results.json is whole"
    );
    for sub in ["", "domains", "orgs"] {
        for entry in std::fs::read_dir(out.join(sub)).expect("list") {
            let name = entry.expect("entry").file_name();
            assert!(
                !name.to_string_lossy().contains("govscan-tmp"),
                "temporary file left: {name:?}"
            );
        }
    }
    assert_eq!(
        std::fs::read(out.join(MANIFEST)).expect("read"),
        manifest,
        "the same files, so the same manifest"
    );
}

#[test]
fn organisations_whose_names_share_a_slug_get_their_own_pages() {
    let mut scan = sample_result();
    let names = ["A B", "A-B", "a-b-2"];
    scan.organisations = names
        .iter()
        .map(|name| Organisation {
            name: (*name).to_owned(),
            kind: OrgKind::Agency,
            parent: None,
        })
        .collect();
    for (domain, name) in scan.domains.iter_mut().zip(names) {
        domain.organisation = Some(name.to_owned());
    }
    let baseline = Baseline::builtin_estonia();
    let files: BTreeMap<String, String> =
        render_report(&ReportInput::new(&scan, &baseline, builtin_checks()))
            .expect("render")
            .into_iter()
            .collect();
    let org_pages: Vec<&String> = files.keys().filter(|n| n.starts_with("orgs/")).collect();
    assert_eq!(org_pages.len(), 3, "{org_pages:?}");
    // Every link from the dashboard to an organisation leads to that organisation's page.
    let index = &files["index.html"];
    for name in names {
        let heading = format!("<h1>{name} <span");
        let page = org_pages
            .iter()
            .find(|p| files[**p].contains(&heading))
            .unwrap_or_else(|| panic!("no page for {name}"));
        assert!(
            index.contains(&format!("href=\"{page}\">{name}<")),
            "the dashboard links {name} to {page}"
        );
    }
    // The same set of names in another order: the same pages.
    let mut reordered = scan.clone();
    reordered.organisations.reverse();
    let again: Vec<String> =
        render_report(&ReportInput::new(&reordered, &baseline, builtin_checks()))
            .expect("render")
            .into_iter()
            .map(|(name, _)| name)
            .filter(|n| n.starts_with("orgs/"))
            .collect();
    let mut first: Vec<String> = org_pages.into_iter().cloned().collect();
    first.sort();
    let mut again = again;
    again.sort();
    assert_eq!(first, again);
}
