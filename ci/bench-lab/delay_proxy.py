#!/usr/bin/env python3
"""A latency-injecting proxy for the govscan scale lab (used by `ci/bench --rtt MS`).

These machines have no kernel netem, so the round-trip time of a real network is added here,
in user space, on loopback: every byte in each direction is held back a fixed DELAY (so the
round trip grows by 2 x DELAY: --delay-ms 25 gives 50 ms RTT, 75 gives 150 ms).

  TCP  127.20.1.a:{80,443} -> 127.20.0.a:{80,443}        for a in 1..ADDRESSES
  DNS  127.20.1.53:53 (UDP and TCP) -> 127.20.0.53:53   answers rewritten: every A record
       127.20.0.x of a proxied address becomes 127.20.1.x, so a scanner that resolves a site
       through the proxy also connects through it (and so does one given 127.20.1.x directly,
       as sslyze is).

With the lab's addresses spread over B > 1 /24 blocks (--blocks, BENCH_BLOCKS: 127.20.b.h for b
in 1..B, as generate.py lays them out), 127.20.1.0/24 is a lab block, so the proxy moves to
127.21.0.0/16 and keeps the blocks apart: 127.21.b.h -> 127.20.b.h, DNS 127.21.0.53 ->
127.20.0.53. A scanner behind the proxy then sees the same B blocks the lab has (what
govscan's --per-network counts). --map-file writes the mapping (`lab proxy` lines).

Timing model. A TCP connect to the proxy completes at once (the kernel answers the SYN), so the
connect's round trip is added to the data instead: the client's first bytes reach the server no
earlier than accept + 3 x DELAY (SYN, SYN-ACK, then the data's own one-way trip), later bytes
arrival + DELAY; the server's bytes reach the client arrival + DELAY. A request/response after
connect therefore costs exactly what it would on the slow network; only connect() itself returns
early. End of stream is delayed like data. No bandwidth limit, no loss, no jitter. The DNS
relay runs in a process of its own (forked at start, stopped with the TCP one), so a query never
waits behind the pumps of hundreds of TCP connections in one event loop. DNS over UDP:
query + DELAY, answer + DELAY. Servers that speak first (SMTP) would see their banner early; the
scale lab has none.

Bounds: at most --max-connections TCP connections (more are closed at once and counted), at
most 64 chunks of 64 KiB queued per direction (the reader waits: back-pressure), --idle-timeout
without a byte in either direction closes a connection, every connection ends after
--max-lifetime; at most 4096 DNS queries in flight, each upstream answer awaited 5 s, and the
UDP listener's receive buffer 16 MiB (bursts from 256 domains at once overflowed the default
and the kernel dropped queries; ci/bench counts such drops per run). Listens
only on the proxy addresses above and forwards only to the lab's own addresses. Standard
library only (asyncio), and generate.py's address layout.
"""

import argparse
import asyncio
import os
import signal
import socket
import struct
import sys
import time
import traceback

from generate import DNS_ADDR, lab_addresses

CHUNK = 65536
QUEUE_CHUNKS = 64
DNS_INFLIGHT = 4096
DNS_TIMEOUT = 5.0
# The DNS listener's receive buffer. The kernel's default (~208 KiB) holds a few hundred
# queries; a scanner with 256 domains at once sends bursts of thousands while the event loop is
# busy pumping TCP, and every datagram past the buffer is dropped by the kernel (the scanner's
# query times out: an inconclusive domain that is the lab's fault).
DNS_RCVBUF = 16 * 1024 * 1024
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux: past rmem_max, needs root


class Stats:
    """Counters printed to the log: the TCP process's every 10 s and at exit, the DNS
    process's at exit."""

    def __init__(self):
        self.accepted = 0
        self.refused = 0
        self.active = 0
        self.upstream_failed = 0
        self.idle_closed = 0
        self.dns_queries = 0
        self.dns_dropped = 0
        self.dns_rewritten = 0

    def tcp_line(self) -> str:
        return (f"tcp accepted={self.accepted} active={self.active} refused={self.refused} "
                f"upstream_failed={self.upstream_failed} idle_closed={self.idle_closed}")

    def dns_line(self) -> str:
        return (f"dns queries={self.dns_queries} dropped={self.dns_dropped} "
                f"rewritten_a={self.dns_rewritten}")


STATS = Stats()


async def pump(reader, writer, delay, first_not_before, state):
    """Copies reader to writer, each chunk delivered `delay` after it arrived (and the first
    ones not before `first_not_before`), end of stream too. Bounded by the queue. A write that
    fails marks the connection failed (the caller then closes both sides)."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_CHUNKS)
    loop = asyncio.get_running_loop()

    async def deliver():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if data is None:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
                state["last"] = loop.time()
        except (ConnectionError, OSError):
            state["failed"] = True

    sender = asyncio.ensure_future(deliver())
    try:
        while not state["failed"]:
            data = await reader.read(CHUNK)
            now = loop.time()
            state["last"] = now
            due = max(now + delay, first_not_before)
            await queue.put((due, data if data else None))
            if not data:
                break
        await sender
    finally:
        if not sender.done():
            sender.cancel()


async def handle_tcp(client_reader, client_writer, upstream, port, args, slots):
    loop = asyncio.get_running_loop()
    accepted = loop.time()
    if slots[0] >= args.max_connections:
        STATS.refused += 1
        client_writer.close()
        return
    slots[0] += 1
    STATS.accepted += 1
    STATS.active += 1
    delay = args.delay_ms / 1000.0
    tasks = []
    server_writer = None
    try:
        try:
            server_reader, server_writer = await asyncio.wait_for(
                asyncio.open_connection(upstream, port), timeout=10)
        except (OSError, asyncio.TimeoutError):
            STATS.upstream_failed += 1
            # The refusal reaches the client after the round trip it would have taken.
            await asyncio.sleep(2 * delay)
            return
        state = {"last": loop.time(), "failed": False}
        tasks = [
            asyncio.ensure_future(pump(client_reader, server_writer, delay,
                                       accepted + 3 * delay, state)),
            asyncio.ensure_future(pump(server_reader, client_writer, delay, 0.0, state)),
        ]
        end = accepted + args.max_lifetime
        while not all(t.done() for t in tasks):
            await asyncio.wait(tasks, timeout=0.25)
            now = loop.time()
            if state["failed"] or any(t.done() and t.exception() for t in tasks):
                break
            if now - state["last"] > args.idle_timeout or now > end:
                STATS.idle_closed += 1
                break
    except (ConnectionError, OSError):
        pass
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        for task in tasks:
            try:
                await task
            except (asyncio.CancelledError, ConnectionError, OSError):
                pass
        for w in (client_writer, server_writer):
            if w is not None:
                w.close()
        slots[0] -= 1
        STATS.active -= 1


def skip_name(msg: bytes, offset: int) -> int:
    """The offset just past the (possibly compressed) domain name at `offset`."""
    for _ in range(128):
        length = msg[offset]
        if length == 0:
            return offset + 1
        if length & 0xC0 == 0xC0:
            return offset + 2
        offset += 1 + length
    raise ValueError("name too long")


def proxy_address(lab: str, blocks: int) -> str:
    """The proxy's address in front of the lab address `lab`: 127.20.0.x -> 127.20.1.x with
    one block (the original layout), 127.20.b.x -> 127.21.b.x with more."""
    octets = lab.split(".")
    if blocks == 1:
        return f"127.20.1.{octets[3]}"
    return f"127.21.{octets[2]}.{octets[3]}"


def address_map(addresses: int, blocks: int) -> dict:
    """Lab address -> proxy address, for every site address and the DNS server."""
    return {lab: proxy_address(lab, blocks) for lab in lab_addresses(addresses, blocks)
            + [DNS_ADDR]}


def packed(mapping: dict) -> dict:
    """`address_map` as 4-byte keys and values, for rewriting A records."""
    def four(text):
        return bytes(int(o) for o in text.split("."))
    return {four(lab): four(proxy) for lab, proxy in mapping.items()}


def rewrite_answer(msg: bytes, mapping: dict) -> bytes:
    """Every A record whose address is a key of `mapping` (4 bytes: a lab address) gets the
    proxy's address. A message that does not parse is passed on unchanged."""
    try:
        data = bytearray(msg)
        qd, an, ns, ar = struct.unpack("!HHHH", data[4:12])
        offset = 12
        for _ in range(qd):
            offset = skip_name(data, offset) + 4
        for _ in range(an + ns + ar):
            offset = skip_name(data, offset)
            rtype, _rclass, _ttl, rdlen = struct.unpack("!HHIH", data[offset:offset + 10])
            offset += 10
            if offset + rdlen > len(data):
                raise ValueError("truncated record")
            if rtype == 1 and rdlen == 4:
                proxy = mapping.get(bytes(data[offset:offset + 4]))
                if proxy is not None:
                    data[offset:offset + 4] = proxy
                    STATS.dns_rewritten += 1
            offset += rdlen
        return bytes(data)
    except (IndexError, ValueError, struct.error):
        return msg


class DnsUdp(asyncio.DatagramProtocol):
    """DNS over UDP: each query forwarded after DELAY on its own upstream socket; the answer
    rewritten and returned after DELAY."""

    def __init__(self, args, mapping):
        self.args = args
        self.mapping = mapping
        self.transport = None
        self.inflight = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.inflight >= DNS_INFLIGHT:
            STATS.dns_dropped += 1
            return
        self.inflight += 1
        STATS.dns_queries += 1
        asyncio.ensure_future(self.forward(data, addr))

    async def forward(self, query, addr):
        loop = asyncio.get_running_loop()
        delay = self.args.delay_ms / 1000.0
        transport = None
        try:
            await asyncio.sleep(delay)
            answer = loop.create_future()

            class Upstream(asyncio.DatagramProtocol):
                def datagram_received(self, data, _addr):
                    if not answer.done():
                        answer.set_result(data)

            transport, _ = await loop.create_datagram_endpoint(
                Upstream, remote_addr=(DNS_ADDR, 53))
            transport.sendto(query)
            data = await asyncio.wait_for(answer, timeout=DNS_TIMEOUT)
            await asyncio.sleep(delay)
            self.transport.sendto(rewrite_answer(data, self.mapping), addr)
        except (OSError, asyncio.TimeoutError):
            STATS.dns_dropped += 1
        finally:
            if transport is not None:
                transport.close()
            self.inflight -= 1


async def handle_dns_tcp(reader, writer, args, mapping):
    """DNS over TCP: length-prefixed messages, each forwarded and answered with the delays."""
    delay = args.delay_ms / 1000.0
    upstream_writer = None
    try:
        up_reader, upstream_writer = await asyncio.wait_for(
            asyncio.open_connection(DNS_ADDR, 53), timeout=10)
        for _ in range(1000):
            head = await asyncio.wait_for(reader.readexactly(2), timeout=args.idle_timeout)
            query = await reader.readexactly(struct.unpack("!H", head)[0])
            STATS.dns_queries += 1
            await asyncio.sleep(delay)
            upstream_writer.write(head + query)
            await upstream_writer.drain()
            head = await asyncio.wait_for(up_reader.readexactly(2), timeout=DNS_TIMEOUT)
            answer = await up_reader.readexactly(struct.unpack("!H", head)[0])
            await asyncio.sleep(delay)
            answer = rewrite_answer(answer, mapping)
            writer.write(struct.pack("!H", len(answer)) + answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError, OSError):
        pass
    finally:
        for w in (writer, upstream_writer):
            if w is not None:
                w.close()


def widen_receive_buffer(sock) -> int:
    """Sets the DNS listener's receive buffer to DNS_RCVBUF (SO_RCVBUFFORCE as root, else
    SO_RCVBUF up to the kernel's rmem_max) and returns what the kernel granted."""
    for option in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, DNS_RCVBUF)
            break
        except OSError:
            continue
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


async def serve_dns(args, ready_fd: int) -> int:
    """The DNS relay (UDP and TCP), in a process of its own: the TCP pumps of hundreds of
    connections keep one event loop busy, and a query waiting behind them comes back late, past
    the scanner's timeout. Writes the UDP receive buffer it got (KiB, one line) to ready_fd once
    listening; stops on SIGTERM or when the TCP process (its parent) is gone."""
    loop = asyncio.get_running_loop()
    mapping = address_map(args.addresses, args.blocks)
    dns_addr = mapping[DNS_ADDR]
    rewrite = packed(mapping)
    udp, _ = await loop.create_datagram_endpoint(lambda: DnsUdp(args, rewrite),
                                                 local_addr=(dns_addr, 53))
    rcvbuf = widen_receive_buffer(udp.get_extra_info("socket"))
    server = await asyncio.start_server(
        lambda r, w: handle_dns_tcp(r, w, args, rewrite), dns_addr, 53, reuse_address=True)
    os.write(ready_fd, f"{rcvbuf // 1024}\n".encode())
    os.close(ready_fd)
    parent = os.getppid()
    stop = stop_future(loop)
    while not stop.done() and os.getppid() == parent:
        await wait_or_timeout(stop, 1)
    server.close()
    udp.close()
    loop.set_exception_handler(lambda _loop, _context: None)
    print(f"delay-proxy stopped: {STATS.dns_line()}", flush=True)
    return 0


def stop_future(loop):
    """A future set on SIGTERM or SIGINT."""
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    return stop


async def wait_or_timeout(future, seconds: float) -> None:
    try:
        await asyncio.wait_for(asyncio.shield(future), timeout=seconds)
    except asyncio.TimeoutError:
        pass


def start_dns_process(args) -> tuple:
    """Forks the DNS relay; returns its pid and the receive buffer it got (KiB), once it is
    listening. Raises RuntimeError if it could not start."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        code = 1
        try:
            code = asyncio.run(serve_dns(args, write_fd))
        except BaseException:  # the child must never return into the parent's code
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd) as ready:
        line = ready.readline().strip()
    if not line:
        os.waitpid(pid, 0)
        raise RuntimeError("the DNS relay did not start")
    return pid, int(line)


async def serve_tcp(args, dns_pid: int, rcvbuf_kib: int) -> int:
    """The TCP relays, one listener per proxy address and port; stops on SIGTERM or SIGINT, or
    after --max-runtime, and then stops the DNS process too."""
    loop = asyncio.get_running_loop()
    slots = [0]
    servers = []
    mapping = address_map(args.addresses, args.blocks)
    for lab in lab_addresses(args.addresses, args.blocks):
        for port in (80, 443):
            def handler(r, w, lab=lab, port=port):
                return handle_tcp(r, w, lab, port, args, slots)
            servers.append(await asyncio.start_server(
                handler, mapping[lab], port, backlog=4096, reuse_address=True))
    if args.map_file:
        with open(args.map_file, "w", encoding="utf-8") as f:
            f.write("".join(f"{lab} {proxy}\n" for lab, proxy in mapping.items()))
    stop = stop_future(loop)
    if args.pid_file:
        with open(args.pid_file, "w", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
    first = lab_addresses(args.addresses, args.blocks)[0]
    print(f"delay-proxy up: +{args.delay_ms} ms each way ({2 * args.delay_ms} ms added RTT), "
          f"{args.addresses} addresses in {args.blocks} /24 block(s), {mapping[first]}... -> "
          f"{first}..., dns {mapping[DNS_ADDR]}:53 -> {DNS_ADDR}:53 (process {dns_pid}, UDP "
          f"receive buffer {rcvbuf_kib} KiB)", flush=True)
    started = time.monotonic()
    while not stop.done():
        await wait_or_timeout(stop, 10)
        if time.monotonic() - started > args.max_runtime:
            print("delay-proxy: --max-runtime reached, stopping", flush=True)
            break
        print(f"delay-proxy: {STATS.tcp_line()}", flush=True)
    for server in servers:
        server.close()
    os.kill(dns_pid, signal.SIGTERM)
    os.waitpid(dns_pid, 0)
    # Connections still open are cancelled by asyncio.run on return: not worth a traceback.
    loop.set_exception_handler(lambda _loop, _context: None)
    print(f"delay-proxy stopped: {STATS.tcp_line()}", flush=True)
    return 0


def self_test() -> int:
    """Checks the DNS rewrite on built messages (run by `--self-test`; no sockets)."""
    def name(text):
        return b"".join(bytes([len(p)]) + p.encode() for p in text.split(".")) + b"\0"

    def a_record(owner, address):
        return owner + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(address)

    header = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 4, 0, 1)
    question = name("site3.bench.test") + struct.pack("!HH", 1, 1)
    pointer = b"\xc0\x0c"  # compression: the question's name
    txt = pointer + struct.pack("!HHIH", 16, 1, 60, 5) + b"\x04x.y."
    msg = (header + question + a_record(pointer, [127, 20, 0, 3]) + txt
           + a_record(pointer, [127, 20, 0, 254]) + a_record(pointer, [10, 0, 0, 3])
           + a_record(name("ns1.bench.test"), [127, 20, 0, 53]))
    eight = packed(address_map(8, 1))
    out = rewrite_answer(msg, eight)
    expect = (msg.replace(bytes([127, 20, 0, 3]), bytes([127, 20, 1, 3]))
              .replace(bytes([127, 20, 0, 53]), bytes([127, 20, 1, 53])))
    # Four blocks: site address 3 is 127.20.3.1, behind the proxy 127.21.3.1.
    three = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 3, 0, 0)
    blocks = (three + question + a_record(pointer, [127, 20, 3, 1])
              + a_record(pointer, [127, 20, 0, 3]) + a_record(name("ns1.bench.test"),
                                                             [127, 20, 0, 53]))
    blocks_expect = (blocks.replace(bytes([127, 20, 3, 1]), bytes([127, 21, 3, 1]))
                     .replace(bytes([127, 20, 0, 53]), bytes([127, 21, 0, 53])))
    checks = [
        ("proxied A records point at the proxy, others untouched", out == expect),
        ("a truncated message passes unchanged", rewrite_answer(msg[:-3], eight) == msg[:-3]),
        ("an address above --addresses is not rewritten",
         rewrite_answer(msg, packed(address_map(2, 1))).count(bytes([127, 20, 1, 3])) == 0),
        ("a pointer loop cannot hang the parser",
         rewrite_answer(header[:4] + struct.pack("!HHHH", 1, 0, 0, 0) + b"\xc0\x0c", eight)
         is not None),
        ("with blocks, lab addresses move to 127.21.b.h and 127.20.0.x is no site",
         rewrite_answer(blocks, packed(address_map(8, 4))) == blocks_expect),
        ("one block keeps the original layout",
         address_map(2, 1) == {"127.20.0.1": "127.20.1.1", "127.20.0.2": "127.20.1.2",
                               "127.20.0.53": "127.20.1.53"}),
        ("blocks keep their /24s apart behind the proxy",
         sorted({p.rsplit(".", 1)[0] for p in address_map(40, 4).values()})
         == ["127.21.0", "127.21.1", "127.21.2", "127.21.3", "127.21.4"]),
    ]
    for what, passed in checks:
        print(f"{'ok' if passed else 'FAIL'}: {what}")
    return 0 if all(p for _, p in checks) else 1


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay-ms", type=float, required=True,
                        help="added one-way delay in ms (RTT grows by twice this)")
    parser.add_argument("--addresses", type=int, required=True,
                        help="proxy 127.20.1.1..A to 127.20.0.1..A (the lab's site addresses)")
    parser.add_argument("--blocks", type=int, default=1,
                        help="the lab's /24 blocks (BENCH_BLOCKS); with B > 1 the proxy "
                        "listens on 127.21.b.h for lab address 127.20.b.h")
    parser.add_argument("--map-file", help="write `lab proxy` address lines here")
    parser.add_argument("--max-connections", type=int, default=8192)
    parser.add_argument("--idle-timeout", type=float, default=60.0)
    parser.add_argument("--max-lifetime", type=float, default=600.0)
    parser.add_argument("--max-runtime", type=float, default=6 * 3600.0,
                        help="the proxy stops by itself after this many seconds")
    parser.add_argument("--pid-file")
    args = parser.parse_args()
    if not 0 <= args.delay_ms <= 1000 or not 1 <= args.addresses <= 200:
        parser.error("--delay-ms must be 0..1000 and --addresses 1..200")
    if not 1 <= args.blocks <= args.addresses:
        parser.error("--blocks must be 1..addresses")
    try:
        dns_pid, rcvbuf_kib = start_dns_process(args)
    except (RuntimeError, OSError) as error:
        print(f"delay-proxy: {error}", file=sys.stderr)
        return 1
    return asyncio.run(serve_tcp(args, dns_pid, rcvbuf_kib))


if __name__ == "__main__":
    sys.exit(main())
