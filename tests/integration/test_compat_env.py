"""Tecnativa / LinuxServer environment compatibility, through the real CLI."""
import uuid

import pytest

import harness


def test_containers_section_read_only_by_default(sockguard, docker_daemon):
    proxy = sockguard(env={"CONTAINERS": "1", "SOCKGUARD_INSECURE_ALLOW_READ_EXFILTRATION": "true"})
    assert proxy.docker("ps", "-a").returncode == 0
    assert proxy.docker("version").returncode == 0      # VERSION=1 default
    mark = docker_daemon.log_mark()
    n = "sg-" + uuid.uuid4().hex[:8]
    r = proxy.docker("create", "--name", n, "--network", "none", harness.IMAGE, "true", check=False)
    assert r.returncode != 0                              # POST=0: read-only
    assert not [c for c in docker_daemon.requests_since(mark) if c[0] == "POST"]
    assert proxy.docker("images", check=False).returncode != 0   # IMAGES not enabled
    # the acknowledgement is logged once per start
    warn = [l for l in proxy.stderr().splitlines() if "insecure_allow_read_exfiltration is set" in l]
    assert len(warn) == 1 and '"level":"WARN"' in warn[0], proxy.stderr()


def test_no_exfiltration_warning_without_the_acknowledgement(sockguard):
    proxy = sockguard(env={"SOCKGUARD_INSECURE_ALLOW_READ_EXFILTRATION": "false"})
    assert proxy.docker("version").returncode == 0
    assert "insecure_allow_read_exfiltration is set" not in proxy.stderr()


def test_allow_restarts_permits_restart_but_not_create(sockguard, docker_daemon):
    n = "sg-" + uuid.uuid4().hex[:8]
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", harness.IMAGE, "sleep", "600")
    try:
        proxy = sockguard(env={"CONTAINERS": "1", "ALLOW_RESTARTS": "1",
                               "SOCKGUARD_INSECURE_ALLOW_READ_EXFILTRATION": "true"})
        before = docker_daemon.docker("inspect", "-f", "{{.State.StartedAt}}", n).stdout
        proxy.docker("restart", "-t", "0", n)
        assert docker_daemon.docker("inspect", "-f", "{{.State.StartedAt}}", n).stdout != before
        mark = docker_daemon.log_mark()
        assert proxy.docker("rm", "-f", n, check=False).returncode != 0
        assert not [c for c in docker_daemon.requests_since(mark) if c[0] == "DELETE"]
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)


def test_broad_compat_reads_need_the_exfiltration_acknowledgement(sockguard):
    with pytest.raises(RuntimeError) as e:
        sockguard(env={"CONTAINERS": "1"})
    assert "insecure_allow_read_exfiltration" in str(e.value)


def test_explicit_rules_win_over_compat_vars(sockguard, docker_daemon):
    cfg = 'rules:\n  - match: { method: GET, path: "/_ping" }\n    action: allow\n'
    proxy = sockguard(config=cfg, env={"CONTAINERS": "1"})
    mark = docker_daemon.log_mark()
    assert proxy.docker("ps", check=False).returncode != 0
    assert not [c for c in docker_daemon.requests_since(mark) if "containers" in c[1]]
