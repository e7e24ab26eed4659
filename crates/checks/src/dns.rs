//! dns checks.
