//! `ProbeConfig`: every knob of the probe (where to ask, what to trust, how long and how much).

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use crate::policy::ExcludeList;

/// The default `User-Agent` sent with every HTTP request: names the tool and where to read
/// about it, so an operator who sees it in a log can find out who scans and why.
pub const DEFAULT_USER_AGENT: &str =
    "govscan/0.1 (+https://github.com/govscan/govscan; security benchmark)";

/// The default EHLO name (`--ehlo-name`): it says what is connecting, and `.invalid` (RFC 2606)
/// belongs to no one. Operators should give their scanning host's own name, which a mail
/// server's operator can look up.
pub const DEFAULT_EHLO_NAME: &str = "govscan.invalid";

/// How the mail servers are asked over SMTP (issue 13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Ask the MX hosts over SMTP (`--no-smtp` turns it off; their addresses and TLSA records
    /// are still read).
    pub enabled: bool,
    /// The name sent with EHLO (`--ehlo-name`).
    pub ehlo_name: String,
    /// The SMTP port (25; tests use another).
    pub port: u16,
    /// Least time between the end of one SMTP session to an MX address and the start of the
    /// next (sessions to one address never overlap).
    pub session_gap: Duration,
    /// How long a failed port-25 connect waits for another mail server of the scan to accept
    /// one before it is recorded as the scanner's condition (port 25 blocked from here).
    pub unverified_wait: Duration,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            enabled: true,
            ehlo_name: DEFAULT_EHLO_NAME.to_owned(),
            port: 25,
            session_gap: Duration::from_millis(100),
            unverified_wait: Duration::from_secs(10),
        }
    }
}

/// Settings of the probe. `Default` gives polite values for scanning real domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeConfig {
    /// DNS server to ask (UDP and TCP); `None` = the system's resolv.conf.
    pub resolver: Option<SocketAddr>,
    /// Extra trust roots (PEM files, `--ca-file`), added to webpki-roots.
    pub extra_roots_pem: Vec<PathBuf>,
    /// DNSSEC trust anchor file (`--trust-anchor`); stored for later use.
    pub trust_anchor: Option<PathBuf>,
    /// Address overrides (`--connect HOST=IP`): these addresses replace the resolved ones.
    pub connect_overrides: BTreeMap<String, Vec<IpAddr>>,
    /// Budget for one TCP connect attempt.
    pub connect_timeout: Duration,
    /// Budget for one TLS handshake.
    pub handshake_timeout: Duration,
    /// Budget for one read (response head, each body chunk); an exchange as a whole gets twice this.
    pub read_timeout: Duration,
    /// Budget for the whole probe of one domain.
    pub domain_timeout: Duration,
    /// Budget for one DNS query attempt.
    pub dns_timeout: Duration,
    /// Global limit of connections in flight: the scanner's own footprint (its sockets, its
    /// uplink, the state it puts in its own NAT or firewall), not what any target sees.
    pub concurrency: usize,
    /// Limit of connections in flight into one network block (IPv4 /24, IPv6 /48), across all
    /// domains: what one hosting network sees at most.
    pub per_network: usize,
    /// Limit of connections in flight to one IP address.
    pub per_address: usize,
    /// Extra attempts for connect-level failures (refused, timeout) and DNS queries.
    pub retries: u32,
    /// Most redirects followed in one chain.
    pub max_redirects: u32,
    /// Most body bytes read per response.
    pub body_cap: usize,
    /// Most bytes of response head (status line and headers) accepted.
    pub header_cap: usize,
    /// `User-Agent` header value.
    pub user_agent: String,
    /// Port for http:// (80).
    pub http_port: u16,
    /// Port for https:// and the TLS probe (443).
    pub https_port: u16,
    /// Same-origin paths declared by declarative checks, fetched on every HTTPS endpoint
    /// (`GET`, no redirects followed, body kept as text up to 64 KiB).
    pub extra_paths: Vec<String>,
    /// DNS record sets (name template with `{domain}`, type) declared by declarative checks
    /// beyond the ones recorded for every domain; each queried once per domain.
    pub extra_dns: Vec<(String, String)>,
    /// Run the hand-built-hello TLS scan (versions, suites, groups) on every endpoint.
    pub tls_scan: bool,
    /// Pause between two hand-built-hello handshakes to the same endpoint (politeness).
    pub tls_scan_gap: Duration,
    /// Most hand-built-hello handshakes per endpoint.
    pub tls_scan_max_handshakes: u32,
    /// Least time between the starts of two connections to one IP address, across all domains
    /// (zero = no gap). Covers every TCP connect: HTTP, TLS and hand-built hellos.
    pub min_gap: Duration,
    /// Most new connections per second across the whole scan (`None` = unlimited); a token
    /// bucket holding a tenth of a second's worth of tokens (at least one).
    pub rate: Option<u32>,
    /// Hosts a redirect may lead to (the target set, lower case, no trailing dot). A hop to
    /// another host is fetched only when it is listed here; the probed domain itself always is.
    pub allowed_redirect_hosts: BTreeSet<String>,
    /// Allow connections to loopback, RFC 1918 and unique-local addresses (`--allow-private`),
    /// which the address policy otherwise blocks for every connection: the targets' own
    /// addresses, redirect hops, the MTA-STS policy host, name servers. Cloud metadata addresses
    /// stay blocked. See `policy.rs`.
    pub allow_private: bool,
    /// SMTP probing of the MX hosts.
    pub smtp: SmtpConfig,
    /// DKIM selectors per domain (lower case, no trailing dot), from the target file.
    pub dkim_selectors: BTreeMap<String, Vec<String>>,
    /// Route origin data for RPKI (`--rpki-vrps`, `--ip-to-asn`); `None`: not run.
    pub rpki: Option<crate::rpki::RpkiData>,
    /// Ranges the address policy allows explicitly (`--allow-cidr`, repeatable), whatever their
    /// special-purpose class. The addresses of `connect_overrides` are allowed as well.
    pub allow_cidrs: Vec<IpNet>,
    /// Domains and ranges never contacted (`--exclude FILE`), whatever else allows them.
    pub exclude: ExcludeList,
    /// Most addresses probed per address family of one domain (`--max-addresses`); the rest
    /// are recorded as not probed.
    pub max_addresses: usize,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            resolver: None,
            extra_roots_pem: Vec::new(),
            trust_anchor: None,
            connect_overrides: BTreeMap::new(),
            connect_timeout: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            domain_timeout: Duration::from_secs(60),
            dns_timeout: Duration::from_secs(5),
            concurrency: DEFAULT_CONCURRENCY,
            per_network: DEFAULT_PER_NETWORK,
            per_address: DEFAULT_PER_ADDRESS,
            retries: 1,
            max_redirects: 10,
            body_cap: 1024 * 1024,
            header_cap: 64 * 1024,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            http_port: 80,
            https_port: 443,
            extra_paths: Vec::new(),
            extra_dns: Vec::new(),
            tls_scan: true,
            tls_scan_gap: Duration::from_millis(10),
            tls_scan_max_handshakes: 160,
            min_gap: Duration::ZERO,
            rate: None,
            allowed_redirect_hosts: BTreeSet::new(),
            allow_private: false,
            smtp: SmtpConfig::default(),
            dkim_selectors: BTreeMap::new(),
            rpki: None,
            allow_cidrs: Vec::new(),
            exclude: ExcludeList::default(),
            max_addresses: DEFAULT_MAX_ADDRESSES,
        }
    }
}

impl ProbeConfig {
    /// How many domains are probed at once: `--concurrency`, but never more than one network
    /// block may have connections in flight (`--per-network`). A portfolio on one hosting
    /// network then has as many domains in flight as that network has slots, so each domain
    /// runs as fast as it did when the global cap was the network's cap, instead of four times
    /// as many domains queueing on the same 16 slots and stretching every domain's time (and
    /// budget) for no gain in throughput; a portfolio spread over several networks still uses
    /// the larger global allowance through each domain's lanes and addresses.
    pub fn domains_at_once(&self) -> usize {
        self.concurrency.min(self.per_network).max(1)
    }

    /// The `--gentle` profile for fragile estates: makes every politeness knob at least as
    /// gentle as one connection per address and 4 per network block, 500 ms between
    /// connections (and SMTP sessions) to one address, 10 new connections a second, at most
    /// 40 hand-built hellos per endpoint, and 10 s timeouts (fragile servers are slow). A
    /// value already gentler is kept.
    pub fn gentle(mut self) -> ProbeConfig {
        let at_least = |d: Duration, min: u64| d.max(Duration::from_secs(min));
        self.per_address = self.per_address.min(GENTLE_PER_ADDRESS);
        self.per_network = self.per_network.min(GENTLE_PER_NETWORK);
        self.min_gap = self.min_gap.max(GENTLE_MIN_GAP);
        self.rate = Some(self.rate.map_or(GENTLE_RATE, |r| r.min(GENTLE_RATE)));
        self.tls_scan_max_handshakes = self.tls_scan_max_handshakes.min(GENTLE_TLS_SCAN_HANDSHAKES);
        self.tls_scan_gap = self.tls_scan_gap.max(GENTLE_MIN_GAP);
        self.smtp.session_gap = self.smtp.session_gap.max(GENTLE_MIN_GAP);
        self.connect_timeout = at_least(self.connect_timeout, 10);
        self.handshake_timeout = at_least(self.handshake_timeout, 10);
        self.read_timeout = at_least(self.read_timeout, 15);
        self
    }
}

/// Addresses probed per family (IPv4, IPv6) of one domain unless `--max-addresses` says otherwise.
pub const DEFAULT_MAX_ADDRESSES: usize = 8;

/// Connections in flight across the whole scan unless `--concurrency` says otherwise: the
/// scanner's own footprint, about what sslyze opens by default (5 per server, 10 servers at
/// once). Politeness toward the targets is bounded by the per-network and per-address caps.
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Connections in flight into one network block (IPv4 /24, IPv6 /48) unless `--per-network`
/// says otherwise: what the global cap of 16 guaranteed any one network before that cap
/// became the scanner's own footprint.
pub const DEFAULT_PER_NETWORK: usize = 16;
/// Connections in flight to one IP address unless `--per-address` says otherwise.
pub const DEFAULT_PER_ADDRESS: usize = 2;

/// `--gentle`: connections in flight to one address.
pub const GENTLE_PER_ADDRESS: usize = 1;
/// `--gentle`: connections in flight into one network block.
pub const GENTLE_PER_NETWORK: usize = 4;
/// `--gentle`: least time between connections to one address.
pub const GENTLE_MIN_GAP: Duration = Duration::from_millis(500);
/// `--gentle`: new connections per second, scan-wide.
pub const GENTLE_RATE: u32 = 10;
/// `--gentle`: hand-built hellos per endpoint (versions, then suites until the budget ends).
pub const GENTLE_TLS_SCAN_HANDSHAKES: u32 = 40;
