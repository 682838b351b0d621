"""request_body.container_archive (PUT /containers/{id}/archive, `docker cp`
into a container) and request_body.image_load (POST /images/load,
`docker load`) against the real dockerd.

`docker cp` makes the ordinary cases (setuid file, escaping symlink, target
path); the tar shapes the CLI never produces (../ traversal, absolute names,
device nodes, escaping hardlinks, crafted manifest.json) are raw HTTP.
"""
import io
import json
import os
import subprocess
import tarfile

import pytest

import harness
from inspect_helpers import DENIED, Denials, allow, module_proxy, policy, target  # noqa: F401 (fixture)

EXFIL = "insecure_allow_read_exfiltration: true\n"
ARCHIVE_RULES = allow("PUT", "/containers/*/archive") + allow("HEAD", "/containers/*/archive")
LOAD_RULES = allow("POST", "/images/load")

archive_default = module_proxy(policy(rules=ARCHIVE_RULES, extra=EXFIL))
archive_open = module_proxy(policy(request_body="""
container_archive:
  allowed_paths: ["/tmp", "/srv"]
  allow_setid: true
  allow_device_nodes: true
  allow_escaping_links: true
""", rules=ARCHIVE_RULES, extra=EXFIL))
load_default = module_proxy(policy(rules=LOAD_RULES))
load_registries = module_proxy(policy(request_body="""
image_load:
  allowed_registries: ["ghcr.io"]
  allow_untagged: true
""", rules=LOAD_RULES))
load_all = module_proxy(policy(request_body="image_load:\n  allow_all_registries: true\n", rules=LOAD_RULES))


def _listing(daemon, container, path):
    """Names under `path` in the container, read directly from dockerd."""
    r = subprocess.run(["docker", "cp", "%s:%s" % (container, path), "-"], env=daemon.env(),
                       capture_output=True, timeout=60)
    if r.returncode != 0:
        return {}
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as t:
        return {m.name: m for m in t.getmembers()}


def _tar(*entries):
    """entries: (name, kind, extra) with kind file|dir|sym|link|chr."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n, kind, extra in entries:
            ti = tarfile.TarInfo(n)
            data = b""
            if kind == "file":
                data = b"data\n"
                ti.size = len(data)
                ti.mode = extra or 0o644
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, extra
            elif kind == "link":
                ti.type, ti.linkname = tarfile.LNKTYPE, extra
            elif kind == "chr":
                ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
            t.addfile(ti, io.BytesIO(data) if data else None)
    return buf.getvalue()


@pytest.fixture
def srcdir(tmp_path):
    d = tmp_path / "cp"
    d.mkdir()
    (d / "plain.txt").write_text("hello\n")
    (d / "suid").write_text("#!/bin/sh\n")
    os.chmod(d / "suid", 0o4755)
    (d / "esc").mkdir()
    os.symlink("/etc/shadow", d / "esc" / "shadow")  # dockerd itself refuses relative escapes
    return d


def test_archive_plain_copy_allowed(docker_daemon, archive_default, target, srcdir):
    archive_default.docker("cp", str(srcdir / "plain.txt"), "%s:/tmp/" % target)
    assert "plain.txt" in _listing(docker_daemon, target, "/tmp/plain.txt")


def test_archive_denials(docker_daemon, archive_default, target, srcdir):
    P = "/v1.41/containers/%s/archive?path=/tmp" % target
    with Denials(docker_daemon) as d:
        d.cli("setuid_file", archive_default, ["cp", str(srcdir / "suid"), "%s:/tmp/" % target],
              method="PUT", path_part="/archive")
        d.cli("escaping_symlink", archive_default, ["cp", str(srcdir / "esc"), "%s:/tmp/" % target],
              method="PUT", path_part="/archive")
        for label, tar, reason in [
            ("dotdot", _tar(("../../etc/cron.d/x", "file", None)), "relative"),
            ("absolute", _tar(("/etc/cron.d/x", "file", None)), "relative"),
            ("nested_dotdot", _tar(("a/", "dir", None), ("a/../../x", "file", None)), "relative"),
            ("setgid_raw", _tar(("g", "file", 0o2755)), "setuid"),
            ("char_device", _tar(("null", "chr", None)), "device nodes"),
            ("escaping_hardlink", _tar(("h", "link", "../../etc/shadow")), "links"),
            ("absolute_symlink", _tar(("s", "sym", "/etc/shadow")), "links"),
        ]:
            d.http(label, archive_default, "PUT", P, tar, reason=reason, content_type="application/x-tar",
                   served_part="/archive")
        d.http("gzip", archive_default, "PUT", P, b"\x1f\x8b\x08\x00" + b"\0" * 100,
               content_type="application/x-tar", served_part="/archive")
    listing = _listing(docker_daemon, target, "/tmp")
    assert not any(n.endswith(("suid", "esc", "g", "null", "h", "s")) for n in listing), listing


def test_archive_knobs_open(docker_daemon, archive_open, target, srcdir):
    archive_open.docker("cp", str(srcdir / "suid"), "%s:/tmp/" % target)
    archive_open.docker("cp", str(srcdir / "esc"), "%s:/tmp/" % target)
    st, _, data = archive_open.http("PUT", "/v1.41/containers/%s/archive?path=/tmp" % target,
                                    body=_tar(("null", "chr", None), ("h", "link", "../../etc/passwd")),
                                    headers={"Content-Type": "application/x-tar"})
    assert DENIED.encode() not in data and st != 403, (st, data)  # dockerd decides (it may refuse mknod)
    m = _listing(docker_daemon, target, "/tmp/suid")["suid"]
    assert m.mode & 0o4000
    assert _listing(docker_daemon, target, "/tmp/esc/shadow")["shadow"].issym()
    # allowed_paths: outside /tmp and /srv is denied.
    with Denials(docker_daemon) as d:
        d.cli("path_etc", archive_open, ["cp", str(srcdir / "plain.txt"), "%s:/etc/" % target],
              method="PUT", path_part="/archive")
        d.http("path_dotdot", archive_open, "PUT",
               "/v1.41/containers/%s/archive?path=/tmp/../etc" % target, _tar(("x", "file", None)),
               reason="not allowlisted", content_type="application/x-tar", served_part="/archive")
        # Traversal stays denied even with every knob open.
        d.http("dotdot_open", archive_open, "PUT", "/v1.41/containers/%s/archive?path=/tmp" % target,
               _tar(("../x", "file", None)), reason="relative", content_type="application/x-tar",
               served_part="/archive")


# ---- image load ------------------------------------------------------------

def _image_tar(repo_tags, extra=()):
    manifest = json.dumps([{"Config": "cfg.json", "RepoTags": repo_tags, "Layers": []}]).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for n, data in (("manifest.json", manifest),) + tuple(extra):
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture(scope="module")
def saved_image(docker_daemon, tmp_path_factory):
    tag = "local/sgi-load:1"
    docker_daemon.docker("tag", harness.IMAGE, tag)
    path = str(tmp_path_factory.mktemp("save") / "img.tar")
    docker_daemon.docker("save", "-o", path, tag)
    docker_daemon.docker("rmi", tag)
    yield tag, path
    docker_daemon.docker("rmi", tag, check=False)


def _has_image(daemon, tag):
    return daemon.docker("image", "inspect", tag, check=False).returncode == 0


def test_docker_load_non_official_denied_then_allowed(docker_daemon, load_default, load_all, saved_image):
    tag, path = saved_image
    with Denials(docker_daemon) as d:
        d.cli("docker_load_local_repo", load_default, ["load", "-i", path], path_part="/images/load")
    assert not _has_image(docker_daemon, tag)
    load_all.docker("load", "-i", path)
    assert _has_image(docker_daemon, tag)


def test_image_load_manifest_policy(docker_daemon, load_default, load_registries):
    P = "/v1.41/images/load?quiet=1"
    with Denials(docker_daemon) as d:
        for label, proxy, tar, reason in [
            ("ghcr_default", load_default, _image_tar(["ghcr.io/org/app:1"]), "registry"),
            ("untagged_default", load_default, _image_tar([]), "untagged"),
            ("mixed_tags", load_default, _image_tar(["busybox:sgi", "evil.example/x:1"]), "registry"),
            ("other_registry", load_registries, _image_tar(["quay.io/org/app:1"]), "registry"),
            ("two_manifests", load_default, _image_tar(["busybox:sgi"], extra=(("./manifest.json", b"[]"),)),
             "manifest"),
            ("no_manifest", load_default, _image_tar(["x"])[:0] + _tar(("repositories", "file", None)),
             "manifest"),
        ]:
            d.http(label, proxy, "POST", P, tar, reason=reason, content_type="application/x-tar",
                   served_part="/images/load")
    # Allowed manifests reach dockerd (which then fails on the fake layers).
    for label, proxy, tar in [("official", load_default, _image_tar(["busybox:sgi"])),
                              ("ghcr_listed", load_registries, _image_tar(["ghcr.io/org/app:1"])),
                              ("untagged_opened", load_registries, _image_tar([]))]:
        mark = docker_daemon.log_mark()
        st, _, data = proxy.http("POST", P, body=tar, headers={"Content-Type": "application/x-tar"})
        assert DENIED.encode() not in data, (label, st, data)
        assert [x for x in docker_daemon.requests_since(mark) if x[0] == "POST" and "/images/load" in x[1]], label
