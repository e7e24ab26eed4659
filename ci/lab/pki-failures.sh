# shellcheck shell=bash
# Certificate for the failed/partial/foreign-page profiles on 127.10.15.x (issue 10 §5),
# sourced by ci/lab/start after make_pki: one lab-CA leaf, `failures`, whose SAN lists every
# profile name that serves HTTPS, valid from yesterday for one year.

FAILURES_NAMES=(pfv6fail pfhopfail pfoffsite pfapex pfnoroute pfmulti6)

make_failures_pki() {
    local dir=$1 name san="" since until
    for name in "${FAILURES_NAMES[@]}"; do
        san+="${san:+,}DNS:$name.lab.test"
    done
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    _lab_key "$dir/failures.key"
    _lab_csr "$dir" failures "/O=govscan lab/CN=pfv6fail.lab.test"
    LEAF_SAN=$san _lab_sign "$dir" "$dir/db/failures.csr" "$dir/failures.pem" v3_leaf \
        intermediate -startdate "$since" -enddate "$until"
    cat "$dir/failures.pem" "$dir/intermediate.pem" >"$dir/failures.chain.pem"
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -purpose sslserver "$dir/failures.pem" >/dev/null
}
