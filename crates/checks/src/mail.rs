//! mail checks.
