#!/usr/bin/env python3
"""Hostile servers for the govscan lab: one misbehaving profile per loopback address.

Web profiles listen on ports 80 and 443 of 127.10.3.x; a DNS server on 127.10.3.53:53 (UDP
and TCP) answers for hostile.test. itself and forwards every other name to the lab's Knot
server, so one scan with --resolver 127.10.3.53 reaches both the hostile and the good hosts.
See ci/lab/README.md ("Hostile servers"). Standard library only; every connection and every
byte sent is bounded so the lab itself stays cheap.

usage: server.py RUN_DIR   (RUN_DIR holds cert.pem/key.pem and absurd.pem/absurd.key)
"""

import asyncio
import os
import signal
import socket
import ssl
import struct
import sys

UPSTREAM = ("127.10.0.53", 53)
DNS_ADDR = "127.10.3.53"
ZONE = "hostile.test"

# name -> (address, profile)
WEB = {
    "tarpit": ("127.10.3.1", "tarpit"),
    "drip": ("127.10.3.2", "drip"),
    "endless": ("127.10.3.3", "endless"),
    "bigheader": ("127.10.3.4", "bigheader"),
    "redirects": ("127.10.3.5", "redirects"),
    "garbage": ("127.10.3.6", "garbage"),
    "truncated": ("127.10.3.7", "truncated"),
    "absurdcert": ("127.10.3.8", "absurdcert"),
}
# Where dns-huge's thousands of A records point (nothing listens there).
HUGE_A = "127.10.3.250"

# ---- issue 11 profiles (127.10.16.x) --------------------------------------------------------
# Silent servers that many.hostile.test's thousands of A records point at (80/443 tarpits).
MANY_ADDRESSES = ["127.10.16.%d" % i for i in range(10, 110)]
MANY_RECORDS = 2000  # A records in one answer (TCP), cycling over MANY_ADDRESSES
# The "blocked" address: the hostile scan allows 127.10.16.0/25 but not this one; 80/443 log
# every connection to RUN_DIR/contacted.log (the scan must make none).
WATCHED = "127.10.16.200"
PLAIN = "127.10.16.2"  # an ordinary web server (sts-blocked's own address)
PAIRS = "127.10.16.3"  # apex -> www redirect pairs, all four names on this one address
SLOWTLS = "127.10.16.4"  # answers hand-built hellos one byte-sized record a millisecond
# bloat.hostile.test: 16 addresses, each a redirect chain of 60 KB headers of non-UTF-8 bytes
# and a 64 KiB security.txt of control characters (which JSON escapes six-fold).
BLOAT_ADDRESSES = ["127.10.16.%d" % i for i in range(110, 126)]
BLOAT_HEADER = 60_000
# Exact names answered by the hostile DNS server: name -> {qtype: [rdata, ...]}.
A, AAAA, MX, TXT = 1, 28, 15, 16
EXACT = {
    "blocked-loopback.hostile.test": {A: [WATCHED]},
    "blocked-zero.hostile.test": {A: ["0.0.0.0"]},
    "blocked-cloud.hostile.test": {
        A: ["169.254.169.254", "168.63.129.16"],
        AAAA: ["fd00:ec2::254"],
    },
    "blocked-mapped.hostile.test": {
        A: ["10.16.0.1", "100.64.16.1", "192.0.0.170", "198.18.16.1"],
        AAAA: ["::ffff:127.10.16.200", "64:ff9b::7f0a:10c8", "64:ff9b:1::a10:1", "fc16::1"],
    },
    "sts-blocked.hostile.test": {
        A: [PLAIN],
        MX: [(10, "mail.sts-blocked.hostile.test")],
        TXT: ["v=spf1 -all"],
    },
    "mail.sts-blocked.hostile.test": {A: [PLAIN]},
    "_mta-sts.sts-blocked.hostile.test": {TXT: ["v=STSv1; id=20261201"]},
    "mta-sts.sts-blocked.hostile.test": {A: [WATCHED]},
    "pair1.hostile.test": {A: [PAIRS]},
    "www.pair1.hostile.test": {A: [PAIRS]},
    "pair2.hostile.test": {A: [PAIRS]},
    "www.pair2.hostile.test": {A: [PAIRS]},
    "slowtls.hostile.test": {A: [SLOWTLS]},
    "bloat.hostile.test": {A: BLOAT_ADDRESSES},
}
SLOWTLS_SECONDS = 30  # longest drip of one connection
SLOWTLS_BYTES = 64 * 1024  # and at most this many bytes
PAIR_REQUESTS = 100  # requests served on one keep-alive connection

# Bounds on what the lab itself spends.
MAX_HELD = 256  # connections the tarpit holds at once
HOLD_SECONDS = 120  # how long one held connection lasts
DRIP_SECONDS = 120  # longest drip
ENDLESS_BYTES = 1 << 30  # "endless" body stops after 1 GiB
REDIRECT_HOPS = 10_000
LATE_SECONDS = 15  # dns-late answers after this

held = asyncio.Semaphore(MAX_HELD)


async def read_request(reader):
    """Reads one request head (bounded); returns the path or None."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
        return None
    parts = head.split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 1 else "/"


async def close(writer):
    try:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 2)
    except (asyncio.TimeoutError, OSError, ssl.SSLError):
        pass


async def http(profile, reader, writer):
    """One HTTP connection (plain or already TLS-wrapped) of a web profile."""
    try:
        if profile == "tarpit":
            async with held:
                await asyncio.sleep(HOLD_SECONDS)
            return
        if profile == "pair":
            await pair(reader, writer)
            return
        path = await read_request(reader)
        if path is None:
            return
        if profile == "drip":
            reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            for i in range(min(len(reply), DRIP_SECONDS)):
                writer.write(reply[i : i + 1])
                await writer.drain()
                await asyncio.sleep(1)
        elif profile == "endless":
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
            for _ in range(ENDLESS_BYTES // 65536):
                writer.write(chunk)
                await writer.drain()
        elif profile == "bigheader":
            writer.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n")
            writer.write(b"Content-Length: 0\r\n\r\n")
            await writer.drain()
        elif profile == "redirects":
            n = int(path[3:]) if path.startswith("/r/") and path[3:].isdigit() else 0
            if n >= REDIRECT_HOPS:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                writer.write(
                    b"HTTP/1.1 301 Moved Permanently\r\nLocation: /r/%d\r\n"
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n" % (n + 1)
                )
            await writer.drain()
        else:  # absurdcert, and port 80 of the TLS-garbage profiles: a plain answer
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        pass
    finally:
        await close(writer)


def host_of(head):
    """The Host header of a request head, lower case, without port."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"host":
            return value.strip().decode("latin-1").lower().rsplit(":", 1)[0]
    return ""


async def pair(reader, writer):
    """apex -> 301 www on the same address, keep-alive: the probe's connection stays open."""
    for _ in range(PAIR_REQUESTS):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        host = host_of(head)
        scheme = "https" if writer.get_extra_info("sslcontext") else "http"
        if host.startswith("www."):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        else:
            location = "%s://www.%s/" % (scheme, host)
            writer.write(
                b"HTTP/1.1 301 Moved Permanently\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
                % location.encode()
            )
        await writer.drain()


async def bloat(reader, writer):
    """Keep-alive: every path redirects to the next with a 60 KB header; security.txt is 64 KiB
    of control characters."""
    for _ in range(PAIR_REQUESTS):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        parts = head.split(b" ", 2)
        path = parts[1] if len(parts) > 1 else b"/"
        if path.startswith(b"/.well-known/security.txt"):
            body = bytes([1]) * 65536
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        else:
            n = int(path[3:]) if path.startswith(b"/b/") and path[3:].isdigit() else 0
            writer.write(
                b"HTTP/1.1 301 Moved Permanently\r\nLocation: /b/%d\r\nX-Bloat: %s\r\n"
                b"Content-Length: 0\r\n\r\n" % (n + 1, b"\xff" * BLOAT_HEADER)
            )
        await writer.drain()


async def watched(reader, writer):
    """A blocked address: logs the connection and closes it."""
    try:
        local = writer.get_extra_info("sockname")
        peer = writer.get_extra_info("peername")
        with open(os.path.join(RUN_DIR, "contacted.log"), "a") as log:
            log.write("%s:%s <- %s:%s\n" % (local[0], local[1], peer[0], peer[1]))
    finally:
        await close(writer)


async def slowtls(reader, writer):
    """443 of slowtls: an alert to rustls (ALPN http/1.1), so the hand-built-hello scan runs;
    every other hello gets a ServerHello split into one-byte handshake records, one a ms."""
    try:
        hello = await asyncio.wait_for(reader.read(4096), 10)
        if b"http/1.1" in hello:
            writer.write(b"\x15\x03\x03\x00\x02\x02\x28")  # fatal handshake_failure
            await writer.drain()
            return
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A ServerHello claiming 65,000 bytes, never finished.
        message = b"\x02\x00\xfd\xe8\x03\x03" + bytes(SLOWTLS_BYTES)
        loop = asyncio.get_running_loop()
        end = loop.time() + SLOWTLS_SECONDS
        sent = 0
        for byte in message:
            if loop.time() > end or sent >= SLOWTLS_BYTES:
                break
            writer.write(b"\x16\x03\x03\x00\x01" + bytes([byte]))
            await writer.drain()
            sent += 6
            await asyncio.sleep(0.001)
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        await close(writer)


async def tls_raw(profile, reader, writer):
    """Port 443 of the TLS-garbage profiles: never a real handshake."""
    try:
        await asyncio.wait_for(reader.read(4096), 10)
        if profile == "garbage":
            # Not a TLS record at all (content type 0x47 'G'), then more junk.
            writer.write(b"GARBAGE\x00\xff" * 200)
        else:
            # A handshake record that claims 16 KiB but carries 9 bytes, then silence.
            writer.write(b"\x16\x03\x03\x40\x00\x02\x00\x00\x46\x03\x03\x00\x01")
        await writer.drain()
        await asyncio.sleep(30)
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        await close(writer)


# ---- DNS -----------------------------------------------------------------------------------


def parse_question(msg):
    """(id, flags, qname lower-case without trailing dot, qtype, end of question) or None."""
    if len(msg) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", msg[:6])
    if qdcount != 1:
        return None
    labels, pos = [], 12
    while pos < len(msg) and msg[pos] != 0:
        length = msg[pos]
        if length > 63 or pos + 1 + length > len(msg):
            return None
        labels.append(msg[pos + 1 : pos + 1 + length].decode("latin-1").lower())
        pos += 1 + length
    if pos + 5 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[pos + 1 : pos + 3])[0]
    return ident, flags, ".".join(labels), qtype, pos + 5


def encode_name(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def rr(name_ref, rtype, rdata, ttl=60):
    return name_ref + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def soa_rr():
    rdata = encode_name("ns.hostile.test") + encode_name("hostmaster.hostile.test")
    rdata += struct.pack("!IIIII", 1, 3600, 600, 86400, 60)
    return rr(encode_name(ZONE), 6, rdata)


def reply(query, q, rcode=0, answers=(), authority=(), tc=False):
    ident, flags, _, _, end = q
    rflags = 0x8000 | 0x0400 | (flags & 0x0100) | rcode | (0x0200 if tc else 0)
    head = struct.pack("!HHHHHH", ident, rflags, 1, len(answers), len(authority), 0)
    return head + query[12:end] + b"".join(answers) + b"".join(authority)


def a_rdata(ip):
    return socket.inet_aton(ip)


def exact(query, q, records):
    """The answer for a name of EXACT: its records of the asked type, else NODATA."""
    here = b"\xc0\x0c"
    qtype = q[3]
    answers = []
    for value in records.get(qtype, []):
        if qtype == A:
            rdata = a_rdata(value)
        elif qtype == AAAA:
            rdata = socket.inet_pton(socket.AF_INET6, value)
        elif qtype == MX:
            rdata = struct.pack("!H", value[0]) + encode_name(value[1])
        else:  # TXT: one character-string
            rdata = bytes([len(value)]) + value.encode()
        answers.append(rr(here, qtype, rdata))
    return reply(query, q, answers=answers, authority=[] if answers else [soa_rr()])


def label_of(name):
    """The label just under hostile.test. that names the profile ("" for others)."""
    return name[: -len(ZONE) - 1].split(".")[-1] if name.endswith("." + ZONE) else ""


def answer(query, q, tcp):
    """The hostile answer for a name in hostile.test. (dns-late is handled by the caller)."""
    name, qtype = q[2], q[3]
    here = b"\xc0\x0c"  # pointer to the question name
    first = label_of(name)
    if name in EXACT:
        return exact(query, q, EXACT[name])
    if first == "many":
        if not tcp:
            return reply(query, q, tc=True)
        if qtype != A:
            return reply(query, q, authority=[soa_rr()])
        records = [
            rr(here, A, a_rdata(MANY_ADDRESSES[i % len(MANY_ADDRESSES)]))
            for i in range(MANY_RECORDS)
        ]
        return reply(query, q, answers=records)
    if name == ZONE:
        return reply(query, q, authority=[soa_rr()])
    if first == "dns-servfail":
        return reply(query, q, rcode=2)
    if first == "dns-loop":
        a, b = encode_name(name), encode_name("loop2." + name)
        return reply(query, q, answers=[rr(a, 5, b), rr(b, 5, a)])
    if first == "dns-huge":
        if not tcp:
            return reply(query, q, tc=True)
        if qtype == 1:
            records = [rr(here, 1, a_rdata(HUGE_A))] * 4000
        else:
            text = b"\xff" + b"h" * 255
            records = [rr(here, 16, text)] * 240
        return reply(query, q, answers=records)
    if first == "dns-truncated":
        return reply(query, q, tc=True)  # TCP is cut short by the caller
    if first in WEB and name == first + "." + ZONE:
        if qtype == 1:
            return reply(query, q, answers=[rr(here, 1, a_rdata(WEB[first][0]))])
        return reply(query, q, authority=[soa_rr()])
    return reply(query, q, rcode=3, authority=[soa_rr()])


def is_late(q):
    return label_of(q[2]) == "dns-late"


async def forward_udp(query):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, UPSTREAM)
        await loop.sock_sendall(sock, query)
        return await asyncio.wait_for(loop.sock_recv(sock, 65535), 3)
    except (OSError, asyncio.TimeoutError):
        return None
    finally:
        sock.close()


async def forward_tcp(query):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(*UPSTREAM), 3)
    except (OSError, asyncio.TimeoutError):
        return None
    try:
        writer.write(struct.pack("!H", len(query)) + query)
        await writer.drain()
        size = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), 3))[0]
        return await asyncio.wait_for(reader.readexactly(size), 3)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return None
    finally:
        await close(writer)


async def resolve(query, tcp):
    q = parse_question(query)
    if q is None:
        return None
    if q[2] == ZONE or q[2].endswith("." + ZONE):
        if is_late(q):
            await asyncio.sleep(LATE_SECONDS)
            late = [rr(b"\xc0\x0c", 1, a_rdata(HUGE_A))] if q[3] == 1 else []
            return reply(query, q, answers=late)
        return answer(query, q, tcp)
    return await (forward_tcp(query) if tcp else forward_udp(query))


class Udp(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.get_running_loop().create_task(self.respond(data, addr))

    async def respond(self, data, addr):
        out = await resolve(data, tcp=False)
        if out is not None:
            self.transport.sendto(out, addr)


async def dns_tcp(reader, writer):
    try:
        size = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), 10))[0]
        query = await asyncio.wait_for(reader.readexactly(size), 10)
        q = parse_question(query)
        if q and label_of(q[2]) == "dns-truncated":
            # The length says 512 bytes; 20 arrive, then the connection closes.
            writer.write(struct.pack("!H", 512) + query[:20])
        else:
            out = await resolve(query, tcp=True)
            if out is not None:
                writer.write(struct.pack("!H", len(out)) + out)
        await writer.drain()
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        pass
    finally:
        await close(writer)


async def guarded(handler, reader, writer):
    """Runs a connection handler, closing the connection whatever happens."""
    try:
        await handler(reader, writer)
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        pass
    finally:
        await close(writer)


async def issue11_servers(plain_ctx):
    """Listeners of the issue 11 profiles on 127.10.16.x."""
    servers = []
    tarpit = lambda r, w: http("tarpit", r, w)
    for address in MANY_ADDRESSES:
        for port in (80, 443):
            servers.append(await asyncio.start_server(tarpit, address, port))
    for port in (80, 443):
        servers.append(await asyncio.start_server(watched, WATCHED, port))
    plain = lambda r, w: http("plain", r, w)
    servers.append(await asyncio.start_server(plain, PLAIN, 80))
    servers.append(
        await asyncio.start_server(plain, PLAIN, 443, ssl=plain_ctx, ssl_handshake_timeout=10)
    )
    pairs = lambda r, w: http("pair", r, w)
    servers.append(await asyncio.start_server(pairs, PAIRS, 80))
    servers.append(
        await asyncio.start_server(pairs, PAIRS, 443, ssl=plain_ctx, ssl_handshake_timeout=10)
    )
    for address in BLOAT_ADDRESSES:
        handler = lambda r, w: guarded(bloat, r, w)
        servers.append(await asyncio.start_server(handler, address, 80))
        servers.append(
            await asyncio.start_server(handler, address, 443, ssl=plain_ctx, ssl_handshake_timeout=10)
        )
    servers.append(await asyncio.start_server(plain, SLOWTLS, 80))
    servers.append(await asyncio.start_server(slowtls, SLOWTLS, 443))
    return servers


async def main(run_dir):
    plain_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    plain_ctx.load_cert_chain(os.path.join(run_dir, "cert.pem"), os.path.join(run_dir, "key.pem"))
    absurd_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    absurd_ctx.load_cert_chain(os.path.join(run_dir, "absurd.pem"), os.path.join(run_dir, "absurd.key"))
    servers = []
    for address, profile in WEB.values():
        handler = lambda r, w, p=profile: http(p, r, w)
        servers.append(await asyncio.start_server(handler, address, 80))
        if profile == "tarpit":
            # Accepts on 443 too and never says a word: not even a TLS handshake.
            servers.append(await asyncio.start_server(handler, address, 443))
        elif profile in ("garbage", "truncated"):
            raw = lambda r, w, p=profile: tls_raw(p, r, w)
            servers.append(await asyncio.start_server(raw, address, 443))
        else:
            ctx = absurd_ctx if profile == "absurdcert" else plain_ctx
            servers.append(
                await asyncio.start_server(handler, address, 443, ssl=ctx, ssl_handshake_timeout=10)
            )
    servers.extend(await issue11_servers(plain_ctx))
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Udp, local_addr=(DNS_ADDR, 53))
    servers.append(await asyncio.start_server(dns_tcp, DNS_ADDR, 53))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(os.path.join(run_dir, "ready"), "w") as f:
        f.write("ok\n")
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: server.py RUN_DIR")
    RUN_DIR = sys.argv[1]
    asyncio.run(main(RUN_DIR))
