#!/usr/bin/env python3
"""Captures real server replies from `openssl s_server` on 127.0.0.1 into tests/data/*.bin.

Usage: python3 tools/capture_fixtures.py CERT KEY RSA_CERT RSA_KEY [CASE...]
(throwaway keys made with `openssl req -x509 -newkey ...`; they are not written to tests/data).
Each case starts one s_server, sends one hello built by the `hello_hex` example, keeps the first
reply bytes (at most 8 KiB, 3 s), then stops that server. Without CASE names every case is
captured again. The DHE cases use a 1024-bit group made here with `openssl dhparam` and the
RFC 7919 ffdhe2048 group (public parameters, not written to tests/data by themselves).
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

CERT, KEY, RSA_CERT, RSA_KEY = sys.argv[1:5]
ONLY = set(sys.argv[5:])
PORT = 44330
TMP = tempfile.mkdtemp(prefix="govscan-dh-")
DH1024 = os.path.join(TMP, "dh1024.pem")
FFDHE2048 = os.path.join(TMP, "ffdhe2048.pem")
subprocess.run(["openssl", "dhparam", "-out", DH1024, "1024"], check=True, capture_output=True)
subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                "-out", FFDHE2048], check=True, capture_output=True)

CASES = [
    # name, s_server args, hello_hex args
    ("tls12_ecdhe_ecdsa", ["-tls1_2"], ["tls12"]),
    ("tls13_x25519", ["-tls1_3"], ["tls13"]),
    ("tls13_hrr", ["-tls1_3"], ["tls13-nokeyshare"]),
    ("tls12_handshake_failure", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"], ["tls12", "c02f"]),
    ("tls13_only_gets_tls12_hello", ["-tls1_3"], ["tls12"]),
    ("tls10_rsa", ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", "RSA"], ["tls10"]),
    ("tls11_rsa", ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "RSA"], ["tls11"]),
    ("ssl3_refused", ["-tls1_2"], ["ssl3"]),
    ("ssl2_refused", [], ["ssl2"]),
    ("tls12_static_rsa", ["-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0", "RSA"], ["tls12", "002f", "c02f"]),
    # The whole first flight (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone) of a
    # DHE-RSA suite, for the ServerKeyExchange reader.
    ("tls12_dhe_rsa_1024", ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-dhparam", DH1024,
                            "RSA"], ["tls12", "009e"]),
    ("tls12_dhe_rsa_ffdhe2048", ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", FFDHE2048, "RSA"],
     ["tls12", "009e"]),
]


def hello(args):
    out = subprocess.run(["cargo", "run", "-q", "-p", "govscan-tls-hello", "--example", "hello_hex", "--", *args],
                         capture_output=True, text=True, check=True).stdout
    return bytes.fromhex(out.strip())


def capture(name, server_args, hello_args):
    cert, key = (RSA_CERT, RSA_KEY) if "RSA" in server_args else (CERT, KEY)
    server_args = [a for a in server_args if a != "RSA"]
    payload = hello(hello_args)
    proc = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{PORT}", "-cert", cert, "-key", key,
                             "-quiet", "-naccept", "1", *server_args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                sock = socket.create_connection(("127.0.0.1", PORT), timeout=0.2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"{name}: server did not start")
        with sock:
            sock.settimeout(3)
            sock.sendall(payload)
            data = b""
            deadline = time.time() + 3
            while len(data) < 8192 and time.time() < deadline:
                try:
                    chunk = sock.recv(8192 - len(data))
                except socket.timeout:
                    break
                if not chunk:
                    break
                data += chunk
                if data[:1] == b"\x15":
                    break
    finally:
        proc.kill()
        proc.wait()
    with open(f"tests/data/{name}.bin", "wb") as f:
        f.write(data)
    print(name, len(data), data[:12].hex())


for case in CASES:
    if not ONLY or case[0] in ONLY:
        capture(*case)
