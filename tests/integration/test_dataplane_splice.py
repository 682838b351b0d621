"""Zero-copy bodies: large transfers stay byte-exact and framing stays exact.

Content-Length and until-close response bodies and uninspected
Content-Length request bodies are spliced (socket -> pipe -> socket) once
their head is relayed. The first half drives the real docker CLI (and, for
Content-Length uploads, docker-py-style HTTP, which the Go CLI never sends:
it streams chunked) against the real dockerd; the second half uses a
scripted upstream for what dockerd never sends (multi-MiB Content-Length
responses, HEAD with a large Content-Length, until-close bodies, chunk
sizes, extensions, trailers and framing errors of its choosing).

Chunked responses (dockerd's save, export, archive and logs) are spliced one
chunk's data at a time once the chunks are 16 KiB or more; the relay keeps
the chunked framing byte for byte.
"""
import hashlib
import io
import os
import pathlib
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.parse
import uuid

import pytest

import harness
from policies import ALLOW_ALL, allow_all

IMAGE = harness.IMAGE
ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("SOCKGUARD_BIN", str(ROOT / "build" / "sockguard"))
MIB = 1024 * 1024


def sha(b):
    return hashlib.sha256(b).hexdigest()


name = harness.container_name


@pytest.fixture
def proxy(sockguard):
    return allow_all(sockguard)



# ---- real dockerd, real CLI --------------------------------------------------------


def test_cp_multi_mib_random_file_both_directions(proxy, running, docker_daemon, tmp_path):
    data = os.urandom(9 * MIB + 12345)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    proxy.docker("cp", str(src), running + ":/tmp/in.bin", timeout=120)
    inside = docker_daemon.docker("exec", running, "sha256sum", "/tmp/in.bin").stdout.split()[0]
    assert inside == sha(data)
    out = tmp_path / "out.bin"
    proxy.docker("cp", running + ":/tmp/in.bin", str(out), timeout=120)
    assert sha(out.read_bytes()) == sha(data)


def test_save_through_proxy_matches_direct_and_loads_back(proxy, docker_daemon, tmp_path):
    via, direct = tmp_path / "via.tar", tmp_path / "direct.tar"
    proxy.docker("save", "-o", str(via), IMAGE, timeout=120)
    docker_daemon.docker("save", "-o", str(direct), IMAGE, timeout=120)
    assert via.stat().st_size > 500_000
    assert sha(via.read_bytes()) == sha(direct.read_bytes())
    tag = "local/spliced:" + uuid.uuid4().hex[:6]
    docker_daemon.docker("tag", IMAGE, tag)
    docker_daemon.docker("save", "-o", str(direct), tag, timeout=120)
    docker_daemon.docker("rmi", tag)
    r = proxy.docker("load", "-i", str(direct), timeout=120)
    assert "Loaded image: " + tag in r.stdout
    docker_daemon.docker("rmi", tag)


def test_logs_of_several_mib_match_direct(proxy, docker_daemon):
    n = name()
    # ~6 MiB of numbered lines on stdout and some on stderr
    docker_daemon.docker("run", "--name", n, "--network", "none", IMAGE, "sh", "-c",
                         "seq 1 800000; seq 1 1000 >&2", timeout=120)
    try:
        direct = subprocess.run(["docker", "logs", n], env=docker_daemon.env(), capture_output=True,
                                timeout=120)
        via = subprocess.run(["docker", "logs", n], env=proxy.env(), capture_output=True, timeout=120)
        assert direct.returncode == 0 and via.returncode == 0
        assert len(direct.stdout) > 5 * MIB
        assert sha(via.stdout) == sha(direct.stdout)
        assert sha(via.stderr) == sha(direct.stderr)
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)


def _tar_of(member, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_put_archive_with_content_length_is_byte_exact(proxy, running, docker_daemon):
    # what docker-py's put_archive(bytes) sends: one Content-Length body
    data = os.urandom(7 * MIB + 333)
    body = _tar_of("cl.bin", data)
    st, _, resp = proxy.http("PUT", "/v1.41/containers/%s/archive?path=/tmp" % running, body=body,
                             headers={"Content-Type": "application/x-tar"}, timeout=120)
    assert st == 200, resp
    inside = docker_daemon.docker("exec", running, "sha256sum", "/tmp/cl.bin").stdout.split()[0]
    assert inside == sha(data)


DENY_ARCHIVE_PUT = ALLOW_ALL.replace("rules:\n", "rules:\n  - match: { method: PUT, path: \"/**/archive\" }\n"
                                                 "    action: deny\n    reason: \"no uploads\"\n", 1)


def test_denied_content_length_upload_never_reaches_dockerd(sockguard, running, docker_daemon):
    proxy = sockguard(config=DENY_ARCHIVE_PUT)
    body = _tar_of("no.bin", os.urandom(2 * MIB))
    mark = docker_daemon.log_mark()
    s = proxy.connect(timeout=30)
    try:
        s.sendall(b"PUT /v1.41/containers/%s/archive?path=/tmp HTTP/1.1\r\nHost: docker\r\n"
                  b"Content-Type: application/x-tar\r\nContent-Length: %d\r\n\r\n" % (running.encode(), len(body)))
        try:
            s.sendall(body[:256 * 1024])   # the proxy answers and drains; it may stop reading
        except OSError:
            pass
        resp = b""
        while b"\r\n\r\n" not in resp:
            d = s.recv(65536)
            if not d:
                break
            resp += d
    finally:
        s.close()
    assert resp.startswith(b"HTTP/1.1 403"), resp
    assert not [r for r in docker_daemon.requests_since(mark) if r[0] == "PUT"]
    assert docker_daemon.docker("exec", running, "ls", "/tmp/no.bin", check=False).returncode != 0


def test_uploads_then_requests_on_one_keepalive_connection(proxy, running, docker_daemon):
    conn = harness.UnixHTTPConnection(proxy.socket, timeout=60)
    try:
        for i in range(4):
            data = os.urandom(MIB + i)
            conn.request("PUT", "/v1.41/containers/%s/archive?path=/tmp" % running,
                         body=_tar_of("k%d.bin" % i, data), headers={"Content-Type": "application/x-tar"})
            r = conn.getresponse()
            r.read()
            assert r.status == 200
            conn.request("GET", "/_ping")
            r = conn.getresponse()
            assert r.status == 200 and r.read() == b"OK"
            inside = docker_daemon.docker("exec", running, "sha256sum", "/tmp/k%d.bin" % i).stdout.split()[0]
            assert inside == sha(data)
    finally:
        conn.close()


def test_exec_and_attach_with_extra_connection_tokens(proxy, running):
    # the CLI's own upgrade head, plus a hop-by-hop header named in Connection
    st, _, body = proxy.http("POST", "/v1.41/containers/%s/exec" % running,
                             body=b'{"AttachStdout":true,"Cmd":["echo","via-upgrade"]}',
                             headers={"Content-Type": "application/json"})
    assert st == 201, body
    exec_id = __import__("json").loads(body)["Id"]
    s = proxy.connect(timeout=15)
    try:
        payload = b'{"Detach":false,"Tty":true}'
        s.sendall(b"POST /v1.41/exec/%s/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade, X-Hop\r\n"
                  b"Upgrade: tcp\r\nX-Hop: 1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                  % (exec_id.encode(), len(payload), payload))
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    finally:
        s.close()
    assert out.startswith(b"HTTP/1.1 101")
    assert b"via-upgrade" in out


# ---- scripted upstream: what dockerd never sends ------------------------------------


Upstream = harness.FakeUpstream


BIG = os.urandom(24 * MIB + 7)


def answer_script(head, body, c):
    """GET /big?n -> n bytes of BIG with Content-Length; HEAD -> a large
    Content-Length and no body; /close?n -> until-close body; /204; /ping."""
    line = head.split(b"\r\n", 1)[0].decode()
    method, target = line.split(" ")[:2]
    path, _, q = target.partition("?")
    if method == "HEAD":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n")
        return True
    if path == "/big":
        n = int(q or len(BIG))
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % n)
        c.sendall(memoryview(BIG)[:n])
        return True
    if path == "/close":
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        c.sendall(memoryview(BIG)[:int(q)])
        return False
    if path == "/chunked":
        return send_chunked(c, urllib.parse.parse_qs(q))
    if path == "/204":
        c.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        return True
    if path == "/upload":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n" + sha(body).encode())
        return True
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
    return True


def chunked_wire(n, sizes, ext=b"", trailer=b""):
    """n bytes of BIG as chunks of the given sizes (cycled), then the last
    chunk and an optional trailer: the exact bytes of the body."""
    out, off, i = [], 0, 0
    while off < n:
        k = min(sizes[i % len(sizes)], n - off)
        i += 1
        out += [b"%x%s\r\n" % (k, ext), BIG[off:off + k], b"\r\n"]
        off += k
    out.append(b"0\r\n" + trailer + b"\r\n")
    return out


def send_chunked(c, q):
    """/chunked?n=N&sizes=a,b&ext=1&trailer=1: a chunked body; drip=1 sends
    every chunk header in two pieces with a pause between; bad=K makes chunk
    K carry 5 more bytes than its size says; cut=K closes inside chunk K;
    pause=1 waits after the response head, so that the proxy relays it
    before any chunk arrives."""
    n = int(q["n"][0])
    sizes = [int(v) for v in q.get("sizes", ["65536"])[0].split(",")]
    parts = chunked_wire(n, sizes, b";a=b" if "ext" in q else b"", b"X-T: 1\r\n" if "trailer" in q else b"")
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n")
    if "pause" in q:
        time.sleep(0.2)
    bad, cut = int(q.get("bad", ["-1"])[0]), int(q.get("cut", ["-1"])[0])
    for i in range(0, len(parts) - 1, 3):
        head, data = parts[i], parts[i + 1]
        if i // 3 == cut:
            c.sendall(head + data[:len(data) // 2])
            return False
        if i // 3 == bad:
            data += b"EXTRA"
        if "drip" in q:
            c.sendall(head[:2])
            time.sleep(0.003)
            c.sendall(head[2:])
        else:
            c.sendall(head)
        c.sendall(data + parts[i + 2])
    c.sendall(parts[-1])
    return bad < 0


@pytest.fixture
def scripted():
    d = tempfile.mkdtemp(prefix="sg-splice-")
    up_path, px_path = os.path.join(d, "up.sock"), os.path.join(d, "px.sock")
    up = Upstream(up_path, answer_script)
    cfg = os.path.join(d, "allow-all.yaml")
    with open(cfg, "w") as f:
        f.write(ALLOW_ALL)
    p = subprocess.Popen([BIN, "serve", "-c", cfg, "--listen-socket", px_path, "--upstream-socket", up_path,
                          "--workers", "1"], stderr=subprocess.DEVNULL, env=harness.clean_env())
    harness.wait_listening(px_path, timeout=5)
    yield {"up": up, "px": px_path, "pid": p.pid}
    p.terminate()
    try:
        assert p.wait(timeout=15) == 0
    finally:
        if p.poll() is None:
            p.kill()
        up.close()


class Client:
    """One keep-alive client connection that reads exactly framed responses."""

    def __init__(self, path, timeout=30.0):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.s.settimeout(timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _fill(self):
        d = self.s.recv(4 * MIB)
        if not d:
            raise EOFError("closed")
        self.buf += d

    def response(self, head_only=False, until_close=False):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        n = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                n = int(v)
        if head_only or status in (204, 304):
            return status, head, b""
        if until_close:
            try:
                while True:
                    self._fill()
            except EOFError:
                pass
            body, self.buf = self.buf, b""
            return status, head, body
        parts, have = [self.buf], len(self.buf)
        while have < n:
            d = self.s.recv(4 * MIB)
            if not d:
                raise EOFError("closed mid-body")
            parts.append(d)
            have += len(d)
        data = b"".join(parts)
        self.buf = data[n:]
        return status, head, data[:n]

    def chunked_response(self):
        """Status and the body exactly as relayed (chunk framing and all)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert b"transfer-encoding: chunked" in head.lower()
        pos = 0
        while True:
            while b"\r\n" not in self.buf[pos:]:
                self._fill()
            line_end = self.buf.index(b"\r\n", pos)
            size = int(self.buf[pos:line_end].split(b";")[0], 16)
            if size == 0:
                while b"\r\n\r\n" not in self.buf[line_end:]:
                    self._fill()
                end = self.buf.index(b"\r\n\r\n", line_end) + 4
                body, self.buf = self.buf[:end], self.buf[end:]
                return int(head.split(b" ", 2)[1]), body
            pos = line_end + 2 + size + 2
            while len(self.buf) < pos:
                self._fill()

    def read_to_eof(self):
        try:
            while True:
                self._fill()
        except (EOFError, ConnectionResetError):
            pass
        data, self.buf = self.buf, b""
        return data

    def close(self):
        self.s.close()


def pipes_of(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("pipe:"):
                n += 1
        except OSError:
            pass
    return n


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def warm_baseline(scripted):
    """One finished request (start-up done, one request context pooled),
    then the proxy's pipe count and RSS to measure a test against."""
    pid = scripted["pid"]
    warm = Client(scripted["px"])
    warm.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    assert warm.response()[2] == b"OK"
    warm.close()
    time.sleep(0.3)
    return pid, pipes_of(pid), rss_kib(pid)


def test_large_content_length_response_then_pipelined_request(scripted):
    c = Client(scripted["px"])
    try:
        # two requests in one write: the second must be answered after the
        # whole spliced body, and must not be swallowed as body
        c.send(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _, body = c.response()
        assert st == 200 and len(body) == len(BIG) and sha(body) == sha(BIG)
        st, _, body = c.response()
        assert st == 200 and body == b"OK"
    finally:
        c.close()
    assert [h.split(b"\r\n", 1)[0] for h in scripted["up"].heads] == [b"GET /big HTTP/1.1", b"GET /ping HTTP/1.1"]


def test_upstream_reused_after_many_spliced_bodies(scripted):
    c = Client(scripted["px"])
    try:
        for i in range(20):
            n = 3 * MIB + i * 4099
            c.send(b"GET /big?%d HTTP/1.1\r\nHost: x\r\n\r\n" % n)
            st, _, body = c.response()
            assert st == 200 and sha(body) == sha(BIG[:n])
    finally:
        c.close()
    assert scripted["up"].request_conns == 1, "upstream connection not reused after spliced bodies"


def test_head_204_and_small_bodies_keep_framing(scripted):
    c = Client(scripted["px"])
    try:
        c.send(b"HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n")
        st, head, _ = c.response(head_only=True)
        assert st == 200 and b"Content-Length: 10000000" in head
        c.send(b"GET /204 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.response()[0] == 204
        for n in (1, 65535, 65536, 65537, 200000):
            c.send(b"GET /big?%d HTTP/1.1\r\nHost: x\r\n\r\n" % n)
            st, _, body = c.response()
            assert st == 200 and body == BIG[:n]
        c.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.response()[2] == b"OK"
        time.sleep(0.2)
        assert c.buf == b"", "bytes after the last response"
    finally:
        c.close()


def test_until_close_body_is_spliced_to_the_end(scripted):
    c = Client(scripted["px"])
    try:
        n = 10 * MIB + 5
        c.send(b"GET /close?%d HTTP/1.0\r\n\r\n" % n)
        st, _, body = c.response(until_close=True)
        assert st == 200 and sha(body) == sha(BIG[:n])
    finally:
        c.close()


def test_large_content_length_upload_then_pipelined_request(scripted):
    body = os.urandom(9 * MIB + 1)
    c = Client(scripted["px"])
    try:
        c.send(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body +
               b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _, got = c.response()
        assert st == 200 and got == sha(body).encode()
        assert c.response()[2] == b"OK"
    finally:
        c.close()
    up = scripted["up"]
    assert up.bodies[0] == body and up.heads[1].startswith(b"GET /ping ")
    assert up.request_conns == 1


def test_slow_reader_keeps_proxy_memory_bounded(scripted):
    pid, base, before = warm_baseline(scripted)
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(scripted["px"])
    s.settimeout(30)
    try:
        s.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        got = [s.recv(65536)]
        time.sleep(1.0)   # the upstream has sent everything it can; we read nothing
        grown = rss_kib(pid) - before
        assert grown < 8 * 1024, "proxy RSS grew by %d KiB while the client did not read" % grown
        assert pipes_of(pid) >= base + 2, "the body is not being spliced"
        have = len(got[0])
        total = None
        while total is None or have < total:
            d = s.recv(1 << 20)
            assert d, "closed early"
            got.append(d)
            have += len(d)
            if total is None and b"\r\n\r\n" in b"".join(got):
                h = b"".join(got).split(b"\r\n\r\n", 1)[0]
                total = len(h) + 4 + int(h.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        data = b"".join(got)
        assert sha(data.split(b"\r\n\r\n", 1)[1]) == sha(BIG)
    finally:
        s.close()
    time.sleep(0.3)
    assert pipes_of(pid) <= base + 2, "pipes not returned to the pool"


# ---- chunked responses ---------------------------------------------------------


CHUNK_SHAPES = {
    "dockerd_32k": ([32768], ""),
    "64k_ext_trailer": ([65536], "&ext=1&trailer=1"),
    "1m": ([MIB], ""),
    "mixed_around_the_threshold": ([100, 40000, 3, 70000, 16383, 16384, 16385, 1], ""),
    "small_5000": ([5000], ""),
    "drip_headers": ([40000], "&drip=1"),
}


@pytest.mark.parametrize("shape", sorted(CHUNK_SHAPES))
def test_chunked_body_is_relayed_byte_exact_and_upstream_reused(scripted, shape):
    sizes, extra = CHUNK_SHAPES[shape]
    n = 3 * MIB + 777
    want = b"".join(chunked_wire(n, sizes, b";a=b" if "ext" in extra else b"",
                                 b"X-T: 1\r\n" if "trailer" in extra else b""))
    c = Client(scripted["px"])
    try:
        for _ in range(2):
            c.send(b"GET /chunked?n=%d&sizes=%s%s HTTP/1.1\r\nHost: x\r\n\r\n"
                   % (n, ",".join(map(str, sizes)).encode(), extra.encode()))
            st, body = c.chunked_response()
            assert st == 200 and len(body) == len(want) and sha(body) == sha(want)
        c.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.response()[2] == b"OK", "framing lost after the chunked bodies"
    finally:
        c.close()
    assert scripted["up"].request_conns == 1, "upstream connection not reused after chunked bodies"


def test_chunked_pipelined_request_waits_for_the_whole_body(scripted):
    n = 2 * MIB
    want = b"".join(chunked_wire(n, [32768]))
    c = Client(scripted["px"])
    try:
        c.send(b"GET /chunked?n=%d&sizes=32768 HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n" % n)
        st, body = c.chunked_response()
        assert st == 200 and sha(body) == sha(want)
        assert c.response()[2] == b"OK"
    finally:
        c.close()


@pytest.mark.parametrize("size,fault", [(65536, "bad=20"), (65536, "cut=20"),
                                        (1000, "bad=20&pause=1"), (1000, "cut=20&pause=1")])
def test_chunk_framing_error_or_cut_mid_response_closes_the_client(scripted, size, fault):
    """Chunk 20 carries 5 bytes more than its size says (or the upstream
    closes inside it), after the head went out: the client gets every valid
    byte before the fault and then a close, never the extra bytes or a
    terminating chunk; the upstream connection is dropped. 64 KiB chunks
    take the spliced path, 1000-byte chunks the buffered one (where the
    fault lands in one read with the chunks before it)."""
    n = (3 * MIB) // size * size
    c = Client(scripted["px"], timeout=10)
    try:
        c.send(b"GET /chunked?n=%d&sizes=%d&%s HTTP/1.1\r\nHost: x\r\n\r\n" % (n, size, fault.encode()))
        data = c.read_to_eof()
    finally:
        c.close()
    body = data.split(b"\r\n\r\n", 1)[1]
    wire = chunked_wire(n, [size])
    good = b"".join(wire[:20 * 3])
    if fault.startswith("bad"):
        good += wire[20 * 3] + wire[20 * 3 + 1]     # chunk 20's head and data are valid
    assert body[:len(good)] == good, "valid bytes before the fault were not relayed"
    assert len(body) < len(good) + size + 16, "bytes after the fault were relayed"
    assert b"EXTRA" not in body
    assert not body.endswith(b"0\r\n\r\n")
    c = Client(scripted["px"])
    try:
        c.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.response()[2] == b"OK"
    finally:
        c.close()
    assert scripted["up"].request_conns == 2, "the faulty upstream connection was reused"


def test_slow_reader_of_chunked_body_is_spliced_with_bounded_memory(scripted):
    """dockerd-sized 32 KiB chunks, a client that stops reading: the body
    waits in a pipe (the proxy holds one more pipe), not in proxy memory."""
    pid, base, before = warm_baseline(scripted)
    n = 20 * MIB
    want = b"".join(chunked_wire(n, [32768]))
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(scripted["px"])
    s.settimeout(30)
    try:
        s.sendall(b"GET /chunked?n=%d&sizes=32768 HTTP/1.1\r\nHost: x\r\n\r\n" % n)
        got = [s.recv(65536)]
        time.sleep(1.0)
        grown = rss_kib(pid) - before
        assert grown < 8 * 1024, "proxy RSS grew by %d KiB while the client did not read" % grown
        assert pipes_of(pid) >= base + 2, "the chunked body is not being spliced"
        have = sum(map(len, got))
        while not b"".join(got[-2:]).endswith(b"0\r\n\r\n"):
            d = s.recv(1 << 20)
            assert d, "closed early"
            got.append(d)
            have += len(d)
        data = b"".join(got)
        assert sha(data.split(b"\r\n\r\n", 1)[1]) == sha(want)
    finally:
        s.close()


# ---- chunked request bodies (not inspected: docker import) ------------------------


UPLOAD_SHAPES = {
    "go_32k": [32768],
    "1m": [MIB],
    "mixed_around_the_threshold": [100, 40000, 3, 70000, 16383, 16384, 16385, 1],
    "small_5000": [5000],
    "drip_headers": [40000],
    "trailer_split": [65536],
}


@pytest.mark.parametrize("shape", sorted(UPLOAD_SHAPES))
def test_chunked_upload_is_relayed_byte_exact_then_pipelined_request(scripted, shape):
    parts = chunked_wire(3 * MIB + 333, UPLOAD_SHAPES[shape])
    wire = b"".join(parts)
    c = Client(scripted["px"])
    try:
        c.send(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        if shape == "drip_headers":
            for i in range(0, len(parts) - 1, 3):
                c.send(parts[i][:1])
                time.sleep(0.003)
                c.send(parts[i][1:] + parts[i + 1] + parts[i + 2])
            c.send(parts[-1] + b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        elif shape == "trailer_split":
            # a trailer in two reads: the proxy's body window is reused, so
            # the second piece lands below the first (see test_http_request.c)
            wire = wire[:-2] + b"X-Trailer: abcd\r\n\r\n"
            c.send(wire[:-12])
            time.sleep(0.2)
            c.send(wire[-12:] + b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        else:
            c.send(wire + b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _, got = c.response()
        assert st == 200 and got == sha(wire).encode()
        assert c.response()[2] == b"OK"
    finally:
        c.close()
    up = scripted["up"]
    assert up.bodies[0] == wire, "the upstream got other bytes than the client sent"
    assert up.heads[1].startswith(b"GET /ping "), "the pipelined request was swallowed as body"
    assert up.request_conns == 1


def test_chunked_upload_framing_error_after_spliced_chunks_is_refused(scripted):
    """Chunk 20 carries 5 bytes more than its size says: llhttp sees it on
    the buffered path after the peek, the client gets a 400 and the
    upstream never gets a complete body."""
    parts = chunked_wire(3 * MIB, [65536])
    parts[20 * 3 + 1] += b"EXTRA"
    c = Client(scripted["px"], timeout=10)
    try:
        c.send(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            c.send(b"".join(parts))
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = c.read_to_eof()
    finally:
        c.close()
    assert data.startswith(b"HTTP/1.1 400 "), data[:200]
    time.sleep(0.3)
    assert scripted["up"].bodies == [], "the upstream got a complete body"


def test_slow_upstream_of_chunked_upload_is_spliced_with_bounded_memory(tmp_path):
    """An upstream that stops reading: the chunked body waits in a pipe (one
    more pipe held), not in proxy memory, and arrives whole once read. The
    upstream is a bare socket here: it must be able to stop reading mid-body."""
    import threading
    up_path, px_path = str(tmp_path / "up.sock"), str(tmp_path / "px.sock")
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(up_path)
    lsock.listen(4)
    cfg = tmp_path / "allow-all.yaml"
    cfg.write_text(ALLOW_ALL)
    p = subprocess.Popen([BIN, "serve", "-c", str(cfg), "--listen-socket", px_path, "--upstream-socket", up_path,
                          "--workers", "1"], stderr=subprocess.DEVNULL, env=harness.clean_env())
    wire = b"".join(chunked_wire(20 * MIB, [32768]))
    got, sent = {}, {}

    def upstream():
        while True:
            u, _ = lsock.accept()
            u.settimeout(30)
            first = u.recv(65536)
            if not first:
                u.close()
                continue      # the proxy's health check dials without sending
            got["head"] = first
            got["stalled"].wait()
            buf = first.split(b"\r\n\r\n", 1)[1]
            while not buf.endswith(b"0\r\n\r\n"):
                buf += u.recv(1 << 20)
            got["body"] = buf
            u.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
            u.close()
            return

    got["stalled"] = threading.Event()
    threading.Thread(target=upstream, daemon=True).start()
    try:
        harness.wait_listening(px_path, timeout=5)
        base, before = pipes_of(p.pid), rss_kib(p.pid)
        s = socket.socket(socket.AF_UNIX)
        s.connect(px_path)
        s.settimeout(30)

        def client():
            s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + wire)
            sent["done"] = True

        threading.Thread(target=client, daemon=True).start()
        time.sleep(1.5)       # the upstream reads nothing: everything stalls
        grown = rss_kib(p.pid) - before
        assert grown < 8 * 1024, "proxy RSS grew by %d KiB while the upstream did not read" % grown
        assert pipes_of(p.pid) >= base + 2, "the chunked upload is not being spliced"
        assert "done" not in sent, "the client could send 20 MiB: the proxy buffered it"
        got["stalled"].set()
        resp = b""
        while b"OK" not in resp:
            d = s.recv(65536)
            assert d, "closed early"
            resp += d
        assert resp.startswith(b"HTTP/1.1 200")
        assert sha(got["body"]) == sha(wire)
        s.close()
    finally:
        got["stalled"].set()
        p.terminate()
        p.wait(timeout=15)
        lsock.close()


def test_docker_import_of_multi_mib_rootfs_is_byte_exact(sockguard, docker_daemon, tmp_path):
    """The CLI uploads `docker import` chunked and the body is not inspected:
    the relay splices it; the file inside the image is the file sent."""
    proxy = sockguard(config=ALLOW_ALL.replace("request_body:\n", "request_body:\n  image_pull:\n    allow_imports: true\n"))
    blob = os.urandom(12 * MIB + 4321)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        ti = tarfile.TarInfo("blob")
        ti.size = len(blob)
        t.addfile(ti, io.BytesIO(blob))
    src = tmp_path / "rootfs.tar"
    src.write_bytes(buf.getvalue())
    tag = "local/sg-import-" + uuid.uuid4().hex[:6] + ":1"
    n = name()
    proxy.docker("import", str(src), tag, timeout=120)
    try:
        docker_daemon.docker("create", "--name", n, tag, "/blob")
        out = subprocess.run(["docker", "-H", "unix://" + docker_daemon.socket, "cp", n + ":/blob", "-"],
                             capture_output=True, timeout=120, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(out)) as t:
            assert sha(t.extractfile("blob").read()) == sha(blob)
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)
        docker_daemon.docker("rmi", tag, check=False)
