"""The resource inspectors against the real dockerd: image pull/import,
volume, network create/connect/disconnect, container update, and the swarm
family (secret, config, service, swarm, node) plus plugins.

The daemon is not a swarm manager and has no registry access: for those
endpoints the allow case proves sockguard forwarded the request (dockerd
served it, whatever it answered), the deny case that dockerd never saw it.
A swarm init/join is never allowed through here (it would turn the shared
test daemon into a swarm node).
"""
import io
import json
import tarfile

import pytest

import harness
from inspect_helpers import DENIED, Denials, allow, plugin_tar, http_reached, module_proxy, name, policy, reached_nowait

RULES = "".join(allow(m, p) for m, p in [
    ("POST", "/images/create"), ("POST", "/volumes/create"), ("DELETE", "/volumes/*"),
    ("POST", "/networks/create"), ("POST", "/networks/*/connect"), ("POST", "/networks/*/disconnect"),
    ("DELETE", "/networks/*"), ("POST", "/containers/*/update"), ("POST", "/secrets/create"),
    ("POST", "/configs/create"), ("POST", "/services/create"), ("POST", "/services/*/update"),
    ("POST", "/swarm/init"), ("POST", "/swarm/join"), ("POST", "/swarm/update"), ("POST", "/swarm/unlock"),
    ("POST", "/nodes/*/update"), ("POST", "/plugins/pull"), ("POST", "/plugins/create"),
    ("POST", "/plugins/**/set"), ("POST", "/plugins/**/upgrade"),
])
BLIND = "insecure_allow_body_blind_writes: true\n"

default = module_proxy(policy(rules=RULES, extra=BLIND))
opened = module_proxy(policy(request_body="""
image_pull:
  allow_imports: true
  allowed_registries: ["ghcr.io"]
volume:
  allow_custom_drivers: true
  allow_driver_opts: true
network:
  allow_custom_drivers: true
  allow_custom_ipam_config: true
  allow_driver_options: true
  allow_endpoint_config: true
  allow_disconnect_force: true
  allow_attachable: true
container_update:
  allow_resource_updates: true
  allow_restart_policy: true
secret:
  allow_custom_drivers: true
  allow_template_drivers: true
config:
  allow_custom_drivers: true
  allow_template_drivers: true
service:
  allow_host_network: true
  allowed_bind_mounts: ["/srv/svc"]
  allowed_registries: ["ghcr.io"]
swarm:
  allow_token_rotation: true
  allow_unlock: true
  allow_auto_lock_managers: true
node:
  allow_role_change: true
  allowed_label_keys: ["zone"]
plugin:
  allow_host_network: true
  allowed_registries: ["ghcr.io"]
  allowed_set_env_prefixes: ["DEBUG="]
""", rules=RULES, extra=BLIND))
# One knob alone: the CLI's zero-valued resource fields must not need the others.
restart_only = module_proxy(policy(request_body="container_update:\n  allow_restart_policy: true\n",
                                   rules=RULES, extra=BLIND))
# ownership.label_key reaches the node inspector (node label claims).
owner_key = module_proxy(policy(rules=RULES, extra=BLIND + "ownership:\n  label_key: example.com/owner\n"))


# ---- image pull / import -----------------------------------------------------

def test_pull(docker_daemon, default, opened):
    with Denials(docker_daemon) as d:
        d.cli("ghcr_default", default, ["pull", "ghcr.io/org/app:1"], path_part="/images/create")
        d.cli("user_repo_default", default, ["pull", "someuser/app:1"], path_part="/images/create")
        d.cli("quay_opened", opened, ["pull", "quay.io/org/app:1"], path_part="/images/create")
        d.cli("import_default", default, ["import", "-", "local/sgi-import:1"], path_part="/images/create",
              input="")
        d.http("fromSrc_even_with_fromImage", default, "POST", "/v1.41/images/create?fromImage=busybox&fromSrc=-",
               b"", reason="import")
    # Allowed pulls reach dockerd (which then has no registry to talk to).
    for label, proxy, ref in [("official", default, "busybox:sgi-none"),
                              ("official_long", default, "docker.io/library/busybox:sgi-none"),
                              ("ghcr_listed", opened, "ghcr.io/org/app:1")]:
        mark = docker_daemon.log_mark()
        r = proxy.docker("pull", ref, check=False, timeout=120)
        assert DENIED not in r.stderr, (label, r.stderr)
        assert [x for x in docker_daemon.requests_since(mark) if x[0] == "POST" and "/images/create" in x[1]], label


def test_import_allowed_when_opened(docker_daemon, opened, tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        ti = tarfile.TarInfo("hello.txt")
        ti.size = 3
        t.addfile(ti, io.BytesIO(b"hi\n"))
    p = tmp_path / "rootfs.tar"
    p.write_bytes(buf.getvalue())
    opened.docker("import", str(p), "local/sgi-import:1")
    try:
        assert docker_daemon.docker("image", "inspect", "local/sgi-import:1", check=False).returncode == 0
    finally:
        docker_daemon.docker("rmi", "local/sgi-import:1", check=False)


def test_long_query_fails_closed_as_too_large(docker_daemon, default):
    # The head-phase scratch for query-only inspectors is 4 KiB: a longer
    # query is "too large to inspect" (413), not "malformed".
    with Denials(docker_daemon) as d:
        d.http("long_query", default, "POST", "/v1.41/images/create?fromImage=" + "a" * 6000 + "&tag=1", b"",
               status=413, reason="too large to inspect")


# ---- volumes -------------------------------------------------------------------

def test_volumes(docker_daemon, default, opened):
    v = name()
    try:
        default.docker("volume", "create", v)
        assert docker_daemon.docker("volume", "inspect", v, check=False).returncode == 0
        with Denials(docker_daemon) as d:
            d.cli("custom_driver", default, ["volume", "create", "--driver", "sgi-custom", name()],
                  path_part="/volumes/create")
            d.cli("driver_opts", default, ["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", name()],
                  path_part="/volumes/create")
            d.cli("bind_in_disguise_opened", opened, ["volume", "create", "-o", "type=none", "-o", "o=bind",
                                                      "-o", "device=/etc", name()], path_part="/volumes/create")
        t = name()
        opened.docker("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", t)
        assert json.loads(docker_daemon.docker("volume", "inspect", t).stdout)[0]["Options"]["type"] == "tmpfs"
        docker_daemon.docker("volume", "rm", t)
        # dockerd then looks for the plugin (for 15 s): only prove it got the request.
        reached_nowait(docker_daemon, opened, "POST", "/v1.41/volumes/create", {"Name": name(), "Driver": "sgi-custom"})
    finally:
        docker_daemon.docker("volume", "rm", "-f", v, check=False)


# ---- networks --------------------------------------------------------------------

@pytest.fixture(scope="module")
def nets(docker_daemon):
    a, b = name(), name()
    docker_daemon.docker("network", "create", "--internal", "--subnet", "10.231.0.0/24", a)
    docker_daemon.docker("network", "create", "--internal", "--subnet", "10.232.0.0/24", b)
    c = name()
    docker_daemon.docker("create", "--name", c, "--network", a, harness.IMAGE, "true")
    yield a, b, c
    docker_daemon.docker("rm", "-f", c, check=False)
    docker_daemon.docker("network", "rm", a, b, check=False)


def _networks_of(daemon, c):
    return set(json.loads(daemon.docker("inspect", c).stdout)[0]["NetworkSettings"]["Networks"])


def test_network_create(docker_daemon, default, opened):
    created = []
    try:
        n = name()
        default.docker("network", "create", "--internal", n)
        created.append(n)
        with Denials(docker_daemon) as d:
            for label, opts in [("custom_driver", ("--driver", "sgi-weave")), ("attachable", ("--attachable",)),
                                ("ingress", ("--ingress",)), ("ipam_driver", ("--ipam-driver", "sgi-ipam")),
                                ("ipam_config", ("--subnet", "10.233.0.0/24")),
                                ("ipam_opt", ("--ipam-opt", "a=b")),
                                ("driver_opt", ("-o", "com.docker.network.bridge.name=sgi0")),
                                ("config_only", ("--config-only",)),
                                ("config_from", ("--config-from", "x")), ("scope_swarm", ("--scope", "swarm"))]:
                d.cli(label, default, ["network", "create", *opts, name()], path_part="/networks/create")
        nets_before = set(docker_daemon.docker("network", "ls", "-q").stdout.split())
        m = name()
        opened.docker("network", "create", "--internal", "--subnet", "10.234.0.0/24", "-o",
                      "com.docker.network.bridge.name=sgi-br-test", m)
        created.append(m)
        info = json.loads(docker_daemon.docker("network", "inspect", m).stdout)[0]
        assert info["IPAM"]["Config"][0]["Subnet"] == "10.234.0.0/24"
        assert set(docker_daemon.docker("network", "ls", "-q").stdout.split()) - nets_before
    finally:
        if created:
            docker_daemon.docker("network", "rm", *created, check=False)


def test_network_connect_disconnect(docker_daemon, default, opened, nets):
    a, b, c = nets
    with Denials(docker_daemon) as d:
        d.cli("static_ip", default, ["network", "connect", "--ip", "10.232.0.50", b, c], path_part="/connect")
        d.cli("link_local", default, ["network", "connect", "--link-local-ip", "169.254.1.1", b, c],
              path_part="/connect")
    assert b not in _networks_of(docker_daemon, c)
    default.docker("network", "connect", "--alias", "web", b, c)  # aliases need no knob
    assert b in _networks_of(docker_daemon, c)
    with Denials(docker_daemon) as d:
        d.cli("force_disconnect", default, ["network", "disconnect", "-f", b, c], path_part="/disconnect")
    assert b in _networks_of(docker_daemon, c)
    default.docker("network", "disconnect", b, c)
    assert b not in _networks_of(docker_daemon, c)
    opened.docker("network", "connect", "--ip", "10.232.0.50", b, c)
    assert b in _networks_of(docker_daemon, c)
    opened.docker("network", "disconnect", "-f", b, c)
    assert b not in _networks_of(docker_daemon, c)


# ---- container update -----------------------------------------------------------

def test_container_update(docker_daemon, default, opened, restart_only):
    c = name()
    docker_daemon.docker("create", "--name", c, "--network", "none", harness.IMAGE, "true")
    try:
        with Denials(docker_daemon) as d:
            for label, opts in [("memory", ("--memory", "64m", "--memory-swap", "128m")),
                                ("cpu_shares", ("--cpu-shares", "512")), ("pids", ("--pids-limit", "10")),
                                ("restart_policy", ("--restart", "always"))]:
                d.cli(label, default, ["update", *opts, c], path_part="/update")
            for label, body, reason in [("privileged", {"Privileged": True}, None),
                                        ("devices", {"Devices": [{"PathOnHost": "/dev/mem", "PathInContainer": "/dev/mem", "CgroupPermissions": "rwm"}]}, None),
                                        ("capabilities", {"CapAdd": ["SYS_ADMIN"]}, None)]:
                d.http(label, opened, "POST", "/v1.41/containers/%s/update" % c, body, served_part="/update")
            d.cli("memory_restart_only", restart_only, ["update", "--memory", "64m", "--memory-swap", "128m", c],
                  path_part="/update")
        hc = json.loads(docker_daemon.docker("inspect", c).stdout)[0]["HostConfig"]
        assert hc["Memory"] == 0 and hc["RestartPolicy"]["Name"] in ("", "no")
        restart_only.docker("update", "--restart", "unless-stopped", c)
        hc = json.loads(docker_daemon.docker("inspect", c).stdout)[0]["HostConfig"]
        assert hc["RestartPolicy"]["Name"] == "unless-stopped"
        # The CLI sends every resource field, zero-valued: each knob alone
        # must be enough for its own change.
        opened.docker("update", "--memory", "64m", "--memory-swap", "128m", "--restart", "on-failure:3", c)
        hc = json.loads(docker_daemon.docker("inspect", c).stdout)[0]["HostConfig"]
        assert hc["Memory"] == 64 << 20 and hc["RestartPolicy"]["Name"] == "on-failure"
    finally:
        docker_daemon.docker("rm", "-f", c, check=False)


# ---- swarm family (non-swarm daemon) ----------------------------------------------

SWARM_CASES = [
    # (label, path, deny body (default proxy), allow body (opened proxy) or None)
    ("secret_driver", "/secrets/create", {"Name": "s", "Data": "eA==", "Driver": {"Name": "vault"}},
     {"Name": "s", "Data": "eA==", "Driver": {"Name": "vault"}}),
    ("secret_template", "/secrets/create", {"Name": "s", "Data": "eA==", "Templating": {"Name": "golang"}},
     {"Name": "s", "Data": "eA==", "Templating": {"Name": "golang"}}),
    ("config_driver", "/configs/create", {"Name": "c", "Data": "eA==", "Driver": {"Name": "vault"}},
     {"Name": "c", "Data": "eA==", "Driver": {"Name": "vault"}}),
    ("config_template", "/configs/create", {"Name": "c", "Data": "eA==", "Templating": {"Name": "golang"}},
     {"Name": "c", "Data": "eA==", "Templating": {"Name": "golang"}}),
    ("service_registry", "/services/create",
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "ghcr.io/org/app:1"}}},
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "ghcr.io/org/app:1"}}}),
    ("service_host_network", "/services/create",
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}, "Networks": [{"Target": "host"}]}},
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}, "Networks": [{"Target": "host"}]}}),
    ("service_bind", "/services/create",
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox", "Mounts": [
         {"Type": "bind", "Source": "/etc", "Target": "/x"}]}}},
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox", "Mounts": [
         {"Type": "bind", "Source": "/srv/svc/data", "Target": "/x"}]}}}),
    ("service_update_registry", "/services/sgi-svc/update?version=1",
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "quay.io/x/y:1"}}},
     {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}}),
    ("swarm_update_rotate", "/swarm/update?version=1&rotateWorkerToken=true", {}, {}),
    ("swarm_update_autolock", "/swarm/update?version=1", {"EncryptionConfig": {"AutoLockManagers": True}},
     {"EncryptionConfig": {"AutoLockManagers": True}}),
    ("swarm_unlock", "/swarm/unlock", {"UnlockKey": "SWMKEY-1-x"}, {"UnlockKey": "SWMKEY-1-x"}),
    ("swarm_init_force", "/swarm/init", {"ListenAddr": "127.0.0.1:2377", "ForceNewCluster": True}, None),
    ("swarm_init_external_ca", "/swarm/init",
     {"ListenAddr": "127.0.0.1:2377", "Spec": {"CAConfig": {"ExternalCAs": [{"Protocol": "cfssl",
                                                                              "URL": "https://ca.invalid"}]}}},
     None),
    ("swarm_join_unlisted", "/swarm/join", {"RemoteAddrs": ["10.9.9.9:2377"], "JoinToken": "x"}, None),
    ("node_role", "/nodes/sgi-node/update?version=1", {"Role": "manager"}, {"Role": "manager"}),
    ("node_label", "/nodes/sgi-node/update?version=1", {"Labels": {"evil": "1"}}, {"Labels": {"zone": "a"}}),
    ("plugin_pull_registry", "/plugins/pull?remote=quay.io/org/plugin:1&name=p", [],
     None),
    ("plugin_pull_host_net", "/plugins/pull?remote=ghcr.io/org/plugin:1&name=p",
     [{"Name": "network", "Value": ["host"]}], [{"Name": "network", "Value": ["host"]}]),
    ("plugin_set", "/plugins/sgi-plugin/set", ["DEBUG=1"], ["DEBUG=1"]),
    ("plugin_set_unlisted", "/plugins/sgi-plugin/set", ["SOURCE=/etc"], None),
    ("plugin_upgrade_registry", "/plugins/sgi-plugin/upgrade?remote=quay.io/x/p:1", [], None),
]


def test_swarm_family_denied(docker_daemon, default, opened):
    with Denials(docker_daemon) as d:
        for label, path, deny_body, _ in SWARM_CASES:
            d.http(label, default, "POST", "/v1.41" + path, deny_body)
        # Opened knobs do not open what is not listed.
        d.http("plugin_set_unlisted_opened", opened, "POST", "/v1.41/plugins/sgi-plugin/set", ["SOURCE=/etc"])
        d.http("swarm_join_unlisted_opened", opened, "POST", "/v1.41/swarm/join",
               {"RemoteAddrs": ["10.9.9.9:2377"], "JoinToken": "x"})


@pytest.mark.parametrize("label,path,allow_body", [(c[0], c[1], c[3]) for c in SWARM_CASES if c[3] is not None],
                         ids=[c[0] for c in SWARM_CASES if c[3] is not None])
def test_swarm_family_allowed_when_opened(docker_daemon, opened, label, path, allow_body):
    # dockerd serves it (and answers that this is not a swarm manager, or
    # that the plugin does not exist).
    http_reached(docker_daemon, opened, "POST", "/v1.41" + path, allow_body)


def test_swarm_family_benign_bodies_reach_dockerd_by_default(docker_daemon, default):
    for path, body in [("/secrets/create", {"Name": "s", "Data": "eA=="}),
                       ("/configs/create", {"Name": "c", "Data": "eA=="}),
                       ("/services/create", {"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}}),
                       ("/swarm/update?version=1", {}),
                       ("/nodes/sgi-node/update?version=1", {"Labels": {"com.sockguard.owner": "me"}}),
                       ("/plugins/pull?remote=busybox&name=p", [])]:
        http_reached(docker_daemon, default, "POST", "/v1.41" + path, body)


def test_ownership_label_key_reaches_node_inspector(docker_daemon, owner_key):
    http_reached(docker_daemon, owner_key, "POST", "/v1.41/nodes/sgi-node/update?version=1",
                 {"Labels": {"example.com/owner": "team-a"}})
    with Denials(docker_daemon) as d:
        d.http("default_key_not_owner", owner_key, "POST", "/v1.41/nodes/sgi-node/update?version=1",
               {"Labels": {"com.sockguard.owner": "team-a"}}, served_part="/nodes/")


def _plugin_tar(config):
    return plugin_tar(config, ustar=False)


def test_plugin_create(docker_daemon, default, opened):
    base = {"Description": "t", "Entrypoint": ["/x"], "Interface": {"Types": ["docker.volumedriver/1.0"],
                                                                     "Socket": "p.sock"}}
    with Denials(docker_daemon) as d:
        d.http("host_network", default, "POST", "/v1.41/plugins/create?name=sgi-p1",
               _plugin_tar(dict(base, Network={"Type": "host"})), content_type="application/x-tar",
               served_part="/plugins/create")
        d.http("bind_mount", opened, "POST", "/v1.41/plugins/create?name=sgi-p2",
               _plugin_tar(dict(base, Mounts=[{"Source": "/etc", "Destination": "/x", "Type": "bind"}])),
               content_type="application/x-tar", served_part="/plugins/create")
        d.http("capabilities", opened, "POST", "/v1.41/plugins/create?name=sgi-p3",
               _plugin_tar(dict(base, Linux={"Capabilities": ["CAP_SYS_ADMIN"]})),
               content_type="application/x-tar", served_part="/plugins/create")
    st, data = http_reached(docker_daemon, opened, "POST", "/v1.41/plugins/create?name=sgi-p4",
                            _plugin_tar(dict(base, Network={"Type": "host"})),
                            headers={"Content-Type": "application/x-tar"}, served_part="/plugins/create")
    if st < 300:
        docker_daemon.docker("plugin", "rm", "-f", "sgi-p4", check=False)
