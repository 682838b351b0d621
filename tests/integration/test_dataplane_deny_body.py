"""A denied request that carries a body: answered, body read and dropped by
its own framing, connection kept for the next request.

Raw sockets: the CLI never sends a denied request and then another one on
the same connection, and cannot put a request inside a body.
"""
import socket
import time

READS_ONLY = """
rules:
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: GET, path: "/containers/json" }
    action: allow
  - match: { method: "*", path: "/**" }
    action: deny
    reason: "reads only"
"""

PING = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"
SMUGGLED = b"GET /containers/json HTTP/1.1\r\nHost: docker\r\n\r\n"


def read_responses(sock, count, timeout=10.0):
    """Read `count` Content-Length framed responses: [(status, headers, body)];
    stops early at EOF."""
    sock.settimeout(timeout)
    buf = b""
    out = []
    while len(out) < count:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get(b"content-length", b"0"))
        while len(buf) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        out.append((status, headers, buf[:n]))
        buf = buf[n:]
    return out


def closed(sock, timeout=5.0):
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def chunked(data, size=7):
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def post(path, body, extra=b""):
    return (b"POST %s HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n%s"
            b"Content-Length: %d\r\n\r\n%s" % (path, extra, len(body), body))


def test_denied_post_with_body_then_ping_on_the_same_connection(sockguard, docker_daemon):
    proxy = sockguard(config=READS_ONLY)
    mark = docker_daemon.log_mark()
    s = proxy.connect()
    try:
        body = b'{"Image":"local/busybox:1"}' * 1000
        s.sendall(post(b"/v1.41/containers/create", body))
        (st, hdr, _), = read_responses(s, 1)
        assert st == 403
        assert hdr.get(b"connection", b"").lower() != b"close"
        s.sendall(PING)
        (st, _, data), = read_responses(s, 1)
        assert (st, data) == (200, b"OK")
        # pipelined: deny + body + ping in one write
        s.sendall(post(b"/v1.41/containers/create", body) + PING)
        got = read_responses(s, 2)
        assert [r[0] for r in got] == [403, 200]
    finally:
        s.close()
    assert not [r for r in docker_daemon.requests_since(mark) if r[0] == "POST"]


def test_request_inside_a_denied_body_is_never_parsed(sockguard, docker_daemon):
    proxy = sockguard(config=READS_ONLY)
    mark = docker_daemon.log_mark()
    s = proxy.connect()
    try:
        s.sendall(post(b"/v1.41/images/create", SMUGGLED) + PING)
        got = read_responses(s, 2)
        assert [r[0] for r in got] == [403, 200], got
        assert got[1][2] == b"OK"       # the ping's answer, not a container list
        time.sleep(0.3)
        s.sendall(PING)
        assert read_responses(s, 1)[0][0] == 200
        s.settimeout(0.5)
        try:
            assert s.recv(1) == b""     # nothing else was answered
        except socket.timeout:
            pass
    finally:
        s.close()
    seen = docker_daemon.requests_since(mark)
    assert not [r for r in seen if "/containers/json" in r[1]], seen
    assert ("GET", "/_ping") in seen


def test_denied_chunked_body_is_discarded_by_its_framing(sockguard, docker_daemon):
    proxy = sockguard(config=READS_ONLY)
    mark = docker_daemon.log_mark()
    s = proxy.connect()
    try:
        head = (b"POST /v1.41/build HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        body = chunked(SMUGGLED * 3)
        s.sendall(head + body[:40])     # deny arrives while the body is still coming
        (st, hdr, _), = read_responses(s, 1)
        assert st == 403
        time.sleep(0.2)
        s.sendall(body[40:] + PING)
        (st, _, data), = read_responses(s, 1)
        assert (st, data) == (200, b"OK")
    finally:
        s.close()
    seen = docker_daemon.requests_since(mark)
    assert not [r for r in seen if "/containers/json" in r[1] or r[0] == "POST"], seen


def test_denied_body_over_the_bound_closes(sockguard, docker_daemon):
    proxy = sockguard(config=READS_ONLY)
    s = proxy.connect()
    try:
        s.sendall(b"POST /v1.41/build HTTP/1.1\r\nHost: docker\r\nContent-Length: %d\r\n\r\n" % (2 << 20))
        (st, hdr, _), = read_responses(s, 1)
        assert st == 403
        assert hdr.get(b"connection", b"").lower() == b"close"
        assert closed(s)
    finally:
        s.close()
    # chunked past the bound: answered keep-alive, then cut off
    s = proxy.connect()
    try:
        s.sendall(b"POST /v1.41/build HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\n\r\n")
        assert read_responses(s, 1)[0][0] == 403
        chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
        try:
            for _ in range(24):         # 1.5 MiB of chunks
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed(s)
    finally:
        s.close()


def test_denied_body_with_expect_continue_closes(sockguard):
    proxy = sockguard(config=READS_ONLY)
    s = proxy.connect()
    try:
        s.sendall(post(b"/v1.41/containers/create", b"{}", b"Expect: 100-continue\r\n")[:-2])
        (st, hdr, _), = read_responses(s, 1)
        assert st == 403
        assert hdr.get(b"connection", b"").lower() == b"close"
    finally:
        s.close()
