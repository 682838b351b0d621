"""Inspection slots: more inspected requests in flight than arenas, and idle RSS.

One worker holds 64 small (JSON) inspect arenas. Requests beyond that wait
FIFO for a free one instead of being answered 503; one that waits past the
head timeout gets 503 and is closed; one whose client hangs up is dropped
from the queue. Raw sockets: the docker CLI cannot hold a body back.
"""
import json
import os
import socket
import time

import pytest

from policies import ALLOW_ALL

SLOTS = 64          # inspect_slots_per_worker (small class), one worker
ALLOWED = b'{"Image":"local/busybox:1","Cmd":["true"]}'
DENIED = b'{"Image":"local/busybox:1","HostConfig":{"Privileged":true}}'


def create_head(name, body):
    return (b"POST /v1.41/containers/create?name=%s HTTP/1.1\r\nHost: docker\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (name.encode(), len(body)))


def read_response(sock, timeout=30.0):
    """One response (Content-Length framed, or until close): (status, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while length is not None and len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, rest


def hold(proxy, name, body):
    """Connect and send a create head whose body is held back."""
    s = proxy.connect(timeout=30)
    s.sendall(create_head(name, body))
    return s


def one_worker(sockguard, extra=""):
    return sockguard(config=ALLOW_ALL + extra, args=("--workers", "1"))


def remove_containers(docker_daemon, names):
    docker_daemon.docker("rm", "-f", *names, check=False)


def test_more_inspected_requests_than_slots_all_get_their_real_answer(sockguard, docker_daemon):
    proxy = one_worker(sockguard)
    n = SLOTS + 16
    names = ["sgslot-%d-%d" % (os.getpid(), i) for i in range(n)]
    bodies = [ALLOWED if i % 4 == 0 else DENIED for i in range(n)]
    socks = []
    try:
        for name, body in zip(names, bodies):
            socks.append(hold(proxy, name, body))
        time.sleep(0.5)         # every head parsed: 64 arenas taken, 16 queued
        for s, body in zip(socks, bodies):
            s.sendall(body)
        results = [read_response(s) for s in socks]
        statuses = [st for st, _ in results]
        assert 503 not in statuses, statuses
        for (st, body), sent in zip(results, bodies):
            if sent is ALLOWED:
                assert st == 201, (st, body)
                assert "Id" in json.loads(body)
            else:
                assert st == 403, (st, body)
                assert b"denied" in body
        # the connections stay usable: the queue left no state behind
        socks[-1].sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
        assert read_response(socks[-1]) == (200, b"OK")
    finally:
        for s in socks:
            s.close()
        remove_containers(docker_daemon, [nm for nm, b in zip(names, bodies) if b is ALLOWED])


def test_queued_request_past_the_head_timeout_gets_503_and_is_closed(sockguard, docker_daemon):
    proxy = one_worker(sockguard, "server:\n  header_read_timeout: 2s\n")
    socks = [hold(proxy, "sgslot-t%d" % i, DENIED) for i in range(SLOTS)]
    try:
        time.sleep(0.3)
        mark = docker_daemon.log_mark()
        late = hold(proxy, "sgslot-late", DENIED)
        start = time.monotonic()
        status, body = read_response(late, timeout=15)
        waited = time.monotonic() - start
        assert status == 503, (status, body)
        assert "message" in json.loads(body)
        assert 1.5 <= waited <= 6, waited
        late.settimeout(5)
        assert late.recv(1) == b""      # closed after the 503
        late.close()
        # the slot holders are unaffected and still answered
        for s in socks:
            s.sendall(DENIED)
        assert all(read_response(s)[0] == 403 for s in socks)
        assert not [r for r in docker_daemon.requests_since(mark) if "create" in r[1]]
    finally:
        for s in socks:
            s.close()


def test_queued_connection_that_hangs_up_is_unlinked(sockguard, docker_daemon):
    proxy = one_worker(sockguard)
    socks = [hold(proxy, "sgslot-h%d" % i, DENIED) for i in range(SLOTS)]
    try:
        time.sleep(0.3)
        gone = [hold(proxy, "sgslot-gone%d" % i, DENIED) for i in range(3)]
        waiting = hold(proxy, "sgslot-waiting", DENIED)
        time.sleep(0.3)
        for s in gone:
            s.close()           # queued ahead of `waiting`, then hang up
        time.sleep(0.3)
        socks[0].sendall(DENIED)            # one arena comes back...
        assert read_response(socks[0])[0] == 403
        waiting.sendall(DENIED)             # ...and goes to `waiting`, not a dead one
        assert read_response(waiting, timeout=10)[0] == 403
        waiting.close()
        for s in socks[1:]:
            s.sendall(DENIED)
        assert all(read_response(s)[0] == 403 for s in socks[1:])
        assert proxy.http("GET", "/_ping")[0] == 200
    finally:
        for s in socks:
            s.close()


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def asan(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def test_idle_rss_is_small_and_falls_back_after_a_big_body(sockguard, docker_daemon):
    # default capacity (max_connections 32768, 64 + 8 arenas per worker),
    # two workers as on the development machine (each adds its io_uring)
    proxy = sockguard(config=ALLOW_ALL, args=("--workers", "2"))
    pid = proxy.proc.pid
    if asan(pid):
        pytest.skip("RSS under ASan is shadow memory")
    idle = vm_rss_kib(pid)
    assert idle < 8 * 1024, "idle RSS %d KiB" % idle
    # a 48 MiB archive PUT is inspected in a big arena; its pages go back after
    cid = docker_daemon.docker("create", "--name", "sgslot-rss-%d" % os.getpid(),
                               "local/busybox:1", "true").stdout.strip()
    try:
        import io
        import tarfile
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            info = tarfile.TarInfo("big.bin")
            info.size = 48 << 20
            t.addfile(info, io.BytesIO(b"\0" * info.size))
        status, _, body = proxy.http("PUT", "/v1.41/containers/%s/archive?path=/tmp" % cid,
                                     body=buf.getvalue(), headers={"Content-Type": "application/x-tar"},
                                     timeout=120)
        assert status == 200, (status, body)
        # the 48 MiB body was resident while inspected; once the request is
        # over (just after the response) only the kept prefix of the arena
        # and the request context remain
        deadline = time.monotonic() + 5
        after = vm_rss_kib(pid)
        while after >= idle + 4 * 1024 and time.monotonic() < deadline:
            time.sleep(0.1)
            after = vm_rss_kib(pid)
        assert after < idle + 4 * 1024, (idle, after)
    finally:
        docker_daemon.docker("rm", "-f", cid, check=False)
