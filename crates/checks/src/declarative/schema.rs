//! The YAML form of a declarative check, as parsed (before validation); every field keeps its
//! line so that validation errors can name it.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One `checks/*.yaml` file: one check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheck {
    pub(super) id: Spanned<String>,
    pub(super) family: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) level: Spanned<String>,
    pub(super) rationale: Spanned<String>,
    pub(super) remediation: Spanned<String>,
    pub(super) references: Spanned<Vec<RawReference>>,
    /// `fail` (default), `warn` or `info`: the status when the rule does not hold.
    #[serde(default)]
    pub(super) on_mismatch: Option<Spanned<String>>,
    pub(super) rule: Spanned<RawRule>,
}

/// A cited source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReference {
    pub(super) title: Spanned<String>,
    pub(super) url: Spanned<String>,
}

/// Exactly one of the rule kinds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    #[serde(default)]
    pub(super) header: Option<Spanned<RawHeaderRule>>,
    #[serde(default)]
    pub(super) dns_txt: Option<Spanned<RawTxtRule>>,
    #[serde(default)]
    pub(super) path: Option<Spanned<RawPathRule>>,
}

/// A response header of the HTTPS home page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeaderRule {
    pub(super) name: Spanned<String>,
    /// `present`, `absent` or `matches`.
    pub(super) expect: Spanned<String>,
    /// The regex some value must match (only with `expect: matches`).
    #[serde(default)]
    pub(super) pattern: Option<Spanned<String>>,
}

/// TXT records at the domain or at `_dmarc.<domain>`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTxtRule {
    /// `domain`, `dmarc` or `dmarc_record`.
    pub(super) at: Spanned<String>,
    /// `matches` (some record matches) or `no_match` (no record matches).
    pub(super) expect: Spanned<String>,
    pub(super) pattern: Spanned<String>,
}

/// A declared same-origin path fetched over HTTPS (redirects not followed).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPathRule {
    pub(super) path: Spanned<String>,
    /// Accepted status codes.
    #[serde(default)]
    pub(super) status: Option<Spanned<Vec<u16>>>,
    /// A regex the body must match.
    #[serde(default)]
    pub(super) body_matches: Option<Spanned<String>>,
    /// A regex the body must not match.
    #[serde(default)]
    pub(super) body_not_matches: Option<Spanned<String>>,
}
