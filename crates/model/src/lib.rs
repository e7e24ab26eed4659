//! Shared data types of govscan: targets, observations, check metadata, outcomes, scores and
//! the scan result. Every type here serialises with serde so each pipeline stage can be written
//! to disk and replayed; nothing here performs I/O.

pub mod catalog;
pub mod check;
pub mod declared;
pub mod health;
pub mod light;
mod light_builder;
#[cfg(test)]
mod light_tests;
pub mod mail_transport;
pub mod observation;
pub mod outcome;
pub mod probed;
pub mod result;
pub mod results_schema;
pub mod revocation;
pub mod scanner_cause;
pub mod scope;
pub mod score;
pub mod spf_tree;
pub mod target;
pub mod terminal;
pub mod tls_scan;
pub mod view;

pub use catalog::{CheckCatalog, CheckOrigin};
pub use check::{CheckMeta, Family, Level, Need, Reference};
pub use declared::{
    FindingDecl, InvalidParam, MAX_PARAM_TEXT, ParamDecl, ParamKind, ParamValue, ParamsError,
    RUNNER_FINDINGS, validate_params,
};
pub use health::{SCANNER_FAILURE, SMTP_UNREACHABLE, ScanHealth};
pub use light::{
    LightDomainFields, LightDomainRef, LightScan, LightScanBuilder, PackedOutcome, TooManyNames,
};
pub use mail_transport::{
    DkimObservation, DkimSelector, MAX_MX_HOSTS, MailServers, MxEndpoint, MxHost, RouteOrigin,
    RpkiAddress, RpkiObservation, SmtpReply, SmtpSession, TlsaLookup, TlsaRecord, Vrp,
};
pub use observation::{
    AddressSelection, BlockedAddress, BogusKind, BogusReason, DnsQuery, DnssecObservation,
    DnssecStatus, MtaStsPolicyFetch, NameServer, NameServerAddress, NameServerAnswer,
    NameServersObservation, OrganisationalDmarc, PathFetch, not_probed,
};
pub use observation::{
    CaaObservation, CaaRecord, CertificateDer, ConnectionCount, DnsObservations,
    EndpointObservations, HttpExchange, HttpHeader, MxRecord, Observations, RedirectChain,
    RedirectEnd, SoaRecord, TlsObservation, TrustVerdict, VerifierError,
};
pub use observation::{GroupProbe, SuiteSeen, TlsScan, VersionProbe};
pub use outcome::{Outcome, Status};
pub use probed::{FailureKind, NotObserved, Probed};
pub use result::{
    BaselineRef, DomainResult, SCHEMA_VERSION, ScanHeader, ScanResult, verdicts_excluded,
};
pub use results_schema::{RESULTS_SCHEMA_PATH, results_schema, results_schema_text};
pub use revocation::{
    CrlEntry, CrlRead, CrlReading, NotAsked, RevocationObservation, RevocationQuery,
    RevocationResponse, RevocationSource,
};
pub use scanner_cause::ScannerCause;
pub use scope::{MergedScope, ScanScope, ShardScope, ShardSpec};
pub use score::{
    CheckComparison, CheckShare, DomainFix, DomainGap, FamilyComparison, FamilyScore, GainBound,
    GroupScore, OrganisationScore, Rollups, Score, TopFix,
};
pub use spf_tree::{SpfAnswer, SpfQuery, SpfQueryType, SpfTree};
pub use target::{OrgKind, Organisation, Portfolio, Target};
pub use tls_scan::{DhGroup, DheHello, DheProbe};
pub use view::{DomainView, Message, ScanView, Verdict};
