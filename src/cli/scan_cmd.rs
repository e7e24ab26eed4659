//! `govscan scan`: load targets and baseline, probe every domain, judge and score each on rayon,
//! stream each result into the history database as it is ready (resumable with `--resume`),
//! then write the report and summary by reading the scan back one domain at a time.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use govscan_checks::{CheckSet, Context};
use govscan_model::{DomainResult, LightScan, Portfolio, SCHEMA_VERSION, Status, Target};
use govscan_probe::{ProbeConfig, Prober};
use govscan_score::{Baseline, SCORING_VERSION};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinSet;

use super::args::{FailOn, Format, ScanArgs};
use super::terminal::errln;
use super::{CliError, exit, summary};
use govscan_targets as targets;

/// Runs the scan command and returns its exit code.
pub(super) fn run(args: ScanArgs) -> Result<u8, CliError> {
    if let Some(files) = super::open_files::raise()
        && let Some(warning) = super::open_files::warning(files.now, args.concurrency)
    {
        errln!("{warning}");
    }
    let portfolio = load_portfolio(&args)?;
    let checks = super::checks_cmd::load_check_set(&args.checks_dirs)?;
    let catalog = checks.catalog();
    let baseline = load_baseline(args.baseline.as_deref(), &checks)?;
    let mut config = probe_config(&args)?;
    // Declarative path checks read paths the probe must fetch on every HTTPS endpoint.
    config.extra_paths = checks.declared_paths();
    config.extra_dns = checks.declared_dns();
    if let Some(out) = &args.out {
        prepare_out_dir(out)?;
    }
    // Alerts and metrics are checked before probing, so a typo costs no scan.
    let alerts = super::notify_cmd::prepare(&args.notify, &args.alerts)?;
    if let Some(path) = &args.metrics {
        check_metrics_path(path)?;
    }
    // Open the history database before probing, so a locked or foreign file fails fast. With
    // --no-db the scan streams into a temporary database that is deleted at the end: one code
    // path, and memory stays bounded either way.
    let temp_db = if args.no_db {
        Some(TempDb::new().map_err(CliError::runtime)?)
    } else {
        None
    };
    let db_path = temp_db
        .as_ref()
        .map_or(args.db.as_path(), |t| t.path.as_path());
    let mut store = govscan_store::Store::open(db_path).map_err(super::history_cmd::store_error)?;
    // One scan per database at a time: held until this command returns (or the process dies),
    // through probing, saving and writing the report. A private --no-db database needs none.
    let _scan_lock = match temp_db {
        Some(_) => None,
        None => Some(
            store
                .lock_for_scan(args.wait_lock)
                .map_err(super::history_cmd::store_error)?,
        ),
    };
    // Libraries that build their own rustls configs need a process-wide provider; the probe
    // itself always names aws-lc-rs explicitly. A second install attempt is harmless.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let domains_at_once = config.domains_at_once();
    let prober = Prober::new(with_target_set(config, &portfolio)).map_err(CliError::usage)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::runtime)?;

    let now = now_rfc3339();
    let header = govscan_store::ScanHeader {
        schema_version: SCHEMA_VERSION,
        govscan_version: env!("CARGO_PKG_VERSION").to_owned(),
        scoring_version: SCORING_VERSION,
        started_at: now.clone(),
        finished_at: now,
        baseline: baseline.reference(),
        organisations: portfolio.organisations.clone(),
    };
    // With --shard, only this shard's targets (positions kept from the whole list).
    let selection = super::scan_shard::select(&portfolio, args.shard, args.run_id.clone());
    let plan = super::resume::plan(
        &mut store,
        args.resume,
        &header,
        &selection.portfolio,
        selection.scope.as_ref(),
        !args.no_db,
    )?;
    let context = Arc::new(Context {
        now_unix: time::OffsetDateTime::now_utc().unix_timestamp(),
        params: baseline.params(),
    });
    let todo: Vec<(u64, Target)> = selection
        .targets
        .iter()
        .filter(|(_, t)| !plan.done.contains(&t.domain))
        .cloned()
        .collect();
    let progress = progress_bar(selection.targets.len() as u64, args.quiet);
    progress.set_position(plan.done.len() as u64);
    let baseline = Arc::new(baseline);
    let (sink, sender) = super::scan_sink::DbSink::start(store, plan.id);
    let probing_started = std::time::Instant::now();
    let probed = todo.len() as u64;
    runtime.block_on(scan_all(
        prober,
        todo,
        Arc::new(checks),
        Arc::clone(&baseline),
        context,
        domains_at_once,
        progress.clone(),
        sender,
    ));
    progress.finish_and_clear();
    let (mut store, written) = sink.finish().map_err(|e| CliError::runtime(anyhow!(e)))?;
    written.map_err(super::history_cmd::store_error)?;
    // The scan's health is recorded before it becomes visible, so no reader sees an unhealthy
    // scan as a real measurement.
    let health = store
        .assess_health(plan.id)
        .map_err(super::history_cmd::store_error)?;
    store
        .set_health(plan.id, &health)
        .map_err(super::history_cmd::store_error)?;
    // One instant for the saved end and the metrics' timestamps, so they agree.
    let finished = time::OffsetDateTime::now_utc();
    store
        .complete_scan(plan.id, &rfc3339(finished))
        .map_err(super::history_cmd::store_error)?;
    let run_stats = crate::metrics::RunStats {
        scan_id: plan.id.0,
        duration: probing_started.elapsed(),
        probed,
        finished_unix: finished.unix_timestamp_nanos() as f64 / 1e9,
        not_measured: health.not_measured,
        healthy: !health.unhealthy,
        last_success_unix: None,
    };
    drop(runtime);

    // Everything below reads the scan back: a light view for roll-ups, exit code and summary,
    // and one whole domain at a time for results.json and the detail pages.
    let light = store
        .load_scan_light(plan.id)
        .map_err(super::history_cmd::store_error)?;
    if let Some(out) = &args.out {
        super::report_stream::write_report(
            &store,
            plan.id,
            &light,
            &baseline,
            &catalog,
            out,
            !args.no_db,
        )?;
    }
    match args.format {
        Format::Json => super::report_stream::print_json(&store, plan.id, &light)?,
        Format::Text if !args.quiet => summary::print(&light, args.out.as_deref()),
        Format::Text => {}
    }
    // The scan is saved: a failure from here on is reported and ends in exit 4, never loses it.
    let mut code = exit_code(&light, args.fail_on);
    if let Some(path) = &args.metrics {
        let written =
            super::metrics_out::write(path, &store, plan.id, &light, &baseline, &run_stats);
        if let Err(e) = written {
            errln!("govscan: error: --metrics: {e} (the scan is saved)");
            code = exit::FOLLOW_UP_FAILED;
        }
    }
    if let Some(alerts) = &alerts {
        match super::notify_cmd::send_for_scan(&store, plan.id, &light, alerts, args.quiet) {
            Ok(true) => {}
            Ok(false) => code = exit::FOLLOW_UP_FAILED,
            Err(e) => {
                errln!(
                    "govscan: error: notification: {} (the scan is saved)",
                    super::error_text(&e.error)
                );
                code = exit::FOLLOW_UP_FAILED;
            }
        }
    }
    drop(store);
    drop(temp_db);
    if let Some(condition) = health.smtp_condition() {
        // Once for the scan, on stderr whatever --quiet says: the scanner's condition.
        errln!("govscan: {condition}");
    }
    if health.unhealthy {
        // Loud, on stderr, whatever --quiet or --format says: this scan measured this host.
        // It takes precedence over exit 4: the scan itself is not a measurement.
        errln!("{}", unhealthy_banner(&health));
        return Ok(exit::UNHEALTHY);
    }
    Ok(code)
}

/// The metrics file's directory must exist (node_exporter's textfile directory).
fn check_metrics_path(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() || !dir.is_dir() {
        return Err(CliError::usage(anyhow!(
            "--metrics {}: no such directory {}",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// The terminal's warning for a scan that did not measure the domains.
pub(super) fn unhealthy_banner(health: &govscan_model::ScanHealth) -> String {
    let rule = "=".repeat(78);
    format!(
        "{rule}\ngovscan: THIS SCAN DID NOT MEASURE THE DOMAINS (exit code 3)\n\
         What happened: {}\nWhat to try: {}\n{rule}",
        health.what_happened(),
        health.what_to_try()
    )
}

/// A scan database in the temporary directory for `--no-db`, deleted (with its WAL) on drop.
struct TempDb {
    path: std::path::PathBuf,
}

impl TempDb {
    fn new() -> anyhow::Result<TempDb> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("govscan-scan-{}-{nanos}.db", std::process::id()));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("creating the temporary scan database {}", path.display()))?;
        Ok(TempDb { path })
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

fn exit_code(result: &LightScan, fail_on: Option<FailOn>) -> u8 {
    let Some(level) = fail_on else {
        return exit::DONE;
    };
    let tripped = result
        .domains()
        .flat_map(|d| d.verdicts())
        .any(|o| match level {
            FailOn::Fail => o.status == Status::Fail,
            FailOn::Warn => matches!(o.status, Status::Fail | Status::Warn),
        });
    if tripped {
        exit::FAIL_ON_TRIPPED
    } else {
        exit::DONE
    }
}

/// Probes the targets with at most `domains_in_flight` domains (and as many tasks) at a time;
/// judges and scores each on rayon; sends each result to the database writer as soon as it is
/// ready. Stops starting domains if the writer has stopped (a database error).
#[allow(clippy::too_many_arguments)]
async fn scan_all(
    prober: Prober,
    targets: Vec<(u64, Target)>,
    checks: Arc<CheckSet>,
    baseline: Arc<Baseline>,
    context: Arc<Context>,
    domains_in_flight: usize,
    progress: ProgressBar,
    sink: tokio::sync::mpsc::Sender<super::scan_sink::Judged>,
) {
    let limit = Arc::new(tokio::sync::Semaphore::new(domains_in_flight.max(1)));
    let mut tasks = JoinSet::new();
    for (index, target) in targets {
        // A task is spawned only once a slot is free, so at most `domains_in_flight` exist.
        let Ok(permit) = Arc::clone(&limit).acquire_owned().await else {
            break;
        };
        if sink.is_closed() {
            break;
        }
        while let Some(joined) = tasks.try_join_next() {
            report_join(joined);
        }
        let prober = prober.clone();
        let baseline = Arc::clone(&baseline);
        let checks = Arc::clone(&checks);
        let context = Arc::clone(&context);
        let progress = progress.clone();
        let sink = sink.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let observations = prober.probe_domain(&target.domain).await;
            let domain = target.domain.clone();
            // Judging and scoring are CPU work: on rayon, never on the async executor's
            // threads (nor tokio's blocking pool).
            let (tx, rx) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = tx.send(judge(target, observations, &checks, &baseline, &context));
            });
            match rx.await {
                Ok(result) => {
                    // A closed channel means the writer failed; its error is reported at the end.
                    let _ = sink.send((index, result)).await;
                }
                Err(_) => errln!("govscan: judging {domain} failed"),
            }
            progress.inc(1);
        });
    }
    while let Some(joined) = tasks.join_next().await {
        report_join(joined);
    }
}

fn report_join(joined: Result<(), tokio::task::JoinError>) {
    if let Err(e) = joined {
        errln!("govscan: a scan task failed: {e}");
    }
}

/// Runs every check on one domain's observations and scores the outcomes (CPU work).
fn judge(
    target: Target,
    observations: govscan_model::Observations,
    checks: &CheckSet,
    baseline: &Baseline,
    context: &Context,
) -> DomainResult {
    crate::judge_domain(
        target.domain,
        target.organisation,
        observations,
        checks,
        baseline,
        context,
    )
}

fn load_portfolio(args: &ScanArgs) -> Result<Portfolio, CliError> {
    let mut portfolio = match &args.targets {
        Some(path) => targets::load_file(path).map_err(CliError::usage)?,
        None => Portfolio::default(),
    };
    targets::add_command_line(&mut portfolio, &args.domains).map_err(CliError::usage)?;
    if portfolio.targets.is_empty() {
        return Err(CliError::usage(anyhow!(
            "nothing to scan: give domains or --targets FILE"
        )));
    }
    Ok(portfolio)
}

fn load_baseline(path: Option<&Path>, checks: &CheckSet) -> Result<Baseline, CliError> {
    let baseline = match path {
        Some(path) => super::data_dirs::load_baseline(path)?,
        None => Baseline::builtin_estonia(),
    };
    // Declarative checks count as known: a baseline may score them.
    baseline
        .validate_against(&checks.catalog())
        .map_err(CliError::usage)?;
    Ok(baseline)
}

fn parse_resolver(text: &str) -> Result<SocketAddr, CliError> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let ip: IpAddr = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| CliError::usage(anyhow!("--resolver {text:?}: expected IP or IP:PORT")))?;
    Ok(SocketAddr::new(ip, 53))
}

fn parse_connect(pairs: &[String]) -> Result<BTreeMap<String, Vec<IpAddr>>, CliError> {
    let mut overrides: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
    for pair in pairs {
        let (host, ip) = pair
            .split_once('=')
            .ok_or_else(|| CliError::usage(anyhow!("--connect {pair:?}: expected HOST=IP")))?;
        let host = targets::normalise_domain(host)
            .with_context(|| format!("--connect {pair:?}"))
            .map_err(CliError::usage)?;
        let ip: IpAddr = ip
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| {
                CliError::usage(anyhow!("--connect {pair:?}: {ip:?} is not an IP address"))
            })?;
        overrides.entry(host).or_default().push(ip);
    }
    Ok(overrides)
}

fn probe_config(args: &ScanArgs) -> Result<ProbeConfig, CliError> {
    for path in args.ca_files.iter().chain(args.trust_anchor.as_ref()) {
        if !path.is_file() {
            return Err(CliError::usage(anyhow!("{}: no such file", path.display())));
        }
    }
    Ok(ProbeConfig {
        resolver: args.resolver.as_deref().map(parse_resolver).transpose()?,
        extra_roots_pem: args.ca_files.clone(),
        trust_anchor: args.trust_anchor.clone(),
        connect_overrides: parse_connect(&args.connect)?,
        connect_timeout: args.connect_timeout,
        handshake_timeout: args.handshake_timeout,
        read_timeout: args.read_timeout,
        domain_timeout: args.domain_timeout,
        dns_timeout: args.dns_timeout,
        concurrency: args.concurrency as usize,
        per_network: args.per_network as usize,
        per_address: args.per_address as usize,
        retries: args.retries,
        max_addresses: args.max_addresses as usize,
        allow_cidrs: parse_allow_cidrs(&args.allow_cidrs)?,
        exclude: match &args.exclude {
            Some(path) => crate::exclude::load_file(path).map_err(CliError::usage)?,
            None => govscan_probe::ExcludeList::default(),
        },
        ..ProbeConfig::default()
    })
    .and_then(|config| politeness(config, args))
}

/// `--allow-cidr` values: CIDR ranges or single addresses.
fn parse_allow_cidrs(values: &[String]) -> Result<Vec<govscan_probe::IpNet>, CliError> {
    values
        .iter()
        .map(|text| {
            let trimmed = text.trim();
            trimmed
                .parse::<govscan_probe::IpNet>()
                .map(|net| net.trunc())
                .or_else(|_| trimmed.parse::<IpAddr>().map(govscan_probe::IpNet::from))
                .map_err(|_| {
                    CliError::usage(anyhow!(
                        "--allow-cidr {text:?}: expected a CIDR range such as 127.10.0.0/16"
                    ))
                })
        })
        .collect()
}

/// Applies the politeness flags: gap, rate, User-Agent, TLS scan budget, `--gentle` last.
fn politeness(mut config: ProbeConfig, args: &ScanArgs) -> Result<ProbeConfig, CliError> {
    config.min_gap = args.min_gap;
    config.rate = args.rate;
    config.allow_private = args.allow_private;
    config.tls_scan = !args.no_tls_scan;
    config.smtp.enabled = !args.no_smtp;
    config.smtp.session_gap = args.smtp_gap;
    if let Some(name) = &args.ehlo_name {
        // Prober::new refuses a name that is not a domain or address literal.
        config.smtp.ehlo_name = name.trim().trim_end_matches('.').to_owned();
    }
    if let (Some(vrps), Some(routes)) = (&args.rpki_vrps, &args.ip_to_asn) {
        let tables = govscan_probe::RpkiTables::load(vrps, routes).map_err(CliError::usage)?;
        config.rpki = Some(govscan_probe::RpkiData(std::sync::Arc::new(tables)));
    }
    if let Some(max) = args.tls_scan_max_handshakes {
        config.tls_scan_max_handshakes = max;
    }
    if let Some(agent) = &args.user_agent {
        let agent = agent.trim();
        if agent.is_empty() || agent.len() > 512 || agent.chars().any(|c| !(' '..='~').contains(&c))
        {
            return Err(CliError::usage(anyhow!(
                "--user-agent must be 1 to 512 printable ASCII characters"
            )));
        }
        config.user_agent = agent.to_owned();
    }
    Ok(if args.gentle { config.gentle() } else { config })
}

/// Redirects may lead only to hosts of the target set (lower case, no trailing dot).
fn with_target_set(mut config: ProbeConfig, portfolio: &Portfolio) -> ProbeConfig {
    config.allowed_redirect_hosts = portfolio
        .targets
        .iter()
        .map(|t| t.domain.trim().trim_end_matches('.').to_ascii_lowercase())
        .collect();
    config.dkim_selectors = portfolio
        .targets
        .iter()
        .filter(|t| !t.dkim_selectors.is_empty())
        .map(|t| (t.domain.clone(), t.dkim_selectors.clone()))
        .collect();
    config
}

/// Creates the output directory and proves it is writable before any probing starts.
fn prepare_out_dir(out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output directory {}", out.display()))
        .map_err(CliError::usage)?;
    // A new file of our own (exclusive create: a file or link of that name is never opened).
    let probe = out.join(format!(".govscan-write-test-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .with_context(|| format!("output directory {} is not writable", out.display()))
        .map_err(CliError::usage)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} scanning [{bar:30}] {pos}/{len} domains, {elapsed} ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resolver_and_connect() {
        assert_eq!(parse_resolver("127.0.0.1").expect("ip").port(), 53);
        assert_eq!(
            parse_resolver("127.0.0.1:5353").expect("ip:port").port(),
            5353
        );
        assert_eq!(parse_resolver("[::1]:53").expect("v6").port(), 53);
        assert!(parse_resolver("ns.example").is_err());
        let map = parse_connect(&[
            "Good.Lab.Test=127.10.0.1".into(),
            "good.lab.test=::1".into(),
        ])
        .expect("ok");
        assert_eq!(map["good.lab.test"].len(), 2);
        assert!(parse_connect(&["good.lab.test".into()]).is_err());
        assert!(parse_connect(&["good.lab.test=nope".into()]).is_err());
    }

    fn scan_args(flags: &[&str]) -> ScanArgs {
        use clap::Parser as _;
        let argv = ["govscan", "scan"].iter().chain(flags).copied();
        match super::super::args::Cli::try_parse_from(argv)
            .expect("parses")
            .command
        {
            super::super::args::Command::Scan(args) => args,
            _ => panic!("not a scan"),
        }
    }

    #[test]
    fn politeness_flags_reach_the_probe_config() {
        let config = probe_config(&scan_args(&[
            "--min-gap",
            "50ms",
            "--rate",
            "20",
            "--no-tls-scan",
            "--tls-scan-max-handshakes",
            "30",
            "--user-agent",
            "govscan (+https://ria.example/scan)",
            "--allow-private",
        ]))
        .expect("config");
        assert_eq!(config.min_gap, std::time::Duration::from_millis(50));
        assert_eq!(config.rate, Some(20));
        assert!(!config.tls_scan && config.allow_private);
        assert_eq!(config.tls_scan_max_handshakes, 30);
        assert_eq!(config.user_agent, "govscan (+https://ria.example/scan)");
        assert!(probe_config(&scan_args(&["--user-agent", "bad\nheader"])).is_err());
        assert!(probe_config(&scan_args(&["--user-agent", "bad\u{7}"])).is_err());
        assert!(probe_config(&scan_args(&["--user-agent", " "])).is_err());
    }

    #[test]
    fn the_connection_caps_reach_the_probe_config() {
        let default = probe_config(&scan_args(&[])).expect("config");
        assert_eq!(
            (
                default.concurrency,
                default.per_network,
                default.per_address
            ),
            (64, 16, 2)
        );
        let config = probe_config(&scan_args(&[
            "--concurrency",
            "128",
            "--per-network",
            "8",
            "--per-address",
            "3",
        ]))
        .expect("config");
        assert_eq!(
            (config.concurrency, config.per_network, config.per_address),
            (128, 8, 3)
        );
        // A block cap below the address cap is allowed: the smaller wins when connecting.
        let config = probe_config(&scan_args(&["--per-network", "1"])).expect("config");
        assert_eq!((config.per_network, config.per_address), (1, 2));
    }

    #[test]
    fn a_per_network_cap_of_zero_is_refused_naming_the_flag() {
        use clap::Parser as _;
        for bad in ["0", "-1", "many", "1025"] {
            let flag = format!("--per-network={bad}");
            let parsed =
                super::super::args::Cli::try_parse_from(["govscan", "scan", &flag, "example.test"]);
            let error = parsed.expect_err("refused").to_string();
            assert!(error.contains("--per-network"), "{bad}: {error}");
        }
    }

    #[test]
    fn gentle_is_never_less_gentle_than_asked() {
        let config = probe_config(&scan_args(&[
            "--gentle",
            "--per-address",
            "4",
            "--rate",
            "2",
        ]))
        .expect("config");
        assert_eq!(config.per_address, 1);
        assert_eq!(
            config.per_network, 4,
            "--gentle: at most 4 per network block"
        );
        let gentler =
            probe_config(&scan_args(&["--gentle", "--per-network", "2"])).expect("config");
        assert_eq!(
            gentler.per_network, 2,
            "an explicit gentler block cap is kept"
        );
        assert_eq!(config.rate, Some(2), "an explicit gentler rate is kept");
        assert_eq!(config.min_gap, std::time::Duration::from_millis(500));
        assert_eq!(config.tls_scan_max_handshakes, 40);
        assert!(config.connect_timeout >= std::time::Duration::from_secs(10));
        let default = probe_config(&scan_args(&[])).expect("config");
        assert_eq!(
            (default.min_gap, default.rate),
            (std::time::Duration::ZERO, None)
        );
        assert!(default.tls_scan && !default.allow_private);
        assert!(default.allow_cidrs.is_empty() && default.exclude.rules.is_empty());
        assert_eq!(default.max_addresses, govscan_probe::DEFAULT_MAX_ADDRESSES);
    }

    #[test]
    fn address_policy_flags_reach_the_probe_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        let skip = dir.path().join("skip.txt");
        std::fs::write(
            &skip,
            "gov.example
192.0.2.0/24
",
        )
        .expect("write");
        let config = probe_config(&scan_args(&[
            "--allow-cidr",
            "127.10.0.0/16",
            "--allow-cidr",
            "10.9.8.7",
            "--max-addresses",
            "2",
            "--exclude",
            skip.to_str().expect("utf-8"),
        ]))
        .expect("config");
        let nets: Vec<String> = config.allow_cidrs.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["127.10.0.0/16", "10.9.8.7/32"]);
        assert_eq!(config.max_addresses, 2);
        assert_eq!(config.exclude.rules.len(), 2);
        assert!(config.exclude.rules[1].origin.ends_with("skip.txt:2"));
        let bad = probe_config(&scan_args(&["--allow-cidr", "127.10.0.0/99"]));
        assert!(bad.is_err_and(|e| e.error.to_string().contains("--allow-cidr")));
        std::fs::write(
            &skip,
            "gov.example
not a domain
",
        )
        .expect("write");
        let bad = probe_config(&scan_args(&["--exclude", skip.to_str().expect("utf-8")]));
        assert!(bad.is_err_and(|e| e.error.to_string().contains("skip.txt:2:")));
    }

    #[test]
    fn the_target_set_is_normalised() {
        let mut portfolio = Portfolio::default();
        govscan_targets::add_command_line(&mut portfolio, &["Good.Lab.Test.".into()]).expect("add");
        let config = with_target_set(ProbeConfig::default(), &portfolio);
        assert!(config.allowed_redirect_hosts.contains("good.lab.test"));
    }
}
