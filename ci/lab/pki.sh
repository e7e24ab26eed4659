# shellcheck shell=bash
# Builds the lab PKI with the openssl CLI (sourced by ci/lab/start).
#
# make_pki DIR writes, under DIR:
#   ca.pem                    the root CA (the only trust anchor; give it to --ca-file)
#   intermediate.pem          the issuing CA (served by nginx after each leaf)
#   <name>.key, <name>.pem    leaf key and leaf certificate
#   <name>.chain.pem          leaf + intermediate, what nginx serves
# Leaves: good, expired (validity 2020-01-01..2021-01-01), other (SAN other.lab.test only,
# served by wrongname), nohsts, tls12only. All ECDSA P-256, SHA-256, serverAuth.
# The root and intermediate start in 2019 so that the expired leaf's chain was valid inside
# the leaf's own validity window (a checker can tell "expired" from "untrusted").

_lab_openssl_cnf() { echo "$(dirname "${BASH_SOURCE[0]}")/openssl-ca.cnf"; }

_lab_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; chmod 600 "$1"; }

# _lab_sign DIR CSR OUT EXTENSIONS ISSUER(root|intermediate|self) VALIDITY-ARGS...
_lab_sign() {
    local dir=$1 csr=$2 out=$3 ext=$4 issuer=$5
    shift 5
    local issuer_args=()
    case "$issuer" in
        self) issuer_args=(-selfsign -keyfile "$dir/root.key") ;;
        root) issuer_args=(-cert "$dir/ca.pem" -keyfile "$dir/root.key") ;;
        intermediate) issuer_args=(-cert "$dir/intermediate.pem" -keyfile "$dir/intermediate.key") ;;
    esac
    PKI_DIR=$dir LEAF_SAN=${LEAF_SAN:-DNS:unused.lab.test} \
        openssl ca -config "$(_lab_openssl_cnf)" -batch -notext -md sha256 \
        "${issuer_args[@]}" -extensions "$ext" -in "$csr" -out "$out" "$@" 2>"$dir/db/last-ca.log" \
        || { cat "$dir/db/last-ca.log" >&2; return 1; }
}

# _lab_csr DIR NAME SUBJECT
_lab_csr() {
    PKI_DIR=$1 LEAF_SAN=DNS:unused.lab.test openssl req -config "$(_lab_openssl_cnf)" -new -key "$1/$2.key" \
        -subj "$3" -out "$1/db/$2.csr"
}

# _lab_leaf DIR NAME DNS-NAME VALIDITY-ARGS...
_lab_leaf() {
    local dir=$1 name=$2 dns=$3
    shift 3
    _lab_key "$dir/$name.key"
    _lab_csr "$dir" "$name" "/O=govscan lab/CN=$dns"
    LEAF_SAN="DNS:$dns" _lab_sign "$dir" "$dir/db/$name.csr" "$dir/$name.pem" v3_leaf intermediate "$@"
    cat "$dir/$name.pem" "$dir/intermediate.pem" >"$dir/$name.chain.pem"
}

make_pki() {
    local dir=$1
    rm -rf "$dir"
    mkdir -p "$dir/db/new"
    : >"$dir/db/index.txt"
    local now_plus_10y now_plus_1y
    now_plus_10y=$(date -u -d '+10 years' +%Y%m%d%H%M%SZ)
    now_plus_1y=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)

    _lab_key "$dir/root.key"
    _lab_csr "$dir" root "/O=govscan lab/CN=govscan lab root CA"
    _lab_sign "$dir" "$dir/db/root.csr" "$dir/ca.pem" v3_root self \
        -startdate 20190101000000Z -enddate "$now_plus_10y"

    _lab_key "$dir/intermediate.key"
    _lab_csr "$dir" intermediate "/O=govscan lab/CN=govscan lab issuing CA"
    _lab_sign "$dir" "$dir/db/intermediate.csr" "$dir/intermediate.pem" v3_intermediate root \
        -startdate 20190102000000Z -enddate "$now_plus_10y"

    local since
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    _lab_leaf "$dir" good good.lab.test -startdate "$since" -enddate "$now_plus_1y"
    _lab_leaf "$dir" nohsts nohsts.lab.test -startdate "$since" -enddate "$now_plus_1y"
    _lab_leaf "$dir" tls12only tls12only.lab.test -startdate "$since" -enddate "$now_plus_1y"
    _lab_leaf "$dir" other other.lab.test -startdate "$since" -enddate "$now_plus_1y"
    _lab_leaf "$dir" expired expired.lab.test -startdate 20200101000000Z -enddate 20210101000000Z

    # Self-check: every leaf chains to the root; the expired one only when judged in 2020.
    local leaf
    for leaf in good nohsts tls12only other; do
        openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
            -purpose sslserver "$dir/$leaf.pem" >/dev/null
    done
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -attime 1590000000 "$dir/expired.pem" >/dev/null
    if openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        "$dir/expired.pem" >/dev/null 2>&1; then
        echo "error: the expired leaf verifies as valid now" >&2
        return 1
    fi
}
