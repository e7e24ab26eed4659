//! Validated ROA payloads from the JSON that rpki-client (`-j`) and Routinator
//! (`--format json`) write: `{"roas": [{"asn": 64500 or "AS64500", "prefix": "192.0.2.0/24",
//! "maxLength": 24, ...}], ...}`; other keys are ignored. Keyed by prefix, so the VRPs covering
//! a route are found with one lookup per shorter length.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::{Prefix, RpkiFileError, read_capped};

/// The VRPs of a scan.
#[derive(Debug, Default)]
pub(super) struct VrpTable {
    by_prefix: HashMap<Prefix, Vec<(u32, u8)>>,
    count: usize,
}

#[derive(Deserialize)]
struct File {
    roas: Vec<Roa>,
}

/// One VRP as written, checked as it is read (so an error carries the line).
#[derive(Deserialize)]
#[serde(try_from = "RawRoa")]
struct Roa {
    asn: u32,
    prefix: Prefix,
    max_length: u8,
}

#[derive(Deserialize)]
struct RawRoa {
    asn: Asn,
    prefix: String,
    #[serde(rename = "maxLength")]
    max_length: u8,
}

/// rpki-client writes the AS as a number, Routinator as `"AS64500"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Asn {
    Number(u32),
    Text(String),
}

impl TryFrom<RawRoa> for Roa {
    type Error = String;

    fn try_from(raw: RawRoa) -> Result<Roa, String> {
        let asn = match raw.asn {
            Asn::Number(n) => n,
            Asn::Text(t) => parse_asn(&t)?,
        };
        let prefix = Prefix::parse(&raw.prefix).map_err(|e| e.to_string())?;
        if raw.max_length < prefix.length() || raw.max_length > prefix.width() {
            return Err(format!(
                "maxLength {} must be between the prefix length {} and {} ({})",
                raw.max_length,
                prefix.length(),
                prefix.width(),
                raw.prefix
            ));
        }
        Ok(Roa {
            asn,
            prefix,
            max_length: raw.max_length,
        })
    }
}

/// The line an error belongs to. serde_json reports a bad entry (one `try_from` refused) where
/// it stopped reading, after the entry's closing brace and the whitespace that follows, which
/// may be the next line; the entry's own line is where the last non-blank character before
/// that position is.
fn error_line(text: &str, line: usize, column: usize) -> usize {
    let line = line.max(1);
    let Some(line_start) = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .try_fold(0usize, usize::checked_add)
    else {
        return line;
    };
    let offset = line_start
        .saturating_add(column.saturating_sub(1))
        .min(text.len());
    // serde_json counts columns in bytes; a position inside a character keeps its own line.
    let Some(before) = text.get(..offset) else {
        return line;
    };
    match before.rfind(|c: char| !c.is_whitespace()) {
        Some(i) => 1 + before[..i].matches('\n').count(),
        None => line,
    }
}

/// `AS64500`, `as64500` or `64500`.
pub(super) fn parse_asn(text: &str) -> Result<u32, String> {
    let digits = text
        .strip_prefix("AS")
        .or_else(|| text.strip_prefix("as"))
        .unwrap_or(text);
    digits
        .parse()
        .map_err(|_| format!("{text:?} is not an AS number"))
}

impl VrpTable {
    /// Reads a VRP export.
    pub(super) fn load(path: &Path) -> Result<VrpTable, RpkiFileError> {
        let text = read_capped(path)?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            let full = e.to_string();
            let message = full
                .rfind(" at line ")
                .map_or(full.as_str(), |i| &full[..i])
                .to_owned();
            RpkiFileError {
                path: path.to_path_buf(),
                line: Some(error_line(&text, e.line(), e.column())),
                message,
            }
        })?;
        let mut table = VrpTable::default();
        for roa in file.roas {
            table.count += 1;
            table
                .by_prefix
                .entry(roa.prefix)
                .or_default()
                .push((roa.asn, roa.max_length));
        }
        Ok(table)
    }

    /// How many VRPs were read.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// Every VRP whose prefix covers `route`, shortest prefix first: `(prefix, asn, maxLength)`.
    pub(super) fn covering(&self, route: Prefix) -> impl Iterator<Item = (Prefix, u32, u8)> + '_ {
        (0..=route.length()).flat_map(move |len| {
            let key = route.truncated(len);
            self.by_prefix
                .get(&key)
                .into_iter()
                .flatten()
                .map(move |(asn, max)| (key, *asn, *max))
        })
    }
}
