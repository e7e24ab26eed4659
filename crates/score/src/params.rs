//! The parameters each check reads from its baseline rule, and their validation.
//!
//! This table mirrors the `ctx.param_*` calls in `crates/checks` (`http/hsts.rs`,
//! `cert/expiry_soon.rs`, `cert/lifetime.rs`, `cert/key_strength.rs`). A rule giving a parameter the check does not read, or a value of the
//! wrong type or out of range, is an error: a silently ignored parameter would make a
//! baseline say something the scan does not do.

/// The type and range of one parameter.
#[derive(Debug, Clone, Copy)]
enum ParamKind {
    /// An integer in `min..=max`.
    Integer { min: i64, max: i64 },
    /// `true` or `false`.
    Bool,
}

/// (check id, parameter name, kind).
const KNOWN: &[(&str, &str, ParamKind)] = &[
    (
        "http.hsts",
        "min_max_age",
        // Up to two years; RFC 6797 sets no maximum, browsers cap around there.
        ParamKind::Integer {
            min: 0,
            max: 63_072_000,
        },
    ),
    ("http.hsts", "require_include_subdomains", ParamKind::Bool),
    (
        "cert.expiry-soon",
        "warn_days",
        // A certificate may live at most 398 days under the CA/B Forum Baseline Requirements.
        ParamKind::Integer { min: 0, max: 398 },
    ),
    (
        "cert.expiry-soon",
        "fail_days",
        ParamKind::Integer { min: 0, max: 398 },
    ),
    (
        "cert.lifetime",
        "max_days",
        ParamKind::Integer { min: 1, max: 3650 },
    ),
    (
        "cert.key-strength",
        "min_rsa_bits",
        ParamKind::Integer {
            min: 1024,
            max: 16384,
        },
    ),
];

/// Checks one rule's parameters; the error names the offending parameter.
///
/// A check that is not built in (a declarative check, which declares its own parameters) is
/// not judged here: its parameters are validated against its declaration when the checks are
/// loaded (`govscan_checks::CheckSet::validate_baseline_params`). Built-in ids are the rules of
/// the built-in Estonia baseline, which has a rule for every built-in check (a test enforces
/// it).
pub(crate) fn check_params(
    check: &str,
    params: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), (String, String)> {
    if !crate::baseline::is_builtin_check(check) {
        return Ok(());
    }
    for (name, value) in params {
        let Some((_, _, kind)) = KNOWN.iter().find(|(c, n, _)| *c == check && n == name) else {
            let accepted: Vec<&str> = KNOWN
                .iter()
                .filter(|(c, _, _)| *c == check)
                .map(|(_, n, _)| *n)
                .collect();
            let message = if accepted.is_empty() {
                format!("{check}: takes no parameters, but params names {name:?}")
            } else {
                format!(
                    "{check}: unknown parameter {name:?} (accepted: {})",
                    accepted.join(", ")
                )
            };
            return Err((name.clone(), message));
        };
        let ok = match kind {
            ParamKind::Integer { min, max } => {
                value.as_i64().is_some_and(|v| (*min..=*max).contains(&v))
            }
            ParamKind::Bool => value.is_boolean(),
        };
        if !ok {
            let wanted = match kind {
                ParamKind::Integer { min, max } => format!("an integer in {min}..={max}"),
                ParamKind::Bool => "true or false".to_owned(),
            };
            return Err((
                name.clone(),
                format!("{check}: parameter {name} = {value} must be {wanted}"),
            ));
        }
    }
    Ok(())
}
