"""Data-plane framing with raw sockets against a scripted upstream.

Self-contained: a tiny Python upstream on a unix socket records every byte
it receives and answers from a script; sockguard (SOCKGUARD_BIN, default
build/sockguard) runs between them with an allow-all policy file. These are the cases no docker CLI sends.
"""
import os
import pathlib
import socket
import subprocess
import tempfile
import time

import pytest

import harness
from policies import ALLOW_ALL

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("SOCKGUARD_BIN", str(ROOT / "build" / "sockguard"))

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"


@pytest.fixture
def env():
    d = tempfile.mkdtemp(prefix="sg-framing-")
    up_path = os.path.join(d, "up.sock")
    px_path = os.path.join(d, "px.sock")
    state = {}

    def start(answer=None, upstream=True):
        if upstream:
            # answer(head, conn) keeps the connection, as this file's tests expect
            state["up"] = harness.FakeUpstream(up_path, answer and (lambda h, b, c: answer(h, c) or True))
        cfg = os.path.join(d, "allow-all.yaml")
        with open(cfg, "w") as f:
            f.write(ALLOW_ALL)
        e = harness.clean_env()
        p = subprocess.Popen([BIN, "serve", "-c", cfg, "--listen-socket", px_path, "--upstream-socket", up_path,
                              "--workers", "2"], stderr=subprocess.DEVNULL, env=e)  # access lines: never read
        state["proc"] = p
        harness.wait_listening(px_path, timeout=5)
        return state.get("up")

    state["start"] = start
    state["px"] = px_path
    yield state
    p = state.get("proc")
    if p:
        p.terminate()
        try:
            assert p.wait(timeout=15) == 0
        finally:
            if p.poll() is None:
                p.kill()
    assert not os.path.exists(px_path), "socket file left behind"
    if "up" in state:
        state["up"].close()


def talk(path, data, timeout=3.0, shut=False, until=None):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(timeout)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while until is None or out.count(b"HTTP/1.1 ") < until:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def status(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


REFUSED = {
    "cl_te": b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "dup_cl": b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
    "te_gzip": b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    "obs_fold": b"GET /x HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
    "bare_lf": b"GET /x HTTP/1.1\nHost: x\n\n",
    "nul": b"GET /x HTTP/1.1\r\nHost: a\x00b\r\n\r\n",
    "absolute": b"GET http://d/x HTTP/1.1\r\nHost: x\r\n\r\n",
    "asterisk": b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    "http09": b"GET /x\r\n\r\n",
    "http2": b"GET /x HTTP/2.0\r\nHost: x\r\n\r\n",
    "space_colon": b"GET /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_heads_get_400_and_never_reach_upstream(env, case):
    up = env["start"]()
    assert status(talk(env["px"], REFUSED[case])) == 400
    time.sleep(0.1)
    assert up.heads == []


def test_bad_chunk_is_not_forwarded_as_a_request(env):
    up = env["start"]()
    talk(env["px"], b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"zz\r\nGET /secret HTTP/1.1\r\n\r\n0\r\n\r\n")
    time.sleep(0.1)
    assert all(not h.startswith(b"GET /secret") for h in up.heads)
    assert b"/secret" not in b"".join(up.raw)


def test_head_over_16k_is_431(env):
    up = env["start"]()
    assert status(talk(env["px"], b"GET /x HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n")) == 431
    assert up.heads == []


def test_upstream_head_is_reserialized(env):
    up = env["start"]()
    r = talk(env["px"], b"POST /v1.41/containers//x/../create?name=a HTTP/1.1\r\nHost: docker\r\n"
                        b"Connection: keep-alive, X-Drop\r\nKeep-Alive: 5\r\nTE: trailers\r\n"
                        b"Proxy-Authorization: s\r\nContent-Length: 2\r\nX-Keep: 1\r\nConnection: close\r\n\r\n{}")
    assert status(r) == 200
    assert len(up.heads) == 1
    lines = up.heads[0].split(b"\r\n")
    # the proxy adds its canonical request ID and trace context (test_observability)
    added = [l for l in lines if l.lower().startswith((b"x-request-id: ", b"traceparent: "))]
    assert len(added) == 2, lines
    assert [l for l in lines if l not in added] == [b"POST /v1.41/containers/create?name=a HTTP/1.1",
                                                    b"Host: docker", b"X-Keep: 1", b"Content-Length: 2"]


def test_pipelined_requests_answered_in_order(env):
    n = [0]

    def answer(head, c):
        n[0] += 1
        body = b"r%d" % n[0]
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    env["start"](answer)
    r = talk(env["px"], b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n" * 3, until=3)
    assert r.count(b"HTTP/1.1 200 OK") == 3
    assert r.index(b"r1") < r.index(b"r2") < r.index(b"r3")


def test_chunked_response_keeps_client_alive(env):
    def answer(head, c):
        c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")

    env["start"](answer)
    r = talk(env["px"], b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", until=2)
    assert r.count(b"HTTP/1.1 200 OK") == 2


def test_unreachable_upstream_is_502_json(env):
    env["start"](upstream=False)
    r = talk(env["px"], b"GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status(r) == 502
    assert r.endswith(b'{"message":"upstream docker socket unreachable"}')


def test_upstream_reset_before_head_is_502(env):
    env["start"](lambda head, c: c.shutdown(socket.SHUT_RDWR))
    r = talk(env["px"], b"GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status(r) == 502


def test_hijack_half_close(env):
    def answer(head, c):
        c.sendall(b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        data = b""
        while True:
            d = c.recv(65536)
            if not d:
                break
            data += d
        c.sendall(b"echo:" + data)   # after the client's EOF, output still flows
        c.shutdown(socket.SHUT_WR)

    env["start"](answer)
    r = talk(env["px"], b"POST /containers/a/attach?stdin=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                        b"Upgrade: tcp\r\n\r\nhello", shut=True, timeout=5)
    assert r.startswith(b"HTTP/1.1 101")
    assert r.endswith(b"echo:hello")


def test_http10_client_gets_no_chunked(env):
    up = env["start"]()
    r = talk(env["px"], b"GET /_ping HTTP/1.0\r\n\r\n")
    assert status(r) == 200
    assert up.heads[0].startswith(b"GET /_ping HTTP/1.0\r\n")
