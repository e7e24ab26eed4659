//! The output directory of a report, written so that nothing else in it is harmed:
//!
//! - **Atomic files.** Every file is written to a new temporary file in the same directory
//!   (`.<name>.govscan-tmp-<pid>-<n>`, created with `O_CREAT|O_EXCL`, so an existing file or a
//!   symbolic link of that name is never opened), synced, and renamed over its name: a reader,
//!   or a process killed part-way, sees the old file or the new one, never half of one.
//! - **Symbolic links are never written through.** The rename replaces a link of that name
//!   with the new file (the file the link pointed to is not opened); `domains/` and `orgs/`
//!   must be real directories (a link or a file there is refused). The output directory
//!   itself is the operator's choice and may be a link.
//! - **Only govscan's own files are deleted.** `.govscan-manifest` lists the files the last
//!   report wrote; a page of that list that the new report does not write is deleted, anything
//!   else (a user's own `*.html`) is left alone. Before any page is written the manifest is
//!   widened to the old and new lists together, so a run killed at any point leaves a
//!   manifest that still names every file govscan wrote. A temporary file left by a killed
//!   run (its pid no longer running) is removed by the next one.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{ReportError, io_error};

/// The manifest's file name in the output directory.
pub const MANIFEST: &str = ".govscan-manifest";
/// The manifest's first line (its format version).
const MANIFEST_HEADER: &str = "# govscan report manifest v1: files written by govscan";
/// Sub-directories of the report.
const PAGE_DIRS: [&str; 2] = ["domains", "orgs"];
/// Files at the top of the report.
const TOP_FILES: [&str; 4] = [
    "index.html",
    "results.json",
    "findings.csv",
    "results.sarif",
];

/// A report's output directory, prepared for writing (see the module).
pub(crate) struct OutputDir {
    dir: PathBuf,
    previous: BTreeSet<String>,
}

impl OutputDir {
    /// Creates `dir`, `dir/domains` and `dir/orgs` (refusing a sub-directory that is a link or
    /// not a directory), reads the previous manifest, and records `planned` (the paths this
    /// report will write) in it beside the previous ones.
    pub(crate) fn prepare(
        dir: &Path,
        planned: impl IntoIterator<Item = String>,
    ) -> Result<OutputDir, ReportError> {
        fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, e))?;
        for sub in PAGE_DIRS {
            let path = dir.join(sub);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_dir() => {}
                Ok(meta) => {
                    let what = if meta.file_type().is_symlink() {
                        "a symbolic link"
                    } else {
                        "not a directory"
                    };
                    return Err(ReportError::Refused {
                        path,
                        reason: format!(
                            "{what}; govscan writes report pages only into a real directory \
                             (remove it, or choose another --out)"
                        ),
                    });
                }
                Err(_) => fs::create_dir(&path)
                    .or_else(|e| match e.kind() {
                        // Created meanwhile by a concurrent writer: checked on the next run.
                        std::io::ErrorKind::AlreadyExists => Ok(()),
                        _ => Err(e),
                    })
                    .map_err(|e| io_error("create directory", &path, e))?,
            }
        }
        for sub in ["", "domains", "orgs"] {
            remove_dead_temporaries(&dir.join(sub));
        }
        let previous = read_manifest(dir);
        let out = OutputDir {
            dir: dir.to_path_buf(),
            previous,
        };
        let mut intent: BTreeSet<String> = out.previous.clone();
        intent.extend(planned.into_iter().filter(|p| is_report_path(p)));
        out.write_manifest(&intent)?;
        Ok(out)
    }

    /// Writes one file of the report (a path relative to the directory) atomically.
    pub(crate) fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), ReportError> {
        write_file_atomically(&self.dir.join(relative), bytes)
    }

    /// Streams one file of the report through a buffer into a temporary file, then renames it
    /// into place; an error from `write` leaves the old file as it was.
    pub(crate) fn stream(
        &self,
        relative: &str,
        write: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let path = self.dir.join(relative);
        let (temp, file) = create_temporary(&path)?;
        let result = (|| {
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            let file = out
                .into_inner()
                .map_err(|e| io_error("write", &temp, e.into_error()))?;
            file.sync_all().map_err(|e| io_error("write", &temp, e))
        })();
        finish_temporary(result, &temp, &path)
    }

    /// Deletes the files of the previous report that this one did not write (regular files
    /// only: a link or directory put there since is not govscan's), then records `written` as
    /// the manifest. Best effort for the deletions; the manifest must be written.
    pub(crate) fn finish(self, written: &BTreeSet<String>) -> Result<(), ReportError> {
        for stale in self.previous.difference(written) {
            let path = self.dir.join(stale);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
                let _ = fs::remove_file(&path);
            }
        }
        let kept: BTreeSet<String> = written
            .iter()
            .filter(|p| is_report_path(p))
            .cloned()
            .collect();
        self.write_manifest(&kept)
    }

    fn write_manifest(&self, files: &BTreeSet<String>) -> Result<(), ReportError> {
        let mut text = String::from(MANIFEST_HEADER);
        text.push('\n');
        for file in files {
            text.push_str(file);
            text.push('\n');
        }
        write_file_atomically(&self.dir.join(MANIFEST), text.as_bytes())
    }
}

/// Removes temporary files that a killed govscan left in `dir`: regular files named
/// `.<name>.govscan-tmp-<pid>-<n>` whose process no longer runs (`/proc/<pid>` is gone). A
/// live writer's files, and anything not of that form, are left alone.
fn remove_dead_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = temporary_pid(&name) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The writer's pid in a temporary file name `.<name>.govscan-tmp-<pid>-<n>`.
fn temporary_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, tail) = name.rsplit_once(".govscan-tmp-")?;
    let (pid, n) = tail.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n))
        .then(|| pid.parse().ok())
        .flatten()
}

/// The previous manifest's entries that name a report file; empty when there is none, it is
/// not a regular file, or it is not a manifest (then nothing will be deleted).
fn read_manifest(dir: &Path) -> BTreeSet<String> {
    let path = dir.join(MANIFEST);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
        return BTreeSet::new();
    }
    let Ok(text) = fs::read_to_string(&path) else {
        return BTreeSet::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return BTreeSet::new();
    }
    lines
        .filter(|line| is_report_path(line))
        .map(str::to_owned)
        .collect()
}

/// A path govscan could have written: a top file, or `domains/` or `orgs/` + a page stem of
/// the slug alphabet (no `/`, no leading `.`, no `..`) + `.html`. Anything else in a manifest
/// (edited by hand, or by someone else) is ignored, so a manifest can never make govscan
/// delete a file outside the report.
pub(crate) fn is_report_path(path: &str) -> bool {
    if TOP_FILES.contains(&path) {
        return true;
    }
    let Some((sub, name)) = path.split_once('/') else {
        return false;
    };
    let Some(stem) = name.strip_suffix(".html") else {
        return false;
    };
    PAGE_DIRS.contains(&sub)
        && !stem.is_empty()
        && !stem.starts_with('.')
        && !stem.contains("..")
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

/// Writes `bytes` to `path` atomically, never through a symbolic link: a new temporary file
/// beside it (exclusive create), synced, then renamed over `path` (replacing a link of that
/// name, not writing into what it points to). On any error the old file is left as it was and
/// the temporary file is removed.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let (temp, mut file) = create_temporary(path)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("write", &temp, e));
    drop(file);
    finish_temporary(result, &temp, path)
}

/// The number in the next temporary file's name (with the process id: unique in a run).
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A new temporary file beside `path`, created exclusively (`O_CREAT|O_EXCL`: an existing
/// file or link of that name is not opened; the next name is tried, 16 at most).
fn create_temporary(path: &Path) -> Result<(PathBuf, fs::File), ReportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..16 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_file_name(format!(".{name}.govscan-tmp-{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some((temp, e)),
            Err(e) => return Err(io_error("write", &temp, e)),
        }
    }
    let (temp, e) = last.unwrap_or_else(|| (path.to_path_buf(), std::io::Error::other("no name")));
    Err(io_error("create a temporary file", &temp, e))
}

/// Renames the temporary file over `path` when `result` is Ok; removes it otherwise.
fn finish_temporary(
    result: Result<(), ReportError>,
    temp: &Path,
    path: &Path,
) -> Result<(), ReportError> {
    if let Err(err) = result {
        let _ = fs::remove_file(temp);
        return Err(err);
    }
    fs::rename(temp, path).map_err(|e| {
        let _ = fs::remove_file(temp);
        io_error("rename a temporary file to", path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_at_the_temporary_name_is_not_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "precious").expect("write");
        let target = dir.path().join("index.html");
        let next = NEXT.load(Ordering::Relaxed);
        for n in next..next + 8 {
            let name = format!(".index.html.govscan-tmp-{}-{n}", std::process::id());
            std::os::unix::fs::symlink(&outside, dir.path().join(name)).expect("symlink");
        }
        write_file_atomically(&target, b"new").expect("written beside the links");
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
    }

    #[test]
    fn a_dead_writers_temporary_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dead = dir.path().join(".index.html.govscan-tmp-4294967294-0");
        let live = dir
            .path()
            .join(format!(".index.html.govscan-tmp-{}-0", std::process::id()));
        let mine = dir.path().join(".notes.govscan-tmp-x-1");
        for file in [&dead, &live, &mine] {
            std::fs::write(file, "x").expect("write");
        }
        remove_dead_temporaries(dir.path());
        assert!(!dead.exists(), "a dead writer's temporary file is removed");
        assert!(live.exists() && mine.exists());
        assert_eq!(temporary_pid(".a.govscan-tmp-12-3"), Some(12));
        assert_eq!(temporary_pid("a.govscan-tmp-12-3"), None);
        assert_eq!(temporary_pid(".a.govscan-tmp-12"), None);
    }

    #[test]
    fn only_report_paths_are_taken_from_a_manifest() {
        for ok in [
            "index.html",
            "results.json",
            "domains/good.lab.test.html",
            "orgs/a-b-1234abcd.html",
        ] {
            assert!(is_report_path(ok), "{ok}");
        }
        for bad in [
            "../etc/passwd",
            "domains/../../x.html",
            "domains/.hidden.html",
            "domains/a/b.html",
            "domains/.html",
            "orgs/A.html",
            "notes.txt",
            "/etc/passwd",
            "domains/x.htm",
            ".govscan-manifest",
            "",
        ] {
            assert!(!is_report_path(bad), "{bad}");
        }
    }
}
