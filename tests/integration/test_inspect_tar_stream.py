"""Tar bodies inspected as they stream (ring/tar_spool.c, inspect/tar_stream.c):
contexts and archives larger than the old 64 MiB buffer are inspected and
forwarded with bounded proxy memory; a deny found deep in a large body
still means dockerd never sees the request; the spool cap is 413; the
spool file is closed on every path.
"""
import hashlib
import io
import os
import socket
import subprocess
import tarfile
import time
import uuid

import pytest

import harness
from inspect_helpers import allow, module_proxy, policy, served, target  # noqa: F401 (fixture)

BIG = 100 << 20
EXFIL = "insecure_allow_read_exfiltration: true\n"
RULES = (allow("POST", "/build") + allow("PUT", "/containers/*/archive") +
         allow("HEAD", "/containers/*/archive") + allow("GET", "/containers/*/archive"))
proxy = module_proxy(policy(rules=RULES, extra=EXFIL))


def _rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _spool_fds(pid):
    """Open spool files of the proxy: O_TMPFILE files show as '(deleted)', memfds as 'memfd:'."""
    out = []
    d = "/proc/%d/fd" % pid
    for fd in os.listdir(d):
        try:
            t = os.readlink(os.path.join(d, fd))
        except OSError:
            continue
        if "(deleted)" in t or "memfd:sockguard-spool" in t:
            out.append(t)
    return out


def _no_spool_left(p, wait=5.0):
    deadline = time.monotonic() + wait
    while _spool_fds(p.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _spool_fds(p.proc.pid), _spool_fds(p.proc.pid)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("bigctx")
    path = d / "AAA.bin"		# sorts before "Dockerfile": the Dockerfile ends the context tar
    h = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(BIG >> 20):
            b = os.urandom(1 << 20)
            h.update(b)
            f.write(b)
    return str(path), h.hexdigest()


def _ctx(tmp_path, big_file, dockerfile):
    d = tmp_path / uuid.uuid4().hex[:8]
    d.mkdir()
    os.link(big_file[0], str(d / "AAA.bin"))
    (d / "Dockerfile").write_text(dockerfile)
    return str(d)


def _legacy(p, *args, timeout=300):
    env = dict(p.env(), DOCKER_BUILDKIT="0")
    return subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_large_build_context_streams(docker_daemon, proxy, tmp_path, big_file):
    tag = "local/sgi-bigctx:" + uuid.uuid4().hex[:8]
    ctx = _ctx(tmp_path, big_file, "FROM %s\nLABEL sgi=big\n" % harness.IMAGE)
    before = _rss_kib(proxy.proc.pid)
    mark = docker_daemon.log_mark()
    r = _legacy(proxy, "build", "--network", "none", "-t", tag, ctx)
    assert r.returncode == 0, (r.stderr, proxy.stderr()[-2000:])
    assert "Sending build context to Docker daemon" in r.stdout + r.stderr
    after = _rss_kib(proxy.proc.pid)
    print("proxy VmRSS KiB before/after a 100 MiB build context:", before, after)
    assert after - before < 32 * 1024, (before, after)	# a 100 MiB context, a few MiB of walker
    assert served(docker_daemon, mark, "POST", "/build")
    assert docker_daemon.docker("image", "inspect", tag, check=False).returncode == 0
    docker_daemon.docker("rmi", tag, check=False)
    _no_spool_left(proxy)


def test_large_context_run_at_end_denied(docker_daemon, proxy, tmp_path, big_file):
    tag = "local/sgi-bigctx:" + uuid.uuid4().hex[:8]
    ctx = _ctx(tmp_path, big_file, "FROM %s\nRUN id\n" % harness.IMAGE)
    mark = docker_daemon.log_mark()
    r = _legacy(proxy, "build", "--network", "none", "-t", tag, ctx)
    assert r.returncode != 0
    time.sleep(0.5)
    assert not served(docker_daemon, mark, "POST", "/build"), docker_daemon.requests_since(mark)
    assert docker_daemon.docker("image", "inspect", tag, check=False).returncode != 0
    _no_spool_left(proxy)


def test_docker_cp_large_file(docker_daemon, proxy, target, big_file):
    proxy.docker("cp", big_file[0], "%s:/tmp/big.bin" % target, timeout=300)
    r = subprocess.run(["docker", "cp", "%s:/tmp/big.bin" % target, "-"], env=docker_daemon.env(),
                       capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as t:
        data = t.extractfile("big.bin").read()
    assert hashlib.sha256(data).hexdigest() == big_file[1]
    _no_spool_left(proxy)


def _tar_with_tail(big_file, tail_name, size=70 << 20):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        with open(big_file[0], "rb") as f:
            ti = tarfile.TarInfo("legit.bin")
            ti.size = size
            t.addfile(ti, f)
        ti = tarfile.TarInfo(tail_name)
        ti.size = 5
        t.addfile(ti, io.BytesIO(b"data\n"))
    return buf.getvalue()


def test_archive_traversal_after_70mib_denied(docker_daemon, proxy, target, big_file):
    body = _tar_with_tail(big_file, "../escape.txt")
    mark = docker_daemon.log_mark()
    st, _, data = proxy.http("PUT", "/v1.41/containers/%s/archive?path=/tmp" % target, body=body,
                             headers={"Content-Type": "application/x-tar"}, timeout=120)
    assert st == 403, (st, data)
    assert b"stay inside the archive" in data, data
    time.sleep(0.5)
    assert not served(docker_daemon, mark, "PUT", "/archive"), docker_daemon.requests_since(mark)
    _no_spool_left(proxy)
    # the same archive without the traversal goes through
    ok = _tar_with_tail(big_file, "fine.txt")
    st, _, data = proxy.http("PUT", "/v1.41/containers/%s/archive?path=/tmp" % target, body=ok,
                             headers={"Content-Type": "application/x-tar"}, timeout=120)
    assert st == 200, (st, data)
    _no_spool_left(proxy)


def test_over_spool_cap_is_413(docker_daemon, proxy, target):
    mark = docker_daemon.log_mark()
    head = ("PUT /v1.41/containers/%s/archive?path=/tmp HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/x-tar\r\nContent-Length: %d\r\n\r\n" % (target, (512 << 20) + 1))
    out = proxy.raw(head.encode() + b"\0" * 4096, timeout=5.0)
    assert out.startswith(b"HTTP/1.1 413"), out[:200]
    # chunked: the cap is enforced as the body streams
    s = proxy.connect(timeout=60)
    try:
        s.sendall(("PUT /v1.41/containers/%s/archive?path=/tmp HTTP/1.1\r\nHost: x\r\n"
                   "Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n" % target).encode())
        chunk = b"%x\r\n" % (1 << 20) + b"\0" * (1 << 20) + b"\r\n"
        resp = b""
        try:
            for _ in range(600):
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                resp += b
        except (socket.timeout, ConnectionResetError):
            pass
        assert resp.startswith(b"HTTP/1.1 413"), resp[:200]
    finally:
        s.close()
    time.sleep(0.5)
    assert not served(docker_daemon, mark, "PUT", "/archive")
    _no_spool_left(proxy)


def test_client_hangup_mid_body_closes_spool(docker_daemon, proxy, target, big_file):
    mark = docker_daemon.log_mark()
    s = proxy.connect(timeout=10)
    s.sendall(("PUT /v1.41/containers/%s/archive?path=/tmp HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/x-tar\r\nContent-Length: %d\r\n\r\n" % (target, 50 << 20)).encode())
    ti = tarfile.TarInfo("partial.bin")
    ti.size = 40 << 20
    s.sendall(ti.tobuf(format=tarfile.USTAR_FORMAT))
    with open(big_file[0], "rb") as f:
        s.sendall(f.read(8 << 20))
    time.sleep(0.5)
    assert _spool_fds(proxy.proc.pid), "no spool file while the body streams"
    s.close()
    _no_spool_left(proxy)
    assert not served(docker_daemon, mark, "PUT", "/archive")
