//! The verdict of a tree rule: judged once per endpoint when a leaf reads endpoint data
//! (combined like built-in checks: the worst endpoint decides), otherwise once per domain.

use govscan_model::{Observations, Outcome, Status};
use serde_json::json;

use super::DeclarativeCheck;
use super::params::Params;
use super::sources::{HttpTarget, Scope, Source};
use super::tree::{Node, Trace, Truth};
use crate::Context;
use crate::endpoints::{EndpointVerdict, combine_each};

/// Judges `root`, the tree rule of `check`.
pub(super) fn judge_tree(
    check: &DeclarativeCheck,
    root: &Node,
    obs: &Observations,
    ctx: &Context,
) -> Outcome {
    let id = check.meta.id;
    let params = Params {
        decls: &check.params,
        given: ctx.params.get(id),
    };
    if let Some(applies) = &check.applies_when {
        let scope = Scope {
            obs,
            endpoint: None,
            now: ctx.now_unix,
        };
        let mut trace = Trace::default();
        match applies.eval(&scope, &params, &mut trace) {
            Truth::True => {}
            Truth::False => {
                let why = trace.decisive.unwrap_or_default();
                return Outcome::new(
                    id,
                    Status::NotApplicable,
                    "does_not_apply",
                    format!("does not apply to {}: {why}", obs.domain),
                    json!({ "applies_when": trace.leaves }),
                );
            }
            Truth::Unknown(why) => {
                return Outcome::inconclusive(
                    id,
                    format!("whether the check applies is unknown: {why}"),
                );
            }
        }
    }
    let per_endpoint = root.leaves().iter().any(|l| l.source.per_endpoint());
    let reads_home = root
        .leaves()
        .iter()
        .any(|l| matches!(l.source, Source::Http(HttpTarget::Home, _)));
    let judge = |endpoint: Option<&govscan_model::EndpointObservations>| {
        // A home page that lives on another host is not this domain's to judge.
        if reads_home
            && let Some(ep) = endpoint
            && let Err(v) = crate::http::home_page(&obs.domain, ep)
            && v.status == Status::NotApplicable
        {
            return v;
        }
        let scope = Scope {
            obs,
            endpoint,
            now: ctx.now_unix,
        };
        verdict(check, root, &scope, &params)
    };
    if per_endpoint {
        combine_each(id, &obs.endpoints, |ep| judge(Some(ep)))
    } else {
        let v = judge(None);
        Outcome::new(id, v.status, v.finding, v.message, v.evidence)
    }
}

fn verdict(
    check: &DeclarativeCheck,
    root: &Node,
    scope: &Scope<'_>,
    params: &Params<'_>,
) -> EndpointVerdict {
    let mut trace = Trace::default();
    let truth = root.eval(scope, params, &mut trace);
    let decisive = trace.decisive.clone().unwrap_or_default();
    let (status, finding, message) = match &truth {
        Truth::True => (
            Status::Pass,
            "rule_holds",
            check
                .messages
                .0
                .as_deref()
                .map(|t| fill(t, scope, &trace))
                .unwrap_or_else(|| format!("{}: {decisive}", check.meta.title)),
        ),
        Truth::False => (
            check.on_mismatch,
            "rule_mismatch",
            check
                .messages
                .1
                .as_deref()
                .map(|t| fill(t, scope, &trace))
                .unwrap_or_else(|| format!("not so: {decisive}")),
        ),
        Truth::Unknown(why) => (
            Status::Inconclusive,
            crate::endpoints::PROBE_INCOMPLETE,
            format!("cannot be judged: {why}"),
        ),
    };
    let evidence = json!({
        "leaves": trace.leaves,
        "extracted": trace.extracted,
        "origin": check.origin,
    });
    EndpointVerdict::new(status, finding, message, evidence)
}

/// Fills a message template: `{domain}`, `{endpoint}`, `{extracted.NAME}` (a name that was
/// not extracted reads "(none)").
pub(super) fn fill(template: &str, scope: &Scope<'_>, trace: &Trace) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        let value = match key {
            "domain" => Some(scope.obs.domain.clone()),
            "endpoint" => Some(
                scope
                    .endpoint
                    .map_or_else(|| scope.obs.domain.clone(), |e| e.address.clone()),
            ),
            _ => key.strip_prefix("extracted.").map(|name| {
                trace
                    .extracted
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| "(none)".to_owned())
            }),
        };
        match value {
            Some(v) => out.push_str(&v),
            None => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
