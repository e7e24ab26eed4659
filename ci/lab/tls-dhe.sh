# shellcheck shell=bash
# DHE and TLS 1.0-only profiles of the lab (issue 10 §3), sourced by ci/lab/start after
# pki.sh and pki-weak.sh (it uses _tls_leaf from pki-weak.sh).
#
# make_dhe_pki DIR writes, under DIR (which already holds the lab CA):
#   dhe1024, dhe2048, dhe3072, tlsx10   RSA-2048 leaves (DHE-RSA suites need an RSA key) + intermediate
#   dhe1024.dh    a 1024-bit DH group made now with `openssl dhparam 1024` (a custom prime)
#   dhe2048.dh    the RFC 7919 ffdhe2048 group (OpenSSL's built-in copy; Mozilla's choice)
#   dhe3072.dh    the RFC 7919 ffdhe3072 group
# DH parameters are public; they are regenerated on every start like the keys.

make_dhe_pki() {
    local dir=$1 name
    for name in dhe1024 dhe2048 dhe3072 tlsx10; do
        _tls_leaf "$dir" "$name" "$name.lab.test" rsa:2048 sha256 200
        openssl verify -CAfile "$dir/ca.pem" -untrusted "$dir/intermediate.pem" "$dir/$name.pem" >/dev/null
    done
    openssl dhparam -out "$dir/dhe1024.dh" 1024 2>/dev/null
    openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$dir/dhe2048.dh"
    openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 -out "$dir/dhe3072.dh"
    # Self-check: the sizes nginx will serve.
    openssl pkeyparam -in "$dir/dhe1024.dh" -text -noout | grep -q '(1024 bit)'
    openssl pkeyparam -in "$dir/dhe2048.dh" -text -noout | grep -q 'GROUP: ffdhe2048'
    openssl pkeyparam -in "$dir/dhe3072.dh" -text -noout | grep -q 'GROUP: ffdhe3072'
}
