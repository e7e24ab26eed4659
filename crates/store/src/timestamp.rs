//! RFC 3339 timestamps: validated on write and normalised to a UTC form that sorts as text.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Parses an RFC 3339 timestamp and returns it in UTC as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`
/// (fixed width, so text order is time order).
pub(crate) fn sortable_utc(rfc3339: &str) -> Result<String, String> {
    let parsed = OffsetDateTime::parse(rfc3339, &Rfc3339)
        .map_err(|e| format!("`{rfc3339}` is not an RFC 3339 timestamp: {e}"))?;
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z");
    parsed
        .to_offset(UtcOffset::UTC)
        .format(&format)
        .map_err(|e| format!("`{rfc3339}` cannot be normalised to UTC: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_offsets_so_text_order_is_time_order() {
        let a = sortable_utc("2026-03-01T10:00:00+02:00").expect("valid");
        let b = sortable_utc("2026-03-01T09:30:00Z").expect("valid");
        assert_eq!(a, "2026-03-01T08:00:00.000000000Z");
        assert!(a < b);
        assert!(sortable_utc("yesterday").is_err());
        assert!(sortable_utc("").is_err());
    }
}
