# shellcheck shell=bash
# Certificates for the web-policy profiles on 127.10.13.x (issue 10 §4), sourced by ci/lab/start
# after make_pki. make_webpolicy_pki DIR writes, under DIR (which already holds the lab CA):
#   webpolicy.pem / .key        one lab-CA leaf whose SAN lists every wp* profile served by it
#   webpolicy.chain.pem         leaf + intermediate
#   oldroot.pem                 an "old root" that no one trusts (never served)
#   rootcross.pem               the lab root's name and key, signed by the old root, EXPIRED
#                               (2019-2021): an old cross-sign, as Let's Encrypt's DST one was
#   webpolicy.crosssign.chain.pem  leaf + intermediate + rootcross: a valid path exists
#                               (leaf -> intermediate -> lab root); the cross-sign is not needed
#   expinter.pem / .key         a second issuing CA under the lab root, EXPIRED (2019-2021)
#   wpexpiredinter.pem / .key   a current leaf issued by expinter
#   wpexpiredinter.chain.pem    leaf + expinter: the only path runs through the expired CA

WEBPOLICY_NAMES=(wpcspsplit wpcspweak wpxfo wpfaself wpfastar wpdowngrade wpcrosssign)

# _wp_ca_sign DIR CSR OUT EXTENSIONS CA-CERT CA-KEY VALIDITY-ARGS...: openssl ca with any issuer.
_wp_ca_sign() {
    local dir=$1 csr=$2 out=$3 ext=$4 cacert=$5 cakey=$6
    shift 6
    local self=()
    [ "$cacert" = self ] && self=(-selfsign) && cacert=
    PKI_DIR=$dir LEAF_SAN=${LEAF_SAN:-DNS:unused.lab.test} \
        openssl ca -config "$(_lab_openssl_cnf)" -batch -notext -md sha256 "${self[@]}" \
        ${cacert:+-cert "$cacert"} -keyfile "$cakey" -extensions "$ext" -in "$csr" -out "$out" \
        "$@" 2>"$dir/db/last-ca.log" || { cat "$dir/db/last-ca.log" >&2; return 1; }
}

make_webpolicy_pki() {
    local dir=$1 name san="" since until
    for name in "${WEBPOLICY_NAMES[@]}"; do
        san+="${san:+,}DNS:$name.lab.test"
    done
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)

    _lab_key "$dir/webpolicy.key"
    _lab_csr "$dir" webpolicy "/O=govscan lab/CN=wpcspsplit.lab.test"
    LEAF_SAN=$san _lab_sign "$dir" "$dir/db/webpolicy.csr" "$dir/webpolicy.pem" v3_leaf intermediate \
        -startdate "$since" -enddate "$until"
    cat "$dir/webpolicy.pem" "$dir/intermediate.pem" >"$dir/webpolicy.chain.pem"

    # The old root and the expired cross-sign of the lab root (same subject and key as ca.pem).
    _lab_key "$dir/oldroot.key"
    _lab_csr "$dir" oldroot "/O=govscan lab/CN=govscan lab old root CA"
    _wp_ca_sign "$dir" "$dir/db/oldroot.csr" "$dir/oldroot.pem" v3_root self "$dir/oldroot.key" \
        -startdate 20180101000000Z -enddate 20300101000000Z
    _lab_csr "$dir" root "/O=govscan lab/CN=govscan lab root CA"
    _wp_ca_sign "$dir" "$dir/db/root.csr" "$dir/rootcross.pem" v3_root "$dir/oldroot.pem" \
        "$dir/oldroot.key" -startdate 20190101000000Z -enddate 20210101000000Z
    cat "$dir/webpolicy.pem" "$dir/intermediate.pem" "$dir/rootcross.pem" \
        >"$dir/webpolicy.crosssign.chain.pem"

    # An expired issuing CA and a current leaf under it.
    _lab_key "$dir/expinter.key"
    _lab_csr "$dir" expinter "/O=govscan lab/CN=govscan lab expired issuing CA"
    _lab_sign "$dir" "$dir/db/expinter.csr" "$dir/expinter.pem" v3_intermediate root \
        -startdate 20190102000000Z -enddate 20210101000000Z
    _lab_key "$dir/wpexpiredinter.key"
    _lab_csr "$dir" wpexpiredinter "/O=govscan lab/CN=wpexpiredinter.lab.test"
    LEAF_SAN=DNS:wpexpiredinter.lab.test _wp_ca_sign "$dir" "$dir/db/wpexpiredinter.csr" \
        "$dir/wpexpiredinter.pem" v3_leaf "$dir/expinter.pem" "$dir/expinter.key" \
        -startdate "$since" -enddate "$until"
    cat "$dir/wpexpiredinter.pem" "$dir/expinter.pem" >"$dir/wpexpiredinter.chain.pem"

    # Self-check: the cross-signed chain verifies now (without needing the cross-sign); the
    # leaf under the expired CA does not verify now, but does inside the CA's window.
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -untrusted "$dir/rootcross.pem" -purpose sslserver "$dir/webpolicy.pem" >/dev/null
    if openssl x509 -in "$dir/rootcross.pem" -noout -checkend 0 >/dev/null; then
        echo "error: the cross-sign of the lab root is not expired" >&2
        return 1
    fi
    if openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/expinter.pem" \
        "$dir/wpexpiredinter.pem" >/dev/null 2>&1; then
        echo "error: the leaf under the expired issuing CA verifies as valid now" >&2
        return 1
    fi
}
