# shellcheck shell=bash
# Revocation for the lab PKI (issue 10 §1), sourced by ci/lab/start after the other PKI
# functions (they all share the issuing CA and its database).
#
# make_revocation_pki DIR writes, under DIR (the run/pki directory of make_pki):
#   <name>.{key,pem,chain.pem}  leaves: revokedstaple, revokedcrl, ocspstaple, ocspdown,
#                               revokedocsp (see ci/lab/README.md, "Revocation")
#   ocsp-signer.{key,pem}       the issuing CA's delegated OCSP responder (id-kp-OCSPSigning)
#   revocation/issuing.crl      the issuing CA's CRL (DER, `openssl ca -gencrl`), served on
#                               http://crl.lab.test/issuing.crl; lists revokedstaple,
#                               revokedcrl and revokedocsp
#   revocation/<name>.ocsp.der  OCSP responses made by `openssl ocsp` and signed by the issuing
#                               CA itself, stapled by nginx (ssl_stapling_file): revoked for
#                               revokedstaple, good for ocspstaple
# The live responder (ocsp-responder.py + openssl ocsp, started by ci/lab/start) answers from
# the same database, signing with the delegated responder.

# _lab_ca_op DIR ARGS...: `openssl ca` as the issuing CA (revoke, gencrl).
_lab_ca_op() {
    local dir=$1
    shift
    PKI_DIR=$dir LEAF_SAN=DNS:unused.lab.test \
        openssl ca -config "$(_lab_openssl_cnf)" -batch -md sha256 \
        -cert "$dir/intermediate.pem" -keyfile "$dir/intermediate.key" "$@" \
        2>"$dir/db/last-ca.log" || { cat "$dir/db/last-ca.log" >&2; return 1; }
}

# _lab_ext_leaf DIR NAME DNS-NAME EXTENSIONS: a one-year leaf from yesterday with EXTENSIONS.
_lab_ext_leaf() {
    local dir=$1 name=$2 dns=$3 ext=$4 since until
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    _lab_key "$dir/$name.key"
    _lab_csr "$dir" "$name" "/O=govscan lab/CN=$dns"
    LEAF_SAN="DNS:$dns" _lab_sign "$dir" "$dir/db/$name.csr" "$dir/$name.pem" "$ext" intermediate \
        -startdate "$since" -enddate "$until"
    cat "$dir/$name.pem" "$dir/intermediate.pem" >"$dir/$name.chain.pem"
}

# _lab_staple DIR NAME: DIR/revocation/NAME.ocsp.der, the issuing CA's answer for NAME.pem.
_lab_staple() {
    local dir=$1 name=$2
    openssl ocsp -issuer "$dir/intermediate.pem" -cert "$dir/$name.pem" -no_nonce \
        -reqout "$dir/db/$name.ocsp-req.der" >/dev/null 2>&1
    openssl ocsp -index "$dir/db/index.txt" -CA "$dir/intermediate.pem" \
        -rsigner "$dir/intermediate.pem" -rkey "$dir/intermediate.key" -ndays 7 \
        -reqin "$dir/db/$name.ocsp-req.der" -respout "$dir/revocation/$name.ocsp.der" \
        >/dev/null 2>"$dir/db/last-ca.log" || { cat "$dir/db/last-ca.log" >&2; return 1; }
}

make_revocation_pki() {
    local dir=$1
    mkdir -p "$dir/revocation"
    _lab_ext_leaf "$dir" revokedstaple revokedstaple.lab.test v3_leaf_ocsp
    _lab_ext_leaf "$dir" revokedcrl revokedcrl.lab.test v3_leaf
    _lab_ext_leaf "$dir" ocspstaple ocspstaple.lab.test v3_leaf_ocsp
    _lab_ext_leaf "$dir" ocspdown ocspdown.lab.test v3_leaf_ocsp_dead
    _lab_ext_leaf "$dir" revokedocsp revokedocsp.lab.test v3_leaf_ocsp_only

    local since until
    since=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    until=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    _lab_key "$dir/ocsp-signer.key"
    _lab_csr "$dir" ocsp-signer "/O=govscan lab/CN=govscan lab OCSP responder"
    _lab_sign "$dir" "$dir/db/ocsp-signer.csr" "$dir/ocsp-signer.pem" v3_ocsp_signer intermediate \
        -startdate "$since" -enddate "$until"

    _lab_ca_op "$dir" -revoke "$dir/revokedstaple.pem" -crl_reason keyCompromise
    _lab_ca_op "$dir" -revoke "$dir/revokedcrl.pem" -crl_reason superseded
    _lab_ca_op "$dir" -revoke "$dir/revokedocsp.pem" -crl_reason keyCompromise
    echo 1000 >"$dir/db/crlnumber"
    _lab_ca_op "$dir" -gencrl -out "$dir/revocation/issuing.crl.pem"
    openssl crl -in "$dir/revocation/issuing.crl.pem" -outform DER -out "$dir/revocation/issuing.crl"
    _lab_staple "$dir" revokedstaple
    _lab_staple "$dir" ocspstaple
    # The worker processes of nginx (user nobody) serve the CRL.
    chmod 755 "$dir/revocation"
    chmod 644 "$dir/revocation/issuing.crl"

    # Self-check with OpenSSL's own CRL and OCSP readers.
    local crl_args=(-crl_check -CRLfile "$dir/revocation/issuing.crl.pem" -CAfile "$dir/ca.pem"
        -untrusted "$dir/intermediate.pem")
    openssl verify "${crl_args[@]}" "$dir/ocspstaple.pem" >/dev/null
    openssl verify "${crl_args[@]}" "$dir/good.pem" >/dev/null
    if openssl verify "${crl_args[@]}" "$dir/revokedcrl.pem" >/dev/null 2>&1; then
        echo "error: revokedcrl.pem is not revoked by the lab CRL" >&2
        return 1
    fi
    openssl ocsp -respin "$dir/revocation/revokedstaple.ocsp.der" -issuer "$dir/intermediate.pem" \
        -cert "$dir/revokedstaple.pem" -CAfile "$dir/ca.pem" -verify_other "$dir/intermediate.pem" \
        2>/dev/null | grep -q ': revoked' ||
        { echo "error: the revokedstaple OCSP response does not say revoked" >&2; return 1; }
    openssl ocsp -respin "$dir/revocation/ocspstaple.ocsp.der" -issuer "$dir/intermediate.pem" \
        -cert "$dir/ocspstaple.pem" -CAfile "$dir/ca.pem" -verify_other "$dir/intermediate.pem" \
        2>/dev/null | grep -q ': good' ||
        { echo "error: the ocspstaple OCSP response does not say good" >&2; return 1; }
}

# start_ocsp_responder RUN: the live OCSP responder on ocsp.lab.test (127.10.10.2:80), in the
# background (ci/lab/ocsp-responder.py: OpenSSL answers each request); pid in
# RUN/revocation/ocsp.pid. Waits (bounded) until it is ready.
start_ocsp_responder() {
    local run=$1
    mkdir -p "$run/revocation"
    rm -f "$run/revocation/ready"
    python3 "$(dirname "${BASH_SOURCE[0]}")/ocsp-responder.py" 127.10.10.2 80 "$run/pki" \
        "$run/revocation/ready" >"$run/revocation/ocsp.log" 2>&1 &
    echo $! >"$run/revocation/ocsp.pid"
    for _ in $(seq 1 50); do
        [ -f "$run/revocation/ready" ] && return 0
        kill -0 "$(cat "$run/revocation/ocsp.pid")" 2>/dev/null || break
        sleep 0.2
    done
    echo "error: the OCSP responder did not start:" >&2
    cat "$run/revocation/ocsp.log" >&2
    return 1
}

# stop_ocsp_responder RUN: TERM the responder named by the pid file, only if it really is
# ocsp-responder.py (a stale pid file may name a reused pid).
stop_ocsp_responder() {
    local pidfile=$1/revocation/ocsp.pid pid
    [ -f "$pidfile" ] || return 0
    pid=$(tr -dc '0-9' <"$pidfile")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "ocsp-responder.py"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 25); do
            [ -d "/proc/$pid" ] || break
            sleep 0.2
        done
        [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
        echo "lab: stopped the OCSP responder (pid $pid)"
    fi
    rm -f "$pidfile" "$1/revocation/ready"
}
