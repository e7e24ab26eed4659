//! What an SPF evaluation for an unlisted sender concluded (RFC 7208 §2.6 results), the
//! limits it counts against (RFC 7208 §4.6.4) and the thresholds for "a huge share of the
//! address space".

use std::fmt;

/// RFC 7208 §4.6.4: at most 10 DNS-querying terms per evaluation.
pub(crate) const LOOKUP_LIMIT: usize = 10;
/// RFC 7208 §4.6.4: at most 2 void lookups (RECOMMENDED default).
pub(crate) const VOID_LIMIT: usize = 2;
/// RFC 7208 §4.6.4: an `mx` term may look at most 10 MX names.
pub(crate) const MX_NAME_LIMIT: usize = 10;
/// An IPv4 range with a shorter prefix (more than a /8: 16.7 million addresses, the largest
/// block ever assigned to one organisation) admits a huge share of the Internet.
pub(crate) const BROAD_IPV4_PREFIX: u8 = 8;
/// An IPv6 range with a shorter prefix than /16 (1/65,536 of the address space, far beyond any
/// mail service's network) admits a huge share of the Internet.
pub(crate) const BROAD_IPV6_PREFIX: u8 = 16;

/// The address family of the sender being judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// An IPv4 sender: `a` asks A, `ip6` never matches.
    V4,
    /// An IPv6 sender: `a` asks AAAA, `ip4` never matches.
    V6,
}

/// How an unlisted sender came to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantKind {
    /// `+all` (or `all`).
    All,
    /// An `include:` whose target lets everybody pass (RFC 7208 §5.2: its pass is a match).
    Include,
    /// A range that admits a huge share of the address space.
    Broad,
    /// An `exists:` name that resolves for every sender.
    Exists,
}

/// Why a permerror happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PermKind {
    /// More than 10 DNS-querying terms.
    TooManyLookups,
    /// More than 2 void lookups.
    TooManyVoids,
    /// An `mx` term with more than 10 MX names.
    TooManyMxNames,
    /// A record in the tree does not parse.
    Syntax,
    /// An `include:`/`redirect=` target has no SPF record, or more than one.
    TargetWithoutRecord,
    /// A target that is not a domain name.
    BadDomain,
}

/// The result for an unlisted sender (RFC 7208 §2.6), with where it was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpfResult {
    /// Everybody (or a huge share) passes: how.
    Pass(GrantKind, String),
    /// Rejected: where.
    Fail(String),
    /// Accepted but marked: where.
    SoftFail(String),
    /// Nothing asserted: where (`default`: no `all` and no `redirect`, RFC 7208 §4.7).
    Neutral {
        /// The term or record that decided it.
        at: String,
        /// True when no term matched and there was no redirect.
        default: bool,
    },
    /// A permanent error: receivers treat the policy as broken.
    PermError(PermKind, String),
    /// A DNS failure during the evaluation (on the scanner's path, so nothing is judged).
    TempError(String),
    /// An answer the evaluation needs was not recorded.
    Unknown(String),
}

impl SpfResult {
    /// The RFC 7208 §2.6 name of the result (`unknown` when it could not be evaluated).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            SpfResult::Pass(..) => "pass",
            SpfResult::Fail(_) => "fail",
            SpfResult::SoftFail(_) => "softfail",
            SpfResult::Neutral { .. } => "neutral",
            SpfResult::PermError(..) => "permerror",
            SpfResult::TempError(_) => "temperror",
            SpfResult::Unknown(_) => "unknown",
        }
    }

    /// How bad the result is for the domain's protection: higher is worse. A certain finding
    /// (permerror, pass, neutral) outranks a doubt (temperror, unknown), which outranks the
    /// protective results.
    pub(crate) fn severity(&self) -> u8 {
        match self {
            SpfResult::PermError(..) => 6,
            SpfResult::Pass(..) => 5,
            SpfResult::Neutral { .. } => 4,
            SpfResult::TempError(_) => 3,
            SpfResult::Unknown(_) => 2,
            SpfResult::SoftFail(_) => 1,
            SpfResult::Fail(_) => 0,
        }
    }
}

impl fmt::Display for SpfResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpfResult::Pass(_, why) => write!(f, "pass: {why}"),
            SpfResult::Fail(at) => write!(f, "fail: {at}"),
            SpfResult::SoftFail(at) => write!(f, "softfail: {at}"),
            SpfResult::Neutral { at, .. } => write!(f, "neutral: {at}"),
            SpfResult::PermError(_, why) => write!(f, "permerror: {why}"),
            SpfResult::TempError(why) => write!(f, "temperror: {why}"),
            SpfResult::Unknown(why) => write!(f, "unknown: {why}"),
        }
    }
}

/// One evaluation and what it counted.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// The result for an unlisted sender.
    pub(crate) result: SpfResult,
    /// DNS-querying terms evaluated (include, a, mx, ptr, exists, redirect).
    pub(crate) lookups: usize,
    /// Void lookups met.
    pub(crate) voids: usize,
    /// Each record evaluated, `(name, record)`, in order.
    pub(crate) records: Vec<(String, String)>,
    /// What was assumed (macros, ptr, answers not recorded).
    pub(crate) notes: Vec<String>,
}
