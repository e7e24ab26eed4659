//! An organisation's page written in pieces (its top, one row per domain, the rest) is the page
//! its templates render as one: `{{#each domains}}` over the rows between the top and the rest.

use govscan_model::{
    BaselineRef, CheckCatalog, LightDomainFields, LightScanBuilder, OrgKind, Organisation,
    SCHEMA_VERSION, ScanHeader, Status,
};
use govscan_score::Baseline;

use crate::health::WithHealth;
use crate::links::Links;
use crate::org_page::{OrgPage, domain_rows, write_org_page};
use crate::{PARTIALS, ReportInput, TEMPLATES, inline, registry, template_source};

/// A portfolio of a ministry and an agency below it (with a name to escape) and 12 domains:
/// scored, failing, unscored, excluded, failing a check the baseline does not rule.
fn portfolio(baseline: &Baseline) -> govscan_model::LightScan {
    let organisation = |name: &str, parent: Option<&str>| Organisation {
        name: name.to_owned(),
        kind: if parent.is_some() {
            OrgKind::Agency
        } else {
            OrgKind::Ministry
        },
        parent: parent.map(str::to_owned),
    };
    let mut scan = LightScanBuilder::new(ScanHeader {
        schema_version: SCHEMA_VERSION,
        govscan_version: "0.1.0".to_owned(),
        scoring_version: govscan_score::SCORING_VERSION,
        started_at: "2026-12-01T08:00:00Z".to_owned(),
        finished_at: "2026-12-01T08:10:00Z".to_owned(),
        baseline: BaselineRef {
            ..baseline.reference()
        },
        organisations: vec![
            organisation("Ministry", None),
            organisation("<Agency> & \"Co\"", Some("Ministry")),
        ],
    });
    let statuses = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Inconclusive,
    ];
    for i in 0..12usize {
        let domain = format!("d{i}.example");
        for (c, check) in baseline.rules.keys().enumerate() {
            let (status, finding) = match i {
                10 => (Status::Inconclusive, "probe_incomplete"),
                11 => (Status::NotApplicable, "excluded"),
                _ => (statuses[(i + c) % statuses.len()], "found"),
            };
            scan.outcome(
                &domain,
                check,
                status,
                finding,
                "Could not be judged: <timeout>",
            )
            .expect("names");
        }
        let unruled = if i % 3 == 0 {
            Status::Fail
        } else {
            Status::Pass
        };
        scan.outcome(&domain, "http.x-powered-by-absent", unruled, "found", "")
            .expect("names");
        let organisation = ["Ministry", "<Agency> & \"Co\""][i % 2];
        scan.finish_domain(LightDomainFields {
            domain: &domain,
            organisation: Some(organisation),
            score: None,
            grade: "?",
            grade_cap: None,
            coverage: 0.0,
            provisional: None,
        })
        .expect("names");
    }
    scan.finish()
}

#[test]
fn the_page_in_pieces_is_the_page_of_the_whole_template() {
    let baseline = Baseline::builtin_estonia();
    let light = portfolio(&baseline);
    let input = ReportInput::from_light(&light, &baseline, CheckCatalog::default());
    let links = Links::new(&input.scan, &input.rollups);
    let mut registry = registry().expect("registry");
    let source = |name: &str| {
        TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| template_source(n, text))
            .expect("template")
    };
    let whole = [
        source("org"),
        "{{#each domains}}",
        source("org_domain"),
        "{{/each}}",
        source("org_bottom"),
    ]
    .concat();
    registry
        .register_template_string("org_whole", inline::inline_partials(&whole, &PARTIALS))
        .expect("whole template");
    assert_eq!(input.rollups.organisations.len(), 2);
    for org in &input.rollups.organisations {
        let mut pieces = String::new();
        write_org_page(&registry, &input, &links, org, &mut |text| {
            pieces.push_str(text);
            Ok(())
        })
        .expect("pieces");
        let mut context =
            serde_json::to_value(WithHealth::new(OrgPage::new(&input, &links, org), &input))
                .expect("context");
        let rows: Vec<_> = domain_rows(&input, &links, org).collect();
        assert!(!rows.is_empty(), "{}", org.name);
        context["domains"] = serde_json::to_value(rows).expect("rows");
        let page = registry.render("org_whole", &context).expect("whole");
        assert_eq!(pieces, page, "{}", org.name);
        assert!(page.contains("d1.example") && page.contains("&lt;Agency&gt; &amp;"));
    }
}
