"""Load, hostile slowness and an upstream that goes away."""
import resource
import socket
import time

import harness
from policies import allow_all

PING = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"


def read_response(sock, timeout=10.0):
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_thousand_concurrent_connections(sockguard):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    proxy = allow_all(sockguard)
    socks = []
    try:
        for _ in range(1000):
            s = proxy.connect()
            socks.append(s)
        for s in socks:
            s.sendall(PING)
        ok = sum(1 for s in socks if read_response(s).startswith(b"HTTP/1.1 200"))
        assert ok == 1000
    finally:
        for s in socks:
            s.close()


def test_slowloris_does_not_block_others_and_is_closed(sockguard):
    proxy = allow_all(sockguard)
    slow = proxy.connect(timeout=60)
    slow.sendall(b"GET /_ping HTTP/1.1\r\nHost: ")
    # Others are served while the slow head is pending.
    for _ in range(20):
        status, _, body = proxy.http("GET", "/_ping", timeout=5)
        assert (status, body) == (200, b"OK")
    # The slow client is cut off by the header read timeout, not served.
    start = time.monotonic()
    slow.settimeout(60)
    try:
        while True:
            b = slow.recv(4096)
            if not b or b.startswith(b"HTTP/1.1 4"):
                break
            slow.sendall(b"x")
            time.sleep(1)
    except (ConnectionResetError, BrokenPipeError):
        pass
    assert time.monotonic() - start < 45
    slow.close()


def test_upstream_restart_gives_502_then_recovers(tmp_path):
    d = harness.DockerDaemon().start()
    proxy = None
    try:
        proxy = harness.Proxy(d, str(tmp_path), config=__import__("policies").ALLOW_ALL)
        assert proxy.http("GET", "/_ping")[0] == 200
        keep = proxy.connect()
        keep.sendall(PING)
        assert read_response(keep).startswith(b"HTTP/1.1 200")
        d.proc.terminate()
        d.proc.wait(timeout=20)
        status, _, body = proxy.http("GET", "/_ping", timeout=10)
        assert status == 502
        assert b"message" in body
        # The kept-alive client connection also gets a clean answer, not a hang.
        keep.sendall(PING)
        r = read_response(keep)
        assert r == b"" or r.startswith(b"HTTP/1.1 502")
        keep.close()
        d.restart()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proxy.http("GET", "/_ping", timeout=10)[0] == 200:
                break
            time.sleep(0.2)
        assert proxy.http("GET", "/_ping")[0] == 200
    finally:
        if proxy:
            proxy.stop()
        d.stop()


def test_sigterm_removes_the_socket_and_exits_zero(sockguard):
    proxy = allow_all(sockguard)
    assert proxy.http("GET", "/_ping")[0] == 200
    assert proxy.stop() == 0
    import os
    assert not os.path.exists(proxy.socket)


def test_socket_is_owner_only(sockguard):
    import os
    import stat
    proxy = allow_all(sockguard)
    assert stat.S_IMODE(os.stat(proxy.socket).st_mode) == 0o600


def test_clients_gone_before_their_response_leave_nothing_behind(sockguard):
    """A response whose client has already closed fails to send. That send
    is linked to the next head's recv (ring/conn.c, linked_send), and the
    kernel then posts nothing for the recv or its timeout: if the proxy
    waited for them the connection would never be freed and SIGTERM would
    hang. Each client here hangs up right after its request."""
    proxy = allow_all(sockguard)
    assert proxy.http("GET", "/_ping")[0] == 200
    for _ in range(50):
        s = proxy.connect()
        s.sendall(PING)
        s.close()
    time.sleep(0.5)
    # still serving, and the drain on SIGTERM finds no stuck connection
    for _ in range(5):
        assert proxy.http("GET", "/_ping")[0] == 200
    start = time.monotonic()
    assert proxy.stop() == 0
    assert time.monotonic() - start < 5
