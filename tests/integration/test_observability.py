"""Observability end to end: access and audit logs, request IDs, W3C trace
context, /health with the watchdog, /metrics.

The proxy runs in front of the session's real dockerd and is driven by the
real docker CLI where a user would; raw HTTP where headers matter. Log lines
are read from a log.output file; the writer flushes every 50 ms, so reads
poll briefly.
"""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import harness

RULES = """
rules:
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: HEAD, path: "/_ping" }
    action: allow
  - match: { method: GET, path: "/version" }
    action: allow
  - match: { method: GET, path: "/containers/json" }
    action: deny
    reason: "listing is off in this test"
"""
DENY_RULE_INDEX = 3

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")
VALID_TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def config(tmp, extra="", rules=RULES, fmt="json"):
    log = os.path.join(tmp, "access.log")
    cfg = "log:\n  format: %s\n  output: \"file:%s\"\n" % (fmt, log) + extra + rules
    return cfg, log


def read_lines(path, want=lambda lines: True, timeout=5.0):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                lines = [l for l in f.read().splitlines() if l]
        except FileNotFoundError:
            lines = []
        if want(lines):
            return lines
        time.sleep(0.05)
    return lines


def json_lines(path, want=lambda recs: True, timeout=5.0):
    out = []

    def ok(lines):
        out[:] = [json.loads(l) for l in lines]
        return want(out)
    read_lines(path, ok, timeout)
    return out


def requests_of(recs, msg=None):
    return [r for r in recs if r.get("msg") in ((msg,) if msg else ("request", "request_denied", "request_would_deny"))]


def find(recs, path_suffix, method=None):
    return [r for r in requests_of(recs) if r["path"].endswith(path_suffix) and (method is None or r["method"] == method)]


# ---- access log ---------------------------------------------------------------


def test_observ_access_log_allow_and_deny(sockguard, tmp_path):
    cfg, log = config(str(tmp_path))
    p = sockguard(config=cfg)
    p.docker("version")
    r = p.docker("ps", check=False)
    assert r.returncode != 0
    st, hdrs, _ = p.http("GET", "/containers/json", headers={"X-Request-Id": "client-abc-123"})
    assert st == 403
    assert HEX32.match(hdrs["x-request-id"]), hdrs

    recs = json_lines(log, lambda rs: len(find(rs, "/containers/json")) >= 2)
    ver = find(recs, "/version", "GET")
    assert ver, recs
    v = ver[-1]
    assert v["msg"] == "request" and v["level"] == "INFO"
    assert v["decision"] == "allow" and v["status"] == 200 and v["rule"] == 2
    assert v["path"].startswith("/v1.") and v["normalized_path"] == "/version"
    assert HEX32.match(v["request_id"]) and "client_request_id" not in v
    assert "reason_code" not in v
    assert v["client"] == "@" and v["bytes"] > 0 and v["latency_ms"] >= 0
    assert HEX32.match(v["trace_id"]) and HEX16.match(v["trace_span_id"]) and v["trace_sampled"] is False
    # the CLI pings first
    assert find(recs, "/_ping")

    denied = find(recs, "/containers/json")
    cli, raw = denied[0], denied[-1]
    for d in (cli, raw):
        assert d["msg"] == "request_denied" and d["level"] == "WARN"
        assert d["decision"] == "deny" and d["status"] == 403
        assert d["rule"] == DENY_RULE_INDEX
        assert d["reason_code"] == "matched_deny_rule"
        assert d["reason"] == "listing is off in this test"
        assert d["normalized_path"] == "/containers/json"
        assert HEX32.match(d["request_id"])
    assert cli["path"].startswith("/v1.")
    assert raw["client_request_id"] == "client-abc-123"
    assert raw["request_id"] == hdrs["x-request-id"]
    assert len({r["request_id"] for r in requests_of(recs)}) == len(requests_of(recs))


def test_observ_access_log_text_format(sockguard, tmp_path):
    cfg, log = config(str(tmp_path), fmt="text")
    p = sockguard(config=cfg)
    p.docker("version")
    p.docker("ps", check=False)
    lines = read_lines(log, lambda ls: any("msg=request_denied" in l for l in ls)
                       and any("msg=listening" in l for l in ls))
    den = [l for l in lines if "msg=request_denied" in l]
    assert den, lines
    d = den[0]
    assert d.startswith("time=") and "level=WARN" in d
    assert "decision=deny" in d and "status=403" in d and "rule=%d" % DENY_RULE_INDEX in d
    assert "reason_code=matched_deny_rule" in d and "normalized_path=/containers/json" in d
    assert re.search(r"request_id=[0-9a-f]{32}\b", d)
    ok = [l for l in lines if "msg=request " in l and "normalized_path=/version" in l]
    assert ok and "status=200" in ok[0] and "decision=allow" in ok[0]
    # operational lines share the sink and the format
    assert any("msg=listening" in l for l in lines)


def test_observ_access_log_off(sockguard, tmp_path):
    cfg, log = config(str(tmp_path), extra="  access_log: false\n")
    cfg = cfg.replace("log:\n", "log:\n", 1)
    p = sockguard(config=cfg)
    p.docker("version")
    time.sleep(0.3)
    lines = read_lines(log, lambda ls: any('"msg":"listening"' in l for l in ls))
    assert not [l for l in lines if '"msg":"request' in l], lines


def test_observ_audit_log_schema(sockguard, tmp_path):
    audit = os.path.join(str(tmp_path), "audit.log")
    extra = "  audit:\n    enabled: true\n    output: \"file:%s\"\nownership:\n  owner: ci-job-7\n" % audit
    cfg, _ = config(str(tmp_path), extra=extra)
    p = sockguard(config=cfg)
    p.docker("version")
    p.docker("ps", check=False)
    recs = json_lines(audit, lambda rs: any(r["decision"] == "deny" for r in rs))
    keys = ["event_type", "timestamp", "request_id", "client_request_id", "trace_id", "trace_parent_id",
            "trace_span_id", "trace_sampled", "method", "raw_path", "normalized_path", "decision",
            "reason_code", "reason", "matched_rule", "selected_profile", "status", "actor_remote_addr",
            "actor_source_ip", "transport_listener", "transport_scheme", "transport_protocol", "ownership"]
    for r in recs:
        for k in keys:
            assert k in r, (k, r)
        assert r["event_type"] == "http_request"
        assert r["ownership"] == {"enabled": True, "owner": "ci-job-7", "label_key": "com.sockguard.owner"}
        assert r["transport_listener"] == "unix" and r["transport_scheme"] == "http"
        assert r["transport_protocol"] == "HTTP/1.1" and r["actor_remote_addr"] == "@"
        assert HEX32.match(r["request_id"])
    d = [r for r in recs if r["decision"] == "deny"][0]
    assert d["status"] == 403 and d["matched_rule"] == DENY_RULE_INDEX
    assert d["reason_code"] == "matched_deny_rule" and d["normalized_path"] == "/containers/json"
    a = [r for r in recs if r["normalized_path"] == "/version"][0]
    assert a["decision"] == "allow" and a["status"] == 200 and a["reason_code"] == ""


def test_observ_bad_log_output_refuses_to_start(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("log:\n  audit:\n    enabled: true\n    output: \"file:%s/no/such/dir/a.log\"\n" % tmp_path)
    r = subprocess.run([harness.SOCKGUARD_BIN, "serve", "-c", str(cfg), "--listen-socket",
                        str(tmp_path / "s.sock"), "--upstream-socket", str(tmp_path / "up.sock")],
                       capture_output=True, text=True, timeout=20, env=harness.clean_env())
    assert r.returncode != 0
    assert "log.audit.output" in r.stderr, r.stderr
    assert not (tmp_path / "s.sock").exists()


# ---- trace context and request IDs upstream ------------------------------------


class CaptureUpstream(harness.FakeUpstream):
    """Records request heads (as text) and answers 200."""

    def _record(self, head):
        self.heads.append(head.decode())


def header_values(head, name):
    out = []
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == name:
            out.append(v.strip())
    return out


@pytest.fixture
def captured():
    d = tempfile.mkdtemp(prefix="sg-obs-")
    up = CaptureUpstream(os.path.join(d, "up.sock"))
    log = os.path.join(d, "access.log")
    cfg = os.path.join(d, "c.yaml")
    with open(cfg, "w") as f:
        f.write("log:\n  output: \"file:%s\"\n" % log + RULES)
    px = os.path.join(d, "px.sock")
    p = subprocess.Popen([harness.SOCKGUARD_BIN, "serve", "-c", cfg, "--listen-socket", px,
                          "--upstream-socket", os.path.join(d, "up.sock"), "--workers", "2"],
                         stderr=subprocess.DEVNULL, env=harness.clean_env())
    harness.wait_listening(px, timeout=10)
    yield px, up, log
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=15) == 0
    up.close()


def get(px, path, headers):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(px)
    req = "GET %s HTTP/1.1\r\nHost: x\r\n" % path + "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n"
    s.sendall(req.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    s.close()
    return data.decode(errors="replace")


def test_observ_traceparent_valid_kept(captured):
    px, up, log = captured
    resp = get(px, "/_ping", [("traceparent", VALID_TP), ("tracestate", "vendor=abc"),
                              ("X-Request-Id", "mine-1"), ("x-request-id", "mine-2")])
    assert resp.startswith("HTTP/1.1 200")
    head = up.heads[-1]
    rid = header_values(head, "x-request-id")
    assert len(rid) == 1 and HEX32.match(rid[0]), head
    tp = header_values(head, "traceparent")
    assert len(tp) == 1, head
    ver, trace_id, span, flags = tp[0].split("-")
    assert ver == "00" and trace_id == "0af7651916cd43dd8448eb211c80319c" and flags == "01"
    assert HEX16.match(span) and span != "b7ad6b7169203331"
    assert header_values(head, "tracestate") == ["vendor=abc"]

    recs = json_lines(log, lambda rs: find(rs, "/_ping"))
    r = find(recs, "/_ping")[-1]
    assert r["trace_id"] == trace_id and r["trace_parent_id"] == "b7ad6b7169203331"
    assert r["trace_span_id"] == span and r["trace_sampled"] is True
    assert r["request_id"] == rid[0] and r["client_request_id"] == "mine-1"


@pytest.mark.parametrize("bad", [
    "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",   # uppercase
    "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",   # version ff
    "00-00000000000000000000000000000000-b7ad6b7169203331-01",   # zero trace id
    "garbage",
])
def test_observ_traceparent_invalid_fresh(captured, bad):
    px, up, log = captured
    get(px, "/_ping", [("traceparent", bad), ("tracestate", "vendor=stale")])
    head = up.heads[-1]
    tp = header_values(head, "traceparent")
    assert len(tp) == 1 and tp[0] != bad, head
    ver, trace_id, span, flags = tp[0].split("-")
    assert ver == "00" and flags == "00" and HEX32.match(trace_id)
    assert trace_id != "0af7651916cd43dd8448eb211c80319c"
    assert header_values(head, "tracestate") == []
    recs = json_lines(log, lambda rs: find(rs, "/_ping"))
    r = find(recs, "/_ping")[-1]
    assert r["trace_id"] == trace_id and "trace_parent_id" not in r and r["trace_sampled"] is False


def test_observ_no_traceparent_gets_one(captured):
    px, up, log = captured
    get(px, "/_ping", [])
    tp = header_values(up.heads[-1], "traceparent")
    assert len(tp) == 1 and re.match(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", tp[0])


# ---- /health and the watchdog ------------------------------------------------------


def test_observ_health_local_never_forwarded(sockguard, docker_daemon, tmp_path):
    cfg, log = config(str(tmp_path), rules=harness_deny_all())
    p = sockguard(config=cfg)
    mark = docker_daemon.log_mark()
    st, hdrs, body = p.http("GET", "/health")
    assert st == 200, body
    b = json.loads(body)
    assert b["status"] == "healthy" and b["upstream"] == "connected"
    assert HEX32.match(hdrs["x-request-id"])
    st, _, body = p.http("HEAD", "/health")
    assert st == 200 and body == b""
    # other methods are ordinary (denied) requests
    st, _, _ = p.http("POST", "/health")
    assert st == 403
    assert docker_daemon.requests_since(mark) == []
    recs = json_lines(log, lambda rs: len(find(rs, "/health")) >= 3)
    h = find(recs, "/health", "GET")[0]
    assert h["status"] == 200 and h["decision"] == "allow" and h["rule"] == -1


def test_observ_health_disabled_is_a_normal_path(sockguard, docker_daemon):
    p = sockguard(config="health:\n  enabled: false\n" + harness_deny_all())
    st, _, _ = p.http("GET", "/health")
    assert st == 403


def test_observ_health_custom_path(sockguard):
    p = sockguard(config="health:\n  path: /healthz\n" + harness_deny_all())
    assert p.http("GET", "/healthz")[0] == 200
    assert p.http("GET", "/health")[0] == 403


def harness_deny_all():
    from policies import DENY_ALL
    return DENY_ALL


def wait_health(p, want, timeout=15.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = p.http("GET", "/health")
        if last[0] == want:
            return last
        time.sleep(0.2)
    raise AssertionError("health stayed %r" % (last,))


def test_observ_watchdog_transitions(sockguard, docker_daemon, tmp_path):
    extra = "health:\n  watchdog:\n    enabled: true\n    interval: 300ms\nmetrics:\n  enabled: true\n"
    cfg, log = config(str(tmp_path), extra=extra)
    p = sockguard(config=cfg)
    assert p.http("GET", "/health")[0] == 200
    docker_daemon.proc.send_signal(signal.SIGTERM)
    try:
        docker_daemon.proc.wait(timeout=30)
        st, _, body = wait_health(p, 503)
        b = json.loads(body)
        assert b["status"] == "unhealthy" and b["upstream"] == "unreachable"
        assert docker_daemon.socket in b["error"] and b["error"].startswith("dial unix ")
        assert "version" in b and "uptime_seconds" in b
        metrics = p.http("GET", "/metrics")[2].decode()
        assert "sockguard_upstream_socket_up 0" in metrics
    finally:
        docker_daemon.restart()
    wait_health(p, 200)
    recs = json_lines(log, lambda rs: any(r["msg"] == "upstream socket reachable" for r in rs))
    down = [r for r in recs if r["msg"] == "upstream socket unreachable"]
    up = [r for r in recs if r["msg"] == "upstream socket reachable"]
    assert down and down[0]["level"] == "WARN" and down[0]["upstream_socket"] == docker_daemon.socket
    assert down[0]["error"].startswith("dial unix ")
    assert up and up[-1]["level"] == "INFO"
    metrics = p.http("GET", "/metrics")[2].decode()
    assert "sockguard_upstream_socket_up 1" in metrics
    assert re.search(r'sockguard_upstream_watchdog_checks_total\{result="unreachable"\} [1-9]', metrics)
    assert re.search(r'sockguard_upstream_watchdog_checks_total\{result="connected"\} [1-9]', metrics)
    p.docker("version")


# ---- /metrics ------------------------------------------------------------------------


def metric(text, name, **labels):
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all('%s="%s"' % kv in line for kv in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_observ_metrics_scrape(sockguard, docker_daemon, tmp_path):
    extra = "metrics:\n  enabled: true\nhealth:\n  watchdog:\n    enabled: true\n    interval: 1s\n"
    cfg, _ = config(str(tmp_path), extra=extra)
    p = sockguard(config=cfg)
    mark = docker_daemon.log_mark()
    for _ in range(3):
        p.docker("version")
    for _ in range(2):
        assert p.docker("ps", check=False).returncode != 0
    st, hdrs, body = p.http("GET", "/metrics")
    assert st == 200
    assert hdrs["content-type"].startswith("text/plain; version=0.0.4")
    assert ("GET", "/metrics") not in [(m, q.split("?")[0]) for m, q in docker_daemon.requests_since(mark)]
    t = body.decode()
    assert re.search(r'^sockguard_build_info\{version="[^"]+",commit="[^"]*",build_date="[^"]*",go_version="[^"]+"\} 1$',
                     t, re.M), t[:2000]
    assert metric(t, "sockguard_start_time_seconds") > 0
    assert metric(t, "sockguard_http_requests_total", decision="allow", method="GET", route="/version",
                  status="200") == 3
    assert metric(t, "sockguard_http_requests_total", decision="deny", method="GET", route="/containers/json",
                  status="403") == 2
    assert metric(t, "sockguard_http_denied_requests_total", mode="enforce", reason_code="matched_deny_rule",
                  route="/containers/json", rule=str(DENY_RULE_INDEX)) == 2
    assert metric(t, "sockguard_http_request_duration_seconds_count", decision="allow", route="/version") == 3
    assert metric(t, "sockguard_http_request_duration_seconds_bucket", decision="allow", route="/version",
                  le="+Inf") == 3
    assert metric(t, "sockguard_http_request_duration_seconds_sum", decision="allow", route="/version") > 0
    assert metric(t, "sockguard_http_requests_active") == 1      # the scrape itself
    assert metric(t, "sockguard_upstream_socket_up") == 1
    assert metric(t, "sockguard_upstream_watchdog_checks_total", result="connected") >= 1
    assert "# TYPE sockguard_http_request_duration_seconds histogram" in t


def test_observ_metrics_bypass_rules(sockguard, docker_daemon):
    p = sockguard(config="metrics:\n  enabled: true\n  path: /m\n" + harness_deny_all())
    mark = docker_daemon.log_mark()
    st, _, body = p.http("GET", "/m")
    assert st == 200 and b"sockguard_build_info" in body
    assert docker_daemon.requests_since(mark) == []


def test_observ_metrics_disabled_is_a_normal_path(sockguard, docker_daemon, tmp_path):
    cfg, log = config(str(tmp_path))
    p = sockguard(config=cfg)
    st, _, body = p.http("GET", "/metrics")
    assert st == 403 and b"sockguard_build_info" not in body
    recs = json_lines(log, lambda rs: find(rs, "/metrics"))
    r = find(recs, "/metrics")[0]
    assert r["decision"] == "deny" and r["reason_code"] == "no_matching_allow_rule"


# ---- upstream failure -------------------------------------------------------------------


def test_observ_upstream_unreachable_logged(tmp_path):
    log = tmp_path / "access.log"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("log:\n  output: \"file:%s\"\n" % log + RULES)
    px = str(tmp_path / "px.sock")
    p = subprocess.Popen([harness.SOCKGUARD_BIN, "serve", "-c", str(cfg), "--listen-socket", px,
                          "--upstream-socket", str(tmp_path / "none.sock")],
                         stderr=subprocess.DEVNULL, env=harness.clean_env())
    try:
        for _ in range(200):
            if os.path.exists(px):
                break
            time.sleep(0.05)
        time.sleep(0.1)
        resp = get(px, "/_ping", [])
        assert resp.startswith("HTTP/1.1 502")
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=15) == 0
    recs = json_lines(str(log), lambda rs: find(rs, "/_ping"))
    r = find(recs, "/_ping")[0]
    assert r["status"] == 502 and r["decision"] == "allow"
    assert r["reason_code"] == "upstream_socket_unreachable"


# ---- inspected and hijacked requests ------------------------------------------------------


def test_observ_run_logs_create_attach_and_wait(sockguard, tmp_path):
    from policies import ALLOW_ALL
    cfg, log = config(str(tmp_path), rules=ALLOW_ALL)
    p = sockguard(config=cfg)
    r = p.docker("run", "--rm", harness.IMAGE, "echo", "hello-obs")
    assert "hello-obs" in r.stdout
    recs = json_lines(log, lambda rs: find(rs, "/wait", "POST") and find(rs, "/attach", "POST"))
    create = find(recs, "/containers/create", "POST")
    assert create and create[0]["status"] == 201 and create[0]["decision"] == "allow"
    attach = find(recs, "/attach", "POST")
    assert attach and attach[0]["status"] in (101, 200), attach
    assert re.match(r"^/containers/[^/]+/attach$", attach[0]["normalized_path"])
    wait = find(recs, "/wait", "POST")
    assert wait and wait[0]["status"] == 200 and wait[0]["bytes"] > 0
    ids = [r["request_id"] for r in requests_of(recs)]
    assert len(ids) == len(set(ids))


def test_observ_forwarded_response_carries_request_id(sockguard, tmp_path):
    cfg, log = config(str(tmp_path))
    p = sockguard(config=cfg)
    st, hdrs, body = p.http("GET", "/version", headers={"X-Request-Id": "caller-9"})
    assert st == 200 and json.loads(body)["ApiVersion"]
    rid = hdrs["x-request-id"]
    assert HEX32.match(rid), hdrs
    recs = json_lines(log, lambda rs: find(rs, "/version"))
    r = find(recs, "/version")[-1]
    assert r["request_id"] == rid and r["client_request_id"] == "caller-9"
    # keep-alive still frames correctly after the inserted header
    conn = harness.UnixHTTPConnection(p.socket)
    try:
        for _ in range(3):
            conn.request("GET", "/_ping")
            resp = conn.getresponse()
            assert resp.status == 200 and resp.read() == b"OK"
            assert HEX32.match(resp.getheader("X-Request-Id"))
    finally:
        conn.close()


# ---- listener admission still applies to the local endpoints ------------------------------


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("cidr,want", [("10.0.0.0/8", 403), ("127.0.0.0/8", 200)])
def test_observ_health_keeps_cidr_admission(docker_daemon, tmp_path, cidr, want):
    from policies import DENY_ALL
    import http.client
    cfg = tmp_path / "c.yaml"
    log = tmp_path / "access.log"
    cfg.write_text("log:\n  output: \"file:%s\"\nmetrics:\n  enabled: true\nclients:\n  allowed_cidrs: [\"%s\"]\n"
                   % (log, cidr) + DENY_ALL)
    port = free_port()
    p = subprocess.Popen([harness.SOCKGUARD_BIN, "serve", "-c", str(cfg), "--listen-address",
                          "127.0.0.1:%d" % port, "--upstream-socket", docker_daemon.socket],
                         stderr=subprocess.DEVNULL, env=harness.clean_env())
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        for path in ("/health", "/metrics"):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            assert r.status == want, path
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=15) == 0
    recs = json_lines(str(log), lambda rs: len(find(rs, "/metrics")) >= 1)
    h = find(recs, "/health")[0]
    assert h["status"] == want and h["client"].startswith("127.0.0.1:")
    if want == 403:
        assert h["decision"] == "deny" and h["reason_code"] == "client_cidr_denied"


# ---- profiles and rollout modes ----------------------------------------------------------------

PROFILE_WARN = """
clients:
  default_profile: ci-agent
  profiles:
    - name: ci-agent
      mode: warn
      rules:
        - match: { method: GET, path: "/_ping" }
          action: allow
        - match: { method: HEAD, path: "/_ping" }
          action: allow
        - match: { method: GET, path: "/version" }
          action: allow
        - match: { method: "*", path: "/**" }
          action: deny
rules:
  - match: { method: "*", path: "/**" }
    action: deny
"""


def test_observ_warn_mode_would_deny(sockguard, tmp_path):
    audit = os.path.join(str(tmp_path), "audit.log")
    extra = "metrics:\n  enabled: true\n"
    cfg, log = config(str(tmp_path), extra="  audit:\n    enabled: true\n    output: \"file:%s\"\n" % audit + extra,
                      rules=PROFILE_WARN)
    p = sockguard(config=cfg)
    p.docker("version")
    r = p.docker("ps")          # served: warn mode only logs
    assert r.returncode == 0
    recs = json_lines(log, lambda rs: find(rs, "/containers/json"))
    w = find(recs, "/containers/json")[0]
    assert w["msg"] == "request_would_deny" and w["level"] == "WARN"
    assert w["decision"] == "would_deny" and w["status"] == 200
    assert w["profile"] == "ci-agent" and w["rollout_mode"] == "warn"
    assert w["reason_code"] == "matched_deny_rule" and w["rule"] == 3
    v = find(recs, "/version")[0]
    assert v["decision"] == "allow" and v["profile"] == "ci-agent" and v["rollout_mode"] == "warn"
    assert "reason_code" not in v
    a = [x for x in json_lines(audit, lambda rs: any(x["decision"] == "would_deny" for x in rs))
         if x["decision"] == "would_deny"][0]
    assert a["selected_profile"] == "ci-agent" and a["rollout_mode"] == "warn"
    t = p.http("GET", "/metrics")[2].decode()
    assert metric(t, "sockguard_http_denied_requests_total", mode="warn", profile="ci-agent",
                  reason_code="matched_deny_rule", route="/containers/json", rule="3") == 1
    assert metric(t, "sockguard_http_requests_total", decision="would_deny", profile="ci-agent",
                  route="/containers/json", status="200") == 1


def test_observ_default_sink_is_stderr(sockguard):
    p = sockguard(config=RULES)
    p.docker("version")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        recs = [json.loads(l) for l in p.stderr().splitlines() if l.startswith("{")]
        # lines of different rings (operational, per-worker access) reach
        # the sink in writer order, not time order: wait for both
        if find(recs, "/version") and any(r["msg"] == "listening" for r in recs):
            break
        time.sleep(0.05)
    assert any(r["msg"] == "listening" for r in recs), p.stderr()[:3000]
    v = find(recs, "/version")[0]
    assert v["status"] == 200 and v["normalized_path"] == "/version"


def test_observ_hijacked_session_is_logged_when_it_ends(sockguard, tmp_path):
    """An attach session is one access line written when the session closes:
    its latency covers the container's run and its bytes the output relayed
    (the original logs after its hijacking handler returns)."""
    from policies import ALLOW_ALL
    cfg, log = config(str(tmp_path), rules=ALLOW_ALL)
    p = sockguard(config=cfg)
    r = p.docker("run", "--rm", harness.IMAGE, "sh", "-c", "sleep 1.5; echo hello-after-sleep")
    assert "hello-after-sleep" in r.stdout
    recs = json_lines(log, lambda rs: find(rs, "/attach", "POST") and find(rs, "/wait", "POST"))
    attach = find(recs, "/attach", "POST")
    assert len(attach) == 1, attach
    a = attach[0]
    assert a["status"] == 101 and a["decision"] == "allow"
    assert a["latency_ms"] >= 1400, a
    # the 101 head plus the multiplexed frame carrying the line
    assert a["bytes"] > len("hello-after-sleep\n") + 8, a
