//! E-mail authentication checks: SPF and DMARC, with the record parsers they use.

pub mod dmarc;
pub(crate) mod dmarc_record;
pub mod spf;
pub(crate) mod spf_record;
