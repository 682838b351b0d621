"""request_body.build against the real dockerd, with the legacy builder
(DOCKER_BUILDKIT=0): Dockerfiles with RUN (and the tricks that hide one),
host-network builds and remote contexts are denied before dockerd sees
POST /build; each is built once its knob is open.
"""
import subprocess
import uuid

import harness
from inspect_helpers import DENIED, Denials, allow, module_proxy, policy

BUILD_RULES = allow("POST", "/build")

default = module_proxy(policy(rules=BUILD_RULES))
run_ok = module_proxy(policy(request_body="build:\n  allow_run_instructions: true\n", rules=BUILD_RULES))
host_net = module_proxy(policy(request_body="build:\n  allow_run_instructions: true\n  allow_host_network: true\n",
                               rules=BUILD_RULES))
remote = module_proxy(policy(request_body="build:\n  allow_run_instructions: true\n  allow_remote_context: true\n",
                             rules=BUILD_RULES))


class Legacy:
    """The docker CLI through a proxy with the legacy builder."""

    def __init__(self, proxy):
        self.proxy = proxy

    def docker(self, *args, check=True, timeout=120, input=None):
        env = dict(self.proxy.env(), DOCKER_BUILDKIT="0")
        r = subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise AssertionError("docker %s failed: %s\n%s" % (" ".join(args), r.stderr, self.proxy.stderr()[-2000:]))
        return r


def _ctx(tmp_path, files):
    d = tmp_path / uuid.uuid4().hex[:8]
    d.mkdir()
    for n, text in files.items():
        (d / n).write_text(text)
    return str(d)


FROM = "FROM %s\n" % harness.IMAGE


def _tag():
    return "local/sgi-build:" + uuid.uuid4().hex[:8]


def _built(daemon, tag):
    return daemon.docker("image", "inspect", tag, check=False).returncode == 0


def test_build_without_run_allowed(docker_daemon, default, tmp_path):
    tag = _tag()
    ctx = _ctx(tmp_path, {"Dockerfile": FROM + "LABEL sgi=1\nCOPY f /f\n# RUN in a comment is fine\n", "f": "x"})
    Legacy(default).docker("build", "--network", "none", "-t", tag, ctx)
    assert _built(docker_daemon, tag)
    docker_daemon.docker("rmi", tag, check=False)


RUN_TRICKS = [
    ("plain", {"Dockerfile": FROM + "RUN true\n"}, ()),
    ("lowercase", {"Dockerfile": FROM + "run true\n"}, ()),
    ("indented", {"Dockerfile": FROM + "   \tRUN true\n"}, ()),
    ("onbuild", {"Dockerfile": FROM + "ONBUILD RUN true\n"}, ()),
    ("continuation", {"Dockerfile": FROM + "LABEL a=b \\\n RUN true\n"}, ()),
    ("escape_directive", {"Dockerfile": "# escape=`\n" + FROM + "RUN true `\n  && true\n"}, ()),
    ("custom_name", {"build.df": FROM + "RUN true\n", "Dockerfile": FROM}, ("-f", "@/build.df")),
    ("lowercase_fallback", {"dockerfile": FROM + "RUN true\n"}, ()),
    ("heredoc_style", {"Dockerfile": FROM + "RUN <<EOF\ntrue\nEOF\n"}, ()),
]


def test_run_instructions_denied(docker_daemon, default, tmp_path):
    cli = Legacy(default)
    tags = []
    with Denials(docker_daemon) as d:
        for label, files, opts in RUN_TRICKS:
            tag = _tag()
            tags.append(tag)
            ctx = _ctx(tmp_path, files)
            opts = tuple(o.replace("@", ctx) for o in opts)
            d.cli(label, cli, ["build", "--network", "none", "-t", tag, *opts, ctx], path_part="/build")
    assert not any(_built(docker_daemon, t) for t in tags)


def test_run_instructions_allowed_when_opened(docker_daemon, run_ok, tmp_path):
    tag = _tag()
    ctx = _ctx(tmp_path, {"Dockerfile": FROM + "RUN echo built > /built\n"})
    Legacy(run_ok).docker("build", "--network", "none", "-t", tag, ctx)
    try:
        r = docker_daemon.docker("run", "--rm", "--network", "none", tag, "cat", "/built")
        assert r.stdout.strip() == "built"
    finally:
        docker_daemon.docker("rmi", tag, check=False)


def test_host_network_build(docker_daemon, run_ok, host_net, tmp_path):
    ctx = _ctx(tmp_path, {"Dockerfile": FROM + "LABEL sgi=net\n"})
    tag = _tag()
    with Denials(docker_daemon) as d:
        d.cli("networkmode_host", Legacy(run_ok), ["build", "--network", "host", "-t", tag, ctx],
              path_part="/build")
        d.http("networkmode_HOST_raw", run_ok, "POST", "/v1.41/build?networkmode=HOST", b"",
               content_type="application/x-tar", reason="host")
    assert not _built(docker_daemon, tag)
    Legacy(host_net).docker("build", "--network", "host", "-t", tag, ctx)
    assert _built(docker_daemon, tag)
    docker_daemon.docker("rmi", tag, check=False)


def test_remote_context(docker_daemon, run_ok, remote):
    # The CLI downloads http/git contexts itself; only the API's remote=
    # makes dockerd fetch, so this one is raw HTTP.
    url = "http://sgi-remote.invalid/context.tar"
    with Denials(docker_daemon) as d:
        d.http("remote", run_ok, "POST", "/v1.41/build?remote=" + url, b"", content_type="application/x-tar",
               reason="remote build contexts are not allowed")
    # Opened: dockerd gets the request (and fails to fetch: no network here).
    mark = docker_daemon.log_mark()
    st, _, data = remote.http("POST", "/v1.41/build?remote=" + url, body=b"",
                              headers={"Content-Type": "application/x-tar"})
    assert DENIED.encode() not in data, data
    assert [x for x in docker_daemon.requests_since(mark) if x[0] == "POST" and "/build" in x[1]]


def test_buildkit_session_denied_while_run_restricted(docker_daemon, default, tmp_path):
    with Denials(docker_daemon) as d:
        d.http("buildkit_v2", default, "POST", "/v1.41/build?version=2&session=x", b"",
               content_type="application/x-tar", reason="BuildKit")
        d.http("compressed_context", default, "POST", "/v1.41/build", b"\x1f\x8b\x08\x00" + b"\0" * 60,
               content_type="application/x-tar", reason="compressed")
