//! Web hygiene checks: redirects, HSTS and security headers.

pub mod x_content_type_options;
