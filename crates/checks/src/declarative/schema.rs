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
    /// Parameters the rule reads (`{params.NAME}`), with defaults and bounds; a baseline rule
    /// for the check may set them.
    #[serde(default)]
    pub(super) params: Option<Spanned<std::collections::BTreeMap<String, Spanned<RawParam>>>>,
    /// Meanings of the findings the rule emits, in the check's own words.
    #[serde(default)]
    pub(super) findings: Option<Spanned<Vec<Spanned<RawFinding>>>>,
    /// Message templates for a tree rule (`{extracted.NAME}`, `{domain}`, `{endpoint}`).
    #[serde(default)]
    pub(super) message: Option<Spanned<RawMessages>>,
    /// When the check applies (a tree over DNS and mail facts); when it does not hold the
    /// check is not applicable.
    #[serde(default)]
    pub(super) applies_when: Option<Spanned<RawNode>>,
    /// Where the check came from when it was converted (e.g. `nuclei template tech-x`).
    #[serde(default)]
    pub(super) origin: Option<Spanned<String>>,
}

/// A declared parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParam {
    /// `integer`, `string` or `list` (of strings).
    #[serde(rename = "type")]
    pub(super) kind: Spanned<String>,
    /// The value used when the baseline does not set it.
    pub(super) default: Spanned<RawScalarOrList>,
    /// Bounds of an integer.
    #[serde(default)]
    pub(super) min: Option<i64>,
    #[serde(default)]
    pub(super) max: Option<i64>,
    /// Most items of a list.
    #[serde(default)]
    pub(super) max_items: Option<usize>,
    /// What the parameter sets, in one line.
    #[serde(default)]
    pub(super) doc: Option<Spanned<String>>,
}

/// A declared finding: one the rule emits, with the status it has and its meaning.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFinding {
    pub(super) key: Spanned<String>,
    pub(super) status: Spanned<String>,
    pub(super) meaning: Spanned<String>,
}

/// A number, a string or a list of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawScalarOrList {
    Integer(i64),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

/// Message templates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMessages {
    #[serde(default)]
    pub(super) pass: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) fail: Option<Spanned<String>>,
}

/// One node of a rule tree: exactly one of `all`, `any`, `not`, or a leaf (`read` + one
/// matcher).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNode {
    #[serde(default)]
    pub(super) all: Option<Spanned<Vec<Spanned<RawNode>>>>,
    #[serde(default)]
    pub(super) any: Option<Spanned<Vec<Spanned<RawNode>>>>,
    #[serde(default)]
    pub(super) not: Option<Box<Spanned<RawNode>>>,
    /// The observation read, e.g. `http.header`, `cert.issuer`, `dns.records`.
    #[serde(default)]
    pub(super) read: Option<Spanned<String>>,
    /// Header or cookie name (`http.header`, `http.cookie`).
    #[serde(default)]
    pub(super) name: Option<Spanned<String>>,
    /// A declared same-origin path read instead of the home page.
    #[serde(default)]
    pub(super) fetch: Option<Spanned<String>>,
    /// `https` (default) or `http`: which home-page chain an `http.*` leaf reads.
    #[serde(default)]
    pub(super) over: Option<Spanned<String>>,
    /// The DNS name and type a `dns.records` leaf reads.
    #[serde(default)]
    pub(super) dns: Option<Spanned<RawDnsQuery>>,
    /// Read a cert.* field of every certificate a client judges, not only the leaf.
    #[serde(default)]
    pub(super) chain: Option<bool>,
    /// Join all values with ", " into one (HTTP field combination, RFC 9110 §5.3).
    #[serde(default)]
    pub(super) combine: Option<bool>,
    /// `any` (default), `all` or `none` of the values must satisfy the matcher.
    #[serde(default)]
    pub(super) quantifier: Option<Spanned<String>>,
    /// `insensitive` (default) or `sensitive`, for equals / in / contains / words.
    #[serde(default)]
    pub(super) case: Option<Spanned<String>>,
    /// Store the deciding value as `{extracted.NAME}`.
    #[serde(default)]
    pub(super) extract: Option<Spanned<String>>,
    // Matchers: exactly one.
    #[serde(default)]
    pub(super) exists: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) equals: Option<Spanned<RawScalarOrList>>,
    #[serde(default, rename = "in")]
    pub(super) one_of: Option<Spanned<RawScalarOrList>>,
    #[serde(default)]
    pub(super) contains: Option<Spanned<RawScalarOrList>>,
    #[serde(default)]
    pub(super) words: Option<Spanned<Vec<String>>>,
    /// `or` (default) or `and`, for words.
    #[serde(default)]
    pub(super) condition: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) regex: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) at_least: Option<Spanned<RawScalarOrList>>,
    #[serde(default)]
    pub(super) at_most: Option<Spanned<RawScalarOrList>>,
    #[serde(default)]
    pub(super) greater_than: Option<Spanned<RawScalarOrList>>,
    #[serde(default)]
    pub(super) less_than: Option<Spanned<RawScalarOrList>>,
    /// Numeric comparison of the number of values (`{at_least: 1}` etc.).
    #[serde(default)]
    pub(super) count: Option<Spanned<RawCount>>,
}

/// A DNS name (with `{domain}`) and record type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDnsQuery {
    pub(super) name: Spanned<String>,
    #[serde(rename = "type")]
    pub(super) rtype: Spanned<String>,
}

/// Bounds on a number of values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCount {
    #[serde(default)]
    pub(super) at_least: Option<u64>,
    #[serde(default)]
    pub(super) at_most: Option<u64>,
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
    /// A tree: every child holds.
    #[serde(default)]
    pub(super) all: Option<Spanned<Vec<Spanned<RawNode>>>>,
    /// A tree: some child holds.
    #[serde(default)]
    pub(super) any: Option<Spanned<Vec<Spanned<RawNode>>>>,
    /// A tree: the child does not hold.
    #[serde(default)]
    pub(super) not: Option<Box<Spanned<RawNode>>>,
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
