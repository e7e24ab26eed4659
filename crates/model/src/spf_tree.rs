//! The DNS answers an SPF evaluation needs (RFC 7208 §4.6.4, §5), gathered by the probe so
//! that the `mail.spf` check can expand `include:` and `redirect=` without doing I/O.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::FailureKind;

/// The answers the probe gathered while walking the domain's SPF record in evaluation order.
///
/// The walk follows the terms an evaluation for a sender that no mechanism lists would reach:
/// every term before `all`, `include:` targets recursively, then `redirect=`. It asks TXT for
/// `include:`/`redirect=` targets, A and AAAA for `a`, MX for `mx` and A for `exists` (names
/// without macros only), stops once more than 10 DNS-querying terms were met (the limit of
/// RFC 7208 §4.6.4, past which the evaluation is a permerror anyway), and sends at most a fixed
/// number of queries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpfTree {
    /// Each distinct query, in the order the walk first needed it.
    pub queries: Vec<SpfQuery>,
    /// Why the walk stopped before it had everything an evaluation could need (the query
    /// budget ran out), if it did. An evaluation that needs a missing answer is inconclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl SpfTree {
    /// The answer recorded for `name` (any case, trailing dot ignored) and `rtype`.
    pub fn answer(&self, name: &str, rtype: SpfQueryType) -> Option<&SpfAnswer> {
        let name = name.trim_end_matches('.');
        self.queries
            .iter()
            .find(|q| q.rtype == rtype && q.name.eq_ignore_ascii_case(name))
            .map(|q| &q.answer)
    }
}

/// One query of the walk and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpfQuery {
    /// The name asked, lower case, without the trailing dot.
    pub name: String,
    /// The record type asked.
    pub rtype: SpfQueryType,
    /// What came back.
    pub answer: SpfAnswer,
}

/// The record types an SPF evaluation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum SpfQueryType {
    /// The SPF record of an `include:` or `redirect=` target.
    Txt,
    /// IPv4 addresses (`a`, `exists`).
    A,
    /// IPv6 addresses (`a` for IPv6 senders).
    Aaaa,
    /// Mail exchangers (`mx`).
    Mx,
}

/// One answer, tagged by `answer`. `no_data` and `nx_domain` are the "void lookups" of
/// RFC 7208 §4.6.4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum SpfAnswer {
    /// Records came back. TXT: only the strings that start with `v=spf1` (case-insensitive;
    /// empty when the name has TXT records but none of them is SPF); A/AAAA: addresses; MX:
    /// exchange names (`""` for a null MX).
    Records {
        /// The records.
        records: Vec<String>,
    },
    /// The name exists but has no records of the type (NOERROR, no answers).
    NoData,
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The query failed (SERVFAIL, REFUSED, timeout): a temperror for the evaluation.
    Failed {
        /// The class of failure.
        kind: FailureKind,
        /// What went wrong.
        detail: String,
    },
}

impl SpfAnswer {
    /// True for a void lookup (RFC 7208 §4.6.4): no records, or the name does not exist.
    pub fn is_void(&self) -> bool {
        match self {
            SpfAnswer::Records { records } => records.is_empty(),
            SpfAnswer::NoData | SpfAnswer::NxDomain => true,
            SpfAnswer::Failed { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_serialise_with_an_answer_tag_and_are_found_by_name() {
        let tree = SpfTree {
            queries: vec![
                SpfQuery {
                    name: "_spf.example.test".into(),
                    rtype: SpfQueryType::Txt,
                    answer: SpfAnswer::Records {
                        records: vec!["v=spf1 -all".into()],
                    },
                },
                SpfQuery {
                    name: "gone.example.test".into(),
                    rtype: SpfQueryType::A,
                    answer: SpfAnswer::NxDomain,
                },
            ],
            stopped: None,
        };
        let json = serde_json::to_value(&tree).expect("serialise");
        assert_eq!(json["queries"][0]["rtype"], "TXT");
        assert_eq!(json["queries"][0]["answer"]["answer"], "records");
        assert_eq!(json["queries"][1]["answer"]["answer"], "nx_domain");
        assert!(json.get("stopped").is_none());
        let back: SpfTree = serde_json::from_value(json).expect("parse");
        assert_eq!(back, tree);
        assert!(
            back.answer("GONE.example.test.", SpfQueryType::A)
                .is_some_and(SpfAnswer::is_void)
        );
        assert_eq!(back.answer("gone.example.test", SpfQueryType::Aaaa), None);
    }
}
