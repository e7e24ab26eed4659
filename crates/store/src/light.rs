//! Reading a scan one domain at a time, and a "light" view of a whole scan for roll-ups and the
//! dashboard: every domain's score, grade, families and per-check status and finding, without
//! observations, messages or evidence, so a 10,000-domain scan fits in a few tens of MB.

use rusqlite::{OptionalExtension, params};

use govscan_model::{DomainResult, Observations, Outcome, ScanResult};

use crate::read::scan_from;
use crate::{ScanId, Store, StoreError};

/// The observations placed in every domain of a light scan: the domain name, and every DNS
/// probe `skipped` with the reason "not loaded (light view)". An error means the observations
/// model changed shape under this function (a defect, caught by the store's tests).
pub fn stub_observations(domain: &str) -> Result<Observations, serde_json::Error> {
    let skipped = serde_json::json!({"state": "skipped", "why": "not loaded (light view)"});
    serde_json::from_value(serde_json::json!({
        "domain": domain,
        "probed_at": "1970-01-01T00:00:00Z",
        "duration_ms": 0,
        "dns": {
            "a": skipped, "aaaa": skipped, "ns": skipped, "mx": skipped, "txt": skipped,
            "caa": skipped, "dmarc": skipped, "soa": skipped, "resolver": ""
        },
        "endpoints": []
    }))
}

impl Store {
    /// A complete scan with every domain in light form: observations are
    /// [`stub_observations`], and each outcome keeps its check, status and finding while its
    /// evidence is `null` and its message empty (except for an inconclusive outcome, which keeps
    /// why it could not be judged). Enough for roll-ups, the dashboard, the
    /// organisation pages and the summary; a domain page loads its domain with
    /// [`Store::load_domain`].
    pub fn load_scan_light(&self, id: ScanId) -> Result<ScanResult, StoreError> {
        let header = self.header(id, true)?;
        let mut domains = self.load_domain_rows(id, true)?;
        domains.shrink_to_fit();
        Ok(scan_from(header, domains))
    }

    /// One domain of a scan (running or complete), whole, with observations and evidence.
    pub fn load_domain(&self, id: ScanId, domain: &str) -> Result<DomainResult, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a domain result", e);
        let row = self
            .conn
            .prepare_cached(
                "SELECT organisation, score, grade, grade_cap, coverage, families_json,
                        observations_json, provisional
                 FROM domain_results WHERE scan_id = ?1 AND domain = ?2",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![id.0, domain], |row| {
                    Ok((
                        row.get::<_, Option<String>>(0)?,
                        row.get::<_, Option<f64>>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, f64>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, Option<String>>(7)?,
                    ))
                })
                .optional()
            })
            .map_err(fail)?;
        let Some((
            organisation,
            score,
            grade,
            grade_cap,
            coverage,
            families,
            observations,
            provisional,
        )) = row
        else {
            return Err(StoreError::BadStoredValue {
                path: self.path.clone(),
                what: format!("domain {domain} in scan {id}"),
                detail: "not stored".to_owned(),
            });
        };
        Ok(DomainResult {
            organisation,
            score,
            grade,
            grade_cap,
            coverage,
            families: self.decode(&families, || format!("families of {domain} in scan {id}"))?,
            provisional,
            observations: self.decode(&observations, || {
                format!("observations of {domain} in scan {id}")
            })?,
            outcomes: self.load_outcomes(id, domain)?,
            domain: domain.to_owned(),
        })
    }

    pub(crate) fn load_light_outcomes(
        &self,
        id: ScanId,
        domain: &str,
    ) -> Result<Vec<Outcome>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading outcomes", e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT check_id, status, finding,
                        CASE WHEN status = 'inconclusive' THEN message ELSE '' END
                 FROM outcomes WHERE scan_id = ?1 AND domain = ?2 ORDER BY position",
            )
            .map_err(fail)?;
        let mut rows = stmt.query(params![id.0, domain]).map_err(fail)?;
        let mut outcomes = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let check: String = row.get(0).map_err(fail)?;
            let status: String = row.get(1).map_err(fail)?;
            outcomes.push(Outcome {
                status: self.status(&status, || format!("status of {check} on {domain}"))?,
                finding: row.get(2).map_err(fail)?,
                // Kept only for inconclusive outcomes: why a check could not be judged is what
                // the dashboard says of a domain that could not be scored.
                message: row.get(3).map_err(fail)?,
                evidence: serde_json::Value::Null,
                check,
            });
        }
        // A light scan holds every domain's outcomes at once: no spare capacity.
        outcomes.shrink_to_fit();
        Ok(outcomes)
    }
}
