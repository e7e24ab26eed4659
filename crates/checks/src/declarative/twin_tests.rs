//! The declarative twins of the header checks `http.referrer-policy`,
//! `http.permissions-policy` and `http.x-content-type-options` (`examples/checks/`) judge like
//! their built-in checks: over every fixture of the built-in check, a table of odd header
//! values and a deterministic spread of generated ones, with only the differences each twin's
//! file states.

use std::path::{Path, PathBuf};

use govscan_model::{Observations, Status};
use serde_json::{Value, json};

use super::DeclarativeCheck;
use crate::Check;
use crate::fixtures::{load, merged};
use crate::http::permissions_policy::PermissionsPolicy;
use crate::http::referrer_policy::ReferrerPolicy;
use crate::runner::evaluate_one;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn twin(file: &str) -> DeclarativeCheck {
    DeclarativeCheck::load(&repo().join("examples/checks").join(file))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The built-in's pass fixture with the home page sending `name` once per value.
fn home_page_with(fixture: &str, name: &str, values: &[&str]) -> Observations {
    let (_, mut obs) = merged(&repo().join(fixture));
    let headers: Vec<Value> = values
        .iter()
        .map(|v| json!({"name": name, "value": v}))
        .collect();
    obs["endpoints"][0]["https"]["value"]["hops"][0]["headers"] = Value::Array(headers);
    serde_json::from_value(obs).expect("observations")
}

/// Statuses of the built-in check and its twin over the same observations.
fn both(builtin: &dyn Check, twin: &DeclarativeCheck, obs: &Observations) -> (Status, Status) {
    let ctx = crate::Context::with_now(crate::fixtures::FIXTURE_NOW);
    (
        evaluate_one(builtin, obs, &ctx).status,
        evaluate_one(twin, obs, &ctx).status,
    )
}

/// Every fixture of the built-in check, judged by both.
fn over_fixtures(
    builtin: &dyn Check,
    twin: &DeclarativeCheck,
    dir: &str,
    expect: fn(Status) -> Status,
) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{dir} has fixtures");
    for file in files {
        let (obs, ctx, _) = load(&file);
        let built_in = evaluate_one(builtin, &obs, &ctx).status;
        let declarative = evaluate_one(twin, &obs, &ctx).status;
        assert_eq!(declarative, expect(built_in), "{}", file.display());
    }
}

/// A small deterministic generator (no dependency), for spreads of header values.
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        items[((self.0 >> 33) as usize) % items.len()]
    }
}

/// The referrer twin has one mismatch status (warn) where the built-in fails.
fn referrer_expect(built_in: Status) -> Status {
    match built_in {
        Status::Fail => Status::Warn,
        other => other,
    }
}

const REFERRER_FIXTURE: &str = "fixtures/checks/http.referrer-policy/pass_strict_origin.json";
const PERMISSIONS_FIXTURE: &str = "fixtures/checks/http.permissions-policy/pass_present.json";

#[test]
fn the_referrer_policy_twin_judges_like_the_built_in_check() {
    let twin = twin("http.referrer-policy-yaml.yaml");
    over_fixtures(
        &ReferrerPolicy,
        &twin,
        "fixtures/checks/http.referrer-policy",
        referrer_expect,
    );
    let cases: &[(&[&str], Status)] = &[
        (&["strict-origin-when-cross-origin"], Status::Pass),
        (&["STRICT-Origin"], Status::Pass),
        (
            &["no-referrer, strict-origin-when-cross-origin"],
            Status::Pass,
        ),
        (&["unsafe-url, no-referrer"], Status::Pass),
        (&["no-referrer, bogus"], Status::Pass),
        (&["no-referrer, strict"], Status::Pass),
        (&["no-referrer, unsafe-uri"], Status::Pass),
        (&["no-referrer, orig1n, x y, , 42"], Status::Pass),
        (&["  same-origin ,  "], Status::Pass),
        (&["\u{3000}no-referrer\u{3000}"], Status::Pass),
        (&["no-referrer, \u{17f}trict-origin"], Status::Pass),
        (&["unsafe-url", "same-origin"], Status::Pass),
        (&["no-referrer", ""], Status::Pass),
        (&["no-referrer, origin-when-cross-origi"], Status::Pass),
        (&["no-referrer, no-referrer-when-downgrad"], Status::Pass),
        (&["unsafe-url"], Status::Fail),
        (&["origin"], Status::Fail),
        (&["no-referrer, ORIGIN"], Status::Fail),
        (&["no-referrer, Unsafe-URL"], Status::Fail),
        (&["strict-origin, no-referrer-when-downgrade"], Status::Fail),
        (
            &["strict-origin, origin-when-cross-origin, bogus"],
            Status::Fail,
        ),
        (&["no-referrer", "unsafe-url"], Status::Fail),
        (&["\u{17f}trict-origin"], Status::Fail),
        (&["no-referrer;"], Status::Fail),
        (&["<script>"], Status::Fail),
        (&[""], Status::Fail),
        (&[], Status::Warn),
    ];
    for (values, status) in cases {
        let obs = home_page_with(REFERRER_FIXTURE, "referrer-policy", values);
        let (built_in, declarative) = both(&ReferrerPolicy, &twin, &obs);
        assert_eq!(built_in, *status, "built-in over {values:?}");
        assert_eq!(
            declarative,
            referrer_expect(built_in),
            "twin over {values:?}"
        );
    }
    // The documented difference: an unrecognised 24- or 26-character word of letters and
    // hyphens after the strict token (the twin cannot tell it from a leaky token).
    for value in [
        "no-referrer, strict-origin-when-cross",
        "no-referrer, no-referrer-when-downgradx",
    ] {
        let obs = home_page_with(REFERRER_FIXTURE, "referrer-policy", &[value]);
        let (built_in, declarative) = both(&ReferrerPolicy, &twin, &obs);
        assert_eq!(
            (built_in, declarative),
            (Status::Pass, Status::Warn),
            "{value}"
        );
    }
    // A spread of generated headers (no 24- or 26-character unknown word among the parts).
    let parts = [
        "no-referrer",
        "No-Referrer",
        "same-origin",
        "strict-origin",
        "STRICT-ORIGIN-WHEN-CROSS-ORIGIN",
        "origin",
        "Origin",
        "origin-when-cross-origin",
        "no-referrer-when-downgrade",
        "unsafe-url",
        "UNSAFE-URL",
        "bogus",
        "unsafe-uri",
        "origins",
        "",
        " ",
        "x y",
        "42",
        "\u{17f}ame-origin",
        " strict-origin ",
        "same-origin;",
    ];
    let mut lcg = Lcg(16);
    for _ in 0..3000 {
        let fields: Vec<String> = (0..1 + lcg.pick(&["0", "1", "2"]).len())
            .map(|_| {
                let n = 1 + lcg.pick(&["a", "bb", "ccc"]).len();
                (0..n)
                    .map(|_| lcg.pick(&parts))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let values: Vec<&str> = fields.iter().map(String::as_str).collect();
        let obs = home_page_with(REFERRER_FIXTURE, "referrer-policy", &values);
        let (built_in, declarative) = both(&ReferrerPolicy, &twin, &obs);
        assert_eq!(declarative, referrer_expect(built_in), "over {values:?}");
    }
}

#[test]
fn the_permissions_policy_twin_judges_like_the_built_in_check() {
    let twin = twin("http.permissions-policy-yaml.yaml");
    over_fixtures(
        &PermissionsPolicy,
        &twin,
        "fixtures/checks/http.permissions-policy",
        |s| s,
    );
    let cases: &[(&[&str], Status)] = &[
        (&["camera=(), microphone=(), geolocation=()"], Status::Pass),
        (&["camera=*"], Status::Pass),
        (&["camera=self"], Status::Pass),
        (&["geolocation=(self \"https://a.example\")"], Status::Pass),
        (&[" camera = ( ) , "], Status::Pass),
        (&["camera=(a=b)"], Status::Pass),
        (&["camera=(), ,microphone=self"], Status::Pass),
        (&["camera=()\u{3000}"], Status::Pass),
        (&["camera=()", "geolocation=()"], Status::Pass),
        (&["camera=()", ""], Status::Pass),
        (&["web_share=(), x-1=*"], Status::Pass),
        (&["camera 'none'"], Status::Fail),
        (&["camera=SELF"], Status::Fail),
        (&["Camera=()"], Status::Fail),
        (&["camera=("], Status::Fail),
        (&["camera"], Status::Fail),
        (&["=()"], Status::Fail),
        (&["<script>=alert(1)"], Status::Fail),
        (&["camera=()", "bad"], Status::Fail),
        (&[", ,"], Status::Fail),
        (&[""], Status::Fail),
        (&[], Status::Fail),
    ];
    for (values, status) in cases {
        let obs = home_page_with(PERMISSIONS_FIXTURE, "permissions-policy", values);
        let (built_in, declarative) = both(&PermissionsPolicy, &twin, &obs);
        assert_eq!(built_in, *status, "built-in over {values:?}");
        assert_eq!(declarative, built_in, "twin over {values:?}");
    }
    let parts = [
        "camera=()",
        " camera = () ",
        "geolocation=*",
        "fullscreen=self",
        "fullscreen=Self",
        "payment=(self \"https://pay.example\")",
        "usb=(",
        "usb=)",
        "Usb=()",
        "usb",
        "=*",
        "x_y-1=(a=b)",
        "",
        " ",
        "camera=()\u{a0}",
        "camera\u{a0}=()",
    ];
    let mut lcg = Lcg(7);
    for _ in 0..3000 {
        let fields: Vec<String> = (0..lcg.pick(&["", "1", "22", "333"]).len())
            .map(|_| {
                let n = 1 + lcg.pick(&["a", "bb", "ccc"]).len();
                (0..n)
                    .map(|_| lcg.pick(&parts))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let values: Vec<&str> = fields.iter().map(String::as_str).collect();
        let obs = home_page_with(PERMISSIONS_FIXTURE, "permissions-policy", &values);
        let (built_in, declarative) = both(&PermissionsPolicy, &twin, &obs);
        assert_eq!(declarative, built_in, "over {values:?}");
    }
}

#[test]
fn the_x_content_type_options_twin_judges_like_the_built_in_check() {
    use crate::http::x_content_type_options::XContentTypeOptions;
    let twin = twin("http.x-content-type-options-yaml.yaml");
    let dir = "fixtures/checks/http.x-content-type-options";
    over_fixtures(&XContentTypeOptions, &twin, dir, |s| s);
    let pass = std::fs::read_dir(repo().join(dir))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("pass_"))
        })
        .expect("a pass fixture");
    let pass = pass.strip_prefix(repo()).expect("in the repository");
    let parts = [
        "nosniff",
        "NoSniff",
        " nosniff ",
        "\"nosniff\"",
        "\"a,b\"",
        "nosniff \"x\"",
        "sniff",
        "",
        " ",
        "\tnosniff",
        "nosniff\u{a0}",
    ];
    let mut lcg = Lcg(3);
    for _ in 0..2000 {
        let fields: Vec<String> = (0..lcg.pick(&["", "1", "22"]).len())
            .map(|_| {
                let n = 1 + lcg.pick(&["a", "bb"]).len();
                (0..n)
                    .map(|_| lcg.pick(&parts))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let values: Vec<&str> = fields.iter().map(String::as_str).collect();
        let obs = home_page_with(
            pass.to_str().expect("utf-8"),
            "x-content-type-options",
            &values,
        );
        let (built_in, declarative) = both(&XContentTypeOptions, &twin, &obs);
        assert_eq!(declarative, built_in, "over {values:?}");
    }
}
