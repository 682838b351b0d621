"""deploy/presets: each loads, allows what its client calls, denies the rest.

The decision table is checked with `sockguard match`; a few presets are also
driven live with the real docker CLI against the real daemon.
"""
import json
import pathlib
import subprocess
import uuid

import pytest

import harness

PRESETS = harness.ROOT / "deploy" / "presets"

# (method, path, expected decision) per preset. Paths as clients send them,
# with an API version prefix where clients use one.
EXPECT = {
    "readonly": [
        ("GET", "/v1.41/containers/json", "allow"), ("GET", "/containers/abc/json", "allow"),
        ("GET", "/images/ghcr.io/org/app:1/json", "allow"), ("GET", "/events", "allow"),
        ("GET", "/containers/abc/logs", "deny"), ("GET", "/containers/abc/archive", "deny"),
        ("POST", "/containers/create", "deny"), ("POST", "/containers/abc/start", "deny"),
        ("DELETE", "/containers/abc", "deny"), ("GET", "/images/get", "deny"),
    ],
    "traefik": [
        ("GET", "/v1.24/version", "allow"), ("GET", "/containers/json", "allow"),
        ("GET", "/containers/abc/json", "allow"), ("GET", "/events", "allow"),
        ("POST", "/containers/abc/exec", "deny"), ("GET", "/containers/abc/logs", "deny"),
    ],
    "homepage": [
        ("GET", "/containers/json", "allow"), ("GET", "/containers/abc/stats", "allow"),
        ("POST", "/containers/abc/restart", "deny"), ("GET", "/info", "deny"),
    ],
    "diun": [
        ("GET", "/containers/json", "allow"), ("GET", "/images/library/nginx:latest/json", "allow"),
        ("POST", "/images/create", "deny"), ("DELETE", "/images/abc", "deny"),
    ],
    "autoheal": [
        ("GET", "/containers/json", "allow"), ("POST", "/containers/abc/restart", "allow"),
        ("POST", "/containers/abc/stop", "deny"), ("DELETE", "/containers/abc", "deny"),
        ("POST", "/containers/create", "deny"),
    ],
    "watchtower": [
        ("POST", "/images/create", "allow"), ("POST", "/containers/create", "allow"),
        ("POST", "/containers/abc/stop", "allow"), ("DELETE", "/containers/abc", "allow"),
        ("POST", "/networks/net1/connect", "allow"), ("GET", "/containers/abc/archive", "deny"),
        ("POST", "/build", "deny"), ("POST", "/swarm/init", "deny"),
    ],
    "portainer": [
        ("GET", "/containers/abc/logs", "allow"), ("POST", "/containers/abc/exec", "allow"),
        ("GET", "/containers/abc/export", "deny"), ("GET", "/images/get", "deny"),
        ("GET", "/images/abc/get", "deny"), ("POST", "/swarm/init", "deny"),
        ("POST", "/plugins/pull", "deny"), ("POST", "/build", "allow"),
    ],
    "gitlab-runner": [
        ("POST", "/containers/create", "allow"), ("POST", "/containers/abc/attach", "allow"),
        ("POST", "/containers/abc/exec", "allow"), ("POST", "/networks/create", "allow"),
        ("POST", "/volumes/create", "allow"), ("POST", "/build", "deny"),
        ("GET", "/containers/abc/archive", "deny"), ("POST", "/secrets/create", "deny"),
    ],
    "github-actions-runner": [
        ("POST", "/containers/create", "allow"), ("POST", "/exec/abc/start", "allow"),
        ("DELETE", "/networks/n1", "allow"), ("POST", "/build", "deny"),
        ("GET", "/images/get", "deny"), ("POST", "/plugins/pull", "deny"),
    ],
}


def sockguard_cmd(*args):
    return subprocess.run([harness.SOCKGUARD_BIN, *args], capture_output=True, text=True,
                          timeout=30, env=harness.clean_env())


def test_every_preset_has_expectations():
    assert sorted(p.stem for p in PRESETS.glob("*.yaml")) == sorted(EXPECT)


@pytest.mark.parametrize("preset", sorted(EXPECT))
def test_preset_validates(preset):
    r = sockguard_cmd("validate", "-c", str(PRESETS / (preset + ".yaml")))
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("preset", sorted(EXPECT))
def test_preset_decisions(preset):
    cfg = str(PRESETS / (preset + ".yaml"))
    wrong = []
    for method, path, want in EXPECT[preset]:
        r = sockguard_cmd("match", "-X", method, "--path", path, "-o", "json", "-c", cfg)
        assert r.returncode == 0, r.stderr
        got = json.loads(r.stdout)["decision"]
        if got != want:
            wrong.append((method, path, want, got))
    assert wrong == []


def test_readonly_preset_live(sockguard, docker_daemon):
    proxy = sockguard(config=(PRESETS / "readonly.yaml").read_text())
    assert proxy.docker("ps", "-a").returncode == 0
    assert proxy.docker("images").returncode == 0
    mark = docker_daemon.log_mark()
    n = "sg-" + uuid.uuid4().hex[:8]
    r = proxy.docker("run", "--rm", "--name", n, "--network", "none", harness.IMAGE, "true", check=False)
    assert r.returncode != 0
    assert not any(m == "POST" for m, _ in docker_daemon.requests_since(mark))
    assert n not in docker_daemon.docker("ps", "-a", "--format", "{{.Names}}").stdout


def test_autoheal_preset_live(sockguard, docker_daemon):
    n = "sg-" + uuid.uuid4().hex[:8]
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", harness.IMAGE, "sleep", "600")
    try:
        proxy = sockguard(config=(PRESETS / "autoheal.yaml").read_text())
        before = docker_daemon.docker("inspect", "-f", "{{.State.StartedAt}}", n).stdout
        proxy.docker("restart", "-t", "0", n)
        after = docker_daemon.docker("inspect", "-f", "{{.State.StartedAt}}", n).stdout
        assert before != after
        mark = docker_daemon.log_mark()
        assert proxy.docker("rm", "-f", n, check=False).returncode != 0
        assert not any(m == "DELETE" for m, _ in docker_daemon.requests_since(mark))
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)
