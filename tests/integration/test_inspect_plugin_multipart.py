"""POST /plugins/create uploaded as multipart/form-data, through sockguard
to the real dockerd.

sockguard parses the envelope, takes the one part that carries the plugin
archive and judges its config.json exactly as for a raw tar body. dockerd
itself never parses the form on this endpoint: it reads the whole body as
a tar from byte 0 (so a plain envelope fails there with "invalid tar
header", and a body that is both an envelope and a tar installs the tar's
config.json: sockguard refuses those). The allow case only proves that
dockerd received the request; the deny cases prove it never did.
"""
import http.client
import json
import socket

from inspect_helpers import DENIED, Denials, allow, plugin_tar, http_reached, module_proxy, policy

RULES = allow("POST", "/plugins/create")
default = module_proxy(policy(rules=RULES))
opened = module_proxy(policy(request_body="plugin:\n  allow_host_network: true\n", rules=RULES))

BASE = {"Description": "t", "Entrypoint": ["/x"],
        "Interface": {"Types": ["docker.volumedriver/1.0"], "Socket": "p.sock"}}
BOUNDARY = "sgMultipart0123"
CT = 'multipart/form-data; boundary="%s"' % BOUNDARY


def _plugin_tar(config):
    return plugin_tar(config, ustar=True)


def _envelope(archive, preamble=b"", close=True, boundary=BOUNDARY):
    b = boundary.encode()
    out = preamble + (b"\r\n" if preamble else b"")
    out += b"--" + b + b'\r\nContent-Disposition: form-data; name="description"\r\n\r\nsgi test\r\n'
    out += (b"--" + b + b'\r\nContent-Disposition: form-data; name="context"; filename="plugin.tar"\r\n'
            b"Content-Type: application/x-tar\r\n\r\n" + archive)
    if close:
        out += b"\r\n--" + b + b"--\r\n"
    return out


def _polyglot(evil_config, benign_archive, boundary=BOUNDARY):
    """A well-formed multipart envelope whose bytes are also a tar to Go's
    archive/tar: the envelope's first 512 bytes form a V7 header (fields in
    a part header's value) whose entry skips to a 512-aligned tar, holding
    `evil_config`, inside the first part's data. The second part carries
    `benign_archive`, the one a part-only inspection would judge."""
    b = boundary.encode()
    head = bytearray(b"--" + b + b"\r\nX-Pad: ")
    head += b"a" * (100 - len(head))
    rest = b'\r\nContent-Disposition: form-data; name="pad"\r\n\r\n'
    start = 512 + 100 + len(rest)          # first byte of part 1's data
    evil_at = -(-(start + 300) // 512) * 512
    head += b"0000644 0000000 0000000 %011o 00000000000 " % (evil_at - 512)
    head += b" " * 8 + b"0"                # checksum (as spaces), typeflag
    head += b"a" * (512 + 100 - len(head))
    blk = bytes(head[:512])
    head[148:156] = b"%07o " % sum(blk)
    out = bytes(head) + rest
    out += b"p" * (evil_at - len(out)) + _plugin_tar(evil_config)
    out += b"\r\n--" + b + b'\r\nContent-Disposition: form-data; name="context"; filename="p.tar"\r\n\r\n'
    out += benign_archive + b"\r\n--" + b + b"--\r\n"
    return out


def _chunked(method, path, content_type, body, size=700):
    head = ("%s %s HTTP/1.1\r\nHost: docker\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n" % (method, path, content_type)).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size))
    return head + chunks + b"0\r\n\r\n"


def test_plugin_create_multipart_denied(docker_daemon, default, opened):
    host_net = _plugin_tar(dict(BASE, Network={"Type": "host"}))
    with Denials(docker_daemon) as d:
        d.http("host_network", default, "POST", "/v1.41/plugins/create?name=sgi-mp1",
               _envelope(host_net), content_type=CT, reason="network", served_part="/plugins/create")
        d.http("capabilities", opened, "POST", "/v1.41/plugins/create?name=sgi-mp2",
               _envelope(_plugin_tar(dict(BASE, Linux={"Capabilities": ["CAP_SYS_ADMIN"]}))),
               content_type="multipart/form-data; boundary=" + BOUNDARY, reason="capabilities",
               served_part="/plugins/create")
        d.http("unclosed", opened, "POST", "/v1.41/plugins/create?name=sgi-mp3",
               _envelope(_plugin_tar(BASE), close=False), content_type=CT,
               reason="multipart body does not close", served_part="/plugins/create")
        d.http("no_boundary", opened, "POST", "/v1.41/plugins/create?name=sgi-mp4",
               _envelope(_plugin_tar(BASE)), content_type="multipart/form-data",
               reason="no boundary parameter", served_part="/plugins/create")
        # The preamble is bounded (1 KiB): nothing legitimate hides there.
        d.http("long_preamble", opened, "POST", "/v1.41/plugins/create?name=sgi-mp5",
               _envelope(_plugin_tar(BASE), preamble=b"A" * 4096 + host_net), content_type=CT,
               reason="preamble is too long", served_part="/plugins/create")
        # A tar/multipart polyglot: dockerd reads the body as a tar from
        # byte 0 and would install the host-network config.
        d.http("polyglot", default, "POST", "/v1.41/plugins/create?name=sgi-mp9",
               _polyglot(dict(BASE, Network={"Type": "host"}), _plugin_tar(BASE)), content_type=CT,
               reason="also a tar archive", served_part="/plugins/create")
        # The same deny when the envelope arrives chunked.
        mark = docker_daemon.log_mark()
        resp = default.raw(_chunked("POST", "/v1.41/plugins/create?name=sgi-mp6", CT, _envelope(host_net)))
        assert resp.startswith(b"HTTP/1.1 403"), resp[:300]
        assert DENIED.encode() in resp, resp[:600]
        d.cases.append(("chunked", mark, "POST", "/plugins/create"))


def test_plugin_create_multipart_allowed(docker_daemon, opened):
    # Allowed config.json (host network is allowed by this policy): the
    # request reaches dockerd, which then answers as it will (it cannot
    # install a plugin from a multipart body).
    for label, name, archive in [("base", "sgi-mp7", _plugin_tar(BASE)),
                                 ("host_net_allowed", "sgi-mp8", _plugin_tar(dict(BASE, Network={"Type": "host"})))]:
        st, data = http_reached(docker_daemon, opened, "POST", "/v1.41/plugins/create?name=" + name,
                                _envelope(archive, preamble=b"preamble"), headers={"Content-Type": CT},
                                served_part="/plugins/create")
        assert st != 403 or DENIED not in data.decode(errors="replace"), (label, st, data)
        if st < 300:
            docker_daemon.docker("plugin", "rm", "-f", name, check=False)


def test_dockerd_reads_multipart_body_as_tar(docker_daemon):
    """Why sockguard refuses polyglots: sent straight to dockerd (no proxy),
    the polyglot installs the host-network config.json, not the part."""
    name = "sgi-mp-direct"
    body = _polyglot(dict(BASE, Network={"Type": "host"}), _plugin_tar(BASE))
    conn = http.client.HTTPConnection("localhost", timeout=60)
    conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.sock.settimeout(60)
    conn.sock.connect(docker_daemon.socket)
    try:
        conn.request("POST", "/v1.41/plugins/create?name=" + name, body=body, headers={"Content-Type": CT})
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    try:
        assert resp.status < 300, (resp.status, data)
        cfg = json.loads(docker_daemon.docker("plugin", "inspect", name).stdout)[0]["Config"]
        assert cfg["Network"]["Type"] == "host", cfg
    finally:
        docker_daemon.docker("plugin", "rm", "-f", name, check=False)
