//! Tests of the HTML pages: escaping of hostile values on every page, self-containment, links
//! that resolve, the dashboard's parts, the detail pages and the files written.

mod common;

use std::collections::BTreeMap;

use common::{ATTR, SCRIPT, builtin_checks, sample_result};
use govscan_model::{ScanResult, Status};
use govscan_report::{
    HistoryEntry, ReportError, ReportInput, render_index, render_report, write_report,
};
use govscan_score::Baseline;

fn files(input: &ReportInput<'_>) -> BTreeMap<String, String> {
    render_report(input).expect("renders").into_iter().collect()
}

fn html_pages(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, &String)> {
    files.iter().filter(|(name, _)| name.ends_with(".html"))
}

/// The sample scan one day later, with the hostile domain's HSTS now failing and the good
/// domain's SPF newly failing.
fn next_day(result: &ScanResult) -> ScanResult {
    let baseline = Baseline::builtin_estonia();
    let mut next = result.clone();
    next.started_at = "2026-11-28T08:00:00Z".to_owned();
    next.finished_at = "2026-11-28T08:00:09Z".to_owned();
    let good = &mut next.domains[0];
    let spf = good
        .outcomes
        .iter_mut()
        .find(|o| o.check == "mail.spf")
        .expect("spf outcome");
    spf.status = Status::Fail;
    spf.finding = "spf_allows_all".to_owned();
    spf.message = "The SPF record ends in +all.".to_owned();
    spf.evidence = serde_json::json!({ "seen": "v=spf1 +all" });
    good.observations.dns.txt = govscan_model::Probed::ok(vec!["v=spf1 +all".to_owned()]);
    let score = govscan_score::score_domain(&good.outcomes, &baseline);
    good.score = score.score;
    good.grade = score.grade;
    good.grade_cap = score.cap;
    good.families = score.families;
    next
}

#[test]
fn hostile_values_are_escaped_on_every_page() {
    let result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    let mut pages = 0;
    for (name, html) in html_pages(&files) {
        pages += 1;
        assert!(!html.contains(SCRIPT), "{name}: raw <script> leaked");
        assert!(!html.contains("<script"), "{name}: a script element");
        assert!(!html.contains(ATTR), "{name}: attribute break-out leaked");
        assert!(
            !html.contains("\" onmouseover="),
            "{name}: attribute break-out leaked"
        );
    }
    assert!(
        pages >= 1 + 3 + 2,
        "dashboard, 3 domain pages, 2 organisation pages: {pages}"
    );
    let hostile = &files["domains/nohsts.lab.test.html"];
    assert!(
        hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "script shown as text"
    );
    assert!(
        hostile.contains("&quot; onmouseover&#x3D;alert(2)"),
        "quote and = escaped"
    );
    // The hostile organisation name gets a safe page name and is shown escaped.
    let org_pages: Vec<&String> = files.keys().filter(|k| k.starts_with("orgs/")).collect();
    for page in &org_pages {
        let stem = page.trim_start_matches("orgs/").trim_end_matches(".html");
        assert!(
            stem.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            "{page}"
        );
    }
    assert!(files["index.html"].contains("&quot; onmouseover&#x3D;alert(2) x&#x3D;&quot;"));
}

#[test]
fn pages_are_self_contained_and_links_resolve() {
    let result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    for template in [
        "index",
        "domain",
        "org",
        "org_domain",
        "org_bottom",
        "head",
        "foot",
        "changes",
    ] {
        let text = std::fs::read_to_string(format!(
            "{}/templates/{template}.hbs",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("template");
        assert!(
            !text.contains("{{{"),
            "{template}: triple-stash would print scan data unescaped"
        );
    }
    for (name, html) in html_pages(&files) {
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        for needle in [
            "<script", "src=", "<link", "@import", "url(", "<img", "<iframe", "<object", "<embed",
        ] {
            assert!(
                !html.contains(needle),
                "{name}: must be self-contained; found {needle:?}"
            );
        }
        assert!(
            html.contains("<style>") && html.contains("@media print"),
            "{name}: CSS inlined"
        );
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        for (i, _) in html.match_indices("href=\"") {
            let target = &html[i + 6..i + 6 + html[i + 6..].find('"').expect("closing quote")];
            if target.starts_with('#') || target.starts_with("https://") {
                continue;
            }
            assert!(
                !target.contains(':') && !target.starts_with('/'),
                "{name}: {target}"
            );
            let resolved = resolve(dir, target);
            assert!(
                files.contains_key(&resolved),
                "{name}: link {target} → {resolved} is not in the report"
            );
        }
    }
}

/// `dir` + relative `target`, with `..` applied.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[test]
fn dashboard_shows_score_baseline_league_heat_map_trend_and_fixes() {
    let result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let rollups = govscan_score::roll_up(&result, &baseline);
    // Two earlier scans of the same domains, judged the same way, with made-up scores.
    let past = |label: &str, day: &str, score: f64| HistoryEntry {
        label: label.to_owned(),
        started_at: format!("2026-11-{day}T08:00:00Z"),
        basis: govscan_score::Basis::of(&result),
        domain_scores: result
            .domains
            .iter()
            .map(|d| (d.domain.clone(), d.score.map(|_| score)))
            .collect(),
        provisional: 0,
        unhealthy: false,
    };
    let history = vec![past("#1", "25", 40.0), past("#2", "26", 55.5)];
    let html = files(&ReportInput::new(&result, &baseline, builtin_checks()).with_history(history))
        ["index.html"]
        .clone();
    let portfolio = rollups.portfolio.score.expect("portfolio score");
    assert!(
        html.contains(&format!(
            "<span class=\"score-number\">{portfolio:.1}</span>"
        )),
        "headline score"
    );
    assert!(
        html.contains("Estonia 2026.1 baseline"),
        "the baseline beside the score"
    );
    assert!(html.contains("<h2 id=\"league-heading\">Organisations</h2>"));
    assert!(html.contains("Ministry of Tests</a> <span class=\"kind\">Ministry</span>"));
    assert!(
        html.contains("<tr class=\"depth-1\">"),
        "the agency is nested under its ministry"
    );
    // Heat map: one column per family, numbers printed in every cell.
    for family in govscan_model::Family::ALL {
        assert!(
            html.contains(&format!("<th scope=\"col\">{}</th>", family.label())),
            "{family:?}"
        );
    }
    assert!(html.contains("class=\"heat-cell heat-"), "coloured cells");
    // Trend: three points (two past + this scan), a line, and the table equivalent.
    assert_eq!(html.matches("<circle class=\"dot\"").count(), 3);
    assert!(html.contains("<polyline class=\"line\""));
    assert!(html.contains(&format!(
        "it rose from 40.0 on 25 Nov 2026 to {portfolio:.1} on 27 Nov 2026"
    )));
    assert!(
        html.contains("<th scope=\"row\">#2</th><td>26 Nov 2026</td><td class=\"num\">55.5</td>"),
        "{html}"
    );
    // Top fixes: as many as the roll-ups give (at most five), in plain words.
    let shown = html.matches("<p class=\"fix-title\">").count();
    assert_eq!(shown, rollups.top_fixes.len().min(5));
    assert!(shown > 0, "the sample has something to fix");
    let first = &rollups.top_fixes[0];
    let title = govscan_checks::find(&first.check)
        .expect("known check")
        .meta()
        .title;
    assert!(
        !title.contains(['<', '>', '&', '"', '\'', '=', '`']),
        "the title needs no escaping"
    );
    assert!(html.contains(&format!(
        "<p class=\"fix-check\">The check: {title} (<code class=\"check-id\">{}</code>)</p>",
        first.check
    )));
    let before = rollups.portfolio.score.expect("score");
    assert!(html.contains(&format!(
        "The overall score would rise by <strong>{}{:.1} points</strong> (from {before:.1} to ",
        match first.bound {
            govscan_model::GainBound::Exact => "",
            govscan_model::GainBound::AtLeast => "at least ",
            govscan_model::GainBound::Uncertain => "about ",
        },
        first.gain
    )));
    // The paragraph to read aloud.
    assert!(html.contains(&format!("Together they score {portfolio:.1} out of 100")));
    assert!(html.contains("On 27 Nov 2026 govscan checked 3 internet domains of 2 organisations"));
}

#[test]
fn domain_pages_show_every_outcome_with_remediation_and_sources() {
    let result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    for d in &result.domains {
        let page = &files[&format!("domains/{}.html", d.domain)];
        assert!(page.contains(&format!("<h1>{}</h1>", d.domain)));
        for o in &d.outcomes {
            assert!(
                page.contains(&format!("<code>{}</code></summary>", o.check)),
                "{} {}",
                d.domain,
                o.check
            );
        }
    }
    let good = &files["domains/good.lab.test.html"];
    let hsts = govscan_checks::find("http.hsts").expect("hsts").meta();
    assert!(good.contains("<h3>How to fix it</h3>"));
    assert!(good.contains(&format!(
        "<a href=\"{}\" rel=\"noreferrer\">",
        hsts.references[0].url
    )));
    // Problems come first and are open; passes are closed.
    let hostile = &files["domains/nohsts.lab.test.html"];
    let fail_at = hostile
        .find("row-status-fail\" open")
        .expect("failure open");
    let pass_at = hostile.find("row-status-pass\">").expect("pass closed");
    assert!(fail_at < pass_at, "failures before passes");
    // CSS-only filters.
    assert!(hostile.contains("<input type=\"checkbox\" id=\"hide-pass\""));
    assert!(hostile.contains("#hide-pass:checked ~ .outcomes .row-status-pass { display: none; }"));
    // Status as word and symbol, the grade cap, probe problems, evidence.
    assert!(hostile.contains("<span aria-hidden=\"true\">✗</span> Fail</span>"));
    let dead = &files["domains/nxdomain.lab.test.html"];
    assert!(dead.contains("Probes that did not complete"));
    assert!(dead.contains("Timeout failure: timed out after 5s") || dead.contains("5s"));
    // Evidence scrolls inside its box, so it takes keyboard focus and has a name (WCAG 2.1.1).
    assert!(good.contains("<pre tabindex=\"0\" aria-label=\"Evidence of "));
    assert!(good.contains("\">{\n  &quot;seen&quot;: &quot;All good.&quot;\n}</pre>"));
}

#[test]
fn changes_since_the_previous_scan_are_shown_new_failures_first() {
    let before = sample_result();
    let now = next_day(&before);
    let baseline = Baseline::builtin_estonia();
    let files = files(
        &ReportInput::new(&now, &baseline, builtin_checks()).with_previous(&before, &baseline),
    );
    let index = &files["index.html"];
    let new_at = index.find("New problems (1)").expect("new problems listed");
    assert!(index[new_at..].contains("<code>mail.spf</code>"));
    assert!(index.contains("Score moves, largest fall first"));
    assert!(
        index.contains("what the checks saw on the servers changed"),
        "the cause of the move"
    );
    assert!(
        index.contains("mail.spf Pass → Fail"),
        "the check that moved it"
    );
    let good = &files["domains/good.lab.test.html"];
    assert!(good.contains("New problems (1)") && good.contains("The SPF record ends in +all."));
    let ministry = files
        .iter()
        .find(|(k, v)| k.starts_with("orgs/") && v.contains("<h1>Ministry of Tests"))
        .expect("org page");
    assert!(
        ministry.1.contains("New problems (1)"),
        "the ministry page includes its domains' changes"
    );
    assert!(index.contains("Since then 1 new problem appeared and none was fixed."));
    // The trend arrow of the ministry points down.
    assert!(index.contains("<span class=\"trend trend-down\"><span aria-hidden=\"true\">▼</span>"));
}

#[test]
fn render_index_is_the_dashboard_and_needs_the_scans_baseline() {
    let mut result = sample_result();
    let html = render_index(&result, &builtin_checks()).expect("renders");
    assert!(html.contains("How secure are our government websites"));
    result.baseline.sha256 = "0".repeat(64);
    let err = render_index(&result, &builtin_checks()).expect_err("unknown baseline");
    assert!(matches!(err, ReportError::UnknownBaseline { .. }), "{err}");
}

#[test]
fn empty_scan_renders() {
    let mut result = sample_result();
    result.domains.clear();
    let baseline = Baseline::builtin_estonia();
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    assert!(files["index.html"].contains("govscan checked no internet domains"));
}

#[test]
fn write_report_writes_every_file_and_removes_its_own_stale_pages() {
    let base = std::env::temp_dir().join(format!("govscan-report-test-{}", std::process::id()));
    let dir = base.join("nested/out");
    let result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let input = ReportInput::new(&result, &baseline, builtin_checks());
    std::fs::create_dir_all(dir.join("domains")).expect("mkdir");
    std::fs::write(dir.join("domains/mine.html"), "a user's own page").expect("user page");
    // A report of the day before, with one more domain: its page is govscan's, and stale now.
    let mut before = result.clone();
    before.domains.push(before.domains[0].clone());
    before.domains[3].domain = "gone.lab.test".to_owned();
    write_report(
        &ReportInput::new(&before, &baseline, builtin_checks()),
        &dir,
    )
    .expect("writes the day before");
    assert!(dir.join("domains/gone.lab.test.html").exists());
    write_report(&input, &dir).expect("writes");
    let expected = files(&input);
    for (name, text) in &expected {
        assert_eq!(
            &std::fs::read_to_string(dir.join(name)).expect(name),
            text,
            "{name}"
        );
    }
    assert!(
        !dir.join("domains/gone.lab.test.html").exists(),
        "stale page removed"
    );
    assert!(
        dir.join("domains/mine.html").exists(),
        "a user's page is kept"
    );
    let json = std::fs::read_to_string(dir.join("results.json")).expect("results.json");
    let back: ScanResult = serde_json::from_str(&json).expect("parses back");
    assert_eq!(back, result);
    // Writing again leaves no temporary file behind.
    write_report(&input, &dir).expect("rewrites");
    let mut count = 0;
    for sub in ["", "domains", "orgs"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("list") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                !name.starts_with('.') || name == govscan_report::MANIFEST,
                "temporary file left: {name}"
            );
            count += 1;
        }
    }
    assert_eq!(
        count,
        expected.len() + 4,
        "files plus the two sub-directories, the manifest and the user's page"
    );
    std::fs::remove_dir_all(&base).expect("cleanup");
}

#[test]
fn unwritable_directory_gives_a_clear_error() {
    let base = std::env::temp_dir().join(format!("govscan-report-blocked-{}", std::process::id()));
    std::fs::create_dir_all(&base).expect("tmp");
    let file = base.join("a-file");
    std::fs::write(&file, "not a directory").expect("write");
    let err = govscan_report::write_outputs(&sample_result(), &builtin_checks(), &file.join("out"))
        .expect_err("cannot create under a file");
    assert!(
        matches!(
            err,
            ReportError::Io {
                action: "create directory",
                ..
            }
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("cannot create directory ") && text.contains("a-file/out"),
        "{text}"
    );
    std::fs::remove_dir_all(&base).expect("cleanup");
}

/// End to end from observations: a server that sends `<script>` in response headers. The
/// checks judge it, and every page shows the hostile text escaped, never as markup.
#[test]
fn a_hostile_header_from_a_server_is_shown_as_text() {
    let baseline = Baseline::builtin_estonia();
    let mut result = sample_result();
    let good = &mut result.domains[0];
    for endpoint in &mut good.observations.endpoints {
        for chain in [&mut endpoint.http, &mut endpoint.https] {
            if let govscan_model::Probed::Ok { value } = chain {
                for hop in &mut value.hops {
                    for header in &mut hop.headers {
                        if header.name == "x-content-type-options" {
                            header.value = SCRIPT.to_owned();
                        }
                    }
                    hop.headers.push(govscan_model::HttpHeader {
                        name: "server".to_owned(),
                        value: format!("nginx {SCRIPT}"),
                    });
                }
            }
        }
    }
    let context = govscan_checks::Context {
        now_unix: 1_795_766_400, // 2026-11-27
        params: baseline.params(),
    };
    good.outcomes = govscan_checks::evaluate_all(&good.observations, &context);
    let xcto = good
        .outcomes
        .iter()
        .find(|o| o.check == "http.x-content-type-options")
        .expect("judged");
    assert_eq!(xcto.status, Status::Fail, "a <script> value is not nosniff");
    assert!(
        serde_json::to_string(&xcto.evidence)
            .expect("json")
            .contains("<script>")
            || xcto.message.contains("<script>"),
        "the hostile value is carried in the outcome"
    );
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    let page = &files["domains/good.lab.test.html"];
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
    for (name, html) in html_pages(&files) {
        assert!(!html.contains("<script"), "{name}: script element");
    }
    let csv = govscan_report::render_findings_csv(&result, &builtin_checks());
    assert!(
        csv.contains("<script>"),
        "the CSV carries the raw text (it is data, not HTML)"
    );
}

/// A fix that applies to many domains names the first twelve (largest gains first) and says
/// how many more there are, so a large portfolio does not list every domain five times.
/// Makes `domain`'s HSTS check fail and scores it again.
fn fail_hsts(domain: &mut govscan_model::DomainResult, baseline: &Baseline) {
    let hsts = domain
        .outcomes
        .iter_mut()
        .find(|o| o.check == "http.hsts")
        .expect("hsts outcome");
    hsts.status = Status::Fail;
    let score = govscan_score::score_domain(&domain.outcomes, baseline);
    domain.score = score.score;
    domain.grade = score.grade;
    domain.grade_cap = score.cap;
    domain.families = score.families;
}

#[test]
fn a_fix_on_many_domains_lists_twelve_and_counts_the_rest() {
    let baseline = Baseline::builtin_estonia();
    let mut result = sample_result();
    let template = result.domains[0].clone();
    result.domains.clear();
    for i in 0..20 {
        let mut domain = template.clone();
        domain.domain = format!("site{i:02}.example.test");
        domain.observations.domain = domain.domain.clone();
        domain.organisation = None;
        fail_hsts(&mut domain, &baseline);
        result.domains.push(domain);
    }
    let input = ReportInput::new(&result, &baseline, builtin_checks());
    let pages = files(&input);
    let index = &pages["index.html"];
    let fixes_start = index.find("fixes-heading").expect("fixes section");
    let fixes_end = index[fixes_start..]
        .find("</section>")
        .map(|i| fixes_start + i)
        .expect("end of fixes section");
    let fixes = &index[fixes_start..fixes_end];
    assert!(fixes.contains("Fix this on 20 domains"), "{fixes}");
    assert!(fixes.contains("and 8 more"), "{fixes}");
    assert!(
        fixes.contains("every domain is under <a href=\"#domains-heading\">Every domain</a>"),
        "{fixes}"
    );
    let hsts_item = fixes
        .split("<li>")
        .find(|item| item.contains("20 domains"))
        .expect("the HSTS fix");
    assert_eq!(
        hsts_item.matches("<a href=\"domains/").count(),
        12,
        "{hsts_item}"
    );
}

#[test]
fn a_bogus_zone_says_validating_resolvers_cannot_reach_the_domain() {
    use govscan_model::{BogusKind, BogusReason, DnssecObservation, DnssecStatus, Probed};
    let mut result = sample_result();
    let baseline = Baseline::builtin_estonia();
    let d = &mut result.domains[0];
    let domain = d.domain.clone();
    let dnssec = d
        .outcomes
        .iter_mut()
        .find(|o| o.check == "dns.dnssec")
        .expect("dnssec outcome");
    dnssec.status = Status::Fail;
    dnssec.finding = "bogus".to_owned();
    d.observations.dns.dnssec = Probed::ok(DnssecObservation {
        zone: "lab.test".to_owned(),
        status: DnssecStatus::Bogus,
        detail: "bogus".to_owned(),
        dnskey_algorithms: vec![13],
        ds_records: vec!["1 13 2 AA".to_owned()],
        trust_anchor: "IANA root KSKs (built in)".to_owned(),
        anchor_zone: Some(".".to_owned()),
        no_anchor: false,
        bogus_reason: Some(BogusReason {
            kind: BogusKind::ExpiredSignature,
            zone: "lab.test".to_owned(),
            detail: "the RRSIG over the DNSKEY set expired on 2025-02-01 <b>".to_owned(),
        }),
    });
    d.observations.dns.read_with_cd = vec![format!("A {domain}"), format!("MX {domain}")];
    let files = files(&ReportInput::new(&result, &baseline, builtin_checks()));
    let page = &files[&format!("domains/{domain}.html")];
    assert!(page.contains("Validating resolvers cannot reach this domain"));
    assert!(page.contains("expired signatures (RRSIG) in lab.test"));
    assert!(page.contains("2025-02-01 &lt;b&gt;"), "escaped");
    assert!(page.contains(&format!(
        "<code>A {domain}</code>, <code>MX {domain}</code>"
    )));
    let other = &files["domains/nohsts.lab.test.html"];
    assert!(!other.contains("Validating resolvers cannot reach"));
}

#[test]
fn a_national_portfolio_lists_its_thousand_weakest_domains_and_says_where_the_rest_are() {
    let baseline = Baseline::builtin_estonia();
    let mut result = sample_result();
    let mut template = result.domains[0].clone();
    // Small domain pages: the test is about the dashboard.
    template.observations.endpoints.clear();
    for outcome in &mut template.outcomes {
        outcome.evidence = serde_json::Value::Null;
    }
    result.domains.clear();
    for i in 0..1_003 {
        let mut domain = template.clone();
        domain.domain = format!("site{i:04}.example.test");
        domain.observations.domain = domain.domain.clone();
        if i == 500 {
            fail_hsts(&mut domain, &baseline);
        }
        result.domains.push(domain);
    }
    let input = ReportInput::new(&result, &baseline, builtin_checks());
    let pages = files(&input);
    let index = &pages["index.html"];
    let start = index.find("id=\"domains-heading\"").expect("domain table");
    let table = &index[start..];
    let table = &table[..table.find("</section>").expect("end of the section")];
    assert!(
        table.contains("The 1,000 weakest of 1,003 domains"),
        "{table}"
    );
    assert!(
        table.contains("The other 3 domains are not listed here"),
        "{table}"
    );
    assert_eq!(table.matches("<th scope=\"row\">").count(), 1_000);
    let first_row = table.find("<th scope=\"row\">").expect("a row");
    assert!(
        table[first_row..].starts_with("<th scope=\"row\"><a href=\"domains/site0500"),
        "the weakest domain comes first: {}",
        &table[first_row..first_row + 120]
    );
    // Every domain keeps its own page.
    assert!(pages.contains_key("domains/site1002.example.test.html"));
}
