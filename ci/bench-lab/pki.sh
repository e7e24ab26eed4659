# shellcheck shell=bash
# Builds the scale lab's PKI with the openssl CLI (sourced by ci/bench-lab/start).
#
# make_bench_pki DIR writes, under DIR:
#   ca.pem               the bench root CA (give it to --ca-file / --certinfo_ca_file)
#   intermediate.pem     the issuing CA
#   wildcard.key         leaf key (ECDSA P-256)
#   wildcard.chain.pem   leaf for *.bench.test (+ bench.test) followed by the intermediate:
#                        what nginx serves for every site, as a real estate on one wildcard would
# make_bench_pki DIR ZONES (ZONES > 1) also names *.bench1.test .. *.benchZONES.test.
make_bench_pki() {
    local dir=$1 zones=${2:-1} san="DNS:*.bench.test,DNS:bench.test" z
    rm -rf "$dir"
    mkdir -p "$dir"
    local key
    for key in root intermediate wildcard; do
        openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$key.key" 2>/dev/null
        chmod 600 "$dir/$key.key"
    done
    openssl req -new -x509 -sha256 -days 3650 -key "$dir/root.key" \
        -subj "/O=govscan bench/CN=govscan bench root CA" \
        -addext "basicConstraints=critical,CA:true" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/ca.pem" 2>/dev/null
    openssl req -new -key "$dir/intermediate.key" \
        -subj "/O=govscan bench/CN=govscan bench issuing CA" -out "$dir/intermediate.csr" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:true,pathlen:0" \
        "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid:always" >"$dir/intermediate.ext"
    openssl x509 -req -sha256 -days 3000 -in "$dir/intermediate.csr" -CA "$dir/ca.pem" \
        -CAkey "$dir/root.key" -CAcreateserial -extfile "$dir/intermediate.ext" \
        -out "$dir/intermediate.pem" 2>/dev/null
    openssl req -new -key "$dir/wildcard.key" \
        -subj "/O=govscan bench/CN=*.bench.test" -out "$dir/wildcard.csr" 2>/dev/null
    if [ "$zones" -gt 1 ]; then
        for z in $(seq 1 "$zones"); do san="$san,DNS:*.bench$z.test"; done
    fi
    printf '%s\n' "basicConstraints=critical,CA:false" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid:always" "subjectAltName=$san" \
        >"$dir/wildcard.ext"
    openssl x509 -req -sha256 -days 365 -in "$dir/wildcard.csr" -CA "$dir/intermediate.pem" \
        -CAkey "$dir/intermediate.key" -CAcreateserial -extfile "$dir/wildcard.ext" \
        -out "$dir/wildcard.pem" 2>/dev/null
    cat "$dir/wildcard.pem" "$dir/intermediate.pem" >"$dir/wildcard.chain.pem"
    openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
        -purpose sslserver "$dir/wildcard.pem" >/dev/null
}
