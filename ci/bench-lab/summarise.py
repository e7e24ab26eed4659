#!/usr/bin/env python3
"""Turns one ci/bench run into figures (called by ci/bench).

Reads RUN/results/<tool-profile>/{time.txt,meta.txt,access.log,out/results.json} and prints a
Markdown table of: domains/s, TLS handshakes (and per second), p50/p95 per-domain latency,
peak RSS, CPU seconds per domain; then the govscan/sslyze throughput ratio. Also writes
RUN/results/summary.json. Standard library only.
"""

import argparse
import datetime
import json
import os
import sqlite3
import re
import sys


def read_time_v(path: str) -> dict:
    """Wall, user, sys seconds and peak RSS (KiB) from `/usr/bin/time -v` output."""
    text = open(path, encoding="utf-8", errors="replace").read()

    def field(pattern: str) -> str:
        m = re.search(pattern, text)
        return m.group(1) if m else ""

    wall = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)")
    seconds = 0.0
    for part in wall.split(":") if wall else []:
        seconds = seconds * 60 + float(part)
    return {
        "wall_s": seconds,
        "user_s": float(field(r"User time \(seconds\): ([0-9.]+)") or 0),
        "sys_s": float(field(r"System time \(seconds\): ([0-9.]+)") or 0),
        "peak_rss_kib": int(field(r"Maximum resident set size \(kbytes\): ([0-9]+)") or 0),
        "exit": int(field(r"Exit status: ([0-9]+)") or -1),
    }


def read_meta(path: str) -> dict:
    """KEY=VALUE lines written by ci/bench (stub_status counters, command, domains)."""
    meta = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                meta[key] = value
    return meta


def connections(access_log: str) -> dict:
    """Connections that carried requests, per port, from the bench access-log format
    `$server_addr $server_port $connection $connection_requests $ssl_protocol $status`."""
    first = {"80": 0, "443": 0}
    requests = {"80": 0, "443": 0}
    if os.path.exists(access_log):
        for line in open(access_log, encoding="utf-8", errors="replace"):
            parts = line.split()
            if len(parts) < 4 or parts[1] not in first:
                continue
            requests[parts[1]] += 1
            if parts[3] == "1":
                first[parts[1]] += 1
    return {"http_connections": first["80"], "https_connections_with_requests": first["443"],
            "http_requests": requests["80"], "https_requests": requests["443"]}


def percentile(sorted_values: list, p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# results.json above this size is not loaded whole (a 100,000-domain run writes ~9 GB, which
# json.load would need several times over in memory): the figures come from the history
# database the run wrote instead (govscan_results_from_db).
LARGEST_JSON_LOADED = 1 << 30


def govscan_results_from_db(db: str, results_json: str) -> dict:
    """The figures of govscan_results, from the newest scan in the history database `db`."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        scan_id, started, finished = con.execute(
            "SELECT id, started_at, finished_at FROM scans ORDER BY id DESC LIMIT 1").fetchone()
        durations = sorted(row[0] for row in con.execute(
            "SELECT json_extract(observations_json, '$.duration_ms') FROM domain_results "
            "WHERE scan_id = ?", (scan_id,)) if row[0] is not None)
        statuses = dict(con.execute(
            "SELECT status, count(*) FROM outcomes WHERE scan_id = ? GROUP BY status",
            (scan_id,)).fetchall())
        endpoints, handshakes, scan_ms = 0, 0, []
        for count, shakes, ms in con.execute(
                "SELECT json_array_length(observations_json, '$.endpoints'), "
                "(SELECT sum(json_extract(e.value, '$.tls_scan.value.handshakes')) "
                " FROM json_each(observations_json, '$.endpoints') e), "
                "(SELECT max(json_extract(e.value, '$.tls_scan.value.duration_ms')) "
                " FROM json_each(observations_json, '$.endpoints') e) "
                "FROM domain_results WHERE scan_id = ?", (scan_id,)):
            endpoints += count or 0
            handshakes += shakes or 0
            if ms is not None:
                scan_ms.append(ms)
    finally:
        con.close()
    return figures(started, finished, endpoints, handshakes, scan_ms, durations, statuses,
                   results_json)


def govscan_results(path: str) -> dict:
    """Domain count, per-domain probe durations and outcome statuses from results.json (or,
    for a file too large to load, from the run's history database)."""
    if not os.path.exists(path):
        return {}
    db = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(path))), "govscan.db")
    if os.path.getsize(path) > LARGEST_JSON_LOADED and os.path.exists(db):
        return govscan_results_from_db(db, path)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    durations = sorted(d["observations"]["duration_ms"] for d in doc.get("domains", []))
    statuses = {}
    for d in doc.get("domains", []):
        for o in d.get("outcomes", []):
            status = o.get("status")
            key = status if isinstance(status, str) else next(iter(status), "?")
            statuses[key] = statuses.get(key, 0) + 1
    scan_handshakes = 0
    scan_ms = []
    endpoints = 0
    for d in doc.get("domains", []):
        for e in d["observations"].get("endpoints", []):
            endpoints += 1
            scan = e.get("tls_scan") or {}
            if scan.get("state") == "ok":
                scan_handshakes += scan["value"].get("handshakes", 0)
                scan_ms.append(scan["value"].get("duration_ms", 0))
    return figures(doc.get("started_at", ""), doc.get("finished_at", ""), endpoints,
                   scan_handshakes, scan_ms, durations, statuses, path)


def figures(started: str, finished: str, endpoints: int, handshakes: int, scan_ms: list,
            durations: list, statuses: dict, results_json: str) -> dict:
    """The per-run figures of a govscan scan, from its timestamps, per-endpoint hello-scan
    counts and times, sorted per-domain durations and outcome statuses."""
    scan_ms = sorted(scan_ms)
    phase = float("nan")
    try:
        fmt_ = "%Y-%m-%dT%H:%M:%S"
        phase = (datetime.datetime.strptime(finished[:19], fmt_)
                 - datetime.datetime.strptime(started[:19], fmt_)).total_seconds()
    except ValueError:
        pass
    return {
        "scan_phase_s": phase,
        "endpoints": endpoints,
        "hello_scan_handshakes": handshakes,
        "hello_scan_p50_ms": percentile(scan_ms, 50),
        "domains_done": len(durations),
        "p50_ms": percentile(durations, 50),
        "p95_ms": percentile(durations, 95),
        "max_ms": durations[-1] if durations else float("nan"),
        "statuses": statuses,
        "results_json_bytes": os.path.getsize(results_json),
    }


def rss_phases(path: str, probe_s: float) -> dict:
    """Peak RSS (KiB) in the first `probe_s` seconds of rss.txt (start-up and probing) and after
    them (the report the scan writes), from the once-a-second samples; NaN when unknown."""
    before, after = [], []
    if os.path.exists(path) and probe_s == probe_s:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    t, rss = float(parts[0]), int(parts[1])
                    (before if t <= probe_s + 1 else after).append(rss)
    return {"probe_rss_kib": max(before, default=float("nan")),
            "report_rss_kib": max(after, default=float("nan"))}


def one_run(run_dir: str) -> dict:
    meta = read_meta(os.path.join(run_dir, "meta.txt"))
    figures = {"name": os.path.basename(run_dir), "meta": meta}
    figures.update(read_time_v(os.path.join(run_dir, "time.txt")))
    figures.update(connections(os.path.join(run_dir, "access.log")))
    figures.update(govscan_results(os.path.join(run_dir, "out", "results.json")))
    figures.update(rss_phases(os.path.join(run_dir, "rss.txt"),
                              figures.get("scan_phase_s", float("nan"))))
    domains = int(meta.get("domains", "0"))
    figures["domains"] = domains
    accepts = int(meta.get("accepts_after", "0")) - int(meta.get("accepts_before", "0")) - 1
    # Every TCP connection nginx accepted during the run, minus the plain-http ones (each
    # carries at least one request, so the access log counts them): the TLS connections.
    figures["tcp_connections"] = accepts
    figures["tls_handshakes"] = max(0, accepts - figures["http_connections"])
    ticks = int(meta.get("server_ticks_after", "0")) - int(meta.get("server_ticks_before", "0"))
    figures["server_cpu_s"] = ticks / int(meta.get("clk_tck", "100"))
    proxy = int(meta.get("proxy_ticks_after", "0")) - int(meta.get("proxy_ticks_before", "0"))
    figures["proxy_cpu_s"] = proxy / int(meta.get("clk_tck", "100"))
    figures["added_rtt_ms"] = int(meta.get("added_rtt_ms", "0") or 0)
    # Datagrams the kernel dropped at full receive buffers during the run (runs made before it
    # was recorded: None): lost DNS in the lab, so inconclusive outcomes are the lab's doing.
    if "udp_rcvbuf_errors_after" in meta:
        figures["udp_rcvbuf_drops"] = (int(meta["udp_rcvbuf_errors_after"] or 0)
                                       - int(meta.get("udp_rcvbuf_errors_before", "0") or 0))
    else:
        figures["udp_rcvbuf_drops"] = None
    # The lab's layout (ci/bench BENCH_ADDRESSES, BENCH_BLOCKS); runs made before the layout was
    # recorded had every address in one /24.
    figures["addresses"] = int(meta.get("addresses", "0") or 0) or None
    figures["blocks"] = int(meta.get("blocks", "1") or 1)
    wall = figures["wall_s"] or float("nan")
    figures["domains_per_s"] = domains / wall
    figures["handshakes_per_s"] = figures["tls_handshakes"] / wall
    figures["cpu_s_per_domain"] = (figures["user_s"] + figures["sys_s"]) / max(domains, 1)
    return figures


def fmt(value, digits=1) -> str:
    if isinstance(value, float):
        return "n/a" if value != value else f"{value:.{digits}f}"
    return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", help="RUN/results directory")
    args = parser.parse_args()
    runs = [one_run(os.path.join(args.results, d)) for d in sorted(os.listdir(args.results))
            if os.path.isfile(os.path.join(args.results, d, "time.txt"))]
    layouts = sorted({(r["addresses"] or 0, r["blocks"]) for r in runs})
    for addresses, blocks in layouts:
        on = f"{addresses} addresses" if addresses else "addresses (count not recorded)"
        print(f"Lab layout: the sites on {on} in {blocks} /24 network block(s)"
              f"{' (one hosting network)' if blocks == 1 else ''}.")
    print()
    header = ("| run | domains | wall s | domains/s | TLS handshakes | handshakes/s | "
              "probe-phase domains/s | p50 ms | p95 ms | peak RSS MiB | CPU s | CPU ms/domain | "
              "server CPU s | exit |")
    print(header)
    print("|---" * 14 + "|")
    for r in runs:
        print("| " + " | ".join([
            r["name"], str(r["domains"]), fmt(r["wall_s"]), fmt(r["domains_per_s"]),
            str(r["tls_handshakes"]), fmt(r["handshakes_per_s"]),
            fmt(r.get("domains_done", 0) / r["scan_phase_s"] if r.get("scan_phase_s") else float("nan")),
            fmt(r.get("p50_ms", float("nan")), 0), fmt(r.get("p95_ms", float("nan")), 0),
            fmt(r["peak_rss_kib"] / 1024), fmt(r["user_s"] + r["sys_s"], 2),
            fmt(r["cpu_s_per_domain"] * 1000, 2), fmt(r["server_cpu_s"], 2), str(r["exit"]),
        ]) + " |")
    print()
    for r in runs:
        extra = [f"{r['name']}: {r['tcp_connections']} TCP connections accepted by nginx",
                 f"{r['http_connections']} plain-http connections ({r['http_requests']} requests)",
                 f"{r['tls_handshakes']} TLS connections ({r['https_connections_with_requests']}"
                 f" carried {r['https_requests']} https requests)"]
        if "domains_done" in r:
            extra.append(f"{r['endpoints']} endpoints; the hand-built-hello scan reports "
                         f"{r['hello_scan_handshakes']} handshakes (p50 "
                         f"{fmt(r['hello_scan_p50_ms'], 0)} ms per endpoint)")
            extra.append(f"probing and judging {fmt(r['scan_phase_s'], 0)} s of the "
                         f"{fmt(r['wall_s'], 0)} s wall (started_at..finished_at, whole seconds); "
                         "the rest is start-up, history database and report writing")
            extra.append(f"peak RSS sampled each second: {fmt(r['probe_rss_kib'] / 1024)} MiB "
                         f"while probing, {fmt(r['report_rss_kib'] / 1024)} MiB after it "
                         "(the report this scan writes)")
            extra.append(f"{r['domains_done']} domains in results.json "
                         f"({r['results_json_bytes'] / 1e6:.1f} MB), max {r['max_ms']} ms, "
                         f"outcomes {json.dumps(r['statuses'], sort_keys=True)}")
        if r["added_rtt_ms"]:
            extra.append(f"+{r['added_rtt_ms']} ms RTT through the delay proxy, which used "
                         f"{fmt(r['proxy_cpu_s'], 2)} CPU s")
        if r["udp_rcvbuf_drops"]:
            extra.append(f"**{r['udp_rcvbuf_drops']} UDP datagrams dropped by full receive "
                         "buffers** (DNS lost in the lab: lookups that timed out are the lab's "
                         "failures, and the run's figures are not valid)")
        inconclusive = r.get("statuses", {}).get("inconclusive", 0)
        if inconclusive:
            extra.append(f"**{inconclusive} inconclusive outcomes**: a bench site is always "
                         "judgeable, so something in the lab or the scanner failed")
        print("- " + "; ".join(extra))
    sslyze = [r for r in runs if r["name"].startswith("sslyze")]
    if sslyze and sslyze[0]["domains_per_s"] > 0:
        print()
        for r in runs:
            if r["name"].startswith("govscan"):
                ratio = r["domains_per_s"] / sslyze[0]["domains_per_s"]
                rtt = f" at +{r['added_rtt_ms']} ms RTT" if r["added_rtt_ms"] else ""
                print(f"- throughput ratio {r['name']} / {sslyze[0]['name']}{rtt}: {ratio:.1f}x "
                      f"({fmt(r['domains_per_s'], 2)} vs {fmt(sslyze[0]['domains_per_s'], 2)}"
                      " domains/s)")
    with open(os.path.join(args.results, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(runs, f, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
