# shellcheck shell=bash
# Certificate for the mailpolicy profiles (issue 10 §4, 127.10.14.x), sourced by ci/lab/start
# after make_pki: one lab-CA leaf, `mailpolicy`, whose SAN lists the MTA-STS policy host of
# every mailpolicy profile (mta-sts.<profile>.lab.test), valid from yesterday for one year.

MAILPOLICY_STS_PROFILES=(mpststesting mpstsmx mpststype mpstsshort)

make_mailpolicy_pki() {
    local dir=$1 name san="" since until
    for name in "${MAILPOLICY_STS_PROFILES[@]}"; do
        san+="${san:+,}DNS:mta-sts.$name.lab.test"
    done
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    _lab_key "$dir/mailpolicy.key"
    _lab_csr "$dir" mailpolicy "/O=govscan lab/CN=mta-sts.mpststesting.lab.test"
    LEAF_SAN=$san _lab_sign "$dir" "$dir/db/mailpolicy.csr" "$dir/mailpolicy.pem" v3_leaf \
        intermediate -startdate "$since" -enddate "$until"
    cat "$dir/mailpolicy.pem" "$dir/intermediate.pem" >"$dir/mailpolicy.chain.pem"
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -purpose sslserver "$dir/mailpolicy.pem" >/dev/null
}
