# shellcheck shell=bash
# DNSSEC for the govscan lab (issue 4), sourced by ci/lab/start. Runs before knotd starts:
#
#   make_dnssec RUN KEYMGR
#
# - generates one CSK (ECDSA P-256) per Knot-signed zone with keymgr (policy `lab`, manual
#   keys, in Knot's KASP database): test., lab.test., signed.test., island.test.;
# - pre-signs expiredsig.test. with ldns-signzone, inception 2025-01-01 and expiry
#   2025-02-01 (long past), and writes it as a plain zone file that Knot serves unchanged;
# - appends the DS records of lab.test., signed.test. and expiredsig.test. to test.'s zone
#   file (island.test. gets none: a signed island; unsigned.test. has no keys at all);
# - writes the private trust anchor, the DNSKEY of test., to RUN/trust-anchor.txt (hickory
#   reads DNSKEY anchors, not DS).
# Expects RUN/knot/knot.conf and RUN/knot/zones/{test,expiredsig.test}.zone rendered.

make_dnssec() {
    local run=$1 keymgr=$2
    local conf=$run/knot/knot.conf zones=$run/knot/zones zone
    for zone in test lab.test signed.test island.test; do
        "$keymgr" -c "$conf" "$zone" generate algorithm=ecdsap256sha256 ksk=yes zsk=yes >/dev/null
    done

    local work=$run/knot/ldns
    rm -rf "$work"
    mkdir -p "$work"
    local base
    base=$(cd "$work" && ldns-keygen -a ECDSAP256SHA256 -k expiredsig.test)
    mv "$zones/expiredsig.test.zone" "$work/expiredsig.test.unsigned"
    (cd "$work" && ldns-signzone -i 20250101000000 -e 20250201000000 -o expiredsig.test \
        -f "$zones/expiredsig.test.zone" expiredsig.test.unsigned "$base")

    {
        echo
        echo "; DS records written by ci/lab/dnssec.sh"
        "$keymgr" -c "$conf" lab.test ds
        "$keymgr" -c "$conf" signed.test ds
        cat "$work/$base.ds"
    } >>"$zones/test.zone"

    # keymgr prints `test. DNSKEY 257 3 13 <key>`; hickory's zone-file reader needs TTL and class.
    "$keymgr" -c "$conf" test dnskey |
        awk '$2 == "DNSKEY" { $2 = "3600 IN DNSKEY"; print }' >"$run/trust-anchor.txt"
    grep -q ' DNSKEY 257 ' "$run/trust-anchor.txt" || {
        echo "lab: error: no KSK DNSKEY for test. in $run/trust-anchor.txt" >&2
        return 1
    }
}
