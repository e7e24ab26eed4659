//! Errors from loading and validating a baseline; each names the file and, where known, the line.

use std::fmt;
use std::path::PathBuf;

/// Why a baseline could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// The file could not be read. The I/O error is the source, not part of the message, so
    /// a printer of the error chain (`{:#}`) shows it once.
    #[error("cannot read baseline {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The YAML did not parse into the baseline shape (syntax, unknown key, wrong type).
    #[error("{at}: {message}")]
    Parse {
        /// File and line.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// The YAML parsed but a value breaks a rule (weight ≤ 0, bad id, unknown check, ...).
    #[error("{at}: {message}")]
    Invalid {
        /// File and line.
        at: Location,
        /// What is wrong.
        message: String,
    },
}

impl BaselineError {
    /// Where the error is, if it came from the file's content.
    pub fn location(&self) -> Option<&Location> {
        match self {
            BaselineError::Read { .. } => None,
            BaselineError::Parse { at, .. } | BaselineError::Invalid { at, .. } => Some(at),
        }
    }
}

/// A place in a baseline file: `file:line[:column]`, line and column 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name as given to the loader.
    pub file: String,
    /// 1-based line, when it could be found.
    pub line: Option<u64>,
    /// 1-based column, when the parser reported one.
    pub column: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{}:{line}:{column}", self.file),
            (Some(line), None) => write!(f, "{}:{line}", self.file),
            _ => write!(f, "{}", self.file),
        }
    }
}
