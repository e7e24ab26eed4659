//! Routing checks: route origin validation (RPKI, RFC 6811) of the addresses of the web, mail
//! and name servers, from the validated ROA payloads and route table the operator supplies.

pub mod rpki;
