# shellcheck shell=bash
# Certificates for the web-hygiene profiles on 127.10.2.x (issue 4), sourced by ci/lab/start
# after make_pki: one lab-CA leaf, `hygiene`, whose SAN lists every profile name and the
# MTA-STS policy host (mta-sts.mtasts.lab.test), valid from yesterday for one year.

HYGIENE_NAMES=(shorthsts unsafecsp cookies offsite loop temporary sectxtexpired nosectxt leaky
    mta-sts.mtasts)

make_hygiene_pki() {
    local dir=$1 name san="" since until
    for name in "${HYGIENE_NAMES[@]}"; do
        san+="${san:+,}DNS:$name.lab.test"
    done
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    _lab_key "$dir/hygiene.key"
    _lab_csr "$dir" hygiene "/O=govscan lab/CN=shorthsts.lab.test"
    LEAF_SAN=$san _lab_sign "$dir" "$dir/db/hygiene.csr" "$dir/hygiene.pem" v3_leaf intermediate \
        -startdate "$since" -enddate "$until"
    cat "$dir/hygiene.pem" "$dir/intermediate.pem" >"$dir/hygiene.chain.pem"
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -purpose sslserver "$dir/hygiene.pem" >/dev/null
}
