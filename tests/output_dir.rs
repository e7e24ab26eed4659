//! The real binary writing into an output directory that holds a user's own files and
//! symbolic links: `demo --out` (the in-memory report) and `report --db --out` (the streamed
//! report read back from the history database) delete only pages govscan wrote, never write
//! through a link, and refuse a page directory that is a link.

use std::path::Path;
use std::process::{Command, Output};

fn govscan(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

#[test]
fn reports_leave_a_users_files_and_links_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let outside = root.join("outside.html");
    std::fs::write(&outside, "precious").expect("write");
    for out in ["demo-out", "report-out"] {
        let out = root.join(out);
        std::fs::create_dir_all(out.join("domains")).expect("mkdir");
        std::fs::write(out.join("domains/my-notes.html"), "mine").expect("write");
        std::os::unix::fs::symlink(&outside, out.join("index.html")).expect("symlink");
        std::os::unix::fs::symlink(&outside, out.join("domains/good.lab.test.html"))
            .expect("symlink");
    }
    let demo = govscan(
        &["demo", "--quiet", "--out", "demo-out", "--db", "week.db"],
        root,
    );
    assert!(demo.status.success(), "{demo:?}");
    let report = govscan(
        &[
            "report",
            "--quiet",
            "--db",
            "week.db",
            "--out",
            "report-out",
        ],
        root,
    );
    assert!(report.status.success(), "{report:?}");
    for out in ["demo-out", "report-out"] {
        let out = root.join(out);
        assert_eq!(
            std::fs::read_to_string(&outside).expect("read"),
            "precious",
            "{out:?}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("domains/my-notes.html")).expect("kept"),
            "mine"
        );
        for page in ["index.html", "domains/good.lab.test.html"] {
            let meta = std::fs::symlink_metadata(out.join(page)).expect("meta");
            assert!(meta.file_type().is_file(), "{page}: the link was replaced");
        }
    }

    // A page directory that is a link is refused (exit 3) and nothing is written there.
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let linked = root.join("linked-out");
    std::fs::create_dir(&linked).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, linked.join("domains")).expect("symlink");
    let refused = govscan(&["report", "--db", "week.db", "--out", "linked-out"], root);
    assert_eq!(refused.status.code(), Some(3), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("linked-out/domains") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
}
