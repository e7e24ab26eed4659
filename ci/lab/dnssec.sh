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

# --- dnssec (issue 10 §2): bogus zones with web and mail, a private anchor below an unsigned
# parent, the anchor files, the web certificate. Sourced like the rest; runs after make_dnssec
# and before knotd starts:
#
#   make_dnssec_profiles RUN KEYMGR
#
# - expiredweb.test.: pre-signed by ldns-signzone with signatures valid 2025-01-01 … 2025-02-01;
# - badsig.test.: pre-signed with signatures valid now, then the first byte of every RRSIG
#   except the one over the DNSKEY set changed (the chain to the key holds, the data does not);
# - dsmismatch.test.: signed by Knot; test. gets the DS of an ldns key that the zone never uses;
# - plain.test.: unsigned, delegates vault.plain.test. (signed by Knot, no DS anywhere);
# - RUN/anchors/: lab.test.ds (DS of lab.test., unbound's zone-file format without TTL),
#   vault.dnskey (DNSKEY of vault.plain.test.), vault.xml (its DS in IANA's root-anchors XML),
#   private.txt (several anchors: the DNSKEY of test. and the DS of vault.plain.test.; unbound
#   uses it), wrong.ds (a DS for lab.test. that matches none of its keys).
# Expects RUN/knot/zones/{expiredweb,badsig,dsmismatch,plain,vault.plain}.test.zone rendered.

make_dnssec_profiles() {
    local run=$1 keymgr=$2
    local conf=$run/knot/knot.conf zones=$run/knot/zones work=$run/knot/ldns anchors=$run/anchors
    local zone expired_key bad_key decoy_key since until
    for zone in dsmismatch.test vault.plain.test; do
        "$keymgr" -c "$conf" "$zone" generate algorithm=ecdsap256sha256 ksk=yes zsk=yes >/dev/null
    done
    mkdir -p "$work" "$anchors"

    expired_key=$(cd "$work" && ldns-keygen -a ECDSAP256SHA256 -k expiredweb.test)
    mv "$zones/expiredweb.test.zone" "$work/expiredweb.test.unsigned"
    (cd "$work" && ldns-signzone -i 20250101000000 -e 20250201000000 -o expiredweb.test \
        -f "$zones/expiredweb.test.zone" expiredweb.test.unsigned "$expired_key")

    bad_key=$(cd "$work" && ldns-keygen -a ECDSAP256SHA256 -k badsig.test)
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%S)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%S)
    mv "$zones/badsig.test.zone" "$work/badsig.test.unsigned"
    (cd "$work" && ldns-signzone -i "$since" -e "$until" -o badsig.test \
        -f badsig.test.signed badsig.test.unsigned "$bad_key")
    # Field 4 is the type, 5 the type covered, the last the base64 signature: A <-> B in its
    # first character changes the signature's first byte and keeps it valid base64.
    awk '$4 == "RRSIG" && $5 != "DNSKEY" {
            first = substr($NF, 1, 1)
            $NF = (first == "A" ? "B" : "A") substr($NF, 2)
         }
         { print }' "$work/badsig.test.signed" >"$zones/badsig.test.zone"

    decoy_key=$(cd "$work" && ldns-keygen -a ECDSAP256SHA256 -k dsmismatch.test)

    {
        echo
        echo "; --- dnssec (issue 10 §2) DS records written by ci/lab/dnssec.sh"
        cat "$work/$expired_key.ds" "$work/$bad_key.ds"
        echo "; dsmismatch.test: the DS of a key the zone does not use"
        cat "$work/$decoy_key.ds"
    } >>"$zones/test.zone"
    echo "vault        NS    ns1.lab.test." >>"$zones/plain.test.zone"

    # Anchor files (the formats govscan --trust-anchor reads; see ci/lab/README.md).
    "$keymgr" -c "$conf" lab.test ds | awk '$5 == 2' >"$anchors/lab.test.ds"
    "$keymgr" -c "$conf" vault.plain.test dnskey >"$anchors/vault.dnskey"
    {
        echo "; govscan lab: the private trust anchors (unbound's trust-anchor-file format)."
        echo "; test.: its KSK; vault.plain.test.: the DS of its key (its parent plain.test. is unsigned)."
        cat "$run/trust-anchor.txt"
        "$keymgr" -c "$conf" vault.plain.test ds | awk '$5 == 2'
    } >"$anchors/private.txt"
    "$keymgr" -c "$conf" vault.plain.test ds | awk -v from="$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%S+00:00)" '
        $5 == 2 {
            printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            printf "<TrustAnchor id=\"govscan-lab\" source=\"ci/lab/dnssec.sh\">\n<Zone>vault.plain.test.</Zone>\n"
            printf "<KeyDigest id=\"lab\" validFrom=\"%s\">\n", from
            printf "<KeyTag>%s</KeyTag>\n<Algorithm>%s</Algorithm>\n<DigestType>%s</DigestType>\n<Digest>%s</Digest>\n", $3, $4, $5, toupper($6)
            printf "</KeyDigest>\n</TrustAnchor>\n"
        }' >"$anchors/vault.xml"
    sed 's/^dsmismatch\.test\./lab.test./' "$work/$decoy_key.ds" >"$anchors/wrong.ds"
    local file
    for file in lab.test.ds vault.dnskey private.txt vault.xml wrong.ds; do
        grep -q -e ' DS ' -e ' DNSKEY ' -e $'\tDS\t' -e '<Digest>' "$anchors/$file" || {
            echo "lab: error: no anchor written to $anchors/$file" >&2
            return 1
        }
    done
}

# make_dnssec_pki DIR: one lab-CA leaf, `dnssec`, for the web server of the bogus profiles.
make_dnssec_pki() {
    local dir=$1
    _lab_key "$dir/dnssec.key"
    _lab_csr "$dir" dnssec "/O=govscan lab/CN=expiredweb.test"
    LEAF_SAN="DNS:expiredweb.test,DNS:badsig.test,DNS:dsmismatch.test,DNS:www.expiredweb.test" \
        _lab_sign "$dir" "$dir/db/dnssec.csr" "$dir/dnssec.pem" v3_leaf intermediate \
        -startdate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)"
    cat "$dir/dnssec.pem" "$dir/intermediate.pem" >"$dir/dnssec.chain.pem"
}
