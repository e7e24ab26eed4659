//! Shared data types of govscan: targets, observations, check metadata, outcomes, scores and
//! the scan result. Every type here serialises with serde so each pipeline stage can be written
//! to disk and replayed; nothing here performs I/O.

pub mod check;
pub mod observation;
pub mod outcome;
pub mod probed;
pub mod result;
pub mod score;
pub mod target;

pub use check::{CheckMeta, Family, Level, Need, Reference};
pub use observation::{
    CaaObservation, CaaRecord, CertificateDer, ConnectionCount, DnsObservations,
    EndpointObservations, HttpExchange, HttpHeader, MxRecord, Observations, RedirectChain,
    RedirectEnd, SoaRecord, TlsObservation, TrustVerdict, VerifierError,
};
pub use observation::{
    DnssecObservation, DnssecStatus, MtaStsPolicyFetch, NameServer, NameServerAddress,
    NameServerAnswer, NameServersObservation, OrganisationalDmarc, PathFetch, not_probed,
};
pub use observation::{GroupProbe, SuiteSeen, TlsScan, VersionProbe};
pub use outcome::{Outcome, Status};
pub use probed::{FailureKind, Probed};
pub use result::{BaselineRef, DomainResult, SCHEMA_VERSION, ScanResult};
pub use score::{
    CheckComparison, CheckShare, DomainFix, DomainGap, FamilyComparison, FamilyScore, GainBound,
    GroupScore, OrganisationScore, Rollups, Score, TopFix,
};
pub use target::{OrgKind, Organisation, Portfolio, Target};
