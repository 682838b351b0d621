"""request_body.exec against the real dockerd: privileged and root-user exec
denied on exec create (POST /containers/{id}/exec), and the argv allowlist
(templates of * / ** globs).

The allowlist's start-time re-check (POST /exec/{id}/start against Docker's
stored exec metadata) needs the data plane to fetch GET /exec/{id}/json; the
allow cases here therefore stop at exec create, which is where the argv is
judged, and prove that dockerd created the exec instance.
"""
import json

import pytest

import harness
from inspect_helpers import DENIED, Denials, allow, module_proxy, name, policy

EXEC_RULES = allow("POST", "/containers/*/exec") + allow("POST", "/exec/*/start") + allow("GET", "/exec/*/json")
BLIND = "insecure_allow_body_blind_writes: true\n"

# No argv allowlist (blind exec acknowledged): privileged/root still denied.
default = module_proxy(policy(rules=EXEC_RULES, extra=BLIND))
opened = module_proxy(policy(request_body="""
exec:
  allow_privileged: true
  allow_root_user: true
""", rules=EXEC_RULES, extra=BLIND))
argv = module_proxy(policy(request_body="""
exec:
  allowed_commands:
    - ["/bin/echo", "*"]
    - ["/bin/sh", "-c", "**"]
    - ["cat", "/etc/*"]
    - ["/usr/local/bin/pre-update", "--check"]
""", rules=EXEC_RULES))


@pytest.fixture(scope="module")
def running(docker_daemon):
    n = name()
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", "--user", "1000", harness.IMAGE,
                         "sleep", "600")
    yield n
    docker_daemon.docker("rm", "-f", n, check=False)


def test_exec_allowed_by_default(docker_daemon, default, running):
    r = default.docker("exec", running, "echo", "hello-from-exec")
    assert r.stdout.strip() == "hello-from-exec"
    r = default.docker("exec", "-u", "1000", running, "id", "-u")
    assert r.stdout.strip() == "1000"


def test_privileged_and_root_exec_denied(docker_daemon, default, running):
    with Denials(docker_daemon) as d:
        for label, opts in [("privileged", ("--privileged",)), ("user_root", ("-u", "root")),
                            ("user_uid0", ("-u", "0")), ("user_root_group", ("-u", "root:1000")),
                            ("privileged_and_user", ("--privileged", "-u", "1000"))]:
            d.cli(label, default, ["exec", *opts, running, "true"], path_part="/exec")
        d.http("http_case_fold", default, "POST", "/v1.41/containers/%s/exec" % running,
               {"Cmd": ["true"], "privileged": True}, reason="privileged exec")
        d.http("http_root", default, "POST", "/v1.41/containers/%s/exec" % running,
               {"Cmd": ["true"], "User": "00"}, reason="root exec user")


def test_privileged_and_root_exec_allowed_when_opened(docker_daemon, opened, running):
    # Privileged exec may not be runnable in this sandbox (runc exits 126):
    # what matters is that sockguard forwarded create and start to dockerd.
    mark = docker_daemon.log_mark()
    r = opened.docker("exec", "--privileged", running, "true", check=False)
    assert DENIED not in r.stderr, r.stderr
    served = docker_daemon.requests_since(mark)
    assert [x for x in served if x[0] == "POST" and x[1].endswith("/containers/%s/exec" % running)], served
    assert [x for x in served if x[0] == "POST" and x[1].endswith("/start")], served
    r = opened.docker("exec", "-u", "0", running, "id", "-u")  # busybox has no /etc/passwd for "root"
    assert r.stdout.strip() == "0"


def _exec_create(proxy, container, cmd):
    return proxy.http("POST", "/v1.41/containers/%s/exec" % container,
                      body=json.dumps({"Cmd": cmd, "AttachStdout": True}).encode(),
                      headers={"Content-Type": "application/json"})


ARGV_ALLOWED = [
    ["/bin/echo", "hello"],
    ["/bin/echo", "x.y-z"],
    ["/bin/sh", "-c", "echo a/b; cat /etc/passwd"],
    ["cat", "/etc/passwd"],
    ["/usr/local/bin/pre-update", "--check"],
]
ARGV_DENIED = [
    ["/bin/echo", "a/b"],                  # * stops at /
    ["/bin/echo", "a", "b"],               # token count differs
    ["/bin/echo"],
    ["cat", "/etc/ssl/private/key"],       # * is one segment
    ["/bin/sh", "-c"],
    ["/bin/shx", "-c", "id"],
    ["/usr/local/bin/pre-update", "--force"],
]


def test_argv_templates_allow(docker_daemon, argv, running):
    for cmd in ARGV_ALLOWED:
        mark = docker_daemon.log_mark()
        st, _, data = _exec_create(argv, running, cmd)
        assert st == 201, (cmd, data)
        exec_id = json.loads(data)["Id"]
        assert [r for r in docker_daemon.requests_since(mark) if r[0] == "POST" and r[1].endswith("/exec")]
        # dockerd stored exactly this argv.
        st, _, data = argv.http("GET", "/v1.41/exec/%s/json" % exec_id)
        pc = json.loads(data)["ProcessConfig"]
        assert [pc["entrypoint"]] + pc["arguments"] == cmd


def test_argv_templates_deny(docker_daemon, argv, running):
    with Denials(docker_daemon) as d:
        for cmd in ARGV_DENIED:
            d.http(str(cmd), argv, "POST", "/v1.41/containers/%s/exec" % running,
                   {"Cmd": cmd}, served_part="/exec")
        # Cmd as one string is one token (dockerd's strslice).
        d.http("string_cmd", argv, "POST", "/v1.41/containers/%s/exec" % running,
               {"Cmd": "/bin/echo hello"}, served_part="/exec")
        # The CLI path: denied at exec create, before dockerd sees it.
        d.cli("cli_slash", argv, ["exec", running, "/bin/echo", "a/b"], path_part="/exec")
        d.cli("cli_other", argv, ["exec", running, "id"], path_part="/exec")
        # The allowlist does not lift the privileged/root denials.
        d.http("allowlisted_but_root", argv, "POST", "/v1.41/containers/%s/exec" % running,
               {"Cmd": ["/bin/echo", "hi"], "User": "root"}, reason="root exec user", served_part="/exec")
        d.http("allowlisted_but_privileged", argv, "POST", "/v1.41/containers/%s/exec" % running,
               {"Cmd": ["/bin/echo", "hi"], "Privileged": True}, reason="privileged exec", served_part="/exec")
