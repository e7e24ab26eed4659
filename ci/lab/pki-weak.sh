# shellcheck shell=bash
# Certificates for the TLS-hygiene lab profiles (sourced by ci/lab/start after make_pki).
#
# make_tls_pki DIR writes, under DIR (which already holds the lab CA from pki.sh):
#   legacy      RSA-2048 leaf (static-RSA suites need an RSA key)        + intermediate
#   tls13only   ECDSA P-256 leaf                                         + intermediate
#   selfsigned  self-signed ECDSA P-256 leaf, no chain
#   weakkey     RSA-1024 leaf                                            + intermediate
#   sha1        ECDSA P-256 leaf signed with ecdsa-with-SHA1             + intermediate
#   nointer     ECDSA P-256 leaf served WITHOUT its intermediate (nointer.pem only)
#   expiring    ECDSA P-256 leaf that expires 3 days after start-up      + intermediate
#   dualrsa / dualec  RSA-2048 and ECDSA P-256 leaves for dual.lab.test  + intermediate
# Leaves are made with `openssl x509 -req` and an extension file, so the digest, key type and
# validity can differ per leaf; all are for <name>.lab.test.

# _tls_ext DNS: the leaf extensions (keyEncipherment too, so static-RSA clients accept RSA leaves;
# the CRL distribution point of every lab leaf, ci/lab/pki-revocation.sh).
_tls_ext() {
    printf '%s\n' "basicConstraints=critical,CA:false" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid:always" "subjectAltName=DNS:$1" \
        "crlDistributionPoints=URI:http://crl.lab.test/issuing.crl"
}

# _tls_leaf DIR NAME DNS KEY(ec|rsa:BITS) DIGEST DAYS
_tls_leaf() {
    local dir=$1 name=$2 dns=$3 key=$4 digest=$5 days=$6
    local newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
    [ "$key" = ec ] || newkey=(-newkey "$key")
    openssl req -new "${newkey[@]}" -nodes -keyout "$dir/$name.key" -subj "/O=govscan lab/CN=$dns" \
        -out "$dir/db/$name.csr" 2>/dev/null
    chmod 600 "$dir/$name.key"
    _tls_ext "$dns" >"$dir/db/$name.ext"
    openssl x509 -req -in "$dir/db/$name.csr" -CA "$dir/intermediate.pem" -CAkey "$dir/intermediate.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days "$days" "-$digest" -extfile "$dir/db/$name.ext" \
        -out "$dir/$name.pem" 2>"$dir/db/$name.log" || { cat "$dir/db/$name.log" >&2; return 1; }
    cat "$dir/$name.pem" "$dir/intermediate.pem" >"$dir/$name.chain.pem"
}

make_tls_pki() {
    local dir=$1
    _tls_leaf "$dir" legacy legacy.lab.test rsa:2048 sha256 200
    _tls_leaf "$dir" tls13only tls13only.lab.test ec sha256 200
    _tls_leaf "$dir" weakkey weakkey.lab.test rsa:1024 sha256 200
    _tls_leaf "$dir" sha1 sha1.lab.test ec sha1 200
    _tls_leaf "$dir" nointer nointer.lab.test ec sha256 200
    _tls_leaf "$dir" expiring expiring.lab.test ec sha256 3
    _tls_leaf "$dir" dualrsa dual.lab.test rsa:2048 sha256 200
    _tls_leaf "$dir" dualec dual.lab.test ec sha256 200
    _tls_ext selfsigned.lab.test | grep -v authorityKeyIdentifier >"$dir/db/selfsigned.ext"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 200 -sha256 \
        -keyout "$dir/selfsigned.key" -subj "/O=govscan lab/CN=selfsigned.lab.test" \
        -addext "subjectAltName=DNS:selfsigned.lab.test" -addext "extendedKeyUsage=serverAuth" \
        -out "$dir/selfsigned.pem" 2>/dev/null
    chmod 600 "$dir/selfsigned.key"

    # Self-check: the chained leaves verify (SHA-1 and RSA-1024 only at security level 0).
    local leaf
    for leaf in legacy tls13only nointer expiring dualrsa dualec; do
        openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" "$dir/$leaf.pem" >/dev/null
    done
    for leaf in weakkey sha1; do
        openssl verify -auth_level 0 -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" \
            "$dir/$leaf.pem" >/dev/null
    done
    openssl x509 -in "$dir/sha1.pem" -noout -text | grep -q 'Signature Algorithm: ecdsa-with-SHA1'
    openssl x509 -in "$dir/weakkey.pem" -noout -text | grep -q 'Public-Key: (1024 bit)'
}
