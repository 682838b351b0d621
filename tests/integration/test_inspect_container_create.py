"""request_body.container_create against the real dockerd, knob by knob.

Each knob: the real docker CLI (`docker create`, which is the request the
inspector judges) is denied under the default policy — dockerd never sees
POST /containers/create and no container appears — and the very same command
creates the container under a policy that opens that one knob. The raw-HTTP
table at the end checks the 403 status and the verbose deny reason of every
knob on the same default proxy.
"""
import pytest

import harness
from inspect_helpers import Creates, Denials, allow, http_json, module_proxy, name, policy

CREATE_RULES = allow("POST", "/containers/create")

# Defaults only (everything denied that the spec denies by default).
strict = module_proxy(policy(rules=CREATE_RULES))

# Structured allowlists open: each knob's allow side.
permissive = module_proxy(policy(request_body="""
container_create:
  allow_privileged: true
  allow_host_network: true
  allow_host_pid: true
  allow_host_ipc: true
  allow_host_userns: true
  allow_sysctls: true
  allowed_bind_mounts: ["/srv/sg-allowed"]
  allowed_devices: ["/dev/null"]
  allowed_device_requests:
    - driver: nvidia
      allowed_capabilities: [["gpu", "compute"]]
      max_count: 1
  allowed_device_cgroup_rules: ["c 1:3 rwm", "c 226:* rwm"]
  allowed_capabilities: ["NET_ADMIN", "CAP_SYS_TIME"]
""", rules=CREATE_RULES))

# The escape hatches, and everything else open: the five unconditional
# denials must still hold here.
wide = module_proxy(policy(request_body="""
container_create:
  allow_privileged: true
  allow_host_network: true
  allow_host_pid: true
  allow_host_ipc: true
  allow_host_userns: true
  allow_sysctls: true
  allowed_bind_mounts: ["/"]
  allow_all_devices: true
  allow_device_requests: true
  allow_device_cgroup_rules: true
  allow_all_capabilities: true
""", rules=CREATE_RULES))

# The opt-in rails (CIS-style), plus unconfined-profile denial.
rails = module_proxy(policy(request_body="""
container_create:
  require_no_new_privileges: true
  require_non_root_user: true
  require_readonly_rootfs: true
  require_drop_all_capabilities: true
  require_memory_limit: true
  require_cpu_limit: true
  require_pids_limit: true
  required_labels: ["team"]
  deny_unconfined_seccomp: true
  deny_unconfined_apparmor: true
""", rules=CREATE_RULES))

profiles = module_proxy(policy(request_body="""
container_create:
  allowed_seccomp_profiles: ["default"]
  allowed_apparmor_profiles: ["docker-default"]
""", rules=CREATE_RULES))

trust_enforce = module_proxy(policy(request_body="""
container_create:
  image_trust:
    mode: enforce
    allowed_keyless:
      - issuer: "https://token.actions.githubusercontent.com"
        subject_pattern: "^https://github.com/example/.*$"
""", rules=CREATE_RULES))

trust_warn = module_proxy(policy(request_body="""
container_create:
  image_trust:
    mode: warn
    allowed_keyless:
      - issuer: "https://token.actions.githubusercontent.com"
        subject_pattern: "^https://github.com/example/.*$"
""", rules=CREATE_RULES))

NONE = ("--network", "none")

# (knob, CLI options): denied by default, created once the knob is open.
DEFAULT_DENIED = [
    ("allow_privileged", ("--privileged",) + NONE),
    ("allow_host_network", ("--network", "host")),
    ("allow_host_pid", ("--pid", "host") + NONE),
    ("allow_host_ipc", ("--ipc", "host") + NONE),
    ("allow_host_userns", ("--userns", "host") + NONE),
    ("allow_sysctls", ("--sysctl", "kernel.msgmax=65536") + NONE),
    ("allowed_bind_mounts_v", ("-v", "/srv/sg-allowed/data:/data") + NONE),
    ("allowed_bind_mounts_mount", ("--mount", "type=bind,source=/srv/sg-allowed,target=/data") + NONE),
    ("allowed_devices", ("--device", "/dev/null:/dev/xnull") + NONE),
    ("allowed_device_requests", ("--gpus", "driver=nvidia,count=1,capabilities=gpu") + NONE),
    ("allowed_device_cgroup_rules", ("--device-cgroup-rule", "c 1:3 rwm") + NONE),
    ("allowed_device_cgroup_rules_wild", ("--device-cgroup-rule", "c 226:* rwm") + NONE),
    ("allowed_capabilities", ("--cap-add", "NET_ADMIN") + NONE),
    ("allowed_capabilities_prefix", ("--cap-add", "sys_time") + NONE),
]


def _caps(hc):
    return [c.upper().replace("CAP_", "", 1) for c in hc["CapAdd"] or []]


# What dockerd stored, per knob: proves the option really reached it.
STORED = {
    "allow_privileged": lambda hc: hc["Privileged"] is True,
    "allow_host_network": lambda hc: hc["NetworkMode"] == "host",
    "allow_host_pid": lambda hc: hc["PidMode"] == "host",
    "allow_host_ipc": lambda hc: hc["IpcMode"] == "host",
    "allow_host_userns": lambda hc: hc["UsernsMode"] == "host",
    "allow_sysctls": lambda hc: hc["Sysctls"] == {"kernel.msgmax": "65536"},
    "allowed_bind_mounts_v": lambda hc: hc["Binds"] == ["/srv/sg-allowed/data:/data"],
    "allowed_bind_mounts_mount": lambda hc: hc["Mounts"][0]["Source"] == "/srv/sg-allowed",
    "allowed_devices": lambda hc: hc["Devices"][0]["PathOnHost"] == "/dev/null",
    "allowed_device_requests": lambda hc: hc["DeviceRequests"][0]["Driver"] == "nvidia",
    "allowed_device_cgroup_rules": lambda hc: hc["DeviceCgroupRules"] == ["c 1:3 rwm"],
    "allowed_device_cgroup_rules_wild": lambda hc: hc["DeviceCgroupRules"] == ["c 226:* rwm"],
    "allowed_capabilities": lambda hc: _caps(hc) == ["NET_ADMIN"],
    "allowed_capabilities_prefix": lambda hc: _caps(hc) == ["SYS_TIME"],
}


@pytest.fixture(scope="module", autouse=True)
def _bind_dirs():
    # Bind sources must exist for dockerd to create the container.
    import os
    import shutil
    os.makedirs("/srv/sg-allowed/data", exist_ok=True)
    yield
    shutil.rmtree("/srv/sg-allowed", ignore_errors=True)


def test_baseline_create_allowed(docker_daemon, strict):
    # Named volumes need no allowlist entry; the rails are off by default
    # (root user, no limits, unconfined profiles are fine).
    with Creates(docker_daemon) as c:
        c.create("named_volume", strict, *NONE, "-v", "sgi-named-vol:/data", "--user", "root",
                 "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined")
        doc = c.inspect()["named_volume"]
    assert doc["HostConfig"]["Binds"] == ["sgi-named-vol:/data"]
    docker_daemon.docker("volume", "rm", "-f", "sgi-named-vol", check=False)


def test_default_denials(docker_daemon, strict):
    with Denials(docker_daemon) as d:
        for knob, opts in DEFAULT_DENIED:
            d.create(knob, strict, *opts)


def test_knobs_open_allow(docker_daemon, permissive):
    with Creates(docker_daemon) as c:
        for knob, opts in DEFAULT_DENIED:
            c.create(knob, permissive, *opts)
        for knob, doc in c.inspect().items():
            assert STORED[knob](doc["HostConfig"]), (knob, doc["HostConfig"])


# Allowlists are allowlists: what is outside them stays denied.
OUTSIDE_ALLOWLISTS = [
    ("bind_v_etc", ("-v", "/etc:/x")),
    ("bind_prefix_sibling", ("-v", "/srv/sg-allowed2:/x")),
    ("bind_mount_dotdot", ("--mount", "type=bind,source=/srv/sg-allowed/../../etc,target=/x")),
    ("bind_v_dotdot", ("-v", "/srv/sg-allowed/../../etc:/x")),
    ("volume_driver_device_bind", ("--mount", "type=volume,source=sgi-evil-vol,target=/x,volume-driver=local,"
                                   "volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc")),
    ("device_zero", ("--device", "/dev/zero")),
    ("device_dotdot", ("--device", "/dev/null/../zero:/dev/z")),
    ("gpus_all_count", ("--gpus", "driver=nvidia,count=all,capabilities=gpu")),
    ("gpus_too_many", ("--gpus", "driver=nvidia,count=2,capabilities=gpu")),
    ("gpus_other_caps", ("--gpus", "driver=nvidia,count=1,capabilities=utility")),
    ("gpus_no_driver", ("--gpus", "all")),
    ("cgroup_rule_wild_minor", ("--device-cgroup-rule", "c 1:* rwm")),
    ("cgroup_rule_other", ("--device-cgroup-rule", "b 8:0 rwm")),
    ("cap_sys_admin", ("--cap-add", "SYS_ADMIN")),
    ("cap_all", ("--cap-add", "ALL")),
]


def test_outside_allowlists_denied(docker_daemon, permissive):
    with Denials(docker_daemon) as d:
        for case, opts in OUTSIDE_ALLOWLISTS:
            d.create(case, permissive, *NONE, *opts)


# Escape hatches: what the allowlists refuse, allowed wholesale.
ESCAPE_HATCHES = [
    ("allow_all_devices", ("--device", "/dev/zero")),
    ("allow_device_requests", ("--gpus", "all")),
    ("allow_device_cgroup_rules", ("--device-cgroup-rule", "b 8:* rwm")),
    ("allow_all_capabilities", ("--cap-add", "ALL")),
    ("allowed_bind_mounts_root", ("-v", "/etc:/x:ro")),
]


def test_escape_hatches(docker_daemon, wide, strict):
    with Denials(docker_daemon) as d:
        for knob, opts in ESCAPE_HATCHES:
            d.create(knob, strict, *NONE, *opts)
    with Creates(docker_daemon) as c:
        for knob, opts in ESCAPE_HATCHES:
            c.create(knob, wide, *NONE, *opts)
        docs = c.inspect()
    assert _caps(docs["allow_all_capabilities"]["HostConfig"]) == ["ALL"]
    assert docs["allow_device_requests"]["HostConfig"]["DeviceRequests"][0]["Count"] == -1


@pytest.fixture(scope="module")
def source_container(docker_daemon):
    n = name()
    docker_daemon.docker("create", "--name", n, "--network", "none", harness.IMAGE, "true")
    yield n
    docker_daemon.docker("rm", "-f", n, check=False)


def test_unconditional_denials_hold_under_widest_policy(docker_daemon, wide, source_container):
    cases = [
        ("volumes_from", ("--volumes-from", source_container)),
        ("uts_mode", ("--uts", "host")),
        ("cgroup_parent", ("--cgroup-parent", "sgi-parent")),
        ("group_add", ("--group-add", "1234")),
        ("extra_hosts", ("--add-host", "evil.example:10.0.0.1")),
    ]
    with Denials(docker_daemon) as d:
        for knob, opts in cases:
            d.create(knob, wide, *NONE, *opts)
    # ...while the container without those options is created.
    with Creates(docker_daemon) as c:
        c.create("plain", wide, *NONE)


RAIL_OK = ("--security-opt", "no-new-privileges:true", "--user", "1000:1000", "--read-only",
           "--cap-drop", "ALL", "--memory", "64m", "--cpu-shares", "256", "--pids-limit", "50",
           "--label", "team=payments") + NONE


def _without(opts, flag):
    """`opts` minus `flag` (and its value, unless it is --read-only)."""
    out, i = [], 0
    while i < len(opts):
        if opts[i] == flag:
            i += 1 if flag == "--read-only" else 2
            continue
        out.append(opts[i])
        i += 1
    return tuple(out)


RAILS = [
    ("require_no_new_privileges", _without(RAIL_OK, "--security-opt")),
    ("require_no_new_privileges_false", _without(RAIL_OK, "--security-opt") +
     ("--security-opt", "no-new-privileges:false")),
    ("require_non_root_user_missing", _without(RAIL_OK, "--user")),
    ("require_non_root_user_root", _without(RAIL_OK, "--user") + ("--user", "root")),
    ("require_non_root_user_uid0", _without(RAIL_OK, "--user") + ("--user", "0:1000")),
    ("require_readonly_rootfs", _without(RAIL_OK, "--read-only")),
    ("require_drop_all_capabilities", _without(RAIL_OK, "--cap-drop") + ("--cap-drop", "NET_RAW")),
    ("require_memory_limit", _without(RAIL_OK, "--memory")),
    ("require_cpu_limit", _without(RAIL_OK, "--cpu-shares")),
    ("require_pids_limit", _without(RAIL_OK, "--pids-limit")),
    ("required_labels_missing", _without(RAIL_OK, "--label")),
    ("required_labels_empty", _without(RAIL_OK, "--label") + ("--label", "team=")),
    ("deny_unconfined_seccomp", RAIL_OK + ("--security-opt", "seccomp=unconfined")),
    ("deny_unconfined_apparmor", RAIL_OK + ("--security-opt", "apparmor=unconfined")),
]


def test_rails(docker_daemon, rails):
    with Creates(docker_daemon) as c:
        c.create("compliant", rails, *RAIL_OK)
        c.create("cpus_instead_of_shares", rails, *_without(RAIL_OK, "--cpu-shares"), "--cpus", "0.5")
        doc = c.inspect()["compliant"]
    hc = doc["HostConfig"]
    assert hc["ReadonlyRootfs"] and hc["CapDrop"] == ["ALL"] and hc["PidsLimit"] == 50
    assert doc["Config"]["User"] == "1000:1000" and doc["Config"]["Labels"]["team"] == "payments"
    with Denials(docker_daemon) as d:
        for knob, opts in RAILS:
            d.create(knob, rails, *opts)


def test_profile_allowlists(docker_daemon, profiles):
    with Creates(docker_daemon) as c:
        c.create("no_profile_means_default", profiles, *NONE)
        c.create("apparmor_listed", profiles, *NONE, "--security-opt", "apparmor=docker-default")
    with Denials(docker_daemon) as d:
        d.create("seccomp_unconfined", profiles, *NONE, "--security-opt", "seccomp=unconfined")
        d.create("apparmor_unconfined", profiles, *NONE, "--security-opt", "apparmor=unconfined")
        d.create("apparmor_unlisted", profiles, *NONE, "--security-opt", "apparmor=sgi-custom")


def test_image_trust_enforce_denies_warn_allows(docker_daemon, trust_enforce, trust_warn):
    with Denials(docker_daemon) as d:
        d.create("enforce", trust_enforce, *NONE)
    with Creates(docker_daemon) as c:
        c.create("warn", trust_warn, *NONE)


# Raw HTTP: status and verbose reason per knob, and the body shapes the CLI
# cannot send.
HTTP_CASES = [
    ({"Privileged": True}, "privileged containers are not allowed"),
    ({"NetworkMode": "host"}, "host network mode"),
    ({"NetworkMode": " HOST "}, "host network mode"),
    ({"PidMode": "host"}, "host PID mode"),
    ({"IpcMode": "host"}, "host IPC mode"),
    ({"UsernsMode": "host"}, "host user namespace"),
    ({"Sysctls": {"kernel.msgmax": "1"}}, "sysctls"),
    ({"Binds": ["/etc:/x"]}, "bind mount source"),
    ({"Mounts": [{"Type": "BIND", "Source": "/etc", "Target": "/x"}]}, "bind mount source"),
    ({"Mounts": [{"Type": "npipe", "Source": "/var/run/docker.sock", "Target": "/x"}]}, "bind mount source"),
    ({"Mounts": [{"Type": "weird", "Source": "/etc", "Target": "/x"}]}, "mount type"),
    ({"Devices": [{"PathOnHost": "/dev/mem", "PathInContainer": "/dev/mem", "CgroupPermissions": "rwm"}]},
     "device"),
    ({"DeviceRequests": [{"Driver": "nvidia", "Count": -1, "Capabilities": [["gpu"]]}]}, "device request"),
    ({"DeviceCgroupRules": ["a *:* rwm"]}, "device cgroup rules"),
    ({"CapAdd": ["CAP_SYS_ADMIN"]}, "SYS_ADMIN"),
    ({"VolumesFrom": ["x"]}, "VolumesFrom"),
    ({"UTSMode": "host"}, "host UTS mode"),
    ({"CgroupParent": "/"}, "cgroup parent"),
    ({"GroupAdd": ["0"]}, "GroupAdd"),
    ({"ExtraHosts": ["a:1.2.3.4"]}, "ExtraHosts"),
]


def test_http_deny_reasons(docker_daemon, strict):
    P = "/v1.41/containers/create"
    with Denials(docker_daemon) as d:
        for hc, reason in HTTP_CASES:
            body = {"Image": harness.IMAGE, "HostConfig": dict({"NetworkMode": "none"}, **hc)}
            d.http(str(hc), strict, "POST", P, body, reason=reason)
        # Go's case-insensitive field match: dockerd would honour these keys.
        d.http("case_fold", strict, "POST", P, '{"Image":"x","hostconfig":{"PRIVILEGED":true}}',
               reason="privileged")
        # Duplicate keys: Go merges objects and the last wins; refused.
        d.http("dup_key", strict, "POST", P, '{"Image":"x","HostConfig":{"Privileged":true},"HostConfig":{}}')
        # Legacy top-level HostConfig fields (moby 20.10 honours them).
        d.http("top_level", strict, "POST", P, {"Image": "x", "Privileged": True})
        # No body at all (Content-Length: 0): the data plane inspects it
        # without an arena; this used to be able to crash the worker.
        d.http("empty_body", strict, "POST", P + "?name=sgi-empty", b"", reason="empty")
        # Over the 1 MiB JSON limit: 413 before any decoding.
        d.http("oversized", strict, "POST", P, {"Image": "x", "Labels": {"k": "v" * (1 << 20)}}, status=413)
        # Trailing data after the object.
        d.http("trailing", strict, "POST", P, '{"Image":"x"} {"HostConfig":{"Privileged":true}}')


def test_http_allowed_body_reaches_dockerd(docker_daemon, strict):
    n = name()
    st, _, data = http_json(strict, "POST", "/v1.41/containers/create?name=" + n,
                            {"Image": harness.IMAGE, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    try:
        assert st == 201, data
        assert n in docker_daemon.docker("ps", "-a", "--format", "{{.Names}}").stdout.split()
    finally:
        docker_daemon.docker("rm", "-f", n, check=False)
