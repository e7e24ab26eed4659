//! Targets: the organisations of a portfolio and the domains each one owns.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What kind of public body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The government as a whole (its main portal).
    Government,
    /// A ministry or government department.
    Ministry,
    /// An agency, board, inspectorate or other arm's-length body.
    Agency,
    /// The parliament (States Assembly, Riigikogu).
    Parliament,
    /// A court or judicial body.
    Court,
    /// A constitutional or independent office (auditor, ombudsman, head of state).
    Constitutional,
    /// A parish, municipality or other local government.
    Municipality,
    /// Anything else.
    Other,
}

/// An organisation in a portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Organisation {
    /// Display name, unique within the portfolio.
    pub name: String,
    /// What kind of body it is.
    pub kind: OrgKind,
    /// The organisation it belongs to (an agency's ministry), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// One domain to scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The normalised name: lower case, no trailing dot, IDN as punycode (A-labels).
    pub domain: String,
    /// The owning organisation, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Whether a person has confirmed that this domain belongs to the organisation.
    #[serde(default)]
    pub verified: bool,
    /// DKIM selectors the target file names for this domain (`dkim_selectors:`), lower case;
    /// a selector cannot be discovered from DNS, so `mail.dkim` runs only with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dkim_selectors: Vec<String>,
}

/// A validated set of organisations and their domains.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    /// Organisations, in file order.
    pub organisations: Vec<Organisation>,
    /// Domains, unique, in file order.
    pub targets: Vec<Target>,
}
