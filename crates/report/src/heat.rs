//! The heat map: per organisation and area of security, the share of judged checks that
//! passed. Each check counts once here, whatever its weight in the score, and the page says so.

use govscan_model::{Family, Rollups};
use serde::Serialize;

use crate::dashboard::indent_class;
use crate::links::Links;
use crate::orgs::league_order;
use crate::text::percent;

/// One organisation's row of the heat map.
#[derive(Debug, Serialize)]
pub(crate) struct HeatRow {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) indent_class: String,
    pub(crate) cells: Vec<HeatCell>,
}

/// One cell: the share of judged checks that passed, as text and a colour band.
#[derive(Debug, Serialize)]
pub(crate) struct HeatCell {
    pub(crate) text: String,
    pub(crate) detail: String,
    pub(crate) class: &'static str,
}

/// The families (column heads) and rows of the heat map: the portfolio, then every
/// organisation in league order.
pub(crate) fn heat_map(rollups: &Rollups, links: &Links) -> (Vec<String>, Vec<HeatRow>) {
    let families = Family::ALL.iter().map(|f| f.label().to_owned()).collect();
    let mut rows = vec![HeatRow {
        name: "Whole portfolio".to_owned(),
        href: String::new(),
        indent_class: "depth-0 portfolio-row".to_owned(),
        cells: Family::ALL
            .iter()
            .map(|family| {
                let (pass, judged) = rollups
                    .checks
                    .iter()
                    .filter(|c| family_of(&c.check) == Some(*family))
                    .fold((0, 0), |(p, j), c| {
                        (p + c.pass, j + c.pass + c.warn + c.fail)
                    });
                heat_cell(pass, judged)
            })
            .collect(),
    }];
    for entry in league_order(rollups) {
        let org = entry.score;
        rows.push(HeatRow {
            name: org.name.clone(),
            href: links.org(&org.name).unwrap_or_default().to_owned(),
            indent_class: indent_class(entry.depth).to_owned(),
            cells: Family::ALL
                .iter()
                .map(|family| {
                    let (pass, judged) = org
                        .checks
                        .iter()
                        .filter(|c| family_of(&c.check) == Some(*family))
                        .fold((0, 0), |(p, j), c| (p + c.pass, j + c.judged));
                    heat_cell(pass, judged)
                })
                .collect(),
        });
    }
    (families, rows)
}

/// The family of a check id, from its prefix.
pub(crate) fn family_of(check: &str) -> Option<Family> {
    check.split('.').next().and_then(Family::from_prefix)
}

fn heat_cell(pass: u32, judged: u32) -> HeatCell {
    if judged == 0 {
        return HeatCell {
            text: "–".to_owned(),
            detail: "nothing could be judged".to_owned(),
            class: "heat-none",
        };
    }
    let share = f64::from(pass) / f64::from(judged);
    let class = match share {
        s if s >= 0.9 => "heat-4",
        s if s >= 0.75 => "heat-3",
        s if s >= 0.5 => "heat-2",
        s if s >= 0.25 => "heat-1",
        _ => "heat-0",
    };
    HeatCell {
        text: percent(share),
        detail: format!("{pass} of {judged} judged checks passed, each counted once"),
        class,
    }
}
