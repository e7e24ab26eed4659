//! Argument definitions (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use govscan_probe::{DEFAULT_CONCURRENCY, DEFAULT_PER_ADDRESS, DEFAULT_PER_NETWORK};

pub(super) use super::ops_args::{AlertOptions, CompletionsArgs, ManArgs, NotifyArgs};

/// Benchmarks the security hygiene of a government's internet domains.
#[derive(Debug, Parser)]
#[command(name = "govscan", version, about, after_help = super::exit::help())]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
// Parsed once per run; boxing the scan arguments would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Scan domains: probe DNS, TLS, HTTP; judge every check; score against a baseline.
    #[command(after_help = super::exit::help())]
    Scan(ScanArgs),
    /// List or explain the checks.
    Checks(ChecksArgs),
    /// List the scans saved in the history database, with dates and portfolio score.
    #[command(after_help = super::exit::help())]
    History(HistoryArgs),
    /// What changed between two scans: new failures first, fixed items, score moves and why.
    #[command(after_help = super::exit::help())]
    Diff(DiffArgs),
    /// Render the dashboard, detail pages and exports of a saved scan.
    #[command(after_help = super::exit::help())]
    Report(ReportArgs),
    /// Render a full dashboard from a recorded week of lab scans (no network needed).
    #[command(after_help = super::exit::help())]
    Demo(DemoArgs),
    /// List, show, validate baselines; derive a baseline's measured reference from a scan.
    #[command(after_help = super::exit::help())]
    Baseline(BaselineArgs),
    /// Judge a stored scan again under a baseline, offline (no network at all).
    #[command(after_help = super::exit::help())]
    Rescore(RescoreArgs),
    /// Merge the shard scans of one run (`scan --shard K/N`, one database each) into one scan.
    #[command(after_help = super::exit::help())]
    Merge(MergeArgs),
    /// Send what changed in a saved scan to webhooks or e-mail (as `scan --notify` does).
    #[command(after_help = super::exit::help())]
    Notify(NotifyArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per subcommand with --out DIR.
    Man(ManArgs),
}

/// Output format of text commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// Which findings make `scan` exit with code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any check that failed.
    Fail,
    /// Any check that failed or warned.
    Warn,
}

/// `govscan scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Domains to scan (in addition to --targets).
    pub domains: Vec<String>,
    /// YAML file of organisations and their domains (see targets/jersey.yaml).
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Write results.json and index.html into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Baseline file, or a name in the baselines directory (`netherlands`); default: the
    /// built-in Estonia baseline (baselines/estonia.yaml).
    #[arg(long, value_name = "FILE|NAME")]
    pub baseline: Option<PathBuf>,
    /// Directory of declarative checks (`*.yaml`, docs/checks-format.md) to load as well as
    /// `./checks` (or, without it, /usr/share/govscan/checks). Repeatable.
    #[arg(long = "checks-dir", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
    /// Ask this DNS server instead of the system resolver (lab use).
    #[arg(long, value_name = "IP[:PORT]")]
    pub resolver: Option<String>,
    /// Extra trusted root certificates (PEM), added to the built-in Mozilla roots. Repeatable.
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,
    /// DNSSEC trust anchors replacing the IANA root: DS or DNSKEY records at any zones, in
    /// unbound's trust-anchor-file format (zone-file syntax) or IANA's root-anchors XML. Names
    /// are validated from their closest enclosing anchor; a name under none is insecure.
    #[arg(long, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,
    /// Connect to IP for HOST instead of resolving it. Repeatable.
    #[arg(long = "connect", value_name = "HOST=IP")]
    pub connect: Vec<String>,
    /// TCP connect timeout.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub connect_timeout: Duration,
    /// TLS handshake timeout.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub handshake_timeout: Duration,
    /// Timeout for each read and for one whole HTTP response.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub read_timeout: Duration,
    /// DNS query timeout.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub dns_timeout: Duration,
    /// Upper bound for everything probed for one domain.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub domain_timeout: Duration,
    /// Connections in flight at once, across all domains: the scanner's own footprint (its
    /// sockets, its uplink, its NAT or firewall state). What one target network or server sees
    /// is bounded by --per-network and --per-address.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Connections in flight at once into one network block (an IPv4 /24 or IPv6 /48, where a
    /// hosting provider's servers usually sit), across all domains (--gentle: at most 4).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_NETWORK as u32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub per_network: u32,
    /// Connections in flight at once to one IP address.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_ADDRESS as u32, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub per_address: u32,
    /// Extra attempts after a connect-level failure.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub retries: u32,
    /// Least time between two connections (TCP connects, TLS handshakes, hand-built hellos) to
    /// one IP address, across all domains.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = humantime::parse_duration)]
    pub min_gap: Duration,
    /// Most new connections per second across the whole scan (token bucket; default unlimited).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: Option<u32>,
    /// Profile for fragile estates: at most 1 connection per address and 4 per network block,
    /// 500 ms between them, 10 new connections a second, 40 hand-built hellos per endpoint,
    /// longer timeouts.
    /// Values given explicitly that are gentler still are kept.
    #[arg(long)]
    pub gentle: bool,
    /// User-Agent header for every HTTP request (default names govscan and its home page, so
    /// that an operator reading a log can find who scans; put your own contact URL here).
    #[arg(long, value_name = "TEXT")]
    pub user_agent: Option<String>,
    /// Skip the hand-built-hello TLS scan (legacy versions, suites, groups): about 26-42 fewer
    /// handshakes per endpoint; the checks that need it become inconclusive.
    #[arg(long)]
    pub no_tls_scan: bool,
    /// Most hand-built-hello handshakes per endpoint (default 160; --gentle 40).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub tls_scan_max_handshakes: Option<u32>,
    /// Allow connections to loopback (127.0.0.0/8, ::1), RFC 1918 and unique-local (fc00::/7)
    /// addresses, for labs and internal estates. By default govscan connects to no
    /// special-purpose address (loopback, private, link-local, CGNAT, documentation, NAT64,
    /// multicast, cloud metadata, ...): not the targets' own, not redirect hops, not the
    /// MTA-STS policy host, not name servers. Metadata addresses need an explicit --allow-cidr.
    #[arg(long)]
    pub allow_private: bool,
    /// Allow connections into this range whatever its special-purpose class (e.g.
    /// 127.10.0.0/16 for a lab, 10.20.0.0/16 for an internal estate). Repeatable.
    #[arg(long = "allow-cidr", value_name = "CIDR")]
    pub allow_cidrs: Vec<String>,
    /// Never contact these domains (and names under them) or addresses: one domain, IP address
    /// or CIDR range per line, `#` comments; for owners who asked not to be scanned. Applies
    /// to every connection; excluded targets are listed in the report, not scanned.
    #[arg(long, value_name = "FILE")]
    pub exclude: Option<PathBuf>,
    /// Most addresses probed per address family (IPv4, IPv6) of one domain; the rest are
    /// recorded as not probed.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub max_addresses: u32,
    /// Do not talk SMTP to the MX hosts (their addresses and TLSA records are still read);
    /// the mail.starttls* checks become inconclusive.
    #[arg(long)]
    pub no_smtp: bool,
    /// The name sent with EHLO to mail servers (default govscan.invalid). Give this scanning
    /// host's own DNS name, so that a mail server's operator can tell who connected.
    #[arg(long, value_name = "NAME")]
    pub ehlo_name: Option<String>,
    /// Least time between two SMTP sessions to one MX address (sessions to one address never
    /// overlap).
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = humantime::parse_duration)]
    pub smtp_gap: Duration,
    /// Validated ROA payloads as exported by rpki-client (`-j`) or Routinator
    /// (`vrps --format json`), for net.rpki. Needs --ip-to-asn too; without both the check is
    /// not run.
    #[arg(long, value_name = "FILE", requires = "ip_to_asn")]
    pub rpki_vrps: Option<PathBuf>,
    /// The routing table as `PREFIX<TAB>ORIGIN-AS` lines (e.g. from a RouteViews or RIS
    /// dump; see docs/results-format.md), for net.rpki. Needs --rpki-vrps too.
    #[arg(long, value_name = "FILE", requires = "rpki_vrps")]
    pub ip_to_asn: Option<PathBuf>,
    /// Exit with code 1 when any check fails (or, with `warn`, fails or warns).
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// No progress bar and no summary; errors only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Summary format on stdout (`json` prints the whole results.json document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Save the scan to this history database (SQLite); it becomes visible when complete.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Do not save the scan to a history database.
    #[arg(long)]
    pub no_db: bool,
    /// Continue the latest interrupted scan of the same targets and baseline in the history
    /// database: domains already saved are not probed again.
    #[arg(long, conflicts_with = "no_db")]
    pub resume: bool,
    /// When another scan is writing to the same --db (a scheduled run that overlaps a slow
    /// one), wait up to this long for it to finish; without it, exit 3 at once saying which
    /// scan and process holds the database. Scans on one database never run side by side.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = humantime::parse_duration, conflicts_with = "no_db")]
    pub wait_lock: Duration,
    /// Scan only shard K of N: the targets whose registrable domain hashes to K
    /// (docs/design/sharding.md). Each shard is a complete, resumable scan in its own
    /// database; `govscan merge` makes one scan of all N.
    #[arg(long, value_name = "K/N", conflicts_with = "no_db", value_parser = crate::shard::parse_shard)]
    pub shard: Option<govscan_store::ShardSpec>,
    /// Names the run a shard belongs to (a CI run or Kubernetes Job name): `merge` refuses
    /// shards of different runs.
    #[arg(long, value_name = "ID", requires = "shard", value_parser = parse_run_id)]
    pub run_id: Option<String>,
    /// After the scan, send what changed since the previous scan: [FORMAT:]http(s)://...,
    /// mailto:ADDRESS[,ADDRESS...] or @FILE holding one. Repeatable. See "Alerts" below.
    #[arg(long = "notify", value_name = "DEST", conflicts_with = "no_db")]
    pub notify: Vec<String>,
    /// Alert options.
    #[command(flatten)]
    pub alerts: AlertOptions,
    /// Write Prometheus metrics of the scan to FILE (text format, for node_exporter's textfile
    /// collector; written to a temporary file and renamed).
    #[arg(long, value_name = "FILE", help_heading = "Options")]
    pub metrics: Option<PathBuf>,
}

/// A run id: 1 to 128 characters of `A-Z a-z 0-9 . _ : / -`.
fn parse_run_id(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 128
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:/".contains(&b));
    if ok {
        Ok(text.to_owned())
    } else {
        Err("expected 1 to 128 characters of A-Z a-z 0-9 . _ : / -".to_owned())
    }
}

/// `govscan merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard databases, one per shard, in any order: the latest complete scan of each is
    /// merged.
    #[arg(value_name = "SHARD.db", required = true)]
    pub shards: Vec<PathBuf>,
    /// The history database that receives the merged scan (created if missing).
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Record a partial scan when shards are missing or unfinished, instead of refusing; the
    /// dashboard labels it partial and names the missing shards.
    #[arg(long)]
    pub allow_partial: bool,
    /// When a scan (or another merge) is writing to the same `--db`, wait up to this long for
    /// it; by default exit 3 at once, naming that scan and process (as `scan --wait-lock`).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = humantime::parse_duration)]
    pub wait_lock: Duration,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `govscan checks`.
#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// list, explain, doc, test, lint or import-nuclei.
    #[command(subcommand)]
    pub action: ChecksAction,
    /// Directory of declarative checks (`*.yaml`, docs/checks-format.md) to load as well as
    /// `./checks` (or, without it, /usr/share/govscan/checks). Repeatable.
    #[arg(long = "checks-dir", value_name = "DIR", global = true)]
    pub checks_dirs: Vec<PathBuf>,
}

/// `govscan checks list|explain|doc|test|lint|import-nuclei`.
#[derive(Debug, Subcommand)]
pub enum ChecksAction {
    /// List every check with its level and title.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Explain one check: what it asserts, why, how to fix it, its sources and baseline rule.
    Explain {
        /// Check id, e.g. http.hsts.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print one check's documentation page as Markdown, as in docs/checks/ID.md (links
    /// relative to that directory): requirement, rationale, findings, parameters, its rule in
    /// each baseline of the baselines directory, sources, remediation and, when run in a
    /// source checkout, its fixture cases.
    Doc {
        /// Check id, e.g. http.hsts.
        id: String,
    },
    /// Judge one declarative check file against recorded observations (a results.json), for
    /// check authors and their CI. No network.
    Test {
        /// The check file (`*.yaml`).
        file: PathBuf,
        /// A results.json written by `govscan scan` (its observations are judged).
        #[arg(long, value_name = "RESULTS_JSON")]
        observations: PathBuf,
        /// Judge only this domain (repeatable); default: every domain of the file.
        #[arg(long = "domain", value_name = "DOMAIN")]
        domains: Vec<String>,
        /// Exit 1 unless every judged domain gets this status (pass, fail, warn, info,
        /// inconclusive, not_applicable).
        #[arg(long, value_name = "STATUS")]
        expect: Option<String>,
        /// Baseline parameters for the check, as a JSON object (e.g. '{"allowed_cas":["X"]}').
        #[arg(long, value_name = "JSON")]
        params: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Validate every check file of a directory, reporting every bad file (exit 2 if any).
    Lint {
        /// The directory.
        dir: PathBuf,
    },
    /// Convert Nuclei templates (a file or a directory) that only read passive facts into
    /// govscan checks; refuse every other template with the reason.
    ImportNuclei {
        /// A template file or a directory of templates.
        input: PathBuf,
        /// Write the converted checks here (default: print them).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// `govscan baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// list, show, validate or derive.
    #[command(subcommand)]
    pub action: BaselineAction,
}

/// `govscan baseline list|show|validate|derive`.
#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// List the baselines in the baselines directory and the built-in one.
    List {
        /// Directory of baseline files (default: ./baselines, else the data directory's).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print a baseline's rules with their sources, its reference and its context figures.
    Show {
        /// A baseline file, a name in the baselines directory (`estonia`), or `builtin`.
        baseline: String,
        /// Directory of baseline files (default: ./baselines, else the data directory's).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Validate baseline files (default: every file in the baselines directory and the
    /// built-in one); errors name file and line and exit with code 2.
    Validate {
        /// Baseline files.
        files: Vec<PathBuf>,
        /// Directory of baseline files, used when no file is given (default: ./baselines, else
        /// the data directory's).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Fill a baseline's measured reference from a scan of the reference portfolio. Only the
    /// `reference:` block is rewritten; the rules are never touched.
    Derive {
        /// results.json of a scan of the reference portfolio.
        #[arg(long, value_name = "FILE")]
        scan: PathBuf,
        /// Baseline name: reads DIR/NAME.yaml.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The target file that was scanned (default: targets/NAME.yaml); its domains must be
        /// exactly the scan's.
        #[arg(long, value_name = "FILE")]
        targets: Option<PathBuf>,
        /// Write the baseline with its new reference here (default: DIR/NAME.yaml in place).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Directory of baseline files (default: ./baselines, else the data directory's).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `govscan rescore`.
#[derive(Debug, Args)]
pub struct RescoreArgs {
    /// results.json of an earlier scan.
    #[arg(long, value_name = "FILE")]
    pub scan: PathBuf,
    /// Baseline file to judge and score under (default: the built-in Estonia baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Directory of declarative checks (`*.yaml`, docs/checks-format.md) to load as well as
    /// `./checks` (or, without it, /usr/share/govscan/checks). Repeatable.
    #[arg(long = "checks-dir", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
    /// Write results.json and index.html into this directory (otherwise print a summary).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Summary format on stdout (`json` prints the new results.json document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `govscan history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `govscan diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older scan: an id from `govscan history` or a results.json file (default: the scan
    /// before NEW).
    #[arg(value_name = "OLD")]
    pub old: Option<String>,
    /// The newer scan: an id or a results.json file (default: the latest scan).
    #[arg(value_name = "NEW")]
    pub new: Option<String>,
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `govscan report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Write the report files into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The scan to report on (default: the latest).
    #[arg(long, value_name = "ID")]
    pub scan: Option<i64>,
    /// The baseline file the scan was judged under, when it is not the built-in one.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Directory of declarative checks (`*.yaml`, docs/checks-format.md) the scan ran, as well
    /// as `./checks` (loaded whenever it exists), so their findings are described. Repeatable.
    #[arg(long = "checks-dir", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `govscan demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write the demo report into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also save the demo week to this history database (to try `history` and `diff`).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}
