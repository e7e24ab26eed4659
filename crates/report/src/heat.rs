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

/// The mail-transport checks (issue 13): whether mail actually travels encrypted to the
/// domain's MX hosts. Shown as their own area beside the whole e-mail family.
pub(crate) const MAIL_TRANSPORT_CHECKS: [&str; 4] = [
    "mail.starttls",
    "mail.starttls-tls",
    "mail.starttls-certificate",
    "mail.dane",
];

/// One column of the heat map: a family, or the mail-transport area after the e-mail family.
struct HeatArea {
    label: String,
    family: Family,
    transport_only: bool,
}

impl HeatArea {
    fn holds(&self, check: &str) -> bool {
        family_of(check) == Some(self.family)
            && (!self.transport_only || MAIL_TRANSPORT_CHECKS.contains(&check))
    }
}

fn heat_areas() -> Vec<HeatArea> {
    let mut areas = Vec::new();
    for family in Family::ALL {
        areas.push(HeatArea {
            label: family.label().to_owned(),
            family,
            transport_only: false,
        });
        if family == Family::Mail {
            areas.push(HeatArea {
                label: "Mail transport".to_owned(),
                family,
                transport_only: true,
            });
        }
    }
    areas
}

/// The areas (column heads) and rows of the heat map: the portfolio, then every
/// organisation in league order.
pub(crate) fn heat_map(rollups: &Rollups, links: &Links) -> (Vec<String>, Vec<HeatRow>) {
    let areas = heat_areas();
    let families = areas.iter().map(|a| a.label.clone()).collect();
    let mut rows = vec![HeatRow {
        name: "Whole portfolio".to_owned(),
        href: String::new(),
        indent_class: "depth-0 portfolio-row".to_owned(),
        cells: areas
            .iter()
            .map(|area| {
                let (pass, judged) = rollups
                    .checks
                    .iter()
                    .filter(|c| area.holds(&c.check))
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
            cells: areas
                .iter()
                .map(|area| {
                    let (pass, judged) = org
                        .checks
                        .iter()
                        .filter(|c| area.holds(&c.check))
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
