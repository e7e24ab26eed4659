//! TODO(new-check): one line saying what `mail.ipv6-mx` asserts, in plain words.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Observations, Outcome, Reference, Status,
};
use serde::Serialize;
use serde_json::json;

use crate::{Check, Context};

/// The check.
pub struct Ipv6Mx;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.ipv6-mx",
    family: Family::Mail,
    title: "TODO(new-check): the requirement in one line",
    // TODO(new-check): Must, Should or May, as the cited source words it.
    level: Level::Should,
    rationale: "TODO(new-check): why it matters, in words a minister reads.",
    remediation: "TODO(new-check): the concrete fix (the DNS record, the server setting).",
    references: &[Reference {
        title: "TODO(new-check): RFC NNNN §N.N (the processing rule this check follows)",
        url: "https://www.rfc-editor.org/rfc/rfcNNNN#section-N.N",
    }],
    needs: &[],
    // Every finding the check can emit, with its status (a test asserts this).
    findings: &[
        FindingDecl {
            key: "example_pass",
            status: Status::Pass,
            meaning: "TODO(new-check): what a pass means",
        },
        FindingDecl {
            key: "example_fail",
            status: Status::Fail,
            meaning: "TODO(new-check): what a fail means",
        },
    ],
    // TODO(new-check): declare every baseline parameter the check reads (`ParamDecl`), or none.
    params: &[],
};

/// What the check saw: the facts behind its verdict, serialised as the outcome's evidence.
#[derive(Debug, Serialize)]
pub struct Evidence {
    /// TODO(new-check): the facts the verdict rests on.
    pub domain: String,
}

/// A verdict before it becomes an outcome.
struct Verdict {
    status: Status,
    finding: &'static str,
    message: String,
    evidence: Evidence,
}

/// Judges the observations. A probe that failed or was skipped is `Inconclusive`, never `Pass`.
fn check(obs: &Observations, _ctx: &Context) -> Verdict {
    // TODO(new-check): read the observations and judge what a client actually does with them.
    Verdict {
        status: Status::Fail,
        finding: "example_fail",
        message: format!("{}: TODO(new-check)", obs.domain),
        evidence: Evidence {
            domain: obs.domain.clone(),
        },
    }
}

impl Check for Ipv6Mx {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let verdict = check(obs, ctx);
        let evidence = serde_json::to_value(&verdict.evidence)
            .unwrap_or_else(|e| json!({ "evidence_error": e.to_string() }));
        Outcome::new(
            META.id,
            verdict.status,
            verdict.finding,
            verdict.message,
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Ipv6Mx);
    }
}
