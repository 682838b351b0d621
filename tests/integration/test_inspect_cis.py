"""Spec 004 "Verifying the posture" against the real dockerd, with the shipped
deploy/cis-docker-benchmark.yaml preset unchanged (the harness only points
its listen/upstream sockets at the test daemon).

1. Negative: the spec's privileged create comes back 403 (minimal deny body)
   and creates nothing.
2. Positive: the spec's compliant create comes back 201.
Then every mapped Section 5 row, one violation at a time, with the real CLI.
The spec's bodies name "alpine"; this daemon has no registry, so they use
the local busybox image instead (with a Cmd, which busybox lacks).
"""
import json
import subprocess

import harness
from inspect_helpers import DENIED, Creates, Denials, all_names, module_proxy, name

PRESET = harness.ROOT / "deploy" / "cis-docker-benchmark.yaml"
MINIMAL = b'{"message":"request denied by sockguard policy"}\n'

cis = module_proxy(PRESET.read_text())

COMPLIANT_BODY = {
    "Image": harness.IMAGE,
    "Cmd": ["true"],  # the imported busybox has no CMD (alpine's is /bin/sh)
    "HostConfig": {
        "ReadonlyRootfs": True,
        "Memory": 67108864,
        "PidsLimit": 50,
        "CpuShares": 256,
        "CapDrop": ["ALL"],
        "SecurityOpt": ["no-new-privileges:true"],
    },
}


def _post_create(proxy, body, query=""):
    return proxy.http("POST", "/containers/create" + query, body=json.dumps(body).encode(),
                      headers={"Content-Type": "application/json"})


def test_preset_validates():
    r = subprocess.run([harness.SOCKGUARD_BIN, "validate", "-c", str(PRESET)], capture_output=True, text=True,
                       timeout=30, env=harness.clean_env())
    assert r.returncode == 0, r.stderr


def test_negative_privileged_create_is_403_and_creates_nothing(docker_daemon, cis):
    before = all_names(docker_daemon)
    mark = docker_daemon.log_mark()
    st, hdrs, data = _post_create(cis, {"Image": harness.IMAGE, "HostConfig": {"Privileged": True}})
    assert st == 403
    assert data == MINIMAL  # deny_verbosity: minimal never echoes the field
    assert not [r for r in docker_daemon.requests_since(mark) if r[0] == "POST"]
    assert all_names(docker_daemon) == before


def test_positive_compliant_create_is_201(docker_daemon, cis):
    n = name()
    st, _, data = _post_create(cis, COMPLIANT_BODY, "?name=" + n)
    try:
        assert st == 201, data
        hc = json.loads(docker_daemon.docker("inspect", n).stdout)[0]["HostConfig"]
        assert hc["ReadonlyRootfs"] and hc["PidsLimit"] == 50 and hc["CapDrop"] == ["ALL"]
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)


COMPLIANT_CLI = ("--network", "none", "--read-only", "--memory", "64m", "--pids-limit", "50",
                 "--cpu-shares", "256", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true")


def _drop(opts, flag):
    out, i = [], 0
    while i < len(opts):
        if opts[i] == flag:
            i += 1 if flag == "--read-only" else 2
            continue
        out.append(opts[i])
        i += 1
    return tuple(out)


CIS_ROWS = [
    ("5.3_cap_add", COMPLIANT_CLI + ("--cap-add", "NET_ADMIN")),
    ("5.3_cap_drop_all", _drop(COMPLIANT_CLI, "--cap-drop") + ("--cap-drop", "NET_RAW")),
    ("5.4_privileged", COMPLIANT_CLI + ("--privileged",)),
    ("5.5_host_dir", COMPLIANT_CLI + ("-v", "/etc:/host-etc:ro")),
    ("5.9_host_network", _drop(COMPLIANT_CLI, "--network") + ("--network", "host")),
    ("5.10_memory", _drop(COMPLIANT_CLI, "--memory")),
    ("5.11_cpu", _drop(COMPLIANT_CLI, "--cpu-shares")),
    ("5.12_readonly_rootfs", _drop(COMPLIANT_CLI, "--read-only")),
    ("5.15_host_pid", COMPLIANT_CLI + ("--pid", "host")),
    ("5.16_host_ipc", COMPLIANT_CLI + ("--ipc", "host")),
    ("5.17_device", COMPLIANT_CLI + ("--device", "/dev/null")),
    ("5.21_seccomp_unconfined", COMPLIANT_CLI + ("--security-opt", "seccomp=unconfined")),
    ("5.25_no_new_privileges", _drop(COMPLIANT_CLI, "--security-opt")),
    ("5.28_pids_limit", _drop(COMPLIANT_CLI, "--pids-limit")),
    ("5.30_host_userns", COMPLIANT_CLI + ("--userns", "host")),
]


def test_each_cis_row_denies_with_the_cli(docker_daemon, cis):
    with Creates(docker_daemon) as c:
        c.create("compliant", cis, *COMPLIANT_CLI)
    with Denials(docker_daemon) as d:
        for row, opts in CIS_ROWS:
            d.create(row, cis, *opts)


def test_cis_7x_swarm_surface_denied(docker_daemon, cis):
    with Denials(docker_daemon) as d:
        for path in ("/swarm/init", "/services/create", "/secrets/create", "/configs/create", "/nodes/x/update"):
            doc = d.http(path, cis, "POST", path, {})
            assert doc == {"message": DENIED}, doc
    r = cis.docker("swarm", "init", "--advertise-addr", "127.0.0.1", check=False)
    assert r.returncode != 0 and DENIED in r.stderr
