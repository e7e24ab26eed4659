//! Reading a scan one domain at a time, and its light view ([`LightScan`]) for roll-ups and the
//! dashboard: every domain's figures and per-check verdicts, built straight from the rows with
//! every string interned once per scan, so a 100,000-domain scan takes a few tens of MB.

use rusqlite::params;

use govscan_model::{DomainResult, LightDomainFields, LightScan, LightScanBuilder, Status};

use crate::read::DOMAIN_COLUMNS;
use crate::{ScanId, Store, StoreError};

impl Store {
    /// A complete scan in light form: every domain's organisation, stored score, grade, grade
    /// cap, coverage and provisional reason, and each outcome's check, status and finding (and
    /// message, for an inconclusive outcome: why it could not be judged). Enough for roll-ups,
    /// the dashboard, the organisation pages and the summary; a domain page loads its domain
    /// with [`Store::load_domain`].
    pub fn load_scan_light(&self, id: ScanId) -> Result<LightScan, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading domain results", e);
        let mut builder = LightScanBuilder::new(self.header(id, true)?);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT domain, organisation, score, grade, grade_cap, coverage, provisional
                 FROM domain_results WHERE scan_id = ?1 ORDER BY position",
            )
            .map_err(fail)?;
        let mut rows = stmt.query([id.0]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let domain = text(row, 0).map_err(fail)?;
            self.add_light_outcomes(&mut builder, id, domain)?;
            let fields = LightDomainFields {
                domain,
                organisation: optional_text(row, 1).map_err(fail)?,
                score: row.get(2).map_err(fail)?,
                grade: text(row, 3).map_err(fail)?,
                grade_cap: optional_text(row, 4).map_err(fail)?,
                coverage: row.get(5).map_err(fail)?,
                provisional: optional_text(row, 6).map_err(fail)?,
            };
            builder
                .finish_domain(fields)
                .map_err(|e| self.too_many_names(id, e))?;
        }
        Ok(builder.finish())
    }

    /// Adds the outcomes of `domain` to the light scan being built, in order.
    fn add_light_outcomes(
        &self,
        builder: &mut LightScanBuilder,
        id: ScanId,
        domain: &str,
    ) -> Result<(), StoreError> {
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
        while let Some(row) = rows.next().map_err(fail)? {
            let check = text(row, 0).map_err(fail)?;
            let status_name = text(row, 1).map_err(fail)?;
            let status = match Status::from_name(status_name) {
                Some(status) => status,
                None => self.status(status_name, || format!("status of {check} on {domain}"))?,
            };
            builder
                .outcome(
                    domain,
                    check,
                    status,
                    text(row, 2).map_err(fail)?,
                    text(row, 3).map_err(fail)?,
                )
                .map_err(|e| self.too_many_names(id, e))?;
        }
        Ok(())
    }

    fn too_many_names(&self, id: ScanId, e: govscan_model::TooManyNames) -> StoreError {
        StoreError::BadStoredValue {
            path: self.path.clone(),
            what: format!("the light view of scan {id}"),
            detail: e.to_string(),
        }
    }

    /// One domain of a scan (running or complete), whole, with observations and evidence.
    pub fn load_domain(&self, id: ScanId, domain: &str) -> Result<DomainResult, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a domain result", e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DOMAIN_COLUMNS} FROM domain_results WHERE scan_id = ?1 AND domain = ?2"
            ))
            .map_err(fail)?;
        let mut rows = stmt.query(params![id.0, domain]).map_err(fail)?;
        match rows.next().map_err(fail)? {
            Some(row) => self.whole_domain(id, row),
            None => Err(StoreError::BadStoredValue {
                path: self.path.clone(),
                what: format!("domain {domain} in scan {id}"),
                detail: "not stored".to_owned(),
            }),
        }
    }
}

/// Column `index` of `row` as text, borrowed from the row (no allocation).
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(index)?;
    value.as_str().map_err(|e| conversion(index, value, e))
}

/// Column `index` of `row` as text or NULL, borrowed from the row.
fn optional_text<'r>(
    row: &'r rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(index)?;
    value
        .as_str_or_null()
        .map_err(|e| conversion(index, value, e))
}

fn conversion(
    index: usize,
    value: rusqlite::types::ValueRef<'_>,
    e: rusqlite::types::FromSqlError,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, value.data_type(), Box::new(e))
}
