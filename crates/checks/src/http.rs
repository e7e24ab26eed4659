//! Web hygiene checks: redirects, HSTS and security headers.

pub mod hsts;
pub(crate) mod hsts_header;
pub mod https_redirect;
pub mod x_content_type_options;
