"""POST /exec/{id}/start is re-checked against what dockerd stored for the exec.

An exec can be created behind the proxy's back (directly on dockerd, or by a
client with another profile) and then started through it. With an exec
allowlist configured, the proxy asks dockerd GET /exec/{id}/json before it
forwards a start, and judges the stored ProcessConfig (argv, privileged,
user) like an exec create body. As in the Go original: a denied exec gets a
403 and dockerd never sees the start; an unknown id passes through to
dockerd's own 404; a lookup that fails (unreachable, error status, oversize
or malformed answer) is a 403 request_body_inspection_failed.
"""
import json
import os
import socket
import time
import uuid

import pytest

import harness
from test_smuggling import status_of

IMAGE = harness.IMAGE

POLICY = """
response:
  deny_verbosity: verbose
request_body:
  exec:
    allowed_commands:
      - ["sh", "-c", "echo *"]
      - ["cat"]
rules:
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: HEAD, path: "/_ping" }
    action: allow
  - match: { method: GET, path: "/version" }
    action: allow
  - match: { method: GET, path: "/containers/*/json" }
    action: allow
  - match: { method: GET, path: "/exec/*/json" }
    action: allow
  - match: { method: POST, path: "/containers/*/exec" }
    action: allow
  - match: { method: POST, path: "/exec/*/start" }
    action: allow
  - match: { method: POST, path: "/exec/*/resize" }
    action: allow
  - match: { method: "*", path: "/**" }
    action: deny
"""


name = harness.container_name


def daemon_http(daemon, method, path, body=None):
    """One request straight to dockerd, bypassing the proxy."""
    conn = harness.UnixHTTPConnection(daemon.socket, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def create_exec(daemon, container, cmd, **extra):
    body = {"Cmd": cmd, "AttachStdout": True, "AttachStderr": True}
    body.update(extra)
    st, data = daemon_http(daemon, "POST", "/containers/%s/exec" % container, body)
    assert st == 201, data
    return json.loads(data)["Id"]


def exec_state(daemon, exec_id):
    st, data = daemon_http(daemon, "GET", "/exec/%s/json" % exec_id)
    assert st == 200, data
    d = json.loads(data)
    return d["Running"], d["ExitCode"], d.get("Pid", 0)


def start_raw(proxy, path, detach=True):
    body = json.dumps({"Detach": detach, "Tty": False}).encode()
    req = (b"POST %s HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (path.encode(), len(body))) + body
    return proxy.raw(req, timeout=10.0)


def body_of(resp):
    return resp.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in resp else b""



@pytest.fixture
def proxy(sockguard):
    return sockguard(config=POLICY)


def lookups_and_starts(seen, exec_id):
    looks = [i for i, (m, p) in enumerate(seen) if m == "GET" and p == "/exec/%s/json" % exec_id]
    starts = [i for i, (m, p) in enumerate(seen) if m == "POST" and p.endswith("/exec/%s/start" % exec_id)]
    return looks, starts


# ---- deny: the stored exec breaks the policy ------------------------------------

DENIED = {
    "privileged": (["sh", "-c", "echo ok; touch /tmp/ran-privileged"], {"Privileged": True},
                   "privileged exec is not allowed"),
    "root_user": (["sh", "-c", "echo ok; touch /tmp/ran-root"], {"User": "root"},
                  "root exec user is not allowed"),
    "root_uid": (["sh", "-c", "echo ok; touch /tmp/ran-uid0"], {"User": "0:0"},
                 "root exec user is not allowed"),
    "argv": (["touch", "/tmp/ran-argv"], {}, "is not allowlisted"),
    "argv_arity": (["sh", "-c", "echo", "x"], {}, "is not allowlisted"),
}


@pytest.mark.parametrize("case", sorted(DENIED))
def test_start_of_forbidden_exec_created_directly_is_denied(proxy, docker_daemon, running, case):
    cmd, extra, reason = DENIED[case]
    exec_id = create_exec(docker_daemon, running, cmd, **extra)
    mark = docker_daemon.log_mark()
    resp = start_raw(proxy, "/v1.41/exec/%s/start" % exec_id)
    assert status_of(resp) == 403, resp[:300]
    assert reason in body_of(resp).decode(), resp
    looks, starts = lookups_and_starts(docker_daemon.requests_since(mark), exec_id)
    assert looks and not starts
    running_now, exit_code, pid = exec_state(docker_daemon, exec_id)
    assert running_now is False and exit_code is None and not pid
    marker = {"privileged": "/tmp/ran-privileged", "root_user": "/tmp/ran-root", "root_uid": "/tmp/ran-uid0",
              "argv": "/tmp/ran-argv"}.get(case)
    if marker:
        r = docker_daemon.docker("exec", running, "test", "-e", marker, check=False)
        assert r.returncode == 1


def test_attached_start_of_forbidden_exec_is_denied(proxy, docker_daemon, running):
    # The way `docker exec` starts: attached, asking for an upgrade.
    exec_id = create_exec(docker_daemon, running, ["sh", "-c", "echo no"], Privileged=True)
    mark = docker_daemon.log_mark()
    body = b'{"Detach":false,"Tty":false}'
    resp = proxy.raw(b"POST /v1.41/exec/%s/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
                     b"Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                     % (exec_id.encode(), len(body), body), timeout=10.0)
    assert status_of(resp) == 403, resp[:300]
    looks, starts = lookups_and_starts(docker_daemon.requests_since(mark), exec_id)
    assert looks and not starts
    assert exec_state(docker_daemon, exec_id)[:2] == (False, None)


def test_lookup_uses_the_canonical_id(proxy, docker_daemon, running):
    exec_id = create_exec(docker_daemon, running, ["touch", "/tmp/ran-encoded"])
    encoded = "".join("%%%02X" % ord(ch) for ch in exec_id[:4]) + exec_id[4:]
    mark = docker_daemon.log_mark()
    resp = start_raw(proxy, "/v1.41/exec/%s/start" % encoded)
    assert status_of(resp) == 403, resp[:300]
    seen = docker_daemon.requests_since(mark)
    assert ("GET", "/exec/%s/json" % exec_id) in seen, seen
    assert not [p for m, p in seen if m == "POST"], seen
    assert exec_state(docker_daemon, exec_id)[:2] == (False, None)


# ---- allow: the stored exec fits the policy ----------------------------------------

def test_docker_exec_allowed_command_runs(proxy, docker_daemon, running):
    mark = docker_daemon.log_mark()
    r = proxy.docker("exec", running, "sh", "-c", "echo hello-through-lookup")
    assert r.stdout.strip() == "hello-through-lookup"
    seen = docker_daemon.requests_since(mark)
    starts = [i for i, (m, p) in enumerate(seen) if m == "POST" and p.endswith("/start")]
    assert len(starts) == 1, seen
    exec_id = seen[starts[0]][1].split("/")[-2]
    looks, _ = lookups_and_starts(seen, exec_id)
    assert looks and looks[0] < starts[0], seen


def test_docker_exec_interactive_stdin_still_streams(proxy, docker_daemon, running):
    payload = "".join("line %d\n" % i for i in range(3000))
    mark = docker_daemon.log_mark()
    r = proxy.docker("exec", "-i", running, "cat", input=payload, timeout=30)
    assert r.stdout == payload
    seen = docker_daemon.requests_since(mark)
    assert any(m == "GET" and p.startswith("/exec/") and p.endswith("/json") and not p.startswith("/v")
               for m, p in seen), seen


def test_directly_created_allowed_exec_starts(proxy, docker_daemon, running):
    exec_id = create_exec(docker_daemon, running, ["sh", "-c", "echo fine"])
    resp = start_raw(proxy, "/exec/%s/start" % exec_id, detach=False)
    assert status_of(resp) == 200, resp[:300]
    assert b"fine" in resp
    running_now, exit_code, _ = exec_state(docker_daemon, exec_id)
    assert exit_code == 0


# ---- unknown id: dockerd answers, nothing runs ----------------------------------------

def test_unknown_exec_id_passes_through_to_dockerds_404(proxy, docker_daemon):
    exec_id = uuid.uuid4().hex + uuid.uuid4().hex
    mark = docker_daemon.log_mark()
    resp = start_raw(proxy, "/exec/%s/start" % exec_id)
    assert status_of(resp) == 404, resp[:300]
    assert b"No such exec instance" in resp
    seen = docker_daemon.requests_since(mark)
    looks, starts = lookups_and_starts(seen, exec_id)
    assert looks and starts and looks[0] < starts[0], seen


# ---- lookup failures: fail closed -------------------------------------------------------

def stop_clean(proxy):
    """What the sockguard fixture checks, for proxies started by hand."""
    assert proxy.stop() == 0
    err = open(proxy.stderr_path, errors="replace").read()
    assert "Sanitizer" not in err, err[-4000:]


class FakeDocker(harness.FakeUpstream):
    """Answers GET /exec/*/json as told (bytes, None: close without an
    answer, b"hang": say nothing for 8 s) and records every request line."""

    def __init__(self, path, answer, drop_idle_after_ping=False):
        self.socket = path
        self.reply = answer
        self.drop_idle_after_ping = drop_idle_after_ping
        super().__init__(path, self._answer, conn_timeout=10)

    @property
    def seen(self):
        return [tuple(h.split(b"\r\n", 1)[0].decode().split(" ")[:2]) for h in self.heads]

    def _answer(self, head, body, c):
        if head.startswith(b"GET /_ping"):
            c.sendall(harness.UPSTREAM_OK)
            return not self.drop_idle_after_ping  # a keep-alive answer, then the idle connection goes away
        if self.reply is None:
            return False
        if self.reply == b"hang":
            time.sleep(8)
            return False
        c.sendall(self.reply)
        return False


def big_json(n):
    pad = "x" * n
    return json.dumps({"ProcessConfig": {"entrypoint": "cat", "arguments": [], "privileged": False,
                                         "user": ""}, "Pad": pad}).encode()


FAILURES = {
    "oversize": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                % (len(big_json(70000)), big_json(70000)),
    "oversize_chunked": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + b"".join(b"%x\r\n%s\r\n" % (4096, b"x" * 4096) for _ in range(20)) + b"0\r\n\r\n",
    "malformed_json": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"Proce\":",
    "malformed_http": b"HTTP/1.1 2x0 OK\r\n\r\n",
    "server_error": b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}",
    "closed_early": None,
    "truncated_body": b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"ProcessConfig\":",
    "no_process_config": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failed_lookup_is_denied_and_start_never_sent(sockguard, tmp_path, case):
    fake = FakeDocker(str(tmp_path / "fake.sock"), FAILURES[case])
    try:
        proxy = harness.Proxy(fake, str(tmp_path), config=POLICY)
        try:
            resp = start_raw(proxy, "/exec/abc123/start")
            assert status_of(resp) == 403, resp[:300]
            assert b"request denied by sockguard policy" in resp
            reason = json.loads(body_of(resp))["reason"]
            if case == "no_process_config":
                assert "ProcessConfig" in reason
            else:
                assert reason == "unable to inspect exec request body", reason
            assert ("GET", "/exec/abc123/json") in fake.seen
            assert not [p for m, p in fake.seen if m == "POST"], fake.seen
        finally:
            stop_clean(proxy)
    finally:
        fake.close()


def test_fitting_stored_exec_via_fake_upstream_is_forwarded(tmp_path):
    ok = json.dumps({"ProcessConfig": {"entrypoint": "cat", "arguments": [], "privileged": False,
                                       "user": ""}}).encode()
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(ok), ok)
    fake = FakeDocker(str(tmp_path / "fake.sock"), answer)
    try:
        proxy = harness.Proxy(fake, str(tmp_path), config=POLICY)
        try:
            start_raw(proxy, "/exec/abc123/start")
            assert fake.seen[:1] == [("GET", "/exec/abc123/json")], fake.seen
            assert ("POST", "/exec/abc123/start") in fake.seen, fake.seen
        finally:
            stop_clean(proxy)
    finally:
        fake.close()


def test_stale_pooled_connection_is_replaced_for_the_lookup(tmp_path):
    ok = json.dumps({"ProcessConfig": {"entrypoint": "cat", "arguments": [], "privileged": False,
                                       "user": ""}}).encode()
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(ok), ok)
    fake = FakeDocker(str(tmp_path / "fake.sock"), answer, drop_idle_after_ping=True)
    try:
        proxy = harness.Proxy(fake, str(tmp_path), config=POLICY, args=("--workers", "1"))
        try:
            st, _, _ = proxy.http("GET", "/_ping")
            assert st == 200
            time.sleep(0.3)  # the pooled upstream connection is closed by now
            start_raw(proxy, "/exec/abc123/start")
            assert ("GET", "/exec/abc123/json") in fake.seen, fake.seen
            assert ("POST", "/exec/abc123/start") in fake.seen, fake.seen
        finally:
            stop_clean(proxy)
    finally:
        fake.close()


def test_hung_lookup_times_out_and_denies(tmp_path):
    fake = FakeDocker(str(tmp_path / "fake.sock"), b"hang")
    try:
        proxy = harness.Proxy(fake, str(tmp_path), config="server:\n  header_read_timeout: 2s\n" + POLICY)
        try:
            t0 = time.monotonic()
            resp = start_raw(proxy, "/exec/abc123/start")
            took = time.monotonic() - t0
            assert status_of(resp) == 403, resp[:300]
            assert json.loads(body_of(resp))["reason"] == "unable to inspect exec request body"
            assert 1.5 < took < 6, took
            assert not [p for m, p in fake.seen if m == "POST"], fake.seen
        finally:
            stop_clean(proxy)
    finally:
        fake.close()


def test_unreachable_upstream_denies_start(tmp_path):
    class Gone:
        socket = str(tmp_path / "nothing-here.sock")
    proxy = harness.Proxy(Gone(), str(tmp_path), config=POLICY)
    try:
        resp = start_raw(proxy, "/exec/abc123/start")
        assert status_of(resp) == 403, resp[:300]
        assert json.loads(body_of(resp))["reason"] == "unable to inspect exec request body"
    finally:
        stop_clean(proxy)


def test_no_allowlist_means_no_lookup(sockguard, docker_daemon, running):
    policy = POLICY.replace("""    allowed_commands:
      - ["sh", "-c", "echo *"]
      - ["cat"]
""", "    allow_privileged: false\n").replace("request_body:", "insecure_allow_body_blind_writes: true\nrequest_body:")
    proxy = sockguard(config=policy)
    mark = docker_daemon.log_mark()
    r = proxy.docker("exec", running, "sh", "-c", "echo plain")
    assert r.stdout.strip() == "plain"
    seen = docker_daemon.requests_since(mark)
    assert not [p for m, p in seen if m == "GET" and p.startswith("/exec/")], seen
