"""Shared helpers for the test_inspect_*.py request-body inspection tests.

One proxy per policy and module (module_proxy), the deny/allow assertions
the standards ask for (dockerd never saw a denied request, nothing was
created; an allowed request really worked), and a policy builder.
"""
import io
import json
import tarfile
import time
import uuid

import pytest

import harness

DENIED = "request denied by sockguard policy"

# Read-only plumbing every CLI command needs (ping, version, inspect, list),
# then the write routes a test module opens. Reads stay narrow so the
# exfiltration guard has nothing to say.
BASE_RULES = """
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: HEAD, path: "/_ping" }
    action: allow
  - match: { method: GET, path: "/version" }
    action: allow
  - match: { method: GET, path: "/info" }
    action: allow
  - match: { method: GET, path: "/containers/json" }
    action: allow
  - match: { method: GET, path: "/containers/*/json" }
    action: allow
  - match: { method: GET, path: "/images/json" }
    action: allow
  - match: { method: GET, path: "/images/**/json" }
    action: allow
  - match: { method: GET, path: "/volumes" }
    action: allow
  - match: { method: GET, path: "/volumes/*" }
    action: allow
  - match: { method: GET, path: "/networks" }
    action: allow
  - match: { method: GET, path: "/networks/*" }
    action: allow
  - match: { method: GET, path: "/exec/*/json" }
    action: allow
"""


def policy(request_body="", rules="", extra=""):
    """A verbose-deny policy: BASE_RULES + `rules` (YAML list items), then deny."""
    rb = ""
    if request_body.strip():
        rb = "request_body:\n" + "\n".join("  " + l for l in request_body.strip("\n").splitlines()) + "\n"
    return ("response:\n  deny_verbosity: verbose\n" + extra + rb + "rules:\n" + BASE_RULES + rules +
            '  - match: { method: "*", path: "/**" }\n    action: deny\n    reason: "not in test policy"\n')


def allow(method, path):
    return '  - match: { method: %s, path: "%s" }\n    action: allow\n' % (method, path)


def module_proxy(config):
    """A module-scoped fixture: one sockguard for every test of a module."""

    @pytest.fixture(scope="module")
    def _proxy(docker_daemon, tmp_path_factory):
        p = harness.Proxy(docker_daemon, str(tmp_path_factory.mktemp("sgmod", numbered=True)), config=config)
        yield p
        already_exited = p.proc.poll() is not None
        rc = p.stop()
        err = open(p.stderr_path, errors="replace").read()
        assert "Sanitizer" not in err, err[-4000:]
        assert already_exited or rc == 0, "sockguard exited %s:\n%s" % (rc, err[-2000:])

    return _proxy


def name():
    return "sgi-" + uuid.uuid4().hex[:10]


@pytest.fixture(scope="module")
def target(docker_daemon):
    """A created, never started container for archive PUT/GET tests (import
    the fixture into the module that uses it)."""
    n = name()
    docker_daemon.docker("create", "--name", n, "--network", "none", harness.IMAGE, "true")
    yield n
    docker_daemon.docker("rm", "-f", n, check=False)


def plugin_tar(config, ustar=False):
    """A plugin rootfs tar as POST /plugins/create takes it: config.json
    (the given config) and an empty rootfs/. ustar: plain USTAR headers
    (Python's default is GNU)."""
    buf = io.BytesIO()
    fmt = tarfile.USTAR_FORMAT if ustar else tarfile.DEFAULT_FORMAT
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        data = json.dumps(config).encode()
        ti = tarfile.TarInfo("config.json")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
        ti = tarfile.TarInfo("rootfs")
        ti.type = tarfile.DIRTYPE
        t.addfile(ti)
    return buf.getvalue()


def all_names(daemon):
    return set(daemon.docker("ps", "-a", "--format", "{{.Names}}").stdout.split())


def served(daemon, mark, method, path_part):
    """Did dockerd serve METHOD <path containing path_part> since mark?"""
    return [r for r in daemon.requests_since(mark) if r[0] == method and path_part in r[1]]


def http_json(proxy, method, path, body, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if isinstance(data, str):
        data = data.encode()
    return proxy.http(method, path, body=data, headers=h)


def http_reached(daemon, proxy, method, path, body, headers=None, served_part=None):
    """Raw HTTP request that sockguard must forward: dockerd served it
    (whatever dockerd then answered). Returns (status, body)."""
    mark = daemon.log_mark()
    if isinstance(body, (dict, list)):
        st, _, data = http_json(proxy, method, path, body, headers)
    else:
        h = {"Content-Type": "application/x-tar"}
        h.update(headers or {})
        st, _, data = proxy.http(method, path, body=body, headers=h)
    part = served_part or path.split("?")[0].replace("/v1.41", "")
    assert served(daemon, mark, method, part), (st, data, daemon.requests_since(mark))
    if st == 403:
        assert DENIED not in data.decode(errors="replace"), data
    return st, data


class Denials:
    """Many denials, one dockerd-log check: each case records the log
    position before it ran; check() (after one flush wait) proves that
    dockerd served none of the denied requests and that no container
    appeared. Use as a context manager."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.cases = []
        self.before = all_names(daemon)

    def cli(self, label, proxy, args, method="POST", path_part="/containers/create", input=None):
        mark = self.daemon.log_mark()
        r = proxy.docker(*args, check=False, input=input)
        assert r.returncode != 0, "%s: expected a denial, CLI succeeded: %s" % (label, r.stdout)
        assert DENIED in r.stderr, "%s: %s" % (label, r.stderr)
        self.cases.append((label, mark, method, path_part))
        return r

    def create(self, label, proxy, *opts, cmd=("true",)):
        return self.cli(label, proxy, ["create", "--name", name(), *opts, harness.IMAGE, *cmd])

    def http(self, label, proxy, method, path, body, reason=None, status=403, headers=None, served_part=None,
             content_type="application/json"):
        mark = self.daemon.log_mark()
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": content_type}
        h.update(headers or {})
        st, _, data = proxy.http(method, path, body=body, headers=h)
        assert st == status, (label, st, data)
        doc = json.loads(data)
        assert doc["message"] == DENIED, (label, doc)
        if reason:
            assert reason.lower() in doc.get("reason", "").lower(), (label, doc)
        self.cases.append((label, mark, method, served_part or path.split("?")[0].replace("/v1.41", "")))
        return doc

    def check(self):
        time.sleep(0.3)
        with open(self.daemon.log_path, "rb") as f:
            log = f.read()
        marks = [c[1] for c in self.cases] + [len(log)]
        for i, (label, mark, method, part) in enumerate(self.cases):
            seg = log[mark:marks[i + 1]]
            hits = [(m.group(1).decode(), m.group(2).decode()) for m in self.daemon._CALLING.finditer(seg)]
            bad = [h for h in hits if h[0] == method and part in h[1]]
            assert bad == [], "%s: dockerd served the denied request: %s" % (label, bad)
        assert all_names(self.daemon) == self.before

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.check()


class Creates:
    """Containers created through the proxy, inspected directly on the
    daemon in one call, removed at exit."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.names = {}

    def create(self, label, proxy, *opts, cmd=("true",)):
        n = name()
        r = proxy.docker("create", "--name", n, *opts, harness.IMAGE, *cmd, check=False)
        if r.returncode == 0:
            self.names[label] = n
        assert r.returncode == 0, "%s: create failed: %s\n%s" % (label, r.stderr, proxy.stderr()[-2000:])
        return n

    def inspect(self):
        if not self.names:
            return {}
        docs = json.loads(self.daemon.docker("inspect", *self.names.values()).stdout)
        by_name = {d["Name"].lstrip("/"): d for d in docs}
        return {label: by_name[n] for label, n in self.names.items()}

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.names:
            self.daemon.docker("rm", "-f", *self.names.values(), check=False)


def reached_nowait(daemon, proxy, method, path, body=b"", content_type="application/json", wait=1.0):
    """Send a request and prove dockerd started serving it, without waiting
    for dockerd's (possibly slow: plugin lookups retry for 15 s) answer."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    mark = daemon.log_mark()
    head = ("%s %s HTTP/1.1\r\nHost: docker\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (method, path, content_type, len(body))).encode()
    s = proxy.connect(timeout=wait)
    try:
        s.sendall(head + body)
        deadline = time.monotonic() + 10
        part = path.split("?")[0].replace("/v1.41", "")
        while time.monotonic() < deadline:
            if served(daemon, mark, method, part):
                return
            time.sleep(0.1)
        raise AssertionError("dockerd never served %s %s: %s" % (method, path, daemon.requests_since(mark)))
    finally:
        s.close()
