"""The data plane carries every real docker CLI workflow (allow-all policy).

Each test drives the real `docker` CLI through the proxy, the way a user
would, and checks the effect on the real daemon.
"""
import os
import select
import subprocess
import time
import uuid

import pytest

import harness
from policies import allow_all

IMAGE = harness.IMAGE


@pytest.fixture
def proxy(sockguard):
    return allow_all(sockguard)


name = harness.container_name


def read_lines_until(proc, predicate, timeout=15.0):
    """Read a child's stdout line by line until predicate(lines) or timeout."""
    lines, buf = [], b""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline and not predicate(lines):
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
            *done, buf = buf.split(b"\n")
            lines += [d.decode(errors="replace") for d in done]
    return lines


def test_version_reports_the_real_daemon(proxy, docker_daemon):
    r = proxy.docker("version", "--format", "{{.Server.APIVersion}}")
    assert r.stdout.strip() == docker_daemon.api_version


def test_ps_lists_a_container_created_directly(proxy, docker_daemon):
    n = name()
    docker_daemon.docker("create", "--name", n, "--network", "none", IMAGE, "true")
    try:
        r = proxy.docker("ps", "-a", "--format", "{{.Names}}")
        assert n in r.stdout.split()
    finally:
        docker_daemon.docker("rm", "-f", n)


def test_run_rm_prints_output_and_removes(proxy, docker_daemon):
    n = name()
    r = proxy.docker("run", "--rm", "--name", n, "--network", "none", IMAGE, "echo", "through-the-proxy")
    assert r.stdout.strip() == "through-the-proxy"
    assert n not in docker_daemon.docker("ps", "-a", "--format", "{{.Names}}").stdout.split()


def test_create_start_stop_rm_lifecycle(proxy, docker_daemon):
    n = name()
    proxy.docker("create", "--name", n, "--network", "none", IMAGE, "sleep", "300")
    proxy.docker("start", n)
    assert docker_daemon.docker("inspect", "-f", "{{.State.Running}}", n).stdout.strip() == "true"
    proxy.docker("stop", "-t", "1", n)
    assert docker_daemon.docker("inspect", "-f", "{{.State.Running}}", n).stdout.strip() == "false"
    proxy.docker("rm", n)
    assert docker_daemon.docker("inspect", n, check=False).returncode != 0



def test_exec_without_stdin(proxy, running):
    r = proxy.docker("exec", running, "sh", "-c", "echo exec-out; echo exec-err >&2")
    assert r.stdout.strip() == "exec-out"
    assert "exec-err" in r.stderr


def test_exec_with_piped_stdin_sees_eof(proxy, running):
    # `cat` only exits when stdin's EOF crosses the proxy as a half-close.
    payload = "".join("line %d\n" % i for i in range(2000))
    r = proxy.docker("exec", "-i", running, "sh", "-c", "cat; echo done", input=payload, timeout=30)
    assert r.stdout == payload + "done\n"


def test_run_interactive_with_piped_stdin(proxy):
    r = proxy.docker("run", "-i", "--rm", "--network", "none", IMAGE, "cat", input="hello\n", timeout=30)
    assert r.stdout == "hello\n"


def test_exec_exit_code_is_reported(proxy, running):
    r = proxy.docker("exec", running, "sh", "-c", "exit 7", check=False)
    assert r.returncode == 7


def test_logs_follow_streams_lines_as_they_are_printed(proxy, docker_daemon):
    n = name()
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", IMAGE, "sh", "-c",
                         "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done")
    p = subprocess.Popen(["docker", "logs", "-f", n], env=proxy.env(), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    try:
        lines = read_lines_until(p, lambda ls: len(ls) >= 5, timeout=15)
        assert len(lines) >= 5, lines
        assert lines[0] == "tick 0"
    finally:
        p.kill()
        p.wait()
        docker_daemon.docker("rm", "-f", n)


def test_attach_receives_output(proxy, docker_daemon):
    n = name()
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", IMAGE, "sh", "-c",
                         "while true; do echo attached-line; sleep 0.2; done")
    p = subprocess.Popen(["docker", "attach", "--no-stdin", n], env=proxy.env(),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        lines = read_lines_until(p, lambda ls: len(ls) >= 3, timeout=15)
        assert lines[:3] == ["attached-line"] * 3, lines
    finally:
        p.kill()
        p.wait()
        docker_daemon.docker("rm", "-f", n)


def test_events_stream_while_another_client_creates(proxy, docker_daemon):
    n = name()
    p = subprocess.Popen(["docker", "events", "--format", "{{.Action}} {{.Actor.Attributes.name}}"],
                         env=proxy.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)  # let the event stream start
        docker_daemon.docker("create", "--name", n, "--network", "none", IMAGE, "true")
        lines = read_lines_until(p, lambda ls: any(l == "create " + n for l in ls), timeout=15)
        assert "create " + n in lines, lines
    finally:
        p.kill()
        p.wait()
        docker_daemon.docker("rm", "-f", n, check=False)


def test_cp_in_both_directions(proxy, running, tmp_path):
    src = tmp_path / "in.bin"
    data = os.urandom(3 * 1024 * 1024)
    src.write_bytes(data)
    proxy.docker("cp", str(src), running + ":/tmp/in.bin")
    out = tmp_path / "out.bin"
    proxy.docker("cp", running + ":/tmp/in.bin", str(out))
    assert out.read_bytes() == data


def test_save_and_load_round_trip(proxy, docker_daemon, tmp_path):
    tar = tmp_path / "img.tar"
    proxy.docker("save", "-o", str(tar), IMAGE, timeout=120)
    assert tar.stat().st_size > 500_000
    tag = "local/reloaded:" + uuid.uuid4().hex[:6]
    docker_daemon.docker("tag", IMAGE, tag)
    docker_daemon.docker("rmi", tag)
    r = proxy.docker("load", "-i", str(tar), timeout=120)
    assert "Loaded image" in r.stdout
    docker_daemon.docker("image", "inspect", IMAGE)


def test_build_small_context(proxy, docker_daemon, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM %s\nCOPY f.txt /f.txt\nRUN cat /f.txt > /g.txt\n" % IMAGE)
    (tmp_path / "f.txt").write_text("built-through-proxy\n")
    tag = "local/built:" + uuid.uuid4().hex[:6]
    env_extra = {"DOCKER_BUILDKIT": "0"}
    r = subprocess.run(["docker", "build", "--network", "none", "-t", tag, str(tmp_path)],
                       env={**proxy.env(), **env_extra}, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = docker_daemon.docker("run", "--rm", "--network", "none", tag, "cat", "/g.txt")
    assert out.stdout == "built-through-proxy\n"
    docker_daemon.docker("rmi", tag)
