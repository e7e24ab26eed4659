//! cert checks.
