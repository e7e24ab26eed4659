#!/usr/bin/env python3
"""The lab's live OCSP responder (issue 10 §1): ocsp.lab.test, 127.10.10.2:80.

OpenSSL answers every request: each OCSPRequest goes to `openssl ocsp -index ... -reqin
-respout` (the issuing CA's database; the delegated responder certificate signs). This script
only speaks HTTP: GET with the URL-encoded base64 request as the path (RFC 6960 Appendix A.1)
and POST with an application/ocsp-request body. It exists because `openssl ocsp -port`
(OpenSSL 3.0) binds every address of its port and spins at full CPU, forever, on a connection
that closes without sending a request (any port check does that).

Usage: ocsp-responder.py ADDRESS PORT PKI_DIR READY_FILE
"""
import base64
import http.server
import pathlib
import subprocess
import sys
import tempfile
import urllib.parse

MAX_REQUEST = 64 * 1024


class Responder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    timeout = 5
    pki = pathlib.Path(".")

    def do_GET(self):  # noqa: N802 (http.server's naming)
        encoded = urllib.parse.unquote(self.path.lstrip("/"))
        try:
            request = base64.b64decode(encoded, validate=True)
        except ValueError:
            return self.reply(400, b"not a base64 OCSP request\n", "text/plain")
        self.answer(request)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST:
            return self.reply(400, b"bad Content-Length\n", "text/plain")
        self.answer(self.rfile.read(length))

    def answer(self, request):
        with tempfile.TemporaryDirectory() as tmp:
            req = pathlib.Path(tmp) / "req.der"
            resp = pathlib.Path(tmp) / "resp.der"
            req.write_bytes(request)
            pki = self.pki
            done = subprocess.run(
                ["openssl", "ocsp", "-index", str(pki / "db/index.txt"), "-CA", str(pki / "intermediate.pem"),
                 "-rsigner", str(pki / "ocsp-signer.pem"), "-rkey", str(pki / "ocsp-signer.key"), "-ndays", "1",
                 "-reqin", str(req), "-respout", str(resp)],
                capture_output=True, timeout=10)
            if done.returncode != 0 or not resp.exists():
                # OpenSSL could not read the request: RFC 6960 malformedRequest.
                return self.reply(200, bytes([0x30, 0x03, 0x0A, 0x01, 0x01]), "application/ocsp-response")
            self.reply(200, resp.read_bytes(), "application/ocsp-response")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("ocsp-responder: %s %s\n" % (self.address_string(), fmt % args))


def main():
    address, port, pki, ready = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
    Responder.pki = pki
    server = http.server.ThreadingHTTPServer((address, port), Responder)
    server.daemon_threads = True
    ready.write_text("ready\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
