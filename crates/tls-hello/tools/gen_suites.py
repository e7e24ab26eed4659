#!/usr/bin/env python3
"""Regenerates src/suites/table.rs from IANA cipher-suite names.

Input: `openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'` (ids, IANA names and the
lowest protocol version OpenSSL allows each suite on) plus the EXTRA list below, which holds the
legacy suites modern OpenSSL builds no longer know (RC4, DES, 3DES, EXPORT, static DH/ECDH, ...).
Every other column is derived from the IANA name, so the table cannot disagree with the names.
Usage: python3 tools/gen_suites.py > src/suites/table.rs && cargo fmt -p govscan-tls-hello
"""
import re
import subprocess

EXTRA = """
0x0000 TLS_NULL_WITH_NULL_NULL SSLv3
0x0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5 SSLv3
0x0004 TLS_RSA_WITH_RC4_128_MD5 SSLv3
0x0005 TLS_RSA_WITH_RC4_128_SHA SSLv3
0x0006 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5 SSLv3
0x0007 TLS_RSA_WITH_IDEA_CBC_SHA SSLv3
0x0008 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x0009 TLS_RSA_WITH_DES_CBC_SHA SSLv3
0x000A TLS_RSA_WITH_3DES_EDE_CBC_SHA SSLv3
0x000B TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x000C TLS_DH_DSS_WITH_DES_CBC_SHA SSLv3
0x000D TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA SSLv3
0x000E TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x000F TLS_DH_RSA_WITH_DES_CBC_SHA SSLv3
0x0010 TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA SSLv3
0x0011 TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x0012 TLS_DHE_DSS_WITH_DES_CBC_SHA SSLv3
0x0013 TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA SSLv3
0x0014 TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x0015 TLS_DHE_RSA_WITH_DES_CBC_SHA SSLv3
0x0016 TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA SSLv3
0x0017 TLS_DH_anon_EXPORT_WITH_RC4_40_MD5 SSLv3
0x0018 TLS_DH_anon_WITH_RC4_128_MD5 SSLv3
0x0019 TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA SSLv3
0x001A TLS_DH_anon_WITH_DES_CBC_SHA SSLv3
0x001B TLS_DH_anon_WITH_3DES_EDE_CBC_SHA SSLv3
0x0030 TLS_DH_DSS_WITH_AES_128_CBC_SHA SSLv3
0x0031 TLS_DH_RSA_WITH_AES_128_CBC_SHA SSLv3
0x0036 TLS_DH_DSS_WITH_AES_256_CBC_SHA SSLv3
0x0037 TLS_DH_RSA_WITH_AES_256_CBC_SHA SSLv3
0x008A TLS_PSK_WITH_RC4_128_SHA SSLv3
0x008B TLS_PSK_WITH_3DES_EDE_CBC_SHA SSLv3
0x0096 TLS_RSA_WITH_SEED_CBC_SHA SSLv3
0x009A TLS_DHE_RSA_WITH_SEED_CBC_SHA SSLv3
0xC001 TLS_ECDH_ECDSA_WITH_NULL_SHA TLSv1
0xC002 TLS_ECDH_ECDSA_WITH_RC4_128_SHA TLSv1
0xC003 TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA TLSv1
0xC004 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA TLSv1
0xC005 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA TLSv1
0xC007 TLS_ECDHE_ECDSA_WITH_RC4_128_SHA TLSv1
0xC008 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA TLSv1
0xC00B TLS_ECDH_RSA_WITH_NULL_SHA TLSv1
0xC00C TLS_ECDH_RSA_WITH_RC4_128_SHA TLSv1
0xC00D TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA TLSv1
0xC00E TLS_ECDH_RSA_WITH_AES_128_CBC_SHA TLSv1
0xC00F TLS_ECDH_RSA_WITH_AES_256_CBC_SHA TLSv1
0xC011 TLS_ECDHE_RSA_WITH_RC4_128_SHA TLSv1
0xC012 TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA TLSv1
0xC016 TLS_ECDH_anon_WITH_RC4_128_SHA TLSv1
0xC017 TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA TLSv1
0xC025 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 TLSv1.2
0xC026 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 TLSv1.2
0xC029 TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 TLSv1.2
0xC02A TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 TLSv1.2
0xC02D TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256 TLSv1.2
0xC02E TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384 TLSv1.2
0xC031 TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256 TLSv1.2
0xC032 TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384 TLSv1.2
0xC07A TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256 TLSv1.2
0xC07B TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384 TLSv1.2
0xC07C TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 TLSv1.2
0xC07D TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 TLSv1.2
0xC086 TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 TLSv1.2
0xC087 TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 TLSv1.2
0xC08A TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 TLSv1.2
0xC08B TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 TLSv1.2
0x1304 TLS_AES_128_CCM_SHA256 TLSv1.3
0x1305 TLS_AES_128_CCM_8_SHA256 TLSv1.3
"""

KX = {
    "RSA": ("Rsa", "Rsa"), "DH_DSS": ("Dh", "Dss"), "DH_RSA": ("Dh", "Rsa"),
    "DHE_DSS": ("Dhe", "Dss"), "DHE_RSA": ("Dhe", "Rsa"), "DH_anon": ("DhAnon", "Anonymous"),
    "ECDH_ECDSA": ("Ecdh", "Ecdsa"), "ECDH_RSA": ("Ecdh", "Rsa"),
    "ECDHE_ECDSA": ("Ecdhe", "Ecdsa"), "ECDHE_RSA": ("Ecdhe", "Rsa"),
    "ECDH_anon": ("EcdhAnon", "Anonymous"), "PSK": ("Psk", "Psk"), "DHE_PSK": ("DhePsk", "Psk"),
    "PSK_DHE": ("DhePsk", "Psk"), "RSA_PSK": ("RsaPsk", "Psk"), "ECDHE_PSK": ("EcdhePsk", "Psk"),
    "SRP_SHA": ("Srp", "Srp"), "SRP_SHA_RSA": ("Srp", "Rsa"), "SRP_SHA_DSS": ("Srp", "Dss"),
    "NULL": ("Null", "Anonymous"),
}
CIPHERS = {
    "NULL": "Null", "RC4_40": "Rc4_40", "RC4_128": "Rc4_128", "RC2_CBC_40": "Rc2Cbc40",
    "IDEA_CBC": "IdeaCbc", "DES40_CBC": "Des40Cbc", "DES_CBC": "DesCbc",
    "3DES_EDE_CBC": "TripleDesCbc", "SEED_CBC": "SeedCbc",
    "AES_128_CBC": "Aes128Cbc", "AES_256_CBC": "Aes256Cbc",
    "AES_128_GCM": "Aes128Gcm", "AES_256_GCM": "Aes256Gcm",
    "AES_128_CCM": "Aes128Ccm", "AES_256_CCM": "Aes256Ccm",
    "AES_128_CCM_8": "Aes128Ccm8", "AES_256_CCM_8": "Aes256Ccm8",
    "CAMELLIA_128_CBC": "Camellia128Cbc", "CAMELLIA_256_CBC": "Camellia256Cbc",
    "CAMELLIA_128_GCM": "Camellia128Gcm", "CAMELLIA_256_GCM": "Camellia256Gcm",
    "ARIA_128_CBC": "Aria128Cbc", "ARIA_256_CBC": "Aria256Cbc",
    "ARIA_128_GCM": "Aria128Gcm", "ARIA_256_GCM": "Aria256Gcm",
    "CHACHA20_POLY1305": "ChaCha20Poly1305",
}
MACS = {"MD5": "Md5", "SHA": "Sha1", "SHA256": "Sha256", "SHA384": "Sha384"}
VERSIONS = {"SSLv3": "Ssl3", "TLSv1": "Tls10", "TLSv1.0": "Tls10", "TLSv1.2": "Tls12",
            "TLSv1.3": "Tls13"}


def mode_of(cipher):
    if cipher == "Null":
        return "Null"
    if cipher.startswith("Rc4"):
        return "Stream"
    if any(k in cipher for k in ("Gcm", "Ccm", "Poly1305")):
        return "Aead"
    return "Cbc"


def row(ident, name, since):
    export = "_EXPORT_" in name
    plain = name.replace("_EXPORT", "")
    m13 = re.fullmatch(r"TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305|AES_128_CCM|AES_128_CCM_8)_(SHA256|SHA384)", plain)
    if plain == "TLS_NULL_WITH_NULL_NULL":
        return (ident, name, "Null", "Anonymous", "Null", "Null", "Null", False, VERSIONS[since])
    if m13:
        kx, au, cipher = "Tls13", "Tls13", CIPHERS[m13.group(1)]
        mac = "Aead"
    else:
        m = re.fullmatch(r"TLS_(.+)_WITH_(.+?)(?:_(MD5|SHA|SHA256|SHA384))?", plain)
        assert m, name
        kx, au = KX[m.group(1)]
        cipher = CIPHERS[m.group(2)]
        mac = "Aead" if mode_of(cipher) == "Aead" else MACS[m.group(3) or "SHA"]
    return (ident, name, kx, au, cipher, mode_of(cipher), mac, export, VERSIONS[since])


def main():
    rows = {}
    out = subprocess.run(["openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        hi, lo = parts[0].split(",")
        ident = (int(hi, 16) << 8) | int(lo, 16)
        rows[ident] = row(ident, parts[2], parts[5])
    for line in EXTRA.strip().splitlines():
        ident, name, since = line.split()
        rows[int(ident, 16)] = row(int(ident, 16), name, since)
    print("// @generated by tools/gen_suites.py; edit the generator, not this file.")
    print("//! The cipher-suite rows, sorted by id (generated by `tools/gen_suites.py`).")
    print()
    print("use super::{Authentication, Cipher, CipherMode, CipherSuite, KeyExchange, Mac};")
    print("use crate::ProtocolVersion;")
    print()
    print("/// Every known suite, sorted by id so lookups can binary-search.")
    print(f"pub(super) static SUITES: [CipherSuite; {len(rows)}] = [")
    for ident in sorted(rows):
        i, name, kx, au, cipher, mode, mac, export, since = rows[ident]
        print(f"    CipherSuite {{ id: 0x{i:04X}, name: \"{name}\", key_exchange: KeyExchange::{kx}, "
              f"authentication: Authentication::{au}, cipher: Cipher::{cipher}, mode: CipherMode::{mode}, "
              f"mac: Mac::{mac}, export: {str(export).lower()}, since: ProtocolVersion::{since} }},")
    print("];")


main()
