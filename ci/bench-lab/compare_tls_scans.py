#!/usr/bin/env python3
"""Compare the hand-built-hello scans and the verdicts of two govscan results.json files.

Usage: ci/bench-lab/compare_tls_scans.py BEFORE/results.json AFTER/results.json

For every `tls_scan` in both files (web endpoints and mail hosts, matched by domain and JSON
path) it compares what the checks read: per version accepted, the suite SET, suites_complete,
server_order, secure renegotiation and extended master secret; the accepted/refused/unknown
state of every group per version; compression; the DHE probe's groups. It also compares every
outcome's status and finding. Prints the hellos sent before and after and exits 1 on any
difference. Suite ORDER is reported separately (informational): it is the order the server
picked the suites in, which depends on how the enumeration offered them.
"""
import json
import sys


def scans(node, path, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tls_scan":
                out[path] = value
            else:
                scans(value, f"{path}/{key}", out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("address") or value.get("host") if isinstance(value, dict) else None
            scans(value, f"{path}[{label if label else i}]", out)


def facts(probed):
    if probed.get("state") != "ok":
        return {"state": probed.get("state"), "kind": probed.get("kind")}
    s = probed["value"]
    versions = {
        v["version"]: {
            "accepted": v.get("accepted"),
            "suites": sorted(x["id"] for x in v.get("suites", [])),
            "complete": v.get("suites_complete"),
            "order": v.get("server_order"),
            "reneg": v.get("secure_renegotiation"),
            "ems": v.get("extended_master_secret"),
        }
        for v in s.get("versions", [])
    }
    groups = sorted((g.get("version"), g["id"], g.get("accepted")) for g in s.get("groups", []))
    dhe = s.get("dhe", {})
    dhe_facts = dhe.get("state")
    if dhe.get("state") == "ok":
        dhe_facts = sorted(
            json.dumps([h.get("accepted"), (h.get("group") or {}).get("named_id"),
                        (h.get("group") or {}).get("bits")])
            for h in dhe["value"].get("hellos", [])
        )
    return {
        "versions": versions,
        "groups": groups,
        "groups_version": s.get("groups_version"),
        "compression": s.get("compression_accepted"),
        "dhe": dhe_facts,
        "budget_exhausted": s.get("budget_exhausted"),
    }


def orders(probed):
    if probed.get("state") != "ok":
        return {}
    return {v["version"]: [x["id"] for x in v.get("suites", [])] for v in probed["value"]["versions"]}


def handshakes(probed):
    return probed["value"].get("handshakes", 0) if probed.get("state") == "ok" else 0


def outcomes(doc):
    out = {}
    for d in doc.get("domains", []):
        for o in d.get("outcomes", []):
            out[(d["domain"], o["check"])] = (o["status"], o["finding"])
    return out


def main():
    before, after = (json.load(open(p)) for p in sys.argv[1:3])
    b, a = {}, {}
    for d in before.get("domains", []):
        scans(d, d["domain"], b)
    for d in after.get("domains", []):
        scans(d, d["domain"], a)
    diffs = 0
    if set(b) != set(a):
        print("endpoints differ:", sorted(set(b) ^ set(a)))
        diffs += 1
    hb = ha = 0
    order_changes = 0
    for key in sorted(set(b) & set(a)):
        fb, fa = facts(b[key]), facts(a[key])
        hb += handshakes(b[key])
        ha += handshakes(a[key])
        if fb != fa:
            diffs += 1
            print(f"DIFF {key}:\n  before {json.dumps(fb)}\n  after  {json.dumps(fa)}")
        if orders(b[key]) != orders(a[key]):
            order_changes += 1
    ob, oa = outcomes(before), outcomes(after)
    changed = [k for k in ob if k in oa and ob[k] != oa[k]]
    for k in changed:
        print(f"OUTCOME {k}: {ob[k]} -> {oa[k]}")
    if set(ob) != set(oa):
        print("outcome sets differ:", sorted(set(ob) ^ set(oa))[:20])
    diffs += len(changed) + (set(ob) != set(oa))
    print(f"tls scans compared: {len(set(b) & set(a))}; hellos before {hb}, after {ha}; "
          f"outcomes compared: {len(set(ob) & set(oa))}, changed: {len(changed)}; "
          f"suite lists in a different order: {order_changes}; differences: {diffs}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
